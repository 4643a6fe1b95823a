"""兑付批次: pay households their balances, and record the proof.

A batch is created for a seller from the balances of its households (each
line is the balance, to the fen), exported as the bank's bulk-payment file,
and its lines are then confirmed one by one (bank reference), by the bank's
result file (matched by account and amount), or for cash with a photo of the
signed receipt. A failed line goes back to the balance. A confirmed line is
never changed: ``payout_line_reverse`` appends a reversal.

Invariant 8: no household is paid twice by racing batches. Creating a batch
locks the seller's row first, so two staff creating batches at once queue;
the second sees the first's lines pending and leaves those households out.
Behind the lock, a partial unique constraint allows one pending line per
household and seller.
"""

import csv
import datetime
import io
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import connection, transaction
from django.db.models import Count, Sum
from django.utils import timezone
from openpyxl import Workbook
from PIL import Image, UnidentifiedImageError

from farmers.crypto import field_decrypt
from farmers.errors import SettlementError
from farmers.models import (
    Household,
    Payee,
    PayMethod,
    PayoutBatch,
    PayoutFileDownload,
    PayoutLine,
    PayoutReversal,
    Seller,
)
from farmers.reports.exports import neutralise_cell
from farmers.reports.settlement import balances
from farmers.services.bulk_sql import insert_rows
from farmers.services.lot_import import lot_sheet_limits
from sheets import Column, Sheet, SheetRefused, SheetRow, sheet_read

FEN = Decimal("0.01")
LOCK_BATCH_CREATION = True
"""Tests of the race switch this off to show the race is real (the control case)."""

LINE_FIELDS = (
    "batch",
    "seller",
    "household",
    "position",
    "amount",
    "method",
    "payee_name",
    "bank_name",
    "account_encrypted",
    "account_masked",
    "status",
    "reference",
    "receipt",
    "failure_reason",
)
BANK_FILE_COLUMNS = ("序号", "收款人", "账号", "开户行", "金额", "用途")


def _after_balances_read() -> None:
    """A seam for the race test: runs between reading balances and writing lines."""


@dataclass
class BatchCreated:
    batch: PayoutBatch
    lines: int
    total: Decimal
    without_payee: list[Household] = field(default_factory=list)


def _default_purpose(seller: Seller) -> str:
    return f"农产品货款 {timezone.localdate():%Y-%m}"


def payout_batch_create(
    *,
    seller: Seller,
    household_ids: Iterable[int] | None = None,
    purpose: str = "",
    created_by=None,
    owed_until: datetime.date | None = None,
) -> BatchCreated:
    """A batch paying each chosen household (all with a balance by default) its balance.

    Households in another open batch of the seller are left out; so are
    households without payee details (listed in the result). Naming a
    household that cannot be paid is refused. ``owed_until`` pays only what
    was owed by the end of that day (e.g. last month's deliveries).
    """
    if owed_until is not None and owed_until > timezone.localdate():
        raise SettlementError(
            "截止日期不能在将来", "Owed until: cannot be in the future", field="owed_until"
        )
    chosen = None if household_ids is None else sorted({int(h) for h in household_ids})
    purpose = (purpose or "").strip() or _default_purpose(seller)
    if len(purpose) > 64:
        raise SettlementError(
            "用途不能超过64个字", "Purpose: at most 64 characters", field="purpose"
        )
    with transaction.atomic():
        if LOCK_BATCH_CREATION:
            Seller.objects.select_for_update().get(pk=seller.pk)
        rows = balances(seller_ids=[seller.pk], household_ids=chosen, owed_until=owed_until)
        _after_balances_read()
        payable = {r.household_id: r for r in rows if r.balance > 0 and not r.pending}
        if chosen is not None:
            refused = [h for h in chosen if h not in payable]
            if refused:
                codes = ", ".join(
                    Household.objects.filter(pk__in=refused).values_list("code", flat=True)
                )
                raise SettlementError(
                    f"以下农户没有待付余额或已在未完成的批次中：{codes}",
                    f"Households: these have no balance to pay or are in an open batch: {codes}",
                    field="households",
                )
        payees = {
            row[0]: row[1:]
            for row in Payee.objects.filter(household_id__in=list(payable)).values_list(
                "household_id",
                "method",
                "holder_name",
                "bank_name",
                "account_encrypted",
                "account_masked",
            )
        }
        without = sorted(h for h in payable if h not in payees)
        if chosen is not None and without:
            codes = ", ".join(
                Household.objects.filter(pk__in=without).values_list("code", flat=True)
            )
            raise SettlementError(
                f"以下农户未登记收款方式：{codes}",
                f"Households: no payee details are registered for {codes}",
                field="households",
            )
        to_pay = [payable[h] for h in sorted(payable) if h in payees]
        if not to_pay:
            raise SettlementError(
                "没有可付款的农户：没有待付余额，或都在未完成的批次中，或未登记收款方式",
                "Nothing to pay: no household has a balance that is not already in an open "
                "batch and payee details to pay it to",
                field="households",
            )
        batch = PayoutBatch.objects.create(
            seller=seller, kind=PayoutBatch.Kind.BALANCE, purpose=purpose, created_by=created_by
        )
        # One plain INSERT per chunk: a batch for every household of a town is
        # 10,000 lines, and model instances cost more than the database does.
        _insert_lines(
            [
                (
                    batch.pk,
                    seller.pk,
                    row.household_id,
                    position,
                    row.balance,
                    *payees[row.household_id],
                    PayoutLine.Status.PENDING,
                    "",
                    "",
                    "",
                )
                for position, row in enumerate(to_pay, start=1)
            ],
        )
    return BatchCreated(
        batch=batch,
        lines=len(to_pay),
        total=sum((r.balance for r in to_pay), Decimal("0.00")),
        without_payee=list(Household.objects.filter(pk__in=without)),
    )


