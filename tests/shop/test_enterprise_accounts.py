"""Registration, invitations, pairing display, checkout and reorder for enterprise buyers."""

import re
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from oscar.core.loading import get_model

from shop.models import Enterprise, EnterpriseMember, PairingAgreement, PriceTier
from testing.factories import TownFactory, VillageFactory
from tests.shop.conftest import basket_for, make_buyer, make_stock, place

pytestmark = pytest.mark.django_db

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")


def test_registration_checks_the_credit_code_and_makes_the_user_admin(client):
    user = make_buyer(email="new@c.example")
    client.force_login(user)
    bad = client.post(
        reverse("shop:enterprise-register"), {"name": "某公司", "uscc": "91440101190473001X"}
    )
    assert bad.status_code == 200 and not Enterprise.objects.exists()
    good = client.post(
        reverse("shop:enterprise-register"), {"name": "某公司", "uscc": "91440101190473001r"}
    )
    assert good.status_code == 302
    member = EnterpriseMember.objects.get(user=user)
    assert member.role == "admin" and member.enterprise.uscc == "91440101190473001R"
    assert member.enterprise.invoice_profile.taxpayer_id == "91440101190473001R"


def test_invitation_by_email_is_accepted_only_by_that_address(
    client, enterprise, django_capture_on_commit_callbacks
):
    admin = make_buyer(email="admin@a.example", enterprise=enterprise, role="admin")
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("shop:members"), {"email": "Colleague@A.example", "role": "buyer"})
    assert len(mail.outbox) == 1
    link = next(
        line for line in mail.outbox[0].body.splitlines() if "/enterprise/invitations/" in line
    )
    path = link[link.index("/enterprise/") :]

    stranger = make_buyer(email="stranger@x.example")
    client.force_login(stranger)
    client.get(path)
    assert not EnterpriseMember.objects.filter(user=stranger).exists()

    colleague = make_buyer(email="colleague@a.example")
    client.force_login(colleague)
    client.get(path)
    assert EnterpriseMember.objects.get(user=colleague).enterprise == enterprise
    client.get(path)  # used once only
    assert EnterpriseMember.objects.filter(enterprise=enterprise).count() == 2


def test_paired_village_products_come_first_and_are_marked(client, buyer, enterprise):
    town = TownFactory()
    paired, other = VillageFactory(town=town), VillageFactory()
    PairingAgreement.objects.create(
        enterprise=enterprise,
        programme="village",
        village=paired,
        signed_on="2025-03-18",
        yearly_pledge=1000,
    )
    far, near = make_stock(n=2)
    far.product.origin_village = other
    far.product.title = "A 远方的货"
    far.product.save()
    near.product.origin_village = paired
    near.product.title = "Z 结对村的货"
    near.product.save()
    client.force_login(buyer)
    page = client.get(reverse("shop:quick-order")).content.decode()
    assert page.index("Z 结对村的货") < page.index("A 远方的货")
    detail = client.get(near.product.get_absolute_url()).content.decode()
    assert "shop-paired-badge" in detail
    assert "shop-paired-badge" not in client.get(far.product.get_absolute_url()).content.decode()


def test_volume_tiers_are_shown_on_the_product_page(client, buyer):
    (record,) = make_stock(n=1, price="25.00")
    PriceTier.objects.create(stockrecord=record, min_quantity=50, price=Decimal("22.00"))
    PriceTier.objects.create(stockrecord=record, min_quantity=200, price=Decimal("20.00"))
    page = client.get(record.product.get_absolute_url()).content.decode()
    assert "1–49" in page and "50–199" in page and "200+" in page
    assert "¥22.00" in page and "¥20.00" in page


def test_checkout_by_bank_transfer_with_po_number_and_invoice(
    client, buyer, enterprise, django_capture_on_commit_callbacks
):
    (record,) = make_stock(n=1, num_in_stock=100, price="25.00")
    PriceTier.objects.create(stockrecord=record, min_quantity=50, price=Decimal("22.00"))
    basket_for(buyer, [(record, 60)])
    client.force_login(buyer)
    client.get(reverse("checkout:index"), follow=True)
    client.post(
        reverse("checkout:shipping-address"),
        {"address_id": enterprise.addresses.get().pk},
        follow=True,
    )
    form = {
        "po_number": "PO-2026-001",
        "payment_method": "bank_transfer",
        "invoice_requested": "on",
        "invoice_title": "测试企业0（采购部）",
        "taxpayer_id": enterprise.uscc,
        "invoice_type": "vat_normal",
        "note": "请周一上午送到食堂",
    }
    preview = client.post(reverse("checkout:preview"), form)
    assert preview.status_code == 200 and "PO-2026-001" in preview.content.decode()
    # The confirmation leaves through the outbox once the order commits.
    with django_capture_on_commit_callbacks(execute=True):
        placed = client.post(reverse("checkout:preview"), {**form, "action": "place_order"})
    assert placed.status_code == 302, placed.content.decode()[:2000]
    order = Order.objects.get(user=buyer)
    assert (order.po_number, order.enterprise, order.payment_status) == (
        "PO-2026-001",
        enterprise,
        "awaiting",
    )
    assert order.total_incl_tax == Decimal("1320.00")
    assert order.invoice.invoice_title == "测试企业0（采购部）" and order.invoice.amount == Decimal(
        "1320.00"
    )
    assert order.shipping_address.state == "广东省"
    thanks = client.get(reverse("checkout:thank-you")).content.decode()
    assert str(order.number) in thanks and "shop-payee-account" in thanks
    assert len(mail.outbox) == 1
    assert str(order.number) in mail.outbox[0].body and "4400" in mail.outbox[0].body


