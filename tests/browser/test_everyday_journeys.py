"""The everyday journeys of each role that used to need a workaround (issue 22, items 6–9, 12)."""

import datetime

import pytest
import time_machine
from oscar.core.loading import get_model

from demo.history import demo_history_load
from shop.order.models import Order, PaymentStatus
from tests.browser.journeys import screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

StockRecord = get_model("partner", "StockRecord")


@pytest.fixture
def demo_with_orders(demo_world):
    demo_history_load()
    return demo_world


def test_team_dashboard_home_offers_only_links_the_team_may_follow(page, live_server, demo_world):
    sign_in(page, live_server, "team@taibao.example")
    page.goto(live_server.url + "/dashboard/")
    hrefs = page.locator("#default a, body a").evaluate_all("links => links.map(a => a.pathname)")
    assert "/dashboard/orders/" not in hrefs
    assert "/dashboard/catalogue/" not in hrefs
    assert "/dashboard/catalogue/stock-alerts/" not in hrefs
    assert page.get_by_text("查看库存警报").count() == 0
    # every link left on the page opens (no 403 behind any of them)
    for href in sorted({h for h in hrefs if h.startswith("/dashboard/")}):
        response = page.request.get(live_server.url + href)
        assert response.status != 403, href
    screenshot(page, "journey-6-team-home")

    # a page the team may not open: the site's layout, in Chinese and English
    response = page.goto(live_server.url + "/dashboard/catalogue/")
    assert response.status == 403
    assert "无权访问" in page.locator("h1").inner_text()
    assert "Permission denied" in page.locator("h1").inner_text()
    assert "Your account may not open this page." in page.content()
    assert page.locator("a[href='/']").count() >= 1  # the shop's header and a way home
    assert "太保消费帮扶馆" in page.title()
    screenshot(page, "journey-6-403")

    response = page.goto(live_server.url + "/no-such-page/")
    assert response.status == 404
    assert "页面不存在 / Page not found" in page.locator("h1").inner_text()


def test_a_seller_is_refused_the_teams_page_and_another_sellers_stock_in_the_layout(
    page, live_server, demo_world
):
    other = StockRecord.objects.get(partner_sku="TB-JD-30")  # the assistance shop's, not Fengle's
    sign_in(page, live_server, "seller@fengle.example")
    response = page.goto(live_server.url + "/dashboard/transfers/")
    assert response.status == 403
    assert "无权访问 / Permission denied" in page.locator("h1").inner_text()
    response = page.goto(live_server.url + f"/dashboard/seller/stock/{other.pk}/")
    assert response.status == 404
    assert "页面不存在 / Page not found" in page.locator("h1").inner_text()


def test_team_finds_an_order_awaiting_transfer_by_its_po_number(
    page, live_server, demo_with_orders
):
    sign_in(page, live_server, "team@taibao.example")
    page.goto(live_server.url + "/dashboard/transfers/")
    page.fill("input[name=q]", "DEMO-PO-GG-W52")
    page.get_by_role("button", name="搜索").click()
    page.wait_for_load_state()
    rows = page.locator(".shop-awaiting tbody tr")
    assert rows.count() == 1
    number = Order.objects.get(po_number="DEMO-PO-GG-W52").number
    assert number in rows.first.inner_text()
    assert rows.first.locator(".shop-po-number").inner_text() == "DEMO-PO-GG-W52"

    page.fill("input[name=q]", "国光")  # by the enterprise's name
    page.get_by_role("button", name="搜索").click()
    page.wait_for_load_state()
    assert number in page.locator(".shop-awaiting").inner_text()


def test_statement_form_opens_with_this_years_dates_filled_in(page, live_server, demo_world):
    with time_machine.travel(datetime.datetime(2026, 11, 28, 10, 0, tzinfo=datetime.UTC)):
        sign_in(page, live_server, "buyer@guoguang.example")
        page.goto(live_server.url + "/enterprise/statements/")
        assert page.input_value("#id_period_from") == "2026-01-01"
        assert page.input_value("#id_period_to") == "2026-11-28"
        # the browser accepts them as dates: the form is valid as it opens
        assert page.evaluate("document.querySelector('.shop-statement-form').checkValidity()")
        screenshot(page, "journey-8-statement-dates")


def test_seller_sees_low_stock_on_the_stock_page_and_dashboard_home(page, live_server, demo_world):
    record = StockRecord.objects.get(partner_sku="TB-SG-500")
    available = record.num_in_stock - (record.num_allocated or 0)
    sign_in(page, live_server, "seller@fengle.example")
    page.goto(live_server.url + "/dashboard/seller/")
    assert page.locator(".farm-low-row").count() == 0
    page.goto(live_server.url + f"/dashboard/seller/stock/{record.pk}/threshold/")
    page.fill("#id_low_stock_threshold", str(available + 1))
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()

    page.goto(live_server.url + "/dashboard/seller/")
    low_rows = page.locator(".farm-low-row")
    assert low_rows.count() == 1
    assert "笋干" in low_rows.inner_text() and "库存偏低" in low_rows.inner_text()
    assert "1 种商品库存偏低" in page.locator(".farm-low-stock").inner_text()
    screenshot(page, "journey-9-stock-page")

    page.goto(live_server.url + "/dashboard/")
    alert = page.locator(".farm-low-stock")
    assert "笋干 500克袋装" in alert.inner_text()
    assert f"可售 {available}，预警线 {available + 1}" in alert.inner_text()
    screenshot(page, "journey-9-dashboard-home")


def test_buyer_confirms_before_an_order_is_cancelled(page, live_server, demo_with_orders):
    order = Order.objects.get(po_number="DEMO-PO-GG-W52")
    sign_in(page, live_server, "buyer@guoguang.example")
    page.goto(live_server.url + f"/enterprise/orders/{order.number}/")
    page.click("#cancel-order")
    page.wait_for_url(f"**/enterprise/orders/{order.number}/cancel/")
    assert f"取消订单 {order.number}？" in page.locator("h1").inner_text()
    assert "无法撤销" in page.locator(".shop-cancel-warning").inner_text()
    order.refresh_from_db()
    assert order.payment_status == PaymentStatus.AWAITING  # the first click changed nothing
    screenshot(page, "journey-12-confirm-cancel")

    page.click("#keep-order")
    page.wait_for_url(f"**/enterprise/orders/{order.number}/")
    order.refresh_from_db()
    assert order.payment_status == PaymentStatus.AWAITING

    page.click("#cancel-order")
    page.click("#confirm-cancel")
    page.wait_for_url(f"**/enterprise/orders/{order.number}/")
    order.refresh_from_db()
    assert order.payment_status == PaymentStatus.CANCELLED
    assert page.locator("#cancel-order").count() == 0
