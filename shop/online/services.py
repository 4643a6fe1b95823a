"""Online payment of an order through Stripe: attempts, webhook events, refunds, expiry.

The order is placed first (awaiting payment, stock allocated, its own
transaction). Only then is a PaymentIntent created, outside any transaction:
no row lock is held while Stripe is called. Each attempt has a deterministic
idempotency key (order number + attempt number) chosen and saved before the
call, so a creation that failed or timed out is repeated with the same key
and cannot make a second PaymentIntent.

Whatever tells us about a payment — a webhook event, the buyer coming back
from Stripe, the expiry sweep — we re-read the PaymentIntent from Stripe and
apply what it says now (``_intent_apply``), under the order's row lock. So
the order of events does not matter, and an order is marked paid once: its
Oscar payment source is debited once, and ``order.paid`` is written to the
outbox in the same transaction.
"""

import datetime
import logging
from decimal import Decimal

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from outbox.errors import PermanentError
from outbox.services import outbox_record
from shop.online import gateway
from shop.online.gateway import GatewayError, from_fen
from shop.online.models import PaymentAttempt, Refund, StripeEvent
from shop.order.models import Order, PaymentMethod, PaymentStatus
from shop.payment_sources import STRIPE_SOURCE, order_payment_source
from shop.services.payments import (
    PAID_ORDER_STATUS,
    PaymentRefused,
    order_cancel,
)

logger = logging.getLogger(__name__)

PaymentEventType = get_model("order", "PaymentEventType")
PaymentEvent = get_model("order", "PaymentEvent")
PaymentEventQuantity = get_model("order", "PaymentEventQuantity")

Status = PaymentAttempt.Status


class OnlinePaymentRefused(PermanentError):
    """The payment action cannot be done now; the message says why (for the buyer or the team)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class WebhookRejected(PermanentError):
    """The request is not a genuine, fresh event from Stripe; nothing was changed."""


# -- attempts -----------------------------------------------------------------------------


def _check_payable(order: Order) -> None:
    if not settings.ONLINE_PAYMENT_ENABLED:
        raise OnlinePaymentRefused(_("Online payment is not available; pay by bank transfer."))
    if order.payment_method != PaymentMethod.ONLINE:
        raise OnlinePaymentRefused(_("This order is paid by bank transfer."))
    if order.payment_status == PaymentStatus.PAID:
        raise OnlinePaymentRefused(_("Order %s is already paid.") % order.number)
    if order.payment_status != PaymentStatus.AWAITING:
        raise OnlinePaymentRefused(_("Order %s can no longer be paid.") % order.number)


def payment_attempt_open(*, order_id: int) -> PaymentAttempt:
    """The attempt the buyer pays with now, its PaymentIntent created if it has none yet.

    The open attempt is reused; after a failed or cancelled one the next
    attempt gets the next key. Raises ``OnlinePaymentRefused`` with a message
    for the buyer; the order stays payable when Stripe could not be reached.
    """
    with transaction.atomic():
        order = Order.objects.select_for_update(of=("self",)).get(pk=order_id)
        _check_payable(order)
        latest = order.online_attempts.order_by("-number").first()
        if latest is not None and latest.status == Status.PROCESSING:
            raise OnlinePaymentRefused(
                _("Your payment is being processed; this page shows the result once it is known.")
            )
        if latest is not None and latest.status == Status.SUCCEEDED:
            raise OnlinePaymentRefused(
                _("A payment for this order was received and is being checked by the team.")
            )
        previous = None
        if latest is None or latest.status in {Status.FAILED, Status.CANCELED}:
            previous = latest
            number = latest.number + 1 if latest else 1
            attempt = PaymentAttempt.objects.create(
                order=order,
                number=number,
                idempotency_key=f"{order.number}-{number}",
                amount=order.total_incl_tax,
                currency=order.currency,
            )
        else:
            attempt = latest
    if attempt.payment_intent_id:
        return attempt
    attempt = _intent_create(attempt=attempt, order_number=order.number)
    if previous is not None and previous.payment_intent_id and previous.status == Status.FAILED:
        _intent_cancel_quietly(attempt=previous)
    return attempt


def _intent_create(*, attempt: PaymentAttempt, order_number: str) -> PaymentAttempt:
    try:
        intent = gateway.payment_intent_create(
            amount=attempt.amount,
            currency=attempt.currency,
            idempotency_key=attempt.idempotency_key,
            metadata={
                "order_number": order_number,
                "attempt": str(attempt.number),
                "idempotency_key": attempt.idempotency_key,
            },
        )
    except GatewayError as error:
        PaymentAttempt.objects.filter(pk=attempt.pk).update(
            last_error=error.message, updated_at=timezone.now()
        )
        raise OnlinePaymentRefused(error.message) from error
    with transaction.atomic():
        attempt = PaymentAttempt.objects.select_for_update().get(pk=attempt.pk)
        if not attempt.payment_intent_id:
            attempt.payment_intent_id = intent.id
            attempt.client_secret = intent.client_secret or ""
            attempt.last_error = ""
            if attempt.status == Status.CREATING:
                attempt.status = _status_of(intent)
            attempt.save()
    return attempt


def _intent_cancel_quietly(*, attempt: PaymentAttempt) -> None:
    """Close a failed attempt's PaymentIntent so it cannot be paid as well as the new one."""
    try:
        intent = gateway.payment_intent_cancel(payment_intent_id=attempt.payment_intent_id)
    except GatewayError as error:
        logger.warning("could not cancel %s: %s", attempt.payment_intent_id, error.message)
        return
    _intent_apply(attempt_id=attempt.pk, intent=intent)


