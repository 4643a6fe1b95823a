"""A seller's staff see and change only their own lines of a shared order."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from oscar.core.loading import get_model
from oscar.test.factories import (
    ShippingAddressFactory,
    UserFactory,
    create_basket,
    create_order,
    create_product,
)

pytestmark = pytest.mark.django_db

Order = get_model("order", "Order")
Line = get_model("order", "Line")


def seller_staff(partner_name):
    user = UserFactory(is_staff=False)
    user.user_permissions.add(
        Permission.objects.get(codename="dashboard_access", content_type__app_label="partner")
    )
    return user


@pytest.fixture
def shared_order():
    ours_staff = seller_staff("ours")
    theirs_staff = seller_staff("theirs")
    ours = create_product(
        title="我们的芥菜干",
        price=Decimal("28.00"),
        num_in_stock=10,
        partner_name="我们的合作社",
        partner_users=[ours_staff],
    )
    theirs = create_product(
        title="别人的马蹄",
        price=Decimal("30.00"),
        num_in_stock=10,
        partner_name="别人的合作社",
        partner_users=[theirs_staff],
    )
    basket = create_basket(empty=True)
    basket.add_product(ours, 2)
    basket.add_product(theirs, 3)
    order = create_order(basket=basket, shipping_address=ShippingAddressFactory())
    return {
        "order": order,
        "staff": ours_staff,
        "our_line": order.lines.get(product=ours),
        "their_line": order.lines.get(product=theirs),
    }


def test_seller_staff_see_only_their_own_lines(client, shared_order):
    client.force_login(shared_order["staff"])
    response = client.get(f"/dashboard/orders/{shared_order['order'].number}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "我们的芥菜干" in html
    assert "别人的马蹄" not in html
    assert list(response.context["lines"]) == [shared_order["our_line"]]


def test_another_sellers_line_detail_is_not_found(client, shared_order):
    client.force_login(shared_order["staff"])
    number = shared_order["order"].number
    assert (
        client.get(f"/dashboard/orders/{number}/lines/{shared_order['our_line'].pk}/").status_code
        == 200
    )
    assert (
        client.get(f"/dashboard/orders/{number}/lines/{shared_order['their_line'].pk}/").status_code
        == 404
    )


def test_changing_another_sellers_line_status_is_forbidden(client, shared_order):
    client.force_login(shared_order["staff"])
    their_line = shared_order["their_line"]
    before = their_line.status
    response = client.post(
        f"/dashboard/orders/{shared_order['order'].number}/",
        {
            "line_action": "change_line_statuses",
            "selected_line": [shared_order["our_line"].pk, their_line.pk],
            f"selected_line_qty_{their_line.pk}": 3,
            f"selected_line_qty_{shared_order['our_line'].pk}": 2,
            "new_status": "Being processed",
        },
    )
    assert response.status_code == 403
    their_line.refresh_from_db()
    assert their_line.status == before


def test_order_level_actions_are_forbidden_to_seller_staff(client, shared_order):
    client.force_login(shared_order["staff"])
    order = shared_order["order"]
    response = client.post(
        f"/dashboard/orders/{order.number}/",
        {"order_action": "change_order_status", "new_status": "Cancelled"},
    )
    assert response.status_code == 403
    order.refresh_from_db()
    assert order.status != "Cancelled"
    response = client.post(
        f"/dashboard/orders/{order.number}/", {"order_action": "save_note", "message": "x"}
    )
    assert response.status_code == 403 and not order.notes.exists()


def test_shipping_address_is_not_theirs_to_change(client, shared_order):
    client.force_login(shared_order["staff"])
    order = shared_order["order"]
    url = f"/dashboard/orders/{order.number}/shipping-address/"
    assert client.get(url).status_code == 403
    before = order.shipping_address.line1
    assert (
        client.post(url, {"line1": "改掉的地址", "first_name": "x", "last_name": "y"}).status_code
        == 403
    )
    order.shipping_address.refresh_from_db()
    assert order.shipping_address.line1 == before


def test_an_order_without_their_lines_is_not_found(client, shared_order):
    stranger = seller_staff("nobody")
    create_product(title="第三家", partner_name="第三家合作社", partner_users=[stranger])
    client.force_login(stranger)
    assert client.get(f"/dashboard/orders/{shared_order['order'].number}/").status_code == 404


def test_platform_staff_still_see_and_act_on_everything(client, shared_order):
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    order = shared_order["order"]
    response = client.get(f"/dashboard/orders/{order.number}/")
    assert len(response.context["lines"]) == 2
    assert client.get(f"/dashboard/orders/{order.number}/shipping-address/").status_code == 200
