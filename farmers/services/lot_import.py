"""Lots from a spreadsheet: the cooperative's 收购台账 as it keeps it, read by ``sheets``.

Title rows, a header anywhere in the first 10 non-empty rows, 合计 rows (checked
against the rows above), signatures after the last one, .xlsx/.xls/.csv in
UTF-8 or GBK, Chinese or English headers: see ``sheets.reader``.

``lot_sheet_check`` reads and validates every row and reports every problem
with its row number and column, in Chinese and English. ``lot_sheet_import``
does the same inside one transaction and writes all the lots or none; the
sheet's SHA-256 is recorded so the same file cannot add its stock twice, and
trace codes already on record are refused row by row.
"""

import datetime
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from oscar.core.loading import get_model

from farmers.errors import SupplyError
from farmers.models import Household, Lot, LotImport, Seller
from farmers.services.stock import farmgate_total
from sheets import Column, Formula, Limits, Sheet, SheetRefused, sheet_read
from texts.bilingual import bilingual

StockRecord = get_model("partner", "StockRecord")

FEN = Decimal("0.01")
BATCH = 1000

# column → (Chinese name, English name, accepted headers, lower-cased)
COLUMNS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "product": (
        "产品编码",
        "SKU",
        (
            "sku",
            "product",
            "product code",
            "产品编码",
            "商品编码",
            "编码",
            "货号",
            "商品",
            "产品",
            "商品名称",
            "产品名称",
        ),
    ),
    "household": (
        "农户",
        "household",
        (
            "household",
            "household code",
            "farmer",
            "农户",
            "农户编号",
            "户主",
            "户主姓名",
            "农户姓名",
        ),
    ),
    "village": ("所在村", "village", ("village", "所在村", "村", "村庄")),
    "units": ("数量", "units", ("units", "quantity", "qty", "数量", "件数")),
    "date": (
        "交付日期",
        "date",
        ("date", "delivery date", "received on", "交付日期", "日期", "交货日期", "收购日期"),
    ),
    "farmgate_amount": (
        "收购金额",
        "farmgate amount",
        ("farmgate amount", "amount", "收购金额", "收购金额(元)", "收购金额（元）", "金额"),
    ),
    "farmgate_price": (
        "收购价",
        "farmgate price",
        (
            "farmgate price",
            "farmgate unit price",
            "unit price",
            "收购价",
            "收购单价",
            "收购价(元)",
            "收购价（元）",
            "单价",
        ),
    ),
    "trace_code": ("溯源码", "trace code", ("trace code", "trace", "溯源码", "追溯码")),
    "certificate": (
        "证书编号",
        "certificate",
        ("certificate", "certificate number", "证书编号", "合格证编号"),
    ),
}
REQUIRED = ("product", "household", "units", "date", "trace_code")


KINDS = {"units": "number", "date": "date", "farmgate_amount": "number", "farmgate_price": "number"}
SHEET_COLUMNS = [
    Column(
        key=key,
        zh=zh,
        en=en,
        synonyms=accepted,
        kind=KINDS.get(key, "text"),
        required=key in REQUIRED,
    )
    for key, (zh, en, accepted) in COLUMNS.items()
]


def lot_sheet_limits() -> Limits:
    return Limits(
        max_rows=settings.TAIBAO_IMPORT_MAX_ROWS,
        max_columns=settings.TAIBAO_IMPORT_MAX_COLUMNS,
        max_bytes=settings.TAIBAO_IMPORT_MAX_BYTES,
        max_uncompressed=settings.TAIBAO_IMPORT_MAX_UNCOMPRESSED_BYTES,
    )


@dataclass(frozen=True)
class RowError:
    row: int  # as the spreadsheet numbers it; the header is row 1
    column: str
    zh: str
    en: str

    whole: bool = False  # zh/en already name the row and column (a totals row)

    @property
    def message(self) -> str:
        zh_col, en_col, _ = COLUMNS.get(self.column, (self.column, self.column, ()))
        if self.row and not self.whole:
            return bilingual(
                f"第{self.row}行「{zh_col}」: {self.zh}", f"Row {self.row}, {en_col}: {self.en}"
            )
        return bilingual(self.zh, self.en)


