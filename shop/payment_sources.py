"""The payment source (Oscar's ``payment.Source``) that records what an order owes and received.

One source per order and payment method: made unsaved at placement (Oscar's
checkout saves it with the order), found again or made when money arrives by
bank transfer (shop.services.payments) or online (shop.online.services).
"""

from decimal import Decimal

from oscar.core.loading import get_model

from shop.order.models import PaymentMethod

Source = get_model("payment", "Source")
SourceType = get_model("payment", "SourceType")

BANK_TRANSFER_SOURCE = "bank-transfer"
STRIPE_SOURCE = "stripe"
SOURCE_TYPES = {  # payment method -> (source type code, name)
    PaymentMethod.BANK_TRANSFER: (BANK_TRANSFER_SOURCE, "对公转账 Bank transfer"),
    PaymentMethod.ONLINE: (STRIPE_SOURCE, "Stripe (card, Alipay, WeChat Pay)"),
}


def payment_source_type(*, method: str):
    code, name = SOURCE_TYPES[method]
    source_type, _created = SourceType.objects.get_or_create(code=code, defaults={"name": name})
    return source_type


def payment_source_new(*, method: str, order_number: str, amount: Decimal, currency: str):
    """The (unsaved) payment source of an order paid by ``method``: nothing taken yet."""
    return Source(
        source_type=payment_source_type(method=method),
        currency=currency,
        amount_allocated=amount,
        reference=order_number,
    )


def order_payment_source(*, order, method: str):
    """The order's source for ``method``, made (and saved) if placement left none."""
    source = order.sources.filter(source_type__code=SOURCE_TYPES[method][0]).first()
    if source is None:
        source = payment_source_new(
            method=method,
            order_number=order.number,
            amount=order.total_incl_tax,
            currency=order.currency,
        )
        source.order = order
        source.save()
    return source
