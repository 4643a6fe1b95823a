"""A seller, households with payee details, lots and paid orders: what settlement tests need."""

import datetime
import itertools
from decimal import Decimal

from django.contrib.auth.models import Permission
from oscar.core.loading import get_model
from oscar.test.factories import UserFactory, create_basket, create_order

from farmers.services.attribution import order_attribute
from farmers.services.settlement import payee_set
from farmers.services.stock import lot_receive

StockRecord = get_model("partner", "StockRecord")

CARDS = ["6217000000000000004", "6228480000000000000", "6217990000000012340"]
DAY = datetime.date(2026, 11, 1)
_codes = itertools.count(1)


def seller_staff(seller):
    user = UserFactory(is_staff=False)
    user.user_permissions.add(
        Permission.objects.get(codename="dashboard_access", content_type__app_label="partner")
    )
    seller.partner.users.add(user)
    return user


def with_payees(households, user):
    for household, card in zip(households, CARDS, strict=False):
        payee_set(
            household=household,
            method="bank",
            bank_name="中国农业银行连山支行",
            account=card,
            changed_by=user,
        )


def receive(supply, household, units, amount, day=DAY):
    return lot_receive(
        stock_record=supply.stock_record,
        household=household,
        units=units,
        received_on=day,
        trace_code=f"S{next(_codes)}",
        farmgate_amount=Decimal(amount),
    )


def sell(supply, quantity, price="30.00"):
    """A paid order of ``quantity`` units, attributed (first in, first out)."""
    StockRecord.objects.filter(pk=supply.stock_record.pk).update(price=Decimal(price))
    basket = create_basket(empty=True)
    basket.add_product(supply.stock_record.product, quantity)
    order = create_order(basket=basket)
    order_attribute(order_id=order.pk)
    return order
