"""The town's household list, as the village committees keep it, imported into the register.

Columns (Chinese or English headers, title rows and 合计 rows allowed, see
``sheets``): household code, head's name, village, members, monitoring
category and the date it applies from, phone, ID number. Every row goes
through the register's own services (``farmers.services.households``), so
the ID number's check digit, the phone's form, encryption and the duplicate
check are the form's. All rows or none: ``household_sheet_check`` runs the
whole import and rolls it back, reporting every row's problem;
``household_sheet_import`` runs it again and keeps it if no row failed.

A household already in the register (same code) is updated, and only where
the sheet differs: importing the same list twice changes nothing. An empty
phone or ID cell leaves the registered value as it is; an empty category
leaves the monitoring history as it is.
"""

import datetime
import hashlib
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from farmers.crypto import field_decrypt, field_digest
from farmers.errors import bilingual
from farmers.models import Household, MonitoringCategory, Village
from farmers.personal_data import id_number_normalize, phone_normalize
from farmers.services.households import (
    KEEP,
    household_register,
    household_update,
    monitoring_period_add,
    monitoring_period_close,
)
from sheets import Column, Formula, Limits, SheetRefused, sheet_read

COLUMNS = [
    Column("code", "农户编号", "household code", ("户编号", "户码", "编号", "code"), required=True),
    Column(
        "head_name",
        "户主姓名",
        "head of household",
        ("户主", "姓名", "head", "name"),
        required=True,
    ),
    Column(
        "village", "所在村", "village", ("村", "村名", "村委会", "行政村", "village"), required=True
    ),
    Column(
        "members",
        "家庭人口",
        "members",
        ("人口", "人口数", "家庭人数", "人数", "members", "household size"),
        kind="number",
    ),
    Column("category", "监测类别", "monitoring category", ("监测对象类别", "类别", "category")),
    Column(
        "since",
        "纳入监测日期",
        "monitored from",
        ("纳入监测时间", "监测开始日期", "认定日期", "from", "since"),
        kind="date",
    ),
    Column("phone", "联系电话", "phone", ("电话", "手机", "手机号", "联系方式", "phone", "mobile")),
    Column(
        "id_number",
        "身份证号",
        "ID number",
        ("身份证号码", "户主身份证号", "公民身份号码", "id", "id number"),
    ),
]
NO_CATEGORY = {"", "无", "否", "非监测户", "none", "no"}
CATEGORY_NAMES = {
    MonitoringCategory.UNSTABLE_EXITED: ("脱贫不稳定户", "unstable exited household"),
    MonitoringCategory.MARGINAL_AT_RISK: ("边缘易致贫户", "marginal household at risk"),
    MonitoringCategory.SUDDEN_HARDSHIP: ("突发严重困难户", "household in sudden hardship"),
}
NAMES = {key: (column.zh, column.en) for key, column in ((c.key, c) for c in COLUMNS)}


@dataclass(frozen=True)
class HouseholdRowError:
    row: int
    column: str
    zh: str
    en: str

    @property
    def message(self) -> str:
        if not self.row:
            return bilingual(self.zh, self.en)
        zh_col, en_col = NAMES.get(self.column, (self.column, self.column))
        return bilingual(
            f"第{self.row}行「{zh_col}」: {self.zh}", f"Row {self.row}, {en_col}: {self.en}"
        )


@dataclass
class HouseholdSheetCheck:
    file_name: str
    sha256: str
    sheet_name: str | None = None
    header_row: int | None = None
    ignored: list[str] = field(default_factory=list)
    created: list[str] = field(default_factory=list)  # household codes
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[HouseholdRowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.created or self.updated or self.unchanged)


class HouseholdSheetRejected(Exception):
    def __init__(self, check: HouseholdSheetCheck):
        self.check = check
        super().__init__(f"{len(check.errors)} errors")


class _RollBack(Exception):
    pass


