"""销售归户: paid units to the households whose lots supplied them, exact to the fen."""

import datetime
import random
from decimal import Decimal

import pytest
from django.db.models import Sum
from oscar.core.loading import get_model
from oscar.test.factories import create_basket, create_order

from farmers.models import Attribution, AttributionShortfall, Lot
from farmers.services.attribution import order_attribute, order_attribution_reverse
from farmers.services.stock import lot_receive, stock_adjust

StockRecord = get_model("partner", "StockRecord")


def lots(supply, *specs):
    """specs: (units, farmgate_amount, day offset) — older first unless the days say otherwise."""
    made = []
    for n, (units, amount, day) in enumerate(specs):
        made.append(
            lot_receive(
                stock_record=supply.stock_record,
                household=supply.households[n % 3],
                units=units,
                received_on=datetime.date(2026, 11, 1) + datetime.timedelta(days=day),
                trace_code=f"L{n}",
                farmgate_amount=Decimal(amount),
            )
        )
    return made


def order_for(supply, quantity, price=None):
    if price is not None:
        StockRecord.objects.filter(pk=supply.stock_record.pk).update(price=Decimal(price))
    basket = create_basket(empty=True)
    basket.add_product(supply.stock_record.product, quantity)
    return create_order(basket=basket)


def rows(order, kind="sale"):
    return list(
        Attribution.objects.filter(line__order=order, kind=kind)
        .order_by("lot__received_on", "lot_id")
        .values_list("lot__trace_code", "units", "sales_amount", "household_income")
    )


def test_units_go_to_the_oldest_lots_first_with_exact_amounts(supply):
    lots(supply, (10, "100.00", 0), (20, "240.00", 1), (30, "300.00", 2))
    order = order_for(supply, 25, price="30.00")
    result = order_attribute(order_id=order.pk)
    assert result.entries == 2 and result.units_short == 0
    assert rows(order) == [
        ("L0", 10, Decimal("300.00"), Decimal("100.00")),
        ("L1", 15, Decimal("450.00"), Decimal("180.00")),
    ]
    committed = dict(Lot.objects.values_list("trace_code", "units_committed"))
    assert committed == {"L0": 10, "L1": 15, "L2": 0}


def test_remainders_are_assigned_so_entries_sum_to_the_line_total(supply):
    lots(supply, (1, "1.00", 0), (1, "1.00", 1), (1, "1.00", 2))
    order = order_for(supply, 3, price="33.33")
    order_attribute(order_id=order.pk)
    line = order.lines.get()
    amounts = [r[2] for r in rows(order)]
    assert sum(amounts) == line.line_price_incl_tax == Decimal("99.99")
    assert amounts == [Decimal("33.33")] * 3


def test_a_second_run_writes_nothing(supply):
    lots(supply, (10, "100.00", 0))
    order = order_for(supply, 4)
    order_attribute(order_id=order.pk)
    again = order_attribute(order_id=order.pk)
    assert again.entries == 0
    assert Attribution.objects.count() == 1
    assert Lot.objects.get().units_committed == 4


def test_a_line_lots_cannot_cover_is_attributed_as_far_as_they_go_and_flagged(supply):
    lots(supply, (5, "50.00", 0))
    StockRecord.objects.filter(pk=supply.stock_record.pk).update(num_in_stock=8)  # drifted
    order = order_for(supply, 8, price="10.00")
    result = order_attribute(order_id=order.pk)
    assert result.units_short == 3
    assert rows(order) == [("L0", 5, Decimal("50.00"), Decimal("50.00"))]
    assert AttributionShortfall.objects.get().units_short == 3


def test_committed_units_are_not_taken_by_damage(supply):
    lots(supply, (10, "100.00", 0), (10, "100.00", 1))
    order = order_for(supply, 8)
    order_attribute(order_id=order.pk)
    stock_adjust(stock_record=supply.stock_record, reason="damage", units=5, note="压坏")
    remaining = dict(Lot.objects.values_list("trace_code", "units_remaining"))
    assert remaining == {"L0": 8, "L1": 7}  # the 2 free units of L0, then L1


