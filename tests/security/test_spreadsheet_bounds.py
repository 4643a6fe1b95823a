"""A tiny .xlsx that claims a huge sheet is refused before any cell is built, in bounded memory."""

import tracemalloc

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from farmers.services.lot_import import lot_sheet_check
from shop.services.quick_order import PurchaseListError, purchase_list_read
from tests.sheets.builders import dimension_bomb, inflating, rows_bomb, wide_bomb, xlsx

PEAK_LIMIT = 50 * 1024 * 1024


def _status_kb(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise LookupError(field)


def peak_while(read) -> tuple[int, object]:
    """Peak growth above the baseline while ``read`` runs, and what it returned.

    Both the Python heap (tracemalloc) and the resident set (the kernel's
    high-water mark, reset first) are measured, so memory taken by the cell
    reader's native code counts too; the larger growth is returned.
    """
    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")  # reset VmHWM to the current resident size
    rss_baseline = _status_kb("VmRSS") * 1024
    tracemalloc.start()
    tracemalloc.reset_peak()
    baseline, _ = tracemalloc.get_traced_memory()
    try:
        outcome = read()
    except Exception as exc:  # the refusal is the outcome
        outcome = exc
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_peak = _status_kb("VmHWM") * 1024 - rss_baseline
    return max(peak - baseline, rss_peak), outcome


def test_the_claimed_dimension_is_not_trusted_and_the_sheet_reads_in_under_50_mb(db):
    content = dimension_bomb(rows=2000)
    assert len(content) < 30_000
    peak, outcome = peak_while(lambda: purchase_list_read(name="bomb.xlsx", content=content))
    assert not isinstance(outcome, Exception), outcome
    assert len(outcome) == 2000
    assert peak < PEAK_LIMIT, f"peak {peak / 1e6:.0f} MB"


def test_the_lot_import_does_not_trust_the_claimed_dimension_either(ours):
    content = dimension_bomb(rows=1000, header=("产品编码", "农户", "数量", "交付日期", "溯源码"))
    peak, check = peak_while(
        lambda: lot_sheet_check(seller=ours.seller, file_name="bomb.xlsx", content=content)
    )
    assert check.errors and not check.ok  # its rows are wrong, and say so
    assert peak < PEAK_LIMIT, f"peak {peak / 1e6:.0f} MB"


def test_a_real_cell_in_the_last_column_is_refused_in_under_50_mb(db):
    content = wide_bomb()
    assert len(content) < 10_000
    peak, outcome = peak_while(lambda: purchase_list_read(name="bomb.xlsx", content=content))
    assert isinstance(outcome, PurchaseListError), outcome
    assert "64" in str(outcome) and "列" in str(outcome) and "columns" in str(outcome)
    assert peak < PEAK_LIMIT, f"peak {peak / 1e6:.0f} MB"


def test_a_cell_on_the_last_row_is_refused_in_under_50_mb(db):
    peak, outcome = peak_while(lambda: purchase_list_read(name="bomb.xlsx", content=rows_bomb()))
    assert isinstance(outcome, PurchaseListError), outcome
    assert "more than 2000 rows" in str(outcome) and "2000" in str(outcome)
    assert peak < PEAK_LIMIT, f"peak {peak / 1e6:.0f} MB"


def test_the_lot_import_refuses_the_bomb_naming_the_limit(ours):
    peak, check = peak_while(
        lambda: lot_sheet_check(seller=ours.seller, file_name="bomb.xlsx", content=rows_bomb())
    )
    message = check.errors[0].message
    assert "20,000 行上限" in message and "more than 20,000 rows, the limit" in message
    assert peak < PEAK_LIMIT, f"peak {peak / 1e6:.0f} MB"


def test_uncompressed_size_is_bounded(db, settings):
    settings.TAIBAO_IMPORT_MAX_UNCOMPRESSED_BYTES = 1_000_000
    content = inflating(3_000_000)
    assert len(content) < 50_000
    with pytest.raises(PurchaseListError) as refused:
        purchase_list_read(name="list.xlsx", content=content)
    assert "解压后超过 1 MB 上限" in str(refused.value)
    assert "over the 1 MB limit once uncompressed" in str(refused.value)


def test_entities_in_the_workbook_are_refused(db):
    from tests.sheets.builders import SHEET1, xlsx_rewritten

    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    )
    content = xlsx_rewritten(
        xlsx(("s", [["SKU", "数量"], ["A", 1]])),
        SHEET1,
        lambda data: laughs + data.split(b"?>", 1)[-1],
    )
    with pytest.raises(PurchaseListError, match="DTD"):
        purchase_list_read(name="list.xlsx", content=content)


def test_the_quick_order_page_refuses_the_bomb_without_logging_in(client, db):
    response = client.post(
        "/quick-order/",
        {"purchase_list": SimpleUploadedFile("bomb.xlsx", wide_bomb()), "action": "check"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "表格超过 64 列上限" in body and "more than 64 columns" in body
