"""Property tests of the cell normaliser: digits, dates and spaces, in both widths."""

import datetime
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from sheets.cells import (
    EXCEL_EPOCH,
    CellUnreadable,
    cell_date,
    cell_number,
    cell_text,
    header_key,
)

# A shared machine can pause any example; the properties are about values, not speed.
unhurried = settings(deadline=None)

FULL = {str(d): chr(0xFF10 + d) for d in range(10)} | {",": "，", ".": "．", "-": "－"}
SPACES = st.text(alphabet=" \t\u3000\u00a0", max_size=4)
DAYS = st.dates(min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2099, 12, 31))


def full_width(text: str) -> str:
    return "".join(FULL.get(char, char) for char in text)


def widths(text: str):
    return st.sampled_from([text, full_width(text)])


@unhurried
@given(st.integers(min_value=-(10**12), max_value=10**12), st.booleans(), st.booleans(), SPACES)
def test_whole_numbers_in_any_width_with_or_without_separators(n, separated, wide, pad):
    text = f"{n:,}" if separated else str(n)
    text = full_width(text) if wide else text
    assert cell_number(pad + text + pad) == Decimal(n)


@unhurried
@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False), st.booleans())
def test_amounts_with_currency_signs_and_fen(amount, wide):
    text = f"¥{amount:,.2f}"
    assert cell_number(full_width(text) if wide else text) == amount


@unhurried
@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False).map(lambda f: round(f, 2)))
def test_numbers_stored_as_numbers_read_as_excel_shows_them(value):
    assert cell_number(value) == Decimal(format(value, ".15g"))
    assert cell_number(str(value)) == Decimal(str(value))


@unhurried
@given(st.text(alphabet="农户邓国强ABCxyz-_0123456789", min_size=1, max_size=12), SPACES, SPACES)
def test_leading_and_trailing_spaces_of_both_widths_are_dropped(core, left, right):
    assert cell_text(left + core + right) == core
    assert cell_text(left + full_width(core) + right) == core


@unhurried
@given(st.integers(min_value=10**10, max_value=10**14))
def test_text_stored_as_a_number_keeps_its_digits(n):
    assert cell_text(float(n)) == str(n)  # a phone typed into a number cell


@unhurried
@given(DAYS, st.data())
def test_every_local_date_form_in_either_width(day, data):
    forms = [
        day.isoformat(),
        f"{day.year}/{day.month}/{day.day}",
        f"{day.year}.{day.month:02d}.{day.day:02d}",
        f"{day.year}年{day.month}月{day.day}日",
        f"{day:%Y%m%d}",
        f"{day.isoformat()} 00:00:00",
    ]
    text = data.draw(st.sampled_from(forms).flatmap(widths))
    pad = data.draw(SPACES)
    assert cell_date(pad + text + pad, today=datetime.date(2026, 12, 2)) == day


@unhurried
@given(DAYS, st.booleans())
def test_excel_serials_as_numbers_or_text(day, as_text):
    serial = (day - EXCEL_EPOCH).days
    value = str(serial) if as_text else float(serial)
    assert cell_date(value, today=datetime.date(2026, 12, 2)) == day


@unhurried
@given(DAYS, DAYS, st.booleans())
def test_month_and_day_alone_mean_the_latest_such_day_not_after_today(day, today, wide):
    if (day.month, day.day) == (2, 29):
        return
    text = f"{day.month}月{day.day}日"
    found = cell_date(full_width(text) if wide else text, today=today)
    assert (found.month, found.day) == (day.month, day.day)
    assert found <= today
    assert found > today - datetime.timedelta(days=366)


@unhurried
@given(st.text(alphabet="abc甲乙", min_size=1, max_size=5))
def test_text_that_is_no_number_or_date_is_left_to_the_import(text):
    for read in (cell_number, lambda v: cell_date(v, today=datetime.date(2026, 12, 2))):
        try:
            read(text)
        except CellUnreadable:
            continue
        raise AssertionError(f"{text!r} was read")


@unhurried
@given(
    st.sampled_from(["数量", "商品编码", "收购金额"]),
    st.sampled_from(["", " ", "\u3000", "*", "＊"]),
    st.sampled_from(["", "（袋）", "(元)", "【必填】", "：", ":"]),
)
def test_headers_match_whatever_spaces_punctuation_or_unit_surround_them(name, before, after):
    assert header_key(before + name + after) == header_key(name) == name
