"""Validation, normal forms and masks of the accounts that pay households.

    account_normalize("bank", "6217 0000 0000 0000 004") -> "6217000000000000004"
    account_mask("bank", "6217000000000000004") == "6217 **** **** 0004"

Bank cards (银行卡, 16–19 digits) carry a Luhn check digit, as UnionPay and
the international schemes require; a number that fails it was mistyped.
Passbook and other account numbers (存折账号, 10–15 or 20–25 digits) have no
common check digit and are checked for their form only. WeChat and Alipay
accept the mobile number (or e-mail, or WeChat ID) the household uses with
them. Cash has no account. Messages are Chinese and English and name the
field.
"""

import re

from django.core.exceptions import ValidationError
from stdnum import luhn

from farmers.masking import mask_phone
from farmers.personal_data import bilingual

MOBILE = re.compile(r"^1[3-9]\d{9}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
WECHAT_ID = re.compile(r"^[A-Za-z][-_A-Za-z0-9]{5,19}$")


def _refuse(zh: str, en: str, code: str) -> ValidationError:
    return ValidationError({"account": ValidationError(bilingual(zh, en), code=code)})


def account_normalize(method: str, value: str) -> str:
    """The account in its normal form (digits only for banks), or a ValidationError on "account"."""
    compact = re.sub(r"[\s-]", "", value or "")
    if method == "cash":
        return ""
    if not compact:
        raise _refuse("请填写账号", "Account: enter the account number", "account_required")
    if method == "bank":
        if not compact.isdigit():
            raise _refuse(
                "银行账号只能包含数字",
                "Account: a bank account number has digits only",
                "account_digits",
            )
        if 16 <= len(compact) <= 19:
            if not luhn.is_valid(compact):
                raise _refuse(
                    "银行卡号校验位不正确，请核对卡号",
                    "Account: the bank card number's check digit is wrong, please check it",
                    "account_luhn",
                )
            return compact
        if 10 <= len(compact) <= 15 or 20 <= len(compact) <= 25:
            return compact  # a passbook or company-style account: no common check digit
        raise _refuse(
            "银行账号位数不对：银行卡为16–19位，存折账号为10–15位或20–25位",
            "Account: a bank card has 16–19 digits, a passbook account 10–15 or 20–25",
            "account_length",
        )
    if MOBILE.match(compact):
        return compact
    if method == "alipay" and EMAIL.match(compact):
        return compact.lower()
    if method == "wechat" and WECHAT_ID.match(compact):
        return compact
    if method == "alipay":
        raise _refuse(
            "支付宝账号应为11位手机号码或电子邮箱",
            "Account: an Alipay account is an 11-digit mobile number or an e-mail address",
            "account_alipay",
        )
    raise _refuse(
        "微信收款账号应为11位手机号码或微信号（字母开头，6–20位）",
        "Account: a WeChat account is an 11-digit mobile number or a WeChat ID "
        "(6–20 characters starting with a letter)",
        "account_wechat",
    )


def account_mask(method: str, value: str) -> str:
    """6217 **** **** 1234 for banks (the length hidden too); 138****5678; a***@qq.com."""
    if not value:
        return ""
    if method == "bank":
        return f"{value[:4]} **** **** {value[-4:]}"
    if MOBILE.match(value):
        return mask_phone(value)
    if "@" in value:
        name, _, domain = value.partition("@")
        return f"{name[:1]}***@{domain}"
    return f"{value[:2]}***{value[-2:]}"
