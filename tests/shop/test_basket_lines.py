"""An open basket knows, from the query that loaded it, whether it had lines; never stale."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from oscar.core.loading import get_model

from shop.partner.strategy import Selector
from shop.services.quick_order import quick_order_add
from tests.shop.conftest import basket_for, make_stock

pytestmark = pytest.mark.django_db

Basket = get_model("basket", "Basket")


def loaded(owner):
    """The buyer's open basket as the basket middleware loads it."""
    basket, _created = Basket.open.get_or_create(owner=owner)
    basket.strategy = Selector().strategy(user=owner)
    return basket


def test_an_empty_basket_shows_no_lines_without_asking_the_database(buyer):
    Basket.objects.create(owner=buyer)
    basket = loaded(buyer)
    with CaptureQueriesContext(connection) as queries:
        assert basket.is_empty
        assert basket.num_lines == 0
        assert list(basket.all_lines()) == []
        assert basket.total_excl_tax == 0
    assert len(queries) == 0


def test_a_basket_with_lines_loads_them(buyer):
    record, other = make_stock(n=2)
    basket_for(buyer, [(record, 2), (other, 1)])
    basket = loaded(buyer)
    assert basket.num_lines == 2
    assert [line.stockrecord for line in basket.all_lines()] == [record, other]


@pytest.mark.parametrize("how", ["add_product", "quick_order_add"])
def test_lines_added_after_loading_an_empty_basket_are_seen(buyer, how):
    (record,) = make_stock()
    Basket.objects.create(owner=buyer)
    basket = loaded(buyer)
    assert basket.is_empty
    if how == "add_product":
        basket.add_product(record.product, 3)
    else:
        quick_order_add(basket=basket, items=[(record.partner_sku, 3)], strategy=basket.strategy)
    assert basket.num_lines == 1
    assert basket.all_lines()[0].quantity == 3
    assert not basket.is_empty


def test_a_basket_merged_into_an_empty_one_brings_its_lines(buyer):
    (record,) = make_stock()
    Basket.objects.create(owner=buyer)
    basket = loaded(buyer)
    assert basket.is_empty
    cookie_basket = Basket.objects.create()
    cookie_basket.strategy = basket.strategy
    cookie_basket.add_product(record.product, 2)
    basket.merge(cookie_basket)
    assert basket.num_lines == 1


def mini_basket(page: str) -> str:
    return page.split('class="basket-mini-item', 1)[1].split("</ul>", 1)[0]


def test_the_header_of_a_buyer_with_an_empty_basket_asks_one_query_fewer(buyer, client):
    (record,) = make_stock()
    client.force_login(buyer)
    page = reverse("catalogue:index")
    client.get(page)  # the basket exists from here on
    with CaptureQueriesContext(connection) as empty:
        empty_page = client.get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Your cart is empty" in mini_basket(empty_page)
    # the basket's own query asks EXISTS of its lines; nothing else reads them
    assert not [q["sql"] for q in empty if 'FROM "basket_line"' in q["sql"].split("EXISTS")[0]]
    client.post(reverse("basket:add", kwargs={"pk": record.product.pk}), {"quantity": 1})
    with CaptureQueriesContext(connection) as full:
        full_page = client.get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert record.product.title in mini_basket(full_page)
    assert [q["sql"] for q in full if q["sql"].startswith('SELECT "basket_line"')]
