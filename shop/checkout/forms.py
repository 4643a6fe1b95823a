from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from oscar.apps.checkout.forms import *  # noqa: F403

from shop.models import INVOICE_FIELDS, InvoiceProfile, InvoiceType, validate_uscc
from shop.order.models import PaymentMethod
from texts.bilingual import bilingual


def _optional_invoice_fields() -> dict[str, forms.Field]:
    """The invoice profile's fields (INVOICE_FIELDS), asked only when an invoice is wanted."""
    fields = forms.fields_for_model(InvoiceProfile, fields=INVOICE_FIELDS)
    for field in fields.values():
        field.required = False
        field.initial = None
    fields["taxpayer_id"].validators.append(validate_uscc)  # a model validator: copy it
    return fields


InvoiceFieldsForm = type("InvoiceFieldsForm", (forms.Form,), _optional_invoice_fields())


def po_number_required_message() -> str:
    return bilingual(
        "贵企业要求每笔订单填写采购单号",
        "Your enterprise requires a PO number on every order",
    )


class EnterpriseOrderForm(InvoiceFieldsForm):
    """What an enterprise order needs beyond the basket: PO number, invoice, note, payment."""

    po_number = forms.CharField(
        label=_("PO number"),
        max_length=64,
        required=False,
        help_text=_("Your purchase order number, printed on the delivery note and invoice"),
    )
    payment_method = forms.ChoiceField(
        label=_("Payment"),
        choices=[(PaymentMethod.BANK_TRANSFER.value, PaymentMethod.BANK_TRANSFER.label)],
        initial=PaymentMethod.BANK_TRANSFER.value,
        widget=forms.RadioSelect,
    )
    invoice_requested = forms.BooleanField(label=_("I need an invoice"), required=False)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Delivery time, contact on site, anything the sellers should know"),
    )

    INVOICE_FIELDS = INVOICE_FIELDS
    field_order = ["po_number", "payment_method", "invoice_requested", *INVOICE_FIELDS, "note"]

    def __init__(self, *args, enterprise=None, **kwargs):
        self.enterprise = enterprise
        super().__init__(*args, **kwargs)
        if enterprise is not None and enterprise.requires_po_number:
            # checked in clean_po_number, so the refusal names the rule in both languages
            self.fields["po_number"].help_text = _(
                "Required by your enterprise: printed on the delivery note and invoice"
            )
        if settings.ONLINE_PAYMENT_ENABLED:
            self.fields["payment_method"].choices = PaymentMethod.choices

    def clean_taxpayer_id(self):
        return self.cleaned_data["taxpayer_id"].strip().upper()

    def clean_po_number(self):
        po_number = self.cleaned_data["po_number"].strip()
        if not po_number and self.enterprise is not None and self.enterprise.requires_po_number:
            raise forms.ValidationError(po_number_required_message())
        return po_number

    def session_data(self) -> dict[str, str]:
        """What the buyer typed, to keep in the checkout session until the order is placed."""
        return {name: self.data[name] for name in self.fields if name in self.data}

    def clean(self):
        data = super().clean()
        if data.get("invoice_requested"):
            if not data.get("invoice_title"):
                self.add_error("invoice_title", _("An invoice needs a title."))
            if not data.get("taxpayer_id") and not self.errors.get("taxpayer_id"):
                self.add_error("taxpayer_id", _("An invoice needs the taxpayer ID."))
            if data.get("invoice_type") == InvoiceType.VAT_SPECIAL and not (
                data.get("bank_name")
                and data.get("bank_account")
                and data.get("registered_address")
            ):
                self.add_error(
                    "bank_account",
                    _("A VAT special invoice needs the bank, account and registered address."),
                )
        if (
            data.get("payment_method") == PaymentMethod.ONLINE
            and not settings.ONLINE_PAYMENT_ENABLED
        ):
            self.add_error(
                "payment_method", _("Online payment is not available; pay by bank transfer.")
            )
        return data

    def invoice_fields(self) -> dict | None:
        if not self.cleaned_data.get("invoice_requested"):
            return None
        return {name: self.cleaned_data.get(name) or "" for name in self.INVOICE_FIELDS}
