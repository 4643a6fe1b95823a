"""Mail the platform sends on request (invitations, password resets) is rate-limited per
signed-in user, per address and per recipient; invitations carry no text the inviter chose."""

import datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail

from tests.shop.conftest import make_buyer, make_enterprise

pytestmark = pytest.mark.django_db

# One instant inside an hour's window (the limits are fixed windows of the clock).
INSIDE_ONE_HOUR = datetime.datetime(2026, 11, 2, 9, 0, 1, tzinfo=datetime.UTC)
PHISHING = "财务处通知：点击 http://evil.example/pay 领取补贴"


@pytest.fixture(autouse=True)
def one_instant():
    with time_machine.travel(INSIDE_ONE_HOUR, tick=False):
        yield


@pytest.fixture
def limits(settings):
    settings.TAIBAO_RATE_LIMITS = {
        **settings.TAIBAO_RATE_LIMITS,
        "invitation": (2, 3600),
        "password-reset": (2, 3600),
    }


def reset(client, email, ip):
    return client.post("/password-reset/", {"email": email}, REMOTE_ADDR=ip).status_code


def test_password_resets_are_limited_per_address(client, limits):
    for n in range(3):
        get_user_model().objects.create_user(f"u{n}", f"u{n}@x.example", "Lotus-root-harvest-77")
    codes = [reset(client, f"u{n}@x.example", "10.6.6.6") for n in range(3)]
    assert codes == [302, 302, 429]
    assert len(mail.outbox) == 2


def test_password_resets_are_limited_per_recipient_whatever_the_address(client, limits):
    get_user_model().objects.create_user("v", "victim@x.example", "Lotus-root-harvest-77")
    codes = [reset(client, "Victim@X.example", f"10.7.7.{n}") for n in range(3)]
    assert codes == [302, 302, 429]
    assert len(mail.outbox) == 2


@pytest.fixture
def invite(django_capture_on_commit_callbacks):
    """Post an invitation; its mail, sent after commit, is sent."""

    def post(client, email, ip="10.8.8.8"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/enterprise/members/", {"email": email, "role": "buyer"}, REMOTE_ADDR=ip
            )
        return response.status_code

    return post


def test_invitations_are_limited_per_user(client, limits, invite):
    enterprise = make_enterprise()
    client.force_login(make_buyer(email="admin@a.example", enterprise=enterprise, role="admin"))
    codes = [invite(client, f"p{n}@x.example", ip=f"10.9.9.{n}") for n in range(3)]
    assert codes == [302, 302, 429]
    assert len(mail.outbox) == 2


def test_invitations_are_limited_per_recipient_across_enterprises(client, limits, invite):
    codes = []
    for n in range(3):
        enterprise = make_enterprise(index=n)
        client.force_login(
            make_buyer(email=f"admin{n}@a.example", enterprise=enterprise, role="admin")
        )
        codes.append(invite(client, "target@x.example", ip=f"10.10.10.{n}"))
    assert codes == [302, 302, 429]
    assert len(mail.outbox) == 2


def test_an_invitation_carries_no_text_the_inviter_chose(client, invite):
    enterprise = make_enterprise(name="广州测试电器有限公司")
    admin = make_buyer(email="admin@a.example", enterprise=enterprise, role="admin")
    admin.first_name, admin.last_name = PHISHING, ""
    admin.save()
    client.force_login(admin)
    assert invite(client, "new@x.example") == 302
    [message] = mail.outbox
    assert PHISHING not in message.body and "evil.example" not in message.body
    assert PHISHING not in message.subject
    assert "广州测试电器有限公司" in message.body
