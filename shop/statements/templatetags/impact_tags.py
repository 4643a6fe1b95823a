from django import template

from shop.statements.impact import enterprise_impact, order_impact

register = template.Library()


@register.simple_tag
def impact_of_order(order):
    """{% impact_of_order order as impact %}: households reached by this order, names masked."""
    return order_impact(order=order)


@register.simple_tag
def impact_of_enterprise(enterprise):
    """{% impact_of_enterprise enterprise as impact %}: all the enterprise's paid orders reached."""
    return enterprise_impact(enterprise=enterprise)
