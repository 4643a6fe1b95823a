"""Production never loads the demo's accounts (a superuser with a published password)
unless TAIBAO_LOAD_DEMO=1; HSTS's documented default is the settings' default."""

import re
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_load_demo_refuses_in_production_and_creates_no_account(settings):
    settings.DEBUG = False
    settings.TAIBAO_LOAD_DEMO = False
    with pytest.raises(CommandError, match="createsuperuser"):
        call_command("load_demo")
    assert not get_user_model().objects.exists()


def test_make_prod_loads_the_demo_only_when_asked(tmp_path):
    """prod.sh's demo step, run alone with a stand-in `python` that records what it is asked."""
    script = (ROOT / "scripts" / "prod.sh").read_text()
    start = script.index('if [ "${TAIBAO_LOAD_DEMO')
    step = script[start : script.index("\nfi\n", start) + 4]
    calls = tmp_path / "calls"
    fake = tmp_path / "python"
    # "the shop is empty" to the product check (shell), success to anything else
    fake.write_text(f'#!/bin/sh\necho "$@" >> {calls}\n[ "$2" = shell ] && exit 3\nexit 0\n')
    fake.chmod(0o755)
    for value, loads in (("", False), ("0", False), ("1", True)):
        calls.write_text("")
        result = subprocess.run(
            ["bash", "-c", f"set -eu\nexport PATH={tmp_path}:$PATH\n{step}"],
            env={"TAIBAO_LOAD_DEMO": value, "PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stderr
        assert ("load_demo" in calls.read_text()) is loads, (value, calls.read_text())
        if not loads:
            assert "createsuperuser" in result.stdout


def test_the_documented_hsts_default_is_the_settings_default():
    settings_text = (ROOT / "config" / "settings.py").read_text()
    default = re.search(r'"SECURE_HSTS_SECONDS", "(\d+)"', settings_text).group(1)
    prod = (ROOT / "scripts" / "prod.sh").read_text()
    said = re.search(r"set these to 1 / 1 / (\d+) \(the settings'", prod).group(1)
    assert said == default
    security_doc = (ROOT / "docs" / "security.md").read_text()
    assert f"`SECURE_HSTS_SECONDS` defaults to {default}" in security_doc
