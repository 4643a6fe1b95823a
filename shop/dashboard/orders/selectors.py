"""What a seller's staff may read of a shared order: their own lines and figures from them.

An order can hold lines of several sellers. Its totals, shipping charge,
payments and discounts are the whole order's, so a seller's staff (a user who
is not staff, linked to partners) get figures summed from their own lines
instead; the platform's staff read the order as stock Oscar shows it.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from oscar.core.loading import get_model

from money.split import FEN

Line = get_model("order", "Line")
ShippingEvent = get_model("order", "ShippingEvent")
ShippingEventQuantity = get_model("order", "ShippingEventQuantity")

ZERO = Decimal("0.00")


def is_seller_staff_only(user) -> bool:
    return not user.is_staff


def own_lines(user, lines: QuerySet) -> QuerySet:
    """The lines a user may see: all for staff, their partners' for a seller's staff."""
    if is_seller_staff_only(user):
        return lines.filter(partner__users=user)
    return lines


def orders_matching_own_lines(
    *, orders: QuerySet, user, product_title: str = "", upc: str = "", partner_sku: str = ""
) -> QuerySet:
    """Narrow Oscar's search by product name, UPC or partner SKU to orders where one of
    the user's own lines matches: Oscar matches any line of the order, so a search
    for another seller's product would pick out the orders it shares with them.
    Each criterion, as in Oscar, may match a different line: one EXISTS each, inside
    the list's query."""
    criteria = {
        "title__istartswith": product_title,
        "upc": upc,
        "partner_sku": partner_sku,
    }
    for lookup, value in criteria.items():
        if value:
            mine = Line.objects.filter(order=OuterRef("pk"), partner__users=user, **{lookup: value})
            orders = orders.filter(Exists(mine))
    return orders


def _own_line_sum(*, user, field: str, output_field) -> Coalesce:
    """The sum of ``field`` over the user's lines of the outer order, as a scalar subquery."""
    per_order = (
        Line.objects.filter(order=OuterRef("pk"), partner__users=user)
        .order_by()
        .values("order")
        .annotate(total=Sum(field))
        .values("total")
    )
    zero = ZERO if isinstance(output_field, DecimalField) else 0
    return Coalesce(Subquery(per_order, output_field=output_field), zero, output_field=output_field)


def orders_with_own_line_totals(*, orders: QuerySet, user) -> QuerySet:
    """Annotate each order with the user's own lines: ``own_num_items`` (units) and
    ``own_total_incl_tax`` (what the buyer pays for them, after discounts).
    Correlated subqueries inside the list's query: no query per order."""
    money = DecimalField(max_digits=12, decimal_places=2)
    return orders.annotate(
        own_num_items=_own_line_sum(user=user, field="quantity", output_field=IntegerField()),
        own_total_incl_tax=_own_line_sum(
            user=user, field="line_price_incl_tax", output_field=money
        ),
    )


@dataclass(frozen=True)
class OwnLineTotals:
    """Figures of one order computed from a seller's own lines only."""

    num_items: int
    before_discounts_excl_tax: Decimal
    before_discounts_incl_tax: Decimal
    total_excl_tax: Decimal
    total_incl_tax: Decimal

    @property
    def discount_excl_tax(self) -> Decimal:
        return self.before_discounts_excl_tax - self.total_excl_tax

    @property
    def discount_incl_tax(self) -> Decimal:
        return self.before_discounts_incl_tax - self.total_incl_tax


def own_line_totals(*, lines: QuerySet) -> OwnLineTotals:
    """Sum the given lines (already narrowed to the user's own) in one query."""
    sums = lines.order_by().aggregate(
        num_items=Sum("quantity", default=0),
        before_discounts_excl_tax=Sum("line_price_before_discounts_excl_tax", default=ZERO),
        before_discounts_incl_tax=Sum("line_price_before_discounts_incl_tax", default=ZERO),
        total_excl_tax=Sum("line_price_excl_tax", default=ZERO),
        total_incl_tax=Sum("line_price_incl_tax", default=ZERO),
    )
    num_items = sums.pop("num_items")
    return OwnLineTotals(num_items=num_items, **{k: v.quantize(FEN) for k, v in sums.items()})


def own_shipping_events(*, order, user) -> QuerySet:
    """The order's shipping events that touched the user's lines, each carrying only
    the quantities of those lines (``own_line_quantities``)."""
    mine = ShippingEventQuantity.objects.filter(line__partner__users=user).select_related("line")
    return (
        ShippingEvent.objects.filter(order=order, line_quantities__line__partner__users=user)
        .distinct()
        .select_related("event_type")
        .prefetch_related(Prefetch("line_quantities", queryset=mine, to_attr="own_line_quantities"))
    )


def own_order_stats(*, orders: QuerySet, user) -> dict[str, int | Decimal]:
    """Oscar's order statistics with lines and revenue counted from the user's lines."""
    return Line.objects.filter(order__in=orders, partner__users=user).aggregate(
        total_lines=Count("pk"), total_revenue=Sum("line_price_incl_tax", default=ZERO)
    )
