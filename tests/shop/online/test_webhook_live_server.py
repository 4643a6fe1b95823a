"""Stripe's webhook and the buyer's pages reach the live server at the same moment.

Under the browser tests the webhook (sent by the fake Stripe from its own thread)
and the browser's requests are served by the live server side by side, as in the
demo. Each request thread must have a database connection of its own: two
threads sharing one SQLite connection interleave their savepoints and the
webhook fails with ``no such savepoint``.
"""

import threading
import urllib.error
import urllib.request

import pytest
from django.urls import reverse

from shop.online.models import StripeEvent
from testing.fake_stripe import event_payload, signature_header

pytestmark = pytest.mark.django_db(transaction=True)

SECRET = "whsec_test_live_server"
THREADS = 6
EVENTS_EACH = 8


def post_event(url: str, event_id: str) -> int:
    payload = event_payload(event_id=event_id, type="customer.updated", intent={"id": "cus_1"})
    request = urllib.request.Request(
        url,
        data=payload.encode(),
        headers={
            "Content-Type": "application/json",
            "Stripe-Signature": signature_header(payload, secret=SECRET),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_webhooks_served_side_by_side_are_all_recorded(live_server, settings):
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    url = live_server.url + reverse("online:stripe-webhook")
    statuses: list[int] = []
    start = threading.Barrier(THREADS)

    def sender(n: int) -> None:
        start.wait()
        for i in range(EVENTS_EACH):
            statuses.append(post_event(url, f"evt_live_{n}_{i}"))

    threads = [threading.Thread(target=sender, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert statuses == [200] * (THREADS * EVENTS_EACH)
    assert StripeEvent.objects.count() == THREADS * EVENTS_EACH
    assert set(StripeEvent.objects.values_list("outcome", flat=True)) == {"ignored"}
