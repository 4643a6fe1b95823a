"""One statement for many rows, on the hot paths (attribution, shipping).

Django's ``Case(When(…))`` updates and ``bulk_create`` cost a good part of a
millisecond of Python per row to build; these build one plain statement with
parameters instead, on PostgreSQL and SQLite alike. Nothing here bypasses a
constraint: the database checks every row as usual.
"""

from django.db import connection, models


def add_by_pk(model: type[models.Model], fields: tuple[str, ...], deltas: dict[int, int]) -> None:
    """``field = field + delta`` for each primary key, for every field named."""
    if not deltas:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    pk = connection.ops.quote_name(model._meta.pk.column)
    columns = [connection.ops.quote_name(model._meta.get_field(f).column) for f in fields]
    values = ", ".join(["(%s, %s)"] * len(deltas))
    params = [item for pair in sorted(deltas.items()) for item in pair]
    sets = ", ".join(
        f"{column} = {column} + (SELECT d.delta FROM d WHERE d.id = {table}.{pk})"
        for column in columns
    )
    sql = (
        f"WITH d(id, delta) AS (VALUES {values}) "
        f"UPDATE {table} SET {sets} WHERE {pk} IN (SELECT id FROM d)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def insert_rows(model: type[models.Model], fields: tuple[str, ...], rows: list[tuple]) -> None:
    """INSERT many rows of ``model``: ``rows`` hold the values of ``fields`` in order."""
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(model._meta.get_field(f).column) for f in fields)
    placeholders = "(" + ", ".join(["%s"] * len(fields)) + ")"
    batch = max(1, 900 // len(fields))  # SQLite allows 999 parameters per statement
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([placeholders] * len(chunk))}",
                [value for row in chunk for value in row],
            )
