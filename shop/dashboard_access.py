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
