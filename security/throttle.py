"""Login cool-off and request rate limits, kept in Django's cache.

Failed logins are counted per identity (e-mail or username, case-folded)
*and* client IP. At ``TAIBAO_LOGIN_FAILURE_LIMIT`` failures that pair is
refused for ``TAIBAO_LOGIN_COOLOFF_SECONDS`` after its latest failure, then
the count simply expires: a cool-off, never a permanent lockout, and a
stranger cannot lock a buyer out from another address.

Rate limits are fixed windows per scope and per signed-in user (or per IP
for anonymous requests): ``TAIBAO_RATE_LIMITS = {scope: (requests, seconds)}``.
"""

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address, from ``TAIBAO_CLIENT_IP_HEADER`` (REMOTE_ADDR unless behind a proxy)."""
    value = request.META.get(settings.TAIBAO_CLIENT_IP_HEADER) or request.META.get(
        "REMOTE_ADDR", ""
    )
    return value.split(",")[-1].strip() or "unknown"


def _login_key(*, identity: str, ip: str) -> str:
    digest = hashlib.sha256(f"{identity.strip().casefold()}|{ip}".encode()).hexdigest()
    return f"security:login-failures:{digest}"


@dataclass(frozen=True)
class LoginFailures:
    count: int
    last_at: float


def login_lockout_seconds(*, identity: str, ip: str) -> int:
    """Seconds until this identity may try again from this IP; 0 when it may now."""
    failures = cache.get(_login_key(identity=identity, ip=ip))
    if not failures or failures.count < settings.TAIBAO_LOGIN_FAILURE_LIMIT:
        return 0
    remaining = failures.last_at + settings.TAIBAO_LOGIN_COOLOFF_SECONDS - time.time()
    return max(0, int(remaining + 0.999))


def login_failure_record(*, identity: str, ip: str) -> int:
    """Count one failed login; returns the failures now counted for the pair."""
    key = _login_key(identity=identity, ip=ip)
    failures = cache.get(key)
    count = (failures.count if failures else 0) + 1
    cache.set(
        key,
        LoginFailures(count=count, last_at=time.time()),
        timeout=settings.TAIBAO_LOGIN_COOLOFF_SECONDS,
    )
    return count


def login_failures_clear(*, identity: str, ip: str) -> None:
    cache.delete(_login_key(identity=identity, ip=ip))


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
