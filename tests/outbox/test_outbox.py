"""The outbox: recorded with the change, handled once after commit, relayed when stuck."""

import datetime

import pytest
from django.db import transaction

from outbox.models import OutboxDelivery, OutboxMessage
from outbox.registry import outbox_handler
from outbox.services import outbox_handle, outbox_record, outbox_relay

pytestmark = pytest.mark.django_db(transaction=True)

CALLS: list[dict] = []
FAILURES = {"left": 0}


@outbox_handler("test.ping", queue="notifications")
def ping_handler(payload: dict) -> None:
    if FAILURES["left"]:
        FAILURES["left"] -= 1
        raise RuntimeError("the mail server is down")
    CALLS.append(payload)


@pytest.fixture(autouse=True)
def _reset():
    CALLS.clear()
    FAILURES["left"] = 0


def test_handled_once_after_commit():
    with transaction.atomic():
        message = outbox_record(topic="test.ping", payload={"order_id": 7})
        assert CALLS == []  # nothing leaves before the commit
    assert CALLS == [{"order_id": 7}]
    message.refresh_from_db()
    assert message.handled_at is not None
    assert OutboxDelivery.objects.filter(message=message).count() == 1


def test_rolled_back_change_sends_nothing():
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox_record(topic="test.ping", payload={"order_id": 8})
        raise RuntimeError("the order failed")
    assert CALLS == [] and OutboxMessage.objects.count() == 0


def test_the_same_delivery_twice_does_the_work_once():
    message = outbox_record(topic="test.ping", payload={"order_id": 9})
    handler = f"{ping_handler.__module__}.{ping_handler.__qualname__}"
    assert outbox_handle(message_id=message.pk, handler_name=handler) is False
    assert CALLS == [{"order_id": 9}]


def test_a_failing_handler_leaves_the_message_pending_for_the_relay():
    FAILURES["left"] = 100
    message = outbox_record(topic="test.ping", payload={"order_id": 10})
    message.refresh_from_db()
    assert message.handled_at is None and CALLS == []
    FAILURES["left"] = 0
    OutboxMessage.objects.filter(pk=message.pk).update(
        created_at=message.created_at - datetime.timedelta(minutes=5),
        published_at=message.created_at - datetime.timedelta(minutes=5),
    )
    assert outbox_relay(older_than=datetime.timedelta(minutes=1)) == 1
    message.refresh_from_db()
    assert message.handled_at is not None and CALLS == [{"order_id": 10}]
    assert outbox_relay(older_than=datetime.timedelta(minutes=1)) == 0


def test_the_relay_leaves_recent_messages_alone():
    FAILURES["left"] = 100
    outbox_record(topic="test.ping", payload={"order_id": 11})
    FAILURES["left"] = 0
    assert outbox_relay(older_than=datetime.timedelta(minutes=1)) == 0
    assert CALLS == []


def test_a_topic_without_handlers_is_marked_handled():
    message = outbox_record(topic="test.nobody-listens", payload={"x": 1})
    message.refresh_from_db()
    assert message.handled_at is not None


OTHER_CALLS: list[dict] = []


@outbox_handler("test.pair", queue="notifications")
def failing_pair_handler(payload: dict) -> None:
    ping_handler(payload)


@outbox_handler("test.pair", queue="attribution")
def second_pair_handler(payload: dict) -> None:
    OTHER_CALLS.append(payload)


def test_without_a_broker_one_failing_handler_neither_fails_the_change_nor_stops_the_others():
    OTHER_CALLS.clear()
    FAILURES["left"] = 100
    with transaction.atomic():
        message = outbox_record(topic="test.pair", payload={"order_id": 12})
    assert OTHER_CALLS == [{"order_id": 12}]  # the other handler ran
    message.refresh_from_db()
    assert message.handled_at is None and "mail server" in message.last_error
    FAILURES["left"] = 0
    from django.core.management import call_command

    OutboxMessage.objects.filter(pk=message.pk).update(
        created_at=message.created_at - datetime.timedelta(minutes=5),
        published_at=message.created_at - datetime.timedelta(minutes=5),
    )
    call_command("outbox_relay")
    message.refresh_from_db()
    assert message.handled_at is not None and OTHER_CALLS == [{"order_id": 12}]
