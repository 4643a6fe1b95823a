"""Only the work team gets into the team's report pages; the demo's seller and buyer do not."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.farmers.test_team_world import build_world, team_user

pytestmark = pytest.mark.django_db

PAGES = [
    "team-dashboard:team-reconciliation",
    "team-dashboard:team-sales-household",
    "team-dashboard:team-sales-village",
    "team-dashboard:team-sales-seller",
    "team-dashboard:team-sales-product",
    "team-dashboard:team-sales-enterprise",
    "team-dashboard:team-monitored",
    "team-dashboard:team-pledges",
]


@pytest.mark.parametrize("email", ["seller@fengle.example", "buyer@guoguang.example"])
def test_demo_seller_and_buyer_are_kept_out_of_every_team_page(client, demo_world, email):
    client.force_login(get_user_model().objects.get(email=email))
    for name in PAGES:
        response = client.get(reverse(name))
        assert response.status_code in {302, 403, 404}, name
        assert "莲塘村" not in response.content.decode()


def test_staff_without_the_team_permissions_is_refused(client, db):
    client.force_login(get_user_model().objects.create_user("s@x.example", is_staff=True))
    for name in PAGES:
        assert client.get(reverse(name)).status_code in {302, 403}, name


def test_demo_work_team_sees_every_page(client, demo_world):
    client.force_login(get_user_model().objects.get(email="team@taibao.example"))
    for name in PAGES:
        assert client.get(reverse(name)).status_code == 200, name


def test_household_page_links_to_the_register_and_sorts(client):
    world = build_world()
    client.force_login(team_user())
    url = reverse("team-dashboard:team-sales-household")
    response = client.get(url, {"sort": "units", "village": world.villages[0].pk})
    body = response.content.decode()
    assert response.status_code == 200
    first = world.households[0]
    assert reverse("household-register:register-household-detail", kwargs={"pk": first.pk}) in body
    assert world.households[1].code not in body  # 乙村 filtered out
    assert "sort=-units" in body  # clicking the sorted column again reverses it


def test_a_bad_period_is_named_and_shows_everything(client):
    build_world()
    client.force_login(team_user())
    response = client.get(
        reverse("team-dashboard:team-sales-village"),
        {"date_from": "2026-05-01", "date_to": "2026-04-01"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["date_to"]


@pytest.mark.parametrize("year", ["123456", "0", "two thousand"])
def test_a_year_that_is_not_a_calendar_year_shows_this_year(client, frozen_today, demo_world, year):
    client.force_login(get_user_model().objects.get(email="team@taibao.example"))
    response = client.get(reverse("team-dashboard:team-pledges"), {"year": year})
    assert response.status_code == 200
    assert response.context["year"] == 2027  # the year in Shanghai, not yet in UTC
