"""Prove that a backup restores: back up, restore into scratch, compare everything.

    DATABASE_URL=postgresql://…/taibao MEDIA_ROOT=/srv/taibao/media python scripts/backup_restore_check.py

1. Opens a repeatable-read transaction on DATABASE_URL, exports its snapshot and counts the
   rows of every table in it (materialized views are derived: pg_restore refreshes them).
2. Runs scripts/backup.sh on that same snapshot (PG_DUMP_SNAPSHOT), so the dump holds exactly
   what was counted even while the shop keeps taking orders.
3. Creates a scratch database on the same server, restores the dump into it with
   scripts/restore.sh (and the media tarball into a scratch folder), counts again.
4. Drops the scratch database, deletes the scratch files, and exits 1 naming every table whose
   count differs, every table missing on either side and every media file not restored whole.

Prints one JSON line last. `make backuptest` runs it; tests/deploy runs it in CI.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlparse

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent


def database_name(url: str) -> str:
    return unquote(urlparse(url).path.lstrip("/"))


def url_with_database(url: str, name: str) -> str:
    return urlparse(url)._replace(path=f"/{name}").geturl()


def relation_names(connection: psycopg.Connection, kinds: tuple[str, ...]) -> list[str]:
    query = (
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND c.relkind = ANY(%s) ORDER BY c.relname"
    )
    return [row[0] for row in connection.execute(query, (list(kinds),))]


def relations_count(connection: psycopg.Connection) -> dict[str, int]:
    """Exact row count of every table in schema public.

    Materialized views are left out: they hold no data of their own, and pg_restore refreshes
    them, so a view the shop had not refreshed yet comes back with more rows than it had.
    """
    names = relation_names(connection, ("r", "p"))
    counts = {}
    for name in names:
        query = sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(name))
        counts[name] = connection.execute(query).fetchone()[0]
    return counts


def row_counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as connection:
        return relations_count(connection)


def differences(source: dict[str, int], restored: dict[str, int]) -> list[str]:
    found = []
    for name in sorted(source.keys() | restored.keys()):
        if name not in restored:
            found.append(f"{name}: {source[name]} rows in the source, table missing after restore")
        elif name not in source:
            found.append(f"{name}: not in the source, {restored[name]} rows after restore")
        elif source[name] != restored[name]:
            found.append(f"{name}: {source[name]} rows in the source, {restored[name]} restored")
    return found


def media_files(root: Path) -> dict[str, int]:
    """Relative path -> size of every file under root."""
    if not root.is_dir():
        return {}
    return {str(p.relative_to(root)): p.stat().st_size for p in root.rglob("*") if p.is_file()}


def media_differences(source: dict[str, int], restored: dict[str, int]) -> list[str]:
    """Files present before the backup that did not come back with the same size."""
    found = []
    for name, size in sorted(source.items()):
        if name not in restored:
            found.append(f"media {name}: missing after restore")
        elif restored[name] != size:
            found.append(f"media {name}: {size} bytes in the source, {restored[name]} restored")
    return found


def script_run(script: str, args: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(
        [str(ROOT / "scripts" / script), *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{script} failed ({result.returncode}):\n{result.stderr}")
    return result.stdout


def backup(url: str, media_root: Path, backup_dir: Path, snapshot: str = "") -> tuple[Path, Path]:
    """scripts/backup.sh; returns the dump and the media tarball it wrote."""
    out = script_run(
        "backup.sh",
        [],
        {
            "DATABASE_URL": url,
            "MEDIA_ROOT": str(media_root),
            "BACKUP_DIR": str(backup_dir),
            "PG_DUMP_SNAPSHOT": snapshot,
        },
    )
    paths = dict(line.split(": ", 1) for line in out.splitlines() if ": " in line)
    return Path(paths["database"]), Path(paths["media"])


def restore(url: str, dump: Path, media: Path, media_root: Path) -> None:
    script_run(
        "restore.sh", [str(dump), str(media)], {"DATABASE_URL": url, "MEDIA_ROOT": str(media_root)}
    )


@contextmanager
def scratch_database(source_url: str, purpose: str) -> Iterator[str]:
    """A new, empty database on the source's server, dropped afterwards whatever happens."""
    name = f"{database_name(source_url)}_{purpose}_{os.getpid()}"[:63]
    maintenance = url_with_database(source_url, "postgres")
    identifier = sql.Identifier(name)
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(identifier))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(identifier))
    try:
        yield url_with_database(source_url, name)
    finally:
        with psycopg.connect(maintenance, autocommit=True) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(identifier)
            )


def versions(url: str) -> dict[str, str]:
    with psycopg.connect(url) as connection:
        server = connection.execute("SHOW server_version").fetchone()[0].split()[0]
    client = subprocess.run(["pg_dump", "--version"], capture_output=True, text=True, check=True)
    return {"server": server, "pg_dump": client.stdout.split()[-1].strip("()")}


def check(url: str, media_root: Path) -> dict:
    """Back up, restore into scratch, compare; the report has a 'differences' list."""
    work = Path(tempfile.mkdtemp(prefix="taibao-backup-check-"))
    try:
        with psycopg.connect(url, autocommit=True) as source:
            # The snapshot lives as long as this transaction: pg_dump reads it meanwhile.
            source.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            snapshot = source.execute("SELECT pg_export_snapshot()").fetchone()[0]
            source_counts = relations_count(source)
            views = relation_names(source, ("m",))
            source_media = media_files(media_root)
            started = time.monotonic()
            dump, media = backup(url, media_root, work / "backups", snapshot)
            backup_seconds = time.monotonic() - started
            source.execute("ROLLBACK")
        with scratch_database(url, "restorecheck") as scratch_url:
            started = time.monotonic()
            restore(scratch_url, dump, media, work / "media")
            restore_seconds = time.monotonic() - started
            restored_counts = row_counts(scratch_url)
        restored_media = media_files(work / "media")
        found = differences(source_counts, restored_counts)
        found += media_differences(source_media, restored_media)
        return {
            "tables": len(source_counts),
            "rows": sum(source_counts.values()),
            "materialized_views_refreshed": views,
            "media_files": len(source_media),
            "dump_bytes": dump.stat().st_size,
            "media_bytes": media.stat().st_size,
            "backup_seconds": round(backup_seconds, 2),
            "restore_seconds": round(restore_seconds, 2),
            **versions(url),
            "differences": found,
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    url = os.environ.get("DATABASE_URL", "")
    if urlparse(url).scheme not in {"postgres", "postgresql"}:
        print("set DATABASE_URL to the PostgreSQL database to check", file=sys.stderr)
        return 2
    media_root = Path(os.environ.get("MEDIA_ROOT", ROOT / "media"))
    report = check(url, media_root)
    for line in report["differences"]:
        print(f"DIFFERENT {line}", file=sys.stderr)
    print(json.dumps(report, ensure_ascii=False))
    return 1 if report["differences"] else 0


if __name__ == "__main__":
    sys.exit(main())
