"""Household settlement in the demo world: terms, payee details, a year of monthly payouts.

丰乐蔬菜种植农民专业合作社 buys at intake (收购); 太保镇消费帮扶馆 sells on
consignment (代销). Every member household gets payee details (bank cards,
one WeChat, one paid in cash). For each month of the demo history, each
seller pays what was owed by the month's end, through the payout services,
and the bank confirms it early the next month. One monitored household of
丰乐 has been left out of the last two months' batches, so the team sees it
owed money for more than TAIBAO_PAYOUT_OVERDUE_DAYS. 丰乐 returns 60 % of last
year's distributable surplus to its members by their transactions.

Run after the demo history (lots and paid orders exist). Safe to run again:
nothing is added once 丰乐 has a payout batch.
"""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from stdnum import luhn

from farmers.errors import SettlementError
from farmers.models import (
    Household,
    Lot,
    MonitoringPeriod,
    Payee,
    PayoutBatch,
    PayoutLine,
    Seller,
    SettlementTerms,
    SurplusReturn,
)
from farmers.reports.settlement import balances
from farmers.services.payouts import payout_batch_create, payout_line_confirm
from farmers.services.settlement import payee_set
from farmers.services.surplus import surplus_return_confirm, surplus_return_create

FENGLE = "丰乐蔬菜种植农民专业合作社"
TOWN_SHOP = "太保镇消费帮扶馆"
TEAM_EMAIL = "team@taibao.example"
SELLER_EMAIL = "seller@fengle.example"
TERMS_SINCE = datetime.date(2020, 1, 1)
BANKS = ["中国农业银行连山支行", "连山农村商业银行太保支行", "中国邮政储蓄银行连山县支行"]
SURPLUS = Decimal("86000.00")


def _card(n: int) -> str:
    body = f"62170{n:013d}"
    return body + luhn.calc_check_digit(body)


def _month_ends(first: datetime.date, today: datetime.date) -> list[datetime.date]:
    ends = []
    month = first.replace(day=1)
    while True:
        following = (month + datetime.timedelta(days=32)).replace(day=1)
        end = following - datetime.timedelta(days=1)
        if end >= today:
            return ends
        ends.append(end)
        month = following


def _backdate(batch: PayoutBatch, day: datetime.date) -> None:
    """Demo history only: the batch was made and paid early in the following month."""
    made = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
    paid = made + datetime.timedelta(days=2)
    PayoutBatch.objects.filter(pk=batch.pk).update(created_at=made, closed_at=paid)
    PayoutLine.objects.filter(batch=batch).update(settled_at=paid)


def _payees(seller: Seller, user) -> None:
    members = Household.objects.filter(memberships__seller=seller).order_by("code")
    for n, household in enumerate(members):
        if Payee.objects.filter(household=household).exists():
            continue
        if n == 1:  # an elderly head without a bank card is paid in cash, with a signed receipt
            payee_set(household=household, method="cash", changed_by=user)
        elif n == 2:
            payee_set(
                household=household,
                method="wechat",
                account=f"139{household.pk:08d}"[-11:],
                changed_by=user,
            )
        else:
            payee_set(
                household=household,
                method="bank",
                bank_name=BANKS[n % len(BANKS)],
                account=_card(household.pk),
                changed_by=user,
            )


def _overdue_household(seller: Seller, today: datetime.date) -> tuple[int, datetime.date] | None:
    """A monitored member with produce received more than two months ago, and that day."""
    monitored = MonitoringPeriod.objects.filter(ended_on__isnull=True).values("household_id")
    lot = (
        Lot.objects.filter(
            stock_record__partner_id=seller.partner_id,
            household_id__in=monitored,
            received_on__lte=today - datetime.timedelta(days=62),
        )
        .order_by("-received_on")
        .first()
    )
    return (lot.household_id, lot.received_on) if lot else None


