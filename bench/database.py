"""A database for a benchmark: a scratch SQLite file, or the one DATABASE_URL names."""

import os
import sys
import tempfile
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def django_with_database(settings_module: str = "config.settings") -> str:
    """Set Django up on a migrated database and return its vendor ("sqlite", "postgresql")."""
    if str(PROJECT_ROOT) not in sys.path:
        sys.path.insert(0, str(PROJECT_ROOT))
    workdir = Path(tempfile.mkdtemp(prefix="taibao-bench-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ.setdefault("MEDIA_ROOT", str(workdir / "media"))
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module

    import django
    from django.core.management import call_command
    from django.db import connection

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    return connection.vendor