def _insert_lines(rows: list[tuple]) -> None:
    """INSERT the lines (values in LINE_FIELDS order) in a few statements."""
    if connection.vendor != "postgresql":  # SQLite: at most 999 parameters a statement
        insert_rows(PayoutLine, LINE_FIELDS, rows)
        return
    table = connection.ops.quote_name(PayoutLine._meta.db_table)
    columns = ", ".join(
        connection.ops.quote_name(PayoutLine._meta.get_field(f).column) for f in LINE_FIELDS
    )
    row_sql = "(" + ", ".join(["%s"] * len(LINE_FIELDS)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 2000):
            chunk = rows[start : start + 2000]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([row_sql] * len(chunk))}",
                [value for row in chunk for value in row],
            )


def _line(
    batch: PayoutBatch, position: int, household_id: int, amount: Decimal, payee: Payee, **extra
) -> PayoutLine:
    return PayoutLine(
        batch=batch,
        seller_id=batch.seller_id,
        household_id=household_id,
        position=position,
        amount=amount,
        method=payee.method,
        payee_name=payee.holder_name,
        bank_name=payee.bank_name,
        account_encrypted=payee.account_encrypted,
        account_masked=payee.account_masked,
        **extra,
    )


def _close_if_settled(batch: PayoutBatch) -> None:
    if not batch.lines.filter(status=PayoutLine.Status.PENDING).exists():
        PayoutBatch.objects.filter(pk=batch.pk, closed_at__isnull=True).update(
            closed_at=timezone.now()
        )


def _pending_line(line: PayoutLine) -> PayoutLine:
    locked = PayoutLine.objects.select_for_update().get(pk=line.pk)
    if locked.status != PayoutLine.Status.PENDING:
        raise SettlementError(
            f"第 {locked.position} 行已是「{locked.get_status_display()}」，不能再更改；"
            "已付款项只能冲销",
            f"Line {locked.position} is already {locked.status} and cannot be changed; "
            "a confirmed payout can only be reversed",
            field="line",
        )
    return locked


@transaction.atomic
def payout_line_confirm(*, line: PayoutLine, reference: str, settled_by) -> PayoutLine:
    """Paid, with the bank's (or WeChat / Alipay) transaction reference."""
    reference = (reference or "").strip()
    if not reference:
        raise SettlementError(
            "请填写银行流水号（交易参考号）",
            "Reference: enter the bank's transaction reference",
            field="reference",
        )
    line = _pending_line(line)
    if line.method == PayMethod.CASH:
        raise SettlementError(
            "现金付款请上传农户签字的收据照片",
            "Cash: upload a photo of the receipt the household signed",
            field="receipt",
        )
    line.status = PayoutLine.Status.CONFIRMED
    line.reference = reference[:128]
    line.settled_by = settled_by
    line.settled_at = timezone.now()
    line.save(update_fields=["status", "reference", "settled_by", "settled_at"])
    _close_if_settled(line.batch)
    return line


