from django.urls import path
from django.utils.translation import gettext_lazy as _
from oscar.core.application import OscarDashboardConfig

# The team's pages need staff plus a farmers permission; the work team's role
# holds them (its group, created by a migration: see docs/architecture.md, "Roles").
TEAM = ["is_staff", "farmers.view_attribution"]


class TeamDashboardConfig(OscarDashboardConfig):
    """The work team's pages about sales and the pipeline (staff with farmers permissions)."""

    label = "team_dashboard"
    name = "farmers.team_dashboard"
    verbose_name = _("Work team dashboard")
    namespace = "team-dashboard"
    default_permissions = TEAM
    permissions_map = {
        "team-monitored": [*TEAM, "farmers.view_household"],
    }

    def get_urls(self):
        from farmers.reports.sales import DIMENSIONS
        from farmers.team_dashboard import chart_views, export_views, views
        from farmers.team_dashboard.pages import PAGES

        sales = [
            path(
                f"sales/{dimension}/",
                views.SalesReportView.as_view(dimension=dimension),
                name=f"team-sales-{dimension}",
            )
            for dimension in DIMENSIONS
        ]
        self.permissions_map = {
            **type(self).permissions_map,
            **{page.name: [*TEAM, *page.permissions] for page in PAGES.values()},
        }
        urls = [
            path("reconciliation/", views.ReconciliationView.as_view(), name="team-reconciliation"),
            *sales,
            path("monitored/", views.MonitoredHouseholdsView.as_view(), name="team-monitored"),
            *(path(page.route, page.view, name=page.name) for page in PAGES.values()),
            path("settlement/", views.SettlementView.as_view(), name="team-settlement"),
            path("charts/", chart_views.SalesChartsView.as_view(), name="team-charts"),
            path(
                "export/<slug:report>/",
                export_views.ReportExportView.as_view(),
                name="team-export",
            ),
            path("exports/", export_views.ReportExportListView.as_view(), name="team-export-list"),
            path(
                "exports/<int:pk>/",
                export_views.ReportExportDetailView.as_view(),
                name="team-export-detail",
            ),
            path(
                "exports/<int:pk>/status/",
                export_views.ReportExportStatusView.as_view(),
                name="team-export-status",
            ),
            path(
                "exports/<int:pk>/download/",
                export_views.ReportExportDownloadView.as_view(),
                name="team-export-download",
            ),
        ]
        return self.post_process_urls(urls)
