from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def from_paired_village(context, product) -> bool:
    """Whether the product comes from a village the signed-in buyer's enterprise is paired with."""
    from catalog.views import buyer_paired_village_ids

    request = context.get("request")
    if request is None or not product.origin_village_id:
        return False
    return product.origin_village_id in buyer_paired_village_ids(request)


@register.simple_tag(takes_context=True)
def product_cards(context, products, limit: int) -> list:
    """The first ``limit`` of ``products``, loaded for the catalogue's cards in one batch.

    Oscar renders each recently viewed product with queries of its own (stock
    records, images, options, class); the card needs none once loaded together.
    """
    from catalog.views import product_cards as load

    return load(context["request"], [product.pk for product in list(products)[:limit]])
