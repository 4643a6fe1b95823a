"""Lot sheets between their preview and their confirmation.

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

PENDING_DIR = "pending-lot-sheets"


def _path(*, seller_id: int, sha256: str) -> str | None:
    if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
        return None
    return f"{PENDING_DIR}/{int(seller_id)}/{sha256}"


def _expired(path: str) -> bool:
    age = timezone.now() - export_files.get_modified_time(path)
    return age > datetime.timedelta(seconds=settings.TAIBAO_PENDING_SHEET_SECONDS)


def pending_sheet_save(*, seller_id: int, sha256: str, content: bytes) -> str:
    path = _path(seller_id=seller_id, sha256=sha256)
    if path is None:
        raise ValueError("not a SHA-256 digest")
    if export_files.exists(path):
        export_files.delete(path)  # the same file again: its hour starts now
    return export_files.save(path, ContentFile(content))


def pending_sheet_read(*, seller_id: int, sha256: str) -> bytes | None:
    """The waiting sheet's bytes; None if there is none, or it waited over the limit (deleted)."""
    path = _path(seller_id=seller_id, sha256=sha256)
    if path is None or not export_files.exists(path):
        return None
    if _expired(path):
        export_files.delete(path)
        return None
    with export_files.open(path, "rb") as handle:
        return handle.read()


def pending_sheet_delete(*, seller_id: int, sha256: str) -> None:
    path = _path(seller_id=seller_id, sha256=sha256)
    if path is not None and export_files.exists(path):
        export_files.delete(path)


def pending_sheets_purge() -> int:
    """Delete every waiting sheet older than the limit; the number deleted."""
    purged = 0
    if not export_files.exists(PENDING_DIR):
        return 0
    sellers, _files = export_files.listdir(PENDING_DIR)
    for seller in sellers:
        _dirs, names = export_files.listdir(f"{PENDING_DIR}/{seller}")
        for name in names:
            path = f"{PENDING_DIR}/{seller}/{name}"
            if _expired(path):
                export_files.delete(path)
                purged += 1
    return purged
