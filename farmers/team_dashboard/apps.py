from django.urls import path
from django.utils.translation import gettext_lazy as _
from oscar.core.application import OscarDashboardConfig


class TeamDashboardConfig(OscarDashboardConfig):
    """The work team's pages about sales and the pipeline (staff with farmers permissions)."""

    label = "team_dashboard"
    name = "farmers.team_dashboard"
    verbose_name = _("Work team dashboard")
    namespace = "team-dashboard"
    default_permissions = ["is_staff", "farmers.view_attribution"]

    def get_urls(self):
        from farmers.team_dashboard import views

        urls = [
            path("reconciliation/", views.ReconciliationView.as_view(), name="team-reconciliation"),
        ]
        return self.post_process_urls(urls)
