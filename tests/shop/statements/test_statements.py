"""Buyer impact and assistance statements: right figures, no personal data, own enterprise only."""

import base64
import datetime
import re
import zlib
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from farmers.masking import mask_name
from farmers.services.households import household_personal_data_set
from shop.models import EnterpriseMember
from shop.statements.impact import enterprise_impact
from shop.statements.models import Statement
from shop.statements.pdf import statement_pdf
from shop.statements.services import statement_issue
from tests.farmers.test_team_world import build_world, expected_by_household

pytestmark = pytest.mark.django_db

ID_NUMBERS = ["441825196203010016", "441825197005010028"]
PHONES = ["13800000001", "0763-6660001"]
CENT = Decimal("0.01")


def member(enterprise, email):
    user = get_user_model().objects.create_user(username=email, email=email, password="pw-123456")
    EnterpriseMember.objects.create(enterprise=enterprise, user=user, role="admin")
    return user


@pytest.fixture
def world():
    world = build_world()
    for household, id_number, phone in zip(world.households, ID_NUMBERS, PHONES, strict=False):
        household_personal_data_set(household=household, id_number=id_number, phone=phone)
    return world


def personal_data(world) -> list[str]:
    return [h.head_name for h in world.households] + ID_NUMBERS + PHONES


def assert_no_personal_data(text: str, world) -> None:
    for secret in personal_data(world):
        assert secret not in text, secret


def _unescape(data: bytes) -> bytes:
    """Undo PDF literal-string escapes (\\ddd octal, \\( \\) \\\\)."""
    data = re.sub(rb"\\([0-7]{1,3})", lambda m: bytes([int(m.group(1), 8) & 0xFF]), data)
    return re.sub(rb"\\(.)", rb"\1", data)


def pdf_texts(pdf: bytes) -> bytes:
    """The PDF's streams decoded (ASCII85, then Flate): where the UCS-2 CJK text is written."""
    out = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        data = match.group(1).strip()
        if data.endswith(b"~>"):
            data = base64.a85decode(data[:-2])
        try:
            data = zlib.decompress(data)
        except zlib.error:
            pass
        out.append(_unescape(data))
    return b"\n".join(out)


def ucs2_or_utf8_in(text: str, blob: bytes) -> bool:
    return text.encode("utf-16-be") in blob or text.encode("utf-8") in blob


def test_enterprise_impact_equals_what_its_lines_and_lots_say(world):
    enterprise = world.enterprises[0]
    expected = expected_by_household(world, orders=[world.orders[0]])
    impact = enterprise_impact(enterprise=enterprise)
    assert impact.units == sum(row["units"] for row in expected.values())
    total = sum(line.line_price_incl_tax for line in world.orders[0].lines.all())
    assert impact.sales_amount == total
    assert impact.households_reached == len(expected)
    assert impact.monitored_reached == (1 if world.households[2].pk in expected else 0)
    names = {h.masked_name for h in impact.households}
    assert names == {mask_name(h.head_name) for h in world.households if h.pk in expected}
    by_village = {v.name: v.amount for v in impact.villages}
    for village in world.villages:
        want = sum(
            row["sales"]
            for pk, row in expected.items()
            if any(h.pk == pk and h.village_id == village.pk for h in world.households)
        )
        if want:
            assert abs(by_village[village.name] - want) < CENT


def test_a_cancelled_order_reaches_nobody(world):
    assert enterprise_impact(enterprise=world.enterprises[2]).households == []


def test_enterprise_and_order_pages_show_masked_names_only(client, world):
    enterprise = world.enterprises[0]
    client.force_login(member(enterprise, "a@e0.example"))
    page = client.get(reverse("shop:enterprise")).content.decode()
    assert mask_name("黄石生") in page and "甲村" in page
    assert_no_personal_data(page, world)
    order = world.orders[0]
    page = client.get(
        reverse("shop:order-detail", kwargs={"number": order.number})
    ).content.decode()
    assert mask_name("欧阳秀英") in page  # 欧**英, the monitored household
    assert_no_personal_data(page, world)


def test_statement_pdf_and_verification_page_carry_figures_and_no_personal_data(client, world):
    enterprise = world.enterprises[0]
    client.force_login(member(enterprise, "a@e0.example"))
    response = client.post(
        reverse("statements:statement-list"),
        {"period_from": "2020-01-01", "period_to": "2099-12-31"},
    )
    statement = Statement.objects.get(enterprise=enterprise)
    assert response.status_code == 302
    pdf = client.get(response["Location"])
    assert pdf["Content-Type"] == "application/pdf"
    blob = pdf_texts(pdf.content)
    assert ucs2_or_utf8_in("消费帮扶情况说明", blob)  # the scan can see CJK text at all
    assert ucs2_or_utf8_in(statement.verification_code, blob)
    for secret in personal_data(world):
        assert not ucs2_or_utf8_in(secret, blob), secret
        assert not ucs2_or_utf8_in(mask_name(secret), blob) or secret in ID_NUMBERS + PHONES
    assert_no_personal_data(repr(statement.figures), world)
    total = sum(line.line_price_incl_tax for line in world.orders[0].lines.all())
    assert Decimal(statement.figures["sales_amount"]) == total
    assert statement.figures["monitored_reached"] == 1
    client.logout()
    verify = client.get(
        reverse("statements:statement-verify", kwargs={"code": statement.verification_code})
    )
    body = verify.content.decode()
    assert verify.status_code == 200 and enterprise.name in body and f"¥{total:,.2f}" in body
    assert_no_personal_data(body, world)


def test_the_pdf_builder_is_only_ever_given_figures_without_names(world):
    statement = statement_issue(
        enterprise=world.enterprises[0],
        period_from=datetime.date(2020, 1, 1),
        period_to=datetime.date(2099, 1, 1),
        issued_by=None,
    )
    assert_no_personal_data(repr(statement.figures), world)
    pdf = statement_pdf(
        figures=statement.figures, verification_code="ABCD", verify_url="https://x.example/v/ABCD/"
    )
    assert pdf.startswith(b"%PDF")


def test_a_forged_code_shows_nothing(client, world):
    statement_issue(
        enterprise=world.enterprises[0],
        period_from=datetime.date(2020, 1, 1),
        period_to=datetime.date(2099, 1, 1),
        issued_by=None,
    )
    response = client.get(
        reverse("statements:statement-verify", kwargs={"code": "AAAA-BBBB-CCCC-DDDD"})
    )
    assert response.status_code == 404
    assert world.enterprises[0].name not in response.content.decode()


def test_another_enterprises_statement_is_a_404(client, world):
    theirs = statement_issue(
        enterprise=world.enterprises[1],
        period_from=datetime.date(2020, 1, 1),
        period_to=datetime.date(2099, 1, 1),
        issued_by=None,
    )
    client.force_login(member(world.enterprises[0], "a@e0.example"))
    assert (
        client.get(reverse("statements:statement-pdf", kwargs={"pk": theirs.pk})).status_code == 404
    )
    listing = client.get(reverse("statements:statement-list")).content.decode()
    assert theirs.verification_code not in listing
    page = client.get(reverse("shop:enterprise")).content.decode()
    # E0 bought from 黄石生 and others but never reached 李明 (E1 bought only chestnuts).
    assert world.enterprises[1].name not in page


def test_a_bad_period_issues_nothing(client, world):
    client.force_login(member(world.enterprises[0], "a@e0.example"))
    response = client.post(
        reverse("statements:statement-list"),
        {"period_from": "2026-05-01", "period_to": "2026-04-01"},
    )
    assert response.status_code == 200 and not Statement.objects.exists()
