"""The supply side: geography, households, sellers and their members."""

import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Town(models.Model):
    name = models.CharField(_("name"), max_length=64, unique=True)
    county = models.CharField(_("county"), max_length=64, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("town")
        verbose_name_plural = _("towns")

    def __str__(self) -> str:
        return self.name


class Village(models.Model):
    class Kind(models.TextChoices):
        VILLAGE = "village", _("village")
        COMMUNITY = "community", _("community")

    town = models.ForeignKey(Town, on_delete=models.PROTECT, related_name="villages")
    name = models.CharField(_("name"), max_length=64)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.VILLAGE)

    class Meta:
        ordering = ["town__name", "name"]
        verbose_name = _("village")
        verbose_name_plural = _("villages")
        constraints = [
            models.UniqueConstraint(fields=["town", "name"], name="village_unique_name_in_town")
        ]

    def __str__(self) -> str:
        return self.name


class MonitoringCategory(models.TextChoices):
    """防返贫监测对象 categories; "none" is the absence of an open period."""

    UNSTABLE_EXITED = "UNSTABLE_EXITED", _("unstable exited household")
    MARGINAL_AT_RISK = "MARGINAL_AT_RISK", _("marginal household at risk")
    SUDDEN_HARDSHIP = "SUDDEN_HARDSHIP", _("household in sudden hardship")


class HouseholdQuerySet(models.QuerySet):
    def monitored_on(self, day: datetime.date) -> "HouseholdQuerySet":
        return self.filter(
            Q(monitoring_periods__started_on__lte=day)
            & (
                Q(monitoring_periods__ended_on__isnull=True)
                | Q(monitoring_periods__ended_on__gt=day)
            )
        ).distinct()


class Household(models.Model):
    code = models.CharField(_("code"), max_length=32, unique=True)
    head_name = models.CharField(_("head of household"), max_length=64)
    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="households")
    members_count = models.PositiveSmallIntegerField(_("members"), default=1)
    industries = models.CharField(_("industries"), max_length=200, blank=True)
    is_leader = models.BooleanField(_("leading household"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self) -> str:
        return f"{self.code} {self.head_name}"


class MonitoringPeriod(models.Model):
    """One dated spell of a household in a monitoring category.

    ended_on is exclusive: the household is monitored on days
    started_on <= day < ended_on (or open-ended when ended_on is empty).
    """

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="monitoring_periods"
    )
    category = models.CharField(_("category"), max_length=32, choices=MonitoringCategory.choices)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["household", "-started_on"]
        verbose_name = _("monitoring period")
        verbose_name_plural = _("monitoring periods")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gt=models.F("started_on")),
                name="monitoring_period_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.household}: {self.get_category_display()} {self.started_on}–{self.ended_on or ''}"

    def covers(self, day: datetime.date) -> bool:
        return self.started_on <= day and (self.ended_on is None or day < self.ended_on)


class Seller(models.Model):
    """Who lists and ships products; one-to-one with Oscar's Partner."""

    class Kind(models.TextChoices):
        COOPERATIVE = "cooperative", _("farmers' cooperative")
        ASSISTANCE_SHOP = "assistance_shop", _("town assistance shop")
        LEADING_HOUSEHOLD = "leading_household", _("leading household")

    partner = models.OneToOneField(
        "partner.Partner", on_delete=models.CASCADE, related_name="seller"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, null=True, blank=True, related_name="sellers"
    )
    leader = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_sellers",
        verbose_name=_("leading household"),
    )
    low_stock_threshold = models.PositiveIntegerField(_("low-stock threshold"), default=10)
    members = models.ManyToManyField(Household, through="Membership", related_name="sellers")

    class Meta:
        ordering = ["partner__name"]
        verbose_name = _("seller")
        verbose_name_plural = _("sellers")

    def __str__(self) -> str:
        return self.partner.name

    @property
    def name(self) -> str:
        return self.partner.name


class Membership(models.Model):
    seller = models.ForeignKey(Seller, on_delete=models.CASCADE, related_name="memberships")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="memberships")
    joined_on = models.DateField(_("joined on"))

    class Meta:
        ordering = ["seller", "household__code"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["seller", "household"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.household} @ {self.seller}"


WORK_TEAM_GROUP = "assistance_team"
"""Name of the auth group of the town assistance work team (驻镇帮扶工作队)."""
