"""Intake, adjustments and stock-takes: lots and the stock record move together.

Every function here runs in one transaction and starts by locking the stock
record row (``SELECT … FOR UPDATE``; SQLite serialises writers with its
immediate transactions). Under the lock it re-reads the numbers it decides
on, changes the lots, and moves ``num_in_stock`` by the same delta with an
``F()`` update, so that ``num_in_stock == Σ units_remaining`` always holds.
"""

import datetime
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from oscar.core.loading import get_model

from farmers.errors import StockError
from farmers.models import AdjustmentLot, Household, Lot, Seller, StockAdjustment
from farmers.services.low_stock import low_stock_check

StockRecord = get_model("partner", "StockRecord")

FEN = Decimal("0.01")


def stock_record_lock(*, stock_record_id: int) -> StockRecord:
    """The stock record, locked for the rest of the transaction."""
    return (
        StockRecord.objects.select_for_update(of=("self",))
        .select_related("partner__seller")
        .get(pk=stock_record_id)
    )


def _seller_of(stock_record: StockRecord) -> Seller:
    try:
        return stock_record.partner.seller
    except Seller.DoesNotExist as exc:
        raise StockError("该库存不属于任何商家", "This stock record has no seller") from exc


def farmgate_total(
    *, units: int, farmgate_amount: Decimal | None, farmgate_unit_price: Decimal | None
) -> Decimal:
    """The lot's farmgate amount from either the total or the unit price (exactly one)."""
    if (farmgate_amount is None) == (farmgate_unit_price is None):
        raise StockError(
            "收购金额与收购单价须填写其中一项",
            "Give either the farmgate amount or the farmgate unit price",
            field="farmgate_amount",
        )
    amount = farmgate_amount if farmgate_amount is not None else farmgate_unit_price * units
    if not Decimal(amount).is_finite() or amount >= Decimal("1e10"):
        raise StockError(
            "收购金额无效", "The farmgate amount is not a valid amount", field="farmgate_amount"
        )
    if amount < 0:
        raise StockError(
            "收购金额不能为负数", "The farmgate amount cannot be negative", field="farmgate_amount"
        )
    return Decimal(amount).quantize(FEN, rounding=ROUND_HALF_UP)


def lot_check(
    *, seller: Seller, household: Household, units: int, received_on: datetime.date
) -> None:
    if not isinstance(units, int) or isinstance(units, bool) or units <= 0:
        raise StockError(
            "数量必须是正整数", "Units must be a whole number above zero", field="units"
        )
    if received_on > timezone.localdate():
        raise StockError(
            "交付日期不能晚于今天", "The delivery date cannot be in the future", field="received_on"
        )
    if not household.memberships.filter(seller=seller).exists():
        raise StockError(
            f"农户 {household.code} 不是 {seller.name} 的成员",
            f"Household {household.code} is not a member of {seller.name}",
            field="household",
        )


@transaction.atomic
def lot_receive(
    *,
    stock_record: StockRecord,
    household: Household,
    units: int,
    received_on: datetime.date,
    trace_code: str,
    farmgate_amount: Decimal | None = None,
    farmgate_unit_price: Decimal | None = None,
    certificate_number: str = "",
    recorded_by=None,
) -> Lot:
    """Household delivered ``units``: write the lot and raise the stock by the same delta."""
    locked = stock_record_lock(stock_record_id=stock_record.pk)
    seller = _seller_of(locked)
    lot_check(seller=seller, household=household, units=units, received_on=received_on)
    amount = farmgate_total(
        units=units, farmgate_amount=farmgate_amount, farmgate_unit_price=farmgate_unit_price
    )
    trace_code = trace_code.strip()
    if not trace_code:
        raise StockError("溯源码不能为空", "The trace code is required", field="trace_code")
    if Lot.objects.filter(stock_record=locked, trace_code=trace_code).exists():
        raise StockError(
            f"溯源码 {trace_code} 已登记过",
            f"Trace code {trace_code} is already recorded",
            field="trace_code",
        )
    lot = Lot.objects.create(
        stock_record=locked,
        household=household,
        received_on=received_on,
        units_received=units,
        units_remaining=units,
        farmgate_amount=amount,
        trace_code=trace_code,
        certificate_number=certificate_number.strip(),
        recorded_by=recorded_by,
    )
    StockRecord.objects.filter(pk=locked.pk).update(
        num_in_stock=F("num_in_stock") + units, date_updated=timezone.now()
    )
    return lot


