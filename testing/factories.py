"""factory_boy factories for the supply side (used by tests and benchmarks)."""

import datetime

import factory
from oscar.test.factories import PartnerFactory

from farmers.models import (
    Household,
    Membership,
    MonitoringCategory,
    MonitoringPeriod,
    Seller,
    Town,
    Village,
)


class TownFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Town
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"测试镇{n}")
    county = "连山壮族瑶族自治县"


class VillageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Village

    town = factory.SubFactory(TownFactory)
    name = factory.Sequence(lambda n: f"测试村{n}")


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    code = factory.Sequence(lambda n: f"T{n:04d}")
    head_name = factory.Sequence(lambda n: f"农户{n}")
    village = factory.SubFactory(VillageFactory)
    members_count = 3
    industries = "马蹄"


class MonitoringPeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MonitoringPeriod

    household = factory.SubFactory(HouseholdFactory)
    category = MonitoringCategory.UNSTABLE_EXITED
    started_on = datetime.date(2024, 1, 1)


class SellerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Seller

    partner = factory.SubFactory(PartnerFactory, name=factory.Sequence(lambda n: f"合作社{n}"))
    kind = Seller.Kind.COOPERATIVE
    village = factory.SubFactory(VillageFactory)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    seller = factory.SubFactory(SellerFactory)
    household = factory.SubFactory(HouseholdFactory)
    joined_on = datetime.date(2024, 3, 1)
