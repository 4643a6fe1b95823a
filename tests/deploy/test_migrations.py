"""Upgrades can be rolled back: every migration unapplies, and the project migrates up again."""

import json
import os
import subprocess
import sys

import pytest

from tests.deploy.conftest import ROOT, database_url


@pytest.mark.postgres
def test_every_migration_unapplies_to_zero_and_reapplies_to_the_same_schema(postgres, backup_check):
    with backup_check.scratch_database(database_url(), "migrations") as url:
        result = subprocess.run(
            [sys.executable, str(ROOT / "tests" / "deploy" / "migration_roundtrip.py")],
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": url, "DEBUG": "1", "REDIS_URL": ""},
            capture_output=True,
            text=True,
            timeout=1500,
        )
    assert result.returncode == 0, result.stderr[-6000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    print(json.dumps({k: v for k, v in report.items() if k.startswith("seconds")}))

    # Our apps, each taken to zero by its own command, Oscar's forks among them.
    assert {"catalogue", "partner", "basket", "order", "offer", "farmers", "shop", "outbox"} <= set(
        report["ours"]
    )
    assert {"statements", "online_payments"} <= set(report["ours"])
    assert {"contenttypes", "auth", "customer"} <= set(report["others"])
    assert report["left_behind"] == {}
    # The whole project at zero: no table, view or sequence but Django's migration record.
    assert report["relations_at_zero"] == []
    assert report["migrations_recorded_at_zero"] == 0
    # Up again: the very schema a fresh `migrate` makes.
    assert report["schema_lines"] > 1000
    assert report["schema_equal"], (report["schema_only_before"], report["schema_only_after"])
