import datetime

import pytest
from django.db import IntegrityError

from farmers.models import Household, MonitoringCategory
from testing.factories import HouseholdFactory, MembershipFactory, MonitoringPeriodFactory

pytestmark = pytest.mark.django_db

JAN = datetime.date(2025, 1, 1)
JUL = datetime.date(2025, 7, 1)


def test_monitoring_is_dated_history_not_a_flag():
    household = HouseholdFactory()
    MonitoringPeriodFactory(
        household=household,
        category=MonitoringCategory.MARGINAL_AT_RISK,
        started_on=JAN,
        ended_on=JUL,
    )
    assert household in Household.objects.monitored_on(datetime.date(2025, 3, 1))
    assert household not in Household.objects.monitored_on(JUL)  # ended_on is exclusive
    assert household not in Household.objects.monitored_on(datetime.date(2024, 12, 31))


def test_category_can_change_over_time():
    household = HouseholdFactory()
    MonitoringPeriodFactory(household=household, started_on=JAN, ended_on=JUL)
    MonitoringPeriodFactory(
        household=household, category=MonitoringCategory.SUDDEN_HARDSHIP, started_on=JUL
    )
    on = {
        day: {p.category for p in household.monitoring_periods.all() if p.covers(day)}
        for day in (datetime.date(2025, 3, 1), datetime.date(2025, 9, 1))
    }
    assert on[datetime.date(2025, 3, 1)] == {MonitoringCategory.UNSTABLE_EXITED}
    assert on[datetime.date(2025, 9, 1)] == {MonitoringCategory.SUDDEN_HARDSHIP}
    assert Household.objects.monitored_on(datetime.date(2025, 9, 1)).count() == 1


def test_a_period_cannot_end_before_it_starts():
    with pytest.raises(IntegrityError):
        MonitoringPeriodFactory(started_on=JUL, ended_on=JAN)


def test_a_household_joins_a_seller_once():
    membership = MembershipFactory()
    with pytest.raises(IntegrityError):
        MembershipFactory(seller=membership.seller, household=membership.household)
