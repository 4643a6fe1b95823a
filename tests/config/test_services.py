"""The real services CI runs against: PostgreSQL and a Celery worker on Redis."""

import os
import subprocess
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from config.celery_app import app
from testing.processes import celery_worker_command
from tests.conftest import IN_CI, celery_connections_fresh, require_service

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_ci_runs_on_postgresql():
    if not IN_CI and connection.vendor != "postgresql":
        pytest.skip("DATABASE_URL is not PostgreSQL (set it to run this locally)")
    require_service("PostgreSQL", os.environ.get("DATABASE_URL", ""))
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        assert cursor.fetchone()[0]


def test_a_worker_started_against_redis_answers(redis_url):
    assert settings.CELERY_TASK_ALWAYS_EAGER is False
    assert app.conf.broker_url == redis_url
    celery_connections_fresh()
    worker = subprocess.Popen(
        celery_worker_command(name=f"probe-{os.getpid()}", queues=None),
        cwd=ROOT,
        env={**os.environ, "REDIS_URL": redis_url},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        replies = []
        deadline = time.monotonic() + 60
        while not replies and time.monotonic() < deadline:
            assert worker.poll() is None, worker.stdout.read().decode()
            replies = [
                r for r in app.control.ping(timeout=1) if f"probe-{os.getpid()}@" in next(iter(r))
            ]
        assert replies, "the worker never answered a ping through Redis"
    finally:
        worker.terminate()
        worker.wait(timeout=30)
