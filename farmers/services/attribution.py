"""销售归户: every paid unit to the household whose lot supplied it.

``order_attribute`` runs when an order is paid. For each line it locks the
line's stock record and its open lots (first in, first out), takes the
line's units from the lots' uncommitted units, and appends one ledger row
per lot: units, the sales amount (the line total split by units, exact to
the fen, remainders to the largest shares, ties to the older lot) and the
household income (the lot's farmgate price for those units). Units stay
"committed" on their lot until the line ships.

Idempotent: a line that has its sale rows is skipped, and the unique
(line, lot, cause) constraint stops a concurrent second run from writing
twice. A line its lots cannot cover is attributed as far as they go and
recorded as a shortfall for the work team — never guessed.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Sum, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from oscar.core.loading import get_model

from farmers.models import Attribution, AttributionShortfall, Lot, LotShipment
from farmers.reports.ledger import day_start
from farmers.services.bulk_sql import add_by_pk, insert_rows
from farmers.services.ledger_summary import LedgerEntry, ledger_summary_add, month_of
from money.split import split_by_weights

Line = get_model("order", "Line")
StockRecord = get_model("partner", "StockRecord")

FEN = Decimal("0.01")
PAYMENT = "payment"
ENTRY_FIELDS = (
    "line",
    "lot",
    "household",
    "kind",
    "cause",
    "units",
    "sales_amount",
    "household_income",
    "created_at",
)


# Which order lines are paid. Payment state is the buyer side's (farmers never reads
# it by name): the app that keeps it registers the lookup from an order line in its
# ready(), e.g. ``order__payment_status="paid"``.
_PAID_LINE: dict[str, object] = {}


def paid_line_lookup_register(**lookup: object) -> None:
    """Tell attribution how to find paid order lines (a lookup from ``order.Line``)."""
    _PAID_LINE.clear()
    _PAID_LINE.update(lookup)


def _paid_line_lookup(prefix: str) -> dict[str, object]:
    if not _PAID_LINE:
        raise ImproperlyConfigured(
            "No app has said which order lines are paid (paid_line_lookup_register)."
        )
    return {f"{prefix}{key}": value for key, value in _PAID_LINE.items()}


@dataclass(frozen=True)
class AttributionResult:
    lines: int
    entries: int
    units_short: int


def _income(lot: "OpenLot | Lot", units: int) -> Decimal:
    return (lot.farmgate_amount * units / lot.units_received).quantize(FEN, ROUND_HALF_UP)


def _commit_units(taken: dict[int, int]) -> None:
    """One UPDATE for all lots: units_committed += n."""
    add_by_pk(Lot, ("units_committed",), taken)


class OpenLot(NamedTuple):
    pk: int
    stock_record_id: int
    household_id: int
    received_on: datetime.date
    units_received: int
    units_remaining: int
    units_committed: int
    farmgate_amount: Decimal


def _lock_stock_records(ids) -> None:
    ids = sorted(pk for pk in ids if pk is not None)
    list(
        StockRecord.objects.select_for_update(of=("self",))
        .filter(pk__in=ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _oldest_open_lots(needed: dict[int, int]) -> dict[int, list[OpenLot]]:
    """Per stock record, its oldest lots with free units — only as many as ``needed`` takes."""
    found: dict[int, list[OpenLot]] = {}
    depth = 1  # the oldest open lot usually covers a line; look deeper only when not
    wanted = dict(needed)
    while wanted:
        ranked = Lot.objects.filter(
            stock_record_id__in=list(wanted), units_remaining__gt=F("units_committed")
        ).annotate(
            fifo=Window(
                RowNumber(),
                partition_by=[F("stock_record_id")],
                order_by=[F("received_on").asc(), F("pk").asc()],
            )
        )
        if depth:
            ranked = ranked.filter(fifo__lte=depth)
        batch: dict[int, list[OpenLot]] = defaultdict(list)
        for row in ranked.order_by("stock_record_id", "fifo").values_list(*OpenLot._fields):
            lot = OpenLot(*row)
            batch[lot.stock_record_id].append(lot)
        again = {}
        for record_id, units in wanted.items():
            lots = batch.get(record_id, [])
            found[record_id] = lots
            free = sum(lot.units_remaining - lot.units_committed for lot in lots)
            if depth and free < units and len(lots) == depth:
                again[record_id] = units  # more lots exist: look deeper
        wanted = again
        depth = depth * 8 if depth < 64 else 0  # 1, 8, 64, then all
    return found


def _take_fifo(
    lots: list[OpenLot], units: int, taken_total: dict[int, int]
) -> tuple[list[tuple[OpenLot, int]], int]:
    """Take ``units`` from ``lots`` oldest first, past what earlier lines took
    (``taken_total``, updated); returns the shares and the units left over."""
    shares: list[tuple[OpenLot, int]] = []
    left = units
    for lot in lots:
        free = lot.units_remaining - lot.units_committed - taken_total[lot.pk]
        if free <= 0:
            continue
        share = min(left, free)
        shares.append((lot, share))
        taken_total[lot.pk] += share
        left -= share
        if not left:
            break
    return shares, left


class PaidLine(NamedTuple):
    pk: int
    stockrecord_id: int | None
    quantity: int
    line_price_incl_tax: Decimal
    done: bool  # has its sale rows already


@transaction.atomic(savepoint=False)  # inside a caller's transaction, no savepoint of its own
def order_attribute(*, order_id: int) -> AttributionResult:
    """Attribute every line of a paid order (a second run writes nothing)."""
    # Every writer of lots (intake, adjustments, imports, shipping, attribution,
    # reversals) locks the stock records first, in primary-key order; holding
    # those locks, the lots of these stock records cannot change under us, and
    # a second run of this function for the same order waits here, then sees
    # the first run's rows. One statement locks the order's stock records, one
    # reads its lines with whether each is done.
    list(
        StockRecord.objects.select_for_update(of=("self",))
        .filter(pk__in=Line.objects.filter(order_id=order_id).values("stockrecord_id"))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    lines = [
        line
        for line in map(
            PaidLine._make,
            Line.objects.filter(order_id=order_id)
            .annotate(
                done=Exists(Attribution.objects.filter(line_id=OuterRef("pk"), cause=PAYMENT))
            )
            .order_by("pk")
            .values_list("pk", "stockrecord_id", "quantity", "line_price_incl_tax", "done"),
        )
        if not line.done and line.stockrecord_id is not None and line.quantity > 0
    ]
    if not lines:
        return AttributionResult(lines=0, entries=0, units_short=0)

    needed: dict[int, int] = defaultdict(int)
    for line in lines:
        needed[line.stockrecord_id] += line.quantity
    open_lots = _oldest_open_lots(needed)
    entries: list[tuple] = []
    now = timezone.now()
    taken_total: dict[int, int] = defaultdict(int)
    shortfalls: list[AttributionShortfall] = []
    for line in lines:
        shares, left = _take_fifo(open_lots[line.stockrecord_id], line.quantity, taken_total)
        if shares:
            attributed_units = line.quantity - left
            # The amount of the units attributed; the rest waits with the shortfall.
            amount = (
                (line.line_price_incl_tax * attributed_units / line.quantity).quantize(
                    FEN, ROUND_HALF_UP
                )
                if left
                else line.line_price_incl_tax
            )
            amounts = (
                [amount]
                if len(shares) == 1
                else split_by_weights(amount, [units for _, units in shares])
            )
            entries.extend(
                (
                    line.pk,
                    lot.pk,
                    lot.household_id,
                    Attribution.Kind.SALE,
                    PAYMENT,
                    units,
                    sales,
                    _income(lot, units),
                    now,
                )
                for (lot, units), sales in zip(shares, amounts, strict=True)
            )
        if left:
            shortfalls.append(AttributionShortfall(line_id=line.pk, units_short=left))

    insert_rows(Attribution, ENTRY_FIELDS, entries)
    ledger_summary_add(
        order_id=order_id,
        entries=(
            LedgerEntry(entry[2], entry[5], entry[6], entry[7], now, is_sale=True)
            for entry in entries
        ),
    )
    _commit_units(taken_total)
    if shortfalls:
        AttributionShortfall.objects.bulk_create(shortfalls, ignore_conflicts=True)
    return AttributionResult(
        lines=len(lines), entries=len(entries), units_short=sum(s.units_short for s in shortfalls)
    )


@transaction.atomic
def order_attribution_reverse(
    *, order_id: int, cause: str, line_units: dict[int, int] | None = None
) -> int:
    """Append reversals for a cancelled or refunded order (or some units of some lines).

    ``cause`` names the event ("cancellation", "refund:<id>") so that running
    it twice writes nothing new. Units not shipped yet are released from their
    lots' committed units (they are free to sell again); units already shipped
    stay out of stock. Returns how many rows were written.
    """
    _lock_stock_records(
        Line.objects.filter(order_id=order_id).values_list("stockrecord_id", flat=True)
    )
    if Attribution.objects.filter(line__order_id=order_id, cause=cause).exists():
        return 0
    sales = list(
        Attribution.objects.select_related("lot")
        .filter(line__order_id=order_id, kind=Attribution.Kind.SALE)
        .order_by("line_id", "-lot__received_on", "-lot_id")
    )
    reversed_units: dict[int, int] = defaultdict(int)
    earlier: dict[int, list[Attribution]] = defaultdict(list)
    for row in Attribution.objects.filter(line__order_id=order_id, kind=Attribution.Kind.REVERSAL):
        reversed_units[row.reverses_id] += -row.units
        earlier[row.reverses_id].append(row)
    shipped: dict[tuple[int, int], int] = defaultdict(int)
    for line_id, lot_id, units in LotShipment.objects.filter(line__order_id=order_id).values_list(
        "line_id", "lot_id", "units"
    ):
        shipped[(line_id, lot_id)] += units
    wanted = dict(line_units) if line_units is not None else None
    rows: list[Attribution] = []
    released: dict[int, int] = defaultdict(int)
    for sale in sales:
        before = reversed_units[sale.pk]
        open_units = sale.units - before
        if wanted is not None:
            open_units = min(open_units, wanted.get(sale.line_id, 0))
        if open_units <= 0:
            continue
        if wanted is not None:
            wanted[sale.line_id] -= open_units
        if open_units == sale.units - before:
            # The last units of a sale take back exactly what is left of its amounts.
            amount = -(sale.sales_amount + sum(r.sales_amount for r in earlier[sale.pk]))
            income = -(sale.household_income + sum(r.household_income for r in earlier[sale.pk]))
        else:
            amount = -(sale.sales_amount * open_units / sale.units).quantize(FEN, ROUND_HALF_UP)
            income = -(sale.household_income * open_units / sale.units).quantize(FEN, ROUND_HALF_UP)
        rows.append(
            Attribution(
                line_id=sale.line_id,
                lot=sale.lot,
                household_id=sale.household_id,
                kind=Attribution.Kind.REVERSAL,
                cause=cause,
                reverses=sale,
                units=-open_units,
                sales_amount=amount,
                household_income=income,
            )
        )
        # Committed units held for this sale: what it took, less what shipped and
        # what earlier reversals gave back. Only those can be released.
        gone = shipped[(sale.line_id, sale.lot_id)]
        held_before = max(0, sale.units - gone - before)
        held_after = max(0, sale.units - gone - before - open_units)
        released[sale.lot_id] += held_before - held_after
    _commit_units({pk: -n for pk, n in released.items() if n})
    Attribution.objects.bulk_create(rows)
    ledger_summary_add(
        order_id=order_id,
        entries=(
            LedgerEntry(
                row.household_id,
                row.units,
                row.sales_amount,
                row.household_income,
                row.created_at,
                is_sale=False,
            )
            for row in rows
        ),
    )
    return len(rows)


def _amount_through(line, units: int) -> Decimal:
    """The line's amount for its first ``units`` units (all of it for all of them)."""
    if units == line.quantity:
        return line.line_price_incl_tax
    return (line.line_price_incl_tax * units / line.quantity).quantize(FEN, ROUND_HALF_UP)


