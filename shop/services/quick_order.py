"""Quick order: a pasted list or a purchase-list file (.xlsx / .csv) checked row by row.

Rules (the page says the same):

* Files are read by the shared reader (``sheets``): the header is found among
  the first 10 non-empty rows (title rows above it are skipped), Chinese or
  English (商品编码 / SKU, 数量 / quantity); totals rows are checked and
  signatures after them ignored. A sheet without a recognised header is read
  as SKU in the first column and quantity in the second. Pasted lines are
  "SKU quantity" (tabs, commas or spaces between; the quantity is the last
  item on the line).
* An optional delivery-group column (收货部门 / 收货人 / 部门 / department)
  is kept per row, shown on the preview and stored on the basket line as the
  Oscar option ``delivery_group`` (a line attribute, copied onto the order
  line at checkout).
* Row numbers are the sheet's own as Excel shows them, or the pasted line's.
* A SKU listed twice for the same delivery group is **merged**: the
  quantities are added and the merged quantity is checked; the later row
  says which row it was merged into.
* Cells are never evaluated: a cell starting with ``=`` (a formula) is
  **refused** for that row, in .xlsx and .csv alike.
* Files: at most ``TAIBAO_QUICK_ORDER_MAX_BYTES`` and
  ``TAIBAO_QUICK_ORDER_MAX_ROWS`` rows, .xlsx, .xls or .csv (UTF-8 or GBK).

Nothing here touches the basket except ``quick_order_add``, which adds the
rows the buyer chose — all of them or, if any is no longer valid, none.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from outbox.errors import PermanentError
from sheets import Column, Limits, Sheet, SheetRefused, sheet_read
from shop.pricing import Message

StockRecord = get_model("partner", "StockRecord")
BasketLine = get_model("basket", "Line")
LineAttribute = get_model("basket", "LineAttribute")
Option = get_model("catalogue", "Option")

DELIVERY_GROUP_OPTION = "delivery_group"

SKU_HEADERS = {
    "商品编码",
    "编码",
    "商品编号",
    "货号",
    "sku",
    "商品sku",
    "productcode",
    "code",
    "skucode",
}
QUANTITY_HEADERS = {"数量", "采购数量", "订购数量", "quantity", "qty", "数目", "件数"}
GROUP_HEADERS = ("收货部门", "收货人", "部门", "收货单位", "department", "recipient", "deliver to")
SPLIT = re.compile(r"[\t,，;；\s\u3000]+")
SHEET_COLUMNS = [
    Column("sku", "商品编码", "SKU", tuple(SKU_HEADERS), required=True),
    Column("quantity", "数量", "quantity", tuple(QUANTITY_HEADERS), kind="number", required=True),
    Column("group", "收货部门", "delivery group", GROUP_HEADERS),
]

FIELD_SKU = _("SKU")
FIELD_QUANTITY = _("quantity")
FIELD_FILE = _("file")


class Bilingual:
    """A message given in both languages; str() gives the active language's."""

    def __init__(self, zh: str, en: str):
        self.zh, self.en = zh, en

    def __str__(self) -> str:
        return self.zh if (translation.get_language() or "").startswith("zh") else self.en


@dataclass(frozen=True)
class RowError:
    row: int | None  # None: about the whole file
    field: str  # "sku", "quantity" or "file"
    message: object  # lazy translation, already formatted

    def __str__(self) -> str:
        fields = {"sku": FIELD_SKU, "quantity": FIELD_QUANTITY, "file": FIELD_FILE}
        label = fields[self.field]
        if self.row is None:
            with translation.override("zh-hans"):
                chinese = f"{label}: {self.message}"
            with translation.override("en"):
                english = f"{str(label).capitalize()}: {self.message}"
            return f"{chinese} / {english}"
        with translation.override("zh-hans"):
            chinese = f"第{self.row}行 {label}: {self.message}"
        with translation.override("en"):
            english = f"Row {self.row}, {label}: {self.message}"
        return f"{chinese} / {english}"


class PurchaseListError(PermanentError):
    """The file itself cannot be read; nothing was checked."""

    def __init__(self, message):
        self.error = RowError(row=None, field="file", message=message)
        super().__init__(str(self.error))


@dataclass
class RawRow:
    row: int
    sku: str
    quantity: object  # str, int, Decimal or float as read
    group: str = ""  # the delivery group (收货部门), if the list has one