def _limits() -> Limits:
    return Limits(
        max_rows=settings.TAIBAO_IMPORT_MAX_ROWS,
        max_columns=settings.TAIBAO_IMPORT_MAX_COLUMNS,
        max_bytes=settings.TAIBAO_IMPORT_MAX_BYTES,
        max_uncompressed=settings.TAIBAO_IMPORT_MAX_UNCOMPRESSED_BYTES,
    )


def _category(text: str):
    key = text.strip().lower()
    if key in NO_CATEGORY:
        return None
    for value, (zh, en) in CATEGORY_NAMES.items():
        if key in (zh, en, value.lower()) or zh.startswith(key):
            return value
    raise ValueError(
        (
            "应为 脱贫不稳定户、边缘易致贫户、突发严重困难户 或 无",
            "must be unstable exited, marginal at risk, sudden hardship, or none",
        )
    )


def _messages(error: ValidationError) -> list[tuple[str, str]]:
    """(column, text) pairs of a register refusal; the text is already bilingual."""
    pairs = []
    if hasattr(error, "error_dict"):
        for key, errors in error.error_dict.items():
            for item in errors:
                pairs.extend((key, text) for text in item.messages)
    else:
        pairs.extend(("code", text) for text in error.messages)
    return pairs


def _without_column(en: str, column: str) -> str:
    """The register's English text without its leading "Phone:" (the row error names it)."""
    en_col = NAMES.get(column, ("", column))[1]
    for prefix in (en_col, column.replace("_", " ")):
        if en.lower().startswith(prefix.lower() + ":"):
            return en[len(prefix) + 1 :].strip()
    return en


def _apply_row(number: int, cells: dict, villages: dict, check: HouseholdSheetCheck) -> None:
    errors: list[HouseholdRowError] = []

    def fail(column, zh, en):
        errors.append(HouseholdRowError(number, column, zh, en))

    values = {}
    for key, value in cells.items():
        if isinstance(value, Formula):
            fail(key, "不接受公式，请填写数值", "formulas are not accepted: enter the value")
        values[key] = value
    if errors:
        check.errors.extend(errors)
        return
    code = str(values.get("code") or "").strip()
    head_name = str(values.get("head_name") or "").strip()
    village_name = str(values.get("village") or "").strip()
    for key, text in (("code", code), ("head_name", head_name), ("village", village_name)):
        if not text:
            fail(key, "不能为空", "is required")
    village = villages.get(village_name)
    if village_name and village is None:
        fail("village", f"没有名为「{village_name}」的村", f"no village called '{village_name}'")
    members = values.get("members")
    if members is None:
        members_count = None
    elif not hasattr(members, "is_finite") or members != int(members) or not 1 <= members <= 99:
        fail("members", "须为 1 到 99 的整数", "must be a whole number from 1 to 99")
        members_count = None
    else:
        members_count = int(members)
    try:
        category = _category(str(values.get("category") or ""))
    except ValueError as exc:
        fail("category", *exc.args[0])
        category = None
    since = values.get("since")
    if since is not None and not isinstance(since, datetime.date):
        fail("since", "日期格式应为 2026-11-20", "use a date like 2026-11-20")
        since = None
    if category and since is None and not any(e.column == "since" for e in errors):
        fail("since", "填写了监测类别，须填纳入监测日期", "needed with a monitoring category")
    if since and since > timezone.localdate():
        fail("since", "不能晚于今天", "cannot be in the future")
    phone = str(values.get("phone") or "").strip()
    id_number = str(values.get("id_number") or "").strip()
    for key, value, normalize in (
        ("phone", phone, phone_normalize),
        ("id_number", id_number, id_number_normalize),
    ):
        try:
            normalize(value)
        except ValidationError as exc:
            for text in exc.messages:
                zh, _, en = text.partition(" / ")
                fail(key, zh, _without_column(en, key))
    if errors:
        check.errors.extend(errors)
        return

    try:
        with transaction.atomic():
            _write(
                check,
                code=code,
                head_name=head_name,
                village=village,
                members_count=members_count,
                category=category,
                since=since,
                phone=phone,
                id_number=id_number,
            )
    except ValidationError as exc:
        for column, text in _messages(exc):
            column = {"started_on": "since", "ended_on": "since", "members_count": "members"}.get(
                column, column
            )
            zh, _, en = text.partition(" / ")
            check.errors.append(HouseholdRowError(number, column, zh, _without_column(en, column)))


