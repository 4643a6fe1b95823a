"""Exports of the household report over a big ledger, on PostgreSQL.

Setup: the world of ``bench/reports.py`` (10,000 households, 1,000,000
attribution rows and their monthly summary), reused when a previous run left
it in the database.

Timed, once each: the whole household report (10,000 rows) written as .xlsx
and as .csv by the export service, and the same .xlsx as a background export
(``report_export_run``: chunks of TAIBAO_EXPORT_CHUNK_ROWS rows, progress
written after each, the file saved to private storage).

Run: ``DATABASE_URL=postgresql://… python bench/exports.py``.
Last line: JSON with the rows, seconds and bytes of each.
"""

import io
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.database import django_with_database


def main():
    vendor = django_with_database()
    if vendor != "postgresql":
        sys.exit("bench/exports.py needs PostgreSQL: set DATABASE_URL")
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from bench.reports import MARK, build
    from farmers.models import LedgerMonth, Town
    from farmers.reports.exports import report_export_write, sales_params
    from farmers.reports.ledger import ReportFilters
    from farmers.services.ledger_summary import ledger_summary_rebuild
    from farmers.team_dashboard.models import ReportExport
    from farmers.team_dashboard.services import report_export_run

    if not Town.objects.filter(name=MARK).exists():
        build()
    if not LedgerMonth.objects.exists():
        ledger_summary_rebuild()
    settings.STORAGES = {
        **settings.STORAGES,
        "exports": {
            "BACKEND": "farmers.team_dashboard.storage.PrivateFileStorage",
            "OPTIONS": {"location": tempfile.mkdtemp(prefix="taibao-exports-")},
        },
    }
    params = sales_params(filters=ReportFilters(), sort="-sales_amount")
    result = {}
    for file_format in ("xlsx", "csv"):
        out = io.BytesIO()
        start = time.perf_counter()
        rows = report_export_write(
            report="sales-household", params=params, file_format=file_format, out=out
        )
        result[f"{file_format}_rows"] = rows
        result[f"{file_format}_s"] = round(time.perf_counter() - start, 2)
        result[f"{file_format}_bytes"] = len(out.getvalue())
    user, _ = get_user_model().objects.get_or_create(
        username="bench-exports@taibao.example",
        defaults={"email": "bench-exports@taibao.example", "is_staff": True},
    )
    # The row the view would write (without sending its task: the run is timed here).
    export = ReportExport.objects.create(
        requested_by=user,
        report="sales-household",
        params=params,
        file_format="xlsx",
        language="zh-hans",
    )
    start = time.perf_counter()
    export = report_export_run(export_id=export.pk)
    result["background_xlsx_s"] = round(time.perf_counter() - start, 2)
    result["background_status"] = export.status
    result["background_rows"] = export.rows_done
    result["chunk_rows"] = settings.TAIBAO_EXPORT_CHUNK_ROWS
    export.file.delete(save=False)
    export.delete()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
