from django.urls import path
from django.utils.translation import gettext_lazy as _
from oscar.core.application import OscarDashboardConfig

# Only staff get into the dashboard; within it, Django model permissions decide.
# The work team's role holds all of these (docs/architecture.md, "Roles"); seller
# staff are not staff and never get in.
STAFF = "is_staff"


def _staff_with(*perms: str) -> list[str]:
    return [STAFF, *(f"farmers.{perm}" for perm in perms)]


class HouseholdRegisterConfig(OscarDashboardConfig):
    label = "household_register"
    name = "farmers.register"
    verbose_name = _("Household register")
    namespace = "household-register"
    default_auto_field = "django.db.models.BigAutoField"

    # URL names are unique across all dashboard apps (Oscar's menu looks
    # permissions up by the bare name), hence the "register-" prefix.
    default_permissions = _staff_with("view_household")
    permissions_map = {
        "register-household-list": _staff_with("view_household"),
        "register-household-detail": _staff_with("view_household"),
        "register-household-create": _staff_with("add_household"),
        "register-household-update": _staff_with("change_household"),
        "register-household-reveal": _staff_with("view_household", "reveal_personal_data"),
        "register-monitoring-add": _staff_with("add_monitoringperiod"),
        "register-monitoring-update": _staff_with("change_monitoringperiod"),
        "register-monitoring-close": _staff_with("change_monitoringperiod"),
        "register-membership-add": _staff_with("add_membership"),
        "register-membership-remove": _staff_with("delete_membership"),
        "register-household-import": _staff_with(
            "add_household", "change_household", "add_monitoringperiod", "change_monitoringperiod"
        ),
        "register-household-import-commit": _staff_with(
            "add_household", "change_household", "add_monitoringperiod", "change_monitoringperiod"
        ),
        "register-seller-list": _staff_with("view_membership"),
        "register-seller-members": _staff_with("view_membership"),
    }

    def get_urls(self):
        from farmers.register import views

        urls = [
            path("", views.HouseholdListView.as_view(), name="register-household-list"),
            path("new/", views.HouseholdCreateView.as_view(), name="register-household-create"),
            path("import/", views.HouseholdImportView.as_view(), name="register-household-import"),
            path(
                "import/commit/",
                views.HouseholdImportCommitView.as_view(),
                name="register-household-import-commit",
            ),
            path(
                "<int:pk>/", views.HouseholdDetailView.as_view(), name="register-household-detail"
            ),
            path(
                "<int:pk>/edit/",
                views.HouseholdUpdateView.as_view(),
                name="register-household-update",
            ),
            path(
                "<int:pk>/reveal/",
                views.HouseholdRevealView.as_view(),
                name="register-household-reveal",
            ),
            path(
                "<int:pk>/monitoring/new/",
                views.MonitoringAddView.as_view(),
                name="register-monitoring-add",
            ),
            path(
                "<int:pk>/monitoring/<int:period_pk>/edit/",
                views.MonitoringUpdateView.as_view(),
                name="register-monitoring-update",
            ),
            path(
                "<int:pk>/monitoring/<int:period_pk>/close/",
                views.MonitoringCloseView.as_view(),
                name="register-monitoring-close",
            ),
            path(
                "<int:pk>/memberships/new/",
                views.MembershipAddView.as_view(),
                name="register-membership-add",
            ),
            path(
                "<int:pk>/memberships/<int:membership_pk>/remove/",
                views.MembershipRemoveView.as_view(),
                name="register-membership-remove",
            ),
            path("sellers/", views.SellerListView.as_view(), name="register-seller-list"),
            path(
                "sellers/<int:seller_pk>/",
                views.SellerMembersView.as_view(),
                name="register-seller-members",
            ),
        ]
        return self.post_process_urls(urls)
