"""The household register: households, dated monitoring, membership, audited reveals.

Every function here is the one way its change is made (dashboard views, the
admin, later the API all call it). Refusals are ``ValidationError``s keyed by
the field they concern, with Chinese and English text; nothing is changed
when one is raised.
"""

import datetime
import functools

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from farmers.crypto import field_decrypt, field_digest, field_encrypt
from farmers.models import (
    Household,
    Membership,
    MonitoringPeriod,
    PersonalDataReveal,
    Seller,
    Village,
)
from farmers.personal_data import id_number_normalize, phone_normalize
from texts.bilingual import bilingual

KEEP = None
"""Pass as ``id_number`` / ``phone`` to ``household_update`` to leave the value as it is."""


def _refuse(field: str, zh: str, en: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(bilingual(zh, en), code=code)})


def _set_id_number(household: Household, id_number: str) -> None:
    normalized = id_number_normalize(id_number)
    digest = field_digest(normalized)
    if digest:
        if Household.objects.filter(id_number_digest=digest).exclude(pk=household.pk).exists():
            # Which household holds it is personal data too: not said here (see
            # _audits_duplicate_id_numbers for the audit record of the attempt).
            raise _refuse(
                "id_number",
                "该身份证号码已登记",
                "ID number: already registered",
                "id_number_duplicate",
            )
    household.id_number_encrypted = field_encrypt(normalized)
    household.id_number_digest = digest


def _set_phone(household: Household, phone: str) -> None:
    household.phone_encrypted = field_encrypt(phone_normalize(phone))


def _save(household: Household) -> Household:
    try:
        with transaction.atomic():
            household.full_clean(exclude=["id_number_digest"])
            household.save()
    except IntegrityError as exc:  # two registrations of one ID number at the same moment
        raise _refuse(
            "id_number",
            "该身份证号码已登记",
            "ID number: already registered",
            "id_number_duplicate",
        ) from exc
    return household


def _personal_errors(household: Household, *, id_number: str | None, phone: str | None) -> None:
    errors: dict[str, list] = {}
    for field, value, setter in (
        ("id_number", id_number, _set_id_number),
        ("phone", phone, _set_phone),
    ):
        if value is KEEP:
            continue
        try:
            setter(household, value)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for key, messages in exc.error_dict.items():
                    errors.setdefault(key, []).extend(messages)
            else:
                errors.setdefault(field, []).extend(exc.error_list)
    if errors:
        raise ValidationError(errors)


DUPLICATE_ID_REASON = (
    "录入了已登记的身份证号码（被拒绝） / Entered an ID number already registered (refused)"
)


def _audits_duplicate_id_numbers(service):
    """A refusal for an ID number already registered is recorded in the reveal audit.

    Typing a number and learning that it is registered tells the typist
    something about a household, so ``by`` (who typed it) is recorded against
    the household holding it, as an attempt, after the refused change has
    rolled back (the record must outlive the refusal). Without ``by`` (demo
    loading, scripts) nothing is recorded.
    """

    @functools.wraps(service)
    def audited(*, by=None, **kwargs):
        try:
            return service(**kwargs)
        except ValidationError as refusal:
            codes = getattr(refusal, "error_dict", {}).get("id_number", [])
            if by is not None and any(e.code == "id_number_duplicate" for e in codes):
                _record_duplicate_attempt(
                    id_number=kwargs.get("id_number") or "",
                    exclude_pk=getattr(kwargs.get("household"), "pk", None),
                    by=by,
                )
            raise

    return audited


def _record_duplicate_attempt(*, id_number: str, exclude_pk: int | None, by) -> None:
    try:
        digest = field_digest(id_number_normalize(id_number))
    except ValidationError:
        return
    holder = Household.objects.filter(id_number_digest=digest).exclude(pk=exclude_pk).first()
    if holder is not None:
        PersonalDataReveal.objects.create(
            household=holder,
            field=PersonalDataReveal.Field.ID_NUMBER,
            reason=DUPLICATE_ID_REASON,
            revealed_by=by,
        )


@_audits_duplicate_id_numbers
@transaction.atomic
def household_register(
    *,
    code: str,
    head_name: str,
    village: Village,
    members_count: int = 1,
    industries: str = "",
    is_leader: bool = False,
    id_number: str = "",
    phone: str = "",
) -> Household:
    household = Household(
        code=code.strip(),
        head_name=head_name.strip(),
        village=village,
        members_count=members_count,
        industries=industries.strip(),
        is_leader=is_leader,
    )
    _personal_errors(household, id_number=id_number, phone=phone)
    return _save(household)


@_audits_duplicate_id_numbers
@transaction.atomic
def household_update(
    *,
    household: Household,
    head_name: str,
    village: Village,
    members_count: int,
    industries: str,
    is_leader: bool,
    id_number: str | None = KEEP,
    phone: str | None = KEEP,
) -> Household:
    """Change a household; ``id_number``/``phone``: KEEP leaves it, "" clears it."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    household.head_name = head_name.strip()
    household.village = village
    household.members_count = members_count
    household.industries = industries.strip()
    household.is_leader = is_leader
    _personal_errors(household, id_number=id_number, phone=phone)
    return _save(household)


@_audits_duplicate_id_numbers
@transaction.atomic
def household_personal_data_set(
    *, household: Household, id_number: str | None = KEEP, phone: str | None = KEEP
) -> Household:
    """Set (a value), clear ("") or keep (KEEP) a household's ID number and phone."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    _personal_errors(household, id_number=id_number, phone=phone)
    return _save(household)


