"""The one spreadsheet reader every import uses (lot sheets, quick order, the household register).

It imports neither ``shop`` nor ``farmers``: imports declare their columns and
call ``sheet_read``; see ``sheets.reader`` for what it takes and refuses.
"""

from sheets.archive import Limits
from sheets.errors import SheetError, SheetRefused
from sheets.reader import Column, Formula, Sheet, SheetRow, sheet_read

__all__ = [
    "Column",
    "Formula",
    "Limits",
    "Sheet",
    "SheetError",
    "SheetRefused",
    "SheetRow",
    "sheet_read",
]
