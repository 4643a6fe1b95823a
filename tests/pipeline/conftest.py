"""Real services for the pipeline tests: a Redis of the test's own and Celery worker processes.

Tests that stop Redis start their own ``redis-server`` on a free port and
stop it themselves; the machine's shared Redis is never touched. Workers are
real ``celery worker`` processes on the test database (PostgreSQL: the
worker must see what the test committed).
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection

from config.celery_app import app
from tests.conftest import IN_CI

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A redis-server process of this test's own, on a free port."""

    def __init__(self, workdir: Path):
        self.port = free_port()
        self.workdir = workdir
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        self.process = None


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
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "-Q",
                self.queues,
                "--pool",
                "solo",
                "--without-mingle",
                "--without-gossip",
                "--loglevel",
                "WARNING",
                "-n",
                f"{self.name}@%h",
            ],
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


class Mailbox:
    """A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.messages: list = []
        self.controller = None

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd handler hook
        from email import message_from_bytes, policy

        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"

    def start(self) -> "Mailbox":
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller:
            self.controller.stop()
            self.controller = None

    def to(self, address: str) -> list:
        return [message for rcpt, message in self.messages if address in rcpt]

    def subjects_to(self, address: str) -> list[str]:
        return [str(message["Subject"]) for message in self.to(address)]


@pytest.fixture
def mailbox():
    box = Mailbox()
    yield box
    box.stop()
