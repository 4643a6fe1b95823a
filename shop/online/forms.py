from django import forms
from django.utils.translation import gettext_lazy as _


class RefundForm(forms.Form):
    """Amount (optional: the units' price, or everything left) and units per order line."""

    amount = forms.DecimalField(
        label=_("amount (CNY)"),
        max_digits=12,
        decimal_places=2,
        min_value=0.01,
        required=False,
        help_text=_("Leave empty to refund the units named below, or everything left."),
    )
    reason = forms.CharField(label=_("reason"), max_length=500)

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        for line in self.lines:
            self.fields[f"line_{line.pk}"] = forms.IntegerField(
                label=f"{line.title} ({line.partner_sku}) × {line.quantity}",
                min_value=0,
                max_value=line.quantity,
                required=False,
            )

    def line_units(self) -> dict[int, int]:
        return {
            line.pk: self.cleaned_data.get(f"line_{line.pk}") or 0
            for line in self.lines
            if self.cleaned_data.get(f"line_{line.pk}")
        }
