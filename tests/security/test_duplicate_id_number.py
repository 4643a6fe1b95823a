"""The duplicate-ID check says only "already registered", and the attempt is audited."""

import pytest
from django.contrib.auth.models import Permission
from oscar.test.factories import UserFactory

from farmers.models import Household, PersonalDataReveal
from farmers.services.households import household_personal_data_set
from testing.factories import HouseholdFactory, VillageFactory
from tests.farmers.test_household_register_views import ID_NUMBER, household_form_data, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def holder():
    household = HouseholdFactory(code="H-HOLDER-7", head_name="黄石生")
    household_personal_data_set(household=household, id_number=ID_NUMBER)
    return household


@pytest.fixture
def clerk(client):
    """Staff who may register and edit households but not reveal personal data."""
    user = UserFactory(is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="farmers",
            codename__in=["view_household", "add_household", "change_household"],
        )
    )
    assert not user.has_perm("farmers.reveal_personal_data")
    client.force_login(user)
    return user


def assert_says_only_registered(html: str, holder) -> None:
    assert "该身份证号码已登记" in html and "ID number: already registered" in html
    for leak in (holder.code, holder.head_name, str(holder.pk)):
        assert f"农户 {leak}" not in html and f"household {leak}" not in html
    assert holder.code not in html and holder.head_name not in html


def test_registering_a_known_id_number_names_no_household_and_is_audited(client, clerk, holder):
    response = client.post(
        url("household-create"), household_form_data(VillageFactory(), id_number=ID_NUMBER)
    )
    assert response.status_code == 200
    assert_says_only_registered(response.content.decode(), holder)
    assert not Household.objects.filter(code="N001").exists()
    [audit] = PersonalDataReveal.objects.all()
    assert audit.household == holder and audit.revealed_by == clerk
    assert audit.field == PersonalDataReveal.Field.ID_NUMBER


def test_editing_to_a_known_id_number_names_no_household_and_is_audited(client, clerk, holder):
    other = HouseholdFactory(code="H-OTHER-2")
    data = household_form_data(other.village, id_number=ID_NUMBER, head_name=other.head_name)
    data.pop("code")
    response = client.post(url("household-update", pk=other.pk), data)
    assert response.status_code == 200
    assert_says_only_registered(response.content.decode(), holder)
    assert PersonalDataReveal.objects.filter(household=holder, revealed_by=clerk).count() == 1
    other.refresh_from_db()
    assert not other.id_number_digest


def test_a_new_id_number_records_no_audit(client, clerk, holder):
    import datetime

    from demo.personal_data import demo_id_number

    fresh = demo_id_number(datetime.date(1970, 5, 6), 321)
    response = client.post(
        url("household-create"), household_form_data(VillageFactory(), id_number=fresh)
    )
    assert response.status_code == 302
    assert not PersonalDataReveal.objects.exists()
