"""A seller's staff see and change only their own lines of a shared order."""

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext as _
from oscar.core.loading import get_model
from oscar.test.factories import (
    OrderDiscountFactory,
    ShippingAddressFactory,
    UserFactory,
    create_basket,
    create_order,
    create_product,
)

from tests.shop.dashboard.tenants import amounts, seller_staff

pytestmark = pytest.mark.django_db

Order = get_model("order", "Order")
Line = get_model("order", "Line")
PaymentEvent = get_model("order", "PaymentEvent")
PaymentEventType = get_model("order", "PaymentEventType")
ShippingEvent = get_model("order", "ShippingEvent")
ShippingEventQuantity = get_model("order", "ShippingEventQuantity")
ShippingEventType = get_model("order", "ShippingEventType")


def test_seller_staff_see_only_their_own_lines(client, shared_order):
    client.force_login(shared_order["staff"])
    response = client.get(f"/dashboard/orders/{shared_order['order'].number}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "我们的芥菜干" in html
    assert "别人的马蹄" not in html
    assert list(response.context["lines"]) == [shared_order["our_line"]]


def test_another_sellers_line_detail_is_not_found(client, shared_order):
    client.force_login(shared_order["staff"])
    number = shared_order["order"].number
    assert (
        client.get(f"/dashboard/orders/{number}/lines/{shared_order['our_line'].pk}/").status_code
        == 200
    )
    assert (
        client.get(f"/dashboard/orders/{number}/lines/{shared_order['their_line'].pk}/").status_code
        == 404
    )


def test_changing_another_sellers_line_status_is_forbidden(client, shared_order):
    client.force_login(shared_order["staff"])
    their_line = shared_order["their_line"]
    before = their_line.status
    response = client.post(
        f"/dashboard/orders/{shared_order['order'].number}/",
        {
            "line_action": "change_line_statuses",
            "selected_line": [shared_order["our_line"].pk, their_line.pk],
            f"selected_line_qty_{their_line.pk}": 3,
            f"selected_line_qty_{shared_order['our_line'].pk}": 2,
            "new_status": "Being processed",
        },
    )
    assert response.status_code == 403
    their_line.refresh_from_db()
    assert their_line.status == before


def test_order_level_actions_are_forbidden_to_seller_staff(client, shared_order):
    client.force_login(shared_order["staff"])
    order = shared_order["order"]
    response = client.post(
        f"/dashboard/orders/{order.number}/",
        {"order_action": "change_order_status", "new_status": "Cancelled"},
    )
    assert response.status_code == 403
    order.refresh_from_db()
    assert order.status != "Cancelled"
    response = client.post(
        f"/dashboard/orders/{order.number}/", {"order_action": "save_note", "message": "x"}
    )
    assert response.status_code == 403 and not order.notes.exists()


def test_shipping_address_is_not_theirs_to_change(client, shared_order):
    client.force_login(shared_order["staff"])
    order = shared_order["order"]
    url = f"/dashboard/orders/{order.number}/shipping-address/"
    assert client.get(url).status_code == 403
    before = order.shipping_address.line1
    assert (
        client.post(url, {"line1": "改掉的地址", "first_name": "x", "last_name": "y"}).status_code
        == 403
    )
    order.shipping_address.refresh_from_db()
    assert order.shipping_address.line1 == before


def test_an_order_without_their_lines_is_not_found(client, shared_order):
    stranger = seller_staff("nobody")
    create_product(title="第三家", partner_name="第三家合作社", partner_users=[stranger])
    client.force_login(stranger)
    assert client.get(f"/dashboard/orders/{shared_order['order'].number}/").status_code == 404


def test_platform_staff_still_see_and_act_on_everything(client, shared_order):
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    order = shared_order["order"]
    response = client.get(f"/dashboard/orders/{order.number}/")
    assert len(response.context["lines"]) == 2
    assert client.get(f"/dashboard/orders/{order.number}/shipping-address/").status_code == 200


def whole_order_secrets(shared):
    """What of the order belongs to the other seller or to the platform."""
    order, their_line = shared["order"], shared["their_line"]
    return [
        *amounts(
            order.total_incl_tax,
            their_line.line_price_incl_tax,
            their_line.line_price_before_discounts_incl_tax,
            their_line.unit_price_incl_tax,
        ),
        "别人的马蹄",
        "BANK-REF-7731",
        "满百减五",
        "PAY-EVT-4410",
        "平台内部备注",
        "SF-THEIRS-1",
    ]


def test_fixture_amounts_tell_the_sellers_apart(paid_shared_order):
    order, our_line = paid_shared_order["order"], paid_shared_order["our_line"]
    assert our_line.line_price_incl_tax == Decimal("56.00")
    assert order.total_incl_tax == Decimal("146.00")


def test_seller_staff_order_list_shows_their_lines_sum_not_the_order_total(
    client, paid_shared_order
):
    client.force_login(paid_shared_order["staff"])
    response = client.get("/dashboard/orders/")
    assert response.status_code == 200
    html = response.content.decode()
    for secret in whole_order_secrets(paid_shared_order):
        assert secret not in html, secret
    assert "56.00" in html  # their own lines: 2 × 28.00
    assert "本店商品金额" in html  # the column says whose figure it is
    [row] = response.context["orders"]
    assert (row.own_num_items, row.own_total_incl_tax) == (2, Decimal("56.00"))


def test_seller_staff_order_detail_shows_only_figures_from_their_lines(client, paid_shared_order):
    client.force_login(paid_shared_order["staff"])
    response = client.get(f"/dashboard/orders/{paid_shared_order['order'].number}/")
    assert response.status_code == 200
    html = response.content.decode()
    for secret in whole_order_secrets(paid_shared_order):
        assert secret not in html, secret
    assert "56.00" in html  # their own lines: 2 × 28.00
    assert response.context["own_totals"].num_items == 2
    assert not response.context["payment_transactions"]


def test_a_discount_on_their_lines_is_shown_from_their_lines(client, paid_shared_order):
    our_line = paid_shared_order["our_line"]
    Line.objects.filter(pk=our_line.pk).update(
        line_price_incl_tax=Decimal("50.00"), line_price_excl_tax=Decimal("50.00")
    )
    client.force_login(paid_shared_order["staff"])
    response = client.get(f"/dashboard/orders/{paid_shared_order['order'].number}/")
    totals = response.context["own_totals"]
    assert (totals.before_discounts_incl_tax, totals.discount_incl_tax) == (
        Decimal("56.00"),
        Decimal("6.00"),
    )
    html = response.content.decode()
    assert "本店商品优惠" in html and "6.00" in html and "50.00" in html
    assert "满百减五" not in html  # the order's offers stay the platform's


def test_seller_staff_see_the_shipping_events_of_their_own_lines(client, paid_shared_order):
    order, our_line = paid_shared_order["order"], paid_shared_order["our_line"]
    shipped = ShippingEventType.objects.get(code="shipped")
    event = ShippingEvent.objects.create(order=order, event_type=shipped, notes="SF-OURS-2")
    ShippingEventQuantity.objects.create(event=event, line=our_line, quantity=2)
    client.force_login(paid_shared_order["staff"])
    html = client.get(f"/dashboard/orders/{order.number}/").content.decode()
    assert "SF-OURS-2" in html
    assert "SF-THEIRS-1" not in html and "别人的马蹄" not in html


def csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_seller_staff_csv_download_carries_their_lines_sum(client, paid_shared_order):
    order = paid_shared_order["order"]
    client.force_login(paid_shared_order["staff"])
    by_link = client.get("/dashboard/orders/", {"response_format": "csv"})
    selected = client.post(
        "/dashboard/orders/", {"action": "download_selected_orders", "selected_order": [order.pk]}
    )
    for response in (by_link, selected):
        assert response.status_code == 200 and response["Content-Type"] == "text/csv"
        header, row = csv_rows(response)
        assert row[header.index(str(_("Value of your lines")))] == "56.00"
        assert row[header.index(str(_("Units on your lines")))] == "2"
        text = response.content.decode("utf-8-sig")
        for secret in amounts(
            order.total_incl_tax, paid_shared_order["their_line"].line_price_incl_tax
        ):
            assert secret not in text


def test_seller_staff_cannot_change_whole_order_statuses_from_the_list(client, paid_shared_order):
    order = paid_shared_order["order"]
    before = order.status
    client.force_login(paid_shared_order["staff"])
    client.post(
        "/dashboard/orders/",
        {
            "action": "change_order_statuses",
            "selected_order": [order.pk],
            "new_status": "Cancelled",
        },
    )
    order.refresh_from_db()
    assert order.status == before


def test_seller_staff_sort_by_their_own_amounts_not_by_order_totals(client, shared_order):
    ours = shared_order["our_line"].product
    theirs = shared_order["their_line"].product
    basket = create_basket(empty=True)
    basket.add_product(ours, 5)  # 140.00 of ours: more than in the shared order, a smaller total
    bigger_for_us = create_order(basket=basket, shipping_address=ShippingAddressFactory())
    assert bigger_for_us.total_incl_tax < shared_order["order"].total_incl_tax
    basket = create_basket(empty=True)
    basket.add_product(theirs, 1)
    create_order(basket=basket, shipping_address=ShippingAddressFactory())  # none of ours
    client.force_login(shared_order["staff"])
    response = client.get("/dashboard/orders/", {"sort": "own_total_incl_tax", "dir": "desc"})
    assert [o.pk for o in response.context["orders"]] == [
        bigger_for_us.pk,
        shared_order["order"].pk,
    ]
    # Sorting by the whole order's total is not offered: the newest order comes first.
    response = client.get("/dashboard/orders/", {"sort": "total_incl_tax", "dir": "desc"})
    assert [o.pk for o in response.context["orders"]] == [
        bigger_for_us.pk,
        shared_order["order"].pk,
    ]


def test_seller_staff_order_list_runs_the_same_queries_for_one_order_or_many(client, shared_order):
    client.force_login(shared_order["staff"])
    client.get("/dashboard/orders/")  # warm the session, permission and site caches
    with CaptureQueriesContext(connection) as one:
        assert client.get("/dashboard/orders/").status_code == 200
    ours = shared_order["our_line"].product
    for quantity in (1, 2, 3):
        basket = create_basket(empty=True)
        basket.add_product(ours, quantity)
        create_order(basket=basket, shipping_address=ShippingAddressFactory())
    with CaptureQueriesContext(connection) as four:
        response = client.get("/dashboard/orders/")
    assert len(response.context["orders"]) == 4
    assert len(four.captured_queries) == len(one.captured_queries)


def test_seller_staff_order_statistics_count_only_their_lines(client, paid_shared_order):
    client.force_login(paid_shared_order["staff"])
    response = client.get("/dashboard/orders/statistics/")
    assert response.status_code == 200
    assert response.context["total_lines"] == 1
    assert response.context["total_revenue"] == Decimal("56.00")
    html = response.content.decode()
    for secret in amounts(paid_shared_order["order"].total_incl_tax):
        assert secret not in html


def test_platform_staff_see_the_whole_order_as_oscar_shows_it(client, paid_shared_order):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    order = paid_shared_order["order"]
    listing = client.get("/dashboard/orders/")
    assert "146.00" in listing.content.decode()
    assert listing.templates[0].name == "oscar/dashboard/orders/order_list.html"
    detail = client.get(f"/dashboard/orders/{order.number}/")
    html = detail.content.decode()
    assert detail.templates[0].name == "oscar/dashboard/orders/order_detail.html"
    for shown in ("146.00", "90.00", "别人的马蹄", "BANK-REF-7731", "满百减五", "PAY-EVT-4410"):
        assert shown in html, shown
    header, row = csv_rows(client.get("/dashboard/orders/", {"response_format": "csv"}))
    assert row[header.index(str(_("Order value")))] == "146.00"
    stats = client.get("/dashboard/orders/statistics/")
    assert stats.context["total_revenue"] == Decimal("146.00")


# The order list's search: a filter on whole-order data (its voucher, its
# payment sources) or on another seller's lines would tell a seller's staff
# which of their orders carry what they may not see.


@pytest.fixture
def two_orders_of_ours(paid_shared_order):
    """The shared order (the other seller's line, a voucher, a bank-transfer source)
    and an order of ours alone, with neither."""
    basket = create_basket(empty=True)
    basket.add_product(paid_shared_order["our_line"].product, 1)
    ours_only = create_order(basket=basket, shipping_address=ShippingAddressFactory())
    OrderDiscountFactory(
        order=paid_shared_order["order"], voucher_code="THEIRS-VOUCHER", amount=Decimal("1.00")
    )
    return {**paid_shared_order, "ours_only": ours_only}


def listed(client, **search):
    response = client.get("/dashboard/orders/", search)
    assert response.status_code == 200
    return {order.pk for order in response.context["orders"]}


def test_seller_staff_cannot_tell_orders_apart_by_voucher_or_payment_method(
    client, two_orders_of_ours
):
    client.force_login(two_orders_of_ours["staff"])
    everything = listed(client)
    assert everything == {two_orders_of_ours["order"].pk, two_orders_of_ours["ours_only"].pk}
    assert listed(client, voucher="THEIRS-VOUCHER") == everything
    assert listed(client, voucher="NO-SUCH-VOUCHER") == everything
    assert listed(client, payment_method="bank-transfer") == everything
    response = client.get("/dashboard/orders/")
    assert "voucher" not in response.context["form"].fields
    assert "payment_method" not in response.context["form"].fields
    html = response.content.decode()
    for secret in ('name="voucher"', 'name="payment_method"', "对公转账"):  # the source type
        assert secret not in html, secret


def test_seller_staff_search_by_product_matches_only_their_own_lines(client, two_orders_of_ours):
    their_line = two_orders_of_ours["their_line"]
    client.force_login(two_orders_of_ours["staff"])
    assert listed(client, product_title="别人的") == set()
    assert listed(client, partner_sku=their_line.partner_sku) == set()
    if their_line.upc:
        assert listed(client, upc=their_line.upc) == set()
    both = {two_orders_of_ours["order"].pk, two_orders_of_ours["ours_only"].pk}
    assert listed(client, product_title="我们的") == both
    assert listed(client, partner_sku=two_orders_of_ours["our_line"].partner_sku) == both


def test_seller_staff_filtered_order_list_runs_the_same_queries_for_one_order_or_many(
    client, two_orders_of_ours
):
    client.force_login(two_orders_of_ours["staff"])
    search = {"product_title": "我们的", "status": two_orders_of_ours["order"].status}
    client.get("/dashboard/orders/", search)  # warm the session, permission and site caches
    with CaptureQueriesContext(connection) as two:
        client.get("/dashboard/orders/", search)
    ours = two_orders_of_ours["our_line"].product
    for quantity in (1, 2, 3):
        basket = create_basket(empty=True)
        basket.add_product(ours, quantity)
        create_order(basket=basket, shipping_address=ShippingAddressFactory())
    with CaptureQueriesContext(connection) as five:
        response = client.get("/dashboard/orders/", search)
    assert len(response.context["orders"]) == 5
    assert len(five.captured_queries) == len(two.captured_queries)


def test_platform_staff_still_search_by_voucher_and_payment_method(client, two_orders_of_ours):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    shared = {two_orders_of_ours["order"].pk}
    assert listed(client, voucher="THEIRS-VOUCHER") == shared
    assert listed(client, payment_method="bank-transfer") == shared
    assert listed(client, product_title="别人的") == shared


# Payment events are the platform's: the work team records transfers.


def payment_event_posted(client, order, line):
    """Oscar's line action: a payment event of 56.00 for two units of ``line``."""
    return client.post(
        f"/dashboard/orders/{order.number}/",
        {
            "line_action": "create_payment_event",
            "selected_line": [line.pk],
            f"selected_line_qty_{line.pk}": 2,
            "payment_event_type": "paid",
            "amount": "56.00",
        },
    )


def test_seller_staff_cannot_create_payment_events_on_their_lines(client, paid_shared_order):
    order, our_line = paid_shared_order["order"], paid_shared_order["our_line"]
    before = list(PaymentEvent.objects.values_list("pk", flat=True))
    client.force_login(paid_shared_order["staff"])
    response = payment_event_posted(client, order, our_line)
    assert response.status_code == 403
    assert list(PaymentEvent.objects.values_list("pk", flat=True)) == before
    html = client.get(f"/dashboard/orders/{order.number}/").content.decode()
    assert 'value="create_payment_event"' not in html
    assert 'value="create_shipping_event"' in html  # shipping their lines is theirs


def test_platform_staff_still_create_payment_events_on_lines(client, paid_shared_order):
    order, our_line = paid_shared_order["order"], paid_shared_order["our_line"]
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = payment_event_posted(client, order, our_line)
    assert response.status_code == 302
    assert PaymentEvent.objects.filter(order=order, amount=Decimal("56.00")).exists()
