"""The pay page's content security policy lets Stripe.js in; its script is a file."""

import re

from django.urls import reverse


def test_the_pay_page_allows_stripe_js_and_has_no_inline_script(buyer_client, online_order):
    page = buyer_client.get(reverse("online:pay", kwargs={"number": online_order.number}))
    assert page.status_code == 200
    policy = dict(
        [*part.strip().split(" ", 1), ""][:2] for part in page["Content-Security-Policy"].split(";")
    )
    assert "https://js.stripe.com" in policy["script-src"]
    assert "https://js.stripe.com" in policy["frame-src"]
    assert "https://api.stripe.com" in policy["connect-src"]
    html = page.content.decode()
    assert 'src="https://js.stripe.com/v3/"' in html
    nonce = re.search(r"'nonce-([^']+)'", policy["script-src"]).group(1)
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or f'nonce="{nonce}"' in tag, tag
