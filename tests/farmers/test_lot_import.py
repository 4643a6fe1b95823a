import datetime
import io
from pathlib import Path

import openpyxl
import pytest
import time_machine
from oscar.core.loading import get_model

from farmers.models import Lot, LotImport, Seller
from farmers.services.lot_import import SheetRejected, lot_sheet_check, lot_sheet_import
from farmers.services.stock import stock_lot_mismatches

StockRecord = get_model("partner", "StockRecord")
DATA = Path(__file__).parent / "data"
HEADER_ZH = "产品编码,农户,所在村,数量,交付日期,收购金额(元),溯源码"
HEADER_EN = "SKU,household,units,date,farmgate price,trace code"


def stock(supply):
    return supply.refresh().num_in_stock


def csv_bytes(lines, encoding="utf-8"):
    return ("\n".join(lines) + "\n").encode(encoding)


def zh_row(supply, household=0, units="40", day="2026-11-20", amount="560.00", code="FL-1"):
    h = supply.households[household]
    return f"{supply.stock_record.partner_sku},{h.head_name},{h.village.name},{units},{day},{amount},{code}"


def messages(check):
    return [error.message for error in check.errors]


def test_the_cooperatives_gbk_sheet_imports_into_the_demo(demo_world):
    fengle = Seller.objects.get(partner__name="丰乐蔬菜种植农民专业合作社")
    before = dict(StockRecord.objects.values_list("partner_sku", "num_in_stock"))
    content = (DATA / "lots-fengle-gbk.csv").read_bytes()
    check = lot_sheet_check(seller=fengle, file_name="lots.csv", content=content)
    assert check.errors == [] and len(check.rows) == 6
    lot_sheet_import(seller=fengle, file_name="lots.csv", content=content)
    after = dict(StockRecord.objects.values_list("partner_sku", "num_in_stock"))
    assert after["TB-CG-JC-500"] - before["TB-CG-JC-500"] == 100
    assert after["TB-CG-LB-500"] - before["TB-CG-LB-500"] == 80
    assert after["TB-SG-500"] - before["TB-SG-500"] == 25
    assert after["TB-CG-GIFT-2000"] - before["TB-CG-GIFT-2000"] == 10
    lot = Lot.objects.get(trace_code="FL20261120-001")
    assert lot.household.head_name == "邓国强" and str(lot.farmgate_amount) == "560.00"
    assert stock_lot_mismatches() == []

    again = lot_sheet_check(seller=fengle, file_name="lots.csv", content=content)
    assert "imported before" in messages(again)[0]
    with pytest.raises(SheetRejected):
        lot_sheet_import(seller=fengle, file_name="lots-again.csv", content=content)
    assert dict(StockRecord.objects.values_list("partner_sku", "num_in_stock")) == after


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_in_every_encoding_spreadsheets_save(supply, encoding):
    content = csv_bytes([HEADER_ZH, zh_row(supply)], encoding)
    lot_sheet_import(seller=supply.seller, file_name="a.csv", content=content)
    assert stock(supply) == 40


def test_english_headers_with_unit_price_and_household_codes(supply):
    sku = supply.stock_record.partner_sku
    content = csv_bytes([HEADER_EN, f"{sku},{supply.households[1].code},7,2026/11/02,18.5,EN-1"])
    lot_sheet_import(seller=supply.seller, file_name="a.csv", content=content)
    lot = Lot.objects.get()
    assert (lot.units_received, str(lot.farmgate_amount), lot.received_on) == (
        7,
        "129.50",
        datetime.date(2026, 11, 2),
    )


def test_xlsx_sheet(supply):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["产品编码", "农户", "数量", "交付日期", "收购价", "溯源码"])
    sheet.append(
        [
            supply.stock_record.partner_sku,
            supply.households[0].code,
            12,
            datetime.datetime(2026, 11, 3),
            10,
            "X-1",
        ]
    )
    out = io.BytesIO()
    book.save(out)
    lot_sheet_import(seller=supply.seller, file_name="a.xlsx", content=out.getvalue())
    assert stock(supply) == 12


def assert_refused(supply, content, *expected, file_name="a.csv"):
    check = lot_sheet_check(seller=supply.seller, file_name=file_name, content=content)
    text = "\n".join(messages(check))
    for fragment in expected:
        assert fragment in text, text
    with pytest.raises(SheetRejected):
        lot_sheet_import(seller=supply.seller, file_name=file_name, content=content)
    assert stock(supply) == 0 and Lot.objects.count() == 0 and LotImport.objects.count() == 0
    return check


