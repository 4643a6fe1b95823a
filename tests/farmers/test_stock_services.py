import datetime
from decimal import Decimal

import pytest

from farmers.errors import StockError
from farmers.models import Lot, StockAdjustment
from farmers.services.stock import lot_receive, stock_adjust, stock_lot_mismatches, stock_take
from outbox.models import OutboxMessage
from testing.factories import HouseholdFactory


def receive(supply, household=0, units=10, day=datetime.date(2026, 11, 1), code=None, **kw):
    kw.setdefault("farmgate_unit_price", Decimal("18.00"))
    return lot_receive(
        stock_record=supply.stock_record,
        household=supply.households[household],
        units=units,
        received_on=day,
        trace_code=code or f"TC-{Lot.objects.count() + 1}",
        **kw,
    )


def test_intake_raises_stock_by_the_lot(supply):
    lot = receive(supply, units=40, farmgate_amount=Decimal("560.00"), farmgate_unit_price=None)
    assert supply.refresh().num_in_stock == 40
    assert lot.units_remaining == 40 and lot.farmgate_amount == Decimal("560.00")
    assert lot.farmgate_unit_price == Decimal("14.00")
    assert stock_lot_mismatches() == []


def test_farmgate_unit_price_gives_the_lot_amount(supply):
    lot = receive(supply, units=7, farmgate_unit_price=Decimal("18.50"))
    assert lot.farmgate_amount == Decimal("129.50")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"units": 0}, "units"),
        ({"units": -3}, "units"),
        ({"day": datetime.date.today() + datetime.timedelta(days=2)}, "received_on"),
        ({"farmgate_amount": Decimal("5"), "farmgate_unit_price": Decimal("1")}, "farmgate_amount"),
        ({"code": "   "}, "trace_code"),
    ],
)
def test_bad_intake_is_refused_and_changes_nothing(supply, changes, field):
    with pytest.raises(StockError) as error:
        receive(supply, **changes)
    assert error.value.field == field
    assert " / " in str(error.value)  # Chinese / English
    assert supply.refresh().num_in_stock == 0 and Lot.objects.count() == 0


def test_household_of_another_seller_cannot_deliver(supply):
    stranger = HouseholdFactory()
    with pytest.raises(StockError) as error:
        lot_receive(
            stock_record=supply.stock_record,
            household=stranger,
            units=5,
            received_on=datetime.date(2026, 11, 1),
            trace_code="X",
            farmgate_unit_price=Decimal(1),
        )
    assert error.value.field == "household"
    assert supply.refresh().num_in_stock == 0


def test_same_trace_code_twice_is_refused(supply):
    receive(supply, code="FL-1")
    with pytest.raises(StockError) as error:
        receive(supply, code="FL-1")
    assert error.value.field == "trace_code"
    assert supply.refresh().num_in_stock == 10


def test_damage_takes_units_from_the_named_lots(supply):
    first = receive(supply, units=10, day=datetime.date(2026, 11, 1))
    second = receive(supply, units=20, household=1, day=datetime.date(2026, 11, 2))
    adjustment = stock_adjust(
        stock_record=supply.stock_record,
        reason="damage",
        units=5,
        lots={second.pk: 5},
        note="压坏",
    )
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.units_remaining, second.units_remaining) == (10, 15)
    assert supply.refresh().num_in_stock == 25
    assert adjustment.delta == -5 and adjustment.units_before == 30
    assert [(c.lot_id, c.units) for c in adjustment.lot_changes.all()] == [(second.pk, -5)]
    assert stock_lot_mismatches() == []


