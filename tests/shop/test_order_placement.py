"""Order placement: bulk writes, volume prices charged, shortages named, nothing half-written."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from oscar.core.loading import get_model

from outbox.models import OutboxMessage
from shop.models import PriceTier, PurchaseTerms
from shop.order.exceptions import StockShortage
from tests.shop.conftest import basket_for, make_stock, place

pytestmark = pytest.mark.django_db

Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")


def test_order_allocates_stock_writes_lines_and_an_outbox_record(buyer, enterprise):
    first, second = make_stock(n=2, num_in_stock=50)
    basket = basket_for(buyer, [(first, 5), (second, 7)])

    order = place(basket, buyer, enterprise=enterprise, po_number="PO-1")

    assert order.enterprise == enterprise and order.po_number == "PO-1"
    assert order.payment_status == "awaiting"
    assert [(line.partner_sku, line.quantity) for line in order.lines.order_by("pk")] == [
        (first.partner_sku, 5),
        (second.partner_sku, 7),
    ]
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.num_allocated, second.num_allocated) == (5, 7)
    assert OutboxMessage.objects.filter(
        topic="order.placed", payload={"order_id": order.pk}
    ).exists()


def test_volume_price_is_what_the_order_charges(buyer):
    (record,) = make_stock(n=1, num_in_stock=500, price="25.00")
    PriceTier.objects.create(stockrecord=record, min_quantity=50, price=Decimal("22.00"))
    PriceTier.objects.create(stockrecord=record, min_quantity=200, price=Decimal("20.00"))
    basket = basket_for(buyer, [(record, 60)])
    line = basket.all_lines()[0]
    assert line.unit_price_incl_tax == Decimal("22.00")
    assert basket.total_incl_tax == Decimal("1320.00")

    order = place(basket, buyer)

    assert order.total_incl_tax == Decimal("1320.00")
    assert order.lines.get().unit_price_incl_tax == Decimal("22.00")


def test_shortage_names_every_short_line_and_writes_nothing(buyer):
    plenty, scarce, empty = make_stock(n=3, num_in_stock=10)
    StockRecord.objects.filter(pk=empty.pk).update(num_allocated=10)
    basket = basket_for(buyer, [(plenty, 5), (scarce, 8), (empty, 1)])
    StockRecord.objects.filter(pk=scarce.pk).update(num_allocated=6)  # someone else bought 6

    with translation.override("en"), pytest.raises(StockShortage) as refused:
        place(basket, buyer)

    message = str(refused.value)
    assert f"{scarce.product.get_title()} ({scarce.partner_sku})" in message
    assert "you asked for 8, only 4 left" in message
    assert empty.partner_sku in message
    assert plenty.partner_sku not in message
    assert Order.objects.count() == 0
    assert OutboxMessage.objects.filter(topic="order.placed").count() == 0
    plenty.refresh_from_db()
    assert plenty.num_allocated == 0


def test_minimum_and_step_are_enforced_by_the_basket_availability(buyer):
    (record,) = make_stock(n=1, num_in_stock=100)
    PurchaseTerms.objects.create(stockrecord=record, min_quantity=20, quantity_step=10)
    basket = basket_for(buyer, [(record, 20)])
    availability = basket.all_lines()[0].purchase_info.availability
    assert availability.is_purchase_permitted(20) == (True, "")
    assert availability.is_purchase_permitted(10)[0] is False
    assert "20" in availability.is_purchase_permitted(10)[1]
    allowed, reason = availability.is_purchase_permitted(25)
    assert not allowed and "10" in reason


@pytest.mark.parametrize("size", [1, 100])
def test_placement_queries_do_not_grow_with_lines(buyer, size):
    records = make_stock(n=size, num_in_stock=10)
    basket = basket_for(buyer, [(record, 1) for record in records])
    with CaptureQueriesContext(connection) as queries:
        place(basket, buyer)
    # basket loading, order, 3 bulk inserts, lock, allocate, outbox, analytics, address …
    assert len(queries) <= 30, [q["sql"][:80] for q in queries.captured_queries]