RECEIPT_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
RECEIPT_MAX_BYTES = 10_000_000


def receipt_check(upload) -> str:
    """The image format's extension, or a refusal: a receipt must be a photo (JPEG, PNG, WebP)."""
    refuse = SettlementError(
        "收据须为照片（JPEG、PNG 或 WebP 图片）",
        "Receipt: it must be a photo (a JPEG, PNG or WebP image)",
        field="receipt",
    )
    if upload is None or not upload.size or upload.size > RECEIPT_MAX_BYTES:
        raise refuse
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            kind = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise refuse from error
    finally:
        upload.seek(0)
    if kind not in RECEIPT_FORMATS:
        raise refuse
    return RECEIPT_FORMATS[kind]


@transaction.atomic
def payout_line_confirm_cash(*, line: PayoutLine, receipt, settled_by) -> PayoutLine:
    """Paid in cash: the photo of the receipt the household signed is kept as the proof."""
    extension = receipt_check(receipt)
    line = _pending_line(line)
    line.receipt.save(f"batch{line.batch_id}-line{line.position}.{extension}", receipt, save=False)
    line.status = PayoutLine.Status.CONFIRMED
    line.method = PayMethod.CASH
    line.settled_by = settled_by
    line.settled_at = timezone.now()
    line.save(update_fields=["status", "method", "receipt", "settled_by", "settled_at"])
    _close_if_settled(line.batch)
    return line


@transaction.atomic
def payout_line_fail(*, line: PayoutLine, reason: str, settled_by) -> PayoutLine:
    """The bank returned it (wrong account, closed card): the amount goes back to the balance."""
    reason = (reason or "").strip()
    if not reason:
        raise SettlementError("请填写失败原因", "Reason: say why it failed", field="reason")
    line = _pending_line(line)
    line.status = PayoutLine.Status.FAILED
    line.failure_reason = reason[:255]
    line.settled_by = settled_by
    line.settled_at = timezone.now()
    line.save(update_fields=["status", "failure_reason", "settled_by", "settled_at"])
    _close_if_settled(line.batch)
    return line


@transaction.atomic
def payout_line_reverse(*, line: PayoutLine, reason: str, reversed_by) -> PayoutReversal:
    """Undo a confirmed payout by a new entry; the line itself stays as it was."""
    reason = (reason or "").strip()
    if not reason:
        raise SettlementError("请填写冲销原因", "Reason: say why it is reversed", field="reason")
    line = PayoutLine.objects.select_for_update().get(pk=line.pk)
    if line.status != PayoutLine.Status.CONFIRMED:
        raise SettlementError(
            "只有已付款的行可以冲销", "Only a confirmed payout can be reversed", field="line"
        )
    if PayoutReversal.objects.filter(line=line).exists():
        raise SettlementError("该付款已冲销", "This payout is already reversed", field="line")
    return PayoutReversal.objects.create(
        line=line, amount=line.amount, reason=reason[:255], reversed_by=reversed_by
    )


# --- the bank's files ---------------------------------------------------------------


def bank_file_rows(batch: PayoutBatch) -> list[list]:
    """序号, 收款人, 账号, 开户行, 金额, 用途 of the batch's pending bank lines, full accounts."""
    return [
        [
            line.position,
            neutralise_cell(line.payee_name),
            field_decrypt(line.account_encrypted),
            neutralise_cell(line.bank_name),
            line.amount,
            neutralise_cell(batch.purpose),
        ]
        for line in batch.lines.filter(method=PayMethod.BANK, status=PayoutLine.Status.PENDING)
    ]


def payout_bank_file(*, batch: PayoutBatch, file_format: str, user) -> tuple[str, str, bytes]:
    """The bulk-payment file (file name, content type, bytes); the download is recorded."""
    if file_format not in ("csv", "xlsx"):
        raise SettlementError("格式只能是 csv 或 xlsx", "Format: csv or xlsx", field="format")
    rows = bank_file_rows(batch)
    PayoutFileDownload.objects.create(batch=batch, file_format=file_format, downloaded_by=user)
    name = f"payout-batch-{batch.pk}.{file_format}"
    if file_format == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(BANK_FILE_COLUMNS)
        for row in rows:
            writer.writerow([*row[:4], f"{row[4]:.2f}", row[5]])
        return name, "text/csv; charset=utf-8", ("\ufeff" + out.getvalue()).encode("utf-8")
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("付款明细")
    sheet.append(list(BANK_FILE_COLUMNS))
    for row in rows:
        sheet.append(row)  # the account is text: a spreadsheet must not round it
    out = io.BytesIO()
    workbook.save(out)
    return name, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", out.getvalue()


