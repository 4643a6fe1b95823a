"""One failure policy for every login path, kept by django-axes.

The site's sign-in, the dashboard's, Django's admin and the API's token
endpoint all call ``django.contrib.auth.authenticate``; the first backend,
:class:`LoginFailureBackend` (axes'), refuses an identity that has failed
``AXES_FAILURE_LIMIT`` times from one client address, without checking the
password, for ``AXES_COOLOFF_TIME`` after its latest failure. Failures are
counted per identity *and* address (a stranger elsewhere cannot lock a buyer
out) in axes' ``AccessAttempt`` rows, incremented under a row lock, so
parallel wrong passwords are each counted. The address is
:func:`security.client_address.client_ip`; the identity the e-mail or
username typed, case-folded.
"""

import datetime
import ipaddress

from axes.backends import AxesStandaloneBackend
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from security.client_address import client_ip


def login_identity(request: HttpRequest, credentials: dict | None) -> str | None:
    """AXES_USERNAME_CALLABLE: what was typed as the account, case-folded."""
    credentials = credentials or {}
    identity = credentials.get("username") or credentials.get("email") or ""
    return str(identity).strip().casefold() or None


def login_client_ip(request: HttpRequest) -> str | None:
    """AXES_CLIENT_IP_CALLABLE (a DRF request reads the Django request underneath).

    None when there is no valid address (a request built in code, a proxy header
    holding something else): axes stores addresses in an IP column.
    """
    address = client_ip(getattr(request, "_request", request))
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def _cooloff() -> datetime.timedelta:
    cooloff = settings.AXES_COOLOFF_TIME
    return cooloff if isinstance(cooloff, datetime.timedelta) else datetime.timedelta(hours=cooloff)


def login_cooloff_seconds(*, identity: str | None, ip: str | None) -> int:
    """Seconds until this identity may try again from this address (0 when it may now)."""
    latest = AccessAttempt.objects.filter(username=identity, ip_address=ip).aggregate(
        latest=Max("attempt_time")
    )["latest"]
    if latest is None:
        return 0
    remaining = (latest + _cooloff() - timezone.now()).total_seconds()
    return max(0, int(remaining + 0.999))


class LoginFailureBackend(AxesStandaloneBackend):
    """Axes' check, first in AUTHENTICATION_BACKENDS. Signs nobody in.

    Only web logins carry a request; ``authenticate`` without one (the test
    client's ``login``, the shell) is not a login path an attacker reaches.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        if username is None and kwargs.get("email"):
            username = kwargs["email"]
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: 429 with the wait, as a page or (under /api/) JSON."""
    from security.middleware import minutes, too_many_requests

    seconds = login_cooloff_seconds(
        identity=login_identity(request, credentials), ip=login_client_ip(request)
    ) or int(_cooloff().total_seconds())
    message = _(
        "Too many failed sign-ins for this account from your network. "
        "Try again in %(minutes)d minutes."
    ) % {"minutes": minutes(seconds)}
    return too_many_requests(
        getattr(request, "_request", request), seconds=seconds, message=message
    )
