"""Revealing personal data needs a login within 15 minutes; otherwise the password again."""

import datetime

import pytest
import time_machine

from farmers.models import PersonalDataReveal
from tests.farmers.test_household_register_views import (  # noqa: F401  (fixtures)
    ID_NUMBER,
    household,
    team_user,
    url,
)

PASSWORD = "Water-chestnut-field-9"
START = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)
pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, team_user):  # noqa: F811
    team_user.set_password(PASSWORD)
    team_user.save()
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(team_user)
        yield clock


def reveal(client, household, **extra):  # noqa: F811
    return client.post(
        url("household-reveal", pk=household.pk),
        {"field": "id_number", "reason": "核对补贴发放", **extra},
    )


def test_within_fifteen_minutes_of_signing_in_no_password_is_asked(client, signed_in, household):  # noqa: F811
    signed_in.shift(datetime.timedelta(minutes=14))
    response = reveal(client, household)
    assert ID_NUMBER in response.content.decode()
    assert PersonalDataReveal.objects.count() == 1


def test_after_fifteen_minutes_the_password_is_asked_again(client, signed_in, household):  # noqa: F811
    signed_in.shift(datetime.timedelta(minutes=16))
    form = client.get(url("household-reveal", pk=household.pk)).content.decode()
    assert 'name="password"' in form
    for extra in ({}, {"password": "not-my-password"}):
        response = reveal(client, household, **extra)
        assert response.status_code == 200
        assert ID_NUMBER not in response.content.decode()
    assert not PersonalDataReveal.objects.exists()
    response = reveal(client, household, password=PASSWORD)
    assert ID_NUMBER in response.content.decode()
    assert PersonalDataReveal.objects.count() == 1
    # The password just given counts as a fresh login for the next 15 minutes.
    assert ID_NUMBER in reveal(client, household).content.decode()
