"""Order notifications: the right people, the right lines, each notice once."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from oscar.core.loading import get_model
from oscar.test.factories import UserFactory, create_basket, create_order

from farmers.services.stock import stock_adjust
from outbox.models import OutboxMessage
from outbox.services import outbox_handle
from shop.models import NotificationRecord
from shop.services.payments import transfer_record

pytestmark = pytest.mark.django_db(transaction=True)

Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")
Notification = get_model("communication", "Notification")
ShippingEventType = get_model("order", "ShippingEventType")


def user(email):
    return get_user_model().objects.get(email=email)


def place(*skus_quantities):
    basket = create_basket(empty=True)
    for sku, quantity in skus_quantities:
        basket.add_product(Product.objects.get(upc=sku), quantity)
    return create_order(basket=basket, user=user("buyer@guoguang.example"))


def mails_to(email):
    return [m for m in mail.outbox if email in m.to]


def test_order_placed_tells_the_buyer_each_seller_its_own_lines_and_the_team(demo_world):
    mail.outbox.clear()
    order = place(("TB-CG-JC-500", 20), ("TB-MT-2500", 3))
    buyer = mails_to("buyer@guoguang.example")
    assert len(buyer) == 1 and str(order.number) in buyer[0].subject + buyer[0].body
    assert "芥菜干" in buyer[0].body and "马蹄" in buyer[0].body
    assert "转账" in buyer[0].body or "Pay by" in buyer[0].body  # payee details for the transfer
    seller = mails_to("seller@fengle.example")
    assert len(seller) == 1
    assert "芥菜干" in seller[0].body and "马蹄" not in seller[0].body  # only its own lines
    team = mails_to("team@taibao.example")
    assert len(team) == 1 and str(order.number) in team[0].subject
    assert Notification.objects.filter(recipient=user("buyer@guoguang.example")).count() == 1
    assert Notification.objects.filter(recipient=user("seller@fengle.example")).count() == 1


def test_a_handler_run_twice_sends_nobody_anything_twice(demo_world):
    order = place(("TB-CG-LB-500", 5))
    message = OutboxMessage.objects.get(topic="order.placed", payload__order_id=order.pk)
    sent = len(mail.outbox)
    from shop.outbox_handlers import notify_order_placed

    notify_order_placed({**message.payload, "_message_id": message.pk})
    handler = f"{notify_order_placed.__module__}.{notify_order_placed.__qualname__}"
    assert outbox_handle(message_id=message.pk, handler_name=handler) is False
    assert len(mail.outbox) == sent
    assert NotificationRecord.objects.filter(message=message).count() == 3  # buyer, seller, team


def test_payment_and_shipping_are_announced(client, demo_world, settings):
    order = place(("TB-SG-500", 4))
    mail.outbox.clear()
    transfer_record(
        order_id=order.pk,
        amount=order.total_incl_tax,
        received_on=datetime.date(2026, 11, 28),
        bank_reference="N1",
        recorded_by=UserFactory(is_staff=True),
    )
    assert (
        "received" in mails_to("buyer@guoguang.example")[0].subject.lower()
        or "已收到" in mails_to("buyer@guoguang.example")[0].subject
    )
    assert len(mails_to("seller@fengle.example")) == 1

    mail.outbox.clear()
    client.login(username="seller@fengle.example", password=settings.TAIBAO_DEMO_PASSWORD)
    ShippingEventType.objects.get_or_create(code="shipped", defaults={"name": "Shipped"})
    line = order.lines.get()
    client.post(
        f"/dashboard/orders/{order.number}/",
        {
            "line_action": "create_shipping_event",
            "selected_line": [line.pk],
            f"selected_line_qty_{line.pk}": 4,
            "shipping_event_type": "shipped",
            "reference": "SF9988776655",
        },
    )
    shipped_mail = mails_to("buyer@guoguang.example")
    assert len(shipped_mail) == 1 and "SF9988776655" in shipped_mail[0].body


def test_low_stock_tells_the_sellers_staff(demo_world):
    record = StockRecord.objects.get(partner_sku="TB-CG-GIFT-2000")
    record.low_stock_threshold = 100
    record.save()
    mail.outbox.clear()
    stock_adjust(stock_record=record, reason="damage", units=30, note="受潮")
    notice = mails_to("seller@fengle.example")
    assert len(notice) == 1 and "90" in notice[0].subject


def test_notifications_carry_no_personal_data_in_task_arguments(demo_world):
    place(("TB-CG-JC-500", 1))
    for message in OutboxMessage.objects.all():
        assert set(message.payload) <= {
            "order_id",
            "stock_record_id",
            "available",
            "shipping_event_id",
            "refund_id",
            "lines",
        }


def _notice(message, recipient):
    from shop.notifications import notice_send

    order = get_model("order", "Order").objects.get(pk=message.payload["order_id"])
    return notice_send(
        message_id=message.pk,
        code="PAYMENT_RECEIVED",
        recipient=recipient,
        context={"order": order, "lines": list(order.lines.all())},
    )


@pytest.fixture
def paid_event(demo_world):
    order = place(("TB-CG-LB-500", 2))
    return OutboxMessage.objects.create(topic="test.notice", payload={"order_id": order.pk})


def test_a_session_lost_after_the_email_went_does_not_send_it_again(paid_event, monkeypatch):
    from django.db import OperationalError
    from django.db.models import QuerySet

    buyer = user("buyer@guoguang.example")
    real_update, lost = QuerySet.update, []

    def update_after_lost_session(self, **kwargs):
        if self.model is NotificationRecord and not lost:
            lost.append(True)
            raise OperationalError("server closed the connection unexpectedly")
        return real_update(self, **kwargs)

    monkeypatch.setattr(QuerySet, "update", update_after_lost_session)
    mail.outbox.clear()
    assert _notice(paid_event, buyer) is True
    assert _notice(paid_event, buyer) is False  # the retry finds it sent
    assert len(mails_to(buyer.email)) == 1 and lost
    record = NotificationRecord.objects.get(message=paid_event)
    assert record.emailed and not record.email_pending


@pytest.mark.parametrize("lost_for", ["one session", "the whole task"])
def test_a_database_lost_while_the_sent_email_is_recorded_never_sends_it_again(
    paid_event, monkeypatch, lost_for
):
    """Oscar keeps a copy of each e-mail it sends, written after the mail server took it;
    a database lost there must not read as a refusal (withdraw, retry, send twice)."""
    from django.db import OperationalError
    from oscar.apps.communication.utils import Dispatcher

    Email = get_model("communication", "Email")
    buyer = user("buyer@guoguang.example")
    real_archive, failures = Dispatcher.create_email, []

    def archive_on_lost_session(self, *args, **kwargs):
        if lost_for == "the whole task" or not failures:
            failures.append(True)
            raise OperationalError("terminating connection due to administrator command")
        return real_archive(self, *args, **kwargs)

    monkeypatch.setattr(Dispatcher, "create_email", archive_on_lost_session)
    mail.outbox.clear()
    copies = Email.objects.filter(email=buyer.email).count()
    if lost_for == "one session":
        assert _notice(paid_event, buyer) is True  # recorded on a fresh session
    else:
        with pytest.raises(OperationalError):
            _notice(paid_event, buyer)
        assert len(failures) == 2
    assert _notice(paid_event, buyer) is False  # the retry sends nothing
    assert len(mails_to(buyer.email)) == 1
    record = NotificationRecord.objects.get(message=paid_event, recipient=buyer)
    if lost_for == "one session":
        assert record.emailed and not record.email_pending
        assert Email.objects.filter(email=buyer.email).count() == copies + 1
    else:
        assert record.email_pending and not record.emailed  # listed for the team


def test_a_refused_email_is_retried_and_a_worker_lost_mid_send_never_sends_twice(
    paid_event, monkeypatch
):
    from oscar.apps.communication.utils import Dispatcher

    buyer = user("buyer@guoguang.example")
    real_send = Dispatcher.send_email_messages

    def refused(self, *args, **kwargs):
        raise ConnectionRefusedError("the mail server is down")

    monkeypatch.setattr(Dispatcher, "send_email_messages", refused)
    mail.outbox.clear()
    in_site = Notification.objects.filter(recipient=buyer).count()
    with pytest.raises(ConnectionRefusedError):
        _notice(paid_event, buyer)
    assert not NotificationRecord.objects.filter(message=paid_event).exists()  # withdrawn
    assert Notification.objects.filter(recipient=buyer).count() == in_site
    monkeypatch.setattr(Dispatcher, "send_email_messages", real_send)
    assert _notice(paid_event, buyer) is True and len(mails_to(buyer.email)) == 1

    def killed(self, *args, **kwargs):
        raise SystemExit("SIGTERM")  # the worker stops between the claim and the mail server

    monkeypatch.setattr(Dispatcher, "send_email_messages", killed)
    team = user("team@taibao.example")
    with pytest.raises(SystemExit):
        _notice(paid_event, team)
    monkeypatch.setattr(Dispatcher, "send_email_messages", real_send)
    assert _notice(paid_event, team) is False  # outcome unknown: listed, not sent again
    assert NotificationRecord.objects.get(recipient=team, message=paid_event).email_pending
    assert mails_to(team.email) == []
