"""Household register services: encryption at rest, duplicates, monitoring history, membership."""

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from oscar.test.factories import UserFactory

from demo.personal_data import demo_id_number
from farmers.models import Household, Membership, MonitoringCategory, PersonalDataReveal
from farmers.services.households import (
    KEEP,
    household_personal_data_reveal,
    household_personal_data_set,
    household_register,
    household_update,
    membership_add,
    membership_remove,
    monitoring_period_add,
    monitoring_period_close,
    monitoring_period_update,
)
from testing.factories import (
    HouseholdFactory,
    MembershipFactory,
    MonitoringPeriodFactory,
    SellerFactory,
    VillageFactory,
)

ROOT = Path(__file__).resolve().parents[2]
ID_NUMBER = demo_id_number(datetime.date(1971, 4, 5), 321)
PHONE = "13912345678"
JAN = datetime.date(2025, 1, 1)
APR = datetime.date(2025, 4, 1)
JUL = datetime.date(2025, 7, 1)


def raw_row(household: Household) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT * FROM {Household._meta.db_table} WHERE id = %s",
            [household.pk],
        )
        return cursor.fetchone()


@pytest.mark.django_db
def test_the_database_never_holds_the_plain_id_number_or_phone():
    household = household_register(
        code="R001",
        head_name="黄石生",
        village=VillageFactory(),
        id_number=ID_NUMBER,
        phone=PHONE,
    )
    row = " ".join(str(value) for value in raw_row(household))
    for secret in (ID_NUMBER, PHONE, ID_NUMBER[6:14], PHONE[3:7], ID_NUMBER[-4:] + ID_NUMBER[:6]):
        assert secret not in row
    household.refresh_from_db()
    assert household.id_number_masked == f"{ID_NUMBER[:6]}********{ID_NUMBER[-4:]}"
    assert household.phone_masked == "139****5678"


@pytest.mark.django_db
def test_the_same_id_number_cannot_be_registered_twice():
    village = VillageFactory()
    household_register(code="R001", head_name="甲", village=village, id_number=ID_NUMBER)
    with pytest.raises(ValidationError) as caught:
        household_register(
            code="R002", head_name="乙", village=village, id_number=ID_NUMBER.lower()
        )
    message = caught.value.message_dict["id_number"][0]
    assert "已登记" in message and "R001" not in message  # which household: not said
    assert not Household.objects.filter(code="R002").exists()


@pytest.mark.django_db
def test_invalid_id_number_and_phone_change_nothing():
    household = HouseholdFactory(head_name="原名")
    household_personal_data_set(household=household, id_number=ID_NUMBER, phone=PHONE)
    before = raw_row(household)
    bad_id = ID_NUMBER[:17] + ("0" if ID_NUMBER[17] != "0" else "1")
    with pytest.raises(ValidationError) as caught:
        household_update(
            household=household,
            head_name="新名",
            village=household.village,
            members_count=5,
            industries="",
            is_leader=True,
            id_number=bad_id,
            phone="12345",
        )
    assert set(caught.value.message_dict) == {"id_number", "phone"}
    assert raw_row(household) == before


@pytest.mark.django_db
def test_keep_leaves_personal_data_and_empty_clears_it():
    household = HouseholdFactory()
    household_personal_data_set(household=household, id_number=ID_NUMBER, phone=PHONE)
    household_personal_data_set(household=household, id_number=KEEP, phone="")
    household.refresh_from_db()
    assert household.has_id_number and not household.has_phone
    household_personal_data_set(household=household, id_number="")
    household.refresh_from_db()
    assert not household.has_id_number and household.id_number_digest is None


@pytest.mark.django_db
def test_reveal_needs_the_permission_and_a_reason_and_is_recorded():
    household = HouseholdFactory()
    household_personal_data_set(household=household, id_number=ID_NUMBER, phone=PHONE)
    nobody = UserFactory(is_staff=True)
    with pytest.raises(PermissionDenied):
        household_personal_data_reveal(
            household=household, field="id_number", reason="x", user=nobody
        )
    revealer = UserFactory(is_staff=True)
    revealer.user_permissions.add(Permission.objects.get(codename="reveal_personal_data"))
    with pytest.raises(ValidationError):
        household_personal_data_reveal(
            household=household, field="phone", reason="  ", user=revealer
        )
    assert not PersonalDataReveal.objects.exists()
    revealer = type(revealer).objects.get(pk=revealer.pk)  # fresh permission cache
    assert (
        household_personal_data_reveal(
            household=household, field="phone", reason="核对帮扶资金发放", user=revealer
        )
        == PHONE
    )
    audit = PersonalDataReveal.objects.get()
    assert (audit.household, audit.field, audit.reason, audit.revealed_by) == (
        household,
        "phone",
        "核对帮扶资金发放",
        revealer,
    )


