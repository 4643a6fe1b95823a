"""Spreadsheets shaped like the ones people bring, built in memory for the tests."""

import io
import re
import zipfile

from openpyxl import Workbook


def xlsx(*sheets, hidden_columns=(), merged=(), hidden_sheets=()) -> bytes:
    """Each sheet is (title, rows); rows are lists of cell values (a str starting = is a formula)."""
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        if title in hidden_sheets:
            sheet.sheet_state = "hidden"
        for letter in hidden_columns:
            sheet.column_dimensions[letter].hidden = True
        for cells in merged:
            sheet.merge_cells(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_rewritten(content: bytes, member: str, change) -> bytes:
    """The same workbook with one member's bytes changed by ``change``."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == member:
                data = change(data)
            target.writestr(item.filename, data)
    return out.getvalue()


SHEET1 = "xl/worksheets/sheet1.xml"


def _claim_everything(data: bytes) -> bytes:
    return re.sub(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1:XFD1048576"/>', data)


def dimension_bomb(rows: int = 2000, header=("SKU", "数量")) -> bytes:
    """A small workbook of ``rows`` short rows that claims A1:XFD1048576.

    openpyxl pads every row it reads to the claimed width: 16,384 cells a row,
    262 MB for 2,000 rows. Its real cells are within every bound.
    """
    base = xlsx(("采购清单", [list(header)] + [[f"NO-SUCH-{i % 7}", 1] for i in range(rows)]))
    return xlsx_rewritten(base, SHEET1, _claim_everything)


def wide_bomb() -> bytes:
    """A tiny workbook that claims A1:XFD1048576 and has a real cell in column XFD."""
    base = xlsx(("采购清单", [["SKU", "数量"], ["A", 1]]))

    def claim(data: bytes) -> bytes:
        data = _claim_everything(data)
        return data.replace(
            b"</row></sheetData>", b'<c r="XFD2" t="n"><v>1</v></c></row></sheetData>'
        )

    return xlsx_rewritten(base, SHEET1, claim)


def rows_bomb() -> bytes:
    """A tiny workbook with a cell on row 1,048,576 (every row between is padded in)."""
    base = xlsx(("采购清单", [["SKU", "数量"], ["A", 1]]))
    return xlsx_rewritten(
        base,
        SHEET1,
        lambda data: data.replace(
            b"</sheetData>",
            b'<row r="1048576"><c r="A1048576" t="n"><v>1</v></c></row></sheetData>',
        ),
    )


def inflating(padding_bytes: int) -> bytes:
    """A small workbook whose sheet XML inflates past ``padding_bytes`` (whitespace compresses)."""
    base = xlsx(("采购清单", [["SKU", "数量"], ["A", 1]]))
    return xlsx_rewritten(
        base,
        SHEET1,
        lambda data: data.replace(b"<sheetData>", b"<sheetData>" + b" " * padding_bytes),
    )
