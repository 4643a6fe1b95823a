"""Where report exports are kept: a private storage, never a public media URL.

The files hold households' names, so they are read back only through the
permission-checked download view. The storage is ``STORAGES["exports"]``
(settings), looked up when first used so that tests can point it elsewhere.
"""

from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty

EXPORTS_STORAGE = "exports"


class PrivateFileStorage(FileSystemStorage):
    """Files on disk with no URL: they are served by views that check who asks."""

    def url(self, name):
        raise NotImplementedError("private files have no public URL; serve them through a view")


class _ExportFiles(LazyObject):
    def _setup(self):
        self._wrapped = storages[EXPORTS_STORAGE]


export_files = _ExportFiles()


def export_files_storage():
    """The ``storage`` of ``ReportExport.file`` (a callable, so migrations name no path)."""
    return export_files


@receiver(setting_changed)
def _storages_changed(*, setting, **kwargs):
    if setting == "STORAGES":
        export_files._wrapped = empty
