"""Sellers (one-to-one with Oscar partners) and their member households."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from farmers.models.geography import Village
from farmers.models.households import Household


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


"""Name of the auth group of the town assistance work team (驻镇帮扶工作队)."""
