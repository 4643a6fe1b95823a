"""The dashboard home's figures for a seller's staff: their own lines and stock only.

Oscar's home page counts whole orders for a partner user: the total and the
average of every order that holds one of their lines, customers, open
baskets. Those are other sellers' and the platform's figures. A seller's
staff get sums of their own lines (units, revenue after discounts, the last
24 hours drawn in two-hour bars), their lines still to ship, their products
and the stock alerts of their own stock records.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_UP, Decimal

from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from oscar.core.loading import get_model

from money.split import FEN
from shop.order.models import PaymentStatus
from shop.order.processing import SHIPPED
from shop.services.payments import CANCELLED_ORDER_STATUS

Line = get_model("order", "Line")
ShippingEventQuantity = get_model("order", "ShippingEventQuantity")
Product = get_model("catalogue", "Product")
StockAlert = get_model("partner", "StockAlert")

ZERO = Decimal("0.00")
CHART_HOURS = 24
BAR_HOURS = 2
CHART_SEGMENTS = 10


@dataclass(frozen=True)
class LineFigures:
    """A seller's own lines over a period: the orders holding them, lines, units, revenue."""

    orders: int
    lines: int
    units: int
    revenue: Decimal


@dataclass(frozen=True)
class RevenueBar:
    end_time: datetime
    total_incl_tax: Decimal
    percentage: int


@dataclass(frozen=True)
class RevenueChart:
    """Revenue of the seller's lines in two-hour bars, scaled as Oscar's home chart is."""

    bars: list[RevenueBar]
    y_axis: list[Decimal]
    max_revenue: Decimal


@dataclass(frozen=True)
class SellerHome:
    last_day: LineFigures
    all_time: LineFigures
    revenue_chart: RevenueChart
    lines_to_ship: int
    products: int
    open_stock_alerts: int
    closed_stock_alerts: int


def revenue_chart(*, bars: list[tuple[datetime, Decimal]], segments: int) -> RevenueChart:
    """Bar heights in percent of a rounded-up maximum and the y-axis labels, as
    Oscar's ``IndexView.get_hourly_report`` computes them."""
    totals = [total for _, total in bars]
    max_value = max(totals, default=ZERO)
    divisor = 1
    while divisor < max_value / 50:
        divisor *= 10
    max_value = (max_value / divisor).quantize(Decimal("1"), rounding=ROUND_UP) * divisor
    if not max_value:
        return RevenueChart(
            bars=[RevenueBar(end, total, 0) for end, total in bars], y_axis=[], max_revenue=ZERO
        )
    segment_size = max_value / Decimal("100.0")
    step = max_value / Decimal(segments)
    return RevenueChart(
        bars=[RevenueBar(end, total, int(total / segment_size)) for end, total in bars],
        y_axis=[index * step for index in reversed(range(segments + 1))],
        max_revenue=max_value,
    )


def _bar_ends(*, now: datetime) -> list[datetime]:
    """Ends of the chart's bars: from the top of the hour 23 hours ago, every two hours."""
    start = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=CHART_HOURS - 1)
    return [start + timedelta(hours=h) for h in range(BAR_HOURS, CHART_HOURS + 1, BAR_HOURS)]


def _line_sums(*, lines, now: datetime) -> tuple[LineFigures, LineFigures, RevenueChart]:
    """All-time and last-24-hour figures and the chart's bars, in one query."""
    last_day = Q(order__date_placed__gt=now - timedelta(hours=24))
    ends = _bar_ends(now=now)
    bars = {
        f"bar_{i}": Sum(
            "line_price_incl_tax",
            filter=Q(
                order__date_placed__gte=end - timedelta(hours=BAR_HOURS),
                order__date_placed__lt=end,
            ),
            default=ZERO,
        )
        for i, end in enumerate(ends)
    }
    sums = lines.order_by().aggregate(
        orders=Count("order", distinct=True),
        lines=Count("pk"),
        units=Sum("quantity", default=0),
        revenue=Sum("line_price_incl_tax", default=ZERO),
        day_orders=Count("order", distinct=True, filter=last_day),
        day_lines=Count("pk", filter=last_day),
        day_units=Sum("quantity", filter=last_day, default=0),
        day_revenue=Sum("line_price_incl_tax", filter=last_day, default=ZERO),
        **bars,
    )
    # Quantized: SQLite hands back a computed sum without its two decimals.
    all_time = LineFigures(
        sums["orders"], sums["lines"], sums["units"], sums["revenue"].quantize(FEN)
    )
    day = LineFigures(
        sums["day_orders"], sums["day_lines"], sums["day_units"], sums["day_revenue"].quantize(FEN)
    )
    chart = revenue_chart(
        bars=[(end, sums[f"bar_{i}"].quantize(FEN)) for i, end in enumerate(ends)],
        segments=CHART_SEGMENTS,
    )
    return all_time, day, chart


def _lines_to_ship(*, lines) -> int:
    """Lines of orders not cancelled with units not yet on a 'shipped' event."""
    shipped = (
        ShippingEventQuantity.objects.filter(line=OuterRef("pk"), event__event_type__code=SHIPPED)
        .order_by()
        .values("line")
        .annotate(units=Sum("quantity"))
        .values("units")
    )
    return (
        lines.exclude(order__status=CANCELLED_ORDER_STATUS)
        .exclude(order__payment_status=PaymentStatus.CANCELLED)
        .annotate(shipped_units=Coalesce(Subquery(shipped), 0))
        .filter(shipped_units__lt=F("quantity"))
        .count()
    )


def seller_home(*, user, now: datetime) -> SellerHome:
    """The home page's figures for a seller's staff, from their partners' lines and
    stock records only; four queries however many orders there are."""
    lines = Line.objects.filter(partner__users=user)
    all_time, last_day, chart = _line_sums(lines=lines, now=now)
    alerts = StockAlert.objects.filter(stockrecord__partner__users=user).aggregate(
        open=Count("pk", filter=Q(status=StockAlert.OPEN)),
        closed=Count("pk", filter=Q(status=StockAlert.CLOSED)),
    )
    return SellerHome(
        last_day=last_day,
        all_time=all_time,
        revenue_chart=chart,
        lines_to_ship=_lines_to_ship(lines=lines),
        products=Product.objects.filter(stockrecords__partner__users=user).distinct().count(),
        open_stock_alerts=alerts["open"],
        closed_stock_alerts=alerts["closed"],
    )
