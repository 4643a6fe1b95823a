"""Lots of produce delivered by households, and every other movement of stock.

The rule that keeps stock honest (DESIGN.md, invariant 2): for every stock
record, ``num_in_stock`` equals the sum of ``units_remaining`` over its lots.
Intake adds a lot; adjustments and stock-takes move units out of (or back
into) named lots; shipping consumes lots. Each movement changes the lots and
the stock record by the same delta in one transaction, under a row lock on
the stock record.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from farmers.models.households import Household
from farmers.models.sellers import Seller


class LotImport(models.Model):
    """One spreadsheet of lots, committed whole; its digest stops a second upload."""

    seller = models.ForeignKey(Seller, on_delete=models.PROTECT, related_name="lot_imports")
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    rows = models.PositiveIntegerField(_("rows"))
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        ordering = ["-imported_at", "-pk"]
        verbose_name = _("lot import")
        verbose_name_plural = _("lot imports")
        constraints = [models.UniqueConstraint(fields=["seller", "sha256"], name="lot_import_once")]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.rows})"


class Lot(models.Model):
    """批次: produce one household delivered to one seller for one stock record."""

    stock_record = models.ForeignKey(
        "partner.StockRecord", on_delete=models.PROTECT, related_name="lots"
    )
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="lots")
    received_on = models.DateField(_("received on"))
    units_received = models.PositiveIntegerField(_("units received"))
    units_remaining = models.PositiveIntegerField(_("units remaining"))
    units_committed = models.PositiveIntegerField(
        _("units committed"),
        default=0,
        help_text=_("Units attributed to paid order lines and not shipped yet"),
    )
    farmgate_amount = models.DecimalField(
        _("farmgate amount (CNY)"),
        max_digits=12,
        decimal_places=2,
        help_text=_("What the household was paid for the whole lot"),
    )
    trace_code = models.CharField(_("trace code"), max_length=64)
    certificate_number = models.CharField(_("certificate number"), max_length=64, blank=True)
    source = models.ForeignKey(
        LotImport, on_delete=models.PROTECT, null=True, blank=True, related_name="lots"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        # First in, first out: the oldest delivery is used first.
        ordering = ["stock_record", "received_on", "pk"]
        verbose_name = _("lot")
        verbose_name_plural = _("lots")
        constraints = [
            models.UniqueConstraint(
                fields=["stock_record", "trace_code"], name="lot_trace_code_unique"
            ),
            models.CheckConstraint(condition=Q(units_received__gt=0), name="lot_has_units"),
            models.CheckConstraint(
                condition=Q(units_remaining__lte=F("units_received")),
                name="lot_remaining_within_received",
            ),
            models.CheckConstraint(
                condition=Q(farmgate_amount__gte=0), name="lot_farmgate_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(units_committed__lte=F("units_remaining")),
                name="lot_committed_within_remaining",
            ),
        ]
        indexes = [
            models.Index(
                fields=["stock_record", "received_on", "id"],
                condition=Q(units_remaining__gt=0),
                name="lot_fifo_open_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.trace_code} · {self.units_remaining}/{self.units_received}"

    @property
    def farmgate_unit_price(self) -> Decimal:
        return (self.farmgate_amount / self.units_received).quantize(Decimal("0.01"))


class StockAdjustment(models.Model):
    """A change of stock that is not an intake: damage, loss, a stock-take."""

    class Reason(models.TextChoices):
        DAMAGE = "damage", _("damage")
        LOSS = "loss", _("loss")
        STOCKTAKE = "stocktake", _("stock-take")
        CORRECTION = "correction", _("correction")

    stock_record = models.ForeignKey(
        "partner.StockRecord", on_delete=models.PROTECT, related_name="adjustments"
    )
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    note = models.CharField(_("note"), max_length=255, blank=True)
    delta = models.IntegerField(_("change in units"))
    counted_units = models.PositiveIntegerField(
        _("counted units"), null=True, blank=True, help_text=_("For a stock-take: what was counted")
    )
    units_before = models.PositiveIntegerField(_("units before"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        verbose_name = _("stock adjustment")
        verbose_name_plural = _("stock adjustments")

    def __str__(self) -> str:
        return f"{self.get_reason_display()} {self.delta:+d}"


class AdjustmentLot(models.Model):
    """How many units an adjustment took from (negative) or returned to (positive) a lot."""

    adjustment = models.ForeignKey(
        StockAdjustment, on_delete=models.CASCADE, related_name="lot_changes"
    )
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="adjustments")
    units = models.IntegerField(_("units"))

    class Meta:
        ordering = ["adjustment", "lot"]
        verbose_name = _("lot change")
        verbose_name_plural = _("lot changes")
        constraints = [
            models.UniqueConstraint(fields=["adjustment", "lot"], name="adjustment_lot_once"),
            models.CheckConstraint(condition=~Q(units=0), name="adjustment_lot_nonzero"),
        ]

    def __str__(self) -> str:
        return f"{self.lot}: {self.units:+d}"


class LotShipment(models.Model):
    """Units of a lot that left with an order line: they leave stock and the lot here."""

    line = models.ForeignKey("order.Line", on_delete=models.PROTECT, related_name="lot_shipments")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="shipments")
    units = models.PositiveIntegerField(_("units"))
    reference = models.CharField(_("tracking number"), max_length=128, blank=True)
    shipped_at = models.DateTimeField(_("shipped at"), auto_now_add=True)

    class Meta:
        ordering = ["line", "pk"]
        verbose_name = _("lot shipment")
        verbose_name_plural = _("lot shipments")
        constraints = [
            models.CheckConstraint(condition=Q(units__gt=0), name="lot_shipment_has_units")
        ]

    def __str__(self) -> str:
        return f"{self.lot} → line {self.line_id}: {self.units}"
