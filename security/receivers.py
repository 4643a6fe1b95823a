"""Signal receivers: count failed logins, forget them after a successful one; drop
cached permission sets when permissions or group memberships change."""

from django.db import transaction

from security.permissions import permissions_changed
from security.throttle import client_ip, login_failure_record, login_failures_clear


def _identity(credentials: dict) -> str:
    return str(credentials.get("username") or credentials.get("email") or "")


def record_login_failure(sender, credentials, request=None, **kwargs):
    identity = _identity(credentials)
    if request is None or not identity or getattr(request, "login_cooloff_seconds", 0):
        return  # attempts refused during the cool-off do not extend it
    login_failure_record(identity=identity, ip=client_ip(request))


def clear_login_failures(sender, request, user, **kwargs):
    if request is None:
        return
    for identity in {user.get_username(), getattr(user, "email", "")} - {""}:
        login_failures_clear(identity=identity, ip=client_ip(request))


def forget_permissions(sender, **kwargs):
    """Any write to groups, permissions or who holds them: the cached sets are dropped.

    After the commit, so that a set read from the database in the meantime (still
    the old one) is dropped too.
    """
    if kwargs.get("action", "post_").startswith("post_"):
        transaction.on_commit(permissions_changed)
