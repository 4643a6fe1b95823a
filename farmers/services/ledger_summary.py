"""The ledger summed per household and month (``LedgerMonth``) and per order and village
(``OrderReach``), kept in step with the ledger by the services that write it.

``ledger_summary_add`` is called by attribution and reversal, in their
transaction, with the rows they have just written; ``ledger_summary_rebuild``
recomputes both tables from the ledger (after a repair made by hand, a bulk
load, a migration); ``ledger_summary_mismatches`` compares them and is what
the tests and the reconciliation use to prove the two agree.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from farmers.models import Attribution, Household, LedgerMonth, OrderReach
from money.split import to_fen

BATCH_ROWS = 100  # rows per statement: 7 parameters each, inside SQLite's limit


@dataclass(frozen=True)
class LedgerEntry:
    """What the summary needs of one ledger row."""

    household_id: int
    units: int
    sales_amount: Decimal
    household_income: Decimal
    created_at: datetime.datetime
    is_sale: bool
    counts_order: bool = True  # False: the order has reached this household this month already


@dataclass
class _Delta:
    units: int = 0
    sales_amount: Decimal = Decimal("0")
    household_income: Decimal = Decimal("0")
    orders: int = 0
    last_sale_at: datetime.datetime | None = None
    sold_to: set = field(default_factory=set)


def month_of(moment: datetime.datetime) -> datetime.date:
    """The local calendar month of an instant, as its first day."""
    return timezone.localtime(moment).date().replace(day=1)


def ledger_summary_add(*, order_id: int, entries: Iterable[LedgerEntry]) -> None:
    """Add one order's new ledger rows to the summary (call inside their transaction).

    Sales count the order once per household and month, and record the
    villages the order reached; reversals only subtract amounts.
    """
    deltas: dict[tuple[datetime.date, int], _Delta] = defaultdict(_Delta)
    for entry in entries:
        delta = deltas[(month_of(entry.created_at), entry.household_id)]
        delta.units += entry.units
        delta.sales_amount += entry.sales_amount
        delta.household_income += entry.household_income
        if entry.is_sale:
            if entry.counts_order:
                delta.orders = 1
            if delta.last_sale_at is None or entry.created_at > delta.last_sale_at:
                delta.last_sale_at = entry.created_at
    if not deltas:
        return
    _upsert_months(sorted(deltas.items()))  # in key order: concurrent writers lock alike
    sold = sorted({(month, household) for (month, household), d in deltas.items() if d.orders})
    _insert_reach(order_id, sold)


def _upsert_months(rows: list[tuple[tuple[datetime.date, int], _Delta]]) -> None:
    table = connection.ops.quote_name(LedgerMonth._meta.db_table)
    adapt = connection.ops
    for start in range(0, len(rows), BATCH_ROWS):
        chunk = rows[start : start + BATCH_ROWS]
        params: list = []
        for (month, household_id), d in chunk:
            params += [
                adapt.adapt_datefield_value(month),
                household_id,
                d.units,
                to_fen(d.sales_amount),
                to_fen(d.household_income),
                d.orders,
                adapt.adapt_datetimefield_value(d.last_sale_at),
            ]
        values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(chunk))
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} AS t (month, household_id, units, sales_fen, "
                f"income_fen, orders, last_sale_at) VALUES {values} "
                "ON CONFLICT (month, household_id) DO UPDATE SET "
                "units = t.units + excluded.units, "
                "sales_fen = t.sales_fen + excluded.sales_fen, "
                "income_fen = t.income_fen + excluded.income_fen, "
                "orders = t.orders + excluded.orders, "
                "last_sale_at = CASE WHEN excluded.last_sale_at IS NULL THEN t.last_sale_at "
                "WHEN t.last_sale_at IS NULL OR excluded.last_sale_at > t.last_sale_at "
                "THEN excluded.last_sale_at ELSE t.last_sale_at END",
                params,
            )


def _insert_reach(order_id: int, sold: list[tuple[datetime.date, int]]) -> None:
    """One row per village the order reached (the villages read from the households)."""
    by_month: dict[datetime.date, list[int]] = defaultdict(list)
    for month, household_id in sold:
        by_month[month].append(household_id)
    table = connection.ops.quote_name(OrderReach._meta.db_table)
    households = connection.ops.quote_name(Household._meta.db_table)
    with connection.cursor() as cursor:
        for month, ids in by_month.items():
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                cursor.execute(
                    f"INSERT INTO {table} (order_id, village_id, month) "
                    f"SELECT DISTINCT %s, village_id, %s FROM {households} "
                    f"WHERE id IN ({', '.join(['%s'] * len(chunk))}) "
                    "ON CONFLICT (order_id, village_id) DO NOTHING",
                    [order_id, connection.ops.adapt_datefield_value(month), *chunk],
                )


def _months_from_ledger() -> dict[tuple[datetime.date, int], dict]:
    grouped = (
        Attribution.objects.annotate(month=TruncMonth("created_at"))
        .values("month", "household_id")
        .annotate(
            units=Sum("units"),
            sales_amount=Sum("sales_amount"),
            household_income=Sum("household_income"),
            orders=Count("line__order_id", distinct=True, filter=Q(kind=Attribution.Kind.SALE)),
            last_sale_at=Max("created_at", filter=Q(kind=Attribution.Kind.SALE)),
        )
        .order_by()
    )
    return {
        (timezone.localtime(row.pop("month")).date(), row.pop("household_id")): row
        for row in grouped.iterator(chunk_size=5000)
    }


def _reach_from_ledger() -> set[tuple[int, int, datetime.date]]:
    rows = (
        Attribution.objects.filter(kind=Attribution.Kind.SALE)
        .annotate(month=TruncMonth("created_at"))
        .values_list("line__order_id", "household__village_id", "month")
        .distinct()
        .order_by()
    )
    return {(order, village, timezone.localtime(month).date()) for order, village, month in rows}


def _as_fen(figures: dict) -> dict:
    figures = dict(figures)
    figures["sales_fen"] = to_fen(figures.pop("sales_amount"))
    figures["income_fen"] = to_fen(figures.pop("household_income"))
    return figures


@transaction.atomic
def ledger_summary_rebuild() -> tuple[int, int]:
    """Recompute both summary tables from the ledger; returns their row counts."""
    LedgerMonth.objects.all().delete()
    OrderReach.objects.all().delete()
    months = [
        LedgerMonth(month=month, household_id=household_id, **_as_fen(figures))
        for (month, household_id), figures in _months_from_ledger().items()
    ]
    LedgerMonth.objects.bulk_create(months, batch_size=2000)
    reach = [
        OrderReach(order_id=order, village_id=village, month=month)
        for order, village, month in _reach_from_ledger()
    ]
    # An order whose sales were written in two months (only a hand repair does that)
    # reaches a village once: its first month stands.
    reach.sort(key=lambda r: (r.order_id, r.village_id, r.month))
    OrderReach.objects.bulk_create(reach, batch_size=2000, ignore_conflicts=True)
    return len(months), len(reach)


def ledger_summary_mismatches() -> list[str]:
    """Where the summary tables disagree with the ledger (empty when they agree)."""
    problems = []
    want = {key: _as_fen(figures) for key, figures in _months_from_ledger().items()}
    have = {
        (row.pop("month"), row.pop("household_id")): row
        for row in LedgerMonth.objects.values(
            "month", "household_id", "units", "sales_fen", "income_fen", "orders", "last_sale_at"
        )
    }
    for key in sorted(set(want) | set(have)):
        if want.get(key) != have.get(key):
            problems.append(
                f"household {key[1]}, {key[0]:%Y-%m}: {have.get(key)} != {want.get(key)}"
            )
    want_reach = {(o, v) for o, v, _m in _reach_from_ledger()}
    have_reach = set(OrderReach.objects.values_list("order_id", "village_id"))
    for order, village in sorted(want_reach ^ have_reach):
        problems.append(f"order {order} reaching village {village}: summary and ledger differ")
    return problems
