"""Intake and stock-take at the collection point, on a 375-px-wide phone screen."""

import pytest
from oscar.core.loading import get_model

from farmers.models import Lot
from farmers.services.stock import stock_lot_mismatches

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

StockRecord = get_model("partner", "StockRecord")
PHONE = {"width": 375, "height": 812}


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_seller_records_a_lot_and_a_count_on_a_phone(browser, live_server, settings, tmp_path):
    from demo.world import demo_world_load

    settings.MEDIA_ROOT = tmp_path / "media"
    demo_world_load()
    record = StockRecord.objects.get(partner_sku="TB-CG-JC-500")
    before = record.num_in_stock

    context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_login-username", "seller@fengle.example")
    page.fill("#id_login-password", settings.TAIBAO_DEMO_PASSWORD)
    page.click("button[name=login_submit]")
    page.wait_for_load_state()

    page.goto(live_server.url + "/dashboard/seller/")
    card = page.locator(".farm-stock-cards .card", has_text="TB-CG-JC-500")
    card.locator("a.btn-primary").click()
    page.wait_for_url("**/intake/")
    assert fits_the_screen(page)
    page.select_option("#id_household", label="H06 邓国强（上坪村）")
    page.fill("#id_units", "40")
    page.fill("#id_farmgate_amount", "560.00")
    page.fill("#id_trace_code", "FL20261128-001")
    submit = page.locator("form.farm-mobile-form button[type=submit]")
    box = submit.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    submit.click()
    page.wait_for_url("**/stock/*/")
    assert "FL20261128-001" in page.content()
    record.refresh_from_db()
    assert record.num_in_stock == before + 40
    assert Lot.objects.get(trace_code="FL20261128-001").household.code == "H06"

    page.goto(live_server.url + "/dashboard/seller/")
    page.locator(".farm-stock-cards .card", has_text="TB-CG-JC-500").locator(
        "a.btn-secondary"
    ).click()
    page.wait_for_url("**/stocktake/")
    assert fits_the_screen(page)
    page.fill("#id_counted_units", str(before + 30))
    page.fill("#id_note", "月底盘点")
    page.locator("form.farm-mobile-form button[type=submit]").click()
    page.wait_for_url("**/stock/*/")
    record.refresh_from_db()
    assert record.num_in_stock == before + 30
    assert stock_lot_mismatches() == []
    context.close()
