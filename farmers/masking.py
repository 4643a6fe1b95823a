"""Masks for personal data wherever it is shown (pages, admin, API, reports).

    mask_id_number("440181199001011234") == "440181********1234"
    mask_phone("13812345678") == "138****5678"
    mask_phone("0763-1234567") == "0763-***4567"
    mask_name("黄石生") == "黄*生"

Each returns "" for an empty value and never returns more than it must.
"""

STAR = "*"


def mask_id_number(value: str) -> str:
    """First 6 (region) and last 4 kept, the birth date and sequence hidden."""
    value = (value or "").strip()
    if not value:
        return ""
    if len(value) <= 10:
        return STAR * (len(value) - 4) + value[-4:] if len(value) > 4 else STAR * len(value)
    return value[:6] + STAR * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    """Mobile: first 3 and last 4 kept. Landline: area code and last 4 kept."""
    value = (value or "").strip()
    if not value:
        return ""
    if "-" in value:
        area, _, local = value.partition("-")
        if len(local) <= 4:
            return f"{area}-{STAR * len(local)}"
        return f"{area}-{STAR * (len(local) - 4)}{local[-4:]}"
    if len(value) <= 7:
        return STAR * (len(value) - 4) + value[-4:] if len(value) > 4 else STAR * len(value)
    return value[:3] + STAR * (len(value) - 7) + value[-4:]


def mask_name(value: str) -> str:
    """黄石生 → 黄*生, 李明 → 李*, 欧阳秀英 → 欧**英; a one-character name → *."""
    value = (value or "").strip()
    if len(value) <= 1:
        return STAR * len(value)
    if len(value) == 2:
        return value[0] + STAR
    return value[0] + STAR * (len(value) - 2) + value[-1]
