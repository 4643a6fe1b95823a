from django.core.exceptions import PermissionDenied

from security.throttle import client_ip, login_lockout_seconds


class LoginCooloffBackend:
    """First in AUTHENTICATION_BACKENDS: refuses every login attempt during a cool-off.

    Raising PermissionDenied stops Django from asking the other backends, so
    the password is not even checked. The request is marked, and
    ``security.middleware.SecurityMiddleware`` answers 429 with the wait.
    It has no ``get_user``: it never signs anyone in (and so ``force_login``
    and sessions skip it).
    """

    def authenticate(self, request, username=None, email=None, **kwargs):
        identity = username or email
        if request is None or not identity:
            return None
        seconds = login_lockout_seconds(identity=str(identity), ip=client_ip(request))
        if seconds:
            # DRF hands us its Request wrapper; mark the Django request underneath.
            getattr(request, "_request", request).login_cooloff_seconds = seconds
            raise PermissionDenied
        return None