def test_loss_without_named_lots_takes_the_oldest_first(supply):
    old = receive(supply, units=4, day=datetime.date(2026, 11, 1))
    new = receive(supply, units=10, day=datetime.date(2026, 11, 5))
    stock_adjust(stock_record=supply.stock_record, reason="loss", units=6, note="丢失")
    old.refresh_from_db(), new.refresh_from_db()
    assert (old.units_remaining, new.units_remaining) == (0, 8)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"units": 50}, "units"),
        ({"units": 0}, "units"),
        ({"units": 3, "note": " "}, "note"),
        ({"units": 3, "lots": {999999: 3}}, "lots"),
        ({"units": 3, "reason": "stocktake"}, "reason"),
    ],
)
def test_bad_adjustments_are_refused_and_change_nothing(supply, kwargs, field):
    receive(supply, units=10)
    kwargs = {"reason": "damage", "note": "x", **kwargs}
    with pytest.raises(StockError) as error:
        stock_adjust(stock_record=supply.stock_record, **kwargs)
    assert error.value.field == field
    assert supply.refresh().num_in_stock == 10
    assert StockAdjustment.objects.count() == 0


def test_named_lot_units_must_add_up(supply):
    lot = receive(supply, units=10)
    with pytest.raises(StockError):
        stock_adjust(
            stock_record=supply.stock_record, reason="damage", units=4, lots={lot.pk: 3}, note="x"
        )


def test_stocktake_down_becomes_a_delta_taken_fifo(supply):
    old = receive(supply, units=10, day=datetime.date(2026, 11, 1))
    receive(supply, units=10, day=datetime.date(2026, 11, 2))
    adjustment = stock_take(stock_record=supply.stock_record, counted_units=13, note="月底盘点")
    assert adjustment.delta == -7 and adjustment.counted_units == 13
    old.refresh_from_db()
    assert old.units_remaining == 3
    assert supply.refresh().num_in_stock == 13
    assert stock_lot_mismatches() == []


def test_stocktake_up_gives_units_back_to_lots_that_lost_them(supply):
    lot = receive(supply, units=10)
    stock_adjust(stock_record=supply.stock_record, reason="loss", units=4, note="找不到")
    stock_take(stock_record=supply.stock_record, counted_units=9, note="找到3件")
    lot.refresh_from_db()
    assert lot.units_remaining == 9 and supply.refresh().num_in_stock == 9


def test_stocktake_above_what_lots_can_hold_asks_for_an_intake(supply):
    receive(supply, units=10)
    with pytest.raises(StockError) as error:
        stock_take(stock_record=supply.stock_record, counted_units=12)
    assert error.value.field == "counted_units"
    assert supply.refresh().num_in_stock == 10


def test_stock_cannot_fall_below_what_orders_hold(supply):
    receive(supply, units=10)
    supply.stock_record.__class__.objects.filter(pk=supply.stock_record.pk).update(num_allocated=8)
    with pytest.raises(StockError) as error:
        stock_take(stock_record=supply.stock_record, counted_units=5)
    assert "8" in str(error.value)
    with pytest.raises(StockError):
        stock_adjust(stock_record=supply.stock_record, reason="damage", units=3, note="x")
    assert supply.refresh().num_in_stock == 10


def test_low_stock_event_is_recorded_once_when_crossing(supply):
    supply.seller.low_stock_threshold = 5
    supply.seller.save()
    receive(supply, units=10)
    stock_adjust(stock_record=supply.stock_record, reason="damage", units=4, note="x")  # 6 left
    assert OutboxMessage.objects.filter(topic="stock.low").count() == 0
    stock_adjust(stock_record=supply.stock_record, reason="damage", units=2, note="x")  # 4 left
    stock_adjust(stock_record=supply.stock_record, reason="damage", units=1, note="x")  # 3 left
    events = OutboxMessage.objects.filter(topic="stock.low")
    assert [e.payload for e in events] == [
        {"stock_record_id": supply.stock_record.pk, "available": 4}
    ]


def test_stock_record_threshold_wins_over_the_sellers(supply):
    supply.stock_record.low_stock_threshold = 9
    supply.stock_record.save()
    receive(supply, units=10)
    stock_adjust(stock_record=supply.stock_record, reason="loss", units=2, note="x")
    assert OutboxMessage.objects.filter(topic="stock.low").count() == 1