def test_cancellation_appends_reversals_and_frees_the_units(supply):
    lots(supply, (10, "100.00", 0), (20, "240.00", 1))
    order = order_for(supply, 25, price="30.00")
    order_attribute(order_id=order.pk)
    assert order_attribution_reverse(order_id=order.pk, cause="cancellation") == 2
    assert order_attribution_reverse(order_id=order.pk, cause="cancellation") == 0
    totals = Attribution.objects.filter(line__order=order).aggregate(
        units=Sum("units"), sales=Sum("sales_amount"), income=Sum("household_income")
    )
    assert totals == {"units": 0, "sales": Decimal("0.00"), "income": Decimal("0.00")}
    assert set(Lot.objects.values_list("units_committed", flat=True)) == {0}


def test_partial_refunds_add_up_to_the_sale_exactly(supply):
    lots(supply, (3, "10.00", 0))
    order = order_for(supply, 3, price="33.33")
    order_attribute(order_id=order.pk)
    line = order.lines.get()
    order_attribution_reverse(order_id=order.pk, cause="refund:1", line_units={line.pk: 1})
    order_attribution_reverse(order_id=order.pk, cause="refund:2", line_units={line.pk: 2})
    totals = Attribution.objects.filter(line=line).aggregate(
        units=Sum("units"), sales=Sum("sales_amount"), income=Sum("household_income")
    )
    assert totals == {"units": 0, "sales": Decimal("0.00"), "income": Decimal("0.00")}


@pytest.mark.parametrize("seed", range(8))
def test_random_orders_over_random_lots_attribute_every_unit_exactly(supply, seed):
    rng = random.Random(seed)
    specs = [
        (rng.randint(1, 40), f"{rng.randint(0, 5000)}.{rng.randint(0, 99):02d}", rng.randint(0, 20))
        for _ in range(rng.randint(1, 6))
    ]
    lots(supply, *specs)
    capacity = sum(units for units, _, _ in specs)
    ordered = 0
    for _ in range(rng.randint(1, 4)):
        quantity = rng.randint(1, 15)
        if ordered + quantity > capacity:
            break
        ordered += quantity
        order = order_for(supply, quantity, price=f"{rng.randint(1, 200)}.{rng.randint(0, 99):02d}")
        order_attribute(order_id=order.pk)
        line = order.lines.get()
        entries = Attribution.objects.filter(line=line)
        assert entries.aggregate(u=Sum("units"))["u"] == line.quantity
        assert entries.aggregate(s=Sum("sales_amount"))["s"] == line.line_price_incl_tax
    # First in, first out: a lot is touched only once every older lot is used up.
    by_age = sorted(Lot.objects.all(), key=lambda lot: (lot.received_on, lot.pk))
    committed = [lot.units_committed for lot in by_age]
    full = [lot.units_committed == lot.units_remaining for lot in by_age]
    for i, units in enumerate(committed):
        if units:
            assert all(full[:i]), (committed, [lot.units_remaining for lot in by_age])
    assert sum(committed) == ordered


def test_a_refund_after_shipping_keeps_other_orders_units_committed(supply):
    from farmers.services.shipping import LineToShip, lines_ship

    lots(supply, (10, "100.00", 0))
    first = order_for(supply, 5)
    second = order_for(supply, 5)
    order_attribute(order_id=first.pk)
    order_attribute(order_id=second.pk)
    lines_ship(lines=[LineToShip(first.lines.get().pk, 5)], reference="SF1")
    lot = Lot.objects.get()
    assert (lot.units_remaining, lot.units_committed) == (5, 5)
    line = first.lines.get()
    order_attribution_reverse(order_id=first.pk, cause="refund:9", line_units={line.pk: 5})
    lot.refresh_from_db()
    # The refunded units had shipped: nothing to release; the second order keeps its 5.
    assert (lot.units_remaining, lot.units_committed) == (5, 5)


