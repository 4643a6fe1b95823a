"""结算单: a household's settlement with one seller over a period, frozen and verifiable.

The figures are computed once when the slip is issued and stored with a
random verification code; the PDF and the public verification page both show
the stored figures, so anyone holding the code sees what the paper says.
The slip is the household's own document: it names the household's head;
account numbers appear masked only.
"""

import datetime
import secrets
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from farmers.errors import SettlementError
from farmers.models import (
    Attribution,
    Household,
    Lot,
    PayoutLine,
    PayoutReversal,
    Seller,
    SettlementSlip,
    Terms,
)
from farmers.reports.settlement import Period, TermsMap, owed_parts, paid_totals

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L
ZERO = Decimal("0.00")


def slip_code_new() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def _sum_parts(parts: dict, key) -> dict[str, str]:
    amounts = {name: part.get(key, ZERO) for name, part in parts.items()}
    return {**{k: str(v) for k, v in amounts.items()}, "total": str(sum(amounts.values(), ZERO))}


def slip_figures(
    *, household: Household, seller: Seller, period_from: datetime.date, period_to: datetime.date
) -> dict:
    terms = TermsMap.load()
    key = (household.pk, seller.pk)
    scope = {"seller_ids": [seller.pk], "household_ids": [household.pk]}
    period = Period(period_from, period_to)
    before = Period(None, period_from - datetime.timedelta(days=1))
    owed_before = sum(
        (p.get(key, ZERO) for p in owed_parts(period=before, terms=terms, **scope).values()), ZERO
    )
    paid_before = paid_totals(period=before, **scope).get(key, ZERO)
    owed_now = owed_parts(period=period, terms=terms, **scope)
    paid_now = paid_totals(period=period, **scope).get(key, ZERO)
    lots = [
        {
            "date": lot.received_on.isoformat(),
            "product": lot.stock_record.product.get_title(),
            "trace_code": lot.trace_code,
            "units": lot.units_received,
            "amount": str(lot.farmgate_amount),
            "terms": terms.terms_for(
                seller_id=seller.pk, stock_record_id=lot.stock_record_id, day=lot.received_on
            ),
        }
        for lot in Lot.objects.filter(
            household=household,
            stock_record__partner_id=seller.partner_id,
            received_on__gte=period_from,
            received_on__lte=period_to,
        )
        .select_related("stock_record__product")
        .order_by("received_on", "pk")
    ]
    units_sold = (
        Attribution.objects.filter(
            household=household,
            lot__stock_record__partner_id=seller.partner_id,
            created_at__date__gte=period_from,
            created_at__date__lte=period_to,
        ).aggregate(units=Sum("units"))["units"]
        or 0
    )
    payments = [
        {
            "date": timezone.localtime(line.settled_at).date().isoformat(),
            "method": line.get_method_display(),
            "account": line.account_masked,
            "reference": line.reference,
            "amount": str(line.amount),
        }
        for line in PayoutLine.objects.filter(
            household=household,
            seller=seller,
            status=PayoutLine.Status.CONFIRMED,
            settled_at__date__gte=period_from,
            settled_at__date__lte=period_to,
        ).order_by("settled_at", "pk")
    ] + [
        {
            "date": timezone.localtime(reversal.reversed_at).date().isoformat(),
            "method": "冲销",
            "account": reversal.line.account_masked,
            "reference": reversal.reason,
            "amount": str(-reversal.amount),
        }
        for reversal in PayoutReversal.objects.filter(
            line__household=household,
            line__seller=seller,
            reversed_at__date__gte=period_from,
            reversed_at__date__lte=period_to,
        ).select_related("line")
    ]
    owed_in_period = _sum_parts(owed_now, key)
    opening = owed_before - paid_before
    closing = opening + Decimal(owed_in_period["total"]) - paid_now
    return {
        "household": household.head_name,
        "household_code": household.code,
        "village": household.village.name,
        "seller": seller.name,
        "period_from": period_from.isoformat(),
        "period_to": period_to.isoformat(),
        "terms": sorted({lot["terms"] for lot in lots}) or [Terms.PURCHASE.value],
        "lots": lots,
        "units_sold": units_sold,
        "opening_balance": str(opening),
        "owed": owed_in_period,
        "payments": payments,
        "paid": str(paid_now),
        "balance": str(closing),
    }


def slip_issue(
    *,
    household: Household,
    seller: Seller,
    period_from: datetime.date,
    period_to: datetime.date,
    issued_by=None,
) -> SettlementSlip:
    if period_to < period_from:
        raise SettlementError(
            "结束日期早于开始日期", "To: the period ends before it starts", field="period_to"
        )
    if period_to > timezone.localdate():
        raise SettlementError(
            "结束日期不能在将来", "To: cannot be in the future", field="period_to"
        )
    return SettlementSlip.objects.create(
        household=household,
        seller=seller,
        period_from=period_from,
        period_to=period_to,
        verification_code=slip_code_new(),
        figures=slip_figures(
            household=household, seller=seller, period_from=period_from, period_to=period_to
        ),
        issued_by=issued_by,
    )


def slip_by_code(*, code: str) -> SettlementSlip | None:
    code = (code or "").strip().upper()
    if len(code) != 19:
        return None
    return SettlementSlip.objects.filter(verification_code=code).first()
