"""Tenancy: another enterprise's orders, invoices, addresses and members by id → 404, nothing changed."""

import pytest
from django.urls import reverse

from shop.models import EnterpriseAddress, EnterpriseMember, InvoiceRequest
from tests.shop.conftest import basket_for, make_buyer, make_enterprise, make_stock, place

pytestmark = pytest.mark.django_db


@pytest.fixture
def theirs(db):
    """Another enterprise with an admin, an order with an invoice request, and an address."""
    enterprise = make_enterprise(index=1)
    admin = make_buyer(email="admin@b.example", enterprise=enterprise, role="admin")
    (record,) = make_stock(n=1, num_in_stock=50)
    order = place(
        basket_for(admin, [(record, 2)]),
        admin,
        enterprise=enterprise,
        invoice=InvoiceRequest(
            enterprise=enterprise, invoice_title="乙", invoice_type="vat_normal", amount=0
        ),
    )
    return {
        "enterprise": enterprise,
        "admin": admin,
        "member": EnterpriseMember.objects.get(user=admin),
        "order": order,
        "invoice": order.invoice,
        "address": enterprise.addresses.get(),
    }


@pytest.fixture
def our_admin(enterprise):
    return make_buyer(email="admin@a.example", enterprise=enterprise, role="admin")


def test_orders_of_another_enterprise_are_404_and_unchanged(client, our_admin, theirs):
    client.force_login(our_admin)
    number = theirs["order"].number
    assert client.get(reverse("shop:order-detail", kwargs={"number": number})).status_code == 404
    assert client.post(reverse("shop:order-cancel", kwargs={"number": number})).status_code == 404
    assert client.post(reverse("shop:order-reorder", kwargs={"number": number})).status_code == 404
    theirs["order"].refresh_from_db()
    assert theirs["order"].payment_status == "awaiting"
    assert str(number) not in client.get(reverse("shop:orders")).content.decode()


def test_every_member_sees_the_enterprise_orders(client, theirs):
    colleague = make_buyer(email="colleague@b.example", enterprise=theirs["enterprise"])
    client.force_login(colleague)
    number = theirs["order"].number
    assert client.get(reverse("shop:order-detail", kwargs={"number": number})).status_code == 200
    assert str(number) in client.get(reverse("shop:orders")).content.decode()


def test_invoices_of_another_enterprise_are_404(client, our_admin, theirs):
    client.force_login(our_admin)
    url = reverse("shop:invoice-detail", kwargs={"pk": theirs["invoice"].pk})
    assert client.get(url).status_code == 404
    assert (
        theirs["invoice"].invoice_title not in client.get(reverse("shop:invoices")).content.decode()
    )


def test_addresses_of_another_enterprise_are_404_and_unchanged(client, our_admin, theirs):
    client.force_login(our_admin)
    address = theirs["address"]
    update = reverse("shop:address-update", kwargs={"pk": address.pk})
    assert client.get(update).status_code == 404
    data = {
        "label": "偷改",
        "recipient": "x",
        "phone": "1",
        "province": "p",
        "city": "c",
        "street": "s",
    }
    assert client.post(update, data).status_code == 404
    assert client.post(reverse("shop:address-delete", kwargs={"pk": address.pk})).status_code == 404
    address.refresh_from_db()
    assert address.label == "食堂"
    assert EnterpriseAddress.objects.filter(pk=address.pk).exists()


def test_members_of_another_enterprise_are_404_and_unchanged(client, our_admin, theirs):
    client.force_login(our_admin)
    url = reverse("shop:member-change", kwargs={"pk": theirs["member"].pk})
    assert client.post(url, {"role": "buyer"}).status_code == 404
    assert client.post(url, {"action": "remove"}).status_code == 404
    theirs["member"].refresh_from_db()
    assert theirs["member"].role == "admin"
    assert theirs["admin"].email not in client.get(reverse("shop:members")).content.decode()


def test_checkout_cannot_ship_to_another_enterprise_address(client, buyer, theirs):
    (record,) = make_stock(n=1, num_in_stock=5)
    basket_for(buyer, [(record, 1)])
    client.force_login(buyer)
    client.get(reverse("checkout:index"))
    response = client.post(
        reverse("checkout:shipping-address"), {"address_id": theirs["address"].pk}
    )
    assert response.status_code == 302 and response["Location"].endswith(
        reverse("checkout:shipping-address")
    )


def test_buyers_cannot_change_members_or_the_invoice_profile(client, buyer, enterprise):
    client.force_login(buyer)
    me = EnterpriseMember.objects.get(user=buyer)
    assert (
        client.post(
            reverse("shop:member-change", kwargs={"pk": me.pk}), {"role": "admin"}
        ).status_code
        == 403
    )
    assert client.get(reverse("shop:invoice-profile")).status_code == 403
    me.refresh_from_db()
    assert me.role == "buyer"


def test_last_admin_cannot_be_demoted(client, our_admin):
    client.force_login(our_admin)
    me = EnterpriseMember.objects.get(user=our_admin)
    client.post(reverse("shop:member-change", kwargs={"pk": me.pk}), {"role": "buyer"})
    me.refresh_from_db()
    assert me.role == "admin"
