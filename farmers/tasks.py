import datetime

from celery import shared_task
from django.conf import settings

from farmers.services.reconciliation import attribution_reconcile


@shared_task(name="farmers.attribution_reconcile")
def attribution_reconcile_task() -> dict:
    result = attribution_reconcile(
        settle_after=datetime.timedelta(minutes=settings.RECONCILE_SETTLE_MINUTES),
        look_back=datetime.timedelta(days=settings.RECONCILE_LOOK_BACK_DAYS),
    )
    return result.__dict__
