"""The bounds of a workbook, found before any cell is built.

A sheet's ``<dimension>`` (or an .xls ``DIMENSIONS`` record) is whatever the
file claims, so it is never read. Instead the cells themselves are counted:

* .xlsx: every member of the ZIP is inflated through ``zipfile``, which stops
  at the declared size and checks the CRC, so the total uncompressed size is
  known for certain before anything is parsed. The workbook's own XML
  (sheet names, states, where each sheet is) is parsed with defusedxml; each
  sheet's XML is then scanned as a byte stream for its ``<row>`` and ``<c>``
  references and ``<f>`` (formula) elements, and refused if it declares a
  DTD or entity, the same policy as defusedxml.
* .xls: the OLE2 container is opened with olefile and the BIFF records of the
  ``Workbook`` stream are walked; every cell record names its row and column,
  and a ``FORMULA`` record is a formula.

Only after a sheet is known to stay inside the bounds does the cell reader
build it.
"""

import io
import posixpath
import re
import struct
import zipfile
from dataclasses import dataclass, field

from defusedxml import ElementTree as SafeET

from sheets.errors import SheetRefused

CHUNK = 1 << 20


@dataclass(frozen=True)
class Limits:
    max_rows: int  # data rows an import accepts
    max_columns: int = 64
    max_bytes: int = 5_000_000
    max_uncompressed: int = 40_000_000
    spare_rows: int = 100  # room above and below the data: titles, header, totals, signatures

    @property
    def max_sheet_row(self) -> int:
        return self.max_rows + self.spare_rows


@dataclass
class SheetBounds:
    name: str
    visible: bool
    rows: int = 0  # the last row number that holds a cell
    columns: int = 0  # the last column number that holds a cell
    formulas: set[tuple[int, int]] = field(default_factory=set)  # (row, column), 1-based
    part: str = ""  # .xlsx: the sheet's XML member


def refuse_rows(limits: Limits) -> SheetRefused:
    return SheetRefused(
        f"表格超过 {limits.max_rows:,} 行上限，请分成几个文件",
        f"the sheet has more than {limits.max_rows:,} rows, the limit: split it into several files",
    )


def refuse_columns(limits: Limits) -> SheetRefused:
    return SheetRefused(
        f"表格超过 {limits.max_columns} 列上限",
        f"the sheet has more than {limits.max_columns} columns, the limit",
    )


def _check(bounds: SheetBounds, limits: Limits) -> None:
    if bounds.rows > limits.max_sheet_row:
        raise refuse_rows(limits)
    if bounds.columns > limits.max_columns:
        raise refuse_columns(limits)


# --- .xlsx --------------------------------------------------------------------------

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"

_ROOT = re.compile(rb"<([A-Za-z_][\w.-]*:)?worksheet\b")
_DECLARATIONS = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)


class _Patterns:
    """The scanner's expressions for one sheet, with its namespace prefix written out (fast)."""

    def __init__(self, prefix: bytes):
        tag = b"<" + re.escape(prefix)
        self.prefix = prefix
        self.row_refs = re.compile(tag + rb"row\b[^>]*?\sr\s*=\s*[\"'](\d+)[\"']")
        self.cell_refs = re.compile(tag + rb"c\b[^>]*?\sr\s*=\s*[\"']\$?([A-Za-z]{1,3})\$?(\d+)")
        self.cell_letters = re.compile(tag + rb"c\b[^>]*?\sr\s*=\s*[\"']\$?([A-Za-z]{1,3})")
        self.formulas = re.compile(tag + rb"f[\s>/]")

    def count(self, data: bytes, name: bytes) -> int:
        tag = b"<" + self.prefix + name
        return sum(data.count(tag + end) for end in (b" ", b">", b"/", b"\t", b"\n", b"\r"))


_TAIL = 4096  # how far back from a chunk's end an unfinished tag is looked for


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


def _refuse_broken_xlsx() -> SheetRefused:
    return SheetRefused(
        "这不是可读取的 .xlsx 文件，无法打开",
        "not a readable .xlsx file: it cannot be opened",
    )


def _inflated_size(archive: zipfile.ZipFile, limits: Limits) -> None:
    total = 0
    for info in archive.infolist():
        if info.file_size > limits.max_uncompressed:
            raise _refuse_uncompressed(limits)
        with archive.open(info) as member:
            while chunk := member.read(CHUNK):
                total += len(chunk)
                if total > limits.max_uncompressed:
                    raise _refuse_uncompressed(limits)


def _refuse_uncompressed(limits: Limits) -> SheetRefused:
    mb = limits.max_uncompressed // 1_000_000
    return SheetRefused(
        f"表格解压后超过 {mb} MB 上限",
        f"the workbook is over the {mb} MB limit once uncompressed",
    )


def _sheet_parts(archive: zipfile.ZipFile) -> list[SheetBounds]:
    workbook = SafeET.fromstring(archive.read("xl/workbook.xml"))
    rels = SafeET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {
        rel.get("Id"): rel.get("Target", "") for rel in rels.iter(f"{{{PKG_REL_NS}}}Relationship")
    }
    sheets = []
    for sheet in workbook.iter(f"{{{MAIN_NS}}}sheet"):
        target = targets.get(sheet.get(f"{{{REL_NS}}}id"), "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        sheets.append(
            SheetBounds(
                name=sheet.get("name", ""),
                visible=sheet.get("state", "visible") == "visible",
                part=posixpath.normpath(part),
            )
        )
    return sheets


