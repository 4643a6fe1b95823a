"""Real services for the pipeline tests: a Redis of the test's own and Celery worker processes.

Tests that stop Redis start their own ``redis-server`` on a free port and
stop it themselves; the machine's shared Redis is never touched. Workers are
real ``celery worker`` processes on the test database (PostgreSQL: the
worker must see what the test committed).
"""

import os
import shutil
import signal
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection

from config.celery_app import app
from testing.mailbox import Mailbox
from testing.processes import RedisServer, celery_worker_command
from tests.conftest import IN_CI

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def redis_server(tmp_path):
    if not shutil.which("redis-server"):
        message = "redis-server is not installed"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@contextmanager
def celery_on(broker_url: str, settings):
    """Publish through ``broker_url`` from this process (not eagerly)."""
    saved = (app.conf.broker_url, app.conf.task_always_eager, app._pool, app.amqp._producer_pool)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.broker_url = broker_url
    app.conf.task_always_eager = False
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield app
    finally:
        if app._pool is not None:
            app._pool.force_close_all()
        app.conf.broker_url, app.conf.task_always_eager = saved[0], saved[1]
        app._pool, app.amqp._producer_pool = saved[2], saved[3]


def database_url() -> str:
    s = connection.settings_dict
    return f"postgresql://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class Worker:
    """A ``celery worker`` process consuming the given queues."""

    def __init__(self, broker_url: str, queues: str, env: dict[str, str] | None = None):
        self.broker_url = broker_url
        self.queues = queues
        self.env = env or {}
        self.process = None
        self.name = f"test-{os.getpid()}-{time.monotonic_ns()}"

    def start(self) -> "Worker":
        env = {
            **os.environ,
            "REDIS_URL": self.broker_url,
            "DATABASE_URL": database_url(),
            "DJANGO_SETTINGS_MODULE": "config.settings",
            **self.env,
        }
        self.process = subprocess.Popen(
            celery_worker_command(name=self.name, queues=self.queues),
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "the worker exited"
            replies = app.control.ping(timeout=0.5) or []
            if any(self.name in next(iter(reply)) for reply in replies):
                return self
        raise RuntimeError("the worker never answered")

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=20)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def workers():
    started: list[Worker] = []

    def start(broker_url: str, queues: str = "default,notifications,attribution", **env):
        worker = Worker(broker_url, queues, env).start()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def wait_for(condition, timeout: float = 60, interval: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(interval)
    raise AssertionError("timed out waiting")


@pytest.fixture
def mailbox():
    box = Mailbox()
    yield box
    box.stop()