@transaction.atomic
def household_personal_data_reveal(*, household: Household, field: str, reason: str, user) -> str:
    """The full ID number or phone, after writing who saw it, when and why."""
    reason = (reason or "").strip()
    if not reason:
        raise _refuse(
            "reason", "请填写查看原因", "Reason: say why you need to see it", "reason_required"
        )
    if field not in PersonalDataReveal.Field.values:
        raise _refuse("field", "无此字段", "Field: unknown field", "field_unknown")
    if not user.has_perm("farmers.reveal_personal_data"):
        raise PermissionDenied("farmers.reveal_personal_data")
    if field == PersonalDataReveal.Field.PAYEE_ACCOUNT:  # household settlement's payee details
        from farmers.services.settlement import payee_account_reveal

        return payee_account_reveal(household=household, reason=reason, user=user)
    PersonalDataReveal.objects.create(
        household=household, field=field, reason=reason, revealed_by=user
    )
    column = (
        "id_number_encrypted" if field == PersonalDataReveal.Field.ID_NUMBER else "phone_encrypted"
    )
    return field_decrypt(Household.objects.values_list(column, flat=True).get(pk=household.pk))


# --- Monitoring history -------------------------------------------------------


def _check_period(
    *,
    household: Household,
    started_on: datetime.date,
    ended_on: datetime.date | None,
    exclude_pk: int | None = None,
) -> None:
    if ended_on is not None and ended_on <= started_on:
        raise _refuse(
            "ended_on",
            "结束日期必须晚于开始日期",
            "Until: must be after the start date (from)",
            "period_ends_before_start",
        )
    # Periods are half-open [started_on, ended_on); two overlap when each
    # starts before the other ends.
    overlapping = household.monitoring_periods.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=started_on)
    )
    if ended_on is not None:
        overlapping = overlapping.filter(started_on__lt=ended_on)
    if exclude_pk is not None:
        overlapping = overlapping.exclude(pk=exclude_pk)
    clash = overlapping.first()
    if clash is not None:
        until = clash.ended_on.isoformat() if clash.ended_on else "至今"
        until_en = clash.ended_on.isoformat() if clash.ended_on else "open"
        raise _refuse(
            "started_on",
            f"与已有监测期 {clash.started_on.isoformat()}–{until}（{clash.get_category_display()}）重叠",
            f"From/until: overlaps the existing period {clash.started_on.isoformat()}–{until_en}",
            "period_overlaps",
        )


def _locked(household: Household) -> Household:
    """The household row, locked so that two period changes cannot both pass the overlap check."""
    return Household.objects.select_for_update().get(pk=household.pk)


@transaction.atomic
def monitoring_period_add(
    *,
    household: Household,
    category: str,
    started_on: datetime.date,
    ended_on: datetime.date | None = None,
    note: str = "",
) -> MonitoringPeriod:
    household = _locked(household)
    _check_period(household=household, started_on=started_on, ended_on=ended_on)
    period = MonitoringPeriod(
        household=household,
        category=category,
        started_on=started_on,
        ended_on=ended_on,
        note=note.strip(),
    )
    period.full_clean()
    period.save()
    return period


@transaction.atomic
def monitoring_period_update(
    *,
    period: MonitoringPeriod,
    category: str,
    started_on: datetime.date,
    ended_on: datetime.date | None,
    note: str = "",
) -> MonitoringPeriod:
    household = _locked(period.household)
    _check_period(
        household=household, started_on=started_on, ended_on=ended_on, exclude_pk=period.pk
    )
    period.category = category
    period.started_on = started_on
    period.ended_on = ended_on
    period.note = note.strip()
    period.full_clean()
    period.save()
    return period


def monitoring_period_close(
    *, period: MonitoringPeriod, ended_on: datetime.date, note: str | None = None
) -> MonitoringPeriod:
    """End an open period (the household leaves that category on ``ended_on``)."""
    if period.ended_on is not None:
        raise _refuse(
            "ended_on", "该监测期已结束", "Until: this period is already closed", "period_closed"
        )
    return monitoring_period_update(
        period=period,
        category=period.category,
        started_on=period.started_on,
        ended_on=ended_on,
        note=period.note if note is None else note,
    )


# --- Membership ---------------------------------------------------------------


@transaction.atomic
def membership_add(*, seller: Seller, household: Household, joined_on: datetime.date) -> Membership:
    if joined_on > timezone.localdate():
        raise _refuse(
            "joined_on",
            "加入日期不能晚于今天",
            "Joined on: cannot be in the future",
            "joined_in_future",
        )
    if Membership.objects.filter(seller=seller, household=household).exists():
        raise _refuse(
            "seller",
            f"农户 {household.code} 已是 {seller.name} 的成员",
            f"Seller: household {household.code} is already a member of {seller.name}",
            "membership_exists",
        )
    try:
        with transaction.atomic():
            return Membership.objects.create(
                seller=seller, household=household, joined_on=joined_on
            )
    except IntegrityError as exc:
        raise _refuse(
            "seller",
            f"农户 {household.code} 已是 {seller.name} 的成员",
            f"Seller: household {household.code} is already a member of {seller.name}",
            "membership_exists",
        ) from exc


def membership_remove(*, membership: Membership) -> None:
    membership.delete()
