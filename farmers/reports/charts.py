"""Figures for the team's charts: sales by month, by village, and the product mix.

Months are summed from the monthly ledger summary over whole months, else
from the attribution ledger (local months, reversals netted in the month they
were written); villages and products come from the
same grouped reports as the pages (``sales_grouped``).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from farmers.reports.ledger import ReportFilters, ledger_rows, summary_applies, summary_rows
from farmers.reports.sales import sales_grouped
from money.split import from_fen

ZERO = Decimal("0.00")
MAX_MONTHS = 36


@dataclass(frozen=True)
class MonthlySales:
    month: datetime.date  # the first day of the month
    sales_amount: Decimal
    household_income: Decimal


@dataclass(frozen=True)
class Share:
    label: str
    amount: Decimal
    percent: Decimal  # of the chart's total, one decimal


def _first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def _month_of(value: datetime.datetime | datetime.date) -> datetime.date:
    """TruncMonth gives an aware datetime in the current time zone (a date on SQLite)."""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def sales_by_month(*, filters: ReportFilters) -> list[MonthlySales]:
    """Sales amount and household income per local month, months without sales as zero.

    The months run from the period's start (or the first sale) to its end (or
    the last sale); at most the last ``MAX_MONTHS`` of them (one query).
    """
    if summary_applies(filters):  # whole months: the monthly summary has them summed
        sums = {
            row["month"]: {"sales": from_fen(row["sales"]), "income": from_fen(row["income"])}
            for row in summary_rows(filters=filters)
            .values("month")
            .annotate(sales=Sum("sales_fen"), income=Sum("income_fen"))
            .order_by("month")
        }
    else:
        sums = {
            _month_of(row["month"]): row
            for row in ledger_rows(filters=filters)
            .annotate(month=TruncMonth("created_at"))
            .values("month")
            .annotate(sales=Sum("sales_amount"), income=Sum("household_income"))
            .order_by("month")
        }
    if not sums and not (filters.date_from and filters.date_to):
        return []
    first = _first_of_month(filters.date_from) if filters.date_from else min(sums)
    last = _first_of_month(filters.date_to) if filters.date_to else max(sums)
    months = []
    month = first
    while month <= last:
        months.append(month)
        month = _next_month(month)
    months = months[-MAX_MONTHS:]
    return [
        MonthlySales(
            month=month,
            sales_amount=(sums.get(month) or {}).get("sales") or ZERO,
            household_income=(sums.get(month) or {}).get("income") or ZERO,
        )
        for month in months
    ]


def _shares(rows: list[tuple[str, Decimal]], *, top: int, rest_label: str) -> list[Share]:
    """The ``top`` biggest positive amounts and the rest summed, with their percentages."""
    positive = sorted(
        ((label, amount) for label, amount in rows if amount > 0), key=lambda r: -r[1]
    )
    total = sum((amount for _label, amount in positive), ZERO)
    if not total:
        return []
    kept = positive[:top]
    rest = sum((amount for _label, amount in positive[top:]), ZERO)
    if rest:
        kept.append((rest_label, rest))
    return [
        Share(
            label=label,
            amount=amount,
            percent=(amount / total * 100).quantize(Decimal("0.1")),
        )
        for label, amount in kept
    ]


def sales_shares(
    *, dimension: str, filters: ReportFilters, top: int, rest_label: str
) -> list[Share]:
    """Each village's (or product's, seller's …) share of sales, biggest first."""
    rows = [
        (str(row.get("label") or "—"), row["sales_amount"] or ZERO)
        for row in sales_grouped(dimension=dimension, filters=filters, sort="-sales_amount")
    ]
    return _shares(rows, top=top, rest_label=rest_label)
