"""One reader for every import: the sheets people keep, read into rows an import can check.

An import declares its columns (``Column``: key, Chinese and English names,
synonyms, kind) and calls ``sheet_read``. The reader:

* takes .xlsx, .xls and .csv/.tsv (UTF-8, UTF-8 with BOM, GBK/GB18030;
  comma, tab or semicolon, whichever splits the first lines best);
* bounds rows, columns and uncompressed size before building any cell
  (``sheets.archive``), and refuses a file over them naming the limit;
* finds the header among the first 10 non-empty rows of the first visible
  sheet that has one (synonyms compared without spaces, punctuation or a
  bracketed unit: ``数量（袋）`` is ``数量``), and lists the columns it ignores;
* skips blank rows and, above the header, titles; treats a row starting
  合计/总计/小计/共计 as a totals row, checks every number it states against
  the rows above, and ignores everything after the last one (signatures,
  notes) as well as lines starting 制表/审核/签字/备注;
* normalises every kept cell (``sheets.cells``) and marks formula cells
  (``Formula``) so that the import refuses them; they are never evaluated.

Only the declared columns of each row are kept: whatever else the sheet holds
(ID numbers, phones in an ignored column) is dropped as it is read.
"""

import csv
import datetime
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from sheets.archive import (
    Limits,
    SheetBounds,
    refuse_columns,
    refuse_rows,
    xls_bounds,
    xlsx_bounds,
)
from sheets.cells import CellUnreadable, cell_date, cell_number, cell_text, header_key
from sheets.errors import SheetError, SheetRefused

HEADER_SEARCH_ROWS = 10
TOTALS_WORDS = {"合计", "总计", "小计", "共计", "total", "subtotal", "grandtotal", "sum"}
SUBTOTAL_WORDS = {"小计", "subtotal"}
FOOTER_PREFIXES = ("制表", "填表", "审核", "复核", "签字", "签名", "经办", "负责人", "备注", "说明")
XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
CSV_FIELD_LIMIT = 131_072  # the csv module's own limit on one field


class Formula(str):
    """A formula cell, kept only to be refused; its saved result is not used."""

    def __new__(cls, cached=None):
        text = "=" if cached is None else "=" + cell_text(cached).lstrip("=")
        return super().__new__(cls, text)


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    synonyms: tuple[str, ...]
    kind: str = "text"  # "text", "number" or "date"
    required: bool = False

    @property
    def keys(self) -> set[str]:
        return {header_key(name) for name in (self.zh, self.en, *self.synonyms)}


@dataclass(frozen=True)
class SheetRow:
    number: int  # as Excel numbers it: 1-based, title rows counted
    cells: dict[str, object]  # column key → normalised value (str, Decimal, date, Formula, None)


@dataclass
class Sheet:
    file_name: str
    format: str  # "xlsx", "xls" or "csv"
    sheet_name: str | None
    header_row: int | None  # None: no header, the import's fallback columns were used
    headers: dict[str, str]  # column key → the header text in the sheet
    ignored: list[str]
    rows: list[SheetRow] = field(default_factory=list)
    errors: list[SheetError] = field(default_factory=list)
    totals_rows: list[int] = field(default_factory=list)
    skipped_sheets: list[str] = field(default_factory=list)


# --- the grid: (row number, raw cells) ----------------------------------------------


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip(" \t\r\n\u3000\u00a0"))


def _workbook_grids(
    content: bytes, bounds: list[SheetBounds], kind: str
) -> Iterator[tuple[str, Iterator[tuple[int, list]]]]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
    except Exception as exc:
        raise SheetRefused(
            f"这不是可读取的 .{kind} 文件，无法打开",
            f"not a readable .{kind} file: it cannot be opened",
        ) from exc
    by_name = {sheet.name: sheet for sheet in bounds}
    try:
        for name in workbook.sheet_names:
            sheet_bounds = by_name.get(name)
            if sheet_bounds is None or not sheet_bounds.visible or not sheet_bounds.rows:
                continue
            yield name, _calamine_rows(workbook, name, sheet_bounds)
    finally:
        workbook.close()


def _calamine_rows(workbook, name: str, bounds: SheetBounds) -> Iterator[tuple[int, list]]:
    try:
        sheet = workbook.get_sheet_by_name(name)
    except Exception as exc:
        raise SheetRefused(
            f"无法读取工作表「{name}」", f"the sheet '{name}' cannot be read"
        ) from exc
    first_row, first_column = sheet.start or (0, 0)
    formulas: dict[int, list[int]] = {}
    for row, column in bounds.formulas:
        formulas.setdefault(row, []).append(column)
    for index, values in enumerate(sheet.iter_rows()):
        number = first_row + index + 1
        cells = [None] * first_column + [None if value == "" else value for value in values]
        for column in formulas.get(number, ()):
            if column <= len(cells):
                cells[column - 1] = Formula(cells[column - 1])
        yield number, cells


