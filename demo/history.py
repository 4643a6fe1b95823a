"""A year of the Taibao demo's trade, placed through the product's own paths.

The three paired enterprises order every week for the last 52 weeks, shaped by
the seasons (菜干 November–February, 马蹄 December–March, 生姜 in autumn, raw
瓜蒌籽 after the autumn harvest, rice after its harvests, poultry around 春节
and 中秋; beef, eggs, 马蹄粉, roasted 瓜蒌籽, 笋干 and rice all year). Before
each order the households that grow what it holds deliver lots to their seller,
exactly as many units as it takes; the work team records each enterprise's bank
transfer two days after the order (the last one yesterday), and attribution splits every paid line over
those lots. The clock is moved back for each step (time-machine), so every row
— lots, orders, receipts, ledger entries, the monthly summary — carries the day
it stands for, and reports, charts, pledges and statements all agree.

Deterministic: the same plan every time, relative to today. Monitored
households are among the suppliers of what they grow, so most of them earned
in the last 90 and 365 days; H01 黄石生's 马蹄 and 生姜 go to 国光电器 through
太保镇消费帮扶馆; two monitored households (FLAGGED) delivered nothing for the
last FLAGGED_QUIET_DAYS days, so the team's flag shows something real. The
newest order still awaits its transfer. Run again, it adds nothing: orders are
recognised by their purchase-order numbers, and each week is one transaction.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import time_machine
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from oscar.apps.shipping.methods import Free
from oscar.core.loading import get_class, get_model

from farmers.models import Household
from farmers.services.attribution import order_attribute
from farmers.services.stock import lot_receive
from shop.models import Enterprise, EnterpriseMember
from shop.order.models import PaymentMethod
from shop.order.utils import OrderCreator
from shop.partner.strategy import Selector
from shop.services.payments import transfer_record
from shop.services.quick_order import quick_order_add

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")
ShippingAddress = get_model("order", "ShippingAddress")
StockRecord = get_model("partner", "StockRecord")
OrderTotalCalculator = get_class("checkout.calculators", "OrderTotalCalculator")

PO_PREFIX = "DEMO-PO-"
TEAM_EMAIL = "team@taibao.example"
WEEKS = 52
NEWEST_DAYS_AGO = 1  # the newest order, still unpaid; the paid ones a week apart before it
LOTS_DAYS_BEFORE = 7  # households deliver this long before the order (before today's stock)
PAID_DAYS_AFTER = 2  # the transfer arrives this long after it
ORDER_HOUR = 10
FARMGATE_SHARE = Decimal("0.60")  # what the seller pays the household, of the list price

# The buyer of each enterprise (国光's is a demo login; the other two only place these orders).
BUYERS = {
    "GG": ("buyer@guoguang.example", "国光电器股份有限公司"),
    "XY": ("buyer@xiongye.example", "广州雄业物流有限公司"),
    "TH": ("buyer@taihe.example", "广州市泰和混凝土有限公司"),
}
ROTATION = ("GG", "XY", "GG", "TH")  # 国光 pledged the most: every other week is its

# Calendar month → units per order, for what sells in season.
SEASONAL = {
    "TB-CG-JC-500": {11: 40, 12: 60, 1: 60, 2: 30},
    "TB-CG-LB-500": {11: 30, 12: 40, 1: 40, 2: 20},
    "TB-CG-GIFT-2000": {12: 10, 1: 20, 2: 15},  # 春节 gift boxes
    "TB-MT-2500": {12: 30, 1: 40, 2: 30, 3: 20},
    "TB-MT-5000": {12: 8, 1: 12, 2: 10, 3: 6},
    "TB-SJ-2500": {9: 12, 10: 20, 11: 15},
    "TB-GLZ-500": {10: 20, 11: 30, 12: 15},
    "TB-DM-10000": {7: 10, 8: 12, 11: 15, 12: 12},  # early and late rice harvests
    "TB-TJ-1500": {1: 8, 2: 6, 9: 6},  # 春节 and 中秋
    "TB-YA-2000": {1: 6, 2: 4, 9: 5},
}
# Sold all year: each order carries every other one of these, in turn.
YEAR_ROUND = {
    "TB-NR-1000": 5,
    "TB-JD-30": 20,
    "TB-MTF-500": 10,
    "TB-GLZ-R-250": 20,
    "TB-SG-500": 8,
    "TB-DM-5000": 10,
}
# SKU → (monitored growers, other growers): each line's units come from one of each, in turn.
SUPPLIERS = {
    "TB-CG-JC-500": (("H06", "H13"), ("H07", "H19")),
    "TB-CG-LB-500": (("H06",), ("H07", "H18")),
    "TB-CG-GIFT-2000": (("H13", "H06"), ("H12", "H07")),
    "TB-SG-500": (("H08",), ("H20",)),
    "TB-MT-2500": (("H01", "H15"), ("H02", "H22")),
    "TB-MT-5000": (("H15", "H01"), ("H22", "H02")),
    "TB-MTF-500": (("H30",), ("H02", "H22")),
    "TB-SJ-2500": (("H01",), ("H14", "H23")),
    "TB-GLZ-500": (("H26", "H04"), ("H03", "H05", "H24", "H25", "H31")),
    "TB-GLZ-R-250": (("H04",), ("H03", "H05")),
    "TB-DM-5000": (("H21", "H01"), ("H09", "H27")),
    "TB-DM-10000": (("H08", "H21"), ("H09", "H27")),
    "TB-TJ-1500": (("H01",), ("H16", "H29")),
    "TB-YA-2000": (("H01",), ("H32", "H16")),
    "TB-JD-30": (("H17",), ("H11",)),
    "TB-NR-1000": (("H10",), ("H28",)),
}
# H01 黄石生's 马蹄 and 生姜 go to 国光电器 whenever it buys them.
STORY = {("GG", "TB-MT-2500"): "H01", ("GG", "TB-SJ-2500"): "H01"}
# Monitored households that delivered nothing for the last FLAGGED_QUIET_DAYS days.
FLAGGED = ("H13", "H26")
FLAGGED_QUIET_DAYS = 45


@dataclass(frozen=True)
class DemoLine:
    sku: str
    quantity: int
    households: tuple[str, ...]  # who delivers the units, split as evenly as can be


@dataclass(frozen=True)
class DemoOrder:
    po_number: str
    enterprise: str  # a key of BUYERS
    days_ago: int
    lines: tuple[DemoLine, ...]
    paid: bool = True

    @property
    def buyer_email(self) -> str:
        return BUYERS[self.enterprise][0]


def _households_for(sku: str, week: int, enterprise: str, days_ago: int) -> tuple[str, ...]:
    monitored, others = SUPPLIERS[sku]
    if days_ago < FLAGGED_QUIET_DAYS:
        monitored = tuple(code for code in monitored if code not in FLAGGED)
    lead = STORY.get((enterprise, sku)) or (monitored[week % len(monitored)] if monitored else None)
    other = others[week % len(others)]
    return (lead, other) if lead else (other,)


def demo_plan(today: datetime.date) -> list[DemoOrder]:
    """The year's orders, newest first, for a given today (the same today, the same plan)."""
    orders = []
    for week in range(WEEKS):
        days_ago = NEWEST_DAYS_AGO if week == 0 else 7 * week - 4
        month = (today - datetime.timedelta(days=days_ago)).month
        enterprise = ROTATION[week % len(ROTATION)]
        wanted = [(sku, months[month]) for sku, months in SEASONAL.items() if month in months]
        wanted += [
            (sku, units) for n, (sku, units) in enumerate(YEAR_ROUND.items()) if (n + week) % 2 == 0
        ]
        lines = tuple(
            DemoLine(sku, units, _households_for(sku, week, enterprise, days_ago))
            for sku, units in wanted
        )
        orders.append(
            DemoOrder(
                po_number=f"{PO_PREFIX}{enterprise}-W{WEEKS - week:02d}",
                enterprise=enterprise,
                days_ago=days_ago,
                lines=lines,
                paid=week != 0,  # the newest awaits its transfer on the team's transfers page
            )
        )
    return orders


