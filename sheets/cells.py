"""What a cell says, whatever width, separator or date form the spreadsheet program saved.

Pure functions, no Django: every import's cells go through them before its own
checks see them.

* ``cell_text``: full-width letters, digits and punctuation made half-width,
  leading and trailing spaces (the full-width U+3000 too) removed, a whole
  number stored as a number given back without ``.0``.
* ``cell_number``: a ``Decimal`` from a number, or from text with full-width
  digits, thousands separators, a currency sign or 元; ``None`` when empty.
* ``cell_date``: a ``date`` from a real date, an Excel serial (1900 system),
  ``2026-12-01``, ``2026/12/1``, ``2026.12.01``, ``20261201``, ``2026年12月1日``
  or ``12月1日`` (this year, or last year if that day is still to come).

``cell_number`` and ``cell_date`` raise ``CellUnreadable`` for text that is no
number or date, so that the import can say so in its own words.
"""

import datetime
import re
from decimal import Decimal, InvalidOperation

# U+FF01..U+FF5E are the full-width forms of U+0021..U+007E; U+3000 is the full-width space.
_HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_HALF_WIDTH[0x3000] = 0x20
_HALF_WIDTH[0x3002] = ord(".")  # 。 typed for a decimal point
_HALF_WIDTH[0x00A0] = 0x20  # no-break space

_SPACES = " \t\r\n\u3000\u00a0\ufeff\u200b"
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)$")
_PLAIN = re.compile(r"\d{1,18}(\.\d{1,12})?\Z")

EXCEL_EPOCH = datetime.date(1899, 12, 30)  # serial 1 is 1900-01-01 (Lotus's leap-year bug kept)
SERIAL_RANGE = (3_000, 109_574)  # 1908-03-18 … 2199-12-31: a date column's plausible serials


class CellUnreadable(ValueError):
    """The cell holds text that is not what its column needs."""


def half_width(text: str) -> str:
    return text.translate(_HALF_WIDTH)


_ASCII_SPACES = " \t\r\n"


def cell_text(value) -> str:
    if type(value) is str:  # the common case first: most cells are plain text
        if value.isascii():
            return value.strip(_ASCII_SPACES)
        return value.translate(_HALF_WIDTH).strip(_SPACES)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(value, ".15g")
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value.is_finite() else str(value)
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return half_width(str(value)).strip(_SPACES)


def cell_number(value) -> Decimal | None:
    """A Decimal, exactly as the sheet shows it; None for an empty cell."""
    if value is None:
        return None
    if type(value) is str and value.isascii():
        text = value.strip(_ASCII_SPACES)
        if _PLAIN.match(text):  # "560.00", "40": no separators, signs or units to remove
            return Decimal(text)
    if isinstance(value, bool):
        raise CellUnreadable(value)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise CellUnreadable(value)
        # 15 significant digits is what Excel shows; it drops binary noise (0.1 + 0.2).
        return Decimal(format(value, ".15g"))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise CellUnreadable(value)
        return value
    if isinstance(value, datetime.date):
        raise CellUnreadable(value)
    text = cell_text(value).replace(" ", "")
    if not text:
        return None
    text = text.lstrip("¥￥$").removesuffix("元")
    if _THOUSANDS.match(text):
        text = text.replace(",", "")
    if not _NUMBER.match(text):
        raise CellUnreadable(value)
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern only lets numbers through
        raise CellUnreadable(value) from None


_ISO_LIKE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_MONTH_DAY = re.compile(r"^(\d{1,2})\s*月\s*(\d{1,2})\s*日?$")
_TIME_TAIL = re.compile(r"[\sT]+\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")


def excel_serial_date(serial) -> datetime.date:
    number = cell_number(serial)
    if number is None or not (SERIAL_RANGE[0] <= number < SERIAL_RANGE[1] + 1):
        raise CellUnreadable(serial)
    return EXCEL_EPOCH + datetime.timedelta(days=int(number))


def cell_date(value, *, today: datetime.date) -> datetime.date | None:
    """A date from any form a Chinese office sheet uses; None for an empty cell."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, bool):
        raise CellUnreadable(value)
    if isinstance(value, int | float | Decimal):
        return excel_serial_date(value)
    text = cell_text(value)
    if not text:
        return None
    text = _TIME_TAIL.sub("", text)
    try:
        if match := _ISO_LIKE.match(text) or _COMPACT.match(text):
            year, month, day = (int(part) for part in match.groups())
            return datetime.date(year, month, day)
        if match := _MONTH_DAY.match(text):
            month, day = (int(part) for part in match.groups())
            return _month_day(month, day, today=today)
    except ValueError:  # 2026-02-30
        raise CellUnreadable(value) from None
    if _NUMBER.match(text):
        return excel_serial_date(text)
    raise CellUnreadable(value)


def _month_day(month: int, day: int, *, today: datetime.date) -> datetime.date:
    """12月1日: this year's, or last year's if this year's is still to come."""
    try:
        this_year = datetime.date(today.year, month, day)
    except ValueError:
        if (month, day) != (2, 29):
            raise
        this_year = None
    if this_year is not None and this_year <= today:
        return this_year
    return datetime.date(today.year - 1, month, day)


_HEADER_BRACKETS = re.compile(r"[(（\[【].*?[)）\]】]")
_HEADER_NOISE = re.compile(r"[\W_]+", re.UNICODE)


def header_key(value) -> str:
    """A header as compared: no spaces, punctuation or bracketed units, lower case."""
    text = cell_text(value)
    bare = _HEADER_BRACKETS.sub("", text)
    return _HEADER_NOISE.sub("", bare or text).lower()