def _available(stock_record: StockRecord) -> int:
    return (stock_record.num_in_stock or 0) - (stock_record.num_allocated or 0)


def _take_from_lots(
    stock_record: StockRecord, units: int, chosen: Mapping[int, int] | None
) -> dict[Lot, int]:
    """Which lots give up ``units``: the ones named, or the oldest first."""
    lots = Lot.objects.select_for_update(of=("self",)).filter(stock_record=stock_record)
    if chosen:
        by_id = {lot.pk: lot for lot in lots.filter(pk__in=list(chosen)).order_by("pk")}
        taken = {}
        for lot_id, lot_units in chosen.items():
            lot = by_id.get(lot_id)
            if lot is None:
                raise StockError(
                    f"批次 {lot_id} 不属于该库存",
                    f"Lot {lot_id} is not a lot of this stock record",
                    field="lots",
                )
            free = lot.units_remaining - lot.units_committed
            if lot_units <= 0 or lot_units > free:
                raise StockError(
                    f"批次 {lot.trace_code} 只剩 {free} 件未售出",
                    f"Lot {lot.trace_code} has only {free} units not sold to paid orders",
                    field="lots",
                )
            taken[lot] = lot_units
        if sum(taken.values()) != units:
            raise StockError(
                "各批次数量之和与调整数量不符",
                "The units taken from the lots do not add up to the adjustment",
                field="lots",
            )
        return taken
    taken, left = {}, units
    # Units already sold to paid lines (committed) stay for those lines.
    for lot in lots.filter(units_remaining__gt=F("units_committed")).order_by("received_on", "pk"):
        share = min(left, lot.units_remaining - lot.units_committed)
        taken[lot] = share
        left -= share
        if not left:
            break
    if left:
        raise StockError(
            f"批次中可调整的只有 {units - left} 件（其余已售给已付款订单）",
            f"Only {units - left} units in the lots are free to adjust (the rest are sold "
            "to paid orders)",
            field="units",
        )
    return taken


def _give_back_to_lots(stock_record: StockRecord, units: int) -> dict[Lot, int]:
    """Units found at a stock-take go back to the newest lots that lost units."""
    given, left = {}, units
    lots = (
        Lot.objects.select_for_update(of=("self",))
        .filter(stock_record=stock_record, units_remaining__lt=F("units_received"))
        .order_by("-received_on", "-pk")
    )
    for lot in lots:
        share = min(left, lot.units_received - lot.units_remaining)
        given[lot] = share
        left -= share
        if not left:
            break
    if left:
        raise StockError(
            f"盘点多出 {left} 件，超出了已登记批次的数量，请先登记入库批次",
            f"The count is {left} units above what the recorded lots can hold; "
            "record an intake lot for them first",
            field="counted_units",
        )
    return given


def _apply(
    *,
    stock_record: StockRecord,
    reason: str,
    delta: int,
    lot_changes: dict[Lot, int],
    note: str,
    counted_units: int | None,
    recorded_by,
) -> StockAdjustment:
    adjustment = StockAdjustment.objects.create(
        stock_record=stock_record,
        reason=reason,
        note=note,
        delta=delta,
        counted_units=counted_units,
        units_before=stock_record.num_in_stock or 0,
        recorded_by=recorded_by,
    )
    for lot, units in lot_changes.items():
        Lot.objects.filter(pk=lot.pk).update(units_remaining=F("units_remaining") + units)
    AdjustmentLot.objects.bulk_create(
        AdjustmentLot(adjustment=adjustment, lot=lot, units=units)
        for lot, units in lot_changes.items()
    )
    if delta:
        StockRecord.objects.filter(pk=stock_record.pk).update(
            num_in_stock=F("num_in_stock") + delta, date_updated=timezone.now()
        )
    if delta < 0:
        low_stock_check(
            stock_record=stock_record,
            available_before=_available(stock_record),
            available_after=_available(stock_record) + delta,
        )
    return adjustment


