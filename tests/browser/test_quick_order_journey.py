import pytest
from oscar.core.loading import get_model

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")

PASTED = "TB-MT-5000 20\nTB-SJ-2500\t10\nTB-GLZ-R-250, 60"


def test_buyer_quick_orders_three_products_and_checks_out_by_bank_transfer(
    page, live_server, settings, tmp_path
):
    from demo.world import demo_world_load

    settings.MEDIA_ROOT = tmp_path / "media"
    demo_world_load()

    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_login-username", "buyer@guoguang.example")
    page.fill("#id_login-password", settings.TAIBAO_DEMO_PASSWORD)
    page.click("button[name=login_submit]")
    page.wait_for_load_state()

    page.click("#nav-quick-order")
    page.wait_for_url("**/quick-order/")
    page.fill("textarea[name=lines]", PASTED)
    page.click("#check_list")
    page.wait_for_load_state()
    rows = page.locator(".shop-quick-rows tbody tr")
    assert rows.count() == 3
    assert page.locator(".shop-quick-errors").count() == 0
    assert "¥15.00" in page.locator(".shop-quick-rows").inner_text()  # 炒瓜蒌籽 at the 50+ tier

    page.click("#add_chosen")
    page.wait_for_url("**/basket/")
    basket = page.content()
    assert "马蹄 5千克箱装" in basket and "生姜 2.5千克箱装" in basket and "炒瓜蒌籽" in basket

    page.goto(live_server.url + "/checkout/")
    page.wait_for_url("**/checkout/shipping-address/")
    page.click("#deliver_here")
    page.wait_for_url("**/checkout/payment-details/")
    page.fill("#id_po_number", "GG-PO-2026-118")
    page.click("#view_preview")
    page.wait_for_url("**/checkout/preview/")
    assert "GG-PO-2026-118" in page.locator(".shop-po-number").inner_text()
    page.click("#place-order")
    page.wait_for_url("**/checkout/thank-you/")

    order = Order.objects.get(po_number="GG-PO-2026-118")
    assert page.locator(".shop-order-number").inner_text() == str(order.number)
    assert page.locator(".shop-payment-status").inner_text() == "待付款"
    assert page.locator(".shop-transfer-reference").inner_text() == str(order.number)
    assert settings.TAIBAO_PAYEE_ACCOUNT in page.locator(".shop-payee-account").inner_text()
    assert order.payment_status == "awaiting" and order.lines.count() == 3
    assert StockRecord.objects.get(partner_sku="TB-MT-5000").num_allocated == 20
