from django import forms
from django.utils.translation import gettext_lazy as _

from farmers.models import MonitoringCategory, Seller, Village
from farmers.reports.ledger import ANY_MONITORED, ReportFilters
from farmers.reports.sales import DEFAULT_SORT


class ReportFilterForm(forms.Form):
    """Date range, village, monitoring category and seller; every field optional (GET)."""

    date_from = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=_("Until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    village = forms.ModelChoiceField(
        label=_("Village"), queryset=Village.objects.select_related("town"), required=False
    )
    category = forms.ChoiceField(
        label=_("Monitoring category"),
        required=False,
        choices=[
            ("", "---------"),
            (ANY_MONITORED, _("any monitored")),
            *MonitoringCategory.choices,
        ],
    )
    seller = forms.ModelChoiceField(
        label=_("Seller"), queryset=Seller.objects.select_related("partner"), required=False
    )
    sort = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the period comes before its start."))
        return cleaned

    def filters(self) -> ReportFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return ReportFilters(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            village_id=data["village"].pk if data.get("village") else None,
            category=data.get("category") or None,
            seller_id=data["seller"].pk if data.get("seller") else None,
        )

    def sort_value(self) -> str:
        data = self.cleaned_data if self.is_valid() else {}
        return data.get("sort") or DEFAULT_SORT
