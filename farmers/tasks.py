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


@shared_task(name="farmers.lot_sheets_pending_purge")
def lot_sheets_pending_purge_task() -> int:
    from farmers.services.pending_sheets import pending_sheets_purge

    return pending_sheets_purge()
