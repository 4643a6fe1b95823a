"""Issuing an assistance statement: figures computed once, frozen, and given a code."""

import datetime
import secrets

from django.utils.translation import gettext as _

from outbox.errors import PermanentError
from shop.models import Enterprise
from shop.statements.impact import enterprise_impact
from shop.statements.models import Statement

# No 0/O, 1/I/L: read aloud or typed from paper without mistakes.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 16


class StatementRefused(PermanentError):
    """A statement that cannot be made (a wrong period, an enterprise not approved)."""


def verification_code_new() -> str:
    """XXXX-XXXX-XXXX-XXXX: 16 random characters (about 79 bits), unguessable."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def statement_figures(
    *, enterprise: Enterprise, period_from: datetime.date, period_to: datetime.date
) -> dict:
    """What a statement states: totals, by village, by product, counts — no personal data."""
    impact = enterprise_impact(enterprise=enterprise, date_from=period_from, date_to=period_to)
    return {
        "enterprise": enterprise.name,
        "uscc": enterprise.uscc,
        "period_from": period_from.isoformat(),
        "period_to": period_to.isoformat(),
        "units": impact.units,
        "sales_amount": str(impact.sales_amount),
        "household_income": str(impact.household_income),
        "paid_out": str(impact.paid_out),
        "households_reached": impact.households_reached,
        "monitored_reached": impact.monitored_reached,
        "villages": [
            {"name": v.name, "households": v.households, "amount": str(v.amount)}
            for v in impact.villages
        ],
        "products": [
            {"title": p.title, "units": p.units, "amount": str(p.amount)} for p in impact.products
        ],
    }


def statement_issue(
    *,
    enterprise: Enterprise,
    period_from: datetime.date,
    period_to: datetime.date,
    issued_by,
) -> Statement:
    if period_to < period_from:
        raise StatementRefused(_("The end of the period comes before its start."))
    figures = statement_figures(enterprise=enterprise, period_from=period_from, period_to=period_to)
    return Statement.objects.create(
        enterprise=enterprise,
        period_from=period_from,
        period_to=period_to,
        verification_code=verification_code_new(),
        figures=figures,
        issued_by=issued_by,
    )