def test_bad_rows_are_each_named_by_row_and_column_in_both_languages(supply):
    sku = supply.stock_record.partner_sku
    h = supply.households[0].code
    future = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    content = csv_bytes(
        [
            HEADER_EN,
            f"{sku},{h},5,2026-11-01,10,OK-1",  # row 2 fine, but the sheet is all-or-nothing
            f"NO-SUCH-SKU,{h},5,2026-11-01,10,B-3",  # row 3
            f"{sku},陌生人,5,2026-11-01,10,B-4",  # row 4
            f"{sku},{h},-2,2026-11-01,10,B-5",  # row 5
            f"{sku},{h},1.5,2026-11-01,10,B-6",  # row 6
            f"{sku},{h},5,{future},10,B-7",  # row 7
            f"{sku},{h},5,2026-11-01,10,OK-1",  # row 8 duplicates row 2
            f"{sku},{h},abc,yesterday,=1+1,B-9",  # row 9
        ]
    )
    check = assert_refused(
        supply,
        content,
        "第3行「产品编码」",
        "Row 3, SKU: no product 'NO-SUCH-SKU'",
        "第4行「农户」",
        "Row 4, household: '陌生人' is not a member household",
        "第5行「数量」: 须大于零",
        "Row 5, units: must be above zero",
        "Row 6, units: cannot be fractional",
        "第7行「交付日期」: 不能晚于今天",
        "Row 7, date: cannot be in the future",
        "第8行「溯源码」: 与第2行重复",
        "Row 8, trace code: duplicates row 2",
        "Row 9, units",
        "Row 9, date",
        "Row 9, farmgate price: formulas are not accepted",
    )
    assert {e.row for e in check.errors} == {3, 4, 5, 6, 7, 8, 9}


def test_missing_column(supply):
    assert_refused(
        supply,
        csv_bytes(
            [
                "SKU,household,units,date,farmgate price",
                f"{supply.stock_record.partner_sku},x,1,2026-11-01,1",
            ]
        ),
        "缺少「溯源码」列",
        "the column 'trace code' is missing",
    )


def test_empty_file(supply):
    assert_refused(supply, b"", "文件是空的", "the file is empty")
    assert_refused(supply, csv_bytes([HEADER_EN]), "the sheet has no data rows")


def test_file_over_the_size_limit(supply, settings):
    settings.TAIBAO_IMPORT_MAX_BYTES = 1000
    assert_refused(
        supply,
        csv_bytes([HEADER_ZH] + [zh_row(supply, code=f"C{i}") for i in range(30)]),
        "the file is over the",
    )


def test_not_a_spreadsheet(supply):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    assert_refused(supply, png, "not a spreadsheet", file_name="photo.png")
    assert_refused(
        supply, b"PK\x03\x04not really a workbook", "cannot be opened", file_name="a.xlsx"
    )


def test_wrong_encoding(supply):
    assert_refused(supply, csv_bytes([HEADER_ZH, zh_row(supply)], "utf-16"), "UTF-16")
    # Big5 bytes read as GBK make nonsense headers: the sheet is refused, not guessed.
    assert_refused(supply, "產品編碼,農戶,數量\nA,B,1\n".encode("big5"), "missing")


def test_trace_code_already_on_record_is_refused_row_by_row(supply):
    lot_sheet_import(
        seller=supply.seller,
        file_name="one.csv",
        content=csv_bytes([HEADER_ZH, zh_row(supply, code="T-1")]),
    )
    content = csv_bytes([HEADER_ZH, zh_row(supply, code="T-2"), zh_row(supply, code="T-1")])
    check = lot_sheet_check(seller=supply.seller, file_name="two.csv", content=content)
    assert messages(check) == [
        "第3行「溯源码」: 溯源码 T-1 已登记过 / Row 3, trace code: trace code T-1 is already recorded"
    ]
    assert stock(supply) == 40


