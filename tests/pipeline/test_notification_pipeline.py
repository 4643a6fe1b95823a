"""Notifications through Redis, real workers and a real SMTP server: late, never lost, never twice."""

import datetime
import time

from django.test import Client
from oscar.core.loading import get_model
from oscar.test.factories import UserFactory

from farmers.models import Attribution
from outbox.models import OutboxMessage
from outbox.services import outbox_relay
from shop.partner.strategy import Selector
from shop.services.payments import transfer_record
from testing.mailbox import Mailbox
from testing.ports import free_port
from tests.pipeline.conftest import celery_on, wait_for

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")
Product = get_model("catalogue", "Product")

BUYER, SELLER, TEAM = "buyer@guoguang.example", "seller@fengle.example", "team@taibao.example"


def checkout(buyer_email: str, *skus_quantities) -> tuple[int, "Order"]:
    """The buyer's real checkout requests, up to "place order"."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(email=buyer_email)
    basket = Basket.objects.create(owner=user)
    basket.strategy = Selector().strategy(user=user)
    for sku, quantity in skus_quantities:
        basket.add_product(Product.objects.get(upc=sku), quantity)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    address = user.enterprise_membership.enterprise.addresses.first()
    client.get("/checkout/", follow=True)
    client.post("/checkout/shipping-address/", {"address_id": address.pk}, follow=True)
    form = {"po_number": "PO-2026-118", "payment_method": "bank_transfer", "note": ""}
    client.post("/checkout/preview/", form)
    response = client.post("/checkout/preview/", {**form, "action": "place_order"})
    return response.status_code, Order.objects.filter(user=user).order_by("-pk").first()


def handled(topic: str, order) -> bool:
    message = OutboxMessage.objects.get(topic=topic, payload__order_id=order.pk)
    return message.handled_at is not None


def test_order_placed_while_redis_is_down_is_announced_and_attributed_when_it_returns(
    postgres, demo_world, redis_server, workers, mailbox, settings
):
    mailbox.start()
    with celery_on(redis_server.url, settings):
        redis_server.stop()
        started = time.monotonic()
        status, order = checkout(BUYER, ("TB-CG-JC-500", 20), ("TB-MT-2500", 3))
        assert status == 302  # the buyer's request succeeded with Redis down
        # ... without waiting on the broker's reconnect back-off (about 6 s a message)
        assert time.monotonic() - started < 3
        transfer_record(
            order_id=order.pk,
            amount=order.total_incl_tax,
            received_on=datetime.date(2026, 11, 28),
            bank_reference="R1",
            recorded_by=UserFactory(is_staff=True),
        )
        assert not handled("order.placed", order) and not handled("order.paid", order)
        assert mailbox.messages == []

        redis_server.start()
        workers(redis_server.url, EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(mailbox.port))
        assert outbox_relay(older_than=datetime.timedelta(0)) == 2
        wait_for(lambda: handled("order.placed", order) and handled("order.paid", order))

    assert len(mailbox.to(BUYER)) == 2  # order placed, payment received — once each
    assert len(mailbox.to(SELLER)) == 2  # its lines placed, its lines paid
    assert len(mailbox.to(TEAM)) == 1
    seller_mail = mailbox.to(SELLER)[0].get_body(("plain",)).get_content()
    assert "芥菜干" in seller_mail and "马蹄" not in seller_mail
    for line in order.lines.all():
        assert sum(a.units for a in Attribution.objects.filter(line=line)) == line.quantity


def test_smtp_down_is_retried_and_delivered_once_when_it_returns(
    postgres, demo_world, redis_server, workers, settings
):
    port = free_port()  # nothing listens here yet
    with celery_on(redis_server.url, settings):
        workers(
            redis_server.url, queues="notifications", EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(port)
        )
        status, order = checkout(BUYER, ("TB-SG-500", 2))
        assert status == 302
        message = OutboxMessage.objects.get(topic="order.placed", payload__order_id=order.pk)
        wait_for(lambda: OutboxMessage.objects.get(pk=message.pk).attempts >= 1)
        time.sleep(3)  # the first tries fail: the mail server is down
        assert not handled("order.placed", order)

        late = Mailbox(port).start()  # the mail server comes back
        try:
            wait_for(lambda: handled("order.placed", order), timeout=90)
        finally:
            late.stop()
    assert len(late.to(BUYER)) == 1 and len(late.to(SELLER)) == 1 and len(late.to(TEAM)) == 1
