"""Signal receivers: forget an account's failed logins after it signs in; drop cached
permission sets when permissions or group memberships change."""

from axes.handlers.proxy import AxesProxyHandler
from django.db import transaction

from security.login_failures import login_client_ip
from security.permissions import permissions_changed


def clear_login_failures(sender, request, user, **kwargs):
    """Axes forgets the failures of the username; this forgets those typed as the e-mail."""
    if request is None or not getattr(user, "email", ""):
        return
    AxesProxyHandler.reset_attempts(
        username=user.email.strip().casefold(), ip_address=login_client_ip(request)
    )


def forget_permissions(sender, **kwargs):
    """Any write to groups, permissions or who holds them: the cached sets are dropped.

    After the commit, so that a set read from the database in the meantime (still
    the old one) is dropped too.
    """
    if kwargs.get("action", "post_").startswith("post_"):
        transaction.on_commit(permissions_changed)
