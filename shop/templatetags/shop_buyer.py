from django import template

from shop.selectors import membership_of, paired_village_ids

register = template.Library()


@register.simple_tag(takes_context=True)
def from_paired_village(context, product) -> bool:
    """Whether the product comes from a village the signed-in buyer's enterprise is paired with."""
    request = context.get("request")
    if request is None or not product.origin_village_id:
        return False
    cache = getattr(request, "_shop_paired_village_ids", None)
    if cache is None:
        membership = membership_of(user=request.user)
        cache = paired_village_ids(enterprise=membership.enterprise if membership else None)
        request._shop_paired_village_ids = cache
    return product.origin_village_id in cache
