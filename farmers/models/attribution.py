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


class LedgerMonth(models.Model):
    """The ledger summed per household and local calendar month, for the team's reports.

    Written by the attribution services in the same transaction as the
    ledger rows it sums (sales add, reversals subtract, in the month they
    were written), so it never disagrees with the ledger;
    ``ledger_summary_rebuild`` recomputes it from the ledger after any
    repair made outside the services.
    """

    month = models.DateField(_("month"), help_text=_("first day of the month"))
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="ledger_months")
    units = models.IntegerField(_("units"), default=0)
    # Whole fen, not decimals: a report sums a hundred thousand of these per page.
    sales_fen = models.BigIntegerField(_("sales amount (fen)"), default=0)
    income_fen = models.BigIntegerField(_("household income (fen)"), default=0)
    orders = models.IntegerField(
        _("orders"), default=0, help_text=_("paid orders that reached the household this month")
    )
    last_sale_at = models.DateTimeField(_("last sale"), null=True, blank=True)

    class Meta:
        ordering = ["month", "household"]
        verbose_name = _("household's month of sales")
        verbose_name_plural = _("households' months of sales")
        constraints = [
            models.UniqueConstraint(fields=["month", "household"], name="ledger_month_once")
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.month:%Y-%m}: {self.sales_fen} fen"


class OrderReach(models.Model):
    """A paid order reached a village (through one of its households' lots) in a month.

    Orders are counted once however many households and lots they reached;
    this table lets the reports count them without reading the ledger.
    The village is the household's village when the order was paid.
    """

    order = models.ForeignKey("order.Order", on_delete=models.PROTECT, related_name="reach")
    village = models.ForeignKey(
        "farmers.Village", on_delete=models.PROTECT, related_name="orders_reached"
    )
    month = models.DateField(_("month"))

    class Meta:
        ordering = ["month", "order"]
        verbose_name = _("village reached by an order")
        verbose_name_plural = _("villages reached by orders")
        constraints = [
            models.UniqueConstraint(fields=["order", "village"], name="order_reach_once")
        ]
        indexes = [models.Index(fields=["month", "village"], name="order_reach_month_idx")]

    def __str__(self) -> str:
        return f"{self.order_id} → {self.village_id} ({self.month:%Y-%m})"
