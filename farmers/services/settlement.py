"""Settlement terms, unsold units, and the household's payee details.

Each function is the one way its change is made; a refusal is a
``SettlementError`` naming the field in Chinese and English, and changes
nothing.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from oscar.core.loading import get_model

from farmers.crypto import field_decrypt, field_encrypt
from farmers.errors import SettlementError, SupplyError
from farmers.models import (
    Household,
    Lot,
    LotDisposal,
    Payee,
    PayeeChange,
    PayMethod,
    PersonalDataReveal,
    Seller,
    SettlementTerms,
    StockAdjustment,
    Terms,
)
from farmers.payee_accounts import account_mask, account_normalize
from farmers.services.stock import stock_adjust

StockRecord = get_model("partner", "StockRecord")


@transaction.atomic
def settlement_terms_set(
    *,
    seller: Seller,
    terms: str,
    effective_from: datetime.date | None = None,
    stock_record=None,
    set_by=None,
) -> SettlementTerms:
    """收购 or 代销 for lots received from ``effective_from`` on (today by default).

    A past day is refused: what is owed for lots already received must not
    change behind the households' backs. ``stock_record`` makes it the
    override of one product of the seller.
    """
    today = timezone.localdate()
    effective_from = effective_from or today
    if terms not in Terms.values:
        raise SettlementError("未知的结算方式", "Terms: unknown settlement terms", field="terms")
    if effective_from < today:
        raise SettlementError(
            "生效日期不能早于今天：已入库批次的结算方式不能事后更改",
            "Effective from: cannot be in the past; lots already received keep their terms",
            field="effective_from",
        )
    if stock_record is not None and stock_record.partner_id != seller.partner_id:
        raise PermissionDenied("the stock record is not the seller's")
    row, _created = SettlementTerms.objects.update_or_create(
        seller=seller,
        stock_record=stock_record,
        effective_from=effective_from,
        defaults={"terms": terms, "set_by": set_by},
    )
    return row


@transaction.atomic
def lot_unsold_dispose(
    *, lot: Lot, units: int, disposition: str, note: str = "", recorded_by=None
) -> LotDisposal:
    """Unsold units of a lot leave stock: returned to the household, or written off.

    Under 代销 neither is owed to the household (nothing was sold); under
    收购 the lot was owed in full at intake and stays so. The record says which.
    """
    if disposition not in LotDisposal.Disposition.values:
        raise SettlementError("未知的处理方式", "Disposition: unknown", field="disposition")
    label = dict(LotDisposal.Disposition.choices)[disposition]
    try:
        adjustment = stock_adjust(
            stock_record=lot.stock_record,
            reason=StockAdjustment.Reason.CORRECTION,
            units=units,
            lots={lot.pk: units},
            note=f"{label}: {note}".strip().rstrip(":"),
            recorded_by=recorded_by,
        )
    except SupplyError as error:
        raise SettlementError(error.zh, error.en, field=error.field) from error
    return LotDisposal.objects.create(
        lot=lot,
        adjustment=adjustment,
        disposition=disposition,
        units=units,
        recorded_by=recorded_by,
    )


@transaction.atomic
def payee_set(
    *,
    household: Household,
    method: str,
    holder_name: str = "",
    bank_name: str = "",
    account: str = "",
    changed_by,
) -> Payee:
    """Set how a household is paid; the change is logged (masked before and after)."""
    if method not in PayMethod.values:
        raise SettlementError("未知的收款方式", "Method: unknown payment method", field="method")
    try:
        normalized = account_normalize(method, account)
    except ValidationError as error:
        message = error.message_dict["account"][0]
        zh, _, en = message.partition(" / ")
        raise SettlementError(zh, en, field="account") from error
    bank_name = bank_name.strip()
    if method == PayMethod.BANK and not bank_name:
        raise SettlementError(
            "请填写开户行（银行及支行名称）",
            "Bank and branch: enter the bank and branch name",
            field="bank_name",
        )
    household = Household.objects.select_for_update().get(pk=household.pk)
    payee = Payee.objects.filter(household=household).first()
    old = payee.summary if payee else ""
    payee = payee or Payee(household=household)
    payee.method = method
    payee.holder_name = (holder_name or "").strip() or household.head_name
    payee.bank_name = bank_name if method == PayMethod.BANK else ""
    payee.account_encrypted = field_encrypt(normalized)
    payee.account_masked = account_mask(method, normalized)
    payee.updated_by = changed_by
    payee.save()
    if payee.summary != old:
        PayeeChange.objects.create(
            household=household, old_value=old, new_value=payee.summary, changed_by=changed_by
        )
    return payee


@transaction.atomic
def payee_account_reveal(*, household: Household, reason: str, user) -> str:
    """The full account number, after the audit record (the personal-data reveal permission)."""
    reason = (reason or "").strip()
    if not reason:
        raise SettlementError(
            "请填写查看原因", "Reason: say why you need to see it", field="reason"
        )
    if not user.has_perm("farmers.reveal_personal_data"):
        raise PermissionDenied("farmers.reveal_personal_data")
    payee = Payee.objects.filter(household=household).first()
    if payee is None or not payee.account_encrypted:
        raise SettlementError("该农户没有登记账号", "Account: none is registered", field="reason")
    PersonalDataReveal.objects.create(
        household=household,
        field=PersonalDataReveal.Field.PAYEE_ACCOUNT,
        reason=reason,
        revealed_by=user,
    )
    return field_decrypt(payee.account_encrypted)
