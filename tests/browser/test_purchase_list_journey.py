"""The demo buyer uploads the purchasing office's list (title row, 收货部门) and fills the basket."""

from pathlib import Path

import pytest
from oscar.core.loading import get_model

from shop.services.quick_order import basket_line_delivery_group
from tests.sheets.builders import xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Basket = get_model("basket", "Basket")
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"

LIST = xlsx(
    (
        "采购清单",
        [
            ["国光电器股份有限公司 2026年元旦员工福利采购清单"],
            ["序号", "商品编码", "商品名称", "数量", "收货部门", "备注"],
            [1, "TB-MT-5000", "马蹄 5千克箱装", 20, "行政部", "食堂"],
            [2, "TB-SJ-2500", "生姜 2.5千克箱装", 10, "工会", ""],
            [3, "TB-MT-5000", "马蹄 5千克箱装", 5, "工会", ""],
            ["合计", None, None, 35],
            [],
            ["制表：采购部 李红"],
        ],
    ),
    merged=["A1:F1"],
)


def test_buyer_uploads_a_purchase_list_with_a_title_and_departments(
    page, live_server, settings, tmp_path
):
    from demo.world import demo_world_load

    settings.MEDIA_ROOT = tmp_path / "media"
    demo_world_load()
    SHOTS.mkdir(parents=True, exist_ok=True)
    sheet = tmp_path / "元旦福利采购清单.xlsx"
    sheet.write_bytes(LIST)

    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_login-username", "buyer@guoguang.example")
    page.fill("#id_login-password", settings.TAIBAO_DEMO_PASSWORD)
    page.click("button[name=login_submit]")
    page.wait_for_load_state()

    page.click("#nav-quick-order")
    page.wait_for_url("**/quick-order/")
    page.set_input_files("input[name=purchase_list]", str(sheet))
    page.click("#check_list")
    page.wait_for_load_state()
    assert page.locator(".shop-quick-errors").count() == 0
    rows = page.locator(".shop-quick-rows tbody tr")
    assert rows.count() == 3
    assert [rows.nth(i).get_attribute("data-row") for i in range(3)] == ["3", "4", "5"]
    groups = page.locator(".shop-quick-group").all_inner_texts()
    assert groups == ["行政部", "工会", "工会"]
    assert "序号" in page.locator(".shop-quick-ignored").inner_text()
    assert "采购清单" in page.locator(".shop-quick-sheet").inner_text()
    page.screenshot(path=str(SHOTS / "purchase-list-preview-1280.png"), full_page=True)
    page.set_viewport_size({"width": 375, "height": 800})
    page.screenshot(path=str(SHOTS / "purchase-list-preview-375.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    boxes = page.locator("input[name=choose]")
    for i in range(boxes.count()):
        boxes.nth(i).check()
    page.click("#add_chosen")
    page.wait_for_url("**/basket/")
    page.screenshot(path=str(SHOTS / "purchase-list-basket-1280.png"), full_page=True)

    basket = Basket.objects.get(owner__email="buyer@guoguang.example", status="Open")
    lines = sorted(
        (line.stockrecord.partner_sku, line.quantity, basket_line_delivery_group(line))
        for line in basket.lines.all()
    )
    assert lines == [
        ("TB-MT-5000", 5, "工会"),
        ("TB-MT-5000", 20, "行政部"),
        ("TB-SJ-2500", 10, "工会"),
    ]