@dataclass(frozen=True)
class LotRow:
    row: int
    stock_record_id: int
    household_id: int
    units: int
    received_on: datetime.date
    farmgate_amount: Decimal
    trace_code: str
    certificate_number: str


@dataclass
class SheetCheck:
    file_name: str
    sha256: str
    rows: list[LotRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    sheet_name: str | None = None  # which sheet of the workbook was read
    header_row: int | None = None
    ignored: list[str] = field(default_factory=list)  # header texts of columns not read

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)

    def units_by_stock_record(self) -> dict[int, int]:
        totals: dict[int, int] = defaultdict(int)
        for row in self.rows:
            totals[row.stock_record_id] += row.units
        return dict(totals)


class SheetRejected(SupplyError):
    def __init__(self, check: SheetCheck):
        self.check = check
        first = check.errors[0] if check.errors else None
        super().__init__(
            f"表格有 {len(check.errors)} 处错误，未导入任何批次",
            f"The sheet has {len(check.errors)} errors; no lot was imported",
            field=first.column if first else None,
        )


# --- reading -------------------------------------------------------------------


def _read_sheet(content: bytes, file_name: str) -> Sheet:
    return sheet_read(
        content=content,
        file_name=file_name,
        columns=SHEET_COLUMNS,
        limits=lot_sheet_limits(),
        today=timezone.localdate(),
    )


# --- values --------------------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _units(value) -> int:
    text = _text(value)
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(("须为正整数", "must be a whole number above zero")) from None
    if not number.is_finite() or number > 1_000_000:
        raise ValueError(("须为一百万以内的正整数", "must be a whole number up to 1,000,000"))
    if number != number.to_integral_value():
        raise ValueError(("不能有小数", "cannot be fractional"))
    if number <= 0:
        raise ValueError(("须大于零", "must be above zero"))
    return int(number)


def _date(value) -> datetime.date:
    """The reader has turned every date form it knows into a date; anything else is refused."""
    if isinstance(value, datetime.datetime):
        day = value.date()
    elif isinstance(value, datetime.date):
        day = value
    else:
        raise ValueError(("日期格式应为 2026-11-20", "use a date like 2026-11-20"))
    if day > timezone.localdate():
        raise ValueError(("不能晚于今天", "cannot be in the future"))
    return day


def _money(value) -> Decimal | None:
    text = _text(value).replace(",", "").replace("¥", "").replace("￥", "")
    if not text:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError(("须为金额，如 560.00", "must be an amount such as 560.00")) from None
    if not amount.is_finite() or amount >= Decimal("1e10"):
        raise ValueError(("须为金额，如 560.00", "must be an amount such as 560.00"))
    if amount < 0:
        raise ValueError(("不能为负数", "cannot be negative"))
    return amount


# --- lookups -------------------------------------------------------------------


