"""The "place order" request costs at most 30 queries, whether the basket has 1 line or 100.

Counted as production runs it (sessions and the offer state in the shared cache, a
broker taking the outbox's tasks), from the request's first query to its last,
including the outbox publishing after commit.
"""

import contextlib

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from oscar.core.loading import get_model

from outbox.tasks import outbox_handle_task
from tests.shop.conftest import make_buyer, make_stock

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")
Country = get_model("address", "Country")


@pytest.fixture
def production_like(settings, monkeypatch):
    from config.celery_app import app

    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    settings.TAIBAO_SHARED_CACHE_SECONDS = 300
    app.conf.task_always_eager = False  # the autouse fixture puts it back
    published = []
    monkeypatch.setattr("outbox.services._publisher", contextlib.nullcontext)
    monkeypatch.setattr(
        outbox_handle_task, "apply_async", lambda **kwargs: published.append(kwargs["args"])
    )
    return published


def place_through_checkout(client, enterprise, user, records, django_capture_on_commit_callbacks):
    from shop.partner.strategy import Selector

    basket = Basket.objects.create(owner=user)
    basket.strategy = Selector().strategy(user=user)
    for record in records:
        basket.add_product(record.product, 1)
    client.force_login(user)
    client.get("/checkout/", follow=True)
    address = enterprise.addresses.first()
    client.post("/checkout/shipping-address/", {"address_id": address.pk}, follow=True)
    form = {"po_number": "PO-Q", "payment_method": "bank_transfer", "note": ""}
    assert client.post("/checkout/preview/", form).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/checkout/preview/", {**form, "action": "place_order"})
    assert response.status_code == 302 and "thank-you" in response["Location"]
    order = Order.objects.get(user=user)
    assert order.lines.count() == len(records)
    return len(queries)


@pytest.mark.django_db
def test_placing_1_or_100_lines_costs_the_same_30_queries_at_most(
    enterprise, production_like, django_capture_on_commit_callbacks
):
    Country.objects.get_or_create(
        iso_3166_1_a2="CN", defaults={"name": "China", "printable_name": "中国"}
    )  # transactional tests flush the data migration's row
    records = make_stock(n=100, num_in_stock=10)
    counts = []
    for n, size in enumerate((1, 1, 100)):  # the first makes the payment source type
        user = make_buyer(email=f"q{n}@a.example", enterprise=enterprise)
        counts.append(
            place_through_checkout(
                Client(), enterprise, user, records[:size], django_capture_on_commit_callbacks
            )
        )
    assert counts[1] == counts[2], counts
    assert counts[1] <= 30, counts
    assert (
        len(production_like) == 3
    )  # each order's "order.placed" went to the broker  # each order's "order.placed" went to the broker
