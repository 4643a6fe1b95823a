"""销售归户: the append-only ledger that splits every paid line across households' lots."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from farmers.models.households import Household
from farmers.models.stock import Lot


class Attribution(models.Model):
    """Units of one order line supplied by one lot, and what they earned.

    A sale is written when the line is paid; a cancellation or refund
    appends a reversal (negative units and amounts) pointing at the sale it
    undoes. Nothing is ever updated in place; reports sum the rows.
    """

    class Kind(models.TextChoices):
        SALE = "sale", _("sale")
        REVERSAL = "reversal", _("reversal")

    line = models.ForeignKey("order.Line", on_delete=models.PROTECT, related_name="attributions")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="attributions")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="attributions")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    cause = models.CharField(
        _("cause"), max_length=64, help_text=_("payment, cancellation or refund:<id>")
    )
    reverses = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversals"
    )
    units = models.IntegerField(_("units"))
    sales_amount = models.DecimalField(_("sales amount (CNY)"), max_digits=12, decimal_places=2)
    household_income = models.DecimalField(
        _("household income (CNY)"), max_digits=12, decimal_places=2
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["line", "pk"]
        verbose_name = _("attribution")
        verbose_name_plural = _("attributions")
        constraints = [
            # Idempotent by constraint: one row per line, lot and cause.
            models.UniqueConstraint(fields=["line", "lot", "cause"], name="attribution_once"),
            models.CheckConstraint(
                condition=(
                    Q(kind="sale", units__gt=0, reverses__isnull=True)
                    | Q(kind="reversal", units__lt=0, reverses__isnull=False)
                ),
                name="attribution_sign_matches_kind",
            ),
        ]
        indexes = [models.Index(fields=["household", "created_at"], name="attribution_hh_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.units:+d} · {self.lot} → {self.household}"


class AttributionShortfall(models.Model):
    """A paid line its lots could not cover: attributed as far as they went, never guessed."""

    line = models.OneToOneField(
        "order.Line", on_delete=models.PROTECT, related_name="attribution_shortfall"
    )
    units_short = models.PositiveIntegerField(_("units not attributed"))
    found_at = models.DateTimeField(_("found at"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        ordering = ["-found_at"]
        verbose_name = _("attribution shortfall")
        verbose_name_plural = _("attribution shortfalls")

    def __str__(self) -> str:
        return f"line {self.line_id}: {self.units_short} units short"