class _Lookups:
    """The seller's stock records and member households, loaded once per sheet."""

    def __init__(self, seller: Seller):
        self.by_sku: dict[str, int] = {}
        self.by_title: dict[str, list[int]] = defaultdict(list)
        for pk, sku, title in StockRecord.objects.filter(partner=seller.partner).values_list(
            "pk", "partner_sku", "product__title"
        ):
            self.by_sku[sku.lower()] = pk
            self.by_title[title.strip().lower()].append(pk)
        self.by_code: dict[str, int] = {}
        self.by_name: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for pk, code, name, village in Household.objects.filter(
            memberships__seller=seller
        ).values_list("pk", "code", "head_name", "village__name"):
            self.by_code[code.lower()] = pk
            self.by_name[name.strip()].append((pk, village))

    def stock_record(self, value: str) -> int:
        key = value.lower()
        if key in self.by_sku:
            return self.by_sku[key]
        matches = self.by_title.get(key, [])
        if len(matches) == 1:
            return matches[0]
        raise ValueError((f"本商家没有商品「{value}」", f"no product '{value}' of this seller"))

    def household(self, value: str, village: str) -> int:
        if value.lower() in self.by_code:
            return self.by_code[value.lower()]
        matches = self.by_name.get(value, [])
        if village:
            matches = [m for m in matches if m[1] == village]
        if len(matches) == 1:
            return matches[0][0]
        if len(matches) > 1:
            raise ValueError(
                (
                    f"有多户「{value}」，请填农户编号",
                    f"several households are called '{value}': use the household code",
                )
            )
        raise ValueError(
            (
                f"「{value}」不是本商家的成员农户",
                f"'{value}' is not a member household of this seller",
            )
        )


# --- the check -------------------------------------------------------------------


def lot_sheet_check(*, seller: Seller, file_name: str, content: bytes) -> SheetCheck:
    """Read and validate a lot sheet without changing anything."""
    check = SheetCheck(file_name=file_name, sha256=hashlib.sha256(content).hexdigest())
    limit = settings.TAIBAO_IMPORT_MAX_BYTES
    if not content:
        check.errors.append(RowError(0, "file", "文件是空的", "the file is empty"))
        return check
    if len(content) > limit:
        check.errors.append(
            RowError(
                0,
                "file",
                f"文件超过 {limit // 1_000_000} MB 上限",
                f"the file is over the {limit // 1_000_000} MB limit",
            )
        )
        return check
    try:
        sheet = _read_sheet(content, file_name)
    except SheetRefused as exc:
        check.errors.append(RowError(0, "file", exc.zh, exc.en))
        return check
    check.sheet_name, check.header_row, check.ignored = (
        sheet.sheet_name,
        sheet.header_row,
        sheet.ignored,
    )
    if not sheet.rows:
        check.errors.append(RowError(0, "file", "表格中没有数据行", "the sheet has no data rows"))
        return check
    if "farmgate_amount" not in sheet.headers and "farmgate_price" not in sheet.headers:
        check.errors.append(
            RowError(
                sheet.header_row or 0,
                "farmgate_amount",
                "缺少「收购金额」或「收购价」列",
                "a 'farmgate amount' or 'farmgate price' column is needed",
            )
        )
        return check
    if LotImport.objects.filter(seller=seller, sha256=check.sha256).exists():
        check.errors.append(
            RowError(
                0,
                "file",
                "这个文件已经导入过，库存不会重复增加",
                "this file was imported before; stock is not added twice",
            )
        )
        return check
    check.errors.extend(
        RowError(error.row, error.column, error.zh, error.en, whole=True) for error in sheet.errors
    )

    lookups = _Lookups(seller)
    seen: dict[tuple[int, str], int] = {}
    for row in sheet.rows:
        check_row(check, lookups, row.number, row.cells, seen)
    _refuse_known_trace_codes(check)
    return check


