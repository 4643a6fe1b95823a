"""Run as a script against a scratch PostgreSQL database (DATABASE_URL): every migration down to
zero and up again, printing one JSON report. tests/deploy/test_migrations.py runs it.

1. `migrate` the empty database to the latest state and dump its schema.
2. Our apps (those whose code is in this repository), from the last in the migration plan to the
   first: `migrate <app> zero`, noting any of the app's tables or recorded migrations left behind.
   Django also unapplies whatever depends on the app, Oscar's apps included.
3. Every other app (Django's, Oscar's, the libraries'), so the whole project is at zero; noting
   every relation left besides django_migrations.
4. `migrate` again and dump the schema: it must equal the first.

A migration that cannot be reversed (RunPython or RunSQL without a reverse) raises here.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.apps import apps  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.migrations.loader import MigrationLoader  # noqa: E402
from django.db.migrations.recorder import MigrationRecorder  # noqa: E402


def labels_in_plan_order() -> list[str]:
    """App labels with migrations, in the order their first migration is applied."""
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    order: list[str] = []
    for leaf in sorted(graph.leaf_nodes()):
        for app_label, _name in graph.forwards_plan(leaf):
            if app_label not in order:
                order.append(app_label)
    return order


def is_ours(label: str) -> bool:
    path = Path(apps.get_app_config(label).path).resolve()
    return path.is_relative_to(ROOT) and not path.is_relative_to(ROOT / ".venv")


def relations() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S') "
            "ORDER BY c.relname"
        )
        return [row[0] for row in cursor.fetchall()]


def app_tables(label: str) -> set[str]:
    return {
        model._meta.db_table
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
        if model._meta.managed
    }


def recorded(label: str) -> list[str]:
    return sorted(
        MigrationRecorder(connection).migration_qs.filter(app=label).values_list("name", flat=True)
    )


def schema() -> list[str]:
    """The schema as pg_dump writes it, without comments and per-run keys."""
    dump = subprocess.run(
        ["pg_dump", "--schema-only", "--no-owner", "--no-privileges", os.environ["DATABASE_URL"]],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [
        line
        for line in dump.splitlines()
        if line.strip() and not line.startswith(("--", "\\restrict", "\\unrestrict"))
    ]


def migrate(*args: str) -> None:
    call_command("migrate", *args, interactive=False, verbosity=0)


def main() -> None:
    assert connection.vendor == "postgresql", "run against PostgreSQL"
    started = time.monotonic()
    order = labels_in_plan_order()
    ours = [label for label in order if is_ours(label)]
    others = [label for label in order if not is_ours(label)]
    report: dict = {"ours": ours, "others": others, "left_behind": {}}

    migrate()
    before = schema()
    report["seconds_up"] = round(time.monotonic() - started, 1)

    down_started = time.monotonic()
    # Ours one by one from the last, so each app's own migrations are unapplied by its own
    # `migrate <app> zero`; then the rest from the first (contenttypes), which takes down
    # everything that depends on it at once; an app with nothing left applied is skipped.
    for label in [*reversed(ours), *others]:
        if label in others and not recorded(label):
            continue
        migrate(label, "zero")
        tables_left = sorted(app_tables(label) & set(relations()))
        migrations_left = recorded(label)
        if tables_left or migrations_left:
            report["left_behind"][label] = {"tables": tables_left, "migrations": migrations_left}
    report["relations_at_zero"] = [
        name for name in relations() if not name.startswith("django_migrations")
    ]
    report["migrations_recorded_at_zero"] = MigrationRecorder(connection).migration_qs.count()
    report["seconds_down"] = round(time.monotonic() - down_started, 1)

    up_started = time.monotonic()
    migrate()
    after = schema()
    report["seconds_up_again"] = round(time.monotonic() - up_started, 1)
    report["schema_lines"] = len(before)
    report["schema_only_before"] = sorted(set(before) - set(after))[:20]
    report["schema_only_after"] = sorted(set(after) - set(before))[:20]
    report["schema_equal"] = before == after
    print(json.dumps(report))


if __name__ == "__main__":
    main()