def test_a_known_trace_code_of_another_product_in_the_sheet_is_not_a_crash(supply, db):
    from decimal import Decimal

    from oscar.test.factories import ProductFactory

    other = StockRecord.objects.create(
        product=ProductFactory(stockrecords=None, categories=None, seller=supply.seller),
        partner=supply.seller.partner,
        partner_sku="SKU-B",
        price=Decimal("1"),
        price_currency="CNY",
        num_in_stock=0,
        num_allocated=0,
    )
    lot_sheet_import(
        seller=supply.seller,
        file_name="one.csv",
        content=csv_bytes([HEADER_ZH, zh_row(supply, code="T2")]),
    )
    h = supply.households[0]
    content = csv_bytes(
        [
            HEADER_ZH,
            zh_row(supply, code="T1"),
            f"{other.partner_sku},{h.head_name},{h.village.name},4,2026-11-20,8.00,T2",
        ]
    )
    check = lot_sheet_check(seller=supply.seller, file_name="two.csv", content=content)
    assert check.ok, messages(check)


@pytest.mark.parametrize(
    ("units", "amount", "column"),
    [
        ("Infinity", "10.00", "units"),
        ("1e9", "10.00", "units"),
        ("5", "NaN", "farmgate_amount"),
        ("5", "Infinity", "farmgate_amount"),
    ],
)
def test_numbers_that_are_not_numbers_are_refused_by_row(supply, units, amount, column):
    row = zh_row(supply, units=units, amount=amount)
    check = assert_refused(supply, csv_bytes([HEADER_ZH, row]))
    assert [(e.row, e.column) for e in check.errors] == [(2, column)]


def ledger_xlsx(supply, *, stated_total) -> bytes:
    """The cooperative's 收购台账 as kept: title, particulars, header on row 4, 合计, signatures."""
    from tests.sheets.builders import xlsx

    h = supply.households
    sku = supply.stock_record.partner_sku
    return xlsx(
        (
            "11月",
            [
                ["丰乐蔬菜种植农民专业合作社 收购台账"],
                ["收购点：上坪村", None, None, None, "单位：袋"],
                [],
                [
                    "序号",
                    "产品编码",
                    "农户",
                    "所在村",
                    "数量（袋）",
                    "交付日期",
                    "收购金额（元）",
                    "溯源码",
                ],
                [1, sku, h[0].head_name, h[0].village.name, 40, "2026年11月20日", "560.00", "L-1"],
                [2, sku, h[1].code, None, "６０", 46347, "840.00", "L-2"],
                [3, sku, h[2].code, None, 5, "11月22日", "70.00", "L-3"],
                ["合计", None, None, None, stated_total, None, "1470.00"],
                [],
                ["制表人：李红", None, None, "审核：陈国华", None, "日期：2026年11月30日"],
            ],
        ),
        merged=["A1:H1"],
    )


@time_machine.travel(datetime.datetime(2026, 12, 2, 9, 0, tzinfo=datetime.UTC))
def test_the_cooperatives_own_ledger_imports_as_it_is(supply):
    content = ledger_xlsx(supply, stated_total=105)
    check = lot_sheet_check(seller=supply.seller, file_name="台账.xlsx", content=content)
    assert check.errors == [] and len(check.rows) == 3
    assert (check.sheet_name, check.header_row, check.ignored) == ("11月", 4, ["序号"])
    assert [(r.row, r.units, r.received_on) for r in check.rows] == [
        (5, 40, datetime.date(2026, 11, 20)),
        (6, 60, datetime.date(2026, 11, 21)),
        (7, 5, datetime.date(2026, 11, 22)),
    ]
    lot_sheet_import(seller=supply.seller, file_name="台账.xlsx", content=content)
    assert stock(supply) == 105
    with pytest.raises(SheetRejected):  # the same file twice adds nothing
        lot_sheet_import(seller=supply.seller, file_name="台账.xlsx", content=content)
    assert stock(supply) == 105


@time_machine.travel(datetime.datetime(2026, 12, 2, 9, 0, tzinfo=datetime.UTC))
def test_a_total_that_does_not_add_up_refuses_the_sheet_naming_both_figures(supply):
    check = assert_refused(
        supply,
        ledger_xlsx(supply, stated_total=115),
        "第8行 合计「数量」: 表中为 115，逐行相加为 105 / "
        "Row 8, total of units: the sheet says 115, the rows add up to 105",
        file_name="台账.xlsx",
    )
    assert [(e.row, e.column) for e in check.errors] == [(8, "units")]
