"""Request rate limits, kept in Django's cache (failed logins: ``security.login_failures``).

Rate limits are fixed windows per scope and per signed-in user (or per IP
for anonymous requests): ``TAIBAO_RATE_LIMITS = {scope: (requests, seconds)}``.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from security.client_address import client_ip


def rate_limit_hit(*, scope: str, client: str) -> int:
    """Count one request; returns 0 when allowed, else the seconds until the window ends."""
    limit, seconds = settings.TAIBAO_RATE_LIMITS[scope]
    now = time.time()
    window = int(now // seconds)
    key = f"security:rate:{scope}:{client}:{window}"
    cache.add(key, 0, timeout=seconds + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=seconds + 1)
        count = 1
    if count <= limit:
        return 0
    return max(1, int((window + 1) * seconds - now + 0.999))


def rate_limit_client(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"ip:{client_ip(request)}"


def rate_limit_clients(request: HttpRequest, *, recipient_field: str | None = None) -> list[str]:
    """Whom a request counts against: the signed-in user (else the address); for a view that
    sends mail (``recipient_field``), the user, the address and the recipient, each apart."""
    if recipient_field is None:
        return [rate_limit_client(request)]
    clients = [f"ip:{client_ip(request)}"]
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        clients.append(f"user:{user.pk}")
    recipient = request.POST.get(recipient_field, "").strip().casefold()
    if recipient:
        clients.append("to:" + hashlib.sha256(recipient.encode()).hexdigest())
    return clients
