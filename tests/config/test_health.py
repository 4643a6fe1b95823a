"""/healthz: the database, the cache, the broker and the outbox backlog; no login; 200 or 503."""

import datetime
import socket

import pytest
from django.utils import timezone

from config.celery_app import app
from outbox.models import OutboxMessage

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens once the socket is closed


def test_healthy_answers_200_with_every_check_and_needs_no_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["ok"] is True
    assert set(body["checks"]) == {"database", "cache", "broker", "outbox"}
    assert all(check["ok"] for check in body["checks"].values())
    assert body["checks"]["outbox"]["pending"] == 0
    assert "no-cache" in response["Cache-Control"]


def test_a_fresh_pending_message_is_backlog_but_healthy(client):
    OutboxMessage.objects.create(topic="order.placed", payload={"order_id": 1})
    response = client.get("/healthz")
    assert response.status_code == 200
    outbox = response.json()["checks"]["outbox"]
    assert outbox | {"ms": 0, "oldest_age_seconds": 0} == {
        "ok": True,
        "pending": 1,
        "stale": 0,
        "oldest_age_seconds": 0,
        "max_age_seconds": 900,
        "ms": 0,
    }
    assert 0 <= outbox["oldest_age_seconds"] < 60


def test_a_message_waiting_longer_than_the_limit_answers_503(client, settings):
    settings.HEALTHZ_OUTBOX_MAX_AGE_SECONDS = 600
    old = OutboxMessage.objects.create(topic="order.placed", payload={"order_id": 1})
    OutboxMessage.objects.create(topic="order.placed", payload={"order_id": 2})
    OutboxMessage.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=11)
    )
    response = client.get("/healthz")
    assert response.status_code == 503
    outbox = response.json()["checks"]["outbox"]
    assert outbox["ok"] is False and outbox["pending"] == 2 and outbox["stale"] == 1
    assert 650 <= outbox["oldest_age_seconds"] <= 700
    handled = OutboxMessage.objects.filter(pk=old.pk)
    handled.update(handled_at=timezone.now())
    assert client.get("/healthz").status_code == 200


def test_redis_down_for_cache_and_broker_answers_503_quickly(client, settings):
    down = f"redis://127.0.0.1:{closed_port()}/0"
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.ForgivingRedisCache",
            "LOCATION": down,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    settings.CELERY_BROKER_URL = down
    saved = app.conf.broker_url, app.conf.task_always_eager, app._pool
    app.conf.broker_url, app.conf.task_always_eager, app._pool = down, False, None
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url, app.conf.task_always_eager, app._pool = saved
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"]["ok"] and checks["outbox"]["ok"]
    assert not checks["cache"]["ok"] and "Connection refused" in checks["cache"]["error"]
    assert not checks["broker"]["ok"]
    assert checks["cache"]["ms"] < 2000 and checks["broker"]["ms"] < 3000


def test_real_redis_as_cache_and_broker_is_healthy(client, settings, redis_url):
    settings.CACHES = {
        "default": {"BACKEND": "config.cache.ForgivingRedisCache", "LOCATION": redis_url}
    }
    settings.CELERY_BROKER_URL = redis_url
    saved = app.conf.broker_url, app.conf.task_always_eager, app._pool
    app.conf.broker_url, app.conf.task_always_eager, app._pool = redis_url, False, None
    try:
        response = client.get("/healthz")
    finally:
        if app._pool is not None:
            app._pool.force_close_all()
        app.conf.broker_url, app.conf.task_always_eager, app._pool = saved
    assert response.status_code == 200, response.content
    checks = response.json()["checks"]
    assert checks["cache"]["backend"] == "redis" and checks["broker"]["broker"] == "connected"


def test_database_down_answers_503_without_asking_the_outbox(client, monkeypatch):
    from django.db import OperationalError

    from config import health

    def refuse():
        raise OperationalError("the database is gone")

    monkeypatch.setattr(health, "database_check", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert not checks["database"]["ok"] and "the database is gone" in checks["database"]["error"]
    assert checks["outbox"] == {"ok": False, "error": "database unavailable"}
