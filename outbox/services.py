"""The outbox: record in the business transaction, publish after commit, relay what is stuck.

Nothing here may fail the business change: if the broker is down when a
message is published, the message stays pending and the relay sends it later.
"""

import datetime
import logging

from celery import current_app
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone
from kombu import pools

from outbox.models import OutboxDelivery, OutboxMessage
from outbox.registry import handler_named, handlers_for

logger = logging.getLogger(__name__)


def outbox_record(*, topic: str, payload: dict[str, int | str]) -> OutboxMessage:
    """Record an event inside the caller's transaction; it is published once that commits."""
    message = OutboxMessage.objects.create(topic=topic, payload=payload)
    transaction.on_commit(lambda: outbox_publish(message_id=message.pk, recorded=message))
    return message


def outbox_publish(*, message_id: int, recorded: OutboxMessage | None = None) -> bool:
    """Send one task per handler still to do. False if the broker could not be reached.

    ``recorded``: the message as this process has just recorded and committed it;
    nothing has handled it yet (the relay waits a minute), so neither it nor its
    deliveries are read again. A handler that did run finds its claim anyway.
    """
    from outbox.tasks import outbox_handle_task

    if recorded is not None:
        message, done = recorded, set()
    else:
        message = OutboxMessage.objects.filter(pk=message_id, handled_at__isnull=True).first()
        if message is None:
            return True
        done = set(message.deliveries.values_list("handler", flat=True))
    pending = [h for h in handlers_for(message.topic) if h.name not in done]
    OutboxMessage.objects.filter(pk=message.pk).update(
        published_at=timezone.now(), attempts=message.attempts + 1
    )
    if not pending:
        _mark_handled(message)
        return True
    if current_app.conf.task_always_eager:
        # No broker (the demo): run each handler here, each on its own, so that one
        # failing handler neither fails the change nor keeps the others from running;
        # what failed stays pending for ``manage.py outbox_relay``.
        for handler in pending:
            try:
                outbox_handle(message_id=message.pk, handler_name=handler.name)
            except Exception as exc:
                logger.exception("outbox message %s: %s failed", message.pk, handler.name)
                OutboxMessage.objects.filter(pk=message.pk).update(last_error=str(exc)[:2000])
        return True
    try:
        with _publisher() as broker:
            for handler in pending:
                outbox_handle_task.apply_async(
                    args=[message.pk, handler.name],
                    queue=handler.queue,
                    retry=False,
                    connection=broker,
                )
    except Exception as exc:  # the broker is down: the relay will send it again
        logger.warning("outbox message %s not published: %s", message.pk, exc)
        OutboxMessage.objects.filter(pk=message.pk).update(last_error=str(exc)[:2000])
        return False
    return True


def _publisher():
    """A pooled broker connection that tries once. Celery's own connections (shared with
    the worker) reconnect with back-off for seconds when the broker is down; a request
    that publishes must not wait for that, since the relay sends the message later."""
    app = current_app
    options = {**(app.conf.broker_transport_options or {}), "max_retries": 0}
    return pools.connections[app.connection_for_write(transport_options=options)].acquire(
        block=True, timeout=app.conf.broker_connection_timeout
    )


def outbox_handle(*, message_id: int, handler_name: str) -> bool:
    """Run one handler for one message, once. False if it had been done already."""
    message = OutboxMessage.objects.only("pk", "topic", "payload").get(pk=message_id)
    handler = handler_named(handler_name)
    if handler.atomic:
        with transaction.atomic():
            # Claim the delivery first, in the handler's transaction: a second run of
            # the same handler waits on the unique key until this one ends, then finds
            # the claim and does nothing; if this one fails, the claim goes with it.
            if not _claim_delivery(message_id=message.pk, handler_name=handler_name):
                return False
            handler.function(message.payload)
    else:
        if OutboxDelivery.objects.filter(message=message, handler=handler_name).exists():
            return False
        handler.function({**message.payload, "_message_id": message.pk})
        _claim_delivery(message_id=message.pk, handler_name=handler_name)
    _mark_handled_when_complete(message)
    return True


def _claim_delivery(*, message_id: int, handler_name: str) -> bool:
    """Insert the delivery row unless it exists; True if this call inserted it."""
    table = connection.ops.quote_name(OutboxDelivery._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (message_id, handler, done_at) VALUES (%s, %s, %s) "
            "ON CONFLICT (message_id, handler) DO NOTHING",
            [message_id, handler_name, connection.ops.adapt_datetimefield_value(timezone.now())],
        )
        return cursor.rowcount == 1


def _mark_handled(message: OutboxMessage) -> None:
    OutboxMessage.objects.filter(pk=message.pk, handled_at__isnull=True).update(
        handled_at=timezone.now()
    )


def _mark_handled_when_complete(message: OutboxMessage) -> None:
    """One statement: handled once every handler of its topic has its delivery."""
    names = [h.name for h in handlers_for(message.topic)]
    done = (
        OutboxDelivery.objects.filter(message_id=OuterRef("pk"), handler__in=names)
        .order_by()
        .values("message_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    OutboxMessage.objects.filter(pk=message.pk, handled_at__isnull=True).filter(
        Exists(done.filter(n=len(names)))
    ).update(handled_at=timezone.now())


def outbox_relay(*, older_than: datetime.timedelta, limit: int = 500) -> int:
    """Publish again what is still pending after ``older_than``; returns how many."""
    cutoff = timezone.now() - older_than
    stuck = (
        OutboxMessage.objects.filter(
            handled_at__isnull=True,
            created_at__lt=cutoff,
            attempts__lt=settings.OUTBOX_MAX_ATTEMPTS,  # beyond: parked for the work team
        )
        .exclude(published_at__gte=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    sent = 0
    for message_id in list(stuck):
        if outbox_publish(message_id=message_id):
            sent += 1
        else:
            break  # the broker is still down; try again next time
    return sent


def outbox_stuck(*, older_than: datetime.timedelta):
    """Messages not handled long after they were written (for the team's dashboard)."""
    cutoff = timezone.now() - older_than
    done = OutboxDelivery.objects.filter(message=OuterRef("pk"))
    return (
        OutboxMessage.objects.filter(handled_at__isnull=True, created_at__lt=cutoff)
        .annotate(any_done=Exists(done))
        .order_by("created_at")
    )
