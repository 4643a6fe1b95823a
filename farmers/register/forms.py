"""Forms of the household register; they parse input, the services decide."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from farmers.models import (
    Household,
    MonitoringCategory,
    MonitoringPeriod,
    Payee,
    PersonalDataReveal,
    Seller,
    Village,
)
from farmers.personal_data import id_number_normalize, phone_normalize
from farmers.register.selectors import NO_CATEGORY
from security.uploads import import_file_validate


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form's fields (or above them)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class HouseholdSearchForm(forms.Form):
    LEADER_CHOICES = [("", _("all")), ("yes", _("leading households")), ("no", _("others"))]

    q = forms.CharField(
        label=_("Code, name or village"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Code, name or village")}),
    )
    village = forms.ModelChoiceField(
        label=_("Village"),
        queryset=Village.objects.select_related("town"),
        required=False,
        empty_label=_("all villages"),
    )
    category = forms.ChoiceField(
        label=_("Monitoring category"),
        required=False,
        choices=[("", _("all")), (NO_CATEGORY, _("not monitored")), *MonitoringCategory.choices],
    )
    leader = forms.ChoiceField(label=_("Leading household"), required=False, choices=LEADER_CHOICES)

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "query": data["q"] or "",
            "village_id": data["village"].pk if data["village"] else None,
            "category": data["category"] or "",
            "leader": {"yes": True, "no": False}.get(data["leader"]),
        }


class HouseholdForm(forms.ModelForm):
    """Create or edit a household. ID number and phone: empty keeps what is stored."""

    id_number = forms.CharField(
        label=_("Citizen ID number"),
        required=False,
        max_length=24,
        help_text=_("18 characters, checked with the GB 11643 check digit. Stored encrypted."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        required=False,
        max_length=24,
        help_text=_(
            "Mobile (13812345678) or landline with area code (0763-1234567). Stored encrypted."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    clear_id_number = forms.BooleanField(label=_("Remove the stored ID number"), required=False)
    clear_phone = forms.BooleanField(label=_("Remove the stored phone"), required=False)

    class Meta:
        model = Household
        fields = ["code", "head_name", "village", "members_count", "industries", "is_leader"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = Village.objects.select_related("town")
        if self.instance.pk:
            self.fields["code"].disabled = True
            if self.instance.has_id_number:
                self.fields["id_number"].help_text = _(
                    "Stored: %(masked)s. Leave empty to keep it; type a new number to replace it."
                ) % {"masked": self.instance.id_number_masked}
            else:
                del self.fields["clear_id_number"]
            if self.instance.has_phone:
                self.fields["phone"].help_text = _(
                    "Stored: %(masked)s. Leave empty to keep it; type a new number to replace it."
                ) % {"masked": self.instance.phone_masked}
            else:
                del self.fields["clear_phone"]
        else:
            del self.fields["clear_id_number"]
            del self.fields["clear_phone"]

    def clean_id_number(self) -> str:
        return id_number_normalize(self.cleaned_data["id_number"])

    def clean_phone(self) -> str:
        return phone_normalize(self.cleaned_data["phone"])

    def _post_clean(self):
        # The service validates and saves; the ModelForm must not build a
        # half-updated instance (and must not touch the encrypted columns).
        pass

    def household_fields(self) -> dict:
        """What the register services take, from the form: the household's own fields
        and its personal data."""
        data = self.cleaned_data
        fields = ("head_name", "village", "members_count", "industries", "is_leader")
        return {**{name: data[name] for name in fields}, **self.personal_data()}

    def personal_data(self) -> dict:
        """id_number/phone for the service: None keeps, "" clears, a value replaces."""
        data = self.cleaned_data
        result = {}
        for field in ("id_number", "phone"):
            if data.get(f"clear_{field}"):
                result[field] = ""
            elif data.get(field):
                result[field] = data[field]
            else:
                result[field] = "" if not self.instance.pk else None
        return result


class MonitoringPeriodForm(forms.ModelForm):
    class Meta:
        model = MonitoringPeriod
        fields = ["category", "started_on", "ended_on", "note"]
        widgets = {
            "started_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ended_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def _post_clean(self):
        pass  # the service checks dates and overlaps


class MonitoringCloseForm(forms.Form):
    ended_on = forms.DateField(
        label=_("until"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The first day the household is no longer in this category."),
    )
    note = forms.CharField(label=_("note"), max_length=200, required=False)


class MembershipForm(forms.Form):
    seller = forms.ModelChoiceField(
        label=_("Seller"), queryset=Seller.objects.select_related("partner")
    )
    joined_on = forms.DateField(
        label=_("joined on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class SellerMemberForm(forms.Form):
    household = forms.ModelChoiceField(
        label=_("Household"), queryset=Household.objects.select_related("village")
    )
    joined_on = forms.DateField(
        label=_("joined on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class RevealForm(forms.Form):
    field = forms.ChoiceField(label=_("What to see"), widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=255,
        help_text=_("Why you need the full value; it is recorded with your name and the time."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, household: Household, ask_password: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if ask_password:
            self.fields["password"] = forms.CharField(
                label=_("Your password"),
                help_text=_(
                    "You signed in more than 15 minutes ago: enter your password again to "
                    "see personal data."
                ),
                widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
            )
        choices = []
        if household.has_id_number:
            choices.append(
                (PersonalDataReveal.Field.ID_NUMBER, PersonalDataReveal.Field.ID_NUMBER.label)
            )
        if household.has_phone:
            choices.append((PersonalDataReveal.Field.PHONE, PersonalDataReveal.Field.PHONE.label))
        if Payee.objects.filter(household=household).exclude(account_encrypted="").exists():
            choices.append(
                (
                    PersonalDataReveal.Field.PAYEE_ACCOUNT,
                    PersonalDataReveal.Field.PAYEE_ACCOUNT.label,
                )
            )
        self.fields["field"].choices = choices
        if len(choices) == 1:
            self.fields["field"].initial = choices[0][0]


class HouseholdSheetForm(forms.Form):
    """The town's household list (.xlsx, .xls or .csv) for the register import."""

    sheet = forms.FileField(
        label=_("Household list (.xlsx, .xls or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.csv"}),
        validators=[import_file_validate],  # size, extension, content
    )