def check_row(check: SheetCheck, lookups: _Lookups, number: int, cells: dict, seen) -> None:
    values: dict = {}
    errors: list[RowError] = []

    def parse(key, convert):
        cell = cells.get(key)
        if isinstance(cell, Formula):
            errors.append(
                RowError(
                    number,
                    key,
                    "不接受公式，请填写数值",
                    "formulas are not accepted: enter the value",
                )
            )
            return
        if key in REQUIRED and not _text(cell):
            errors.append(RowError(number, key, "不能为空", "is required"))
            return
        try:
            values[key] = convert(cell)
        except ValueError as exc:
            zh, en = exc.args[0]
            errors.append(RowError(number, key, zh, en))

    parse("product", lambda v: lookups.stock_record(_text(v)))
    parse("household", lambda v: lookups.household(_text(v), _text(cells.get("village"))))
    parse("units", _units)
    parse("date", _date)
    parse("farmgate_amount", _money)
    parse("farmgate_price", _money)
    parse("trace_code", _text)
    parse("certificate", _text)
    if not errors:
        try:
            values["amount"] = farmgate_total(
                units=values["units"],
                farmgate_amount=values.get("farmgate_amount"),
                farmgate_unit_price=values.get("farmgate_price"),
            )
        except SupplyError as exc:
            errors.append(RowError(number, "farmgate_amount", exc.zh, exc.en))
    if not errors:
        key = (values["product"], values["trace_code"])
        if key in seen:
            errors.append(
                RowError(
                    number, "trace_code", f"与第{seen[key]}行重复", f"duplicates row {seen[key]}"
                )
            )
        else:
            seen[key] = number
    if errors:
        check.errors.extend(errors)
        return
    check.rows.append(
        LotRow(
            row=number,
            stock_record_id=values["product"],
            household_id=values["household"],
            units=values["units"],
            received_on=values["date"],
            farmgate_amount=values["amount"],
            trace_code=values["trace_code"],
            certificate_number=values.get("certificate") or "",
        )
    )


def _refuse_known_trace_codes(check: SheetCheck) -> None:
    by_code = {(row.stock_record_id, row.trace_code): row for row in check.rows}
    codes = sorted({code for _, code in by_code})
    known = set()
    for start in range(0, len(codes), BATCH):
        known.update(
            Lot.objects.filter(
                stock_record_id__in={sr for sr, _ in by_code},
                trace_code__in=codes[start : start + BATCH],
            ).values_list("stock_record_id", "trace_code")
        )
    known &= set(by_code)  # the query crossed every stock record with every code
    for key in sorted(known, key=lambda k: by_code[k].row):
        row = by_code[key]
        check.errors.append(
            RowError(
                row.row,
                "trace_code",
                f"溯源码 {row.trace_code} 已登记过",
                f"trace code {row.trace_code} is already recorded",
            )
        )
    if known:
        check.rows = [
            row for row in check.rows if (row.stock_record_id, row.trace_code) not in known
        ]
    check.errors.sort(
        key=lambda e: (e.row, list(COLUMNS).index(e.column) if e.column in COLUMNS else 0)
    )


# --- the import ------------------------------------------------------------------


@transaction.atomic
def lot_sheet_import(
    *, seller: Seller, file_name: str, content: bytes, imported_by=None
) -> LotImport:
    """All rows or nothing: lots written, each stock record raised once by its total."""
    stock_ids = sorted(
        StockRecord.objects.filter(partner=seller.partner).values_list("pk", flat=True)
    )
    # Lock the seller's stock records in primary-key order before checking.
    list(
        StockRecord.objects.select_for_update(of=("self",)).filter(pk__in=stock_ids).order_by("pk")
    )
    check = lot_sheet_check(seller=seller, file_name=file_name, content=content)
    if not check.ok:
        raise SheetRejected(check)
    batch = LotImport.objects.create(
        seller=seller,
        file_name=file_name[:255],
        sha256=check.sha256,
        rows=len(check.rows),
        imported_by=imported_by,
    )
    Lot.objects.bulk_create(
        (
            Lot(
                stock_record_id=row.stock_record_id,
                household_id=row.household_id,
                received_on=row.received_on,
                units_received=row.units,
                units_remaining=row.units,
                farmgate_amount=row.farmgate_amount,
                trace_code=row.trace_code,
                certificate_number=row.certificate_number,
                source=batch,
                recorded_by=imported_by,
            )
            for row in check.rows
        ),
        batch_size=BATCH,
    )
    now = timezone.now()
    for stock_record_id, units in sorted(check.units_by_stock_record().items()):
        StockRecord.objects.filter(pk=stock_record_id).update(
            num_in_stock=F("num_in_stock") + units, date_updated=now
        )
    return batch
