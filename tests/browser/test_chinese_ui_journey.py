"""The Chinese interface in Chinese: statuses, messages, pagination, actions, credit codes,
登录, one money format and addresses from province down to street."""

import re

import pytest
from oscar.core.loading import get_model

from demo.history import demo_history_load
from tests.browser.journeys import screenshot, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Order = get_model("order", "Order")
Product = get_model("catalogue", "Product")

ENGLISH = ["Pending", "Being processed", "Cancelled", "Your basket total is now", "Page 1 of"]
MONEY = re.compile(r"¥[\d,]+(?:\.\d+)?")
ONE_FORMAT = re.compile(r"^¥\d{1,3}(?:,\d{3})*\.\d{2}$")


def assert_chinese(page):
    text = page.locator("body").inner_text()
    for english in ENGLISH:
        assert english not in text, english
    assert "登陆" not in text
    for amount in MONEY.findall(text):
        assert ONE_FORMAT.match(amount), amount
    return text


def test_buyer_team_and_admin_pages_speak_chinese(page, live_server, demo_world):
    demo_history_load()

    page.goto(live_server.url + "/")
    assert "登录或注册" in assert_chinese(page)

    sign_in(page, live_server, "buyer@guoguang.example")
    page.goto(live_server.url + Product.objects.get(upc="TB-MT-2500").get_absolute_url())
    page.locator("#add_to_basket_form button[type=submit]").click()
    page.wait_for_load_state()
    assert "购物车总额现为 ¥30.00" in assert_chinese(page)
    assert "Total:" not in page.content()  # the phone header's basket button

    page.goto(live_server.url + "/enterprise/orders/")
    statuses = page.locator(".shop-order-status").all_inner_texts()
    assert set(statuses) <= {"待处理", "处理中", "已取消", "已完成"} and "处理中" in statuses
    assert_chinese(page)

    order = Order.objects.get(po_number="DEMO-PO-GG-W50")
    page.goto(live_server.url + f"/enterprise/orders/{order.number}/")
    text = assert_chinese(page)
    address = page.locator("dd", has_text="广州市").inner_text()
    # province → city → street, the recipient after, no country
    positions = [address.index(part) for part in ("广东省", "广州市", "镜湖大道", "李师傅")]
    assert positions == sorted(positions), address
    assert "中国" not in address
    assert f"¥{order.total_incl_tax:,.2f}" in text  # thousands separated, to the fen
    screenshot(page, "journey-10-order")
    sign_out(page, live_server)

    sign_in(page, live_server, "team@taibao.example")
    page.goto(live_server.url + "/dashboard/households/")
    assert "第 1 页，共 2 页" in assert_chinese(page)
    sign_out(page, live_server)

    sign_in(page, live_server, "admin@taibao.example")
    page.goto(live_server.url + "/dashboard/catalogue/")
    options = page.locator("select option").all_inner_texts()
    assert any(option.strip() == "-- 选择操作 --" for option in options), options
    assert "choose action" not in page.content()
    sign_out(page, live_server)


def test_a_bad_credit_code_is_refused_in_chinese(page, live_server, demo_world, settings):
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_registration-email", "caigou@xinqiye.example")
    page.fill("#id_registration-password1", "Xinqiye-2026-caigou")
    page.fill("#id_registration-password2", "Xinqiye-2026-caigou")
    page.click("button[name=registration_submit]")
    page.wait_for_load_state()
    page.goto(live_server.url + "/enterprise/register/")
    page.fill("#id_name", "广州市新企业有限公司")
    page.fill("#id_uscc", "91440101190473001A")  # the right check digit is R
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    text = page.locator("body").inner_text()
    assert "校验码（最后一位）不正确" in text
    assert "checksum" not in text
