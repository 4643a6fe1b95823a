"""The calls this app makes to Stripe, through stripe-python's StripeClient.

One place builds the client from settings (secret key, API base address for
the test fake, timeout, retries), and turns Stripe's errors into one
``GatewayError`` whose message a buyer or the work team can read.
"""

from decimal import Decimal

import stripe
from django.conf import settings
from django.utils.translation import gettext as _

PAYMENT_METHOD_TYPES = ["card", "alipay", "wechat_pay"]


class GatewayError(Exception):
    """Stripe could not be reached or refused; nothing may be assumed about what it did."""

    def __init__(self, message: str, *, code: str = ""):
        super().__init__(message)
        self.message = message
        self.code = code


def to_fen(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value())


def from_fen(amount: int) -> Decimal:
    return (Decimal(amount) / 100).quantize(Decimal("0.01"))


def stripe_client() -> stripe.StripeClient:
    options = {}
    if settings.STRIPE_API_BASE:
        options["base_addresses"] = {"api": settings.STRIPE_API_BASE}
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        max_network_retries=settings.STRIPE_MAX_NETWORK_RETRIES,
        http_client=stripe.RequestsClient(timeout=settings.STRIPE_TIMEOUT_SECONDS),
        **options,
    )


def _call(function, *args, **kwargs):
    try:
        return function(*args, **kwargs)
    except stripe.APIConnectionError as error:
        raise GatewayError(
            _("The payment service did not answer in time. Nothing was charged; try again."),
            code="connection",
        ) from error
    except stripe.StripeError as error:
        if error.http_status and error.http_status >= 500:
            raise GatewayError(
                _("The payment service is having trouble. Nothing was charged; try again."),
                code="server",
            ) from error
        raise GatewayError(
            _("The payment service refused: %(message)s")
            % {"message": error.user_message or str(error)},
            code=getattr(error, "code", "") or "refused",
        ) from error


def payment_intent_create(
    *, amount: Decimal, currency: str, idempotency_key: str, metadata: dict[str, str]
) -> stripe.PaymentIntent:
    return _call(
        stripe_client().v1.payment_intents.create,
        params={
            "amount": to_fen(amount),
            "currency": currency.lower(),
            "payment_method_types": PAYMENT_METHOD_TYPES,
            "payment_method_options": {"wechat_pay": {"client": "web"}},
            "metadata": metadata,
        },
        options={"idempotency_key": idempotency_key},
    )


def payment_intent_retrieve(*, payment_intent_id: str) -> stripe.PaymentIntent:
    return _call(stripe_client().v1.payment_intents.retrieve, payment_intent_id)


def payment_intent_cancel(*, payment_intent_id: str) -> stripe.PaymentIntent:
    return _call(stripe_client().v1.payment_intents.cancel, payment_intent_id)


def refund_create(
    *, payment_intent_id: str, amount: Decimal, idempotency_key: str, metadata: dict[str, str]
) -> stripe.Refund:
    return _call(
        stripe_client().v1.refunds.create,
        params={
            "payment_intent": payment_intent_id,
            "amount": to_fen(amount),
            "metadata": metadata,
        },
        options={"idempotency_key": idempotency_key},
    )


def event_construct(*, payload: bytes, signature: str) -> stripe.Event:
    """Verify the Stripe-Signature header (raises ``stripe.SignatureVerificationError``)."""
    return stripe.Webhook.construct_event(payload, signature, settings.STRIPE_WEBHOOK_SECRET)
