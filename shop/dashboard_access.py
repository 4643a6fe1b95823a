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