def _write(check, *, code, head_name, village, members_count, category, since, phone, id_number):
    household = Household.objects.select_for_update().filter(code=code).first()
    if household is None:
        household = household_register(
            code=code,
            head_name=head_name,
            village=village,
            members_count=members_count or 1,
            id_number=id_number,
            phone=phone,
        )
        changed = created = True
    else:
        created = False
        same_id = not id_number or field_digest(id_number_normalize(id_number)) == (
            household.id_number_digest or ""
        )
        same_phone = not phone or field_decrypt(household.phone_encrypted) == phone_normalize(phone)
        changed = not (
            same_id
            and same_phone
            and household.head_name == head_name
            and household.village_id == village.pk
            and (members_count is None or household.members_count == members_count)
        )
        if changed:
            household = household_update(
                household=household,
                head_name=head_name,
                village=village,
                members_count=members_count or household.members_count,
                industries=household.industries,
                is_leader=household.is_leader,
                id_number=KEEP if same_id else id_number,
                phone=KEEP if same_phone else phone,
            )
    if category is not None:
        changed = _monitor(household, category, since) or changed
    bucket = check.created if created else check.updated if changed else check.unchanged
    bucket.append(code)


def _monitor(household: Household, category: str, since: datetime.date) -> bool:
    periods = list(household.monitoring_periods.all())
    if any(p.category == category and p.started_on == since for p in periods):
        return False
    open_period = next((p for p in periods if p.ended_on is None), None)
    if open_period is not None and open_period.category == category:
        return False
    if open_period is not None and open_period.started_on < since:
        monitoring_period_close(period=open_period, ended_on=since)
    monitoring_period_add(household=household, category=category, started_on=since)
    return True


def _run(*, file_name: str, content: bytes, keep: bool) -> HouseholdSheetCheck:
    check = HouseholdSheetCheck(file_name=file_name, sha256=hashlib.sha256(content).hexdigest())
    try:
        sheet = sheet_read(
            content=content,
            file_name=file_name,
            columns=COLUMNS,
            limits=_limits(),
            today=timezone.localdate(),
        )
    except SheetRefused as refused:
        check.errors.append(HouseholdRowError(0, "file", refused.zh, refused.en))
        return check
    check.sheet_name, check.header_row, check.ignored = (
        sheet.sheet_name,
        sheet.header_row,
        sheet.ignored,
    )
    check.errors.extend(
        HouseholdRowError(error.row, error.column, error.zh, error.en) for error in sheet.errors
    )
    if not sheet.rows:
        check.errors.append(
            HouseholdRowError(0, "file", "表格中没有数据行", "the sheet has no data rows")
        )
        return check
    villages = {village.name: village for village in Village.objects.all()}
    seen: dict[str, int] = {}
    try:
        with transaction.atomic():
            for row in sheet.rows:
                code = str(row.cells.get("code") or "").strip()
                if code and code in seen:
                    check.errors.append(
                        HouseholdRowError(
                            row.number,
                            "code",
                            f"与第{seen[code]}行重复",
                            f"duplicates row {seen[code]}",
                        )
                    )
                    continue
                seen[code] = row.number
                _apply_row(row.number, row.cells, villages, check)
            if check.errors or not keep:
                raise _RollBack
    except _RollBack:
        pass
    return check


def household_sheet_check(*, file_name: str, content: bytes) -> HouseholdSheetCheck:
    """What importing the sheet would do, row by row, and every problem; nothing is kept."""
    return _run(file_name=file_name, content=content, keep=False)


def household_sheet_import(*, file_name: str, content: bytes) -> HouseholdSheetCheck:
    """Import every row, or none (HouseholdSheetRejected with every row's problem)."""
    check = _run(file_name=file_name, content=content, keep=True)
    if check.errors:
        raise HouseholdSheetRejected(check)
    return check
