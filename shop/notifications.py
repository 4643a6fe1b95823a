"""Order notifications: e-mail and in-site messages through Oscar's communication event types.

Each notice goes to one person about one outbox event and is recorded once
(``NotificationRecord``, unique per event, type and recipient): a handler
that runs twice, or is retried after the mail server failed halfway through
the recipients, sends nobody the same notice twice. The wording lives in
Oscar's communication event types (editable in the dashboard, with file
templates under ``oscar/communication/emails/`` as the default).
"""

import logging
from collections import defaultdict
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import translation
from oscar.core.loading import get_class, get_model

from shop.models import NotificationRecord
from shop.roles import CONFIRM_TRANSFERS, users_with_permission

logger = logging.getLogger(__name__)

CommunicationEventType = get_model("communication", "CommunicationEventType")
Notification = get_model("communication", "Notification")
Order = get_model("order", "Order")
ShippingEvent = get_model("order", "ShippingEvent")
StockRecord = get_model("partner", "StockRecord")
Dispatcher = get_class("communication.utils", "Dispatcher")


def notice_send(*, message_id: int, code: str, recipient, context: dict) -> bool:
    """Send one notice (in-site message, and e-mail when the person has an address), once.

    The notice is claimed (recorded and committed) before the e-mail goes out,
    so nothing can undo the record of an e-mail that went: a session lost
    after sending cannot make a retry send it again. If the mail server
    refuses, the claim is withdrawn and the task retries. Only a worker killed
    between the claim and the mail server's answer leaves the outcome unknown
    (``email_pending``); such notices are listed, never sent twice.
    """
    if NotificationRecord.objects.filter(
        message_id=message_id, code=code, recipient=recipient
    ).exists():
        return False
    with translation.override(settings.LANGUAGE_CODE):
        messages = CommunicationEventType.objects.get_and_render(code, context)
    try:
        with transaction.atomic():
            record = NotificationRecord.objects.create(
                message_id=message_id,
                code=code,
                recipient=recipient,
                email_pending=bool(recipient.email),
            )
            note = Notification.objects.create(
                recipient=recipient,
                subject=messages["subject"],
                body=messages["html"] or messages["body"].replace("\n", "<br>"),
            )
    except IntegrityError:
        return False  # a concurrent run claimed it
    if not recipient.email:
        return True
    dispatcher = Dispatcher(logger=logger)
    try:
        # Only the sending: Oscar's send_user_email_messages also writes its Email copy
        # afterwards, and a failure there would look like a refusal though the mail went.
        email = dispatcher.send_email_messages(recipient.email, messages)
    except Exception:
        # Nothing went out: withdraw the claim (and its in-site copy) so the retry sends it.
        with transaction.atomic():
            Notification.objects.filter(pk=note.pk).delete()
            NotificationRecord.objects.filter(pk=record.pk).delete()
        raise

    def archive() -> None:  # Oscar's copy of the e-mail, as its own sending would keep
        if settings.OSCAR_SAVE_SENT_EMAILS_TO_DB:
            dispatcher.create_email(recipient, messages, email)

    _mark_emailed(record.pk, archive=archive)
    return True


def _mark_emailed(record_id: int, *, archive: Callable[[], None]) -> None:
    """Record the mail server's acceptance (and Oscar's copy of the e-mail); once more
    on a fresh connection if the database ended the session meanwhile. The e-mail has
    gone either way: it is never sent again."""
    for attempt in range(2):
        try:
            with transaction.atomic():
                NotificationRecord.objects.filter(pk=record_id).update(
                    emailed=True, email_pending=False
                )
                archive()
            return
        except DatabaseError:
            if attempt or connection.in_atomic_block:
                raise  # left pending: listed for the team, never sent again
            connection.close()


def _seller_staff(lines) -> dict:
    """Each partner's staff, with the lines that are theirs."""
    by_partner = defaultdict(list)
    for line in lines:
        by_partner[line.partner_id].append(line)
    users = get_user_model().objects.filter(partners__in=list(by_partner)).distinct()
    staff = []
    for user in users.prefetch_related("partners"):
        own = [line for p in user.partners.all() for line in by_partner.get(p.pk, [])]
        staff.append((user, own))
    return staff


def _work_team():
    # The team is told of orders as the one who confirms their payments (shop/roles.py).
    return users_with_permission(CONFIRM_TRANSFERS)


def _order(order_id: int):
    return (
        Order.objects.select_related("user", "enterprise", "shipping_address")
        .prefetch_related("lines")
        .get(pk=order_id)
    )


def order_placed_notify(*, message_id: int, order_id: int) -> None:
    from shop.services.payments import payee, payment_due_by

    order = _order(order_id)
    lines = list(order.lines.all())
    if order.user:
        notice_send(
            message_id=message_id,
            code="ORDER_PLACED",
            recipient=order.user,
            context={
                "order": order,
                "lines": lines,
                "payee": payee(),
                "payment_due_by": payment_due_by(order=order),
            },
        )
    for user, own in _seller_staff(lines):
        notice_send(
            message_id=message_id,
            code="SELLER_ORDER_PLACED",
            recipient=user,
            context={"order": order, "lines": own},
        )
    for user in _work_team():
        notice_send(
            message_id=message_id,
            code="TEAM_ORDER_PLACED",
            recipient=user,
            context={"order": order, "lines": lines},
        )


def order_paid_notify(*, message_id: int, order_id: int) -> None:
    order = _order(order_id)
    lines = list(order.lines.all())
    if order.user:
        notice_send(
            message_id=message_id,
            code="PAYMENT_RECEIVED",
            recipient=order.user,
            context={"order": order, "lines": lines},
        )
    for user, own in _seller_staff(lines):
        notice_send(
            message_id=message_id,
            code="SELLER_PAYMENT_RECEIVED",
            recipient=user,
            context={"order": order, "lines": own},
        )


def order_shipped_notify(*, message_id: int, order_id: int, shipping_event_id: int) -> None:
    order = _order(order_id)
    event = ShippingEvent.objects.prefetch_related("line_quantities__line").get(
        pk=shipping_event_id, order=order
    )
    if order.user:
        notice_send(
            message_id=message_id,
            code="ORDER_SHIPPED",
            recipient=order.user,
            context={
                "order": order,
                "event": event,
                "tracking_number": event.notes,
                "shipped": [(q.line, q.quantity) for q in event.line_quantities.all()],
            },
        )


def order_cancelled_notify(*, message_id: int, order_id: int) -> None:
    order = _order(order_id)
    if order.user:
        notice_send(
            message_id=message_id,
            code="ORDER_CANCELLED",
            recipient=order.user,
            context={"order": order, "lines": list(order.lines.all())},
        )


def stock_low_notify(*, message_id: int, stock_record_id: int, available: int) -> None:
    record = StockRecord.objects.select_related("product", "partner").get(pk=stock_record_id)
    for user in record.partner.users.filter(is_active=True):
        notice_send(
            message_id=message_id,
            code="LOW_STOCK",
            recipient=user,
            context={
                "stock_record": record,
                "product": record.product,
                "available": available,
            },
        )