RESULT_COLUMNS = {
    "account": ("账号", "收款账号", "收款人账号", "account"),
    "amount": ("金额", "交易金额", "amount"),
    "status": ("状态", "处理结果", "交易状态", "结果", "status"),
    "reference": ("流水号", "银行流水号", "交易流水号", "交易参考号", "reference"),
    "reason": ("失败原因", "备注", "reason"),
}
SUCCESS = {"成功", "交易成功", "已成功", "success", "succeeded", "ok", ""}
FAILURE = {"失败", "交易失败", "退回", "failed", "failure", "returned"}


@dataclass
class ResultApplied:
    confirmed: int
    failed: int
    unmatched: list[PayoutLine]


RESULT_SHEET_COLUMNS = [
    Column(
        key="account", zh="账号", en="account", synonyms=RESULT_COLUMNS["account"], required=True
    ),
    Column(
        key="amount",
        zh="金额",
        en="amount",
        synonyms=RESULT_COLUMNS["amount"],
        kind="number",
        required=True,
    ),
    Column(key="status", zh="状态", en="status", synonyms=RESULT_COLUMNS["status"]),
    Column(key="reference", zh="流水号", en="reference", synonyms=RESULT_COLUMNS["reference"]),
    Column(key="reason", zh="失败原因", en="reason", synonyms=RESULT_COLUMNS["reason"]),
]


def _cell(row: SheetRow, key: str) -> str:
    value = row.cells.get(key)
    if value is None:
        return ""
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return str(value).strip()


def _result_sheet(content: bytes, file_name: str) -> Sheet:
    """The bank's result file through the shared reader (header anywhere in the first rows)."""
    try:
        sheet = sheet_read(
            content=content,
            file_name=file_name,
            columns=RESULT_SHEET_COLUMNS,
            limits=lot_sheet_limits(),
            today=timezone.localdate(),
        )
    except SheetRefused as refused:
        raise SettlementError(refused.zh, refused.en, field="file") from refused
    if sheet.errors:
        first = sheet.errors[0]
        raise SettlementError(first.zh, first.en, field="file")
    return sheet


