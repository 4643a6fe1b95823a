"""The dashboard's home page: a seller's staff see figures from their own lines and stock only."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from oscar.core.loading import get_model
from oscar.test.factories import (
    ShippingAddressFactory,
    UserFactory,
    create_basket,
    create_order,
    create_product,
)

from tests.shop.dashboard.tenants import amounts

pytestmark = pytest.mark.django_db

Order = get_model("order", "Order")
ShippingEvent = get_model("order", "ShippingEvent")
ShippingEventQuantity = get_model("order", "ShippingEventQuantity")
ShippingEventType = get_model("order", "ShippingEventType")
StockAlert = get_model("partner", "StockAlert")


def order_of(*product_quantities):
    basket = create_basket(empty=True)
    for product, quantity in product_quantities:
        basket.add_product(product, quantity)
    return create_order(basket=basket, shipping_address=ShippingAddressFactory())


@pytest.fixture
def two_sellers(paid_shared_order):
    """Beside the shared order (ours 2 × 28.00, theirs 3 × 30.00, 146.00 in all, their
    line shipped): an order of theirs alone (7 × 30.00) and an older order of ours
    (1 × 28.00, three days ago, shipped); stock alerts on both sellers' stock."""
    ours = paid_shared_order["our_line"].product
    theirs = paid_shared_order["their_line"].product
    theirs_only = order_of((theirs, 7))
    older = order_of((ours, 1))
    Order.objects.filter(pk=older.pk).update(date_placed=timezone.now() - timedelta(days=3))
    shipped = ShippingEventType.objects.get(code="shipped")
    event = ShippingEvent.objects.create(order=older, event_type=shipped, notes="SF-OURS-OLD")
    ShippingEventQuantity.objects.create(event=event, line=older.lines.get(), quantity=1)
    our_record = ours.stockrecords.get()
    their_record = theirs.stockrecords.get()
    StockAlert.objects.create(stockrecord=our_record, threshold=5)
    StockAlert.objects.create(stockrecord=their_record, threshold=8)
    StockAlert.objects.create(stockrecord=their_record, threshold=9)
    StockAlert.objects.create(stockrecord=their_record, threshold=3, status=StockAlert.CLOSED)
    create_product(title="别人的姜", price=Decimal("12.00"), partner_name=their_record.partner.name)
    return {**paid_shared_order, "theirs_only": theirs_only, "older": older}


def platform_figures(shared):
    """Amounts only the other seller or the platform may see on the home page."""
    shared_total = shared["order"].total_incl_tax  # 146.00
    theirs_only = shared["theirs_only"].total_incl_tax  # 210.00
    older = shared["older"].total_incl_tax  # 28.00
    their_line = shared["their_line"].line_price_incl_tax  # 90.00
    return amounts(
        shared_total,
        their_line,
        theirs_only,
        their_line + theirs_only,  # their revenue
        shared_total + older,  # revenue of orders with our lines
        shared_total + theirs_only,  # the platform's last 24 hours
        shared_total + theirs_only + older,  # the platform's revenue
        (shared_total + older) / 2,  # average order of orders with our lines
    )


def test_seller_staff_home_shows_only_figures_from_their_own_lines(client, two_sellers):
    assert two_sellers["theirs_only"].total_incl_tax == Decimal("210.00")
    client.force_login(two_sellers["staff"])
    response = client.get("/dashboard/")
    assert response.status_code == 200
    html = response.content.decode()
    for secret in platform_figures(two_sellers):
        assert secret not in html, secret
    home = response.context["seller_home"]
    assert (home.last_day.orders, home.last_day.lines, home.last_day.units) == (1, 1, 2)
    assert home.last_day.revenue == Decimal("56.00")
    assert (home.all_time.orders, home.all_time.lines, home.all_time.units) == (2, 2, 3)
    assert home.all_time.revenue == Decimal("84.00")
    assert home.lines_to_ship == 1  # the shared order's line; the older one has shipped
    assert home.products == 1
    assert (home.open_stock_alerts, home.closed_stock_alerts) == (1, 0)
    assert sum(bar.total_incl_tax for bar in home.revenue_chart.bars) == Decimal("56.00")
    assert "56.00" in html and "84.00" in html
    for whole_platform in ("total_customers", "total_open_baskets", "average_order_costs"):
        assert whole_platform not in response.context


def test_seller_staff_home_does_not_count_cancelled_lines_as_to_ship(client, two_sellers):
    Order.objects.filter(pk=two_sellers["order"].pk).update(status="Cancelled")
    client.force_login(two_sellers["staff"])
    assert client.get("/dashboard/").context["seller_home"].lines_to_ship == 0


def test_seller_staff_home_runs_the_same_queries_for_few_orders_or_many(client, two_sellers):
    client.force_login(two_sellers["staff"])
    client.get("/dashboard/")  # warm the session, permission and site caches
    with CaptureQueriesContext(connection) as few:
        client.get("/dashboard/")
    ours = two_sellers["our_line"].product
    for quantity in (1, 2, 3):
        order_of((ours, quantity))
    with CaptureQueriesContext(connection) as many:
        response = client.get("/dashboard/")
    assert response.context["seller_home"].all_time.orders == 5
    assert len(many.captured_queries) == len(few.captured_queries)


def test_platform_staff_keep_oscars_home_with_the_whole_platforms_figures(client, two_sellers):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get("/dashboard/")
    assert response.templates[0].name == "oscar/dashboard/index.html"
    assert response.context["total_revenue_last_day"] == Decimal("356.00")
    assert response.context["total_orders"] == 3
    assert "356.00" in response.content.decode()
