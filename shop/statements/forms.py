import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def _year_start() -> datetime.date:
    return timezone.localdate().replace(month=1, day=1)


class StatementForm(forms.Form):
    period_from = forms.DateField(
        label=_("From"),
        initial=_year_start,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    period_to = forms.DateField(
        label=_("Until"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_from"), cleaned.get("period_to")
        if start and end and start > end:
            self.add_error("period_to", _("The end of the period comes before its start."))
        return cleaned
