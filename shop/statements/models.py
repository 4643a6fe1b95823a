"""An issued assistance statement: its period and figures frozen, and the code that verifies it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Statement(models.Model):
    """消费帮扶情况说明 for one enterprise and period.

    ``figures`` is what the PDF printed, frozen when it was issued (totals,
    by village, by product, counts of households reached) — never a name, an
    ID number or a phone. The public verification page shows these figures
    to whoever holds the code.
    """

    enterprise = models.ForeignKey(
        "shop.Enterprise", on_delete=models.PROTECT, related_name="statements"
    )
    period_from = models.DateField(_("from"))
    period_to = models.DateField(_("until (inclusive)"))
    verification_code = models.CharField(_("verification code"), max_length=32, unique=True)
    figures = models.JSONField(_("figures"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("assistance statement")
        verbose_name_plural = _("assistance statements")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_to__gte=models.F("period_from")),
                name="statement_period_in_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.period_from}–{self.period_to} ({self.verification_code})"
