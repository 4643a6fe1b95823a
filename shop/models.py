"""The buyer side: enterprises and their pairing agreements."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_errors
from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import ValidationError as StdnumError

# python-stdnum's reasons are English only; these say the same in the page's language.
USCC_REASONS = (
    (stdnum_errors.InvalidChecksum, _("the check digit (the last character) is wrong")),
    (stdnum_errors.InvalidLength, _("it must be 18 characters long")),
    (stdnum_errors.InvalidFormat, _("it contains characters a credit code cannot have")),
    (stdnum_errors.InvalidComponent, _("a part of it (such as the region code) is not valid")),
)


def validate_uscc(value: str) -> None:
    try:
        stdnum_uscc.validate(value)
    except StdnumError as exc:
        reason = next((text for kind, text in USCC_REASONS if isinstance(exc, kind)), exc.message)
        raise ValidationError(
            _("Not a valid unified social credit code (统一社会信用代码): %(reason)s"),
            params={"reason": reason},
            code="invalid_uscc",
        ) from exc


class Enterprise(models.Model):
    name = models.CharField(_("name"), max_length=128, unique=True)
    uscc = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, validators=[validate_uscc]
    )
    created_at = models.DateTimeField(auto_now_add=True)
    requires_po_number = models.BooleanField(
        _("orders need a PO number"),
        default=False,
        help_text=_("Checkout refuses to place an order of this enterprise without a PO number"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")

    def __str__(self) -> str:
        return self.name


class EnterpriseMember(models.Model):
    class Role(models.TextChoices):
        ADMIN = "admin", _("administrator")
        BUYER = "buyer", _("buyer")

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="members")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enterprise_membership"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.BUYER)

    class Meta:
        ordering = ["enterprise", "user__email"]
        verbose_name = _("enterprise member")
        verbose_name_plural = _("enterprise members")

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}) @ {self.enterprise}"


class PairingAgreement(models.Model):
    """结对协议: an enterprise paired with a town (镇企同兴) or a village (村企同兴)."""

    class Programme(models.TextChoices):
        VILLAGE = "village", _("village–enterprise (村企同兴)")
        TOWN = "town", _("town–enterprise (镇企同兴)")

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="pairings")
    programme = models.CharField(_("programme"), max_length=16, choices=Programme.choices)
    town = models.ForeignKey(
        "farmers.Town", on_delete=models.PROTECT, null=True, blank=True, related_name="pairings"
    )
    village = models.ForeignKey(
        "farmers.Village", on_delete=models.PROTECT, null=True, blank=True, related_name="pairings"
    )
    signed_on = models.DateField(_("signed on"))
    yearly_pledge = models.DecimalField(
        _("yearly purchase pledge (CNY)"), max_digits=12, decimal_places=2
    )

    class Meta:
        ordering = ["enterprise", "-signed_on"]
        verbose_name = _("pairing agreement")
        verbose_name_plural = _("pairing agreements")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(programme="town", town__isnull=False, village__isnull=True)
                    | Q(programme="village", village__isnull=False, town__isnull=True)
                ),
                name="pairing_names_its_town_or_village",
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} ↔ {self.village or self.town} ({self.get_programme_display()})"

    @property
    def counterpart(self):
        return self.village or self.town


class InvoiceType(models.TextChoices):
    VAT_SPECIAL = "vat_special", _("VAT special invoice (增值税专用发票)")
    VAT_NORMAL = "vat_normal", _("VAT normal invoice (增值税普通发票)")


# What an invoice is made out to: the profile's fields, asked again at checkout and copied
# onto each InvoiceRequest. The one list both invoice forms use.
INVOICE_FIELDS = (
    "invoice_title",
    "taxpayer_id",
    "invoice_type",
    "bank_name",
    "bank_account",
    "registered_address",
    "phone",
    "email",
)


class InvoiceProfile(models.Model):
    """开票信息: what the enterprise's invoices are made out to; copied onto each request."""

    enterprise = models.OneToOneField(
        Enterprise, on_delete=models.CASCADE, related_name="invoice_profile"
    )
    invoice_title = models.CharField(_("invoice title"), max_length=128)
    taxpayer_id = models.CharField(
        _("taxpayer ID"), max_length=18, validators=[validate_uscc], blank=True
    )
    invoice_type = models.CharField(
        _("invoice type"),
        max_length=16,
        choices=InvoiceType.choices,
        default=InvoiceType.VAT_NORMAL,
    )
    bank_name = models.CharField(_("bank"), max_length=128, blank=True)
    bank_account = models.CharField(_("bank account"), max_length=64, blank=True)
    registered_address = models.CharField(_("registered address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("invoice e-mail"), blank=True)

    class Meta:
        ordering = ["enterprise"]
        verbose_name = _("invoice profile")
        verbose_name_plural = _("invoice profiles")

    def __str__(self) -> str:
        return self.invoice_title


class EnterpriseAddress(models.Model):
    """A delivery address of the enterprise (canteen, warehouse, office), shared by its members."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="addresses")
    label = models.CharField(_("label"), max_length=64, help_text=_("e.g. canteen, warehouse"))
    recipient = models.CharField(_("recipient"), max_length=64)
    phone = models.CharField(_("phone"), max_length=32)
    province = models.CharField(_("province"), max_length=32)
    city = models.CharField(_("city"), max_length=32)
    district = models.CharField(_("district"), max_length=32, blank=True)
    street = models.CharField(_("street address"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=16, blank=True)
    is_default = models.BooleanField(_("default"), default=False)

    class Meta:
        ordering = ["enterprise", "-is_default", "label", "pk"]
        verbose_name = _("delivery address")
        verbose_name_plural = _("delivery addresses")

    def __str__(self) -> str:
        return (
            f"{self.label}: {self.province}{self.city}{self.district}{self.street} {self.recipient}"
        )


class EnterpriseInvitation(models.Model):
    """An e-mailed invitation to join an enterprise; the token is the only way to accept it."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail"))
    role = models.CharField(
        _("role"),
        max_length=16,
        choices=EnterpriseMember.Role.choices,
        default=EnterpriseMember.Role.BUYER,
    )
    token = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["enterprise", "-created_at", "-pk"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email} → {self.enterprise}"