def _monthly_batches(seller: Seller, user, *, skip, today: datetime.date) -> int:
    """A batch at every month's end; ``skip`` (household, day): left unpaid from that day on."""
    first = Lot.objects.filter(stock_record__partner_id=seller.partner_id).order_by("received_on")
    first = first.values_list("received_on", flat=True).first()
    if first is None:
        return 0
    made = 0
    ends = _month_ends(first, today)
    for end in ends:
        leave_out = skip[0] if skip and end >= skip[1] else None
        owed = [
            row.household_id
            for row in balances(seller_ids=[seller.pk], owed_until=end)
            if row.balance > 0 and row.household_id != leave_out
        ]
        if not owed:
            continue
        try:
            created = payout_batch_create(
                seller=seller,
                household_ids=owed,
                purpose=f"{end:%Y年%m月}农产品货款",
                created_by=user,
                owed_until=end,
            )
        except SettlementError:
            continue
        for line in created.batch.lines.all():
            if line.method == "cash":
                # The demo keeps no photo: the receipt number stands for the signed slip.
                PayoutLine.objects.filter(pk=line.pk).update(
                    status=PayoutLine.Status.CONFIRMED,
                    reference=f"现金收据 {end:%Y%m}-{line.position:03d}",
                    settled_by=user,
                )
            else:
                payout_line_confirm(
                    line=line, reference=f"DEMO{end:%Y%m}{line.position:04d}", settled_by=user
                )
        PayoutBatch.objects.filter(pk=created.batch.pk).update(closed_at=timezone.now())
        _backdate(created.batch, end + datetime.timedelta(days=5))
        made += 1
    return made


def _surplus(seller: Seller, user, today: datetime.date) -> bool:
    for year in (today.year - 1, today.year):
        if SurplusReturn.objects.filter(seller=seller, year=year).exists():
            return False
        try:
            surplus_return = surplus_return_create(
                seller=seller,
                year=year,
                distributable_surplus=SURPLUS,
                share_percent=Decimal("60"),
                created_by=user,
            )
            batch = surplus_return_confirm(surplus_return=surplus_return, confirmed_by=user)
        except SettlementError:
            continue
        for line in batch.lines.all():
            if line.method == "cash":
                PayoutLine.objects.filter(pk=line.pk).update(
                    status=PayoutLine.Status.CONFIRMED,
                    reference=f"现金收据 返利{year}-{line.position:03d}",
                    settled_by=user,
                    settled_at=timezone.now(),
                )
            else:
                payout_line_confirm(
                    line=line, reference=f"FL{year}R{line.position:04d}", settled_by=user
                )
        PayoutBatch.objects.filter(pk=batch.pk).update(closed_at=timezone.now())
        return True
    return False


@transaction.atomic
def demo_settlement_load() -> str:
    """Add the demo's settlement (once); returns a one-line summary."""
    fengle = Seller.objects.filter(partner__name=FENGLE).first()
    shop = Seller.objects.filter(partner__name=TOWN_SHOP).first()
    if fengle is None or shop is None:
        return "settlement: the demo sellers are missing"
    if PayoutBatch.objects.filter(seller=fengle).exists():
        return "settlement: already loaded"
    users = get_user_model().objects
    team = users.filter(username=TEAM_EMAIL).first() or users.filter(is_superuser=True).first()
    seller_user = users.filter(username=SELLER_EMAIL).first() or team
    for seller, terms in ((fengle, "purchase"), (shop, "consignment")):
        # The terms have held since before the first lot (seed data, written directly:
        # the service refuses past days so that lots already received keep their terms).
        SettlementTerms.objects.get_or_create(
            seller=seller, stock_record=None, effective_from=TERMS_SINCE, defaults={"terms": terms}
        )
    _payees(fengle, seller_user)
    _payees(shop, team)
    today = timezone.localdate()
    overdue = _overdue_household(fengle, today)
    batches = _monthly_batches(fengle, seller_user, skip=overdue, today=today)
    batches += _monthly_batches(shop, team, skip=None, today=today)
    surplus = _surplus(fengle, seller_user, today)
    return (
        f"settlement: {batches} monthly payout batches, "
        f"overdue household {overdue[0] if overdue else '—'}, "
        f"surplus return {'yes' if surplus else 'no'}"
    )
