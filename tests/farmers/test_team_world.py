"""A small world of lots, paid orders and a reversal for the report tests (and its sanity check).

Two sellers, four households in two villages (one monitored), three
enterprises' orders. Each test computes what a report should say from the
lots and order lines it made here — never from the ledger the reports sum.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.utils import timezone
from oscar.core.loading import get_model
from oscar.test.factories import ProductFactory, UserFactory, create_basket, create_order

from farmers.models import Attribution, Lot
from farmers.services.attribution import order_attribute, order_attribution_reverse
from farmers.services.stock import lot_receive
from shop.models import Enterprise, PairingAgreement
from shop.roles import WORK_TEAM, role_assign
from testing.factories import (
    HouseholdFactory,
    MembershipFactory,
    MonitoringPeriodFactory,
    SellerFactory,
    TownFactory,
    VillageFactory,
)

StockRecord = get_model("partner", "StockRecord")
Order = get_model("order", "Order")

USCC = ["91440101190473001R", "91440114618713042Y", "914401012312460596"]


@dataclass
class World:
    town: object = None
    villages: list = field(default_factory=list)
    households: list = field(default_factory=list)
    sellers: list = field(default_factory=list)
    records: list = field(default_factory=list)
    enterprises: list = field(default_factory=list)
    orders: list = field(default_factory=list)
    cancelled: object = None


def stock_record_for(seller, price: str) -> "StockRecord":
    product = ProductFactory(stockrecords=None, categories=None, seller=seller)
    return StockRecord.objects.create(
        product=product,
        partner=seller.partner,
        partner_sku=f"SKU-{product.pk}",
        price=Decimal(price),
        price_currency="CNY",
        num_in_stock=0,
        num_allocated=0,
    )


def paid_order(enterprise, lines) -> "Order":
    """An order for ``enterprise`` of (stock record, quantity) lines, paid and attributed."""
    basket = create_basket(empty=True)
    for record, quantity in lines:
        basket.add_product(record.product, quantity)
    order = create_order(basket=basket)
    Order.objects.filter(pk=order.pk).update(
        enterprise=enterprise, payment_status="paid", paid_at=timezone.now()
    )
    order_attribute(order_id=order.pk)
    return Order.objects.get(pk=order.pk)


def build_world() -> World:
    world = World()
    world.town = TownFactory(name="报表测试镇")
    world.villages = [VillageFactory(town=world.town, name=n) for n in ("甲村", "乙村")]
    names = ["黄石生", "莫春花", "欧阳秀英", "李明"]
    world.households = [
        HouseholdFactory(head_name=name, village=world.villages[i % 2])
        for i, name in enumerate(names)
    ]
    # 欧阳秀英 (index 2) is monitored today.
    MonitoringPeriodFactory(household=world.households[2], started_on=datetime.date(2024, 1, 1))
    world.sellers = [
        SellerFactory(village=world.villages[0]),
        SellerFactory(village=world.villages[1]),
    ]
    for household in world.households[:3]:
        MembershipFactory(seller=world.sellers[0], household=household)
    MembershipFactory(seller=world.sellers[1], household=world.households[3])
    MembershipFactory(seller=world.sellers[1], household=world.households[2])
    chestnut = stock_record_for(world.sellers[0], "30.00")
    seeds = stock_record_for(world.sellers[1], "25.50")
    world.records = [chestnut, seeds]
    day = datetime.date(2026, 1, 5)
    # chestnut lots (FIFO by date): H0 20 @10, H1 20 @12, H2 30 @9
    for offset, (household, units, price) in enumerate(
        [(0, 20, "10"), (1, 20, "12"), (2, 30, "9")]
    ):
        lot_receive(
            stock_record=chestnut,
            household=world.households[household],
            units=units,
            received_on=day + datetime.timedelta(days=offset),
            trace_code=f"C{offset}",
            farmgate_unit_price=Decimal(price),
        )
    # seeds lots: H3 10 @20, H2 10 @18
    for offset, (household, units, price) in enumerate([(3, 10, "20"), (2, 10, "18")]):
        lot_receive(
            stock_record=seeds,
            household=world.households[household],
            units=units,
            received_on=day + datetime.timedelta(days=offset),
            trace_code=f"S{offset}",
            farmgate_unit_price=Decimal(price),
        )
    world.enterprises = [
        Enterprise.objects.create(name=f"报表企业{i}", uscc=USCC[i]) for i in range(3)
    ]
    PairingAgreement.objects.create(
        enterprise=world.enterprises[0],
        programme="village",
        village=world.villages[0],
        signed_on=datetime.date(2025, 3, 1),
        yearly_pledge=Decimal("2000.00"),
    )
    PairingAgreement.objects.create(
        enterprise=world.enterprises[1],
        programme="town",
        town=world.town,
        signed_on=datetime.date(2025, 3, 1),
        yearly_pledge=Decimal("500.00"),
    )
    # E0: 25 chestnut (H0 20, H1 5) + 12 seeds (H3 10, H2 2)
    world.orders.append(paid_order(world.enterprises[0], [(chestnut, 25), (seeds, 12)]))
    # E1: 10 chestnut (H1 10)
    world.orders.append(paid_order(world.enterprises[1], [(chestnut, 10)]))
    # E2: 4 chestnut (H1 4), then cancelled: reversed, nets to nothing.
    world.cancelled = paid_order(world.enterprises[2], [(chestnut, 4)])
    order_attribution_reverse(order_id=world.cancelled.pk, cause="cancellation")
    return world


def team_user():
    user = UserFactory(is_staff=True, email="team@report.example")
    role_assign(user=user, role=WORK_TEAM)
    return user


def expected_by_household(world: World, orders=None) -> dict[int, dict]:
    """Units, sales and income per household worked out from lots and lines (FIFO, by hand)."""
    lots = {
        record.pk: list(Lot.objects.filter(stock_record=record).order_by("received_on", "pk"))
        for record in world.records
    }
    taken = {lot.pk: 0 for record_lots in lots.values() for lot in record_lots}
    result: dict[int, dict] = {}
    for order in world.orders if orders is None else orders:
        for line in order.lines.order_by("pk"):
            need = line.quantity
            unit_price = line.line_price_incl_tax / line.quantity
            for lot in lots[line.stockrecord_id]:
                take = min(need, lot.units_received - taken[lot.pk])
                if take <= 0:
                    continue
                taken[lot.pk] += take
                need -= take
                row = result.setdefault(
                    lot.household_id,
                    {"units": 0, "sales": Decimal("0"), "income": Decimal("0"), "orders": set()},
                )
                row["units"] += take
                row["sales"] += unit_price * take
                row["income"] += lot.farmgate_amount / lot.units_received * take
                row["orders"].add(order.pk)
                if need == 0:
                    break
    return result


@pytest.mark.django_db
def test_the_world_ledger_nets_the_cancelled_order_to_nothing():
    world = build_world()
    cancelled = Attribution.objects.filter(line__order=world.cancelled)
    assert sum(a.units for a in cancelled) == 0
    assert sum(a.sales_amount for a in cancelled) == 0
