"""Fictional ID numbers and phones for a few demo households, and the work team's permissions.

The ID numbers are made up: region 441825 (Lianshan county), a birth date,
sequence numbers 00x, and a check digit computed with GB 11643 — valid to
the validator, belonging to nobody. The phones are 1380000xxxx and one
landline 0763-6660001. Safe to run again: households that already hold a
value keep it.
"""

import datetime

from django.contrib.auth.models import Group, Permission
from stdnum.cn import ric

from farmers.models import WORK_TEAM_GROUP, Household
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

WORK_TEAM_PERMISSIONS = {
    "household": ["view", "add", "change"],
    "monitoringperiod": ["view", "add", "change"],
    "membership": ["view", "add", "delete"],
    "seller": ["view"],
    "village": ["view"],
    "attribution": ["view"],
    "attributionshortfall": ["view", "change"],
    # Household settlement: the team sees every batch and runs the town shop's payouts.
    "payoutbatch": ["view", "add", "change"],
    "payoutline": ["view", "change"],
    "payee": ["view", "add", "change"],
    "settlementslip": ["view", "add"],
}


def demo_id_number(born: datetime.date, sequence: int) -> str:
    """A fictional ID number with a valid GB 11643 check digit."""
    body = f"{REGION}{born:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")


def work_team_permissions_grant() -> None:
    codenames = [
        f"{action}_{model}"
        for model, actions in WORK_TEAM_PERMISSIONS.items()
        for action in actions
    ]
    permissions = Permission.objects.filter(
        content_type__app_label="farmers", codename__in=[*codenames, "reveal_personal_data"]
    )
    team, _ = Group.objects.get_or_create(name=WORK_TEAM_GROUP)
    team.permissions.add(*permissions)


def demo_personal_data_load() -> None:
    work_team_permissions_grant()
    for sequence, (code, (born, phone)) in enumerate(DEMO_PERSONAL_DATA.items(), start=1):
        household = Household.objects.filter(code=code).first()
        if household is None:
            continue
        household_personal_data_set(
            household=household,
            id_number=KEEP if household.has_id_number else demo_id_number(born, sequence),
            phone=KEEP if household.has_phone or not phone else phone,
        )
