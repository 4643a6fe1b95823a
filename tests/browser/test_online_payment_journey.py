"""The demo buyer pays online end to end: checkout, the pay page, a declined card, a retry,
Stripe's signed webhook, the return page — against the fake Stripe over real HTTP.

Stripe.js cannot load here; the fake serves a stand-in with the same calls
(``STRIPE_JS_URL``), and announces each confirmation to the live server's
webhook URL, signed with the test secret, as Stripe does.
"""

import time

import pytest
from django.db.models import Sum
from django.urls import reverse
from oscar.core.loading import get_model

from farmers.models import Attribution
from testing.fake_stripe import FakeStripe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Order = get_model("order", "Order")
WEBHOOK_SECRET = "whsec_test_browser"


@pytest.fixture
def stripe_test_mode(settings, live_server):
    fake = FakeStripe(
        webhook_url=live_server.url + reverse("online:stripe-webhook"),
        webhook_secret=WEBHOOK_SECRET,
    ).start()
    settings.STRIPE_SECRET_KEY = "sk_test_browser"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_browser"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = fake.url
    settings.STRIPE_JS_URL = fake.url + "/v3/"
    settings.STRIPE_MAX_NETWORK_RETRIES = 0
    settings.ONLINE_PAYMENT_ENABLED = True
    yield fake
    fake.stop()


def wait_for(condition, seconds: float = 10.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("timed out")


def test_buyer_pays_online_after_a_declined_card(
    page, live_server, settings, tmp_path, stripe_test_mode
):
    from demo.world import demo_world_load

    settings.MEDIA_ROOT = tmp_path / "media"
    demo_world_load()
    violations = []
    page.on("console", lambda m: "Content Security Policy" in m.text and violations.append(m.text))

    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_login-username", "buyer@guoguang.example")
    page.fill("#id_login-password", settings.TAIBAO_DEMO_PASSWORD)
    page.click("button[name=login_submit]")
    page.wait_for_load_state()
    page.click("#nav-quick-order")
    page.wait_for_url("**/quick-order/")
    page.fill("textarea[name=lines]", "TB-MT-2500 4\nTB-CG-JC-500 10")
    page.click("#check_list")
    page.wait_for_load_state()
    page.click("#add_chosen")
    page.wait_for_url("**/basket/")

    page.goto(live_server.url + "/checkout/")
    page.wait_for_url("**/checkout/shipping-address/")
    page.click("#deliver_here")
    page.wait_for_url("**/checkout/payment-details/")
    page.fill("#id_po_number", "GG-ONLINE-1")
    page.check("input[name=payment_method][value=online]")
    page.click("#view_preview")
    page.wait_for_url("**/checkout/preview/")
    page.click("#place-order")
    page.wait_for_url("**/pay/**")

    order = Order.objects.get(po_number="GG-ONLINE-1")
    assert order.payment_status == "awaiting"
    # The stand-in Stripe.js mounted its element; the declined test card first.
    page.check("input[name=fake-outcome][value=decline]")
    page.click("#shop-online-pay")
    page.wait_for_selector("#payment-message:not(.d-none)")
    assert "declined" in page.locator("#payment-message").inner_text()
    wait_for(lambda: ("payment_intent.payment_failed", 200) in stripe_test_mode.webhooks)
    order.refresh_from_db()
    assert order.payment_status == "awaiting"  # still payable

    page.check("input[name=fake-outcome][value=succeed]")
    page.click("#shop-online-pay")
    page.wait_for_url("**/pay/**/return/**")
    wait_for(lambda: ("payment_intent.succeeded", 200) in stripe_test_mode.webhooks)
    page.reload()
    assert page.locator(".shop-online-state").get_attribute("data-state") == "succeeded"

    order.refresh_from_db()
    assert order.payment_status == "paid" and order.amount_received == order.total_incl_tax
    assert len(stripe_test_mode.creations()) == 1  # one PaymentIntent for both tries
    ledger = Attribution.objects.filter(line__order=order).aggregate(
        units=Sum("units"), amount=Sum("sales_amount")
    )
    assert ledger == {"units": 14, "amount": order.total_incl_tax - order.shipping_incl_tax}
    assert violations == []
