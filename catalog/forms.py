from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.selectors import DEFAULT_SORT, ProductFilters

SORT_CHOICES = [
    ("newest", _("Newest")),
    ("price_asc", _("Price, low to high")),
    ("price_desc", _("Price, high to low")),
    ("title", _("Name")),
]


class ProductFilterForm(forms.Form):
    """The catalogue's query string. Anything invalid is ignored, never an error page."""

    q = forms.CharField(required=False, max_length=100, label=_("Search"))
    product_class = forms.SlugField(required=False, label=_("Product type"))
    village = forms.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1, label=_("Origin village")
    )
    seller = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1, label=_("Seller"))
    sort = forms.ChoiceField(required=False, choices=SORT_CHOICES, label=_("Sort by"))

    def to_filters(self, *, category=None) -> ProductFilters:
        self.is_valid()  # invalid fields drop out of cleaned_data; the rest still apply
        data = self.cleaned_data
        return ProductFilters(
            query=(data.get("q") or "").strip(),
            product_class=data.get("product_class") or "",
            village_id=data.get("village"),
            seller_id=data.get("seller"),
            category=category,
            sort=data.get("sort") or DEFAULT_SORT,
        )
