"""The spreadsheet reader: a 10,000-row, 12-column .xlsx and the same as a GBK .csv.

Both are read by ``sheets.sheet_read`` as an import reads them: bounds scanned
first, header found under a title row, every cell of the 12 declared columns
normalised (numbers, dates, text), a 合计 row checked. Goal: each under 2 s
and 60 MB above the process's baseline.

Three runs of each; the medians are reported. Memory is the resident set's
high-water mark above the resident size just before the read (the kernel's
counter, reset before each run), so the native cell reader counts too.

Run: ``python bench/sheets.py``. Last line: JSON with ``rows``,
``seconds_xlsx``, ``seconds_csv``, ``peak_mb`` (the larger of the two).
"""

import csv
import datetime
import io
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sheets import Column, Limits, sheet_read

ROWS = 10_000
RUNS = 3
HEADER = [
    "序号",
    "产品编码",
    "农户编号",
    "户主姓名",
    "所在村",
    "数量（袋）",
    "交付日期",
    "收购单价",
    "收购金额（元）",
    "溯源码",
    "证书编号",
    "备注",
]
COLUMNS = [
    Column("n", "序号", "no.", (), kind="number"),
    Column("product", "产品编码", "SKU", (), required=True),
    Column("household", "农户编号", "household", (), required=True),
    Column("head", "户主姓名", "head", ()),
    Column("village", "所在村", "village", ()),
    Column("units", "数量", "units", (), kind="number", required=True),
    Column("date", "交付日期", "date", (), kind="date", required=True),
    Column("price", "收购单价", "price", (), kind="number"),
    Column("amount", "收购金额", "amount", (), kind="number"),
    Column("trace", "溯源码", "trace code", (), required=True),
    Column("certificate", "证书编号", "certificate", ()),
    Column("note", "备注", "note", ()),
]


def rows():
    day = datetime.date(2026, 11, 1)
    for i in range(ROWS):
        units = 10 + i % 50
        yield [
            i + 1,
            f"TB-CG-JC-{500 + i % 20}",
            f"TB-SP-{i % 200:03d}",
            "邓国强",
            "上坪村",
            units,
            day + datetime.timedelta(days=i % 28),
            "14.00",
            f"{units * 14:.2f}",
            f"FL2026-{i:06d}",
            f"ZS-{i % 97}",
            "" if i % 3 else "晒干",
        ]


def total_units() -> int:
    return sum(10 + i % 50 for i in range(ROWS))


def build_xlsx() -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("收购台账")
    sheet.append(["丰乐蔬菜种植农民专业合作社 2026年11月收购台账"])
    sheet.append(HEADER)
    for row in rows():
        sheet.append(row)
    sheet.append(["合计", None, None, None, None, total_units()])
    sheet.append(["制表人：李红"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def build_csv() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["丰乐蔬菜种植农民专业合作社 2026年11月收购台账"])
    writer.writerow(HEADER)
    for row in rows():
        writer.writerow(
            [value.isoformat() if hasattr(value, "isoformat") else value for value in row]
        )
    writer.writerow(["合计", "", "", "", "", total_units()])
    return out.getvalue().encode("gb18030")


def _status_kb(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise LookupError(field)


def timed(content: bytes, name: str) -> tuple[float, float]:
    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")
    baseline = _status_kb("VmRSS")
    start = time.perf_counter()
    sheet = sheet_read(
        content=content,
        file_name=name,
        columns=COLUMNS,
        limits=Limits(max_rows=20_000, max_bytes=20_000_000),
        today=datetime.date(2026, 12, 2),
    )
    seconds = time.perf_counter() - start
    peak_mb = (_status_kb("VmHWM") - baseline) / 1024
    assert len(sheet.rows) == ROWS and not sheet.errors, (len(sheet.rows), sheet.errors[:3])
    return seconds, peak_mb


def main() -> None:
    xlsx, gbk = build_xlsx(), build_csv()
    results = {"xlsx": [], "csv": []}
    for _ in range(RUNS):
        results["xlsx"].append(timed(xlsx, "台账.xlsx"))
        results["csv"].append(timed(gbk, "台账.csv"))
    for kind, runs in results.items():
        print(
            f"{kind}: {len(xlsx if kind == 'xlsx' else gbk) / 1e6:.1f} MB file, "
            + ", ".join(f"{s:.2f} s / {m:.0f} MB" for s, m in runs),
            file=sys.stderr,
        )
    print(
        json.dumps(
            {
                "rows": ROWS,
                "columns": len(HEADER),
                "seconds_xlsx": round(statistics.median(s for s, _ in results["xlsx"]), 3),
                "seconds_csv": round(statistics.median(s for s, _ in results["csv"]), 3),
                "peak_mb": round(max(m for runs in results.values() for _, m in runs), 1),
            }
        )
    )


if __name__ == "__main__":
    main()
