"""A fake Stripe API on 127.0.0.1 for the real client, test keys, and an order to pay online."""

import itertools

import pytest
from django.urls import reverse

from shop.roles import WORK_TEAM, role_assign
from testing.fake_stripe import FakeStripe, event_payload, signature_header
from tests.shop.conftest import basket_for, make_buyer, make_stock, place

WEBHOOK_SECRET = "whsec_test_taibao"
_events = itertools.count(1)


@pytest.fixture
def fake_stripe():
    fake = FakeStripe().start()
    yield fake
    fake.stop()


@pytest.fixture
def stripe_keys(settings, fake_stripe):
    settings.STRIPE_SECRET_KEY = "sk_test_fake"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_fake"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = fake_stripe.url
    settings.STRIPE_MAX_NETWORK_RETRIES = 0
    settings.STRIPE_TIMEOUT_SECONDS = 0.5
    settings.ONLINE_PAYMENT_ENABLED = True
    return settings


@pytest.fixture
def stock():
    (record,) = make_stock(n=1, num_in_stock=50, price="100.00")
    return record


@pytest.fixture
def online_order(buyer, enterprise, stripe_keys, stock):
    """¥1000 (10 × ¥100), placed awaiting online payment, stock allocated."""
    return place(
        basket_for(buyer, [(stock, 10)]), buyer, enterprise=enterprise, payment_method="online"
    )


@pytest.fixture
def buyer_client(client, buyer):
    client.force_login(buyer)
    return client


@pytest.fixture
def team_member(db):
    user = make_buyer(email="team@a.example")
    user.is_staff = True
    user.save()
    role_assign(user=user, role=WORK_TEAM)
    return user


def send_event(
    client,
    *,
    type: str,
    intent: dict,
    event_id: str | None = None,
    secret=WEBHOOK_SECRET,
    timestamp=None,
):
    event_id = event_id or f"evt_test{next(_events):06d}"
    payload = event_payload(event_id=event_id, type=type, intent=intent)
    return client.post(
        reverse("online:stripe-webhook"),
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signature_header(payload, secret=secret, timestamp=timestamp),
    )
