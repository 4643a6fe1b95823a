import datetime

from celery import shared_task
from django.conf import settings

from outbox.services import outbox_handle, outbox_relay


@shared_task(name="outbox.handle")
def outbox_handle_task(message_id: int, handler_name: str) -> bool:
    return outbox_handle(message_id=message_id, handler_name=handler_name)


@shared_task(name="outbox.relay")
def outbox_relay_task() -> int:
    return outbox_relay(older_than=datetime.timedelta(seconds=settings.OUTBOX_RELAY_AFTER_SECONDS))