def _at(day: datetime.date, hour: int = ORDER_HOUR) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _buyer(enterprise_key: str):
    email, enterprise_name = BUYERS[enterprise_key]
    user, _ = get_user_model().objects.get_or_create(
        username=email, defaults={"email": email, "first_name": "采购"}
    )
    if not EnterpriseMember.objects.filter(user=user).exists():
        EnterpriseMember.objects.create(
            user=user,
            enterprise=Enterprise.objects.get(name=enterprise_name),
            role=EnterpriseMember.Role.BUYER,
        )
    return user


def _deliver(demo: DemoOrder, records: dict[str, StockRecord]) -> None:
    """The households deliver the order's units to their sellers: lots, through intake."""
    households = Household.objects.in_bulk(
        {code for line in demo.lines for code in line.households}, field_name="code"
    )
    received_on = timezone.localdate()
    for line in demo.lines:
        record = records[line.sku]
        share, extra = divmod(line.quantity, len(line.households))
        for n, code in enumerate(line.households):
            units = share + (1 if n < extra else 0)
            if not units:
                continue
            lot_receive(
                stock_record=record,
                household=households[code],
                units=units,
                received_on=received_on,
                farmgate_unit_price=(record.price * FARMGATE_SHARE).quantize(Decimal("0.01")),
                trace_code=f"{demo.po_number[len(PO_PREFIX) :]}-{n + 1}",
            )