@transaction.atomic
def shortfalls_cover() -> int:
    """Attribute what lots received since can give to short lines; returns units covered.

    A shortfall is covered first in, first out (oldest first), only while its
    order is paid and the line has no reversal. Each cover writes sale rows
    with its own cause (``cover:<shortfall>:<units still short>``), so that a
    line may take again from a lot it took from at payment; the amounts carry
    on from what the line has so far, so that the line sums to its total
    exactly once it is covered.
    """
    short = list(
        AttributionShortfall.objects.filter(
            resolved_at__isnull=True, **_paid_line_lookup("line__")
        ).values_list("line__stockrecord_id", flat=True)
    )
    if not short:
        return 0
    _lock_stock_records(set(short))  # then nothing else writes these lots or shortfalls
    shortfalls = list(
        AttributionShortfall.objects.filter(resolved_at__isnull=True, **_paid_line_lookup("line__"))
        .exclude(line__attributions__kind=Attribution.Kind.REVERSAL)
        .select_related("line")
        .order_by("found_at", "pk")
    )
    needed: dict[int, int] = defaultdict(int)
    for shortfall in shortfalls:
        needed[shortfall.line.stockrecord_id] += shortfall.units_short
    open_lots = _oldest_open_lots(needed)
    so_far = {
        row["line_id"]: row
        for row in Attribution.objects.filter(
            line_id__in=[s.line_id for s in shortfalls], kind=Attribution.Kind.SALE
        )
        .values("line_id")
        .annotate(units=Sum("units"), amount=Sum("sales_amount"))
    }
    taken_total: dict[int, int] = defaultdict(int)
    now = timezone.now()
    covered = 0
    for shortfall in shortfalls:
        line = shortfall.line
        shares, left = _take_fifo(
            open_lots.get(line.stockrecord_id, []), shortfall.units_short, taken_total
        )
        if not shares:
            continue
        had = so_far.get(line.pk, {"units": 0, "amount": Decimal("0")})
        units_now = (had["units"] or 0) + sum(units for _, units in shares)
        amount = _amount_through(line, units_now) - (had["amount"] or Decimal("0"))
        amounts = split_by_weights(amount, [units for _, units in shares])
        cause = f"cover:{shortfall.pk}:{shortfall.units_short}"
        entries = [
            Attribution(
                line_id=line.pk,
                lot_id=lot.pk,
                household_id=lot.household_id,
                kind=Attribution.Kind.SALE,
                cause=cause,
                units=units,
                sales_amount=sales,
                household_income=_income(lot, units),
            )
            for (lot, units), sales in zip(shares, amounts, strict=True)
        ]
        reached = set(
            Attribution.objects.filter(
                line__order_id=line.order_id,
                kind=Attribution.Kind.SALE,
                household_id__in=[e.household_id for e in entries],
                created_at__gte=day_start(month_of(now)),
            ).values_list("household_id", flat=True)
        )
        Attribution.objects.bulk_create(entries)
        ledger_summary_add(
            order_id=line.order_id,
            entries=(
                LedgerEntry(
                    e.household_id,
                    e.units,
                    e.sales_amount,
                    e.household_income,
                    e.created_at,
                    is_sale=True,
                    counts_order=e.household_id not in reached,
                )
                for e in entries
            ),
        )
        covered += shortfall.units_short - left
        shortfall.units_short = left
        if not left:
            shortfall.resolved_at = now
        shortfall.save(update_fields=["units_short", "resolved_at"])
    _commit_units(taken_total)
    return covered
