"""Backups restore: scripts/backup.sh and restore.sh, checked by scripts/backup_restore_check.py."""

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from catalog.models import Product
from demo.world import demo_world_load
from tests.deploy.conftest import ROOT, database_url


@pytest.mark.postgres
def test_backup_of_the_demo_world_restores_every_row_and_image(postgres, settings):
    demo_world_load()
    products = Product.objects.count()
    assert products > 0

    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "backup_restore_check.py")],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url(), "MEDIA_ROOT": str(settings.MEDIA_ROOT)},
        capture_output=True,
        text=True,
        timeout=600,
    )

    assert result.returncode == 0, result.stderr[-4000:]
    print(result.stdout.strip().splitlines()[-1])
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["differences"] == []
    assert report["tables"] > 100
    assert report["rows"] > products
    assert report["media_files"] >= products  # one image per demo product at least
    assert report["server"].split(".")[0] == report["pg_dump"].split(".")[0]


@pytest.mark.postgres
def test_restored_copy_that_lost_rows_tables_or_files_is_reported(
    postgres, settings, backup_check, tmp_path
):
    demo_world_load()
    source = database_url()
    media_root = Path(settings.MEDIA_ROOT)
    dump, media = backup_check.backup(source, media_root, tmp_path / "backups")
    counts = backup_check.row_counts(source)

    with backup_check.scratch_database(source, "tampered") as scratch:
        backup_check.restore(scratch, dump, media, tmp_path / "restored")
        assert backup_check.differences(counts, backup_check.row_counts(scratch)) == []

        # restore.sh refuses a database that is not empty.
        refused = subprocess.run(
            [str(ROOT / "scripts" / "restore.sh"), str(dump)],
            env={**os.environ, "DATABASE_URL": scratch},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert refused.returncode == 1
        assert "not empty" in refused.stderr

        with psycopg.connect(scratch, autocommit=True) as connection:
            connection.execute(
                "DELETE FROM catalogue_productimage WHERE id = (SELECT min(id) FROM catalogue_productimage)"
            )
            connection.execute("DROP TABLE django_session")
        found = backup_check.differences(counts, backup_check.row_counts(scratch))

    images = counts["catalogue_productimage"]
    assert found == [
        f"catalogue_productimage: {images} rows in the source, {images - 1} restored",
        f"django_session: {counts['django_session']} rows in the source, table missing after restore",
    ]
    lost = next(p for p in (tmp_path / "restored").rglob("*.png"))
    lost.unlink()
    missing = backup_check.media_differences(
        backup_check.media_files(media_root), backup_check.media_files(tmp_path / "restored")
    )
    assert missing == [f"media {lost.relative_to(tmp_path / 'restored')}: missing after restore"]
