from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from farmers.models import Household, Lot, StockAdjustment
from security.uploads import import_file_validate


class IntakeForm(forms.Form):
    household = forms.ModelChoiceField(queryset=Household.objects.none(), label=_("Household"))
    units = forms.IntegerField(min_value=1, label=_("Units"))
    received_on = forms.DateField(
        label=_("Delivered on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    farmgate_amount = forms.DecimalField(
        required=False,
        min_value=0,
        decimal_places=2,
        label=_("Farmgate amount paid (CNY)"),
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )
    farmgate_unit_price = forms.DecimalField(
        required=False,
        min_value=0,
        decimal_places=2,
        label=_("…or farmgate price per unit (CNY)"),
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )
    trace_code = forms.CharField(max_length=64, label=_("Trace code"))
    certificate_number = forms.CharField(
        max_length=64, required=False, label=_("Certificate number")
    )

    def __init__(self, *args, seller, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = Household.objects.filter(
            memberships__seller=seller
        ).select_related("village")
        self.fields["household"].label_from_instance = lambda h: (
            f"{h.code} {h.head_name}（{h.village.name}）"
        )
        self.fields["received_on"].initial = timezone.localdate()
        self.fields["units"].widget.attrs["inputmode"] = "numeric"


class StockTakeForm(forms.Form):
    counted_units = forms.IntegerField(
        min_value=0,
        label=_("Units counted now"),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    note = forms.CharField(max_length=255, required=False, label=_("Note"))


class AdjustmentForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=[
            (value, label)
            for value, label in StockAdjustment.Reason.choices
            if value != StockAdjustment.Reason.STOCKTAKE
        ],
    )
    units = forms.IntegerField(min_value=1, label=_("Units to take out"))
    lot = forms.ModelChoiceField(
        queryset=Lot.objects.none(),
        required=False,
        label=_("From lot"),
        help_text=_("Leave empty to take from the oldest lots first"),
    )
    note = forms.CharField(max_length=255, label=_("What happened"))

    def __init__(self, *args, stock_record, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lot"].queryset = Lot.objects.filter(
            stock_record=stock_record, units_remaining__gt=0
        ).select_related("household")
        self.fields["lot"].label_from_instance = lambda lot: (
            f"{lot.trace_code} · {lot.household.head_name} · {lot.received_on} · "
            f"{lot.units_remaining}"
        )


class ThresholdForm(forms.Form):
    low_stock_threshold = forms.IntegerField(
        min_value=0,
        required=False,
        label=_("Low-stock threshold"),
        help_text=_("Empty: use the seller's threshold"),
    )


class LotSheetForm(forms.Form):
    seller = forms.ModelChoiceField(queryset=None, label=_("Seller"), empty_label=None)
    sheet = forms.FileField(
        label=_("Lot sheet (.xlsx, .xls or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.csv"}),
        validators=[import_file_validate],  # size, extension, content
    )

    def __init__(self, *args, sellers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seller"].queryset = sellers