def _status_of(intent) -> str:
    status = intent.status
    if status == "succeeded":
        return Status.SUCCEEDED
    if status == "canceled":
        return Status.CANCELED
    if status in {"processing", "requires_capture"}:
        return Status.PROCESSING
    if status == "requires_payment_method" and getattr(intent, "last_payment_error", None):
        return Status.FAILED
    return Status.REQUIRES_PAYMENT


def payment_attempt_sync(*, attempt_id: int) -> PaymentAttempt:
    """Re-read the attempt's PaymentIntent from Stripe and apply it (the buyer's return page)."""
    attempt = PaymentAttempt.objects.get(pk=attempt_id)
    if not attempt.payment_intent_id or attempt.status == Status.SUCCEEDED:
        return attempt
    intent = gateway.payment_intent_retrieve(payment_intent_id=attempt.payment_intent_id)
    return _intent_apply(attempt_id=attempt.pk, intent=intent)


def _intent_apply(*, attempt_id: int, intent) -> PaymentAttempt:
    """Move the attempt (and the order) to what Stripe says now; terminal states stay."""
    with transaction.atomic():
        order_id = PaymentAttempt.objects.values_list("order_id", flat=True).get(pk=attempt_id)
        order = Order.objects.select_for_update(of=("self",)).get(pk=order_id)
        attempt = PaymentAttempt.objects.select_for_update().get(pk=attempt_id)
        if intent.id != attempt.payment_intent_id:
            raise ValueError(f"{intent.id} is not the PaymentIntent of attempt {attempt.pk}")
        new_status = _status_of(intent)
        if attempt.status == Status.SUCCEEDED or (
            attempt.status == Status.CANCELED and new_status != Status.SUCCEEDED
        ):
            return attempt
        error = getattr(intent, "last_payment_error", None)
        attempt.status = new_status
        if error:
            attempt.last_error = (
                getattr(error, "message", None) or getattr(error, "code", None) or ""
            )
        if new_status == Status.SUCCEEDED:
            _payment_record(order=order, attempt=attempt, intent=intent)
        attempt.save()
    return attempt


def _flag(*, order: Order, attempt: PaymentAttempt, reason: str) -> None:
    attempt.needs_review = True
    attempt.review_reason = reason
    order.notes.create(note_type="System", message=reason)
    logger.warning("order %s, %s: %s", order.number, attempt.payment_intent_id, reason)


