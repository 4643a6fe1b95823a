"""Uploaded sheets (lot sheets, household lists) between their preview and their confirmation.

An uploaded sheet can hold ID numbers and phones, so while it waits for the
seller's confirmation it is kept in the private storage of report exports
(``STORAGES["exports"]``, no URL, never under ``MEDIA_ROOT``), and deleted
as soon as it is committed or refused, or after
``TAIBAO_PENDING_SHEET_SECONDS`` (an hour) in any case: a file older than
that is not read any more, and the periodic purge removes it.
"""

import datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone

from farmers.team_dashboard.storage import export_files

PENDING_DIR = "pending-sheets"
KINDS = ("lots", "households")


def _path(*, kind: str, owner_id: int, sha256: str) -> str | None:
    """Where one owner's (a seller's, a team member's) waiting sheet of one kind is kept."""
    if kind not in KINDS:
        raise ValueError(kind)
    if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
        return None
    return f"{PENDING_DIR}/{kind}/{int(owner_id)}/{sha256}"


def _expired(path: str) -> bool:
    age = timezone.now() - export_files.get_modified_time(path)
    return age > datetime.timedelta(seconds=settings.TAIBAO_PENDING_SHEET_SECONDS)


def pending_sheet_save(*, kind: str, owner_id: int, sha256: str, content: bytes) -> str:
    path = _path(kind=kind, owner_id=owner_id, sha256=sha256)
    if path is None:
        raise ValueError("not a SHA-256 digest")
    if export_files.exists(path):
        export_files.delete(path)  # the same file again: its hour starts now
    return export_files.save(path, ContentFile(content))


def pending_sheet_read(*, kind: str, owner_id: int, sha256: str) -> bytes | None:
    """The waiting sheet's bytes; None if there is none, or it waited over the limit (deleted)."""
    path = _path(kind=kind, owner_id=owner_id, sha256=sha256)
    if path is None or not export_files.exists(path):
        return None
    if _expired(path):
        export_files.delete(path)
        return None
    with export_files.open(path, "rb") as handle:
        return handle.read()


def pending_sheet_delete(*, kind: str, owner_id: int, sha256: str) -> None:
    path = _path(kind=kind, owner_id=owner_id, sha256=sha256)
    if path is not None and export_files.exists(path):
        export_files.delete(path)


def pending_sheets_purge() -> int:
    """Delete every waiting sheet older than the limit; the number deleted."""
    purged = 0
    for kind in KINDS:
        folder = f"{PENDING_DIR}/{kind}"
        if not export_files.exists(folder):
            continue
        owners, _files = export_files.listdir(folder)
        for owner in owners:
            _dirs, names = export_files.listdir(f"{folder}/{owner}")
            for name in names:
                path = f"{folder}/{owner}/{name}"
                if _expired(path):
                    export_files.delete(path)
                    purged += 1
    return purged
