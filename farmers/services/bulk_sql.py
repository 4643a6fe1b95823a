"""One statement for many rows, on the hot paths (attribution, shipping).

Django's ``Case(When(…))`` updates and ``bulk_create`` cost a good part of a
millisecond of Python per row to build; these build one plain statement with
parameters instead, on PostgreSQL and SQLite alike. Nothing here bypasses a
constraint: the database checks every row as usual.
"""

import datetime

from django.db import connection, models

BATCH_ROWS = 400  # (id, delta) pairs per statement: well inside SQLite's parameter limit


def add_by_pk(model: type[models.Model], fields: tuple[str, ...], deltas: dict[int, int]) -> None:
    """``field = field + delta`` for each primary key, for every field named."""
    if not deltas:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    pk = connection.ops.quote_name(model._meta.pk.column)
    columns = [connection.ops.quote_name(model._meta.get_field(f).column) for f in fields]
    sets = ", ".join(
        f"{column} = {column} + (SELECT d.delta FROM d WHERE d.id = {table}.{pk})"
        for column in columns
    )
    pairs = sorted(deltas.items())
    with connection.cursor() as cursor:
        for start in range(0, len(pairs), BATCH_ROWS):
            chunk = pairs[start : start + BATCH_ROWS]
            values = ", ".join(["(%s, %s)"] * len(chunk))
            cursor.execute(
                f"WITH d(id, delta) AS (VALUES {values}) "
                f"UPDATE {table} SET {sets} WHERE {pk} IN (SELECT id FROM d)",
                [item for pair in chunk for item in pair],
            )


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
                [_adapt(value) for row in chunk for value in row],
            )


def _adapt(value):
    """Datetimes as the ORM would store them on this database (SQLite: naive UTC text)."""
    if isinstance(value, datetime.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return value
