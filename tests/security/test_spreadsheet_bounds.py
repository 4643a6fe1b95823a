"""A tiny .xlsx that claims a huge sheet is refused before any cell is built, in bounded memory."""

import tracemalloc

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from farmers.services.lot_import import lot_sheet_check
from shop.services.quick_order import PurchaseListError, purchase_list_read
from tests.sheets.builders import dimension_bomb, inflating, rows_bomb, xlsx

PEAK_LIMIT = 50 * 1024 * 1024


def peak_while(read) -> tuple[int, object]:
    """Python heap growth at its peak (tracemalloc) while ``read`` runs, and what it returned."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    baseline, _ = tracemalloc.get_traced_memory()
    try:
        outcome = read()
    except Exception as exc:  # the refusal is the outcome
        outcome = exc
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak - baseline, outcome


def test_the_dimension_bomb_is_refused_in_under_50_mb(db):
    content = dimension_bomb()
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
        {"purchase_list": SimpleUploadedFile("bomb.xlsx", dimension_bomb()), "action": "check"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "表格超过 64 列上限" in body and "more than 64 columns" in body
