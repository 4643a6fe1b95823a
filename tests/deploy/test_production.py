"""Production: `make prod` (scripts/prod.sh) runs the Procfile's stack; settings for several hosts."""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlparse

import psycopg
import pytest
from psycopg import sql

from catalog.models import Product
from config.celery_app import app
from tests.conftest import celery_connections_fresh
from tests.deploy.conftest import ROOT, database_url

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "production-settings-test-" + "x" * 40,
    "FIELD_ENCRYPTION_KEY": "cHJvZHVjdGlvbi1maWVsZC1rZXktZm9yLXRlc3RzLTA=",
    "ALLOWED_HOSTS": "127.0.0.1",
}


def probe(env: dict[str, str], code: str) -> dict:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "REDIS_URL", "CELERY_BROKER_URL", "SERVE_MEDIA"}
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django, json; django.setup(); " + code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_broker_can_be_rabbitmq_while_redis_stays_the_cache():
    found = probe(
        {
            "REDIS_URL": "redis://cache.internal:6379/0",
            "CELERY_BROKER_URL": "amqp://taibao:secret@rabbit.internal:5672//",
        },
        "from django.conf import settings; from config.celery_app import app; print(json.dumps("
        "{'broker': app.conf.broker_url, 'eager': settings.CELERY_TASK_ALWAYS_EAGER, "
        "'cache': settings.CACHES['default']['LOCATION']}))",
    )
    assert found == {
        "broker": "amqp://taibao:secret@rabbit.internal:5672//",
        "eager": False,
        "cache": "redis://cache.internal:6379/0",
    }


def test_production_serves_uploads_only_when_told_to():
    code = (
        "from django.urls import Resolver404, resolve\n"
        "try:\n    resolve('/media/images/products/a.png'); found = True\n"
        "except Resolver404:\n    found = False\n"
        "print(json.dumps({'media': found}))"
    )
    code = "exec(" + repr(code) + ")"
    assert probe({**PRODUCTION, "SERVE_MEDIA": "1"}, code) == {"media": True}
    assert probe(PRODUCTION, code) == {"media": False}  # several hosts: the proxy serves them


@pytest.mark.postgres
def test_service_check_creates_a_missing_database_and_names_a_missing_redis(postgres):
    missing = f"{postgres.settings_dict['NAME']}_created_{os.getpid()}"
    url = urlparse(database_url())._replace(path=f"/{missing}").geturl()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    script = [sys.executable, str(ROOT / "scripts" / "prod_services.py")]
    try:
        no_redis = subprocess.run(
            script,
            env={
                **os.environ,
                "DATABASE_URL": url,
                "REDIS_URL": f"redis://127.0.0.1:{closed_port}/0",
            },
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert no_redis.returncode == 1
        assert f"PostgreSQL database '{missing}' created" in no_redis.stdout
        assert "Redis (broker and cache)" in no_redis.stderr
        assert "is not reachable" in no_redis.stderr

        no_postgres = subprocess.run(
            script,
            env={
                **os.environ,
                "DATABASE_URL": f"postgresql://postgres@127.0.0.1:{closed_port}/taibao",
                "REDIS_URL": "redis://127.0.0.1:6379/0",
            },
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert no_postgres.returncode == 1
        assert f"PostgreSQL at 127.0.0.1:{closed_port} is not reachable" in no_postgres.stderr
    finally:
        maintenance = urlparse(database_url())._replace(path="/postgres").geturl()
        with psycopg.connect(maintenance, autocommit=True) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(missing))
            )


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except HTTPError as error:
        return error.code, dict(error.headers), error.read()


def wait_for(predicate, seconds: float, what: str, log: Path):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.5)
    pytest.fail(f"{what} within {seconds} s; the stack's output:\n{log.read_text()[-6000:]}")


@pytest.mark.postgres
def test_make_prod_serves_the_demo_over_gunicorn_with_a_worker_and_beat(
    postgres, redis_url, tmp_path, settings
):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        **os.environ,
        **PRODUCTION,
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        "ENV_FILE": str(tmp_path / "env.prod"),
        "DATABASE_URL": database_url(),
        "REDIS_URL": redis_url,
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",
        "CELERY_CONCURRENCY": "1",
        "STATIC_ROOT": str(tmp_path / "static"),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "CELERY_BEAT_SCHEDULE_FILE": str(tmp_path / "beat-schedule"),
        "TAIBAO_LOAD_DEMO": "1",  # asked for explicitly: production never loads it otherwise
    }
    log = tmp_path / "stack.log"
    with log.open("w") as out:
        stack = subprocess.Popen(
            [str(ROOT / "scripts" / "prod.sh")],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        status, headers, body = wait_for(
            lambda: _answer(base + "/"), 240, "the web process did not answer", log
        )
        assert status == 200
        assert headers["Server"] == "gunicorn"
        assert "empty shop, TAIBAO_LOAD_DEMO=1, loading the demo world" in log.read_text()
        assert "Warmed up before forking" in log.read_text()  # config/gunicorn.conf.py
        assert Product.objects.exists()

        page = body.decode()
        css = re.search(r'href="(/static/taibao/taibao\.[0-9a-f]{12}\.css)"', page)
        assert css, "static files are not the collected, hashed ones"
        assert get(base + css.group(1))[0] == 200
        status, _, body = get(base + "/catalogue/")
        image = re.search(r'src="(/media/[^"]+\.(?:png|jpg))"', body.decode())
        assert status == 200 and image, "the catalogue shows no product image"
        status, headers, _ = get(base + image.group(1))
        assert (status, headers["Content-Type"]) == (200, "image/png")

        worker_name = f"worker.{port + 100}@"
        celery_connections_fresh()
        replies = wait_for(
            lambda: [r for r in app.control.ping(timeout=1) if worker_name in next(iter(r))],
            60,
            "the worker did not answer a ping",
            log,
        )
        assert replies
        # Beat publishes the outbox relay every 30 s; the worker runs it.
        wait_for(
            lambda: re.search(r"Task outbox\.relay\[[^\]]+\] succeeded", log.read_text()),
            90,
            "beat's outbox relay did not run on the worker",
            log,
        )
    finally:
        if stack.poll() is None:
            os.killpg(stack.pid, signal.SIGTERM)
        try:
            stack.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(stack.pid, signal.SIGKILL)
            stack.wait(timeout=30)
    text = log.read_text()
    for process in ("web.1", "worker.1", "beat.1"):
        assert f"{process} stopped" in text, text[-4000:]


def _answer(url: str):
    try:
        return get(url)
    except OSError:
        return None
