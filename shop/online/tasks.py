import datetime

from celery import shared_task
from django.conf import settings

from shop.online.services import online_orders_expire


@shared_task  # the project's task base (config.celery_app.TaibaoTask): acks late, retries
def online_orders_expire_task() -> list[int]:
    """Periodic (CELERY_BEAT_SCHEDULE): cancel unpaid online orders and release their stock."""
    return online_orders_expire(
        older_than=datetime.timedelta(hours=settings.TAIBAO_ONLINE_UNPAID_ORDER_HOURS)
    )
