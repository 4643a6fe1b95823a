"""The attribution ledger, narrowed by a report's filters.

Every report sums these rows; reversals are negative rows, so a cancelled
sale nets to zero without any special case. Orders are reached through
Oscar's order models (the ledger's ``line``), never through shop code.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from farmers.models import Attribution, LedgerMonth, MonitoringPeriod, OrderReach, Seller

ANY_MONITORED = "monitored"
"""Category filter meaning "in any monitoring category"."""


@dataclass(frozen=True)
class ReportFilters:
    """What the team narrows a report to; every field is optional.

    ``date_to`` is inclusive (the whole day). A monitoring category is taken
    as of ``date_to`` (or today): categories are dated, a household may have
    left or entered one since.
    """

    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    village_id: int | None = None
    category: str | None = None
    seller_id: int | None = None

    @property
    def as_of(self) -> datetime.date:
        return self.date_to or timezone.localdate()


def day_start(day: datetime.date) -> datetime.datetime:
    """The first instant of a local day, aware."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def monitored_household_ids(*, day: datetime.date, category: str | None = None) -> QuerySet:
    """Ids of households in a monitoring category (or any, when None) on that day."""
    periods = MonitoringPeriod.objects.filter(started_on__lte=day).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=day)
    )
    if category and category != ANY_MONITORED:
        periods = periods.filter(category=category)
    return periods.values("household_id")


def ledger_rows(*, filters: ReportFilters) -> QuerySet:
    """Attribution rows within the filters (sales and reversals alike)."""
    rows = Attribution.objects.all()
    if filters.date_from:
        rows = rows.filter(created_at__gte=day_start(filters.date_from))
    if filters.date_to:
        rows = rows.filter(created_at__lt=day_start(filters.date_to + datetime.timedelta(days=1)))
    if filters.village_id:
        rows = rows.filter(household__village_id=filters.village_id)
    if filters.seller_id:
        rows = rows.filter(
            line__partner_id__in=Seller.objects.filter(pk=filters.seller_id).values("partner_id")
        )
    if filters.category:
        rows = rows.filter(
            household_id__in=monitored_household_ids(day=filters.as_of, category=filters.category)
        )
    return rows


def _whole_months(
    filters: ReportFilters,
) -> tuple[datetime.date | None, datetime.date | None] | None:
    """The period as whole local months (first and last month), or None if it cuts a month.

    A period ending today or later takes its last month whole: nothing is
    written after now.
    """
    start = end = None
    if filters.date_from:
        if filters.date_from.day != 1:
            return None
        start = filters.date_from
    if filters.date_to:
        next_day = filters.date_to + datetime.timedelta(days=1)
        if next_day.day != 1 and filters.date_to < timezone.localdate():
            return None
        end = filters.date_to.replace(day=1)
    return start, end


def summary_applies(filters: ReportFilters) -> bool:
    """Whether the monthly summary answers these filters exactly (no seller, whole months)."""
    return filters.seller_id is None and _whole_months(filters) is not None


def _in_months(rows: QuerySet, filters: ReportFilters) -> QuerySet:
    start, end = _whole_months(filters)
    if start:
        rows = rows.filter(month__gte=start)
    if end:
        rows = rows.filter(month__lte=end)
    return rows


def summary_rows(*, filters: ReportFilters) -> QuerySet:
    """``LedgerMonth`` rows within the filters; only when ``summary_applies(filters)``."""
    rows = _in_months(LedgerMonth.objects.all(), filters)
    if filters.village_id:
        rows = rows.filter(household__village_id=filters.village_id)
    if filters.category:
        rows = rows.filter(
            household_id__in=monitored_household_ids(day=filters.as_of, category=filters.category)
        )
    return rows


def reach_rows(*, filters: ReportFilters) -> QuerySet:
    """``OrderReach`` rows within the filters; only without seller or category filters."""
    rows = _in_months(OrderReach.objects.all(), filters)
    if filters.village_id:
        rows = rows.filter(village_id=filters.village_id)
    return rows
