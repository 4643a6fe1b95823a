"""Report exports the team asks for: written at once when small, by a task when big."""

import datetime
import logging
import tempfile
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone, translation

from farmers.reports.exports import (
    FORMATS,
    ExportError,
    ReportParams,
    export_filename,
    report_export_write,
    report_table,
)
from farmers.team_dashboard.models import ReportExport

logger = logging.getLogger(__name__)


def report_export_request(
    *, user: Any, report: str, params: ReportParams, file_format: str, language: str
) -> ReportExport:
    """Record an export to build in the background; its task is sent once this commits.

    The task gets the export's id only: the filters stay in the row.
    """
    report_table(report)  # refuses an unknown report
    if file_format not in FORMATS:
        raise ExportError(f"unknown format {file_format!r}")
    export = ReportExport.objects.create(
        requested_by=user,
        report=report,
        params=dict(params),
        file_format=file_format,
        language=language,
    )
    transaction.on_commit(lambda: _send(export.pk))
    return export


def _send(export_id: int) -> None:
    from farmers.team_dashboard.tasks import report_export_run_task

    try:
        report_export_run_task.apply_async(args=[export_id], queue="default", retry=False)
    except Exception as exc:  # the broker is down: say so instead of waiting forever
        logger.warning("report export %s not sent: %s", export_id, exc)
        ReportExport.objects.filter(pk=export_id, status=ReportExport.Status.PENDING).update(
            status=ReportExport.Status.FAILED,
            error=f"not sent to a worker: {exc}"[:2000],
            finished_at=timezone.now(),
        )


def report_export_run(*, export_id: int) -> ReportExport | None:
    """Write the export's file in chunks, recording progress; a second run of a done export
    does nothing. A failure is recorded on the export (the member can ask again), not raised.
    """
    export = ReportExport.objects.filter(pk=export_id).first()
    if export is None or export.status == ReportExport.Status.DONE:
        return export
    rows = ReportExport.objects.filter(pk=export.pk)
    rows.update(
        status=ReportExport.Status.RUNNING, started_at=timezone.now(), rows_done=0, error=""
    )
    try:
        with translation.override(export.language), tempfile.TemporaryFile() as scratch:
            written = report_export_write(
                report=export.report,
                params=export.params,
                file_format=export.file_format,
                out=scratch,
                chunk_rows=settings.TAIBAO_EXPORT_CHUNK_ROWS,
                on_start=lambda total: rows.update(rows_total=total),
                on_progress=lambda done: rows.update(rows_done=done),
            )
            scratch.seek(0)
            name = export_filename(report=export.report, file_format=export.file_format)
            export.file.save(name, File(scratch), save=False)
    except Exception as exc:
        logger.exception("report export %s failed", export.pk)
        rows.update(
            status=ReportExport.Status.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=timezone.now(),
        )
    else:
        rows.update(
            status=ReportExport.Status.DONE,
            file=export.file.name,
            rows_done=written,
            rows_total=written,
            finished_at=timezone.now(),
        )
    export.refresh_from_db()
    return export


def report_exports_purge(*, older_than: datetime.timedelta) -> int:
    """Delete exports (and their files, which name households) older than ``older_than``."""
    cutoff = timezone.now() - older_than
    purged = 0
    for export in ReportExport.objects.filter(created_at__lt=cutoff).iterator():
        if export.file:
            export.file.delete(save=False)
        export.delete()
        purged += 1
    return purged