def _payment_record(*, order: Order, attempt: PaymentAttempt, intent) -> None:
    """The money arrived: mark the order paid once, or flag for the team what does not fit."""
    received = from_fen(getattr(intent, "amount_received", None) or 0)
    currency = (intent.currency or "").upper()
    if currency != order.currency.upper() or received != order.total_incl_tax:
        _flag(
            order=order,
            attempt=attempt,
            reason=(
                f"Stripe {intent.id} received {received} {currency}, the order total is "
                f"{order.total_incl_tax} {order.currency}: not marked paid; check and refund."
            ),
        )
        return
    if order.payment_status == PaymentStatus.PAID or order.payment_method != PaymentMethod.ONLINE:
        _flag(
            order=order,
            attempt=attempt,
            reason=f"Order already paid (or switched to bank transfer); refund Stripe {intent.id}.",
        )
        return
    if order.payment_status == PaymentStatus.CANCELLED:
        _flag(
            order=order,
            attempt=attempt,
            reason=f"Paid after the order was cancelled; refund Stripe {intent.id}.",
        )
        return
    source = order_payment_source(order=order, method=PaymentMethod.ONLINE)
    source.debit(received, reference=intent.id, status="succeeded")
    event_type, _created = PaymentEventType.objects.get_or_create(name="Paid")
    PaymentEvent.objects.create(
        order=order, amount=received, reference=intent.id, event_type=event_type
    )
    order.amount_received += received
    order.payment_status = PaymentStatus.PAID
    order.paid_at = timezone.now()
    order.save(update_fields=["amount_received", "payment_status", "paid_at"])
    if PAID_ORDER_STATUS in settings.OSCAR_ORDER_STATUS_PIPELINE.get(order.status, ()):
        order.set_status(PAID_ORDER_STATUS)
    outbox_record(topic="order.paid", payload={"order_id": order.pk})


# -- webhook --------------------------------------------------------------------------------


def stripe_event_receive(*, payload: bytes, signature: str) -> str:
    """Verify, deduplicate and apply one webhook event; returns what was done.

    Raises ``WebhookRejected`` (answer 400, nothing changed) for a bad or
    stale signature, ``GatewayError`` when Stripe cannot be asked about the
    PaymentIntent (answer 5xx: Stripe sends the event again later).
    """
    if not settings.STRIPE_WEBHOOK_SECRET:
        raise WebhookRejected("no webhook secret is configured")
    try:
        event = gateway.event_construct(payload=payload, signature=signature)
    except (ValueError, stripe.SignatureVerificationError) as error:
        raise WebhookRejected(str(error)) from error
    if StripeEvent.objects.filter(event_id=event.id).exists():
        return "duplicate"
    payment_intent_id = ""
    if event.type.startswith("payment_intent."):
        payment_intent_id = getattr(event.data.object, "id", None) or ""
    attempt = (
        PaymentAttempt.objects.filter(payment_intent_id=payment_intent_id).first()
        if payment_intent_id
        else None
    )
    intent = None
    if attempt is not None:
        intent = gateway.payment_intent_retrieve(payment_intent_id=payment_intent_id)
    with transaction.atomic():
        try:
            with transaction.atomic():
                row = StripeEvent.objects.create(
                    event_id=event.id,
                    type=event.type,
                    payment_intent_id=payment_intent_id,
                    outcome="received",
                )
        except IntegrityError:
            return "duplicate"
        if not payment_intent_id:
            row.outcome = "ignored"
        elif attempt is None:
            row.outcome = "unknown_payment_intent"
            logger.warning("Stripe event %s for unknown %s", event.id, payment_intent_id)
        else:
            attempt = _intent_apply(attempt_id=attempt.pk, intent=intent)
            row.outcome = f"attempt_{attempt.status}" + ("_review" if attempt.needs_review else "")
        row.save(update_fields=["outcome"])
    return row.outcome


# -- closing attempts: switch to bank transfer, expiry --------------------------------------


