"""An invitation link opened by someone without an account: who, to what, e-mail filled in."""

import re

import pytest
from django.core import mail

from shop.models import EnterpriseMember
from tests.browser.journeys import screenshot, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_invitee_sees_who_invited_them_to_which_enterprise_and_registers_to_join(
    page, live_server, demo_world, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    sign_in(page, live_server, "admin@guoguang.example")
    page.goto(live_server.url + "/enterprise/members/")
    page.fill("#id_email", "xiaochen@guoguang.example")
    page.get_by_role("button", name="发送邀请").click()
    page.wait_for_load_state()
    assert len(mail.outbox) == 1
    path = re.search(r"/enterprise/invitations/[^\s]+", mail.outbox[0].body).group(0)
    sign_out(page, live_server)

    page.goto(live_server.url + path)
    invitation = page.locator(".shop-invitation").inner_text()
    assert "国光采购主管" in invitation
    assert "xiaochen@guoguang.example" in invitation
    assert "国光电器股份有限公司" in invitation
    assert "采购员" in invitation
    assert page.input_value("#id_login-username") == "xiaochen@guoguang.example"
    assert page.input_value("#id_registration-email") == "xiaochen@guoguang.example"
    screenshot(page, "journey-11-invitation")

    page.fill("#id_registration-password1", "Liantang-2026-mati")
    page.fill("#id_registration-password2", "Liantang-2026-mati")
    page.click("#invitation_register_form button[name=registration_submit]")
    page.wait_for_url("**/enterprise/")
    assert "国光电器股份有限公司" in page.content()
    member = EnterpriseMember.objects.get(user__email="xiaochen@guoguang.example")
    assert (member.enterprise.name, member.role) == ("国光电器股份有限公司", "buyer")