class PurchaseTerms(models.Model):
    """Minimum quantity and quantity step of one stock record (sold by the case of 10 …)."""

    stockrecord = models.OneToOneField(
        "partner.StockRecord", on_delete=models.CASCADE, related_name="purchase_terms"
    )
    min_quantity = models.PositiveIntegerField(_("minimum quantity"), default=1)
    quantity_step = models.PositiveIntegerField(_("quantity step"), default=1)

    class Meta:
        ordering = ["stockrecord"]
        verbose_name = _("purchase terms")
        verbose_name_plural = _("purchase terms")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_quantity__gte=1) & Q(quantity_step__gte=1),
                name="purchase_terms_positive",
            )
        ]

    def __str__(self) -> str:
        return f"{self.stockrecord}: ≥{self.min_quantity}, ×{self.quantity_step}"


class PriceTier(models.Model):
    """A volume price: from ``min_quantity`` units on, each unit costs ``price``."""

    stockrecord = models.ForeignKey(
        "partner.StockRecord", on_delete=models.CASCADE, related_name="price_tiers"
    )
    min_quantity = models.PositiveIntegerField(_("from quantity"))
    price = models.DecimalField(_("unit price (CNY)"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["stockrecord", "min_quantity"]
        verbose_name = _("volume price")
        verbose_name_plural = _("volume prices")
        constraints = [
            models.UniqueConstraint(
                fields=["stockrecord", "min_quantity"], name="price_tier_unique_start"
            ),
            models.CheckConstraint(
                condition=Q(min_quantity__gte=2) & Q(price__gt=0), name="price_tier_sensible"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stockrecord} ≥{self.min_quantity}: {self.price}"


class InvoiceRequest(models.Model):
    """The invoice an order asks for: a copy of the profile, edited at checkout if needed."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("requested")
        ISSUED = "issued", _("issued")
        CANCELLED = "cancelled", _("cancelled")

    order = models.OneToOneField("order.Order", on_delete=models.CASCADE, related_name="invoice")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="invoices")
    invoice_title = models.CharField(_("invoice title"), max_length=128)
    taxpayer_id = models.CharField(_("taxpayer ID"), max_length=18, blank=True)
    invoice_type = models.CharField(_("invoice type"), max_length=16, choices=InvoiceType.choices)
    bank_name = models.CharField(_("bank"), max_length=128, blank=True)
    bank_account = models.CharField(_("bank account"), max_length=64, blank=True)
    registered_address = models.CharField(_("registered address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("invoice e-mail"), blank=True)
    amount = models.DecimalField(_("amount (CNY)"), max_digits=12, decimal_places=2)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.REQUESTED
    )
    invoice_number = models.CharField(_("invoice number"), max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("invoice request")
        verbose_name_plural = _("invoice requests")

    def __str__(self) -> str:
        return f"{self.invoice_title} {self.amount}"


class TransferReceipt(models.Model):
    """A corporate bank transfer (对公转账) the work team saw arrive for an order."""

    order = models.ForeignKey("order.Order", on_delete=models.PROTECT, related_name="transfers")
    amount = models.DecimalField(_("amount (CNY)"), max_digits=12, decimal_places=2)
    received_on = models.DateField(_("received on"))
    bank_reference = models.CharField(_("bank reference"), max_length=64)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["order", "received_on", "pk"]
        verbose_name = _("bank transfer received")
        verbose_name_plural = _("bank transfers received")
        constraints = [
            models.UniqueConstraint(
                fields=["order", "bank_reference"], name="transfer_recorded_once"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="transfer_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.amount} ({self.bank_reference})"


class NotificationRecord(models.Model):
    """One notice (e-mail and in-site message) to one person about one event: sent once."""

    message = models.ForeignKey(
        "outbox.OutboxMessage", on_delete=models.CASCADE, related_name="notifications"
    )
    code = models.CharField(_("event type"), max_length=64)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    emailed = models.BooleanField(_("e-mailed"), default=False)
    email_pending = models.BooleanField(
        _("e-mail outcome unknown"),
        default=False,
        help_text=_(
            "claimed for sending but not confirmed sent: the worker stopped in between "
            "(listed for the work team; never sent again automatically)"
        ),
    )
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("notification sent")
        verbose_name_plural = _("notifications sent")
        constraints = [
            models.UniqueConstraint(
                fields=["message", "code", "recipient"], name="notification_sent_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} → {self.recipient_id} (#{self.message_id})"
