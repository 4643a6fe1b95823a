"""Logs: a timestamp and the request id on every line, JSON in production, ids passed to tasks."""

import io
import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.test import override_settings

from config.celery_app import _bind_request_id, _send_request_id, _unbind_request_id, app
from config.logs import bound, current_request_id, logging_settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def json_lines():
    """What the root logger writes, rendered as in production (JSON), one dict a line."""
    formatter = logging.config.dictConfigClass(
        logging_settings(json=True, level="INFO", mail_admins=False)
    ).configure_formatter(
        logging_settings(json=True, level="INFO", mail_admins=False)["formatters"]["structured"]
    )
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)


@pytest.mark.parametrize(
    ("incoming", "kept"),
    [
        ("3f2c9a1e-5b7d-4c1a-9e8f-0a1b2c3d4e5f", True),
        ("req-20261202-0001", True),
        ("a" * 64, True),
        ("a" * 65, False),
        ("short", False),
        ("has space in it", False),
        ("new\nline-injected", False),
        ("<script>alert(1)</script>", False),
        ("", False),
    ],
)
def test_an_incoming_request_id_is_kept_only_when_sane(client, incoming, kept):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=incoming)
    if kept:
        assert response["X-Request-ID"] == incoming
    else:
        assert response["X-Request-ID"] != incoming
        assert len(response["X-Request-ID"]) == 32  # a new one


def test_each_request_gets_its_own_id(client):
    ids = {client.get("/healthz")["X-Request-ID"] for _ in range(3)}
    assert len(ids) == 3


@pytest.mark.django_db
def test_every_line_a_request_writes_carries_its_id_and_a_timestamp(client, settings, json_lines):
    settings.STRIPE_WEBHOOK_SECRET = "whsec_logs"
    response = client.post(
        "/stripe/webhook/", data=b"{}", content_type="application/json", HTTP_STRIPE_SIGNATURE="x"
    )
    assert response.status_code == 400
    lines = [line for line in json_lines() if line.get("logger") == "shop.online.views"]
    assert lines and lines[0]["event"].startswith("Stripe webhook rejected")
    for line in lines:
        assert line["request_id"] == response["X-Request-ID"]
        assert line["level"] == "warning" and line["timestamp"].endswith("Z")
    assert current_request_id() is None  # nothing left bound after the request


def test_production_lines_are_json_and_development_lines_are_text():
    record = logging.LogRecord("shop.x", logging.WARNING, __file__, 1, "库存 %s", ("低",), None)
    rendered = {}
    for as_json in (True, False):
        config = logging_settings(json=as_json, level="INFO", mail_admins=False)
        formatter = logging.config.dictConfigClass(config).configure_formatter(
            config["formatters"]["structured"]
        )
        with bound(request_id="req-abcdef12"):
            rendered[as_json] = formatter.format(record)
    line = json.loads(rendered[True])
    assert line["event"] == "库存 低" and line["request_id"] == "req-abcdef12"
    assert line["logger"] == "shop.x" and line["level"] == "warning" and "timestamp" in line
    with pytest.raises(json.JSONDecodeError):
        json.loads(rendered[False])
    assert "库存 低" in rendered[False] and "request_id=req-abcdef12" in rendered[False]


def test_errors_are_mailed_to_admins_without_sentry_and_health_probes_are_not():
    with_mail = logging_settings(json=True, level="INFO", mail_admins=True)["loggers"]
    without = logging_settings(json=True, level="INFO", mail_admins=False)["loggers"]
    assert with_mail["django.request"]["handlers"] == ["mail_admins"]
    assert with_mail["celery.app.trace"]["handlers"] == ["mail_admins"]
    assert without["django.request"]["handlers"] == []


@pytest.mark.django_db
@override_settings(DEBUG=False, ADMINS=[("Ops", "ops@taibao.example")])
def test_a_server_error_mails_admins_but_a_failing_health_probe_does_not(client, monkeypatch):
    from django.core import mail

    from config import health

    monkeypatch.setattr(health, "database_check", lambda: 1 / 0)
    assert client.get("/healthz").status_code == 503
    assert mail.outbox == []
    client.raise_request_exception = False
    monkeypatch.setattr(health, "health_report", lambda: 1 / 0)
    assert client.get("/healthz").status_code == 500
    assert [m.to for m in mail.outbox] == [["ops@taibao.example"]]
    assert "ZeroDivisionError" in mail.outbox[0].body


