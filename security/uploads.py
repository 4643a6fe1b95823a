"""Every import's upload limits: size, extension and the content matching it.

``import_file_validate`` is a form-field validator for any import's
FileField. It refuses, naming the file in Chinese and English:

* files over ``TAIBAO_IMPORT_MAX_BYTES``;
* names not ending in ``.xlsx``, ``.xls`` or ``.csv``;
* an ``.xlsx`` that is not a ZIP container (the ``PK`` magic), an ``.xls``
  that is not an OLE2 compound file;
* a ``.csv`` that is binary (NUL bytes, or a ZIP/Office/PDF/image magic).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

ALLOWED_EXTENSIONS = (".xlsx", ".xls", ".csv")
XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
BINARY_MAGICS = (XLSX_MAGIC, b"\xd0\xcf\x11\xe0", b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8")
SNIFF_BYTES = 8192

# The one size unit of upload limits: the settings (TAIBAO_*_MAX_BYTES) are whole
# multiples of it and every message about a limit says it in it.
MB = 1024 * 1024


def megabytes(size: int) -> str:
    """A size in MB as a message says it, to two decimals at most: "10", "2.5", "0.01"."""
    return f"{size / MB:.2f}".rstrip("0").rstrip(".")


def _refuse(zh: str, en: str, code: str) -> ValidationError:
    return ValidationError(f"{zh} / {en}", code=code)


def _head(upload: UploadedFile) -> bytes:
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(position)
    return head


def import_file_validate(upload: UploadedFile) -> None:
    limit = settings.TAIBAO_IMPORT_MAX_BYTES
    name = upload.name or ""
    if upload.size > limit:
        mb = megabytes(limit)
        raise _refuse(
            f"文件「{name}」超过 {mb} MB 上限",
            f"The file '{name}' is over the {mb} MB limit",
            "too_large",
        )
    extension = name[name.rfind(".") :].lower() if "." in name else ""
    if extension not in ALLOWED_EXTENSIONS:
        raise _refuse(
            f"文件「{name}」不是 .xlsx、.xls 或 .csv",
            f"The file '{name}' is not .xlsx, .xls or .csv",
            "extension",
        )
    head = _head(upload)
    if extension == ".xlsx" and head and not head.startswith(XLSX_MAGIC):
        raise _refuse(
            f"文件「{name}」的内容不是 .xlsx 表格",
            f"The content of '{name}' is not an .xlsx spreadsheet",
            "content",
        )
    if extension == ".xls" and head and not head.startswith(XLS_MAGIC):
        raise _refuse(
            f"文件「{name}」的内容不是 .xls 表格",
            f"The content of '{name}' is not an .xls spreadsheet",
            "content",
        )
    if extension == ".csv" and (b"\x00" in head or head.startswith(BINARY_MAGICS)):
        raise _refuse(
            f"文件「{name}」的内容不是 .csv 文本",
            f"The content of '{name}' is not .csv text",
            "content",
        )
