"""Cached catalogue cards (catalog.cards): never stale after a price, tier, terms or stock
change, never another buyer's, and the page costs a fixed, small number of queries."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext
from oscar.core.loading import get_model
from oscar.test.factories import ProductFactory

from catalog.cards import CSRF_PLACEHOLDER, NONCE_PLACEHOLDER
from shop.models import PairingAgreement, PriceTier, PurchaseTerms
from testing.factories import SellerFactory, VillageFactory
from tests.shop.conftest import make_buyer, make_enterprise

StockRecord = get_model("partner", "StockRecord")
ProductClass = get_model("catalogue", "ProductClass")

CARD = re.compile(r'<article class="product_pod.*?</article>', re.S)


@pytest.fixture
def listed(db):
    """Three products of one seller with stock; the first from its own village."""
    seller = SellerFactory()
    product_class = ProductClass.objects.create(name="菜干", slug="dried", track_stock=True)
    records = []
    for n in range(3):
        product = ProductFactory(
            title=f"测试菜干{n}",
            stockrecords=None,
            categories=None,
            seller=seller,
            product_class=product_class,
            origin_village=VillageFactory(),
            net_weight_g=500,
        )
        records.append(
            StockRecord.objects.create(
                product=product,
                partner=seller.partner,
                partner_sku=f"CACHE-{n}",
                price=Decimal("20.00"),
                price_currency="CNY",
                num_in_stock=50,
                num_allocated=0,
            )
        )
    return records


def card_of(client, record) -> str:
    html = client.get("/catalogue/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    cards = [c for c in CARD.findall(html) if f'data-sku="{record.partner_sku}"' in c]
    assert len(cards) == 1, html
    return cards[0]


def test_a_new_price_shows_at_once_saved_or_updated(client, listed):
    record = listed[0]
    assert "¥20.00" in card_of(client, record)
    StockRecord.objects.filter(pk=record.pk).update(price=Decimal("21.50"))  # no signal
    card = card_of(client, record)
    assert "¥21.50" in card and "¥20.00" not in card
    record.refresh_from_db()
    record.price = Decimal("22.40")
    record.save()
    assert "¥22.40" in card_of(client, record)


def test_a_new_price_tier_shows_at_once(client, listed):
    record = listed[0]
    PurchaseTerms.objects.create(stockrecord=record, min_quantity=2, quantity_step=1)
    assert "¥20.00" in card_of(client, record)  # the card prices its minimum order
    tier = PriceTier.objects.create(stockrecord=record, min_quantity=2, price=Decimal("18.80"))
    assert "¥18.80" in card_of(client, record)
    tier.price = Decimal("17.60")
    tier.save()
    assert "¥17.60" in card_of(client, record)
    tier.delete()
    assert "¥20.00" in card_of(client, record)


def test_new_purchase_terms_show_at_once(client, listed):
    record = listed[0]
    assert 'name="quantity" value="1"' in card_of(client, record)
    terms = PurchaseTerms.objects.create(stockrecord=record, min_quantity=6, quantity_step=6)
    card = card_of(client, record)
    assert 'name="quantity" value="6"' in card and "Add 6 to basket" in card
    terms.delete()
    assert 'name="quantity" value="1"' in card_of(client, record)


def test_a_stock_change_shows_at_once(client, listed):
    record = listed[0]
    assert 'action="/basket/add/' in card_of(client, record)
    # an order allocates the last units the way placement does: an UPDATE, no signal
    StockRecord.objects.filter(pk=record.pk).update(num_allocated=F("num_in_stock"))
    card = card_of(client, record)
    assert 'action="/basket/add/' not in card and "text-danger" in card
    StockRecord.objects.filter(pk=record.pk).update(num_in_stock=F("num_in_stock") + 5)
    assert 'action="/basket/add/' in card_of(client, record)


def test_a_renamed_product_or_seller_shows_at_once(client, listed):
    record = listed[0]
    card_of(client, record)
    product = record.product
    product.title = "改名的菜干"
    product.save()
    assert "改名的菜干" in card_of(client, record)
    partner = record.partner
    partner.name = "改名合作社"
    partner.save()
    assert "改名合作社" in card_of(client, record)


def test_no_buyer_sees_another_buyers_pairing_or_token(listed):
    village = listed[0].product.origin_village
    paired_enterprise = make_enterprise(index=0)
    PairingAgreement.objects.create(
        enterprise=paired_enterprise,
        programme="village",
        village=village,
        signed_on=datetime.date(2026, 1, 1),
        yearly_pledge=Decimal("1000.00"),
    )
    paired = Client(enforce_csrf_checks=True)
    paired.force_login(make_buyer(email="paired@a.example", enterprise=paired_enterprise))
    other = Client(enforce_csrf_checks=True)
    other.force_login(make_buyer(email="other@b.example", enterprise=make_enterprise(index=1)))

    assert "farm-paired" in card_of(paired, listed[0])  # cached with the badge
    other_card = card_of(other, listed[0])
    assert "farm-paired" not in other_card
    assert "farm-paired" in card_of(paired, listed[0])

    # each page's cards carry that page's own CSRF token: the buyer's form works,
    # and the token of one buyer's page is refused in the other's session
    paired_token = re.search(
        r'name="csrfmiddlewaretoken" value="([^"]+)"', card_of(paired, listed[1])
    )
    other_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', other_card)
    add = f"/basket/add/{listed[0].product.pk}/"
    refused = other.post(add, {"quantity": 1, "csrfmiddlewaretoken": paired_token.group(1)})
    assert refused.status_code == 403
    added = other.post(add, {"quantity": 1, "csrfmiddlewaretoken": other_token.group(1)})
    assert added.status_code == 302


def test_catalogue_page_costs_at_most_ten_queries_for_a_buyer_and_a_visitor(client, listed):
    buyer = Client()
    buyer.force_login(make_buyer(email="q@a.example", enterprise=make_enterprise(index=0)))
    for person in (client, buyer):
        person.get("/catalogue/")  # renders and caches the cards
        with CaptureQueriesContext(connection) as queries:
            response = person.get("/catalogue/")
        assert response.content.decode().count('class="product_pod') == 3
        assert len(queries) <= 10, [q["sql"][:100] for q in queries]
    # the product queries are not made again while the cards are in the cache
    assert not [q for q in queries if "catalogue_productimage" in q["sql"]]


def test_a_kept_visitor_page_carries_each_responses_own_token_and_nonce(listed):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.get("/catalogue/")  # rendered and kept for every visitor
    with CaptureQueriesContext(connection) as queries:
        response = second.get("/catalogue/")
    assert not [q for q in queries if "catalogue_productimage" in q["sql"]]  # the kept page
    html = response.content.decode()
    assert CSRF_PLACEHOLDER not in html and NONCE_PLACEHOLDER not in html
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    assert f'<script nonce="{nonce}">' in html
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    added = second.post(
        f"/basket/add/{listed[0].product.pk}/", {"quantity": 1, "csrfmiddlewaretoken": token}
    )
    assert added.status_code == 302


def test_a_visitor_with_a_basket_sees_it_not_the_kept_page(client, listed):
    client.get("/catalogue/")  # kept
    client.post(f"/basket/add/{listed[2].product.pk}/", {"quantity": 3})
    html = client.get("/catalogue/").content.decode()
    dropdown = html[html.index('class="basket-mini-item') :].split("</ul>", 1)[0]
    assert listed[2].product.title in dropdown
    assert "¥60.00" in html  # the basket's total in the header
