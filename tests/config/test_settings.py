"""Settings come from the environment; checked in fresh interpreters."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "from django.db import connection; "
    "print(json.dumps({{'engine': settings.DATABASES['default']['ENGINE'], {extra}}}))"
)


def run(env: dict[str, str], code: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DATABASE_URL",
            "REDIS_URL",
            "SECRET_KEY",
            "FIELD_ENCRYPTION_KEY",
            "DEBUG",
            "STRIPE_SECRET_KEY",
            "STRIPE_PUBLISHABLE_KEY",
            "ALLOWED_HOSTS",
            "EMAIL_HOST",
            "DJANGO_ALLOW_ASYNC_UNSAFE",  # the browser tests set it in this process
        }
    }
    clean.update({"DJANGO_SETTINGS_MODULE": "config.settings", **env})
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def probe(env: dict[str, str], extra: str) -> dict:
    result = run(env, PROBE.format(extra=extra))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_refuses_to_start_without_a_secret_key():
    result = run({"DEBUG": "0"}, "import django; django.setup()")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_starts_with_a_secret_key():
    result = run(
        {
            "DEBUG": "0",
            "SECRET_KEY": "x" * 50,
            "FIELD_ENCRYPTION_KEY": "cHJvZHVjdGlvbi1maWVsZC1rZXktZm9yLXRlc3RzLTA=",
            "ALLOWED_HOSTS": "shop.example",
        },
        "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_local_defaults_need_no_services(tmp_path):
    found = probe(
        {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"},
        "'eager': settings.CELERY_TASK_ALWAYS_EAGER, 'online': settings.ONLINE_PAYMENT_ENABLED, "
        "'lang': settings.LANGUAGE_CODE, 'tz': settings.TIME_ZONE, "
        "'currency': settings.OSCAR_DEFAULT_CURRENCY, 'email': settings.EMAIL_BACKEND",
    )
    assert found == {
        "engine": "django.db.backends.sqlite3",
        "eager": True,
        "online": False,
        "lang": "zh-hans",
        "tz": "Asia/Shanghai",
        "currency": "CNY",
        "email": "django.core.mail.backends.console.EmailBackend",
    }


def test_sqlite_uses_wal_and_immediate_transactions(tmp_path):
    found = probe(
        {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"},
        "'journal': connection.cursor().execute('PRAGMA journal_mode').fetchone()[0], "
        "'mode': settings.DATABASES['default']['OPTIONS']['transaction_mode']",
    )
    assert found["journal"] == "wal"
    assert found["mode"] == "IMMEDIATE"


def test_services_and_stripe_come_from_the_environment():
    found = probe(
        {
            "DATABASE_URL": "postgresql://taibao@db.internal:5432/taibao",
            "REDIS_URL": "redis://cache.internal:6379/0",
            "STRIPE_SECRET_KEY": "sk_test_x",
            "STRIPE_PUBLISHABLE_KEY": "pk_test_x",
            "EMAIL_HOST": "smtp.internal",
        },
        "'broker': settings.CELERY_BROKER_URL, 'eager': settings.CELERY_TASK_ALWAYS_EAGER, "
        "'online': settings.ONLINE_PAYMENT_ENABLED, 'host': settings.DATABASES['default']['HOST'], "
        "'email': settings.EMAIL_BACKEND",
    )
    assert found == {
        "engine": "django.db.backends.postgresql",
        "broker": "redis://cache.internal:6379/0",
        "eager": False,
        "online": True,
        "host": "db.internal",
        "email": "django.core.mail.backends.smtp.EmailBackend",
    }