def test_a_task_sent_inside_a_request_carries_its_id_to_the_worker():
    headers: dict = {}
    with bound(request_id="req-0123456789"):
        _send_request_id(headers=headers)
    assert headers == {"request_id": "req-0123456789"}

    class Request:
        request_id = "req-0123456789"

    class Task:
        name = "outbox.relay"
        request = Request()

    _bind_request_id(task_id="t-1", task=Task())
    try:
        assert current_request_id() == "req-0123456789"
    finally:
        _unbind_request_id(task_id="t-1")
    assert current_request_id() is None


def test_a_task_beat_started_has_no_request_id_key(json_lines):
    class Request:
        headers = None

    class Task:
        name = "outbox.relay"
        request = Request()

    _bind_request_id(task_id="t-2", task=Task())
    try:
        logging.getLogger("tests.beat").warning("periodic")
    finally:
        _unbind_request_id(task_id="t-2")
    (line,) = [line for line in json_lines() if line.get("logger") == "tests.beat"]
    assert line["task"] == "outbox.relay" and "request_id" not in line


def test_an_eager_task_logs_with_the_request_id_and_leaves_it_bound(json_lines):
    from celery import shared_task

    @shared_task(name="tests.log_something")
    def log_something():
        logging.getLogger("tests.task").warning("inside the task")

    with bound(request_id="req-eager-000001"):
        log_something.apply()
        assert current_request_id() == "req-eager-000001"
    (line,) = [line for line in json_lines() if line.get("logger") == "tests.task"]
    assert line["request_id"] == "req-eager-000001"
    assert line["task"] == "tests.log_something" and line["task_id"]


@pytest.mark.django_db(transaction=True)
def test_a_worker_logs_the_request_id_of_the_request_that_sent_the_task(redis_url, tmp_path):
    """A real ``celery worker`` process: the id travels in the message headers."""
    if connection.vendor == "sqlite":
        database_url = f"sqlite:///{connection.settings_dict['NAME']}"
    else:
        s = connection.settings_dict
        database_url = (
            f"postgresql://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
        )
    queue = f"logs-{os.getpid()}-{time.monotonic_ns()}"
    log_path = tmp_path / "worker.log"
    env = {
        **os.environ,
        "REDIS_URL": redis_url,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "LOG_JSON": "1",
        "LOG_LEVEL": "INFO",
    }
    with log_path.open("wb") as log:
        worker = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", queue,
                "--pool", "solo", "--without-mingle", "--without-gossip", "--loglevel", "INFO",
                "-n", f"{queue}@%h",
            ],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    saved = app.conf.broker_url, app.conf.task_always_eager, app._pool, app.amqp._producer_pool
    app.conf.broker_url, app.conf.task_always_eager = redis_url, False
    app._pool = app.amqp._producer_pool = None
    try:
        with bound(request_id="req-worker-000042"):
            app.send_task("outbox.relay", queue=queue)
        deadline = time.monotonic() + 90
        lines: list[dict] = []
        while time.monotonic() < deadline and not any(
            "succeeded" in line.get("event", "") for line in lines
        ):
            time.sleep(0.5)
            lines = []
            for raw in log_path.read_text(errors="replace").splitlines():
                try:
                    lines.append(json.loads(raw))
                except json.JSONDecodeError:
                    continue
            assert worker.poll() is None, log_path.read_text()
    finally:
        if app._pool is not None:
            app._pool.force_close_all()
        app.conf.broker_url, app.conf.task_always_eager = saved[0], saved[1]
        app._pool, app.amqp._producer_pool = saved[2], saved[3]
        os.killpg(worker.pid, 15)
        worker.wait(30)
    task_lines = [line for line in lines if line.get("task") == "outbox.relay"]
    assert task_lines, log_path.read_text()
    assert {line["request_id"] for line in task_lines} == {"req-worker-000042"}
    assert any("succeeded" in line["event"] for line in task_lines)
    assert all("timestamp" in line for line in lines)