def _refuse_below_allocated(stock_record: StockRecord, units_after: int) -> None:
    allocated = stock_record.num_allocated or 0
    if units_after < allocated:
        raise StockError(
            f"已有 {allocated} 件分配给未发货订单，库存不能少于此数（调整后为 {units_after} 件）",
            f"{allocated} units are allocated to orders not yet shipped; stock cannot go "
            f"below that (it would be {units_after})",
            field="units",
        )


@transaction.atomic
def stock_adjust(
    *,
    stock_record: StockRecord,
    reason: str,
    units: int,
    lots: Mapping[int, int] | None = None,
    note: str = "",
    recorded_by=None,
) -> StockAdjustment:
    """Take ``units`` out of stock (damage, loss, correction), from the named lots or FIFO."""
    if reason == StockAdjustment.Reason.STOCKTAKE:
        raise StockError("盘点请用盘点功能", "Use the stock-take for counts", field="reason")
    if reason not in StockAdjustment.Reason.values:
        raise StockError("未知的调整原因", "Unknown adjustment reason", field="reason")
    if not isinstance(units, int) or units <= 0:
        raise StockError(
            "数量必须是正整数", "Units must be a whole number above zero", field="units"
        )
    if not note.strip():
        raise StockError("请说明调整原因", "Say why stock is adjusted", field="note")
    locked = stock_record_lock(stock_record_id=stock_record.pk)
    _seller_of(locked)
    if units > (locked.num_in_stock or 0):
        raise StockError(
            f"库存只有 {locked.num_in_stock or 0} 件",
            f"There are only {locked.num_in_stock or 0} units in stock",
            field="units",
        )
    _refuse_below_allocated(locked, (locked.num_in_stock or 0) - units)
    taken = _take_from_lots(locked, units, lots)
    return _apply(
        stock_record=locked,
        reason=reason,
        delta=-units,
        lot_changes={lot: -n for lot, n in taken.items()},
        note=note.strip(),
        counted_units=None,
        recorded_by=recorded_by,
    )


@transaction.atomic
def stock_take(
    *, stock_record: StockRecord, counted_units: int, note: str = "", recorded_by=None
) -> StockAdjustment:
    """ "There are now N": the delta is computed under the lock, lots follow FIFO."""
    if not isinstance(counted_units, int) or counted_units < 0:
        raise StockError(
            "盘点数量必须是非负整数",
            "The count must be a whole number, 0 or more",
            field="counted_units",
        )
    locked = stock_record_lock(stock_record_id=stock_record.pk)
    _seller_of(locked)
    delta = counted_units - (locked.num_in_stock or 0)
    _refuse_below_allocated(locked, counted_units)
    if delta < 0:
        changes = {lot: -n for lot, n in _take_from_lots(locked, -delta, None).items()}
    elif delta > 0:
        changes = _give_back_to_lots(locked, delta)
    else:
        changes = {}
    return _apply(
        stock_record=locked,
        reason=StockAdjustment.Reason.STOCKTAKE,
        delta=delta,
        lot_changes=changes,
        note=note.strip(),
        counted_units=counted_units,
        recorded_by=recorded_by,
    )


def stock_lot_mismatches(*, stock_records=None) -> list[tuple[int, int, int]]:
    """(stock record id, num_in_stock, Σ lot units remaining) wherever the two differ."""
    records = stock_records if stock_records is not None else StockRecord.objects.all()
    rows = records.annotate(lot_units=Sum("lots__units_remaining")).values_list(
        "pk", "num_in_stock", "lot_units"
    )
    return [
        (pk, in_stock or 0, lot_units or 0)
        for pk, in_stock, lot_units in rows
        if (in_stock or 0) != (lot_units or 0)
    ]
