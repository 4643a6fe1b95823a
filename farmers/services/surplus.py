"""二次返利: a cooperative's yearly surplus back to its members by their transactions.

Farmer Professional Cooperatives Law of the PRC (农民专业合作社法), Art. 44:
at least 60 % of the distributable surplus is returned to members in
proportion to their transactions (交易量/额) with the cooperative. A member's
transactions in a year are what the cooperative owed it for produce that
year: lots bought at intake (收购) received that year, plus consignment
(代销) sales written that year, less reversals.

The amount is split to the fen by largest remainder (money.split). The draft
shows its working; confirming makes each allocation owed to the household
and a payout line in a surplus batch.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from farmers.errors import SettlementError
from farmers.models import (
    Household,
    Payee,
    PayoutBatch,
    PayoutLine,
    Seller,
    SurplusAllocation,
    SurplusReturn,
)
from farmers.reports.settlement import Period, owed_parts
from farmers.services.payouts import _line
from money.split import FEN, split_by_weights, to_fen

MIN_SHARE = Decimal("60")


def _amount(value, *, field: str, zh: str, en: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():
        raise SettlementError(f"{zh}须为金额", f"{en}: must be an amount", field=field)
    if amount < 0:
        raise SettlementError(f"{zh}不能为负数", f"{en}: cannot be negative", field=field)
    return amount


def member_transactions(*, seller: Seller, year: int) -> dict[int, Decimal]:
    """Each household's transactions with the seller in a calendar year (produce owed)."""
    parts = owed_parts(
        seller_ids=[seller.pk],
        period=Period(datetime.date(year, 1, 1), datetime.date(year, 12, 31)),
    )
    totals: dict[int, Decimal] = {}
    for name in ("purchase", "consignment"):
        for (household_id, _seller_id), amount in parts[name].items():
            totals[household_id] = totals.get(household_id, Decimal("0.00")) + amount
    return {h: a for h, a in totals.items() if a > 0}


@transaction.atomic
def surplus_return_create(
    *, seller: Seller, year: int, distributable_surplus, share_percent, created_by=None
) -> SurplusReturn:
    """A draft return with its allocations (replacing an earlier draft of the same year)."""
    surplus = _amount(
        distributable_surplus,
        field="distributable_surplus",
        zh="可分配盈余",
        en="Distributable surplus",
    )
    share = _amount(share_percent, field="share_percent", zh="返还比例", en="Share returned")
    if surplus != surplus.quantize(FEN) or surplus == 0:
        raise SettlementError(
            "可分配盈余须为大于零、精确到分的金额",
            "Distributable surplus: must be above zero and exact to the fen",
            field="distributable_surplus",
        )
    if share < MIN_SHARE or share > 100:
        raise SettlementError(
            "返还比例不得低于60%：《中华人民共和国农民专业合作社法》第四十四条规定，"
            "可分配盈余按成员与本社的交易量（额）比例返还的总额不得低于可分配盈余的百分之六十",
            "Share returned: at least 60 % and at most 100 %. The Farmer Professional "
            "Cooperatives Law of the PRC, Art. 44, requires that no less than 60 % of the "
            "distributable surplus be returned to members in proportion to their transactions",
            field="share_percent",
        )
    if year > timezone.localdate().year:
        raise SettlementError("年份不能在将来", "Year: cannot be in the future", field="year")
    existing = SurplusReturn.objects.select_for_update().filter(seller=seller, year=year).first()
    if existing is not None and existing.confirmed_at is not None:
        raise SettlementError(
            f"{year} 年的盈余返还已确认，不能更改",
            f"Year: the surplus return for {year} is already confirmed and cannot change",
            field="year",
        )
    transactions = member_transactions(seller=seller, year=year)
    if not transactions:
        raise SettlementError(
            f"{year} 年没有成员交易记录，无法按交易额分配",
            f"Year: no member had transactions in {year}, so there is nothing to allocate by",
            field="year",
        )
    amount = (surplus * share / 100).quantize(FEN, ROUND_HALF_UP)
    if existing is not None:
        existing.delete()
    surplus_return = SurplusReturn.objects.create(
        seller=seller,
        year=year,
        distributable_surplus=surplus,
        share_percent=share,
        amount=amount,
        created_by=created_by,
    )
    households = sorted(transactions)
    shares = split_by_weights(amount, [to_fen(transactions[h]) for h in households])
    SurplusAllocation.objects.bulk_create(
        SurplusAllocation(
            surplus_return=surplus_return,
            household_id=household,
            transaction_amount=transactions[household],
            amount=share,
        )
        for household, share in zip(households, shares, strict=True)
    )
    return surplus_return


@transaction.atomic
def surplus_return_confirm(*, surplus_return: SurplusReturn, confirmed_by) -> PayoutBatch:
    """The allocations become owed and payout lines of a new surplus batch."""
    surplus_return = SurplusReturn.objects.select_for_update().get(pk=surplus_return.pk)
    if surplus_return.confirmed_at is not None:
        raise SettlementError("该盈余返还已确认", "This surplus return is already confirmed")
    Seller.objects.select_for_update().get(pk=surplus_return.seller_id)
    allocations = list(surplus_return.allocations.filter(amount__gt=0).order_by("household_id"))
    ids = [a.household_id for a in allocations]
    busy = set(
        PayoutLine.objects.filter(
            seller_id=surplus_return.seller_id,
            household_id__in=ids,
            status=PayoutLine.Status.PENDING,
        ).values_list("household__code", flat=True)
    )
    payees = {p.household_id: p for p in Payee.objects.filter(household_id__in=ids)}
    missing = sorted(
        Household.objects.filter(pk__in=set(ids) - set(payees)).values_list("code", flat=True)
    )
    if busy or missing:
        raise SettlementError(
            "以下农户还在未完成的批次中或未登记收款方式：" + "、".join(sorted(busy) + missing),
            "These households are in an open batch or have no payee details: "
            + ", ".join(sorted(busy) + missing),
            field="households",
        )
    batch = PayoutBatch.objects.create(
        seller_id=surplus_return.seller_id,
        kind=PayoutBatch.Kind.SURPLUS,
        purpose=f"{surplus_return.year}年盈余返还",
        created_by=confirmed_by,
    )
    PayoutLine.objects.bulk_create(
        _line(
            batch,
            position,
            allocation.household_id,
            allocation.amount,
            payees[allocation.household_id],
            surplus_allocation=allocation,
        )
        for position, allocation in enumerate(allocations, start=1)
    )
    surplus_return.confirmed_at = timezone.now()
    surplus_return.batch = batch
    surplus_return.save(update_fields=["confirmed_at", "batch"])
    return batch
