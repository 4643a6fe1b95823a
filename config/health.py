"""``/healthz``: is this process able to do its work? Cheap, no login, JSON.

Four checks, each bounded to about a second: the database answers a query,
the cache answers a PING (when it is Redis), the broker accepts a connection
(when there is one), and the outbox holds no message older than
``HEALTHZ_OUTBOX_MAX_AGE_SECONDS`` (the relay and workers keep up). 200 when
all pass, 503 otherwise; the body says which failed and the outbox backlog.
"""

import datetime
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from outbox.models import OutboxMessage

TIMEOUT_SECONDS = 1.0


def _timed(check) -> dict:
    started = time.monotonic()
    try:
        result = {"ok": True, **(check() or {})}
    except Exception as error:  # a health check reports every failure, whatever its kind
        result = {"ok": False, "error": f"{type(error).__name__}: {error}"[:300]}
    result["ms"] = round((time.monotonic() - started) * 1000, 1)
    return result


def database_check() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"vendor": connection.vendor}


def cache_check() -> dict:
    backend = settings.CACHES["default"]["BACKEND"]
    if "redis" not in backend.lower():
        return {"backend": "local memory"}
    # The shop's cache forgives Redis being down (a miss); the check must not.
    client = cache._cache.get_client(write=True)
    client.ping()
    return {"backend": "redis"}


def broker_check() -> dict:
    from config.celery_app import app

    if app.conf.task_always_eager or settings.CELERY_BROKER_URL == "memory://":
        return {"broker": "none: tasks run in-process"}
    with app.connection_for_write(connect_timeout=TIMEOUT_SECONDS) as conn:
        conn.ensure_connection(max_retries=0, timeout=TIMEOUT_SECONDS)
    return {"broker": "connected"}


def outbox_check() -> dict:
    pending = OutboxMessage.objects.filter(handled_at__isnull=True)
    oldest = pending.order_by("created_at").values_list("created_at", flat=True).first()
    age = (timezone.now() - oldest).total_seconds() if oldest else 0.0
    limit = settings.HEALTHZ_OUTBOX_MAX_AGE_SECONDS
    stale = pending.filter(created_at__lt=timezone.now() - datetime.timedelta(seconds=limit))
    report = {
        "pending": pending.count(),
        "stale": stale.count(),
        "oldest_age_seconds": round(age),
        "max_age_seconds": limit,
    }
    report["ok"] = report["stale"] == 0
    return report


def health_report() -> dict:
    checks = {
        "database": _timed(database_check),
        "cache": _timed(cache_check),
        "broker": _timed(broker_check),
    }
    checks["outbox"] = (
        _timed(outbox_check)
        if checks["database"]["ok"]
        else {"ok": False, "error": "database unavailable"}
    )
    return {"ok": all(check["ok"] for check in checks.values()), "checks": checks}


@never_cache
@require_GET
def healthz(request):
    report = health_report()
    return JsonResponse(report, status=200 if report["ok"] else 503)