def test_production_refuses_to_start_without_a_field_encryption_key():
    env = {k: v for k, v in os.environ.items() if k not in {"FIELD_ENCRYPTION_KEY", "DATABASE_URL"}}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "0",
            "SECRET_KEY": "x" * 50,
            "ALLOWED_HOSTS": "shop.example",
        }
    )
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEY" in result.stderr


@pytest.mark.django_db
def test_a_value_encrypted_under_one_key_is_unreadable_under_another(settings):
    household = HouseholdFactory()
    household_personal_data_set(household=household, phone=PHONE)
    settings.FIELD_ENCRYPTION_KEY = "b3RoZXIta2V5LW90aGVyLWtleS1vdGhlci1rZXktMDA="
    household.refresh_from_db()
    with pytest.raises(Exception, match="FIELD_ENCRYPTION_KEY"):
        household.phone_masked  # noqa: B018


# --- Monitoring history ------------------------------------------------------------


@pytest.mark.django_db
def test_overlapping_monitoring_periods_are_refused():
    household = HouseholdFactory()
    monitoring_period_add(
        household=household,
        category=MonitoringCategory.UNSTABLE_EXITED,
        started_on=JAN,
        ended_on=JUL,
    )
    for started_on, ended_on in [(APR, None), (datetime.date(2024, 6, 1), APR), (JAN, JUL)]:
        with pytest.raises(ValidationError) as caught:
            monitoring_period_add(
                household=household,
                category=MonitoringCategory.SUDDEN_HARDSHIP,
                started_on=started_on,
                ended_on=ended_on,
            )
        assert "重叠" in caught.value.message_dict["started_on"][0]
        assert "overlaps" in caught.value.message_dict["started_on"][0]
    # touching is not overlapping: until is exclusive
    monitoring_period_add(
        household=household, category=MonitoringCategory.SUDDEN_HARDSHIP, started_on=JUL
    )
    assert household.monitoring_periods.count() == 2


@pytest.mark.django_db
def test_an_open_period_blocks_a_later_one_until_it_is_closed():
    household = HouseholdFactory()
    period = monitoring_period_add(
        household=household, category=MonitoringCategory.MARGINAL_AT_RISK, started_on=JAN
    )
    with pytest.raises(ValidationError):
        monitoring_period_add(
            household=household, category=MonitoringCategory.SUDDEN_HARDSHIP, started_on=JUL
        )
    monitoring_period_close(period=period, ended_on=JUL, note="收入稳定，解除监测")
    monitoring_period_add(
        household=household, category=MonitoringCategory.SUDDEN_HARDSHIP, started_on=JUL
    )
    period.refresh_from_db()
    assert period.ended_on == JUL and period.note == "收入稳定，解除监测"
    with pytest.raises(ValidationError):
        monitoring_period_close(period=period, ended_on=datetime.date(2025, 8, 1))


@pytest.mark.django_db
def test_until_must_come_after_from():
    household = HouseholdFactory()
    with pytest.raises(ValidationError) as caught:
        monitoring_period_add(
            household=household,
            category=MonitoringCategory.UNSTABLE_EXITED,
            started_on=JUL,
            ended_on=JUL,
        )
    assert "ended_on" in caught.value.message_dict
    assert not household.monitoring_periods.exists()


@pytest.mark.django_db
def test_editing_a_period_does_not_clash_with_itself_but_does_with_others():
    household = HouseholdFactory()
    first = MonitoringPeriodFactory(household=household, started_on=JAN, ended_on=APR)
    MonitoringPeriodFactory(household=household, started_on=JUL)
    monitoring_period_update(
        period=first, category=first.category, started_on=JAN, ended_on=JUL, note="延长"
    )
    with pytest.raises(ValidationError):
        monitoring_period_update(
            period=first, category=first.category, started_on=JAN, ended_on=None
        )
    first.refresh_from_db()
    assert first.ended_on == JUL


# --- Membership ----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_household_joins_a_seller_once_with_a_clear_message():
    membership = MembershipFactory()
    with pytest.raises(ValidationError) as caught:
        membership_add(seller=membership.seller, household=membership.household, joined_on=JAN)
    assert "已是" in caught.value.messages[0] and "already a member" in caught.value.messages[0]
    assert Membership.objects.count() == 1


@pytest.mark.django_db
def test_membership_add_and_remove():
    seller, household = SellerFactory(), HouseholdFactory()
    membership = membership_add(seller=seller, household=household, joined_on=JAN)
    assert list(seller.members.all()) == [household]
    membership_remove(membership=membership)
    assert not seller.members.exists()
    with pytest.raises(ValidationError):
        membership_add(
            seller=seller,
            household=household,
            joined_on=datetime.date.today() + datetime.timedelta(days=2),
        )
