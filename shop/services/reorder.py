"""Reorder: a past order's lines back in the basket, at today's prices and rules."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from shop.services.quick_order import QuickOrderRefused, RawRow, quick_order_add, quick_order_check


@dataclass
class ReorderResult:
    added_lines: int = 0
    skipped: list[str] = field(default_factory=list)


def order_reorder(*, order, basket, strategy) -> ReorderResult:
    """Add every line that can still be bought; say why the others cannot.

    Prices are not copied: the basket prices each line as today's strategy
    does (volume tiers included), so the buyer sees and pays today's price.
    """
    raw = [
        RawRow(row=number, sku=line.partner_sku, quantity=line.quantity)
        for number, line in enumerate(order.lines.all().order_by("pk"), start=1)
    ]
    check = quick_order_check(rows=raw, strategy=strategy, basket=basket)
    result = ReorderResult()
    for row in check.rows:
        if row.errors:
            result.skipped.append(
                _("%(sku)s: %(reason)s")
                % {"sku": row.sku, "reason": "; ".join(str(e.message) for e in row.errors)}
            )
    items = [(row.sku, row.quantity) for row in check.valid_rows]
    if items:
        try:
            added = quick_order_add(basket=basket, items=items, strategy=strategy)
        except QuickOrderRefused as refused:  # stock moved between check and add
            result.skipped.extend(str(error) for error in refused.errors)
        else:
            result.added_lines = added.lines
    return result
