"""防返贫监测对象: each monitored household's platform income over 30 / 90 / 365 days, flagged."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max, Q, Sum
from django.utils import timezone

from farmers.models import Attribution, MonitoringPeriod
from farmers.reports.ledger import day_start

ZERO = Decimal("0.00")
WINDOWS = (30, 90, 365)


@dataclass(frozen=True)
class MonitoredHousehold:
    pk: int
    code: str
    head_name: str
    village: str
    category: str
    income_30: Decimal
    income_90: Decimal
    income_365: Decimal
    last_sale: datetime.datetime | None
    no_sale_30: bool
    below_threshold: bool

    @property
    def flagged(self) -> bool:
        return self.no_sale_30 or self.below_threshold


def monitored_households_income(
    *, threshold: Decimal, today: datetime.date | None = None, village_id: int | None = None
) -> list[MonitoredHousehold]:
    """Households monitored today with their income; flagged first (two queries).

    Flagged: no sale in the last 30 days, or income in the last 30 days below
    ``threshold`` (settings.TAIBAO_MONITORED_MIN_INCOME_30D).
    """
    today = today or timezone.localdate()
    periods = (
        MonitoringPeriod.objects.filter(started_on__lte=today)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today))
        .select_related("household__village")
    )
    if village_id:
        periods = periods.filter(household__village_id=village_id)
    periods = list(periods)
    since = {days: day_start(today - datetime.timedelta(days=days - 1)) for days in WINDOWS}
    sums = {
        row["household_id"]: row
        for row in Attribution.objects.filter(household_id__in=[p.household_id for p in periods])
        .values("household_id")
        .annotate(
            **{
                f"income_{days}": Sum("household_income", filter=Q(created_at__gte=start))
                for days, start in since.items()
            },
            last_sale=Max("created_at", filter=Q(kind="sale")),
        )
    }
    rows = []
    for period in periods:
        household = period.household
        found = sums.get(household.pk, {})
        income = {days: found.get(f"income_{days}") or ZERO for days in WINDOWS}
        last_sale = found.get("last_sale")
        rows.append(
            MonitoredHousehold(
                pk=household.pk,
                code=household.code,
                head_name=household.head_name,
                village=household.village.name,
                category=period.get_category_display(),
                income_30=income[30],
                income_90=income[90],
                income_365=income[365],
                last_sale=last_sale,
                no_sale_30=last_sale is None or last_sale < since[30],
                below_threshold=income[30] < threshold,
            )
        )
    rows.sort(key=lambda r: (not r.flagged, r.income_30, r.code))
    return rows
