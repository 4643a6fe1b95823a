"""Buyers, enterprises, stock and baskets for the buyer-side tests."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from oscar.core.loading import get_class, get_model
from oscar.test.factories import ProductFactory

from shop.models import Enterprise, EnterpriseAddress, EnterpriseMember, InvoiceProfile
from shop.order.utils import OrderCreator
from shop.partner.strategy import Selector
from testing.factories import SellerFactory

Basket = get_model("basket", "Basket")
StockRecord = get_model("partner", "StockRecord")
ShippingAddress = get_model("order", "ShippingAddress")
Country = get_model("address", "Country")
Free = get_class("shipping.methods", "Free")
OrderTotalCalculator = get_class("checkout.calculators", "OrderTotalCalculator")

USCC = ["91440101190473001R", "91440114618713042Y", "914401012312460596"]


def make_stock(*, n: int = 1, num_in_stock: int = 100, price: str = "25.00", seller=None):
    """n products of one seller, each with one stock record; returned in pk order."""
    seller = seller or SellerFactory()
    records = []
    for _ in range(n):
        product = ProductFactory(stockrecords=None, categories=None, seller=seller)
        records.append(
            StockRecord.objects.create(
                product=product,
                partner=seller.partner,
                partner_sku=f"SKU-{product.pk}",
                price=Decimal(price),
                price_currency="CNY",
                num_in_stock=num_in_stock,
                num_allocated=0,
            )
        )
    return records


def make_buyer(*, email: str, enterprise: Enterprise | None = None, role: str = "buyer"):
    user = get_user_model().objects.create_user(username=email, email=email, password="pw-12345678")
    if enterprise is not None:
        EnterpriseMember.objects.create(enterprise=enterprise, user=user, role=role)
    return user


def make_enterprise(*, index: int = 0, name: str | None = None) -> Enterprise:
    enterprise = Enterprise.objects.create(name=name or f"测试企业{index}", uscc=USCC[index])
    InvoiceProfile.objects.create(
        enterprise=enterprise, invoice_title=enterprise.name, taxpayer_id=enterprise.uscc
    )
    EnterpriseAddress.objects.create(
        enterprise=enterprise,
        label="食堂",
        recipient="张三",
        phone="13800138000",
        province="广东省",
        city="广州市",
        district="花都区",
        street="新华街道 1 号",
        is_default=True,
    )
    return enterprise


def basket_for(user, lines) -> "Basket":
    """An open basket for user with (stockrecord, quantity) lines, in the given order."""
    basket = Basket.objects.create(owner=user)
    basket.strategy = Selector().strategy(user=user)
    for record, quantity in lines:
        basket.add_product(record.product, quantity)
    basket._lines = None
    return basket


def place(basket, user, *, lock: bool = True, **order_kwargs):
    """Place the basket through the order creator, as the checkout does."""
    basket = Basket.objects.get(pk=basket.pk)
    basket.strategy = Selector().strategy(user=user)
    shipping = Free()
    charge = shipping.calculate(basket)
    total = OrderTotalCalculator().calculate(basket, charge)
    Country.objects.get_or_create(
        iso_3166_1_a2="CN", defaults={"name": "China", "printable_name": "中国"}
    )  # transactional tests flush the data migration's row
    address = ShippingAddress.objects.create(
        last_name="张三", line1="新华街道 1 号", line4="广州市", country_id="CN"
    )
    order = OrderCreator().place_order(
        basket=basket,
        total=total,
        shipping_method=shipping,
        shipping_charge=charge,
        user=user,
        shipping_address=address,
        lock_stock=lock,
        **order_kwargs,
    )
    basket.submit()  # as the checkout does once the order is written
    return order


@pytest.fixture
def enterprise(db):
    return make_enterprise(index=0)


@pytest.fixture
def buyer(enterprise):
    return make_buyer(email="buyer@a.example", enterprise=enterprise)
