"""Failed logins: a cool-off per account and address, never a permanent lockout."""

import pytest
from django.contrib.auth import get_user_model
from rest_framework.throttling import ScopedRateThrottle

from security import throttle

LOGIN = "/accounts/login/"
EMAIL = "buyer@a.example"
PASSWORD = "pw-12345678"


@pytest.fixture
def user(db):
    return get_user_model().objects.create_user(username=EMAIL, email=EMAIL, password=PASSWORD)


@pytest.fixture
def clock(monkeypatch):
    """The throttle's clock, moved by hand."""
    now = {"t": 1_800_000_000.0}
    monkeypatch.setattr(throttle.time, "time", lambda: now["t"])
    return now


def sign_in(client, password, *, ip="10.0.0.1", email=EMAIL):
    return client.post(
        LOGIN,
        {"login-username": email, "login-password": password, "login_submit": "1"},
        REMOTE_ADDR=ip,
    )


def test_five_wrong_passwords_start_a_cool_off_that_refuses_even_the_right_one(
    client, user, clock, settings
):
    settings.TAIBAO_LOGIN_FAILURE_LIMIT = 5
    settings.TAIBAO_LOGIN_COOLOFF_SECONDS = 900
    for _ in range(5):
        assert sign_in(client, "wrong").status_code == 200  # the form again, with its error
    response = sign_in(client, PASSWORD)
    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    body = response.content.decode()
    assert "security-throttled" in body
    assert "15" in body  # minutes to wait
    assert "_auth_user_id" not in client.session


def test_the_cool_off_ends_and_the_right_password_works_again(client, user, clock, settings):
    settings.TAIBAO_LOGIN_FAILURE_LIMIT = 3
    settings.TAIBAO_LOGIN_COOLOFF_SECONDS = 600
    for _ in range(3):
        sign_in(client, "wrong")
    clock["t"] += 599
    assert sign_in(client, PASSWORD).status_code == 429
    clock["t"] += 2  # attempts during the cool-off did not extend it
    response = sign_in(client, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_the_cool_off_is_per_account_and_address(client, user, clock, settings):
    settings.TAIBAO_LOGIN_FAILURE_LIMIT = 3
    for _ in range(3):
        sign_in(client, "wrong", ip="10.0.0.66")
    assert sign_in(client, PASSWORD, ip="10.0.0.66").status_code == 429
    # The buyer at their own desk is not locked out by a stranger elsewhere.
    assert sign_in(client, PASSWORD, ip="10.0.0.1").status_code == 302


def test_a_successful_login_forgets_earlier_failures(client, user, clock, settings):
    settings.TAIBAO_LOGIN_FAILURE_LIMIT = 3
    sign_in(client, "wrong")
    sign_in(client, "wrong")
    assert sign_in(client, PASSWORD).status_code == 302
    client.logout()
    sign_in(client, "wrong")
    sign_in(client, "wrong")
    assert sign_in(client, PASSWORD).status_code == 302


def test_the_message_is_in_english_for_english_pages(client, user, clock, settings):
    settings.TAIBAO_LOGIN_FAILURE_LIMIT = 1
    client.cookies["django_language"] = "en"
    sign_in(client, "wrong")
    response = sign_in(client, PASSWORD)
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()


def test_the_message_is_in_chinese_for_chinese_pages(client, user, clock, settings):
    settings.TAIBAO_LOGIN_FAILURE_LIMIT = 1
    sign_in(client, "wrong")
    response = sign_in(client, PASSWORD)
    assert "登录失败次数过多" in response.content.decode()


def test_the_api_token_endpoint_shares_the_cool_off(client, user, clock, settings):
    settings.TAIBAO_LOGIN_FAILURE_LIMIT = 2
    url = "/api/v1/auth/token/"
    for _ in range(2):
        response = client.post(
            url, {"username": EMAIL, "password": "wrong"}, REMOTE_ADDR="10.1.1.1"
        )
        assert response.status_code == 400
    response = client.post(url, {"username": EMAIL, "password": PASSWORD}, REMOTE_ADDR="10.1.1.1")
    assert response.status_code == 429
    assert "detail" in response.json()
    clock["t"] += settings.TAIBAO_LOGIN_COOLOFF_SECONDS + 1
    response = client.post(url, {"username": EMAIL, "password": PASSWORD}, REMOTE_ADDR="10.1.1.1")
    assert response.status_code == 200
    assert response.json()["token"]


def test_the_api_token_endpoint_is_rate_limited_by_drf(client, user, monkeypatch):
    # DRF reads its rates once, into the throttle class.
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"login": "3/min"})
    url = "/api/v1/auth/token/"
    codes = [
        client.post(url, {"username": EMAIL, "password": PASSWORD}).status_code for _ in range(4)
    ]
    assert codes == [200, 200, 200, 429]
