"""The work team's household register in the dashboard: access, masking, reveal, forms."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from oscar.test.factories import UserFactory

from demo.personal_data import demo_id_number
from farmers.models import (
    Household,
    Membership,
    MonitoringCategory,
    PersonalDataReveal,
)
from farmers.services.households import household_personal_data_set
from shop.roles import WORK_TEAM, role_assign
from testing.factories import (
    HouseholdFactory,
    MembershipFactory,
    MonitoringPeriodFactory,
    SellerFactory,
    VillageFactory,
)

ID_NUMBER = demo_id_number(datetime.date(1968, 2, 3), 456)
PHONE = "13712345678"
MASKED_ID = f"{ID_NUMBER[:6]}********{ID_NUMBER[-4:]}"
MASKED_PHONE = "137****5678"


def url(name: str, **kwargs) -> str:
    return reverse(f"household-register:register-{name}", kwargs=kwargs)


def assert_no_plain_personal_data(html: str) -> None:
    for secret in (ID_NUMBER, ID_NUMBER.lower(), ID_NUMBER[6:14], PHONE, PHONE[3:7]):
        assert secret not in html


@pytest.fixture
def team_user(db):
    user = UserFactory(is_staff=True)
    role_assign(user=user, role=WORK_TEAM)
    return user


@pytest.fixture
def team(client, team_user):
    client.force_login(team_user)
    return client


@pytest.fixture
def household(db):
    household = HouseholdFactory(head_name="黄石生", industries="马蹄 生姜")
    household_personal_data_set(household=household, id_number=ID_NUMBER, phone=PHONE)
    MembershipFactory(household=household)
    MonitoringPeriodFactory(household=household, category=MonitoringCategory.UNSTABLE_EXITED)
    return household


# --- Masking -----------------------------------------------------------------------


@pytest.mark.django_db
def test_every_register_page_shows_personal_data_masked(team, household):
    membership = household.memberships.get()
    pages = [
        url("household-list"),
        url("household-list") + "?q=黄石生",
        url("household-detail", pk=household.pk),
        url("household-update", pk=household.pk),
        url("household-reveal", pk=household.pk),
        url("seller-members", seller_pk=membership.seller_id),
        url("monitoring-add", pk=household.pk),
        url("membership-remove", pk=household.pk, membership_pk=membership.pk),
    ]
    for page in pages:
        response = team.get(page)
        assert response.status_code == 200, page
        assert_no_plain_personal_data(response.content.decode())
    for page in pages[:4]:
        html = team.get(page).content.decode()
        assert MASKED_ID in html and MASKED_PHONE in html, page


@pytest.mark.django_db
def test_the_admin_shows_personal_data_masked(client, household):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    for page in (
        reverse("admin:farmers_household_change", args=[household.pk]),
        reverse("admin:farmers_household_changelist"),
    ):
        response = client.get(page)
        assert response.status_code == 200
        assert_no_plain_personal_data(response.content.decode())
    assert (
        MASKED_ID
        in client.get(
            reverse("admin:farmers_household_change", args=[household.pk])
        ).content.decode()
    )


# --- Reveal ------------------------------------------------------------------------


@pytest.mark.django_db
def test_reveal_shows_the_value_once_and_writes_exactly_one_audit_row(team, team_user, household):
    response = team.post(
        url("household-reveal", pk=household.pk),
        {"field": "id_number", "reason": "核对低保名单"},
    )
    assert response.status_code == 200
    assert ID_NUMBER in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    audit = PersonalDataReveal.objects.get()
    assert audit.household == household
    assert audit.field == "id_number"
    assert audit.reason == "核对低保名单"
    assert audit.revealed_by == team_user
    assert audit.revealed_at is not None
    # the detail page lists the record, still masked
    html = team.get(url("household-detail", pk=household.pk)).content.decode()
    assert "核对低保名单" in html
    assert_no_plain_personal_data(html)


@pytest.mark.django_db
def test_reveal_without_a_reason_shows_nothing_and_records_nothing(team, household):
    response = team.post(url("household-reveal", pk=household.pk), {"field": "phone", "reason": ""})
    assert response.status_code == 200
    assert_no_plain_personal_data(response.content.decode())
    assert not PersonalDataReveal.objects.exists()


@pytest.mark.django_db
def test_staff_without_the_reveal_permission_get_403_and_no_audit_row(client, household):
    clerk = UserFactory(is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_household"))
    client.force_login(clerk)
    assert client.get(url("household-list")).status_code == 200
    for method in (client.get, client.post):
        response = method(
            url("household-reveal", pk=household.pk), {"field": "id_number", "reason": "看看"}
        )
        assert response.status_code == 403
    assert not PersonalDataReveal.objects.exists()
    # and the page offers no reveal button
    assert "reveal" not in client.get(url("household-detail", pk=household.pk)).content.decode()


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_the_login_page(client, household):
    for page in (url("household-list"), url("household-reveal", pk=household.pk)):
        response = client.get(page)
        assert response.status_code == 302
        assert reverse("dashboard:login") in response["Location"]
    client.post(url("household-reveal", pk=household.pk), {"field": "phone", "reason": "x"})
    assert not PersonalDataReveal.objects.exists()


@pytest.mark.django_db
def test_unknown_ids_give_404(team, household):
    other = HouseholdFactory()
    period = MonitoringPeriodFactory(household=other)
    membership = MembershipFactory(household=other)
    assert team.get(url("household-detail", pk=99999)).status_code == 404
    assert team.post(url("household-reveal", pk=99999), {"reason": "x"}).status_code == 404
    assert (
        team.get(url("monitoring-update", pk=household.pk, period_pk=period.pk)).status_code == 404
    )
    response = team.post(url("membership-remove", pk=household.pk, membership_pk=membership.pk))
    assert response.status_code == 404
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_demo_seller_staff_and_buyer_are_kept_out_and_nothing_is_recorded(client, demo_world):
    household = Household.objects.get(code="H01")
    assert household.has_id_number  # the demo gives H01 a fictional ID number
    membership = household.memberships.first()
    for email in ("seller@fengle.example", "buyer@guoguang.example"):
        client.force_login(get_user_model().objects.get(email=email))
        for page in (
            url("household-list"),
            url("household-create"),
            url("household-detail", pk=household.pk),
            url("household-update", pk=household.pk),
            url("household-reveal", pk=household.pk),
            url("seller-list"),
            url("seller-members", seller_pk=membership.seller_id),
        ):
            response = client.get(page)
            assert response.status_code in (403, 404), (email, page, response.status_code)
        for page, data in (
            (url("household-reveal", pk=household.pk), {"field": "id_number", "reason": "好奇"}),
            (url("household-update", pk=household.pk), {"head_name": "改名"}),
            (url("membership-remove", pk=household.pk, membership_pk=membership.pk), {}),
            (url("monitoring-add", pk=household.pk), {"category": "SUDDEN_HARDSHIP"}),
        ):
            assert client.post(page, data).status_code in (403, 404), (email, page)
    assert not PersonalDataReveal.objects.exists()
    assert Membership.objects.filter(pk=membership.pk).exists()
    assert Household.objects.get(code="H01").head_name == household.head_name

    # the demo work team gets in, sees masks, and can reveal with a reason
    client.force_login(get_user_model().objects.get(email="team@taibao.example"))
    html = client.get(url("household-list")).content.decode()
    assert household.id_number_masked in html
    response = client.post(
        url("household-reveal", pk=household.pk), {"field": "id_number", "reason": "演示"}
    )
    assert response.status_code == 200
    assert PersonalDataReveal.objects.count() == 1
    assert url("household-list") in client.get(reverse("dashboard:index")).content.decode()


# --- Forms: create, edit, bad input ---------------------------------------------------------


def household_form_data(village, **overrides) -> dict:
    return {
        "code": "N001",
        "head_name": "梁永福",
        "village": village.pk,
        "members_count": 4,
        "industries": "瓜蒌籽",
        "is_leader": "",
        "id_number": "",
        "phone": "",
        **overrides,
    }


@pytest.mark.django_db
def test_the_team_registers_a_household_with_id_number_and_landline(team):
    village = VillageFactory()
    response = team.post(
        url("household-create"),
        household_form_data(village, id_number=ID_NUMBER, phone="0763 6660001", is_leader="on"),
    )
    household = Household.objects.get(code="N001")
    assert response.status_code == 302
    assert response["Location"] == url("household-detail", pk=household.pk)
    assert household.is_leader and household.members_count == 4
    assert household.phone_masked == "0763-***0001"
    assert household.id_number_masked == MASKED_ID


@pytest.mark.django_db
def test_a_wrong_check_digit_and_a_bad_phone_are_named_in_both_languages_and_nothing_is_saved(
    team,
):
    village = VillageFactory()
    bad_id = ID_NUMBER[:17] + ("0" if ID_NUMBER[17] != "0" else "1")
    response = team.post(
        url("household-create"), household_form_data(village, id_number=bad_id, phone="1234567")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "身份证号码校验码不正确" in html and "ID number: the check digit is wrong" in html
    assert "联系电话无效" in html and "Phone: enter an 11-digit mobile number" in html
    assert not Household.objects.filter(code="N001").exists()


@pytest.mark.django_db
def test_editing_with_a_bad_phone_changes_nothing(team, household):
    before = Household.objects.values().get(pk=household.pk)
    response = team.post(
        url("household-update", pk=household.pk),
        household_form_data(household.village, head_name="新名字", phone="2345678901"),
    )
    assert response.status_code == 200
    assert "Phone" in response.content.decode()
    assert Household.objects.values().get(pk=household.pk) == before


@pytest.mark.django_db
def test_editing_keeps_personal_data_left_empty_and_cannot_change_the_code(team, household):
    response = team.post(
        url("household-update", pk=household.pk),
        household_form_data(household.village, code="HIJACK", head_name="黄石生", members_count=6),
    )
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.code != "HIJACK"
    assert household.members_count == 6
    assert household.id_number_masked == MASKED_ID and household.phone_masked == MASKED_PHONE
    team.post(
        url("household-update", pk=household.pk),
        household_form_data(household.village, head_name="黄石生", clear_phone="on"),
    )
    household.refresh_from_db()
    assert not household.has_phone and household.has_id_number


# --- Monitoring history and membership through the pages -------------------------------------


@pytest.mark.django_db
def test_an_overlapping_period_is_refused_on_the_page(team, household):
    # the fixture's open period started 2024-01-01
    response = team.post(
        url("monitoring-add", pk=household.pk),
        {"category": "SUDDEN_HARDSHIP", "started_on": "2025-03-01", "ended_on": "", "note": ""},
    )
    assert response.status_code == 200
    assert "重叠" in response.content.decode()
    assert household.monitoring_periods.count() == 1


@pytest.mark.django_db
def test_closing_then_adding_periods_builds_the_history(team, household):
    period = household.monitoring_periods.get()
    response = team.post(
        url("monitoring-close", pk=household.pk, period_pk=period.pk),
        {"ended_on": "2025-01-01", "note": "稳定增收"},
    )
    assert response.status_code == 302
    response = team.post(
        url("monitoring-add", pk=household.pk),
        {"category": "SUDDEN_HARDSHIP", "started_on": "2025-06-01", "ended_on": "", "note": "洪灾"},
    )
    assert response.status_code == 302
    assert list(household.monitoring_periods.values_list("category", "ended_on")) == [
        ("SUDDEN_HARDSHIP", None),
        ("UNSTABLE_EXITED", datetime.date(2025, 1, 1)),
    ]
    bad = team.post(
        url("monitoring-update", pk=household.pk, period_pk=period.pk),
        {"category": "UNSTABLE_EXITED", "started_on": "2024-01-01", "ended_on": "2023-01-01"},
    )
    assert bad.status_code == 200
    assert "结束日期必须晚于开始日期" in bad.content.decode()


@pytest.mark.django_db
def test_membership_is_unique_and_can_be_removed_on_the_pages(team, household):
    seller = SellerFactory()
    data = {"seller": seller.pk, "joined_on": "2025-02-01"}
    assert team.post(url("membership-add", pk=household.pk), data).status_code == 302
    again = team.post(url("membership-add", pk=household.pk), data)
    assert again.status_code == 200
    assert "already a member" in again.content.decode()
    assert Membership.objects.filter(seller=seller, household=household).count() == 1

    # from the seller's side too
    again = team.post(
        url("seller-members", seller_pk=seller.pk),
        {"household": household.pk, "joined_on": "2025-02-01"},
    )
    assert again.status_code == 200 and "already a member" in again.content.decode()

    membership = Membership.objects.get(seller=seller, household=household)
    removed = team.post(url("membership-remove", pk=household.pk, membership_pk=membership.pk))
    assert removed.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()


# --- The list: filters and a fixed number of queries ----------------------------------------


@pytest.mark.django_db
def test_the_list_filters_by_search_village_category_and_leader(team):
    lianhe, shangping = VillageFactory(name="莲塘村"), VillageFactory(name="上坪村")
    monitored = HouseholdFactory(code="L01", head_name="黄石生", village=lianhe)
    MonitoringPeriodFactory(household=monitored, category=MonitoringCategory.MARGINAL_AT_RISK)
    ended = HouseholdFactory(code="L02", head_name="李桂英", village=lianhe)
    MonitoringPeriodFactory(
        household=ended, started_on=datetime.date(2023, 1, 1), ended_on=datetime.date(2024, 1, 1)
    )
    leader = HouseholdFactory(code="S01", head_name="莫春花", village=shangping, is_leader=True)

    def codes(**params) -> set[str]:
        response = team.get(url("household-list"), params)
        return {h.code for h in response.context["households"]}

    assert codes() == {"L01", "L02", "S01"}
    assert codes(q="春花") == {"S01"}
    assert codes(q="莲塘") == {"L01", "L02"}
    assert codes(q="l0") == {"L01", "L02"}
    assert codes(village=shangping.pk) == {"S01"}
    assert codes(category="MARGINAL_AT_RISK") == {"L01"}
    assert codes(category="none") == {"L02", "S01"}
    assert codes(leader="yes") == {"S01"}
    assert codes(leader="no", village=lianhe.pk) == {"L01", "L02"}
    assert leader.code in team.get(url("household-list")).content.decode()


@pytest.mark.django_db
def test_the_list_costs_the_same_number_of_queries_for_3_or_25_households(team):
    def make(count: int) -> None:
        for _ in range(count):
            household = HouseholdFactory()
            household_personal_data_set(household=household, phone=PHONE)
            MembershipFactory(household=household)
            MonitoringPeriodFactory(household=household)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert team.get(url("household-list")).status_code == 200
        return len(captured.captured_queries)

    make(3)
    team.get(url("household-list"))  # warm caches (site, permissions of the session user)
    few = queries()
    make(22)
    many = queries()
    assert few == many
    assert many <= 20


@pytest.mark.django_db
def test_the_list_is_paginated(team):
    HouseholdFactory.create_batch(30)
    first = team.get(url("household-list"))
    assert len(first.context["households"]) == 25
    second = team.get(url("household-list"), {"page": 2})
    assert len(second.context["households"]) == 5
