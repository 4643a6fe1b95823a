"""API tokens expire after TAIBAO_API_TOKEN_HOURS; signing in again issues a new one."""

import datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

EMAIL, PASSWORD = "seller@x.example", "Lotus-root-harvest-77"
LOTS = "/api/v1/lots/"
START = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def seller_user():
    return get_user_model().objects.create_user(username=EMAIL, email=EMAIL, password=PASSWORD)


def token_for(client) -> str:
    response = client.post("/api/v1/auth/token/", {"username": EMAIL, "password": PASSWORD})
    assert response.status_code == 200, response.content
    return response.json()["token"]


def test_a_token_stops_working_after_its_lifetime_and_a_new_login_gives_a_new_one(
    seller_user, settings
):
    settings.TAIBAO_API_TOKEN_HOURS = 24
    client = APIClient(REMOTE_ADDR="10.5.5.5")
    with time_machine.travel(START, tick=False) as clock:
        key = token_for(client)
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        assert client.get(LOTS).status_code in (200, 403)  # signed in
        clock.shift(datetime.timedelta(hours=23, minutes=59))
        assert client.get(LOTS).status_code in (200, 403)  # signed in
        clock.shift(datetime.timedelta(minutes=2))
        refused = client.get(LOTS)
        assert refused.status_code == 401
        assert "过期" in refused.json()["detail"]  # "expired", in the default language
        client.credentials()
        fresh = token_for(client)
        assert fresh != key
        client.credentials(HTTP_AUTHORIZATION=f"Token {fresh}")
        assert client.get(LOTS).status_code in (200, 403)  # signed in


def test_the_lifetime_is_a_setting_with_a_default(settings):
    assert settings.TAIBAO_API_TOKEN_HOURS == 720
