import datetime
import os
import socket
import uuid
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings as django_settings

from demo.world import demo_world_load

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require_service(name: str, url: str) -> None:
    """Fail in CI, skip with a reason elsewhere, when a service the test needs is not there."""
    parsed = urlparse(url) if url else None
    reachable = False
    if parsed and parsed.hostname:
        try:
            with socket.create_connection((parsed.hostname, parsed.port or 0), timeout=2):
                reachable = True
        except OSError:
            reachable = False
    if reachable:
        return
    message = f"{name} is not reachable (url: {url or 'not set'})"
    if IN_CI:
        pytest.fail(f"{message}; CI must run against real {name}")
    pytest.skip(message)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """SQLite tests run on a database file, as the demo does, not on one in memory.

    Django hands its single in-memory connection to every thread of the live server,
    so the browser's requests and Stripe's webhook, served side by side, would share
    one connection and interleave their transactions ("no such savepoint"). On a
    file each thread opens its own connection and waits its turn to write, as under
    ``make run``.
    """
    database = django_settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        path = tmp_path_factory.mktemp("sqlite") / "test.sqlite3"
        database.setdefault("TEST", {})["NAME"] = str(path)


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Each test its own cache namespace (Redis in CI): rate-limit counters and
    # login cool-offs of one test never reach another.
    settings.CACHES = {
        name: {**config, "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
        for name, config in settings.CACHES.items()
    }


def celery_connections_fresh() -> None:
    """Drop every broker connection pool this process kept (tests that close theirs leave
    kombu's per-address pools and the control mailbox holding closed ones)."""
    import kombu.pools

    from config.celery_app import app

    app.control.mailbox.__dict__.pop("producer_pool", None)
    app._pool = None
    app.amqp._producer_pool = None
    kombu.pools.reset()


@pytest.fixture(autouse=True)
def _tasks_in_process():
    """Tasks run in the test's process unless a test starts workers (tests/pipeline).

    With REDIS_URL set (as in CI) the app would publish to Redis, where no
    worker listens for ordinary tests; the pipeline tests switch to a broker
    and real worker processes of their own.
    """
    from config.celery_app import app

    eager, broker_url = app.conf.task_always_eager, app.conf.broker_url
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager, app.conf.broker_url = eager, broker_url


# 00:20 on New Year's Day in Shanghai: a new day, month and year there, still the old
# year in UTC. Tests whose outcome depends on the date run at a known instant.
NEW_YEAR_JUST_AFTER_MIDNIGHT = datetime.datetime(
    2027, 1, 1, 0, 20, tzinfo=ZoneInfo("Asia/Shanghai")
)


@pytest.fixture
def frozen_today():
    """The clock starts at a known instant (and ticks on from it) for tests that read today."""
    with time_machine.travel(NEW_YEAR_JUST_AFTER_MIDNIGHT, tick=True) as traveller:
        yield traveller


@pytest.fixture
def demo_world(db):
    return demo_world_load()


@pytest.fixture
def redis_url() -> str:
    url = django_settings.REDIS_URL
    require_service("Redis", url)
    return url


@pytest.fixture
def postgres(transactional_db):
    """Real PostgreSQL transactions (locking tests); fail in CI when the database is not it."""
    from django.db import connection

    if connection.vendor != "postgresql":
        message = "this test races real transactions and needs PostgreSQL (set DATABASE_URL)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return connection
