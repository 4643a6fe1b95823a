"""Fictional ID numbers and phones for a few demo households.

The ID numbers are made up: region 441825 (Lianshan county), a birth date,
sequence numbers 00x, and a check digit computed with GB 11643 — valid to
the validator, belonging to nobody. The phones are 1380000xxxx and one
landline 0763-6660001. Safe to run again: households that already hold a
value keep it.
"""

import datetime

from stdnum.cn import ric

from farmers.models import Household
from farmers.services.households import KEEP, household_personal_data_set

REGION = "441825"

# code → (birth date, phone)
DEMO_PERSONAL_DATA = {
    "H01": (datetime.date(1962, 3, 1), "13800000001"),
    "H02": (datetime.date(1970, 5, 1), "13800000002"),
    "H03": (datetime.date(1975, 8, 1), "13800000003"),
    "H04": (datetime.date(1958, 11, 1), "0763-6660001"),
    "H05": (datetime.date(1980, 1, 1), ""),
    "H06": (datetime.date(1966, 6, 1), "13800000006"),
}


def demo_id_number(born: datetime.date, sequence: int) -> str:
    """A fictional ID number with a valid GB 11643 check digit."""
    body = f"{REGION}{born:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")


def demo_personal_data_load() -> None:
    for sequence, (code, (born, phone)) in enumerate(DEMO_PERSONAL_DATA.items(), start=1):
        household = Household.objects.filter(code=code).first()
        if household is None:
            continue
        household_personal_data_set(
            household=household,
            id_number=KEEP if household.has_id_number else demo_id_number(born, sequence),
            phone=KEEP if household.has_phone or not phone else phone,
        )
