"""Oscar's basket forms; the add form starts at the product's minimum quantity and step."""

from oscar.apps.basket.forms import *  # noqa: F403
from oscar.apps.basket.forms import AddToBasketForm as OscarAddToBasketForm


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
