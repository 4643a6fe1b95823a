from celery import shared_task
from django.conf import settings

from shop.services.payments import orders_cancel_unpaid


@shared_task  # the project's task base (config.celery_app.TaibaoTask): acks late, retries
def orders_cancel_unpaid_task() -> list[int]:
    """Periodic (CELERY_BEAT_SCHEDULE): cancel unpaid bank-transfer orders and release stock."""
    return orders_cancel_unpaid(older_than_days=settings.TAIBAO_UNPAID_ORDER_DAYS)
