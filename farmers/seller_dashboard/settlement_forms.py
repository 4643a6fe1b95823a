from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from farmers.models import LotDisposal, PayMethod, Terms
from security.uploads import import_file_validate


class BatchCreateForm(forms.Form):
    purpose = forms.CharField(
        max_length=64, required=False, label=_("Purpose (用途)"), help_text=_("Shown to the bank")
    )


class TermsForm(forms.Form):
    terms = forms.ChoiceField(choices=Terms.choices, label=_("Settlement terms"))
    effective_from = forms.DateField(
        label=_("Effective from"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    stock_record = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, label=_("Only for this product")
    )

    def __init__(self, *args, stock_records=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stock_record"].choices = [("", _("All the seller's products"))] + [
            (sr.pk, f"{sr.partner_sku} {sr.product.get_title()}") for sr in stock_records
        ]


class ReferenceForm(forms.Form):
    reference = forms.CharField(max_length=128, label=_("Bank reference"))


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=255, label=_("Reason"))


class ReceiptForm(forms.Form):
    receipt = forms.FileField(
        label=_("Photo of the signed receipt"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )


class ResultFileForm(forms.Form):
    result = forms.FileField(
        label=_("The bank's result file (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
        validators=[import_file_validate],
    )


class PayeeForm(forms.Form):
    method = forms.ChoiceField(choices=PayMethod.choices, label=_("Method"))
    holder_name = forms.CharField(
        max_length=64, required=False, label=_("Payee name"), help_text=_("Empty: the head's name")
    )
    bank_name = forms.CharField(max_length=128, required=False, label=_("Bank and branch"))
    account = forms.CharField(
        max_length=64,
        required=False,
        label=_("Account number"),
        help_text=_("Bank card, passbook account, or the mobile number used with WeChat / Alipay"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )


class SurplusForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100, label=_("Year"))
    distributable_surplus = forms.DecimalField(
        decimal_places=2, max_digits=14, label=_("Distributable surplus (CNY)")
    )
    share_percent = forms.DecimalField(
        decimal_places=2,
        max_digits=5,
        initial=60,
        label=_("Share returned by transactions (%)"),
        help_text=_("At least 60 % (Farmer Professional Cooperatives Law, Art. 44)"),
    )


class SlipForm(forms.Form):
    household = forms.IntegerField(widget=forms.HiddenInput)
    period_from = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    period_to = forms.DateField(
        label=_("To"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class DisposeForm(forms.Form):
    disposition = forms.ChoiceField(
        choices=LotDisposal.Disposition.choices, label=_("What happened")
    )
    units = forms.IntegerField(min_value=1, label=_("Units"))
    note = forms.CharField(max_length=200, required=False, label=_("Note"))
