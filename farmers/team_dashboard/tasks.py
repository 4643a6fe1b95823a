import datetime

from celery import shared_task
from django.conf import settings

from farmers.team_dashboard.services import report_export_run, report_exports_purge


@shared_task(name="team_dashboard.report_export_run", soft_time_limit=1500, time_limit=1560)
def report_export_run_task(export_id: int) -> str:
    export = report_export_run(export_id=export_id)
    return export.status if export else "missing"


@shared_task(name="team_dashboard.report_exports_purge")
def report_exports_purge_task() -> int:
    return report_exports_purge(
        older_than=datetime.timedelta(days=settings.TAIBAO_EXPORT_KEEP_DAYS)
    )
