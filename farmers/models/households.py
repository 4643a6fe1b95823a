"""Households and their dated monitoring history."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from farmers.crypto import field_decrypt
from farmers.masking import mask_id_number, mask_phone
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
    # Sensitive personal information (farmers.crypto): only ciphertext is
    # stored; the keyed digest finds a duplicate ID number without decrypting.
    # Read them masked through farmers.masking, or in full only through
    # farmers.services.households.household_personal_data_reveal (audited).
    id_number_encrypted = models.TextField(_("ID number (encrypted)"), blank=True, editable=False)
    id_number_digest = models.CharField(
        _("ID number digest"), max_length=64, null=True, blank=True, unique=True, editable=False
    )
    phone_encrypted = models.TextField(_("phone (encrypted)"), blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("household")
        verbose_name_plural = _("households")
        permissions = [
            ("reveal_personal_data", _("Can reveal a household's ID number and phone")),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.head_name}"

    @property
    def has_id_number(self) -> bool:
        return bool(self.id_number_encrypted)

    @property
    def has_phone(self) -> bool:
        return bool(self.phone_encrypted)

    @property
    def id_number_masked(self) -> str:
        """440181********1234, or "" when none is registered."""
        return mask_id_number(field_decrypt(self.id_number_encrypted))

    @property
    def phone_masked(self) -> str:
        """138****5678, or "" when none is registered."""
        return mask_phone(field_decrypt(self.phone_encrypted))


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


class PersonalDataReveal(models.Model):
    """Audit record: someone saw a household's full ID number or phone, and why."""

    class Field(models.TextChoices):
        ID_NUMBER = "id_number", _("ID number")
        PHONE = "phone", _("phone")
        PAYEE_ACCOUNT = "payee_account", _("payee account")

    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="personal_data_reveals"
    )
    field = models.CharField(_("field"), max_length=16, choices=Field.choices)
    reason = models.CharField(_("reason"), max_length=255)
    revealed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("revealed by"),
    )
    revealed_at = models.DateTimeField(_("revealed at"), auto_now_add=True)

    class Meta:
        ordering = ["-revealed_at", "-pk"]
        verbose_name = _("personal data reveal")
        verbose_name_plural = _("personal data reveals")
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="personal_data_reveal_has_reason")
        ]

    def __str__(self) -> str:
        return f"{self.revealed_by} · {self.household.code} · {self.get_field_display()}"
