import datetime

from celery import shared_task
from django.conf import settings

from shop.online.services import online_orders_expire


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def online_orders_expire_task() -> list[int]:
    """Periodic (CELERY_BEAT_SCHEDULE): cancel unpaid online orders and release their stock."""
    return online_orders_expire(
        older_than=datetime.timedelta(hours=settings.TAIBAO_ONLINE_UNPAID_ORDER_HOURS)
    )