@dataclass
class PurchaseList:
    """The rows of an uploaded list and what the reader says about the sheet."""

    rows: list[RawRow]
    sheet_name: str | None = None
    header_row: int | None = None
    ignored: list[str] = field(default_factory=list)
    has_groups: bool = False


@dataclass
class CheckedRow:
    row: int
    sku: str
    quantity: int | None
    group: str = ""
    stockrecord: object = None
    product: object = None
    unit_price: Decimal | None = None
    line_total: Decimal | None = None
    from_paired_village: bool = False
    merged_rows: list[int] = field(default_factory=list)
    merged_into: int | None = None
    errors: list[RowError] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors and self.merged_into is None

    @property
    def error_messages(self) -> list[str]:
        return [str(error) for error in self.errors]


@dataclass
class QuickOrderCheck:
    rows: list[CheckedRow]

    @property
    def valid_rows(self) -> list[CheckedRow]:
        return [row for row in self.rows if row.is_valid]

    @property
    def errors(self) -> list[RowError]:
        return [error for row in self.rows for error in row.errors]

    @property
    def total(self) -> Decimal:
        return sum((row.line_total for row in self.valid_rows), Decimal("0.00"))


# -- reading ---------------------------------------------------------------------------------


def _normalise_header(value) -> str:
    return re.sub(r"[\s_\-()（）*]", "", str(value or "")).lower()


def _columns(header: list) -> tuple[int, int] | None:
    names = [_normalise_header(cell) for cell in header]
    sku = next((i for i, name in enumerate(names) if name in SKU_HEADERS), None)
    quantity = next((i for i, name in enumerate(names) if name in QUANTITY_HEADERS), None)
    if sku is None or quantity is None:
        return None
    return sku, quantity


def _too_many_rows() -> PurchaseListError:
    return PurchaseListError(
        Message(
            _("more than %(max)d rows; split the list"), max=settings.TAIBAO_QUICK_ORDER_MAX_ROWS
        )
    )


def _limits() -> Limits:
    return Limits(
        max_rows=settings.TAIBAO_QUICK_ORDER_MAX_ROWS,
        max_columns=settings.TAIBAO_IMPORT_MAX_COLUMNS,
        max_bytes=settings.TAIBAO_QUICK_ORDER_MAX_BYTES,
        max_uncompressed=settings.TAIBAO_IMPORT_MAX_UNCOMPRESSED_BYTES,
    )


def _sheet_rows(sheet: Sheet) -> list[RawRow]:
    rows = []
    for row in sheet.rows:
        sku, quantity = row.cells.get("sku"), row.cells.get("quantity")
        if sku is None and quantity is None:
            continue  # a row with neither: nothing to order (a remark, a blank line in the list)
        rows.append(
            RawRow(
                row=row.number,
                sku="" if sku is None else str(sku),
                quantity=quantity,
                group=str(row.cells.get("group") or "")[:100],
            )
        )
    return rows


def purchase_list_read_sheet(*, name: str, content: bytes) -> PurchaseList:
    """An uploaded purchase list, or PurchaseListError saying why the file is refused."""
    if not content:
        raise PurchaseListError(_("the file is empty"))
    if len(content) > settings.TAIBAO_QUICK_ORDER_MAX_BYTES:
        raise PurchaseListError(
            Message(
                _("the file is larger than %(mb)d MB"),
                mb=settings.TAIBAO_QUICK_ORDER_MAX_BYTES // (1024 * 1024),
            )
        )
    suffix = name.lower().rsplit(".", 1)[-1] if "." in name else ""
    if suffix not in ("xlsx", "xls", "csv", "tsv", "txt"):
        raise PurchaseListError(_("only .xlsx, .xls and .csv files are accepted"))
    try:
        sheet = sheet_read(
            content=content,
            file_name=name,
            columns=SHEET_COLUMNS,
            limits=_limits(),
            today=timezone.localdate(),
            fallback=("sku", "quantity"),
        )
    except SheetRefused as refused:
        if refused.en.startswith("the sheet has more than") and " rows" in refused.en:
            raise _too_many_rows() from refused
        raise PurchaseListError(Bilingual(refused.zh, refused.en)) from refused
    if sheet.errors:  # a totals row that does not add up: the list itself is wrong
        raise PurchaseListError(
            Bilingual(
                "；".join(error.zh for error in sheet.errors),
                "; ".join(error.en for error in sheet.errors),
            )
        )
    rows = _sheet_rows(sheet)
    if not rows:
        raise PurchaseListError(_("the file has no rows to order"))
    return PurchaseList(
        rows=rows,
        sheet_name=sheet.sheet_name,
        header_row=sheet.header_row,
        ignored=sheet.ignored,
        has_groups="group" in sheet.headers,
    )