def _decode(content: bytes) -> str:
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SheetRefused(
            "文本既不是 UTF-8 也不是 GBK（不支持 UTF-16），请另存为 UTF-8 或 GBK 的 CSV",
            "the text is neither UTF-8 nor GBK (UTF-16 is not supported):"
            " save the CSV as UTF-8 or GBK",
        )
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SheetRefused(
        "无法识别文件编码（既不是 UTF-8 也不是 GBK），请另存为 UTF-8 或 GBK 的 CSV，或 .xlsx",
        "the text is neither UTF-8 nor GBK: save the sheet as CSV in UTF-8 or GBK, or as .xlsx",
    )


def _delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the most columns (comma on a tie)."""
    sample = text[:8192].splitlines()[:30]
    best, widest = ",", 0
    for delimiter in (",", "\t", ";"):
        try:
            width = max((len(row) for row in csv.reader(sample, delimiter=delimiter)), default=0)
        except csv.Error:
            continue
        if width > widest:
            best, widest = delimiter, width
    return best


def _csv_rows(text: str, limits: Limits) -> Iterator[tuple[int, list]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        for number, cells in enumerate(reader, start=1):
            if number > limits.max_sheet_row:
                raise refuse_rows(limits)
            while cells and _is_blank(cells[-1]):
                cells.pop()
            if len(cells) > limits.max_columns:
                raise refuse_columns(limits)
            yield (
                number,
                [Formula() if cell.strip().startswith("=") else (cell or None) for cell in cells],
            )
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise SheetRefused(
                f"有单元格超过 {CSV_FIELD_LIMIT:,} 个字符的上限",
                f"a cell is longer than {CSV_FIELD_LIMIT:,} characters, the limit",
            ) from exc
        raise SheetRefused(
            "CSV 文件格式有误，无法读取", "the CSV file is malformed and cannot be read"
        ) from exc


def _grids(
    content: bytes, file_name: str, limits: Limits
) -> tuple[str, Iterable[tuple[str | None, Iterator[tuple[int, list]]]]]:
    if not content:
        raise SheetRefused("文件为空", "the file is empty")
    if len(content) > limits.max_bytes:
        mb = limits.max_bytes / 1_000_000
        raise SheetRefused(f"文件超过 {mb:g} MB 上限", f"the file is over the {mb:g} MB limit")
    suffix = file_name.lower().rsplit(".", 1)[-1] if "." in file_name else ""
    if content.startswith(XLSX_MAGIC) or suffix in ("xlsx", "xlsm"):
        bounds = xlsx_bounds(content, limits) if content.startswith(XLSX_MAGIC) else None
        if bounds is None:
            raise SheetRefused(
                "这不是可读取的 .xlsx 文件，无法打开",
                "not a readable .xlsx file: it cannot be opened",
            )
        return "xlsx", _workbook_grids(content, bounds, "xlsx")
    if content.startswith(OLE_MAGIC) or suffix == "xls":
        if not content.startswith(OLE_MAGIC):
            raise SheetRefused(
                "这不是可读取的 .xls 文件，无法打开，请另存为 .xlsx",
                "not a readable .xls file: it cannot be opened; save it as .xlsx",
            )
        return "xls", _workbook_grids(content, xls_bounds(content, limits), "xls")
    if b"\x00" in content[:4096] and not content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SheetRefused(
            "这不是可读取的表格，请上传 .xlsx、.xls 或 .csv",
            "This is not a spreadsheet we can read: upload .xlsx, .xls or .csv",
        )
    return "csv", [(None, _csv_rows(_decode(content), limits))]


# --- the header ---------------------------------------------------------------------


def _match_header(cells: list, columns: Sequence[Column]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        key = header_key(cell) if not isinstance(cell, Formula) else ""
        if not key:
            continue
        for column in columns:
            if column.key not in found and key in column.keys:
                found[column.key] = index
                break
    return found


def _missing(found: dict[str, int], columns: Sequence[Column]) -> list[Column]:
    return [column for column in columns if column.required and column.key not in found]


def _refuse_missing(missing: list[Column]) -> SheetRefused:
    zh = "、".join(f"「{c.zh}」" for c in missing)
    en = ", ".join(f"'{c.en}'" for c in missing)
    return SheetRefused(
        f"前 {HEADER_SEARCH_ROWS} 行中没有表头：缺少{zh}列",
        f"no header in the first {HEADER_SEARCH_ROWS} rows: the column {en} is missing",
    )


# --- cells --------------------------------------------------------------------------


def _normalise(value, column: Column, today: datetime.date):
    if value is None:
        return None
    if isinstance(value, Formula):
        return value
    if column.kind == "number":
        try:
            return cell_number(value)
        except CellUnreadable:
            return cell_text(value)
    if column.kind == "date":
        try:
            return cell_date(value, today=today)
        except CellUnreadable:
            return cell_text(value)
    text = cell_text(value)
    return text or None


def _first_text(cells: list) -> str:
    for cell in cells:
        if not _is_blank(cell):
            return cell_text(cell)
    return ""


def _number_text(number: Decimal) -> str:
    return format(number.normalize(), "f") if number else "0"


# --- the whole read -----------------------------------------------------------------


def sheet_read(
    *,
    content: bytes,
    file_name: str,
    columns: Sequence[Column],
    limits: Limits,
    today: datetime.date,
    fallback: Sequence[str] | None = None,
) -> Sheet:
    """The rows of the first sheet with a header, or SheetRefused saying why none can be read.

    ``fallback``: column keys to take from the first columns, in order, when no
    sheet has a header (quick order's bare "SKU, quantity" lists).
    """
    kind, grids = _grids(content, file_name, limits)
    first_missing: list[Column] | None = None  # of the first sheet that has rows
    skipped: list[str] = []
    headless: tuple[str | None, list[str], list] | None = None  # for the fallback columns
    for sheet_name, grid in grids:
        candidates: list[tuple[int, list]] = []
        header: tuple[int, list, dict[str, int]] | None = None
        fewest: list[Column] | None = None
        for number, cells in grid:
            if all(_is_blank(cell) for cell in cells):
                continue
            found = _match_header(cells, columns)
            missing = _missing(found, columns)
            if not missing:
                header = (number, cells, found)
                break
            candidates.append((number, cells))
            if fewest is None or len(missing) < len(fewest):
                fewest = missing
            if len(candidates) >= HEADER_SEARCH_ROWS:
                break
        if header is not None:
            number, cells, found = header
            sheet = Sheet(
                file_name=file_name,
                format=kind,
                sheet_name=sheet_name,
                header_row=number,
                headers={key: cell_text(cells[index]) for key, index in found.items()},
                ignored=[
                    cell_text(cell)
                    for index, cell in enumerate(cells)
                    if index not in found.values() and not _is_blank(cell)
                ],
                skipped_sheets=skipped,
            )
            _read_body(sheet, grid, found, columns, limits, today)
            return sheet
        if fallback and candidates and headless is None:
            # kept whole (it is within the bounds) in case no later sheet has a header
            headless = (sheet_name, list(skipped), [*candidates, *grid])
        if first_missing is None and fewest is not None:
            first_missing = fewest
        if sheet_name is not None:
            skipped.append(sheet_name)
    if headless is not None:  # no sheet has a header: the first one's first columns
        sheet_name, before, grid = headless
        sheet = Sheet(
            file_name=file_name,
            format=kind,
            sheet_name=sheet_name,
            header_row=None,
            headers={},
            ignored=[],
            skipped_sheets=before,
        )
        found = {key: index for index, key in enumerate(fallback or ())}
        _read_body(sheet, grid, found, columns, limits, today)
        return sheet
    if first_missing:
        raise _refuse_missing(first_missing)
    raise SheetRefused("表格中没有数据行", "the sheet has no data rows")


def _read_body(
    sheet: Sheet,
    grid: Iterable[tuple[int, list]],
    found: dict[str, int],
    columns: Sequence[Column],
    limits: Limits,
    today: datetime.date,
) -> None:
    by_key = {column.key: column for column in columns}
    entries: list[tuple[str, SheetRow, str]] = []  # ("data" | "total", row, totals word)
    data_rows = 0
    for number, cells in grid:
        if all(_is_blank(cell) for cell in cells):
            continue
        first = header_key(_first_text(cells))
        if first.startswith(FOOTER_PREFIXES):
            continue
        row = SheetRow(
            number=number,
            cells={
                key: _normalise(cells[index] if index < len(cells) else None, by_key[key], today)
                for key, index in found.items()
            },
        )
        if first in TOTALS_WORDS:
            entries.append(("total", row, first))
            continue
        data_rows += 1
        if data_rows > limits.max_rows:
            raise refuse_rows(limits)
        entries.append(("data", row, ""))
    last_total = max((i for i, entry in enumerate(entries) if entry[0] == "total"), default=-1)
    if last_total >= 0:
        entries = entries[: last_total + 1]  # what follows the last totals row is a footer
    numeric = [column for column in columns if column.kind == "number" and column.key in found]
    since_total: list[SheetRow] = []
    since_subtotal: list[SheetRow] = []
    for kind, row, word in entries:
        if kind == "data":
            sheet.rows.append(row)
            since_total.append(row)
            since_subtotal.append(row)
            continue
        sheet.totals_rows.append(row.number)
        is_subtotal = header_key(word) in SUBTOTAL_WORDS
        summed = since_subtotal if is_subtotal else since_total
        for column in numeric:
            stated = row.cells.get(column.key)
            if not isinstance(stated, Decimal):
                continue  # not stated, a formula (never evaluated) or text such as "115袋"
            computed = sum(
                (r.cells[column.key] for r in summed if isinstance(r.cells[column.key], Decimal)),
                Decimal(0),
            )
            if computed != stated:
                zh_word = word if not word.isascii() else "合计"
                stated_text, computed_text = _number_text(stated), _number_text(computed)
                sheet.errors.append(
                    SheetError(
                        row=row.number,
                        column=column.key,
                        zh=f"第{row.number}行 {zh_word}「{column.zh}」: "
                        f"表中为 {stated_text}，逐行相加为 {computed_text}",
                        en=f"Row {row.number}, total of {column.en}: the sheet says "
                        f"{stated_text}, the rows add up to {computed_text}",
                    )
                )
        since_subtotal = []
        if not is_subtotal:
            since_total = []
