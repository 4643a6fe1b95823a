"""The main pages satisfy their content security policy: no violation, no CSP console error."""

import pytest
from oscar.core.loading import get_model

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Product = get_model("catalogue", "Product")

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


class Visitor:
    """A browser context that records CSP violations and console errors on every page."""

    def __init__(self, browser, base_url):
        self.base_url = base_url
        self.context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        self.context.add_init_script(RECORD_VIOLATIONS)
        self.page = self.context.new_page()
        self.console = []
        self.page.on(
            "console",
            lambda message: self.console.append(message.text) if message.type == "error" else None,
        )
        self.violations = []

    def visit(self, path: str) -> None:
        response = self.page.goto(self.base_url + path)
        assert response.status == 200, (path, response.status)
        assert response.headers["content-security-policy"]
        self.collect(path)

    def collect(self, path: str) -> None:
        self.page.wait_for_load_state("load")
        self.page.wait_for_timeout(150)  # violation events are dispatched asynchronously
        found = self.page.evaluate("window.__cspViolations || []")
        self.violations += [f"{path}: {v}" for v in found]

    def sign_in(self, email: str, password: str) -> None:
        self.page.goto(self.base_url + "/accounts/login/")
        self.page.fill("#id_login-username", email)
        self.page.fill("#id_login-password", password)
        self.page.click("button[name=login_submit]")
        self.page.wait_for_load_state()
        self.collect("/accounts/login/")

    def csp_console_errors(self) -> list[str]:
        return [
            text
            for text in self.console
            if "Content Security Policy" in text or "Refused to" in text
        ]


def test_main_pages_raise_no_content_security_policy_violation(
    browser, live_server, settings, tmp_path
):
    from demo.world import demo_world_load

    settings.MEDIA_ROOT = tmp_path / "media"
    demo_world_load()
    product = Product.objects.get(upc="TB-MT-2500")
    visitors = []

    buyer = Visitor(browser, live_server.url)
    visitors.append(buyer)
    buyer.visit("/")
    buyer.visit("/catalogue/")
    buyer.page.locator("input[data-submit-on-change]").nth(1).check()  # a filter, no inline JS
    buyer.page.wait_for_url("**/catalogue/?**")
    buyer.collect("/catalogue/ (filtered)")
    buyer.visit(product.get_absolute_url())
    buyer.sign_in("buyer@guoguang.example", settings.TAIBAO_DEMO_PASSWORD)
    buyer.visit(product.get_absolute_url())
    buyer.page.locator("#add_to_basket_form button[type=submit]").click()
    buyer.page.wait_for_load_state()
    buyer.visit("/basket/")
    buyer.visit("/quick-order/")
    buyer.page.goto(live_server.url + "/checkout/")
    buyer.collect("/checkout/")
    assert "/checkout/" in buyer.page.url

    team = Visitor(browser, live_server.url)
    visitors.append(team)
    team.sign_in("team@taibao.example", settings.TAIBAO_DEMO_PASSWORD)
    team.visit("/dashboard/")
    team.visit("/dashboard/team/reconciliation/")
    team.visit("/dashboard/households/")

    seller = Visitor(browser, live_server.url)
    visitors.append(seller)
    seller.sign_in("seller@fengle.example", settings.TAIBAO_DEMO_PASSWORD)
    seller.visit("/dashboard/seller/")
    seller.visit("/dashboard/seller/import/")
    seller.visit("/dashboard/")

    violations = [v for visitor in visitors for v in visitor.violations]
    console = [line for visitor in visitors for line in visitor.csp_console_errors()]
    for visitor in visitors:
        visitor.context.close()
    assert violations == []
    assert console == []


def test_the_check_sees_a_violation_when_there_is_one(browser, live_server, db):
    """Control: an inline script without the nonce is reported, so the test above can fail."""
    visitor = Visitor(browser, live_server.url)
    visitor.visit("/accounts/login/")
    visitor.page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.__ran = 1'; document.body.appendChild(s); }"
    )
    visitor.collect("/accounts/login/ (injected)")
    ran = visitor.page.evaluate("window.__ran")
    visitor.context.close()
    assert ran is None
    assert any("script-src" in v for v in visitor.violations)
    assert visitor.csp_console_errors()
