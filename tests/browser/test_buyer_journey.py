import pytest
from oscar.core.loading import get_model

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Basket = get_model("basket", "Basket")


def test_visitor_searches_for_water_chestnut_and_puts_it_in_the_basket(
    page, live_server, settings, tmp_path
):
    from demo.world import demo_world_load

    settings.MEDIA_ROOT = tmp_path / "media"
    demo_world_load()

    page.goto(live_server.url + "/")
    assert "太保" in page.title()
    page.fill("input[name=q]", "马蹄")
    page.press("input[name=q]", "Enter")
    page.wait_for_url("**/search/**")
    results = page.locator(".farm-products article")
    assert results.count() == 3
    assert page.get_by_text("马蹄粉 500克袋装").count() == 1

    page.get_by_role("link", name="马蹄 2.5千克箱装").first.click()
    page.wait_for_url("**/catalogue/**")
    assert page.locator("h1").inner_text() == "马蹄 2.5千克箱装"
    assert "¥30.00" in page.locator(".farm-unit-price").inner_text()
    assert "¥12.00/kg" in page.locator(".farm-per-weight").inner_text()

    page.locator("#add_to_basket_form button[type=submit]").click()
    page.wait_for_load_state()
    page.goto(live_server.url + "/basket/")
    basket_html = page.content()
    assert "马蹄 2.5千克箱装" in basket_html
    assert "¥30.00" in basket_html
    assert Basket.objects.filter(lines__product__upc="TB-MT-2500").count() == 1
