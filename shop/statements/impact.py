"""What an enterprise's purchases did: households and villages reached, amounts (names masked).

Sums the attribution ledger (farmers' reports ledger) for one order or one
enterprise and period. Household names leave here only masked (黄*生).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Max, QuerySet, Sum
from django.utils import timezone

from farmers.masking import mask_name
from farmers.reports.ledger import ReportFilters, ledger_rows, monitored_household_ids
from farmers.reports.settlement import paid_out_share
from shop.models import Enterprise

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class HouseholdReached:
    masked_name: str
    village: str
    units: int
    amount: Decimal
    monitored: bool


@dataclass(frozen=True)
class VillageReached:
    name: str
    households: int
    amount: Decimal


@dataclass(frozen=True)
class ProductBought:
    title: str
    units: int
    amount: Decimal


@dataclass
class Impact:
    units: int = 0
    sales_amount: Decimal = ZERO
    household_income: Decimal = ZERO
    paid_out: Decimal = ZERO  # of the household income, confirmed payouts (farmers' settlement)
    households: list[HouseholdReached] = field(default_factory=list)
    villages: list[VillageReached] = field(default_factory=list)
    products: list[ProductBought] = field(default_factory=list)

    @property
    def households_reached(self) -> int:
        return len(self.households)

    @property
    def monitored_reached(self) -> int:
        return sum(1 for h in self.households if h.monitored)


def _impact(rows: QuerySet, *, as_of: datetime.date) -> Impact:
    """Three queries: per household, monitored ids among them, per product."""
    per_household = list(
        rows.values("household_id")
        .annotate(
            head_name=Max("household__head_name"),
            village=Max("household__village__name"),
            units=Sum("units"),
            amount=Sum("sales_amount"),
            income=Sum("household_income"),
        )
        .filter(units__gt=0)
        .order_by("-amount", "household_id")
    )
    monitored = set(
        monitored_household_ids(day=as_of)
        .filter(household_id__in=[r["household_id"] for r in per_household])
        .values_list("household_id", flat=True)
    )
    impact = Impact(paid_out=paid_out_share(ledger_rows=rows))
    villages: dict[str, list] = {}
    for row in per_household:
        impact.units += row["units"]
        impact.sales_amount += row["amount"]
        impact.household_income += row["income"]
        impact.households.append(
            HouseholdReached(
                masked_name=mask_name(row["head_name"]),
                village=row["village"],
                units=row["units"],
                amount=row["amount"],
                monitored=row["household_id"] in monitored,
            )
        )
        village = villages.setdefault(row["village"], [0, ZERO])
        village[0] += 1
        village[1] += row["amount"]
    impact.villages = sorted(
        (VillageReached(name, n, amount) for name, (n, amount) in villages.items()),
        key=lambda v: (-v.amount, v.name),
    )
    impact.products = [
        ProductBought(row["title"], row["units"], row["amount"])
        for row in rows.values("line__product_id")
        .annotate(title=Max("line__title"), units=Sum("units"), amount=Sum("sales_amount"))
        .filter(units__gt=0)
        .order_by("-amount", "line__product_id")
    ]
    return impact


def order_impact(*, order) -> Impact:
    """The households one order reached (nothing until it is paid and attributed)."""
    return _impact(
        ledger_rows(filters=ReportFilters()).filter(line__order_id=order.pk),
        as_of=timezone.localdate(),
    )


def enterprise_impact(
    *,
    enterprise: Enterprise,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> Impact:
    """Everything an enterprise's paid orders reached in a period (all time by default)."""
    filters = ReportFilters(date_from=date_from, date_to=date_to)
    return _impact(
        ledger_rows(filters=filters).filter(line__order__enterprise_id=enterprise.pk),
        as_of=filters.as_of,
    )
