"""Oscar's order, plus who bought it for which enterprise and how it is being paid."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _
from oscar.apps.address.abstract_models import AbstractShippingAddress
from oscar.apps.order.abstract_models import AbstractOrder, AbstractShippingEvent


class PaymentMethod(models.TextChoices):
    BANK_TRANSFER = "bank_transfer", _("corporate bank transfer (对公转账)")
    ONLINE = "online", _("online payment")


class PaymentStatus(models.TextChoices):
    AWAITING = "awaiting", _("awaiting payment")
    PARTIALLY_PAID = "partial", _("partially paid")
    PAID = "paid", _("paid")
    CANCELLED = "cancelled", _("cancelled")


class Order(AbstractOrder):
    enterprise = models.ForeignKey(
        "shop.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
        verbose_name=_("enterprise"),
    )
    po_number = models.CharField(_("PO number"), max_length=64, blank=True)
    buyer_note = models.TextField(_("note"), blank=True)
    payment_method = models.CharField(
        _("payment method"),
        max_length=16,
        choices=PaymentMethod.choices,
        default=PaymentMethod.BANK_TRANSFER,
    )
    payment_status = models.CharField(
        _("payment status"),
        max_length=16,
        choices=PaymentStatus.choices,
        default=PaymentStatus.AWAITING,
        db_index=True,
    )
    amount_received = models.DecimalField(
        _("amount received (CNY)"), max_digits=12, decimal_places=2, default=Decimal("0.00")
    )
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    @property
    def amount_outstanding(self) -> Decimal:
        return max(self.total_incl_tax - self.amount_received, Decimal("0.00"))

    @property
    def amount_overpaid(self) -> Decimal:
        return max(self.amount_received - self.total_incl_tax, Decimal("0.00"))

    @property
    def is_overpaid(self) -> bool:
        return self.amount_received > self.total_incl_tax

    @property
    def is_awaiting_payment(self) -> bool:
        return self.payment_status in {PaymentStatus.AWAITING, PaymentStatus.PARTIALLY_PAID}


class ShippingEvent(AbstractShippingEvent):
    """Oscar's shipping event; ``notes`` holds the tracking number, ``carrier`` who carries it."""

    carrier = models.CharField(_("carrier"), max_length=64, blank=True)


class ShippingAddress(AbstractShippingAddress):
    """Printed in Chinese order: province, city, district, street, then the recipient.

    The checkout stores an enterprise address as state = province, line4 = city,
    line2 = district, line1 = street (shop.checkout.views.shipping_fields); the
    country is printed only when it is not China.
    """

    chinese_order = ("state", "line4", "line2", "line1", "line3", "postcode")

    def active_address_fields(self):
        lines = self.get_address_field_values(self.chinese_order)
        salutation = self.salutation
        if salutation:
            lines.append(salutation)
        if self.country_id and self.country_id != "CN":
            lines.insert(0, self.country.printable_name)
        return lines


from oscar.apps.order.models import *  # noqa: E402, F403