def purchase_list_read(*, name: str, content: bytes) -> list[RawRow]:
    """Rows of an uploaded purchase list, or PurchaseListError saying why the file is refused."""
    return purchase_list_read_sheet(name=name, content=content).rows


def purchase_list_parse_text(*, text: str) -> list[RawRow]:
    """Pasted lines of "SKU quantity"; a first line of headers is skipped."""
    rows = []
    lines = text.splitlines()
    if len(lines) > settings.TAIBAO_QUICK_ORDER_MAX_ROWS + 1:
        raise _too_many_rows()
    for number, line in enumerate(lines, start=1):
        parts = [part for part in SPLIT.split(line.strip()) if part]
        if not parts:
            continue
        if number == 1 and _columns(parts if len(parts) > 1 else [*parts, ""]) is not None:
            continue  # header line
        quantity = parts[-1] if len(parts) > 1 else None
        rows.append(RawRow(row=number, sku=parts[0], quantity=quantity))
    return rows


# -- checking --------------------------------------------------------------------------------


def _is_formula(value) -> bool:
    return isinstance(value, str) and value.strip().startswith("=")


def _quantity(value) -> tuple[int | None, object]:
    """(quantity, None) or (None, error message)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, _("missing")
    if _is_formula(value):
        return None, _("formulas are not evaluated; enter the number itself")
    if isinstance(value, bool):
        return None, _("not a whole number")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            return None, _("not a whole number")
        number = int(value)
    else:
        text = str(value).strip().replace(",", "").replace("，", "")
        try:
            number = int(text)
        except ValueError:
            try:
                as_decimal = Decimal(text)
            except Exception:
                return None, _("not a whole number")
            if as_decimal != as_decimal.to_integral_value():
                return None, _("not a whole number")
            number = int(as_decimal)
    if number < 1:
        return None, _("must be at least 1")
    return number, None


def _stock_by_sku(skus: set[str]) -> dict[str, list]:
    wanted = {sku.upper() for sku in skus} | skus
    found: dict[str, list] = {}
    records = StockRecord.objects.filter(partner_sku__in=wanted).select_related(
        "product__product_class", "product__parent", "partner"
    )
    for record in records:
        found.setdefault(record.partner_sku.upper(), []).append(record)
    return found


def _basket_quantities(basket) -> dict[int, int]:
    if basket is None or basket.id is None:
        return {}
    quantities: dict[int, int] = {}
    for stockrecord_id, quantity in basket.lines.values_list("stockrecord_id", "quantity"):
        quantities[stockrecord_id] = quantities.get(stockrecord_id, 0) + quantity
    return quantities


def quick_order_check(
    *, rows: list[RawRow], strategy, basket=None, paired_village_ids: set[int] | None = None
) -> QuickOrderCheck:
    """Check every row against the catalogue, stock, minimums, steps and tiers (3–5 queries)."""
    paired_village_ids = paired_village_ids or set()
    checked: list[CheckedRow] = []
    first_row_of: dict[tuple[str, str], CheckedRow] = {}
    for raw in rows:
        row = CheckedRow(row=raw.row, sku=raw.sku, quantity=None, group=raw.group)
        checked.append(row)
        if _is_formula(raw.sku):
            row.errors.append(
                RowError(raw.row, "sku", _("formulas are not evaluated; enter the SKU itself"))
            )
        elif not raw.sku:
            row.errors.append(RowError(raw.row, "sku", _("missing")))
        quantity, problem = _quantity(raw.quantity)
        if problem:
            row.errors.append(RowError(raw.row, "quantity", problem))
        row.quantity = quantity
        key = raw.sku.upper()
        if row.errors or not key:
            continue
        key = (key, raw.group)  # one line per SKU and delivery group
        first = first_row_of.get(key)
        if first is not None:
            row.merged_into = first.row
            first.merged_rows.append(raw.row)
            first.quantity = (first.quantity or 0) + quantity
        else:
            first_row_of[key] = row

    records = _stock_by_sku({sku for sku, _group in first_row_of})
    in_basket = _basket_quantities(basket)
    for (sku, _group), row in first_row_of.items():
        matches = records.get(sku, [])
        if not matches:
            row.errors.append(RowError(row.row, "sku", _("unknown SKU")))
            continue
        if len(matches) > 1:
            row.errors.append(
                RowError(row.row, "sku", _("sold by more than one seller; order it from its page"))
            )
            continue
        record = matches[0]
        product = record.product
        row.stockrecord, row.product = record, product
        row.sku = record.partner_sku
        row.from_paired_village = product.origin_village_id in paired_village_ids
        if not product.is_public or record.price is None:
            row.errors.append(RowError(row.row, "sku", _("not for sale")))
            continue
        terms = strategy.terms_for(record)
        problem = terms.quantity_problem(row.quantity)
        if problem:
            row.errors.append(RowError(row.row, "quantity", problem))
            continue
        if product.get_product_class().track_stock:
            already = in_basket.get(record.pk, 0)
            left = record.net_stock_level
            if row.quantity + already > left:
                if already:
                    message = Message(
                        _("only %(left)d left, %(already)d already in your basket"),
                        left=max(left, 0),
                        already=already,
                    )
                else:
                    message = Message(_("only %(left)d left"), left=max(left, 0))
                row.errors.append(RowError(row.row, "quantity", message))
                continue
            in_basket[record.pk] = already + row.quantity  # the next group's row counts this one
        row.unit_price = terms.unit_price(row.quantity)
        row.line_total = row.unit_price * row.quantity
    return QuickOrderCheck(rows=checked)


@dataclass(frozen=True)
class QuickOrderAdded:
    lines: int
    units: int


class QuickOrderRefused(PermanentError):
    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("; ".join(str(error) for error in errors))


def delivery_group_option():
    """The Oscar option that carries a basket line's delivery group (made when first needed)."""
    option, _created = Option.objects.get_or_create(
        code=DELIVERY_GROUP_OPTION,
        defaults={"name": "收货部门 / Delivery group", "type": Option.TEXT, "required": False},
    )
    return option


