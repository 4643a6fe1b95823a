"""Masks, GB 11643 ID numbers and phone numbers: the pure rules."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from stdnum.cn import ric

from demo.personal_data import demo_id_number
from farmers.masking import mask_id_number, mask_name, mask_phone
from farmers.personal_data import id_number_normalize, phone_normalize

VALID = demo_id_number(datetime.date(1990, 1, 1), 123)


def with_wrong_check_digit(number: str) -> str:
    return number[:17] + ("0" if number[17] != "0" else "1")


def test_masks_keep_only_what_the_issue_allows():
    assert mask_id_number("440181199001011234") == "440181********1234"
    assert mask_id_number("44018119900101123X") == "440181********123X"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("0763-1234567") == "0763-***4567"
    assert mask_phone("020-12345678") == "020-****5678"
    assert mask_id_number("") == mask_phone("") == mask_name("") == ""


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("黄石生", "黄*生"),
        ("李明", "李*"),
        ("欧阳秀英", "欧**英"),
        ("莫", "*"),
        ("欧阳秀", "欧*秀"),
    ],
)
def test_mask_name_keeps_the_first_and_last_character(name, masked):
    assert mask_name(name) == masked


def test_short_values_never_come_back_whole():
    assert mask_id_number("1234") == "****"
    assert mask_phone("1234") == "****"
    assert "12345" not in mask_phone("12345678")


def test_a_valid_id_number_is_accepted_and_normalised():
    assert ric.is_valid(VALID)
    assert id_number_normalize(f" {VALID[:6]} {VALID[6:14]} {VALID[14:]} ") == VALID
    assert id_number_normalize("") == ""


def test_lowercase_x_check_digit_is_normalised():
    body = next(
        f"44182519900101{seq:03d}"
        for seq in range(1000)
        if ric.calc_check_digit(f"44182519900101{seq:03d}0") == "X"
    )
    assert id_number_normalize(body + "x") == body + "X"


def test_a_head_of_household_born_before_the_county_code_existed_is_accepted():
    # 441825 (Lianshan) exists since 1988; people born earlier hold such numbers.
    number = demo_id_number(datetime.date(1958, 11, 1), 4)
    assert not ric.is_valid(number)  # python-stdnum's stricter rule refuses it
    assert id_number_normalize(number) == number


@pytest.mark.parametrize(
    ("number", "zh", "en"),
    [
        (with_wrong_check_digit(VALID), "校验码", "check digit"),
        ("44182519900101123", "18位", "18 characters"),
        ("4418251990010112A4", "18位", "18 characters"),
        ("441825199002301230", "出生日期", "birth date"),
        ("441825209901011230", "出生日期", "birth date"),
        ("999999199001011230", "地区代码", "region code"),
    ],
)
def test_invalid_id_numbers_get_a_message_naming_the_field_in_both_languages(number, zh, en):
    # make the check digit right so that the other rules are what refuses it
    if len(number) == 18 and number[:17].isdigit() and zh != "校验码":
        number = number[:17] + ric.calc_check_digit(number)
    with pytest.raises(ValidationError) as caught:
        id_number_normalize(number)
    message = caught.value.messages[0]
    assert "身份证号码" in message and "ID number" in message
    assert zh in message and en in message


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("+86 138-1234-5678", "13812345678"),
        ("0763-1234567", "0763-1234567"),
        ("07631234567", "0763-1234567"),
        ("020-12345678", "020-12345678"),
        ("(0763)6660001", "0763-6660001"),
        ("", ""),
    ],
)
def test_mobile_and_landline_numbers_are_normalised(raw, normal):
    assert phone_normalize(raw) == normal


@pytest.mark.parametrize("raw", ["12812345678", "1381234567", "138123456789", "abc", "123-4567"])
def test_invalid_phones_get_a_message_naming_the_field_in_both_languages(raw):
    with pytest.raises(ValidationError) as caught:
        phone_normalize(raw)
    message = caught.value.messages[0]
    assert "联系电话" in message and "Phone" in message
