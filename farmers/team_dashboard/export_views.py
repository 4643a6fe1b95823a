"""Downloads of the team's report tables, at once or (when big) through a background export.

Only the member who asked can see an export or fetch its file, and only while
a member of the team (the dashboard's permissions); the file is streamed here,
never from a media URL.
"""

import io
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView

from farmers.reports.exports import (
    CONTENT_TYPES,
    FORMATS,
    ReportTable,
    export_filename,
    monitored_params,
    report_export_write,
    report_row_count,
    report_tables,
    sales_params,
)
from farmers.team_dashboard.forms import ReportFilterForm
from farmers.team_dashboard.models import ReportExport
from farmers.team_dashboard.services import report_export_request


def may_read(user, report: str) -> bool:
    """The table's own permissions, beyond the team's pages' (monitored: the households)."""
    table = report_tables().get(report)
    return user.has_perms(table.permissions if table else ())


def report_params(
    table: ReportTable, query
) -> tuple[dict[str, Any] | None, ReportFilterForm | None]:
    """The page's filters (and sort) as an export's JSON parameters; None when they are wrong."""
    if table.read_query is not None:
        return table.read_query(query), None
    form = ReportFilterForm(query or None)
    if query and not form.is_valid():
        return None, form
    if table.key == "monitored":
        return monitored_params(village_id=form.filters().village_id), form
    return sales_params(filters=form.filters(), sort=form.sort_value()), form


def _filter_problems(table: ReportTable, form: ReportFilterForm | None) -> str:
    """Each wrong filter named with its label and the error, e.g. "截止日期: …"."""
    if form is None:
        return str(table.query_label)
    return "; ".join(
        f"{form.fields[name].label if name in form.fields else name}: {' '.join(errors)}"
        for name, errors in form.errors.items()
    )


def _no_cache(response):
    add_never_cache_headers(response)
    return response


class ReportExportView(View):
    """POST with the page's query string: the file at once, or a background export when big."""

    http_method_names = ["post"]

    def post(self, request, report: str):
        table = report_tables().get(report)
        if table is None:
            raise Http404
        if not may_read(request.user, report):
            raise PermissionDenied
        page = reverse(table.page)
        back = f"{page}?{request.GET.urlencode()}" if request.GET else page
        file_format = request.POST.get("format", "")
        params, form = report_params(table, request.GET)
        if file_format not in FORMATS:
            messages.error(request, _("Choose .xlsx or .csv for the export."))
            return HttpResponseRedirect(back)
        if params is None:
            messages.error(
                request,
                _("The export was not started; correct the filters first: %(problems)s")
                % {"problems": _filter_problems(table, form)},
            )
            return HttpResponseRedirect(back)
        rows = report_row_count(report=report, params=params)
        if rows > settings.TAIBAO_EXPORT_BACKGROUND_ROWS:
            export = report_export_request(
                user=request.user,
                report=report,
                params=params,
                file_format=file_format,
                language=translation.get_language() or settings.LANGUAGE_CODE,
            )
            return HttpResponseRedirect(
                reverse("team-dashboard:team-export-detail", kwargs={"pk": export.pk})
            )
        out = io.BytesIO()
        report_export_write(report=report, params=params, file_format=file_format, out=out)
        response = HttpResponse(out.getvalue(), content_type=CONTENT_TYPES[file_format])
        name = export_filename(report=report, file_format=file_format)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return _no_cache(response)


class OwnExportMixin:
    """An export of the member asking, or 404 (another member's id looks like none)."""

    def get_object(self, queryset=None):
        export = get_object_or_404(
            ReportExport, pk=self.kwargs["pk"], requested_by=self.request.user
        )
        if not may_read(self.request.user, export.report):
            raise PermissionDenied
        return export


def _status(export: ReportExport) -> dict[str, Any]:
    return {
        "id": export.pk,
        "status": export.status,
        "status_display": str(export.get_status_display()),
        "rows_done": export.rows_done,
        "rows_total": export.rows_total,
        "percent": export.percent,
        "finished": export.finished,
        "download_url": (
            reverse("team-dashboard:team-export-download", kwargs={"pk": export.pk})
            if export.status == ReportExport.Status.DONE
            else None
        ),
    }


class ReportExportDetailView(OwnExportMixin, DetailView):
    """The export's progress (refreshed by taibao/report-export.js, or without script by
    a refresh in <noscript>) and its download link once ready."""

    template_name = "farmers/team_dashboard/export_detail.html"
    context_object_name = "export"

    def get_context_data(self, **kwargs):
        table = report_tables()[self.object.report]
        return super().get_context_data(
            status=_status(self.object),
            title=table.title,
            page_url=reverse(table.page),
            **kwargs,
        )

    def render_to_response(self, context, **kwargs):
        return _no_cache(super().render_to_response(context, **kwargs))


class ReportExportStatusView(OwnExportMixin, View):
    """The export's progress as JSON, for the page's script."""

    def get(self, request, pk: int):
        return _no_cache(JsonResponse(_status(self.get_object())))


class ReportExportDownloadView(OwnExportMixin, View):
    def get(self, request, pk: int):
        export = self.get_object()
        if export.status != ReportExport.Status.DONE or not export.file:
            raise Http404
        response = FileResponse(
            export.file.open("rb"),
            as_attachment=True,
            filename=export_filename(
                report=export.report,
                file_format=export.file_format,
                today=timezone.localdate(export.created_at),
            ),
            content_type=CONTENT_TYPES[export.file_format],
        )
        return _no_cache(response)


class ReportExportListView(ListView):
    """The member's own recent exports."""

    template_name = "farmers/team_dashboard/export_list.html"
    context_object_name = "exports"

    def get_queryset(self):
        return ReportExport.objects.filter(requested_by=self.request.user)[:50]

    def get_context_data(self, **kwargs):
        titles = {key: table.title for key, table in report_tables().items()}
        return super().get_context_data(titles=titles, **kwargs)
