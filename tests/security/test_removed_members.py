"""A member removed from an enterprise loses its orders: access needs current membership."""

import pytest

from shop.models import EnterpriseMember
from shop.order.models import PaymentMethod
from shop.services.enterprises import member_remove
from tests.shop.conftest import basket_for, make_buyer, make_stock, place

pytestmark = pytest.mark.django_db


@pytest.fixture
def placed(enterprise, buyer):
    make_buyer(email="admin@a.example", enterprise=enterprise, role="admin")
    [record] = make_stock()
    order = place(
        basket_for(buyer, [(record, 2)]),
        buyer,
        enterprise=enterprise,
        payment_method=PaymentMethod.ONLINE,
    )
    return order


def pages(order):
    return [
        f"/enterprise/orders/{order.number}/",
        f"/accounts/orders/{order.number}/",
        f"/pay/{order.number}/return/",
    ]


def test_a_current_member_opens_the_order_everywhere(client, buyer, placed):
    client.force_login(buyer)
    assert [client.get(url).status_code for url in pages(placed)] == [200, 200, 200]
    assert str(placed.number) in client.get("/accounts/orders/").content.decode()


def test_a_removed_member_no_longer_opens_the_orders_they_placed(client, buyer, placed):
    member_remove(member=EnterpriseMember.objects.get(user=buyer))
    client.force_login(buyer)
    detail, account, pay_return = (client.get(url) for url in pages(placed))
    assert detail.status_code == 302  # "register your enterprise first"
    assert account.status_code == 404 and pay_return.status_code == 404
    assert client.get(f"/pay/{placed.number}/").status_code == 404
    assert str(placed.number) not in client.get("/accounts/orders/").content.decode()


def test_a_removed_member_cannot_act_on_the_order_through_pay(client, buyer, placed):
    member_remove(member=EnterpriseMember.objects.get(user=buyer))
    client.force_login(buyer)
    response = client.post(f"/pay/{placed.number}/bank-transfer/")
    assert response.status_code == 404
    placed.refresh_from_db()
    assert placed.payment_method == PaymentMethod.ONLINE


def test_a_removed_member_who_joined_another_enterprise_still_cannot(client, buyer, placed):
    from tests.shop.conftest import make_enterprise

    member_remove(member=EnterpriseMember.objects.get(user=buyer))
    EnterpriseMember.objects.create(enterprise=make_enterprise(index=1), user=buyer, role="admin")
    client.force_login(buyer)
    assert [client.get(url).status_code for url in pages(placed)] == [404, 404, 404]
