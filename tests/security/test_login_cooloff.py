"""Failed logins: one policy (django-axes) for the site, the dashboard, the admin and the API.

A cool-off per account and client address, never a permanent lockout; the
address is the connection's unless TAIBAO_CLIENT_IP_HEADER names a proxy's
header; headers the client sends itself (X-Forwarded-For) change nothing.
"""

import datetime
import threading

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth import authenticate, get_user_model
from django.db import connection
from django.test import RequestFactory

LOGIN = "/accounts/login/"
TOKEN = "/api/v1/auth/token/"
EMAIL = "buyer@a.example"
PASSWORD = "pw-12345678-ok"
START = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def user(db):
    return get_user_model().objects.create_user(username=EMAIL, email=EMAIL, password=PASSWORD)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def sign_in(client, password, *, ip="10.0.0.1", email=EMAIL, **headers):
    return client.post(
        LOGIN,
        {"login-username": email, "login-password": password, "login_submit": "1"},
        REMOTE_ADDR=ip,
        **headers,
    )


def test_five_wrong_passwords_start_a_cool_off_that_refuses_even_the_right_one(
    client, user, clock, settings
):
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = datetime.timedelta(seconds=900)
    codes = [sign_in(client, "wrong").status_code for _ in range(5)]
    assert codes == [200, 200, 200, 200, 429]  # the form again, then the cool-off
    response = sign_in(client, PASSWORD)
    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    body = response.content.decode()
    assert "security-throttled" in body
    assert "15" in body  # minutes to wait
    assert "_auth_user_id" not in client.session


