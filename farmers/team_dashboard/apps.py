from django.urls import path
from django.utils.translation import gettext_lazy as _
from oscar.core.application import OscarDashboardConfig

# The team's pages need staff plus the farmers permissions the work team
# group holds (farmers.demo_personal_data.WORK_TEAM_PERMISSIONS).
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
        from farmers.team_dashboard import chart_views, export_views, views

        sales = [
            path(
                f"sales/{dimension}/",
                views.SalesReportView.as_view(dimension=dimension),
                name=f"team-sales-{dimension}",
            )
            for dimension in ("household", "village", "seller", "product", "enterprise")
        ]
        urls = [
            path("reconciliation/", views.ReconciliationView.as_view(), name="team-reconciliation"),
            *sales,
            path("monitored/", views.MonitoredHouseholdsView.as_view(), name="team-monitored"),
            path("pledges/", views.PledgesView.as_view(), name="team-pledges"),
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
