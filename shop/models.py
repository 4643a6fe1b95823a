"""The buyer side: enterprises and their pairing agreements."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import ValidationError as StdnumError


def validate_uscc(value: str) -> None:
    try:
        stdnum_uscc.validate(value)
    except StdnumError as exc:
        raise ValidationError(
            _("Not a valid unified social credit code (统一社会信用代码): %(reason)s"),
            params={"reason": exc.message},
            code="invalid_uscc",
        ) from exc


class Enterprise(models.Model):
    name = models.CharField(_("name"), max_length=128, unique=True)
    uscc = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, validators=[validate_uscc]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")

    def __str__(self) -> str:
        return self.name


class EnterpriseMember(models.Model):
    class Role(models.TextChoices):
        ADMIN = "admin", _("administrator")
        BUYER = "buyer", _("buyer")

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="members")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enterprise_membership"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.BUYER)

    class Meta:
        ordering = ["enterprise", "user__email"]
        verbose_name = _("enterprise member")
        verbose_name_plural = _("enterprise members")

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}) @ {self.enterprise}"


class PairingAgreement(models.Model):
    """结对协议: an enterprise paired with a town (镇企同兴) or a village (村企同兴)."""

    class Programme(models.TextChoices):
        VILLAGE = "village", _("village–enterprise (村企同兴)")
        TOWN = "town", _("town–enterprise (镇企同兴)")

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="pairings")
    programme = models.CharField(_("programme"), max_length=16, choices=Programme.choices)
    town = models.ForeignKey(
        "farmers.Town", on_delete=models.PROTECT, null=True, blank=True, related_name="pairings"
    )
    village = models.ForeignKey(
        "farmers.Village", on_delete=models.PROTECT, null=True, blank=True, related_name="pairings"
    )
    signed_on = models.DateField(_("signed on"))
    yearly_pledge = models.DecimalField(
        _("yearly purchase pledge (CNY)"), max_digits=12, decimal_places=2
    )

    class Meta:
        ordering = ["enterprise", "-signed_on"]
        verbose_name = _("pairing agreement")
        verbose_name_plural = _("pairing agreements")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(programme="town", town__isnull=False, village__isnull=True)
                    | Q(programme="village", village__isnull=False, town__isnull=True)
                ),
                name="pairing_names_its_town_or_village",
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} ↔ {self.village or self.town} ({self.get_programme_display()})"

    @property
    def counterpart(self):
        return self.village or self.town
