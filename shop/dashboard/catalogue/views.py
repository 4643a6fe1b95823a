"""Oscar's product form, with stock levels that only lots can change.

Units in stock equal the remaining units of the stock record's lots
(DESIGN.md, invariant 2). Oscar's product form lets anyone with dashboard
access type a new ``num_in_stock``; here that field is shown but disabled,
and a new stock record starts empty — stock arrives as lots, through the
seller's dashboard, its sheet import or its API.
"""

from django.utils.translation import gettext_lazy as _
from oscar.apps.dashboard.catalogue import formsets, views
from oscar.apps.dashboard.catalogue.forms import StockRecordForm as OscarStockRecordForm


class StockRecordForm(OscarStockRecordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "num_in_stock" in self.fields:
            field = self.fields["num_in_stock"]
            field.disabled = True
            field.required = False
            field.help_text = _("Stock changes only through lots: intake, adjustments, stock-takes")

    def clean_num_in_stock(self):
        # Disabled: keep what is stored (0 for a new stock record), whatever was posted.
        return self.instance.num_in_stock or 0

    def save(self, commit=True):
        """Save the edited fields only: the stock counters may have moved since the
        form was read (a checkout, an intake), and belong to lots and orders."""
        record = super().save(commit=False)
        if commit:
            if record.pk:
                fields = [f for f in self.Meta.fields if f not in ("num_in_stock",)]
                record.save(update_fields=[*fields, "date_updated"])
            else:
                record.num_in_stock, record.num_allocated = 0, 0
                record.save()
        return record


class StockRecordFormSet(formsets.StockRecordFormSet):
    form = StockRecordForm


class ProductCreateUpdateView(views.ProductCreateUpdateView):
    stockrecord_formset = StockRecordFormSet
