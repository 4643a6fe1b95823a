"""Oscar's basket forms: the add form starts at the product's minimum quantity and step;
the line form applies the quantity rules to the new quantity."""

from django import forms
from django.utils.translation import gettext_lazy as _
from oscar.apps.basket.forms import *  # noqa: F403
from oscar.apps.basket.forms import AddToBasketForm as OscarAddToBasketForm
from oscar.apps.basket.forms import BasketLineForm as OscarBasketLineForm


class AddToBasketForm(OscarAddToBasketForm):
    def __init__(self, basket, product, *args, **kwargs):
        super().__init__(basket, product, *args, **kwargs)
        strategy = getattr(basket, "strategy", None)
        if strategy is None or not hasattr(strategy, "terms_for"):
            return
        info = strategy.fetch_for_product(product)
        if info.stockrecord is None:
            return
        terms = strategy.terms_for(info.stockrecord)
        field = self.fields["quantity"]
        field.initial = terms.min_quantity
        field.widget.attrs.update(min=terms.min_quantity, step=terms.quantity_step)


class BasketLineForm(OscarBasketLineForm):
    """Oscar's line form, with the quantity rules applied to the line's new quantity.

    Oscar checks the basket limits with the change in quantity (new − old),
    passing that change to the availability policy too; our policy's minimum
    and step (shop.partner.strategy.BulkAvailability) would then judge the
    change — an untouched line (change 0) failed "at least 1", 10 → 15 eggs
    failed "minimum 10". Here the policy judges the new quantity (with the
    other lines of the same product in the basket), and only the basket's
    size limit is checked against the change.
    """

    def check_max_allowed_quantity(self, qty):
        line = self.instance
        basket = line.basket
        policy = line.purchase_info.availability
        same_product_elsewhere = basket.basket_quantity(line) - line.quantity
        if same_product_elsewhere:
            permitted, reason = policy.is_purchase_permitted(same_product_elsewhere + qty)
            if not permitted:
                raise forms.ValidationError(reason)
        max_allowed, threshold = basket.max_allowed_quantity()
        if max_allowed is not None and qty - line.quantity > max_allowed:
            raise forms.ValidationError(
                _(
                    "Due to technical limitations we are not able "
                    "to ship more than %(threshold)d items in one order."
                )
                % {"threshold": threshold}
            )
