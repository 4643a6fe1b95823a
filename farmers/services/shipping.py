"""Shipping: the seller's units leave stock, and the lots they were attributed to.

Only paid units ship: a line's units are attributed to lots when it is paid,
and shipping takes them out of those same lots (first in, first out), so the
stock record and its lots go down together (invariant 2) and the allocation
is consumed.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Sum
from oscar.core.loading import get_model

from farmers.errors import SupplyError
from farmers.models import Attribution, Lot, LotShipment
from farmers.services.bulk_sql import add_by_pk

Line = get_model("order", "Line")
StockRecord = get_model("partner", "StockRecord")


class ShippingRefused(SupplyError):
    pass


@dataclass(frozen=True)
class LineToShip:
    line_id: int
    units: int


@transaction.atomic
def lines_ship(*, lines: list[LineToShip], reference: str = "") -> list[LotShipment]:
    """Ship units of order lines: allocation consumed, lots and stock reduced together."""
    wanted = {item.line_id: item.units for item in lines if item.units}
    order_lines = {line.pk: line for line in Line.objects.filter(pk__in=list(wanted))}
    stock_ids = sorted({line.stockrecord_id for line in order_lines.values()})
    list(
        StockRecord.objects.select_for_update(of=("self",))
        .filter(pk__in=stock_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )

    attributed = defaultdict(lambda: defaultdict(int))  # line → lot → net units
    for line_id, lot_id, units in Attribution.objects.filter(line_id__in=list(wanted)).values_list(
        "line_id", "lot_id", "units"
    ):
        attributed[line_id][lot_id] += units
    shipped = defaultdict(lambda: defaultdict(int))
    for line_id, lot_id, units in LotShipment.objects.filter(line_id__in=list(wanted)).values_list(
        "line_id", "lot_id", "units"
    ):
        shipped[line_id][lot_id] += units
    lot_ids = sorted({lot for per_line in attributed.values() for lot in per_line})
    lots = {
        lot.pk: lot
        for lot in Lot.objects.select_for_update(of=("self",)).filter(pk__in=lot_ids).order_by("pk")
    }

    shipments: list[LotShipment] = []
    per_lot: dict[int, int] = defaultdict(int)
    per_record: dict[int, int] = defaultdict(int)
    for line_id, units in sorted(wanted.items()):
        line = order_lines[line_id]
        open_lots = sorted(
            (
                lot_id
                for lot_id, n in attributed[line_id].items()
                if n - shipped[line_id][lot_id] > 0
            ),
            key=lambda lot_id: (lots[lot_id].received_on, lot_id),
        )
        ready = sum(attributed[line_id][i] - shipped[line_id][i] for i in open_lots)
        if units > ready:
            raise ShippingRefused(
                f"「{line.title}」只有 {ready} 件已付款待发货",
                f"'{line.title}' has only {ready} paid units waiting to ship",
                field="quantity",
            )
        left = units
        for lot_id in open_lots:
            take = min(left, attributed[line_id][lot_id] - shipped[line_id][lot_id])
            shipments.append(
                LotShipment(line=line, lot=lots[lot_id], units=take, reference=reference[:128])
            )
            per_lot[lot_id] += take
            left -= take
            if not left:
                break
        per_record[line.stockrecord_id] += units

    add_by_pk(Lot, ("units_remaining", "units_committed"), {k: -n for k, n in per_lot.items()})
    add_by_pk(
        StockRecord, ("num_in_stock", "num_allocated"), {k: -n for k, n in per_record.items()}
    )
    add_by_pk(Line, ("num_allocated",), {k: -n for k, n in wanted.items()})
    return LotShipment.objects.bulk_create(shipments)


def line_units_shipped(*, line_id: int) -> int:
    return LotShipment.objects.filter(line_id=line_id).aggregate(n=Sum("units"))["n"] or 0
