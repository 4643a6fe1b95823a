"""Who sees an entry of Oscar's dashboard menu (imported by settings: no models here)."""

from collections.abc import Callable


def permission_access(permission: str) -> Callable[..., bool]:
    """An Oscar menu ``access_fn``: show the entry to users holding ``permission``.

    For pages that are not an Oscar dashboard app (whose own permissions Oscar
    reads itself); the page checks the same permission (shop/roles.py).
    """

    def access(user, url_name=None, url_args=None, url_kwargs=None) -> bool:
        return user.is_authenticated and user.has_perm(permission)

    return access


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
