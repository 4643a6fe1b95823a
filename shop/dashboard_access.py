"""Who may use the work team's pages in the dashboard (imported by settings: no models here)."""

WORK_TEAM_GROUP_NAME = (
    "assistance_team"  # farmers.models.WORK_TEAM_GROUP; settings cannot import models
)


def is_work_team(user) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.groups.filter(name=WORK_TEAM_GROUP_NAME).exists()


def work_team_access(user, url_name=None, url_args=None, url_kwargs=None) -> bool:
    """Oscar dashboard menu ``access_fn``: show the entry to the work team only."""
    return is_work_team(user)


# The permission of the work team's report pages (farmers.team_dashboard.apps.TEAM).
TEAM_REPORTS_PERMISSION = "farmers.view_attribution"


def team_home_access(user, url_name=None, url_args=None, url_kwargs=None) -> bool:
    """Who may open the work team's landing page (and see its menu entry)."""
    return (
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm(TEAM_REPORTS_PERMISSION)
    )
