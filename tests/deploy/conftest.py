import importlib.util
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    """The URL of the database this test session runs on (test_<name>)."""
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    host = s["HOST"] or "127.0.0.1"
    return f"postgresql://{s['USER']}{password}@{host}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture(scope="session")
def backup_check():
    """scripts/backup_restore_check.py as a module (scripts/ is not a package)."""
    path = ROOT / "scripts" / "backup_restore_check.py"
    spec = importlib.util.spec_from_file_location("backup_restore_check", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)
    spec.loader.exec_module(module)
    return module