def test_a_partial_refund_before_shipping_releases_only_unshipped_units(supply):
    from farmers.services.shipping import LineToShip, lines_ship

    lots(supply, (10, "100.00", 0))
    order = order_for(supply, 6)
    order_attribute(order_id=order.pk)
    line = order.lines.get()
    lines_ship(lines=[LineToShip(line.pk, 2)], reference="SF1")
    order_attribution_reverse(order_id=order.pk, cause="refund:1", line_units={line.pk: 3})
    lot = Lot.objects.get()
    assert (lot.units_remaining, lot.units_committed) == (8, 1)  # 6-2 shipped-3 refunded
    lines_ship(lines=[LineToShip(line.pk, 1)], reference="SF2")
    lot.refresh_from_db()
    assert (lot.units_remaining, lot.units_committed) == (7, 0)


def test_adjustments_refuse_units_sold_to_paid_orders(supply):
    from farmers.errors import StockError

    lots(supply, (10, "100.00", 0))
    StockRecord.objects.filter(pk=supply.stock_record.pk).update(num_allocated=0)
    order = order_for(supply, 8)
    order_attribute(order_id=order.pk)
    StockRecord.objects.filter(pk=supply.stock_record.pk).update(num_allocated=0)  # drifted
    with pytest.raises(StockError) as refused:
        stock_adjust(stock_record=supply.stock_record, reason="loss", units=5, note="x")
    assert "Only 2 units" in str(refused.value)
    assert Lot.objects.get().units_remaining == 10


def short_paid_order(supply, quantity=8, price="10.00"):
    """A paid order its one lot (5 units) cannot cover: attributed 5, short the rest."""
    lots(supply, (5, "50.00", 0))
    StockRecord.objects.filter(pk=supply.stock_record.pk).update(num_in_stock=quantity)  # drifted
    order = order_for(supply, quantity, price=price)
    type(order).objects.filter(pk=order.pk).update(payment_status="paid")
    order_attribute(order_id=order.pk)
    return order


def later_lot(supply, units, code):
    return lot_receive(
        stock_record=supply.stock_record,
        household=supply.households[2],
        units=units,
        received_on=datetime.date(2026, 11, 20),
        trace_code=code,
        farmgate_amount=Decimal("7.00") * units,
    )


def test_a_shortfall_is_covered_from_lots_received_later_exactly_to_the_line_total(supply):
    from farmers.services.attribution import shortfalls_cover
    from farmers.services.ledger_summary import ledger_summary_mismatches

    order = short_paid_order(supply)  # 8 × ¥10: 5 attributed (¥50), 3 short
    later_lot(supply, 2, "LATE1")
    assert shortfalls_cover() == 2
    shortfall = AttributionShortfall.objects.get()
    assert shortfall.units_short == 1 and shortfall.resolved_at is None
    later_lot(supply, 10, "LATE2")
    assert shortfalls_cover() == 1
    assert shortfalls_cover() == 0  # nothing left: a second run writes nothing
    shortfall.refresh_from_db()
    assert shortfall.units_short == 0 and shortfall.resolved_at is not None
    line = order.lines.get()
    sums = Attribution.objects.filter(line=line).aggregate(u=Sum("units"), a=Sum("sales_amount"))
    assert sums == {"u": 8, "a": line.line_price_incl_tax}
    assert rows(order) == [
        ("L0", 5, Decimal("50.00"), Decimal("50.00")),
        ("LATE1", 2, Decimal("20.00"), Decimal("14.00")),
        ("LATE2", 1, Decimal("10.00"), Decimal("7.00")),
    ]
    assert Lot.objects.get(trace_code="LATE2").units_committed == 1
    assert ledger_summary_mismatches() == []


def test_a_cancelled_orders_shortfall_is_not_covered(supply):
    from farmers.services.attribution import shortfalls_cover

    order = short_paid_order(supply)
    order_attribution_reverse(order_id=order.pk, cause="cancellation")
    type(order).objects.filter(pk=order.pk).update(payment_status="cancelled")
    later_lot(supply, 10, "LATE")
    assert shortfalls_cover() == 0
    assert Lot.objects.get(trace_code="LATE").units_committed == 0
