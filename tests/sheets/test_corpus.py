"""Sheets shaped like the ones cooperatives, the town shop and purchasing offices keep.

Each case is one file (built here, or a small file in ``corpus/``) and what the
reader must make of it: the sheet read, the header row, the rows kept, the
columns ignored, the totals errors, or the refusal.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest

from farmers.services.lot_import import SHEET_COLUMNS as LOT_COLUMNS
from sheets import Formula, Limits, SheetRefused, sheet_read
from shop.services.quick_order import SHEET_COLUMNS as ORDER_COLUMNS
from tests.sheets.builders import dimension_bomb, wide_bomb, xlsx

CORPUS = Path(__file__).parent / "corpus"
SAMPLES = Path(__file__).parents[1] / "farmers" / "data"
TODAY = datetime.date(2026, 12, 2)
LIMITS = Limits(max_rows=2000)
LOT_HEADER = ["序号", "产品编码", "农户", "所在村", "数量", "交付日期", "收购金额（元）", "溯源码"]


def lot(n, units=10, day="2026-11-20", amount="100.00"):
    return [n, "TB-CG-JC-500", "邓国强", "上坪村", units, day, amount, f"FL-{n}"]


@dataclass
class Case:
    name: str
    file_name: str
    content: bytes
    columns: list = field(default_factory=lambda: LOT_COLUMNS)
    sheet_name: str | None = None
    header_row: int | None = 1
    rows: list[int] | None = None  # the Excel numbers of the rows kept
    ignored: list[str] | None = None
    errors: list[str] = field(default_factory=list)
    refused: str | None = None
    cells: dict[tuple[int, str], object] = field(default_factory=dict)  # (row, key) → value
    fallback: tuple[str, ...] | None = None  # quick order reads a list without a header too


def csv_text(lines, encoding="utf-8") -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


SIX = [lot(i, units=u) for i, u in enumerate([10, 20, 15, 25, 5, 30], start=1)]  # 105 units

CASES = [
    Case(
        "title row and merged cells above the header",
        "台账.xlsx",
        xlsx(
            ("收购台账", [["丰乐蔬菜种植农民专业合作社 2026年11月收购台账"], [], LOT_HEADER, *SIX]),
            merged=["A1:H1"],
        ),
        sheet_name="收购台账",
        header_row=3,
        rows=[4, 5, 6, 7, 8, 9],
        ignored=["序号"],
    ),
    Case(
        "header on row 4 under a title and two lines of particulars",
        "台账.xlsx",
        xlsx(
            (
                "Sheet1",
                [
                    ["太保镇消费帮扶馆收购登记表"],
                    ["收购单位：太保镇消费帮扶馆", None, None, "登记人：李红"],
                    ["日期：2026年11月"],
                    LOT_HEADER,
                    lot(1),
                ],
            )
        ),
        sheet_name="Sheet1",
        header_row=4,
        rows=[5],
    ),
    Case(
        "合计 that adds up, then signatures",
        "台账.xlsx",
        xlsx(
            (
                "台账",
                [
                    ["收购台账"],
                    LOT_HEADER,
                    *SIX,
                    ["合计", None, None, None, 105, None, "600.00"],
                    [],
                    ["制表人：李红", None, None, "审核：陈国华"],
                    ["说明：本表一式两份"],
                ],
            )
        ),
        sheet_name="台账",
        header_row=2,
        rows=[3, 4, 5, 6, 7, 8],
    ),
    Case(
        "合计 that does not add up is an error naming row, column and both figures",
        "台账.xlsx",
        xlsx(("台账", [["收购台账"], LOT_HEADER, *SIX, ["合计", None, None, None, 115]])),
        sheet_name="台账",
        header_row=2,
        rows=[3, 4, 5, 6, 7, 8],
        errors=[
            "第9行 合计「数量」: 表中为 115，逐行相加为 105 / "
            "Row 9, total of units: the sheet says 115, the rows add up to 105"
        ],
    ),
    Case(
        "小计 per village and a 总计, each checked against its own rows",
        "台账.xlsx",
        xlsx(
            (
                "台账",
                [
                    LOT_HEADER,
                    lot(1, units=10),
                    lot(2, units=20),
                    ["小计", None, None, None, 30],
                    lot(3, units=5),
                    ["小计", None, None, None, 6],
                    ["总 计", None, None, None, 35],
                ],
            )
        ),
        sheet_name="台账",
        rows=[2, 3, 5],
        errors=[
            "第6行 小计「数量」: 表中为 6，逐行相加为 5 / "
            "Row 6, total of units: the sheet says 6, the rows add up to 5"
        ],
    ),
    Case(
        "footer lines without any totals row are not data",
        "lots.csv",
        csv_text([",".join(LOT_HEADER), ",".join(map(str, lot(1))), "制表人：李红,,,审核：陈国华"]),
        rows=[2],
    ),
    Case(
        "the cooperative's GBK sheet",
        "lots-fengle-gbk.csv",
        (SAMPLES / "lots-fengle-gbk.csv").read_bytes(),
        rows=[2, 3, 4, 5, 6, 7],
        ignored=[],
        cells={(2, "farmgate_amount"): Decimal("560.00"), (2, "date"): datetime.date(2026, 11, 20)},
    ),
    Case(
        "UTF-8 with a byte-order mark",
        "lots.csv",
        "\ufeff".encode() + csv_text([",".join(LOT_HEADER), ",".join(map(str, lot(1)))]),
        rows=[2],
        cells={(2, "product"): "TB-CG-JC-500"},
    ),
    Case(
        "tab-separated with a title line, saved as GBK",
        "lots.txt",
        csv_text(["收购台账", "\t".join(LOT_HEADER), "\t".join(map(str, lot(1)))], "gbk"),
        header_row=2,
        rows=[3],
        cells={(3, "units"): Decimal(10)},
    ),
    Case(
        "Excel date serials, as numbers and as text",
        "lots.csv",
        csv_text(
            [
                ",".join(LOT_HEADER),
                ",".join(map(str, lot(1, day="46346"))),
                ",".join(map(str, lot(2, day="46357.0"))),
            ]
        ),
        rows=[2, 3],
        cells={(2, "date"): datetime.date(2026, 11, 20), (3, "date"): datetime.date(2026, 12, 1)},
    ),
    Case(
        "dates written the Chinese way, with and without the year",
        "台账.xlsx",
        xlsx(
            (
                "台账",
                [
                    LOT_HEADER,
                    lot(1, day="2026年12月1日"),
                    lot(2, day="12月1日"),
                    lot(3, day="12月3日"),
                    lot(4, day="2026.11.05"),
                    lot(5, day="2026/11/5"),
                ],
            )
        ),
        sheet_name="台账",
        rows=[2, 3, 4, 5, 6],
        cells={
            (2, "date"): datetime.date(2026, 12, 1),
            (3, "date"): datetime.date(2026, 12, 1),
            (4, "date"): datetime.date(2025, 12, 3),  # this year's is still to come
            (5, "date"): datetime.date(2026, 11, 5),
            (6, "date"): datetime.date(2026, 11, 5),
        },
    ),
    Case(
        "a cover page first, the list on the second sheet",
        "清单.xlsx",
        xlsx(
            ("封面", [["国光电器股份有限公司"], ["2026年元旦福利采购"], ["采购部 编制"]]),
            ("明细", [["序号", "商品编码", "商品名称", "数量"], [1, "TB-MT-5000", "马蹄", 20]]),
        ),
        columns=ORDER_COLUMNS,
        sheet_name="明细",
        rows=[2],
        ignored=["序号", "商品名称"],
    ),
    Case(
        "a cover page first, the list on the second sheet, read the way quick order reads",
        "清单.xlsx",
        xlsx(
            ("封面", [["国光电器股份有限公司"], ["2026年元旦福利采购"], ["采购部 编制"]]),
            ("明细", [["商品编码", "数量", "收货部门"], ["TB-MT-5000", 20, "工会"]]),
        ),
        columns=ORDER_COLUMNS,
        fallback=("sku", "quantity"),
        sheet_name="明细",
        rows=[2],
        cells={(2, "group"): "工会"},
    ),
    Case(
        "a bare list without a header: SKU then quantity",
        "清单.csv",
        csv_text(["TB-MT-5000,20", "TB-SJ-2500,10"]),
        columns=ORDER_COLUMNS,
        fallback=("sku", "quantity"),
        header_row=None,
        rows=[1, 2],
        cells={(1, "sku"): "TB-MT-5000", (2, "quantity"): Decimal(10)},
    ),
    Case(
        "a hidden sheet is not read",
        "清单.xlsx",
        xlsx(
            ("旧版", [["商品编码", "数量"], ["TB-OLD", 1]]),
            ("清单", [["商品编码", "数量"], ["TB-MT-5000", 20]]),
            hidden_sheets=["旧版"],
        ),
        columns=ORDER_COLUMNS,
        sheet_name="清单",
        rows=[2],
        cells={(2, "sku"): "TB-MT-5000"},
    ),
    Case(
        "hidden columns are read like the others; an ID column is ignored and never kept",
        "台账.xlsx",
        xlsx(
            ("台账", [[*LOT_HEADER, "身份证号"], [*lot(1), "440101199001011234"]]),
            hidden_columns=["B", "I"],
        ),
        sheet_name="台账",
        rows=[2],
        ignored=["序号", "身份证号"],
        cells={(2, "product"): "TB-CG-JC-500"},
    ),
    Case(
        "formula cells are marked to be refused, and a formula total is not checked",
        "清单.xlsx",
        xlsx(
            (
                "清单",
                [
                    ["商品编码", "数量"],
                    ["TB-MT-5000", "=4*5"],
                    ["TB-SJ-2500", 10],
                    ["合计", "=SUM(B2:B3)"],
                ],
            )
        ),
        columns=ORDER_COLUMNS,
        sheet_name="清单",
        rows=[2, 3],
        cells={(2, "quantity"): Formula(), (3, "quantity"): Decimal(10)},
    ),
    Case(
        "full-width digits, thousands separators, U+3000 and punctuated headers",
        "清单.csv",
        csv_text(
            ["＊商品编码,数量（箱）", '\u3000TB-MT-5000\u3000,"１，２００"', "TB-SJ-2500,1,500.00"]
        ),
        columns=ORDER_COLUMNS,
        rows=[2, 3],
        cells={(2, "sku"): "TB-MT-5000", (2, "quantity"): Decimal(1200)},
    ),
    Case(
        "a purchase list with a title row and a department column",
        "清单.xlsx",
        xlsx(
            (
                "采购清单",
                [
                    ["国光电器 2026年元旦福利采购清单"],
                    ["序号", "商品编码", "商品名称", "数量", "收货部门"],
                    [1, "TB-MT-5000", "马蹄 5千克箱装", 20, "行政部"],
                    [2, "TB-SJ-2500", "生姜 2.5千克箱装", 10, "工会"],
                ],
            ),
            merged=["A1:E1"],
        ),
        columns=ORDER_COLUMNS,
        sheet_name="采购清单",
        header_row=2,
        rows=[3, 4],
        ignored=["序号", "商品名称"],
        cells={(3, "group"): "行政部", (4, "group"): "工会"},
    ),
    Case(
        "an .xls with a title, a department column, 合计 and a signature",
        "purchase-list-title.xls",
        (CORPUS / "purchase-list-title.xls").read_bytes(),
        columns=ORDER_COLUMNS,
        sheet_name="采购清单",
        header_row=2,
        rows=[3, 4, 5],
        ignored=["序号"],
        cells={(3, "quantity"): Decimal(20), (4, "group"): "工会"},
    ),
    Case(
        "an .xls formula is found in the file's records and marked",
        "formula.xls",
        (CORPUS / "formula.xls").read_bytes(),
        columns=ORDER_COLUMNS,
        sheet_name="Sheet1",
        rows=[2],
        cells={(2, "quantity"): Formula()},
    ),
    Case(
        "the enterprise's purchase list as it was sent",
        "purchase-list-guoguang.xlsx",
        (CORPUS / "purchase-list-guoguang.xlsx").read_bytes(),  # a copy of samples/
        columns=ORDER_COLUMNS,
        sheet_name="采购清单",
        rows=[2, 3, 4, 5, 6, 7],
        ignored=["商品名称", "备注"],
    ),
    Case(
        "a sheet that claims A1:XFD1048576 is read by its real cells",
        "bomb.xlsx",
        dimension_bomb(rows=50),
        columns=ORDER_COLUMNS,
        sheet_name="采购清单",
        rows=list(range(2, 52)),
    ),
    Case(
        "a real cell in column XFD is refused, naming the limit",
        "bomb.xlsx",
        wide_bomb(),
        columns=ORDER_COLUMNS,
        refused="表格超过 64 列上限 / the sheet has more than 64 columns, the limit",
    ),
    Case(
        "no header in the first 10 non-empty rows",
        "notes.csv",
        csv_text([f"第{i}条说明" for i in range(12)] + ["商品编码,数量", "A,1"]),
        columns=ORDER_COLUMNS,
        refused="前 10 行中没有表头",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_the_reader_makes_of_each_file_what_its_keeper_meant(case):
    assert len(CASES) >= 15
    if case.refused:
        with pytest.raises(SheetRefused) as refused:
            sheet_read(
                content=case.content,
                file_name=case.file_name,
                columns=case.columns,
                limits=LIMITS,
                today=TODAY,
                fallback=case.fallback,
            )
        assert case.refused in refused.value.message
        return
    sheet = sheet_read(
        content=case.content,
        file_name=case.file_name,
        columns=case.columns,
        limits=LIMITS,
        today=TODAY,
        fallback=case.fallback,
    )
    assert sheet.sheet_name == case.sheet_name
    assert sheet.header_row == case.header_row
    if case.rows is not None:
        assert [row.number for row in sheet.rows] == case.rows
    if case.ignored is not None:
        assert sheet.ignored == case.ignored
    assert [error.message for error in sheet.errors] == case.errors
    by_number = {row.number: row for row in sheet.rows}
    for (number, key), expected in case.cells.items():
        value = by_number[number].cells[key]
        assert value == expected and type(value) is type(expected), (number, key, value)
    kept = {value for row in sheet.rows for value in row.cells.values()}
    assert "440101199001011234" not in kept  # an ignored column's values are never kept
