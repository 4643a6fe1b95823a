"""Online payment (Stripe PaymentIntents) of an order: attempts, received events, refunds."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PaymentAttempt(models.Model):
    """One PaymentIntent for one order; a retry after a failure is the next attempt.

    The idempotency key (order number + attempt number) is chosen before
    Stripe is called, so a creation that timed out is repeated with the same
    key and Stripe answers with the PaymentIntent it may already have made.
    """

    class Status(models.TextChoices):
        CREATING = "creating", _("being created")
        REQUIRES_PAYMENT = "requires_payment", _("waiting for the buyer")
        PROCESSING = "processing", _("processing")
        SUCCEEDED = "succeeded", _("succeeded")
        FAILED = "failed", _("failed")
        CANCELED = "canceled", _("cancelled")

    order = models.ForeignKey(
        "order.Order",
        on_delete=models.PROTECT,
        related_name="online_attempts",
        verbose_name=_("order"),
    )
    number = models.PositiveIntegerField(_("attempt"))
    idempotency_key = models.CharField(_("idempotency key"), max_length=80, unique=True)
    payment_intent_id = models.CharField(
        _("PaymentIntent"), max_length=255, unique=True, null=True, blank=True
    )
    client_secret = models.CharField(max_length=255, blank=True)
    amount = models.DecimalField(_("amount (CNY)"), max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, default="CNY")
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.CREATING
    )
    last_error = models.TextField(_("last error"), blank=True)
    needs_review = models.BooleanField(_("needs the team's review"), default=False)
    review_reason = models.TextField(_("why"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["order", "number"], name="online_attempt_per_order")
        ]
        verbose_name = _("online payment attempt")

    def __str__(self) -> str:
        return f"{self.idempotency_key} {self.payment_intent_id or '-'} {self.status}"

    @property
    def is_open(self) -> bool:
        """The buyer may still pay with it."""
        return self.status in {self.Status.CREATING, self.Status.REQUIRES_PAYMENT}


class StripeEvent(models.Model):
    """A webhook event handled once: the unique event id is the deduplication."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    payment_intent_id = models.CharField(max_length=255, blank=True)
    outcome = models.CharField(max_length=100)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("Stripe event")

    def __str__(self) -> str:
        return f"{self.event_id} {self.type} {self.outcome}"


class Refund(models.Model):
    """Money given back through Stripe by the work team, whole or in part."""

    class Status(models.TextChoices):
        PENDING = "pending", _("sent to Stripe")
        SUCCEEDED = "succeeded", _("refunded")
        FAILED = "failed", _("failed")

    order = models.ForeignKey(
        "order.Order",
        on_delete=models.PROTECT,
        related_name="online_refunds",
        verbose_name=_("order"),
    )
    attempt = models.ForeignKey(PaymentAttempt, on_delete=models.PROTECT, related_name="refunds")
    amount = models.DecimalField(_("amount (CNY)"), max_digits=12, decimal_places=2)
    line_units = models.JSONField(_("units per order line"), default=dict, blank=True)
    reason = models.TextField(_("reason"))
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    stripe_refund_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    stripe_status = models.CharField(max_length=40, blank=True)
    last_error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order_id", "pk"]
        verbose_name = _("online refund")

    def __str__(self) -> str:
        return f"refund {self.pk} of {self.order_id}: {self.amount} {self.status}"
