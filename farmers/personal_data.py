"""Validation and normal forms of a household's citizen ID number and phone.

Messages are Chinese and English and name the field, so a form shows what to
fix without a lookup. Both functions return the normal form that is encrypted
and digested (farmers.crypto), or raise ``ValidationError``.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from stdnum import exceptions as stdnum_errors
from stdnum import numdb
from stdnum.cn import ric

from texts.bilingual import bilingual

MOBILE = re.compile(r"^1[3-9]\d{9}$")
# Area codes are 010 and 02x (three digits) or 0[3-9]xx (four: 0763 Qingyuan);
# the local number has 7 or 8 digits. Elderly households often have only a landline.
LANDLINE = re.compile(r"^(010|02\d|0[3-9]\d{2})-?([1-9]\d{6,7})$")


def id_number_normalize(value: str) -> str:
    """An 18-character resident identity card number (GB 11643-1999), or ""."""
    compact = re.sub(r"\s", "", value or "").upper()
    if not compact:
        return ""
    if len(compact) != 18 or not compact[:17].isdigit() or not re.match(r"[0-9X]", compact[17]):
        raise ValidationError(
            bilingual(
                "身份证号码应为18位：17位数字加1位校验码（数字或X）",
                "ID number: must be 18 characters, 17 digits and a check digit (0–9 or X)",
            ),
            code="id_number_format",
        )
    # GB 11643 check digit, then the parts. Not ``ric.validate``: it also
    # refuses a county code that did not exist in the holder's birth year
    # (441825 Lianshan exists since 1988), but numbers are issued where a
    # person is registered, so a head of household born in 1962 holds one.
    if ric.calc_check_digit(compact) != compact[17]:
        raise ValidationError(
            bilingual(
                "身份证号码校验码不正确，请核对",
                "ID number: the check digit is wrong, please check the number",
            ),
            code="id_number_checksum",
        )
    try:
        born = ric.get_birth_date(compact)
    except stdnum_errors.ValidationError:
        born = None
    if born is None or not datetime.date(1900, 1, 1) <= born <= datetime.date.today():
        raise ValidationError(
            bilingual(
                "身份证号码中的出生日期无效",
                "ID number: the birth date in it is not valid",
            ),
            code="id_number_birth_date",
        )
    if not numdb.get("cn/loc").info(compact[:6])[-1][1]:
        raise ValidationError(
            bilingual(
                "身份证号码前6位不是有效的地区代码",
                "ID number: the first 6 digits are not a known region code",
            ),
            code="id_number_region",
        )
    return compact


def phone_normalize(value: str) -> str:
    """A mainland mobile (13812345678) or a landline with area code (0763-1234567), or ""."""
    compact = re.sub(r"[\s()（）]", "", value or "")
    if compact.startswith("+86"):
        compact = compact[3:]
    elif compact.startswith("0086"):
        compact = compact[4:]
    compact = compact.lstrip("-")
    if not compact:
        return ""
    digits = compact.replace("-", "")
    if MOBILE.match(digits):
        return digits
    landline = LANDLINE.match(compact)
    if landline:
        return f"{landline.group(1)}-{landline.group(2)}"
    raise ValidationError(
        bilingual(
            "联系电话无效：请填写11位手机号码（如13812345678）或带区号的固定电话（如0763-1234567）",
            "Phone: enter an 11-digit mobile number (e.g. 13812345678) "
            "or a landline with its area code (e.g. 0763-1234567)",
        ),
        code="phone_invalid",
    )
