"""Reads for the household register pages."""

import datetime

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery

from farmers.models import Household, Membership, MonitoringPeriod, PersonalDataReveal, Seller

NO_CATEGORY = "none"


def _current_category(day: datetime.date) -> Subquery:
    covering = MonitoringPeriod.objects.filter(
        Q(household=OuterRef("pk")),
        Q(started_on__lte=day),
        Q(ended_on__isnull=True) | Q(ended_on__gt=day),
    ).order_by("-started_on")
    return Subquery(covering.values("category")[:1])


def household_list(
    *,
    day: datetime.date,
    query: str = "",
    village_id: int | None = None,
    category: str = "",
    leader: bool | None = None,
) -> QuerySet[Household]:
    """Households with ``current_category`` (on ``day``) and their sellers, in three queries."""
    households = (
        Household.objects.select_related("village")
        .annotate(current_category=_current_category(day))
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related("seller__partner"),
            )
        )
    )
    query = query.strip()
    if query:
        households = households.filter(
            Q(code__icontains=query)
            | Q(head_name__icontains=query)
            | Q(village__name__icontains=query)
        )
    if village_id:
        households = households.filter(village_id=village_id)
    if category == NO_CATEGORY:
        households = households.filter(current_category__isnull=True)
    elif category:
        households = households.filter(current_category=category)
    if leader is not None:
        households = households.filter(is_leader=leader)
    return households.order_by("code")


def household_detail(*, pk: int) -> Household:
    return Household.objects.select_related("village__town").get(pk=pk)


def household_monitoring_history(*, household: Household) -> QuerySet[MonitoringPeriod]:
    return household.monitoring_periods.order_by("-started_on")


def household_memberships(*, household: Household) -> QuerySet[Membership]:
    return household.memberships.select_related("seller__partner").order_by("seller__partner__name")


def household_reveals(*, household: Household, limit: int = 20) -> QuerySet[PersonalDataReveal]:
    return household.personal_data_reveals.select_related("revealed_by")[:limit]


def seller_list() -> QuerySet[Seller]:
    return Seller.objects.select_related("partner", "village").annotate(
        member_count=Count("memberships")
    )


def seller_members(*, seller: Seller) -> QuerySet[Membership]:
    return seller.memberships.select_related("household__village").order_by("household__code")
