"""The client's address that every limit keys on: the connection's, or a trusted proxy's header.

``TAIBAO_CLIENT_IP_HEADER`` names the request header a reverse proxy of ours
sets (e.g. ``HTTP_X_REAL_IP``); unset, the address is the TCP peer
(``REMOTE_ADDR``). Headers a client can send itself, such as
``X-Forwarded-For``, are never read unless configured here: rotating them
must not give an attacker fresh counters.
"""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    header = settings.TAIBAO_CLIENT_IP_HEADER
    value = (request.META.get(header) if header else None) or request.META.get("REMOTE_ADDR", "")
    return value.split(",")[-1].strip() or "unknown"
