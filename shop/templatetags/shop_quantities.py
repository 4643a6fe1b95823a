"""The product page's quantity box: the price ladder as data for the page, a line's total."""

from decimal import Decimal

from django import template

from shop.pricing import Terms

register = template.Library()


@register.filter
def price_ladder(terms: Terms | None) -> str:
    """``"10:45.00 100:42.00"``: from which quantity each unit price applies."""
    if terms is None:
        return ""
    return " ".join(f"{tier.min_quantity}:{tier.price:.2f}" for tier in terms.tiers())


@register.simple_tag
def quantity_total(terms: Terms | None, quantity) -> Decimal | None:
    """What ``quantity`` units cost at the tier that quantity reaches."""
    if terms is None:
        return None
    quantity = int(quantity or 0)
    return terms.unit_price(quantity) * quantity