def basket_line_delivery_group(line) -> str:
    """The delivery group a quick-order line was added for ("" if none)."""
    for attribute in line.attributes.all():
        if attribute.option.code == DELIVERY_GROUP_OPTION:
            return str(attribute.value)
    return ""


def quick_order_add(
    *, basket, items: list[tuple], strategy, row_numbers: list[int] | None = None
) -> QuickOrderAdded:
    """Add the chosen (SKU, quantity[, delivery group]) items: all of them, or none if any fails.

    A row with a delivery group becomes its own basket line, carrying the group
    as the line attribute ``delivery_group`` (Oscar copies it onto the order line).
    """
    if not basket.can_be_edited:
        raise QuickOrderRefused([RowError(None, "file", _("this basket can no longer be changed"))])
    numbers = row_numbers or list(range(1, len(items) + 1))
    raw = [
        RawRow(row=number, sku=item[0], quantity=item[1], group=(item[2:] or ("",))[0] or "")
        for number, item in zip(numbers, items, strict=True)
    ]
    check = quick_order_check(rows=raw, strategy=strategy, basket=basket)
    if check.errors:
        raise QuickOrderRefused(check.errors)
    with transaction.atomic():
        if basket.id is None:
            basket.save()
        existing = {
            line.line_reference: line
            for line in basket.lines.filter(
                stockrecord__in=[row.stockrecord for row in check.valid_rows]
            )
        }
        option = delivery_group_option() if any(r.group for r in check.valid_rows) else None
        new_lines, changed, groups = [], [], []
        for row in check.valid_rows:
            options = [{"option": option, "value": row.group}] if row.group else []
            reference = basket._create_line_reference(row.product, row.stockrecord, options)
            line = existing.get(reference)
            if line is not None:
                line.quantity += row.quantity
                changed.append(line)
                continue
            new_lines.append(
                BasketLine(
                    basket=basket,
                    line_reference=reference,
                    product=row.product,
                    stockrecord=row.stockrecord,
                    quantity=row.quantity,
                    price_currency=row.stockrecord.price_currency,
                    price_excl_tax=row.stockrecord.price,
                    price_incl_tax=row.stockrecord.price,
                    tax_code=None,
                )
            )
            groups.append(row.group)
        BasketLine.objects.bulk_create(new_lines)
        LineAttribute.objects.bulk_create(
            LineAttribute(line=line, option=option, value=group)
            for line, group in zip(new_lines, groups, strict=True)
            if group
        )
        if changed:
            BasketLine.objects.bulk_update(changed, ["quantity"])
    basket._lines = None
    basket.reset_offer_applications()
    return QuickOrderAdded(
        lines=len(check.valid_rows), units=sum(row.quantity for row in check.valid_rows)
    )
