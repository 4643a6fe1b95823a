"""Every path the README and the guides name answers the platform admin (200, or redirects to 200)."""

import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

ROOT = Path(__file__).resolve().parents[2]
# A path in inline code: `/dashboard/team/`, `/quick-order/` (placeholders are skipped).
CODE_PATH = re.compile(r"`(/[A-Za-z0-9_./-]*)`")
# Named on purpose, but not pages a browser opens.
NOT_PAGES = {
    "/admin/": "named as where the admin is not (ADMIN_URL)",
    "/media/": "a prefix for uploaded files, served by a proxy in production",
    "/api/v1/auth/token/": "the API's token endpoint answers POST only (tested in tests/security)",
    "/stripe/webhook/": "Stripe posts signed events; a GET is refused",
}


def named_paths() -> list[str]:
    files = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    found = set()
    for file in files:
        if file.exists():
            found.update(CODE_PATH.findall(file.read_text(encoding="utf-8")))
    return sorted(path for path in found if path not in NOT_PAGES and not path.startswith("//"))


def test_the_guides_name_paths():
    paths = named_paths()
    assert "/dashboard/team/" in paths and "/quick-order/" in paths


@pytest.mark.django_db
def test_every_named_path_answers_the_platform_admin(client, demo_world):
    admin = get_user_model().objects.get(username="admin@taibao.example")
    client.force_login(admin)
    failing = {}
    for path in named_paths():  # one demo world for all of them
        response = client.get(path, follow=True)
        if response.status_code != 200:
            failing[path] = (response.status_code, response.redirect_chain)
    assert failing == {}
