"""The work team's landing page: one figure per report, each as of today.

This month's sales and the money that reached households (the ledger), the
monitored households flagged today, pledge progress this year, bank transfers
still awaited, and what reconciliation has left for the team. It reads the
same selectors as the reports it links to, so the figures agree with them.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Sum

from farmers.masking import mask_name
from farmers.models import AttributionShortfall
from farmers.reports.charts import MonthlySales, sales_by_month
from farmers.reports.ledger import ReportFilters
from farmers.reports.monitored import monitored_households_income
from farmers.reports.sales import sales_totals
from outbox.services import outbox_stuck
from shop.reports.pledges import PledgeProgress, pledges_progress
from shop.selectors import orders_awaiting_transfer

ZERO = Decimal("0.00")
CHART_MONTHS = 12


@dataclass(frozen=True)
class FlaggedHousehold:
    code: str
    name_masked: str
    village: str
    income_30: Decimal


@dataclass(frozen=True)
class TeamHome:
    today: datetime.date
    month_start: datetime.date
    month_sales: Decimal
    month_income: Decimal
    month_orders: int
    month_households: int
    monitored: int
    monitored_with_income_90: int
    flagged: list[FlaggedHousehold]
    pledges: list[PledgeProgress]
    pledged: Decimal
    purchased: Decimal
    transfers_waiting: int
    transfers_outstanding: Decimal
    shortfalls: int
    stuck_messages: int
    months: list[MonthlySales]

    @property
    def pledge_percent(self) -> Decimal:
        if not self.pledged:
            return Decimal("0.0")
        return (self.purchased / self.pledged * 100).quantize(Decimal("0.1"))

    @property
    def pledge_bar_percent(self) -> Decimal:
        return min(self.pledge_percent, Decimal(100))

    @property
    def reconciliation_items(self) -> int:
        return self.shortfalls + self.stuck_messages


def _months_back(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 - months
    return datetime.date(index // 12, index % 12 + 1, 1)


def team_home(*, today: datetime.date) -> TeamHome:
    month_start = today.replace(day=1)
    month = sales_totals(filters=ReportFilters(date_from=month_start, date_to=today))
    monitored = monitored_households_income(
        threshold=Decimal(str(settings.TAIBAO_MONITORED_MIN_INCOME_30D)), today=today
    )
    pledges = pledges_progress(year=today.year)
    waiting = orders_awaiting_transfer().aggregate(
        n=Count("pk"), total=Sum("total_incl_tax"), received=Sum("amount_received")
    )
    stuck_after = datetime.timedelta(minutes=settings.RECONCILE_SETTLE_MINUTES)
    months = sales_by_month(
        filters=ReportFilters(date_from=_months_back(today, CHART_MONTHS - 1), date_to=today)
    )
    return TeamHome(
        today=today,
        month_start=month_start,
        month_sales=month.get("sales_amount") or ZERO,
        month_income=month.get("household_income") or ZERO,
        month_orders=month.get("orders") or 0,
        month_households=month.get("households") or 0,
        monitored=len(monitored),
        monitored_with_income_90=sum(1 for row in monitored if row.income_90 > 0),
        flagged=[
            FlaggedHousehold(row.code, mask_name(row.head_name), row.village, row.income_30)
            for row in monitored
            if row.flagged
        ],
        pledges=pledges,
        pledged=sum((p.yearly_pledge for p in pledges), ZERO),
        purchased=sum((p.purchased for p in pledges), ZERO),
        transfers_waiting=waiting["n"] or 0,
        transfers_outstanding=(waiting["total"] or ZERO) - (waiting["received"] or ZERO),
        shortfalls=AttributionShortfall.objects.filter(resolved_at__isnull=True).count(),
        stuck_messages=outbox_stuck(older_than=stuck_after).count(),
        months=months,
    )
