"""An order shared by two sellers, for the dashboard's tenancy tests."""

from decimal import Decimal

import pytest
from oscar.core.loading import get_model
from oscar.test.factories import (
    OrderDiscountFactory,
    ShippingAddressFactory,
    SourceFactory,
    SourceTypeFactory,
    create_basket,
    create_order,
    create_product,
)

from tests.shop.dashboard.tenants import seller_staff

PaymentEvent = get_model("order", "PaymentEvent")
PaymentEventType = get_model("order", "PaymentEventType")
ShippingEvent = get_model("order", "ShippingEvent")
ShippingEventQuantity = get_model("order", "ShippingEventQuantity")
ShippingEventType = get_model("order", "ShippingEventType")


@pytest.fixture
def shared_order():
    ours_staff = seller_staff("ours")
    theirs_staff = seller_staff("theirs")
    ours = create_product(
        title="我们的芥菜干",
        price=Decimal("28.00"),
        num_in_stock=10,
        partner_name="我们的合作社",
        partner_users=[ours_staff],
    )
    theirs = create_product(
        title="别人的马蹄",
        price=Decimal("30.00"),
        num_in_stock=10,
        partner_name="别人的合作社",
        partner_users=[theirs_staff],
    )
    basket = create_basket(empty=True)
    basket.add_product(ours, 2)
    basket.add_product(theirs, 3)
    order = create_order(basket=basket, shipping_address=ShippingAddressFactory())
    return {
        "order": order,
        "staff": ours_staff,
        "our_line": order.lines.get(product=ours),
        "their_line": order.lines.get(product=theirs),
    }


# Whole-order figures: a seller's staff see sums of their own lines, never the
# order's totals, payments, discounts or notes, nor another seller's amounts.


@pytest.fixture
def paid_shared_order(shared_order):
    """The shared order, paid, discounted, noted, and with the other seller's line shipped."""
    order = shared_order["order"]
    SourceFactory(
        order=order,
        source_type=SourceTypeFactory(name="对公转账", code="bank-transfer"),
        amount_allocated=order.total_incl_tax,
        amount_debited=order.total_incl_tax,
        reference="BANK-REF-7731",
    )
    OrderDiscountFactory(order=order, offer_name="满百减五", amount=Decimal("5.00"))
    paid = PaymentEventType.objects.create(name="Paid", code="paid")
    PaymentEvent.objects.create(
        order=order, event_type=paid, amount=order.total_incl_tax, reference="PAY-EVT-4410"
    )
    order.notes.create(note_type="System", message="平台内部备注")
    shipped, _ = ShippingEventType.objects.get_or_create(
        code="shipped", defaults={"name": "Shipped"}
    )
    event = ShippingEvent.objects.create(order=order, event_type=shipped, notes="SF-THEIRS-1")
    ShippingEventQuantity.objects.create(event=event, line=shared_order["their_line"], quantity=3)
    return shared_order
