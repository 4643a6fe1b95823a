"""Production settings pass Django's deployment checks; secrets come only from the environment."""

import re

from tests.config.test_settings import ROOT, run

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "throwaway-" + "k7Qz" * 12,  # made up for this test, never used anywhere
    "FIELD_ENCRYPTION_KEY": "cHJvZHVjdGlvbi1maWVsZC1rZXktZm9yLXRlc3RzLTA=",
    "ALLOWED_HOSTS": "shop.example",
}


def test_production_settings_pass_check_deploy_at_warning_level():
    result = run(
        PRODUCTION,
        "import sys; from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_the_field_encryption_key():
    env = {k: v for k, v in PRODUCTION.items() if k != "FIELD_ENCRYPTION_KEY"}
    result = run(env, "import django; django.setup()")
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEY" in result.stderr


def test_production_without_stripe_keys_runs_without_online_payment():
    result = run(
        PRODUCTION,
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.ONLINE_PAYMENT_ENABLED, repr(settings.STRIPE_SECRET_KEY), "
        "repr(settings.STRIPE_WEBHOOK_SECRET))",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "''", "''"]


def test_production_headers_hsts_and_admin_path_come_from_the_environment():
    result = run(
        {**PRODUCTION, "ADMIN_URL": "/back-office-7/", "SECURE_HSTS_PRELOAD": "0"},
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.ADMIN_URL, settings.SECURE_HSTS_SECONDS, "
        "settings.SECURE_HSTS_INCLUDE_SUBDOMAINS, settings.SECURE_HSTS_PRELOAD)",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["back-office-7/", "31536000", "True", "False"]


SECRET_LOOKING = [
    re.compile(r"\b(sk|rk|pk)_(live|test)_[A-Za-z0-9]{6,}"),  # Stripe keys
    re.compile(r"\bwhsec_[A-Za-z0-9]{6,}"),  # Stripe webhook secret
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    re.compile(r"\bAKIA[0-9A-Z]{16}\b"),  # cloud access key id
    re.compile(r"://[^/\s:@\"']+:[^@\s\"']+@"),  # a URL with a password in it
    # a long random-looking literal: base64/hex-like, with digits and mixed case
    re.compile(r"[\"'](?=[^\"']*\d)(?=[^\"']*[a-z])(?=[^\"']*[A-Z])[A-Za-z0-9+/=]{32,}[\"']"),
]
# Literals that look like secrets but are development-only fallbacks, used only while
# DEBUG is on (production refuses to start without its own: see the tests above).
DEVELOPMENT_ONLY = {
    '"dGFpYmFvLWRldi1vbmx5LWZpZWxkLWtleS0wMDAwMDA="',
    "://user:pass@",  # a placeholder in a comment's example URL
}


def test_no_secret_looking_literal_is_in_config():
    found = []
    for path in sorted((ROOT / "config").rglob("*.py")):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            for pattern in SECRET_LOOKING:
                for match in pattern.finditer(line):
                    if match.group() not in DEVELOPMENT_ONLY:
                        found.append(f"{path.relative_to(ROOT)}:{number}: {match.group()}")
    assert found == []


def test_the_secret_scan_would_find_a_stripe_key():
    line = 'STRIPE_SECRET_KEY = "sk_live_51Habcdefghijkl"'
    assert any(pattern.search(line) for pattern in SECRET_LOOKING)
