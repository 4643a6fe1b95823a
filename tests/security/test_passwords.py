"""Password policy: Django's validators (10+ characters, not common, not like the account)
wherever a password is chosen — sign-up, joining by invitation, change and reset."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from shop.models import EnterpriseMember
from shop.services.enterprises import member_invite
from tests.shop.conftest import make_buyer

pytestmark = pytest.mark.django_db

GOOD = "Lotus-root-harvest-77"
WEAK = ["1", "password123", "qwertyuiop", "1234567890", "Short-9ch", "new.buyer@x.example"]


def register(client, *, email, password, redirect_url="", next_url=""):
    return client.post(
        "/accounts/login/" + (f"?next={next_url}" if next_url else ""),
        {
            "registration-email": email,
            "registration-password1": password,
            "registration-password2": password,
            "registration-redirect_url": redirect_url,
            "registration_submit": "1",
        },
    )


@pytest.mark.parametrize("password", WEAK)
def test_sign_up_refuses_a_weak_password(client, password):
    response = register(client, email="new.buyer@x.example", password=password)
    assert response.status_code == 200  # the form again, with the validator's message
    assert not get_user_model().objects.filter(email="new.buyer@x.example").exists()


def test_sign_up_accepts_a_password_that_meets_the_policy(client):
    response = register(client, email="new.buyer@x.example", password=GOOD)
    assert response.status_code == 302
    assert get_user_model().objects.filter(email="new.buyer@x.example").exists()


def test_joining_by_invitation_needs_a_password_that_meets_the_policy(client, enterprise):
    admin = make_buyer(email="admin@e.example", enterprise=enterprise, role="admin")
    invitation = member_invite(
        enterprise=enterprise,
        invited_by=admin,
        email="invitee@x.example",
        role="buyer",
        accept_url_template="/enterprise/invitations/{token}/",
    )
    accept = f"/enterprise/invitations/{invitation.token}/"
    page = client.get(accept)  # who invited whom, with the sign-up form filled in
    assert page.status_code == 200 and "invitee@x.example" in page.content.decode()
    refused = register(client, email="invitee@x.example", password="1", redirect_url=accept)
    assert refused.status_code == 200
    assert not get_user_model().objects.filter(email="invitee@x.example").exists()
    joined = register(client, email="invitee@x.example", password=GOOD, redirect_url=accept)
    assert joined.status_code == 302 and joined["Location"] == accept
    client.get(accept)
    assert EnterpriseMember.objects.filter(user__email="invitee@x.example").exists()


def test_changing_a_password_refuses_a_weak_one(client):
    user = get_user_model().objects.create_user(
        username="b@x.example", email="b@x.example", password=GOOD
    )
    client.force_login(user)
    response = client.post(
        "/accounts/change-password/",
        {"old_password": GOOD, "new_password1": "12345", "new_password2": "12345"},
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(GOOD)


def test_resetting_a_password_refuses_a_weak_one(client):
    user = get_user_model().objects.create_user(
        username="b@x.example", email="b@x.example", password=GOOD
    )
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    page = client.get(f"/password-reset/confirm/{uid}/{token}/", follow=True)
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else None
    assert form_url, "the reset link leads to the form"
    response = client.post(form_url, {"new_password1": "abc", "new_password2": "abc"})
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(GOOD)


def test_every_demo_account_password_meets_the_policy(demo_world, settings):
    accounts = get_user_model().objects.filter(email__endswith=".example")
    assert accounts.count() >= 5
    for user in accounts:
        validate_password(settings.TAIBAO_DEMO_PASSWORD, user)


def test_the_policy_is_ten_characters_at_least():
    with pytest.raises(ValidationError):
        validate_password("Xq7!vR2#p")  # 9 characters, otherwise fine
    validate_password("Xq7!vR2#pL")
