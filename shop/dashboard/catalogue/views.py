"""Oscar's product form, with stock levels that only lots can change.

Units in stock equal the remaining units of the stock record's lots
(DESIGN.md, invariant 2). Oscar's product form lets anyone with dashboard
access type a new ``num_in_stock``; here that field is shown but disabled,
and a new stock record starts empty — stock arrives as lots, through the
seller's dashboard, its sheet import or its API.

A SKU is unique across the platform, whatever its case (the database's
constraint on ``partner.StockRecord``); the form names the clash before the
database refuses it.
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from oscar.apps.dashboard.catalogue import formsets, views
from oscar.apps.dashboard.catalogue.forms import StockRecordForm as OscarStockRecordForm
from oscar.core.loading import get_model

StockRecord = get_model("partner", "StockRecord")


class StockRecordForm(OscarStockRecordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "num_in_stock" in self.fields:
            field = self.fields["num_in_stock"]
            field.disabled = True
            field.required = False
            field.help_text = _("Stock changes only through lots: intake, adjustments, stock-takes")

    def clean_partner_sku(self):
        sku = self.cleaned_data["partner_sku"].strip()
        taken = StockRecord.objects.filter(partner_sku__iexact=sku)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if sku and taken.exists():
            raise forms.ValidationError(
                "SKU「%(sku)s」已被平台上的另一件商品使用（不分大小写），买家按 SKU 下单时"
                "无法区分，请换一个 / The SKU '%(sku)s' is already used by another product on "
                "the platform (in any case); buyers order by SKU, so choose another one.",
                code="sku_taken",
                params={"sku": sku},
            )
        return sku

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