def test_the_cool_off_ends_and_the_right_password_works_again(client, user, clock, settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = datetime.timedelta(seconds=600)
    for _ in range(3):
        sign_in(client, "wrong")
    clock.shift(599)
    assert sign_in(client, PASSWORD).status_code == 429
    clock.shift(2)  # attempts during the cool-off did not extend it
    response = sign_in(client, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_the_cool_off_is_per_account_and_address(client, user, clock, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        sign_in(client, "wrong", ip="10.0.0.66")
    assert sign_in(client, PASSWORD, ip="10.0.0.66").status_code == 429
    # The buyer at their own desk is not locked out by a stranger elsewhere.
    assert sign_in(client, PASSWORD, ip="10.0.0.1").status_code == 302


def test_the_account_is_the_same_whatever_the_case_typed(client, user, clock, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for email in ("Buyer@A.example", "BUYER@a.example", "buyer@a.example "):
        sign_in(client, "wrong", email=email)
    assert sign_in(client, PASSWORD).status_code == 429


def test_a_successful_login_forgets_earlier_failures(client, user, clock, settings):
    settings.AXES_FAILURE_LIMIT = 3
    sign_in(client, "wrong")
    sign_in(client, "wrong")
    assert sign_in(client, PASSWORD).status_code == 302
    client.logout()
    sign_in(client, "wrong")
    sign_in(client, "wrong")
    assert sign_in(client, PASSWORD).status_code == 302


def test_the_message_is_in_english_for_english_pages(client, user, clock, settings):
    settings.AXES_FAILURE_LIMIT = 1
    client.cookies["django_language"] = "en"
    sign_in(client, "wrong")
    response = sign_in(client, PASSWORD)
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()


def test_the_message_is_in_chinese_for_chinese_pages(client, user, clock, settings):
    settings.AXES_FAILURE_LIMIT = 1
    sign_in(client, "wrong")
    response = sign_in(client, PASSWORD)
    assert "登录失败次数过多" in response.content.decode()


def test_every_login_path_shares_one_count(client, user, clock, settings):
    """Two failures on the site, one in the admin, one on the API: the dashboard refuses."""
    settings.AXES_FAILURE_LIMIT = 4
    user.is_staff = True
    user.save()
    sign_in(client, "wrong")
    sign_in(client, "wrong")
    client.post(
        f"/{settings.ADMIN_URL}login/",
        {"username": EMAIL, "password": "wrong"},
        REMOTE_ADDR="10.0.0.1",
    )
    client.post(TOKEN, {"username": EMAIL, "password": "wrong"}, REMOTE_ADDR="10.0.0.1")
    response = client.post(
        "/dashboard/login/",
        {"username": EMAIL, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_api_token_endpoint_shares_the_cool_off(client, user, clock, settings):
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        response = client.post(
            TOKEN, {"username": EMAIL, "password": "wrong"}, REMOTE_ADDR="10.1.1.1"
        )
    response = client.post(TOKEN, {"username": EMAIL, "password": PASSWORD}, REMOTE_ADDR="10.1.1.1")
    assert response.status_code == 429
    assert "detail" in response.json() and int(response["Retry-After"]) > 0
    clock.shift(settings.AXES_COOLOFF_TIME.total_seconds() + 1)
    response = client.post(TOKEN, {"username": EMAIL, "password": PASSWORD}, REMOTE_ADDR="10.1.1.1")
    assert response.status_code == 200
    assert response.json()["token"]


def test_rotating_x_forwarded_for_does_not_reset_the_api_logins_limit(client, db, settings):
    """Password spraying: many accounts from one address, a new X-Forwarded-For each time."""
    settings.TAIBAO_RATE_LIMITS = {**settings.TAIBAO_RATE_LIMITS, "login": (4, 300)}
    with time_machine.travel(datetime.datetime(2026, 11, 2, 9, 0, 1, tzinfo=datetime.UTC)):
        codes = [
            client.post(
                TOKEN,
                {"username": f"u{n}@x.example", "password": "Spring2026!"},
                REMOTE_ADDR="10.2.2.2",
                HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
            ).status_code
            for n in range(6)
        ]
    assert codes == [400, 400, 400, 400, 429, 429]


def test_rotating_x_forwarded_for_does_not_reset_the_cool_off(client, user, clock, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for n in range(3):
        client.post(
            TOKEN,
            {"username": EMAIL, "password": "wrong"},
            REMOTE_ADDR="10.3.3.3",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        )
    response = client.post(
        TOKEN,
        {"username": EMAIL, "password": PASSWORD},
        REMOTE_ADDR="10.3.3.3",
        HTTP_X_FORWARDED_FOR="198.51.100.99",
    )
    assert response.status_code == 429


def test_a_configured_proxy_header_is_the_address(client, user, clock, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.TAIBAO_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    for _ in range(2):
        sign_in(client, "wrong", ip="127.0.0.1", HTTP_X_REAL_IP="203.0.113.5")
    assert (
        sign_in(client, PASSWORD, ip="127.0.0.1", HTTP_X_REAL_IP="203.0.113.5").status_code == 429
    )
    # Another client behind the same proxy is not affected.
    assert (
        sign_in(client, PASSWORD, ip="127.0.0.1", HTTP_X_REAL_IP="203.0.113.6").status_code == 302
    )


# Racing threads (PostgreSQL): every one of 8 parallel wrong passwords is counted.

RACERS = 8


def race(work) -> list[Exception]:
    gate = threading.Barrier(RACERS, timeout=30)
    errors: list[Exception] = []

    def target():
        try:
            gate.wait()
            work()
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=target) for _ in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def wrong_password_from(ip: str) -> None:
    request = RequestFactory().post(LOGIN, REMOTE_ADDR=ip)
    assert authenticate(request=request, username=EMAIL, password="wrong") is None


def test_parallel_wrong_passwords_are_each_counted(postgres, settings):
    settings.AXES_FAILURE_LIMIT = 100
    get_user_model().objects.create_user(username=EMAIL, email=EMAIL, password=PASSWORD)
    assert race(lambda: wrong_password_from("10.4.4.4")) == []
    counted = sum(a.failures_since_start for a in AccessAttempt.objects.filter(username=EMAIL))
    assert counted == RACERS


def test_control_a_read_then_write_counter_loses_parallel_failures(postgres):
    """The same race through the old cool-off's pattern (read the count, write count + 1)."""
    from django.core.cache import cache

    key = "control:login-failures"
    cache.set(key, 0)

    def read_then_write():
        seen = cache.get(key)
        threading.Event().wait(0.05)  # the time a request spends between its read and write
        cache.set(key, seen + 1)

    assert race(read_then_write) == []
    assert cache.get(key) < RACERS