def _place(demo: DemoOrder, user, records: dict[str, StockRecord]) -> Order:
    basket = Basket.objects.create(owner=user)
    basket.strategy = Selector().strategy(user=user)
    quick_order_add(
        basket=basket,
        items=[(line.sku, line.quantity) for line in demo.lines],
        strategy=basket.strategy,
    )
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


def _week(demo: DemoOrder, today: datetime.date, records, team) -> None:
    placed_on = today - datetime.timedelta(days=demo.days_ago)
    paid_on = placed_on + datetime.timedelta(days=min(PAID_DAYS_AFTER, demo.days_ago - 1))
    last = paid_on if demo.paid else placed_on
    # Commit callbacks (the outbox's tasks) run at the week's last moment, not today.
    with time_machine.travel(_at(last, ORDER_HOUR + 1), tick=False):
        with transaction.atomic():
            with time_machine.travel(
                _at(placed_on - datetime.timedelta(days=LOTS_DAYS_BEFORE), 8), tick=False
            ):
                _deliver(demo, records)
            with time_machine.travel(_at(placed_on), tick=False):
                order = _place(demo, _buyer(demo.enterprise), records)
            if demo.paid:
                with time_machine.travel(_at(paid_on), tick=False):
                    transfer_record(
                        order_id=order.pk,
                        amount=order.total_incl_tax,
                        received_on=paid_on,
                        bank_reference=f"DEMO-{demo.po_number[len(PO_PREFIX) :]}",
                        recorded_by=team,
                    )
                    # In-process now (a broker's worker would do the same, later, and then
                    # find nothing left to write).
                    order_attribute(order_id=order.pk)


def demo_history_load(*, today: datetime.date | None = None) -> int:
    """Place (and pay, but the newest) the year's orders not placed yet; how many were placed."""
    today = today or timezone.localdate()
    plan = demo_plan(today)
    done = set(
        Order.objects.filter(po_number__startswith=PO_PREFIX).values_list("po_number", flat=True)
    )
    todo = [demo for demo in reversed(plan) if demo.po_number not in done]  # oldest first
    if not todo:
        return 0
    team = get_user_model().objects.get(username=TEAM_EMAIL)
    records = {
        record.partner_sku: record
        for record in StockRecord.objects.filter(
            partner_sku__in={line.sku for demo in plan for line in demo.lines}
        ).select_related("product")
    }
    for demo in todo:
        _week(demo, today, records, team)
    return len(todo)