def _attempts_close(*, order: Order) -> bool:
    """Cancel the order's open PaymentIntents at Stripe; False if money may be on its way."""
    for attempt in order.online_attempts.exclude(status__in=[Status.FAILED, Status.CANCELED]):
        if attempt.status == Status.SUCCEEDED:
            return False
        try:
            if not attempt.payment_intent_id:
                # Creation may have reached Stripe unanswered: the same key finds it.
                attempt = _intent_create(attempt=attempt, order_number=order.number)
            try:
                intent = gateway.payment_intent_cancel(payment_intent_id=attempt.payment_intent_id)
            except GatewayError:
                intent = gateway.payment_intent_retrieve(
                    payment_intent_id=attempt.payment_intent_id
                )
        except (GatewayError, OnlinePaymentRefused):
            return False
        attempt = _intent_apply(attempt_id=attempt.pk, intent=intent)
        if attempt.status != Status.CANCELED:
            return False
    return True


def order_switch_to_bank_transfer(*, order_id: int) -> Order:
    """The buyer gives up paying online: open PaymentIntents are cancelled first."""
    order = Order.objects.get(pk=order_id)
    _check_payable(order)
    if not _attempts_close(order=order):
        raise OnlinePaymentRefused(
            _("A payment may still be under way; wait for its result before switching.")
        )
    with transaction.atomic():
        order = Order.objects.select_for_update(of=("self",)).get(pk=order_id)
        _check_payable(order)
        order.payment_method = PaymentMethod.BANK_TRANSFER
        order.save(update_fields=["payment_method"])
        order.notes.create(note_type="System", message="Switched from online to bank transfer.")
    return order


def online_orders_expire(
    *, older_than: datetime.timedelta, now: datetime.datetime | None = None
) -> list[int]:
    """Cancel online orders still unpaid after ``older_than`` (their stock is released).

    An order whose PaymentIntent is processing, succeeded, or cannot be
    cancelled at Stripe right now is left alone until the next run.
    """
    cutoff = (now or timezone.now()) - older_than
    candidates = Order.objects.filter(
        payment_method=PaymentMethod.ONLINE,
        payment_status=PaymentStatus.AWAITING,
        amount_received=0,
        date_placed__lt=cutoff,
    ).order_by("pk")
    cancelled = []
    for order in list(candidates):
        if not _attempts_close(order=order):
            continue
        try:
            order_cancel(
                order_id=order.pk,
                reason="Not paid online in time; cancelled automatically.",
            )
        except PaymentRefused:
            continue
        cancelled.append(order.pk)
    return cancelled


# -- refunds ---------------------------------------------------------------------------------


def _refunded_units(order: Order) -> dict[int, int]:
    units: dict[int, int] = {}
    for refund in order.online_refunds.exclude(status=Refund.Status.FAILED):
        for line_id, count in refund.line_units.items():
            units[int(line_id)] = units.get(int(line_id), 0) + count
    return units


