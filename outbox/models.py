"""Side effects that must not be lost, written in the same transaction as the change."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """One business event (order placed, stock low …) waiting to be handled.

    The payload carries primary keys only — never personal data — so that
    the handlers load current rows and stay idempotent.
    """

    topic = models.CharField(_("topic"), max_length=64, db_index=True)
    payload = models.JSONField(_("payload"), default=dict)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    published_at = models.DateTimeField(_("last sent to the broker"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("times sent"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    handled_at = models.DateTimeField(_("every handler done at"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(handled_at__isnull=True),
                name="outbox_pending_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.topic} #{self.pk}"


class OutboxDelivery(models.Model):
    """One handler's work on one message, done once (the unique row is the proof)."""

    message = models.ForeignKey(OutboxMessage, on_delete=models.CASCADE, related_name="deliveries")
    handler = models.CharField(_("handler"), max_length=128)
    done_at = models.DateTimeField(_("done at"), auto_now_add=True)

    class Meta:
        ordering = ["message", "handler"]
        verbose_name = _("outbox delivery")
        verbose_name_plural = _("outbox deliveries")
        constraints = [
            models.UniqueConstraint(fields=["message", "handler"], name="outbox_delivery_once")
        ]

    def __str__(self) -> str:
        return f"{self.message} → {self.handler}"
