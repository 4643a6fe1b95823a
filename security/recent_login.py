"""Revealing personal data needs a login within the last ``TAIBAO_REVEAL_LOGIN_SECONDS``.

Every login stamps the session with its time (``login_stamp``, on Django's
``user_logged_in``). Past the window, the reveal form asks for the password
again; :func:`recent_login_confirm` checks it through ``authenticate`` (so
wrong passwords count in the failed-login policy) and stamps the session anew.
"""

import time

from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpRequest

SESSION_KEY = "security_login_at"


def login_stamp(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = time.time()


def recent_login(request: HttpRequest) -> bool:
    stamped = request.session.get(SESSION_KEY)
    return stamped is not None and time.time() - stamped < settings.TAIBAO_REVEAL_LOGIN_SECONDS


def recent_login_confirm(request: HttpRequest, *, password: str) -> bool:
    """The signed-in user's password, checked again; True (and stamped) when it is right."""
    user = authenticate(request, username=request.user.get_username(), password=password)
    if user is None or user.pk != request.user.pk:
        return False
    request.session[SESSION_KEY] = time.time()
    return True
