"""Product reviews are off: nobody, signed in or not, can post one, and no page offers it."""

import pytest
from oscar.core.loading import get_model
from oscar.test.factories import ProductFactory

ProductReview = get_model("reviews", "ProductReview")

pytestmark = pytest.mark.django_db

REVIEW = {
    "title": "点击领奖",
    "score": 5,
    "body": "http://evil.example/",
    "name": "x",
    "email": "x@x.example",
}


def test_an_anonymous_visitor_cannot_post_a_review(client):
    product = ProductFactory()
    add = f"/catalogue/{product.slug}_{product.pk}/reviews/add/"
    assert client.get(add).status_code == 404
    assert client.post(add, REVIEW).status_code == 404
    assert not ProductReview.objects.exists()


def test_a_signed_in_buyer_cannot_post_one_either(client, buyer):
    product = ProductFactory()
    client.force_login(buyer)
    response = client.post(f"/catalogue/{product.slug}_{product.pk}/reviews/add/", REVIEW)
    assert response.status_code == 404
    assert not ProductReview.objects.exists()


def test_the_product_page_offers_no_review(client):
    product = ProductFactory()
    page = client.get(product.get_absolute_url())
    assert page.status_code == 200
    assert "/reviews/add/" not in page.content.decode()