@transaction.atomic
def payout_result_apply(
    *, batch: PayoutBatch, file_name: str, content: bytes, settled_by
) -> ResultApplied:
    """Confirm (or fail) the batch's lines from the bank's result file, all rows or none.

    Each row is matched to a pending line of the batch by account and amount.
    An unknown account, a different amount, a line named twice or a line
    already settled refuses the whole file, naming each row. Lines the file
    does not mention stay pending and are listed.
    """
    sheet = _result_sheet(content, file_name)
    lines = list(
        PayoutLine.objects.select_for_update()
        .filter(batch=batch)
        .only("pk", "position", "amount", "status", "account_encrypted", "payee_name")
        .order_by("position")
    )
    by_account: dict[str, list[PayoutLine]] = defaultdict(list)
    for line in lines:
        if line.account_encrypted:
            by_account[field_decrypt(line.account_encrypted)].append(line)
    problems: list[str] = []
    seen: dict[int, int] = {}
    outcomes: list[tuple[PayoutLine, bool, str, str]] = []
    for row in sheet.rows:
        number = row.number
        account = re.sub(r"[\s-]", "", _cell(row, "account"))
        amount_text = _cell(row, "amount").replace(",", "").replace("¥", "")
        if not account and not amount_text:
            continue
        if account in ("合计", "总计"):
            continue
        try:
            amount = Decimal(amount_text)
        except InvalidOperation:
            amount = None
        if amount is None or not amount.is_finite() or amount <= 0:
            problems.append(
                f"第 {number} 行「金额」：须为大于零的金额 / "
                f"Row {number}, amount: must be an amount above zero"
            )
            continue
        candidates = by_account.get(account)
        if not candidates:
            problems.append(
                f"第 {number} 行「账号」：本批次没有账号为 {account[:4]}…{account[-4:]} 的付款 / "
                f"Row {number}, account: no payment in this batch goes to the account ending "
                f"{account[-4:]}"
            )
            continue
        match = next((c for c in candidates if c.amount == amount), None)
        if match is None:
            expected = "、".join(f"{c.amount:.2f}" for c in candidates)
            problems.append(
                f"第 {number} 行「金额」：{amount:.2f} 与本批次该账号的应付金额 {expected} 不符 / "
                f"Row {number}, amount: {amount:.2f} is not the amount paid to that account "
                f"in this batch ({expected})"
            )
            continue
        if match.pk in seen:
            problems.append(
                f"第 {number} 行：与第 {seen[match.pk]} 行重复（同一账号和金额） / "
                f"Row {number}: repeats row {seen[match.pk]} (same account and amount)"
            )
            continue
        seen[match.pk] = number
        if match.status != PayoutLine.Status.PENDING:
            problems.append(
                f"第 {number} 行：该付款已是「{match.get_status_display()}」 / "
                f"Row {number}: this payment is already {match.status}"
            )
            continue
        status = _cell(row, "status").lower()
        reference = _cell(row, "reference")
        if status in SUCCESS:
            if not reference:
                problems.append(
                    f"第 {number} 行「流水号」：成功的付款须有银行流水号 / "
                    f"Row {number}, reference: a successful payment needs the bank's reference"
                )
                continue
            outcomes.append((match, True, reference, ""))
        elif status in FAILURE:
            reason = _cell(row, "reason") or status
            outcomes.append((match, False, reference, reason))
        else:
            problems.append(
                f"第 {number} 行「状态」：无法识别「{status}」，应为 成功 或 失败 / "
                f"Row {number}, status: '{status}' is neither success (成功) nor failure (失败)"
            )
    if problems:
        raise SettlementError(
            f"结果文件有 {len(problems)} 处问题，未做任何更改",
            f"The result file has {len(problems)} problems; nothing was changed",
            field="file",
            problems=problems,
        )
    if not outcomes:
        raise SettlementError(
            "结果文件中没有付款行", "The result file has no payment rows", field="file"
        )
    _settle(outcomes, settled_by=settled_by, at=timezone.now())
    _close_if_settled(batch)
    settled = {o[0].pk for o in outcomes}
    return ResultApplied(
        confirmed=sum(1 for o in outcomes if o[1]),
        failed=sum(1 for o in outcomes if not o[1]),
        unmatched=[
            line
            for line in lines
            if line.pk not in settled and line.status == PayoutLine.Status.PENDING
        ],
    )


SETTLE_ROWS = 200  # lines per statement: 4 parameters each, inside SQLite's limit


def _settle(outcomes, *, settled_by, at) -> None:
    """One UPDATE per chunk of lines (status, reference, reason each), not one per line."""
    table = connection.ops.quote_name(PayoutLine._meta.db_table)
    columns = {
        name: connection.ops.quote_name(PayoutLine._meta.get_field(name).column)
        for name in ("status", "reference", "failure_reason", "settled_by", "settled_at")
    }
    rows = sorted(
        (
            line.pk,
            PayoutLine.Status.CONFIRMED if ok else PayoutLine.Status.FAILED,
            reference[:128],
            reason[:255],
        )
        for line, ok, reference, reason in outcomes
    )
    sets = ", ".join(
        f"{columns[name]} = (SELECT d.{name} FROM d WHERE d.id = {table}.id)"
        for name in ("status", "reference", "failure_reason")
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), SETTLE_ROWS):
            chunk = rows[start : start + SETTLE_ROWS]
            values = ", ".join(["(%s, %s, %s, %s)"] * len(chunk))
            cursor.execute(
                f"WITH d(id, status, reference, failure_reason) AS (VALUES {values}) "
                f"UPDATE {table} SET {sets}, {columns['settled_by']} = %s, "
                f"{columns['settled_at']} = %s "
                f"WHERE id IN (SELECT id FROM d) AND {columns['status']} = 'pending'",
                [
                    *(item for row in chunk for item in row),
                    settled_by.pk if settled_by else None,
                    connection.ops.adapt_datetimefield_value(at),
                ],
            )
    for line, ok, reference, reason in outcomes:  # the objects say what the rows now say
        line.status = PayoutLine.Status.CONFIRMED if ok else PayoutLine.Status.FAILED
        line.reference, line.failure_reason = reference[:128], reason[:255]


def batch_figures(batch: PayoutBatch) -> dict[str, tuple[int, Decimal]]:
    """Lines and amount per status."""
    return {
        row["status"]: (row["n"], row["total"])
        for row in batch.lines.order_by()
        .values("status")
        .annotate(n=Count("pk"), total=Sum("amount"))
    }
