"""Signal receivers: count failed logins, forget them after a successful one."""

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
