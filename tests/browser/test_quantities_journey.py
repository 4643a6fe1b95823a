"""Quantities as a buyer types them: the product page's quantity box and the basket's lines."""

import pytest
from oscar.core.loading import get_model

from tests.browser.journeys import screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Basket = get_model("basket", "Basket")
Product = get_model("catalogue", "Product")

EGGS = "TB-JD-30"  # sold by the 10, minimum 10; ¥45, ¥42 from 100
CHESTNUTS = "TB-MT-2500"  # no rules


def open_product(page, live_server, sku):
    page.goto(live_server.url + Product.objects.get(upc=sku).get_absolute_url())


def basket_quantities() -> dict[str, int]:
    basket = Basket.objects.get(owner__email="buyer@guoguang.example", status="Open")
    return {line.product.upc: line.quantity for line in basket.lines.all()}


def basket_line(page, title):
    return page.locator("#basket_formset .basket-items", has_text=title)


@pytest.fixture
def buyer_page(page, live_server, demo_world):
    sign_in(page, live_server, "buyer@guoguang.example")
    return page


def test_product_page_quantity_starts_at_the_minimum_steps_and_prices_the_tier(
    buyer_page, live_server
):
    page = buyer_page
    open_product(page, live_server, EGGS)
    quantity = page.locator("#add_to_basket_form #id_quantity")
    assert quantity.input_value() == "10"
    assert quantity.get_attribute("step") == "10"
    price = page.locator(".shop-quantity-price")
    assert "¥45.00" in price.locator("[data-unit-price]").inner_text()
    assert price.locator("[data-subtotal]").inner_text() == "¥450.00"

    quantity.press("ArrowUp")  # the browser moves by the step
    assert quantity.input_value() == "20"
    assert price.locator("[data-subtotal]").inner_text() == "¥900.00"

    quantity.fill("100")
    assert price.locator("[data-unit-price]").inner_text() == "¥42.00"
    assert price.locator("[data-subtotal]").inner_text() == "¥4,200.00"
    assert "100+" in page.locator(".shop-volume-prices tr.table-success").inner_text()
    screenshot(page, "journey-3-product-quantity")

    page.locator("#add_to_basket_form button[type=submit]").click()
    page.wait_for_load_state()
    assert basket_quantities() == {EGGS: 100}
    page.goto(live_server.url + "/basket/")
    assert "¥4,200.00" in basket_line(page, "土鸡蛋").inner_text()

    # a quantity off the step is refused with the rule, and nothing is added
    open_product(page, live_server, EGGS)
    page.evaluate(
        "document.querySelector('#add_to_basket_form #id_quantity').removeAttribute('step')"
    )
    page.locator("#add_to_basket_form #id_quantity").fill("105")
    page.locator("#add_to_basket_form button[type=submit]").click()
    page.wait_for_load_state()
    assert "必须是10的倍数" in page.content()
    assert basket_quantities() == {EGGS: 100}


def test_buyer_raises_lowers_and_removes_basket_lines_one_or_several_at_a_time(
    buyer_page, live_server
):
    page = buyer_page
    open_product(page, live_server, EGGS)
    page.locator("#add_to_basket_form button[type=submit]").click()  # the minimum, 10
    page.wait_for_load_state()
    open_product(page, live_server, CHESTNUTS)
    page.locator("#add_to_basket_form #id_quantity").fill("3")
    page.locator("#add_to_basket_form button[type=submit]").click()
    page.wait_for_load_state()
    assert basket_quantities() == {EGGS: 10, CHESTNUTS: 3}

    def update(title, value):
        line = basket_line(page, title)
        line.locator("input[name$=quantity]").fill(str(value))
        return line

    def submit(line):
        # Oscar's basket posts the form in the background and redraws the lines
        with page.expect_response(lambda response: response.request.method == "POST"):
            line.get_by_role("button", name="更新").click()
        page.wait_for_load_state("networkidle")

    page.goto(live_server.url + "/basket/")
    # raise one line; the untouched line is not judged "at least 1"
    submit(update("土鸡蛋", 20))
    assert page.locator(".error-block").count() == 0
    assert basket_quantities() == {EGGS: 20, CHESTNUTS: 3}

    # off the step: the rule of the new quantity, and nothing changes
    submit(update("土鸡蛋", 15))
    assert "必须是10的倍数" in basket_line(page, "土鸡蛋").inner_text()
    assert "最少订购" not in page.content()
    assert basket_quantities() == {EGGS: 20, CHESTNUTS: 3}

    # lower a line
    page.goto(live_server.url + "/basket/")
    submit(update("土鸡蛋", 10))
    assert page.locator(".error-block").count() == 0
    assert basket_quantities() == {EGGS: 10, CHESTNUTS: 3}

    # below the minimum
    submit(update("土鸡蛋", 5))
    assert "最少订购10" in basket_line(page, "土鸡蛋").inner_text()
    assert basket_quantities() == {EGGS: 10, CHESTNUTS: 3}

    # several lines at once, one up, one down
    page.goto(live_server.url + "/basket/")
    update("土鸡蛋", 30)
    submit(update("马蹄 2.5千克箱装", 2))
    assert page.locator(".error-block").count() == 0
    assert basket_quantities() == {EGGS: 30, CHESTNUTS: 2}
    screenshot(page, "journey-2-basket-updated")

    # remove a line
    with page.expect_response(lambda response: response.request.method == "POST"):
        basket_line(page, "马蹄 2.5千克箱装").get_by_role("link", name="移除").click()
    page.wait_for_load_state("networkidle")
    assert basket_quantities() == {EGGS: 30}
    assert basket_line(page, "马蹄 2.5千克箱装").count() == 0
