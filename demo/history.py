"""Orders in the demo world, so that the team's reports and the buyers' impact pages have
something to show: the three paired enterprises buy, the work team records their bank
transfers, and attribution (in-process in the demo) writes the ledger.

Everything goes through the product's own paths — basket and pricing strategy, the
bulk order creator with its stock locks, ``transfer_record`` — so the figures the demo
shows are the figures those paths produce. Run once: the orders are recognised by their
purchase-order numbers, and a second run adds nothing.
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from oscar.apps.shipping.methods import Free
from oscar.core.loading import get_class, get_model

from shop.models import Enterprise, EnterpriseMember
from shop.order.models import PaymentMethod
from shop.order.utils import OrderCreator
from shop.partner.strategy import Selector
from shop.services.payments import transfer_record

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")
ShippingAddress = get_model("order", "ShippingAddress")
StockRecord = get_model("partner", "StockRecord")
OrderTotalCalculator = get_class("checkout.calculators", "OrderTotalCalculator")

PO_PREFIX = "DEMO-PO-"
TEAM_EMAIL = "team@taibao.example"


@dataclass(frozen=True)
class DemoOrder:
    po_number: str
    buyer_email: str
    lines: tuple[tuple[str, int], ...]  # (SKU, quantity)
    paid: bool = True


# The buyer of each enterprise (國光's is a demo login; the other two only place these orders).
BUYERS = {
    "buyer@guoguang.example": "国光电器股份有限公司",
    "buyer@xiongye.example": "广州雄业物流有限公司",
    "buyer@taihe.example": "广州市泰和混凝土有限公司",
}

ORDERS = [
    DemoOrder(
        "DEMO-PO-GG-001",
        "buyer@guoguang.example",
        (("TB-CG-GIFT-2000", 20), ("TB-MT-2500", 30), ("TB-SJ-2500", 12)),
    ),
    DemoOrder(
        "DEMO-PO-GG-002",
        "buyer@guoguang.example",
        (("TB-CG-JC-500", 40), ("TB-GLZ-R-250", 30), ("TB-JD-30", 20)),
    ),
    DemoOrder(
        "DEMO-PO-GG-003",
        "buyer@guoguang.example",
        (("TB-CG-LB-500", 25), ("TB-SG-500", 10)),
        paid=False,  # awaiting its transfer: the team sees it on the transfers page
    ),
    DemoOrder(
        "DEMO-PO-XY-001",
        "buyer@xiongye.example",
        (("TB-CG-JC-500", 30), ("TB-CG-LB-500", 30), ("TB-SG-500", 15)),
    ),
    DemoOrder("DEMO-PO-TH-001", "buyer@taihe.example", (("TB-MT-5000", 6), ("TB-SJ-2500", 8))),
]


def _buyer(email: str):
    user, _ = get_user_model().objects.get_or_create(
        username=email, defaults={"email": email, "first_name": "采购"}
    )
    if not EnterpriseMember.objects.filter(user=user).exists():
        EnterpriseMember.objects.create(
            user=user,
            enterprise=Enterprise.objects.get(name=BUYERS[email]),
            role=EnterpriseMember.Role.BUYER,
        )
    return user


def _place(demo: DemoOrder, user) -> Order | None:
    strategy = Selector().strategy(user=user)
    basket = Basket.objects.create(owner=user)
    basket.strategy = strategy
    for sku, quantity in demo.lines:
        record = StockRecord.objects.filter(partner_sku=sku).select_related("product").first()
        if record is None or record.net_stock_level < quantity:
            continue  # the demo catalogue changed; order what is there
        basket.add_product(record.product, quantity)
    basket._lines = None
    if basket.is_empty:
        basket.delete()
        return None
    membership = EnterpriseMember.objects.select_related("enterprise").get(user=user)
    address = membership.enterprise.addresses.filter(is_default=True).first()
    shipping_address = ShippingAddress.objects.create(
        last_name=address.recipient if address else user.first_name,
        line1=address.street if address else "",
        line4=address.city if address else "",
        state=address.province if address else "",
        phone_number=f"+86{address.phone}" if address else "",
        country_id="CN",
    )
    shipping = Free()
    charge = shipping.calculate(basket)
    total = OrderTotalCalculator().calculate(basket, charge)
    order = OrderCreator().place_order(
        basket=basket,
        total=total,
        shipping_method=shipping,
        shipping_charge=charge,
        user=user,
        shipping_address=shipping_address,
        enterprise=membership.enterprise,
        po_number=demo.po_number,
        payment_method=PaymentMethod.BANK_TRANSFER,
    )
    basket.submit()
    return order


def demo_history_load() -> int:
    """Place (and mostly pay) the demo orders not placed yet; returns how many were placed."""
    team = get_user_model().objects.get(username=TEAM_EMAIL)
    placed = 0
    for demo in ORDERS:
        if Order.objects.filter(po_number=demo.po_number).exists():
            continue
        with transaction.atomic():
            order = _place(demo, _buyer(demo.buyer_email))
        if order is None:
            continue
        placed += 1
        if demo.paid:
            transfer_record(
                order_id=order.pk,
                amount=order.total_incl_tax,
                received_on=timezone.localdate() - datetime.timedelta(days=1),
                bank_reference=f"DEMO-{demo.po_number[len(PO_PREFIX) :]}",
                recorded_by=team,
            )
    return placed
