from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from security.uploads import MB, import_file_validate
from shop.models import (
    INVOICE_FIELDS,
    Enterprise,
    EnterpriseAddress,
    EnterpriseMember,
    InvoiceProfile,
)


class EnterpriseRegisterForm(forms.ModelForm):
    class Meta:
        model = Enterprise
        fields = ["name", "uscc"]
        help_texts = {"uscc": _("18 characters, on your business licence (营业执照)")}

    def clean_uscc(self):
        return self.cleaned_data["uscc"].strip().upper()


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("e-mail"))
    role = forms.ChoiceField(
        label=_("role"), choices=EnterpriseMember.Role.choices, initial=EnterpriseMember.Role.BUYER
    )


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("role"), choices=EnterpriseMember.Role.choices)


class InvoiceProfileForm(forms.ModelForm):
    requires_po_number = forms.BooleanField(
        label=_("Orders need a PO number"),
        required=False,
        help_text=_("Checkout refuses to place an order of your enterprise without one"),
    )

    class Meta:
        model = InvoiceProfile
        fields = INVOICE_FIELDS

    def clean_taxpayer_id(self):
        return self.cleaned_data["taxpayer_id"].strip().upper()


class EnterpriseAddressForm(forms.ModelForm):
    class Meta:
        model = EnterpriseAddress
        fields = [
            "label",
            "recipient",
            "phone",
            "province",
            "city",
            "district",
            "street",
            "postcode",
            "is_default",
        ]


class QuickOrderForm(forms.Form):
    lines = forms.CharField(
        label=_("Paste your list"),
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 8, "placeholder": "TB-MT-5000 20\nTB-SJ-2500\t10\nTB-JD-30, 30"}
        ),
        help_text=_("One product per line: SKU, then quantity (tabs, commas or spaces between)."),
    )
    purchase_list = forms.FileField(
        label=_("Or upload a purchase list"),
        required=False,
        help_text=_(
            ".xlsx, .xls or .csv (UTF-8 or GBK), at most %(mb)d MB, with columns 商品编码/SKU and"
            " 数量/quantity; title rows above them and a 收货部门/department column are read too"
        )
        % {"mb": settings.TAIBAO_QUICK_ORDER_MAX_BYTES // MB},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.csv"}),
        validators=[import_file_validate],  # size, extension, content
        allow_empty_file=True,  # the service refuses it, with the bilingual message
    )

    def clean(self):
        data = super().clean()
        if not (data.get("lines") or "").strip() and not data.get("purchase_list"):
            raise forms.ValidationError(_("Paste some lines or choose a file."))
        return data


class TransferForm(forms.Form):
    amount = forms.DecimalField(
        label=_("amount (CNY)"), max_digits=12, decimal_places=2, min_value=0.01
    )
    received_on = forms.DateField(label=_("received on"), initial=timezone.localdate)
    bank_reference = forms.CharField(label=_("bank reference"), max_length=64)

    def clean_received_on(self):
        day = self.cleaned_data["received_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("A transfer cannot arrive in the future."))
        return day
