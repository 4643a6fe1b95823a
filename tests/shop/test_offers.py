"""Oscar's offers still apply; while there are none, pages do not look for them."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from oscar.core.loading import get_class, get_model
from oscar.test.factories import create_offer, create_voucher

from shop.offer.applicator import _compute_offer_state, offer_state

Product = get_model("catalogue", "Product")


@pytest.fixture(autouse=True)
def _shared_cache(settings):
    settings.TAIBAO_SHARED_CACHE_SECONDS = 300


@pytest.fixture
def buyer_with_basket(client, demo_world):
    client.force_login(get_user_model().objects.get(email="buyer@guoguang.example"))
    product = Product.objects.get(upc="TB-MT-2500")
    client.post(f"/basket/add/{product.pk}/", {"quantity": 4}, HTTP_ACCEPT_LANGUAGE="en")
    return client


def offer_queries(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if "offer_conditionaloffer" in q["sql"] or "basket_basket_vouchers" in q["sql"]
    ]


def basket_total(client) -> str:
    return str(client.get("/basket/", HTTP_ACCEPT_LANGUAGE="en").context["basket"].total_incl_tax)


def test_oscar_loads_our_applicator():
    assert get_class("offer.applicator", "Applicator").__module__ == "shop.offer.applicator"


def test_without_offers_or_vouchers_pages_do_not_look_for_them(buyer_with_basket):
    client = buyer_with_basket
    client.get("/basket/")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/basket/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and response.context["basket"].num_lines == 1
    assert offer_queries(queries) == []


def test_a_new_site_offer_applies_on_the_next_page(
    buyer_with_basket, django_capture_on_commit_callbacks
):
    client = buyer_with_basket
    assert basket_total(client) == "120.00"  # 4 boxes at ¥30; the "no offers" state is cached
    with django_capture_on_commit_callbacks(execute=True):
        offer = create_offer()  # 20% off everything
    assert basket_total(client) == "96.00"
    with django_capture_on_commit_callbacks(execute=True):
        offer.status = offer.SUSPENDED
        offer.save()
    assert basket_total(client) == "120.00"


def test_a_voucher_in_the_basket_applies(buyer_with_basket, django_capture_on_commit_callbacks):
    client = buyer_with_basket
    assert basket_total(client) == "120.00"
    with django_capture_on_commit_callbacks(execute=True):
        voucher = create_voucher()  # Oscar's: a voucher offer of 20% off
    response = client.post(
        "/basket/vouchers/add/", {"code": voucher.code}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 302
    assert basket_total(client) == "96.00"


@pytest.mark.django_db
def test_the_state_holds_no_longer_than_until_the_next_offer_starts():
    state, seconds = _compute_offer_state()
    assert state == {"site_offers": False, "vouchers": False} and seconds == 300
    create_offer(start=timezone.now() + datetime.timedelta(seconds=42))
    state, seconds = _compute_offer_state()
    assert state["site_offers"] is False  # not open yet
    assert 40 < seconds <= 42  # but the cached answer expires when it opens


@pytest.mark.django_db
def test_without_a_shared_cache_oscar_always_looks(settings):
    settings.TAIBAO_SHARED_CACHE_SECONDS = 0
    assert offer_state() == {"site_offers": True, "vouchers": True}