def _scan_sheet(archive: zipfile.ZipFile, bounds: SheetBounds, limits: Limits) -> None:
    """Rows, columns and formula cells of one sheet, from its cell references.

    The references are collected with regular expressions chunk by chunk (the
    expat parser's per-element callbacks cost five times as much); a sheet
    whose cells or rows carry no reference (allowed, rare) is refused.
    """
    carry = b""
    patterns = None
    with archive.open(bounds.part) as stream:
        while True:
            chunk = stream.read(CHUNK)
            data = carry + chunk
            end = len(data)
            if chunk:  # an unfinished tag at the end waits for the next chunk
                last = data.rfind(b"<", max(len(data) - _TAIL, 0))
                end = last if last >= 0 else len(data)
            if patterns is None:
                root = _ROOT.search(data)
                patterns = _Patterns(root.group(1) or b"" if root else b"")
            _scan_chunk(data[:end], bounds, limits, patterns)
            if not chunk:
                break
            carry = data[end:]


def _scan_chunk(data: bytes, bounds: SheetBounds, limits: Limits, patterns: _Patterns) -> None:
    if _DECLARATIONS.search(data):
        raise SheetRefused(
            "表格含有 DTD 声明，拒绝读取",
            "the workbook declares a DTD or entity, which is refused",
        )
    letters = patterns.cell_letters.findall(data)
    rows = patterns.row_refs.findall(data)
    if len(letters) != patterns.count(data, b"c") or len(rows) != patterns.count(data, b"row"):
        raise SheetRefused(
            "表格的单元格没有位置信息，请用 Excel 或 WPS 另存后再上传",
            "the sheet's cells carry no positions: save it again from Excel or WPS",
        )
    if rows:
        bounds.rows = max(bounds.rows, max(map(int, rows)))
    if letters:
        widest = max({column.upper() for column in letters}, key=lambda c: (len(c), c))
        bounds.columns = max(bounds.columns, _column_number(widest))
    _check(bounds, limits)
    for formula in patterns.formulas.finditer(data):
        refs = patterns.cell_refs.findall(data, max(formula.start() - _TAIL, 0), formula.start())
        if refs:
            column, row = refs[-1]
            bounds.formulas.add((int(row), _column_number(column)))


def xlsx_bounds(content: bytes, limits: Limits) -> list[SheetBounds]:
    """Every sheet's bounds, or SheetRefused naming the limit it passes."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        if len(archive.infolist()) > 10_000:
            raise _refuse_broken_xlsx()
        _inflated_size(archive, limits)
        sheets = _sheet_parts(archive)
        for bounds in sheets:
            _scan_sheet(archive, bounds, limits)
    except SheetRefused:
        raise
    except Exception as exc:  # a broken ZIP or workbook raises many kinds
        raise _refuse_broken_xlsx() from exc
    return sheets


# --- .xls ---------------------------------------------------------------------------

_BOF, _EOF, _BOUNDSHEET, _FORMULA = 0x0809, 0x000A, 0x0085, 0x0006
_CELLS = {0x0006, 0x00FD, 0x0203, 0x027E, 0x0201, 0x0204, 0x0205, 0x00D6}  # one cell each
_MULTI = {0x00BD, 0x00BE}  # MULRK, MULBLANK: a row, a first and a last column


def _refuse_broken_xls() -> SheetRefused:
    return SheetRefused(
        "这不是可读取的 .xls 文件，无法打开，请另存为 .xlsx",
        "not a readable .xls file: it cannot be opened; save it as .xlsx",
    )


def xls_bounds(content: bytes, limits: Limits) -> list[SheetBounds]:
    import olefile

    try:
        with olefile.OleFileIO(io.BytesIO(content)) as ole:
            name = next((n for n in ("Workbook", "Book") if ole.exists(n)), None)
            if name is None:
                raise _refuse_broken_xls()
            stream = ole.openstream(name).read(limits.max_uncompressed + 1)
    except SheetRefused:
        raise
    except Exception as exc:
        raise _refuse_broken_xls() from exc
    if len(stream) > limits.max_uncompressed:
        raise _refuse_uncompressed(limits)
    try:
        return _walk_biff(stream, limits)
    except (struct.error, IndexError) as exc:
        raise _refuse_broken_xls() from exc


def _walk_biff(stream: bytes, limits: Limits) -> list[SheetBounds]:
    sheets: list[SheetBounds] = []
    offsets: dict[int, SheetBounds] = {}
    current: SheetBounds | None = None
    position, size = 0, len(stream)
    while position + 4 <= size:
        kind, length = struct.unpack_from("<HH", stream, position)
        body = position + 4
        if kind == _BOUNDSHEET and current is None:
            offset, state, sheet_type = struct.unpack_from("<IBB", stream, body)
            name_length, flags = struct.unpack_from("<BB", stream, body + 6)
            raw = stream[body + 8 : body + length]
            text = (
                raw[: name_length * 2].decode("utf-16-le", "replace")
                if flags & 1
                else raw[:name_length].decode("latin-1")
            )
            bounds = SheetBounds(name=text, visible=(state & 3) == 0)
            if sheet_type == 0:  # a worksheet, not a chart or macro sheet
                sheets.append(bounds)
                offsets[offset] = bounds
        elif kind == _BOF and position in offsets:
            current = offsets[position]
        elif kind == _EOF:
            current = None
        elif current is not None and (kind in _CELLS or kind in _MULTI):
            row, first = struct.unpack_from("<HH", stream, body)
            last = (
                struct.unpack_from("<H", stream, body + length - 2)[0] if kind in _MULTI else first
            )
            current.rows = max(current.rows, row + 1)
            current.columns = max(current.columns, last + 1)
            if kind == _FORMULA:
                current.formulas.add((row + 1, first + 1))
            _check(current, limits)
        position = body + length
    return sheets
