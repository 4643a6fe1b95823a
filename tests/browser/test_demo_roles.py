"""The demo's year, seen by each role in a real browser at desktop and phone widths.

Screenshots of each role's main page at 1280 and 375 px go to var/screenshots/.
"""

from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 812}


def _page(browser, live_server, settings, viewport, email=None):
    context = browser.new_context(
        viewport=viewport, locale="zh-CN", is_mobile=viewport is PHONE, has_touch=viewport is PHONE
    )
    page = context.new_page()
    if email:
        page.goto(live_server.url + "/accounts/login/")
        page.fill("#id_login-username", email)
        page.fill("#id_login-password", settings.TAIBAO_DEMO_PASSWORD)
        page.click("button[name=login_submit]")
        page.wait_for_load_state()
    return page


def _shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)


def test_the_demo_year_as_the_work_team_and_the_buyer_see_it(
    browser, live_server, settings, tmp_path
):
    from demo.history import FLAGGED, demo_history_load
    from demo.world import demo_world_load

    settings.MEDIA_ROOT = tmp_path / "media"
    demo_world_load()
    demo_history_load()

    # The work team lands on /dashboard/team/: one screen at 1280×800.
    page = _page(browser, live_server, settings, DESKTOP, "team@taibao.example")
    page.goto(live_server.url + "/dashboard/team/")
    assert page.evaluate("document.documentElement.scrollHeight") <= DESKTOP["height"]
    assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]
    brand = page.locator(".navbar-accounts .navbar-brand")
    assert "太保消费帮扶馆" in brand.inner_text()  # Oscar's logo and hidden text are gone
    assert brand.evaluate("e => getComputedStyle(e).backgroundImage") == "none"
    assert brand.locator("img").get_attribute("src").endswith("taibao/logo.svg")
    monitored = page.locator("#tile-monitored").inner_text()
    assert "今日标记的防返贫监测对象" in monitored and "/ 11" in monitored
    flagged = page.locator(".team-home-flagged").inner_text()
    assert all(code in flagged for code in FLAGGED)
    assert "黄*兰" in flagged  # H13 黄秀兰, masked
    months = page.locator("#chart-team-home .chart-category").all_inner_texts()
    assert len(months) == 12
    bars = page.locator("#chart-team-home .chart-series-0.chart-bar")
    assert sum(float(v) > 0 for v in bars.evaluate_all("bs => bs.map(b => b.dataset.value)")) >= 11
    _shoot(page, "team")

    page.click("#tile-monitored")
    page.wait_for_url("**/dashboard/team/monitored/")
    rows = page.locator("table tbody tr")
    assert rows.count() == 11
    income_365 = [r.locator("td.text-right").nth(2).inner_text() for r in rows.all()]
    assert sum(amount != "¥0.00" for amount in income_365) >= 8
    assert page.locator("tr.team-flagged-row").count() >= len(FLAGGED)
    assert "黄石生" in page.content()
    page.goto(live_server.url + "/dashboard/team/charts/")
    assert page.locator("#chart-monthly .chart-category").count() >= 12
    page.context.close()

    phone = _page(browser, live_server, settings, PHONE, "team@taibao.example")
    phone.goto(live_server.url + "/dashboard/team/")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _shoot(phone, "team")
    phone.context.close()

    # The buyer's enterprise page names the monitored households reached (masked) and villages.
    for viewport in (DESKTOP, PHONE):
        page = _page(browser, live_server, settings, viewport, "buyer@guoguang.example")
        page.goto(live_server.url + "/enterprise/")
        impact = page.locator(".shop-impact")
        households = impact.locator(".shop-impact-households").inner_text()
        assert "黄*生" in households and "黄石生" not in page.content()
        assert impact.locator(".shop-impact-households .badge").count() >= 1
        villages = impact.locator(".shop-impact-villages").inner_text()
        assert "莲塘村" in villages and "沙坪村" in villages
        _shoot(page, "buyer")
        page.context.close()

    # The other roles' main pages, for the record.
    for role, email, path in (
        ("seller", "seller@fengle.example", "/dashboard/seller/"),
        ("admin", "admin@taibao.example", "/dashboard/"),
        ("enterprise-admin", "admin@guoguang.example", "/enterprise/"),
        ("visitor", None, "/"),
    ):
        for viewport in (DESKTOP, PHONE):
            page = _page(browser, live_server, settings, viewport, email)
            response = page.goto(live_server.url + path)
            assert response.status == 200, (role, path)
            _shoot(page, role)
            page.context.close()
