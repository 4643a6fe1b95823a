"""Paying an order fills the ledger through the outbox (in-process without Redis)."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import Sum
from oscar.core.loading import get_model
from oscar.test.factories import UserFactory, create_basket, create_order

from farmers.models import Attribution, Lot
from outbox.models import OutboxMessage
from shop.services.payments import order_cancel, transfer_record

pytestmark = pytest.mark.django_db(transaction=True)

Product = get_model("catalogue", "Product")


def demo_order(*skus_quantities):
    basket = create_basket(empty=True)
    for sku, quantity in skus_quantities:
        basket.add_product(Product.objects.get(upc=sku), quantity)
    return create_order(basket=basket)


def test_a_covered_transfer_attributes_every_unit_to_households(demo_world):
    order = demo_order(("TB-MT-2500", 130), ("TB-GLZ-500", 5))
    team = UserFactory(is_staff=True)
    transfer_record(
        order_id=order.pk,
        amount=order.total_incl_tax - Decimal("100.00"),
        received_on=datetime.date(2026, 11, 27),
        bank_reference="A1",
        recorded_by=team,
    )
    assert not Attribution.objects.exists()  # partly paid: nothing yet
    transfer_record(
        order_id=order.pk,
        amount=Decimal("100.00"),
        received_on=datetime.date(2026, 11, 28),
        bank_reference="A2",
        recorded_by=team,
    )
    for line in order.lines.all():
        entries = Attribution.objects.filter(line=line)
        assert entries.aggregate(u=Sum("units"))["u"] == line.quantity
        assert entries.aggregate(s=Sum("sales_amount"))["s"] == line.line_price_incl_tax
    chestnut = order.lines.get(product__upc="TB-MT-2500")
    # 130 boxes: the oldest lot (60 units, delivered first) then 70 of the next oldest.
    entries = Attribution.objects.filter(line=chestnut).order_by("lot__received_on")
    assert [e.units for e in entries] == [60, 70]
    assert [e.lot.received_on for e in entries] == sorted(
        Lot.objects.filter(stock_record=chestnut.stockrecord).values_list("received_on", flat=True)
    )[:2]
    assert {e.household.code for e in Attribution.objects.filter(line=chestnut)} <= {
        "H01",
        "H02",
        "H15",
        "H22",
    }
    paid = OutboxMessage.objects.get(topic="order.paid")
    assert paid.handled_at is not None


def test_a_cancelled_unpaid_order_writes_nothing(demo_world):
    order = demo_order(("TB-SJ-2500", 3))
    order_cancel(order_id=order.pk, reason="buyer changed plans")
    assert not Attribution.objects.exists()
    assert set(Lot.objects.values_list("units_committed", flat=True)) == {0}