def payment_refund(
    *,
    order_id: int,
    amount: Decimal | None,
    line_units: dict[int, int],
    reason: str,
    refunded_by,
) -> Refund:
    """Refund (part of) an order paid online, through Stripe.

    ``line_units`` names the units given back per order line; ``amount``
    defaults to those units' price, or — with no units named — to all that
    is left (a full refund of every remaining unit).
    """
    reason = reason.strip()
    if not reason:
        raise OnlinePaymentRefused(_("Say why the money is refunded."))
    with transaction.atomic():
        order = Order.objects.select_for_update(of=("self",)).get(pk=order_id)
        attempt = order.online_attempts.filter(status=Status.SUCCEEDED, needs_review=False).first()
        if order.payment_status != PaymentStatus.PAID or attempt is None:
            raise OnlinePaymentRefused(_("Only orders paid online can be refunded here."))
        refunded = order.online_refunds.exclude(status=Refund.Status.FAILED).aggregate(
            total=Sum("amount")
        )["total"] or Decimal("0.00")
        refundable = attempt.amount - refunded
        lines = {line.pk: line for line in order.lines.all()}
        already = _refunded_units(order)
        wanted = {int(k): int(v) for k, v in line_units.items() if int(v)}
        for line_id, units in wanted.items():
            line = lines.get(line_id)
            if line is None:
                raise OnlinePaymentRefused(_("Line %s is not a line of this order.") % line_id)
            left = line.quantity - already.get(line_id, 0)
            if units < 0 or units > left:
                raise OnlinePaymentRefused(
                    _("%(title)s: %(units)d units cannot be refunded, %(left)d are left.")
                    % {"title": line.title, "units": units, "left": left}
                )
        if amount is None:
            if wanted:
                amount = sum(
                    (lines[k].unit_price_incl_tax * v for k, v in wanted.items()), Decimal("0")
                ).quantize(Decimal("0.01"))
                amount = min(amount, refundable)
            else:
                amount = refundable
                wanted = {
                    pk: line.quantity - already.get(pk, 0)
                    for pk, line in lines.items()
                    if line.quantity - already.get(pk, 0) > 0
                }
        if amount <= 0 or amount > refundable:
            raise OnlinePaymentRefused(
                _("The refund must be more than zero and at most ¥%(left)s.")
                % {"left": f"{refundable:,.2f}"}
            )
        refund = Refund.objects.create(
            order=order,
            attempt=attempt,
            amount=amount,
            line_units={str(k): v for k, v in wanted.items()},
            reason=reason,
            created_by=refunded_by,
        )
    return refund_send(refund_id=refund.pk)


def refund_send(*, refund_id: int) -> Refund:
    """Ask Stripe for a pending refund (again, with the same key) and record the answer."""
    refund = Refund.objects.select_related("attempt", "order").get(pk=refund_id)
    if refund.status != Refund.Status.PENDING:
        return refund
    try:
        answer = gateway.refund_create(
            payment_intent_id=refund.attempt.payment_intent_id,
            amount=refund.amount,
            idempotency_key=f"{refund.order.number}-refund-{refund.pk}",
            metadata={"order_number": refund.order.number, "refund": str(refund.pk)},
        )
    except GatewayError as error:
        uncertain = error.code in {"connection", "server"}
        Refund.objects.filter(pk=refund.pk).update(
            last_error=error.message,
            status=Refund.Status.PENDING if uncertain else Refund.Status.FAILED,
            updated_at=timezone.now(),
        )
        raise OnlinePaymentRefused(error.message) from error
    with transaction.atomic():
        order = Order.objects.select_for_update(of=("self",)).get(pk=refund.order_id)
        refund = Refund.objects.select_for_update().get(pk=refund.pk)
        if refund.status != Refund.Status.PENDING:
            return refund
        refund.stripe_refund_id = answer.id
        refund.stripe_status = answer.status or ""
        refund.last_error = ""
        if answer.status in {"failed", "canceled"}:
            refund.status = Refund.Status.FAILED
            refund.save()
            return refund
        refund.status = Refund.Status.SUCCEEDED
        refund.save()
        _refund_record(order=order, refund=refund)
    return refund


def _refund_record(*, order: Order, refund: Refund) -> None:
    source = order.sources.filter(source_type__code=STRIPE_SOURCE).first()
    if source is not None:
        source.refund(refund.amount, reference=refund.stripe_refund_id, status=refund.stripe_status)
    event_type, _created = PaymentEventType.objects.get_or_create(name="Refunded")
    event = PaymentEvent.objects.create(
        order=order, amount=refund.amount, reference=refund.stripe_refund_id, event_type=event_type
    )
    PaymentEventQuantity.objects.bulk_create(
        [
            PaymentEventQuantity(event=event, line_id=int(line_id), quantity=units)
            for line_id, units in refund.line_units.items()
        ]
    )
    order.notes.create(
        note_type="System",
        message=f"Refunded ¥{refund.amount} through Stripe ({refund.stripe_refund_id}): "
        f"{refund.reason}",
    )
    payload: dict = {"order_id": order.pk, "refund_id": refund.pk}
    if refund.line_units:
        payload["lines"] = dict(refund.line_units)
    outbox_record(topic="order.refunded", payload=payload)
