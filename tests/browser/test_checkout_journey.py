"""Checkout keeps what the buyer typed, shows no placeholder, and honours the PO rule."""

import pytest
from oscar.core.loading import get_model

from shop.models import Enterprise
from tests.browser.journeys import screenshot, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Order = get_model("order", "Order")
Product = get_model("catalogue", "Product")

PO_REQUIRED = "贵企业要求每笔订单填写采购单号"


def test_po_rule_and_typed_order_details_survive_going_back_and_reloading(
    page, live_server, demo_world
):
    # the enterprise's administrator makes the PO number compulsory
    sign_in(page, live_server, "admin@guoguang.example")
    page.goto(live_server.url + "/enterprise/invoice-profile/")
    page.get_by_label("订单须填写采购单号").check()
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state()
    assert Enterprise.objects.get(name="国光电器股份有限公司").requires_po_number
    sign_out(page, live_server)

    sign_in(page, live_server, "buyer@guoguang.example")
    page.goto(live_server.url + Product.objects.get(upc="TB-MT-2500").get_absolute_url())
    page.locator("#add_to_basket_form button[type=submit]").click()
    page.wait_for_load_state()
    page.goto(live_server.url + "/basket/")
    page.click("#basket-checkout")
    page.wait_for_url("**/checkout/shipping-address/")
    assert "支付细节去这里" not in page.content()
    page.click("#deliver_here")
    page.wait_for_url("**/checkout/payment-details/")
    assert "支付细节去这里" not in page.content()

    # the payment method is a radio button of its own, not drawn inside a text box
    radio = page.locator("input[name=payment_method]")
    assert radio.count() == 1 and radio.is_checked()
    assert page.locator(".form-control input[name=payment_method]").count() == 0
    assert "form-control" not in (radio.get_attribute("class") or "")
    box = radio.bounding_box()
    assert box["width"] < 30 and box["height"] < 30
    screenshot(page, "journey-4-order-details")

    # no PO number: refused, in both languages
    page.click("#view_preview")
    page.wait_for_load_state()
    assert PO_REQUIRED in page.content()
    assert "Your enterprise requires a PO number" in page.content()

    page.fill("#id_po_number", "GG-PO-2026-201")
    page.fill("#id_email", "finance@guoguang.example")
    page.fill("#id_note", "请送到员工食堂后门")
    page.click("#view_preview")
    page.wait_for_url("**/checkout/preview/")
    assert "支付细节去这里" not in page.content()
    assert page.locator(".shop-po-number").inner_text() == "GG-PO-2026-201"

    # the preview reached again (a reload by address) still has everything
    page.goto(live_server.url + "/checkout/preview/")
    assert page.locator(".shop-po-number").inner_text() == "GG-PO-2026-201"
    assert "请送到员工食堂后门" in page.content()

    # back to the form: what was typed is there
    page.goto(live_server.url + "/checkout/payment-details/")
    assert page.input_value("#id_po_number") == "GG-PO-2026-201"
    assert page.input_value("#id_email") == "finance@guoguang.example"
    assert page.input_value("#id_note") == "请送到员工食堂后门"
    page.click("#view_preview")
    page.wait_for_url("**/checkout/preview/")

    # placing the order without a PO number is refused, whatever the page sends
    orders_before = Order.objects.count()
    page.evaluate("document.querySelector('#place_order_form #id_po_number').value = ''")
    page.click("#place-order")
    page.wait_for_load_state()
    assert PO_REQUIRED in page.content()
    assert Order.objects.count() == orders_before

    page.fill("#id_po_number", "GG-PO-2026-201")
    page.click("#view_preview")
    page.wait_for_url("**/checkout/preview/")
    page.click("#place-order")
    page.wait_for_url("**/checkout/thank-you/")
    order = Order.objects.get(po_number="GG-PO-2026-201")
    assert order.buyer_note == "请送到员工食堂后门"
    assert order.invoice.email == "finance@guoguang.example"

    # the next checkout starts afresh
    page.goto(live_server.url + Product.objects.get(upc="TB-MT-2500").get_absolute_url())
    page.locator("#add_to_basket_form button[type=submit]").click()
    page.wait_for_load_state()
    page.goto(live_server.url + "/checkout/shipping-address/")
    page.click("#deliver_here")
    page.wait_for_url("**/checkout/payment-details/")
    assert page.input_value("#id_po_number") == ""
