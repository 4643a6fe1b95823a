"""Households and their dated monitoring history."""

import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from farmers.models.geography import Village


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
