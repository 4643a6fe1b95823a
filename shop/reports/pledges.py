"""Pairing agreements (结对协议): this year's purchases against the pledge, and the share that
reached the paired village or town.

A page and an export of the work team's dashboard, registered there from
:mod:`shop.reports`; it sums farmers' attribution ledger per enterprise.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Sum
from django.utils import timezone

from farmers.models import Village
from farmers.reports.ledger import ReportFilters, ledger_rows
from shop.models import PairingAgreement

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class PledgeProgress:
    pairing_id: int
    enterprise: str
    programme: str
    counterpart: str
    yearly_pledge: Decimal
    purchased: Decimal  # everything the enterprise bought this year (ledger sales amounts)
    to_counterpart: Decimal  # of which from households of the paired village / town

    @property
    def percent(self) -> Decimal:
        if not self.yearly_pledge:
            return Decimal("0.0")
        return (self.purchased / self.yearly_pledge * 100).quantize(Decimal("0.1"))

    @property
    def bar_percent(self) -> Decimal:
        return min(self.percent, Decimal(100))


def pledge_year(value: str | None) -> int | None:
    """The year asked for (this year when none); None when it is not a calendar year."""
    try:
        year = int(value or timezone.localdate().year)
    except (TypeError, ValueError):
        return None
    return year if datetime.MINYEAR <= year <= datetime.MAXYEAR else None


def pledges_progress(*, year: int | None = None) -> list[PledgeProgress]:
    """Every pairing agreement's year so far (three queries)."""
    year = year or timezone.localdate().year
    filters = ReportFilters(
        date_from=datetime.date(year, 1, 1), date_to=datetime.date(year, 12, 31)
    )
    by_enterprise_village: dict[tuple[int, int], Decimal] = {
        (row["enterprise"], row["village"]): row["amount"] or ZERO
        for row in ledger_rows(filters=filters)
        .filter(line__order__enterprise_id__isnull=False)
        .values(enterprise=F("line__order__enterprise_id"), village=F("household__village_id"))
        .annotate(amount=Sum("sales_amount"))
    }
    town_of = dict(Village.objects.values_list("pk", "town_id"))
    rows = []
    for pairing in PairingAgreement.objects.select_related("enterprise", "town", "village"):
        purchased = to_counterpart = ZERO
        for (enterprise_id, village_id), amount in by_enterprise_village.items():
            if enterprise_id != pairing.enterprise_id:
                continue
            purchased += amount
            if village_id == pairing.village_id or (
                pairing.town_id and town_of.get(village_id) == pairing.town_id
            ):
                to_counterpart += amount
        rows.append(
            PledgeProgress(
                pairing_id=pairing.pk,
                enterprise=pairing.enterprise.name,
                programme=pairing.get_programme_display(),
                counterpart=str(pairing.village or pairing.town),
                yearly_pledge=pairing.yearly_pledge,
                purchased=purchased,
                to_counterpart=to_counterpart,
            )
        )
    return rows