def test_the_baskets_checkout_button_leads_straight_to_the_delivery_address(client, buyer):
    (record,) = make_stock(n=1)
    basket_for(buyer, [(record, 2)])
    client.force_login(buyer)
    basket = client.get(reverse("basket:summary")).content.decode()
    button = re.search(r'<a href="([^"]+)" id="basket-checkout"', basket)
    assert button and button.group(1) == reverse("checkout:shipping-address")
    elsewhere = client.get(reverse("catalogue:index")).content.decode()
    header = elsewhere.split('class="basket-mini-item', 1)[1].split("</ul>", 1)[0]
    assert f'href="{reverse("checkout:shipping-address")}"' in header
    page = client.get(button.group(1))
    assert page.status_code == 200 and 'name="address_id"' in page.content.decode()

    client.logout()  # a visitor's basket: the same button asks them to sign in first
    visitor = client.get(button.group(1), follow=True)
    assert visitor.redirect_chain[0][0] == (
        reverse("customer:login") + "?next=" + reverse("checkout:shipping-address")
    )
    assert visitor.status_code == 200 and 'name="login-username"' in visitor.content.decode()


def test_non_members_are_sent_to_register_before_checkout(client):
    user = make_buyer(email="lone@c.example")
    (record,) = make_stock(n=1)
    basket_for(user, [(record, 1)])
    client.force_login(user)
    response = client.get(reverse("checkout:index"))
    assert (
        response.status_code == 302 and reverse("shop:enterprise-register") in response["Location"]
    )


def test_reorder_puts_lines_back_at_todays_prices(client, buyer, enterprise):
    first, second = make_stock(n=2, num_in_stock=100, price="25.00")
    order = place(basket_for(buyer, [(first, 4), (second, 6)]), buyer, enterprise=enterprise)
    first.price = Decimal("27.50")
    first.save()
    client.force_login(buyer)
    response = client.post(reverse("shop:order-reorder", kwargs={"number": order.number}))
    assert response.status_code == 302
    basket = Basket.objects.get(owner=buyer, status="Open")
    basket.strategy = (
        __import__("shop.partner.strategy", fromlist=["Selector"]).Selector().strategy()
    )
    lines = {line.stockrecord_id: line for line in basket.all_lines()}
    assert lines[first.pk].quantity == 4 and lines[first.pk].unit_price_incl_tax == Decimal("27.50")
    assert lines[second.pk].quantity == 6


def test_choosing_the_address_leads_straight_to_the_order_form(client, buyer, enterprise):
    """One shipping method and nothing to choose about payment: no pages in between."""
    (record,) = make_stock(n=1, num_in_stock=100, price="25.00")
    basket_for(buyer, [(record, 4)])
    client.force_login(buyer)
    client.get(reverse("checkout:shipping-address"))
    chosen = client.post(
        reverse("checkout:shipping-address"), {"address_id": enterprise.addresses.get().pk}
    )
    assert chosen.status_code == 302
    assert chosen["Location"] == reverse("checkout:payment-details")
    details = client.get(chosen["Location"])
    assert details.status_code == 200 and 'name="po_number"' in details.content.decode()
    assert client.session["checkout_data"]["shipping"]["method_code"] == "free-shipping"


def test_with_a_choice_of_shipping_methods_the_buyer_chooses(
    client, buyer, enterprise, monkeypatch
):
    from oscar.apps.shipping.methods import FixedPrice, Free
    from oscar.apps.shipping.repository import Repository

    class Courier(FixedPrice):
        code, name = "courier", "Courier"

    monkeypatch.setattr(Repository, "methods", (Free(), Courier(Decimal("12.00"))))
    (record,) = make_stock(n=1, num_in_stock=100, price="25.00")
    basket_for(buyer, [(record, 4)])
    client.force_login(buyer)
    chosen = client.post(
        reverse("checkout:shipping-address"), {"address_id": enterprise.addresses.get().pk}
    )
    assert chosen["Location"] == reverse("checkout:shipping-method")
    page = client.get(chosen["Location"])
    assert page.status_code == 200 and "Courier" in page.content.decode()
