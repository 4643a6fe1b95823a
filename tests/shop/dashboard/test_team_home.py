"""The work team's landing page: who may open it, and figures that agree with their reports."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from demo.history import demo_history_load

pytestmark = pytest.mark.django_db

URL = "/dashboard/team/"


def _login(client, email):
    client.force_login(get_user_model().objects.get(username=email))


@pytest.mark.parametrize(
    "email", ["seller@fengle.example", "buyer@guoguang.example", "admin@guoguang.example"]
)
def test_only_the_work_team_and_the_platform_admin_open_it(client, demo_world, email):
    _login(client, email)
    response = client.get(URL)
    assert response.status_code in (302, 403)
    assert "tile-monitored" not in response.content.decode()


def test_with_no_sales_every_monitored_household_is_flagged_and_the_tiles_link_reports(
    client, demo_world
):
    _login(client, "team@taibao.example")
    response = client.get(URL)
    assert response.status_code == 200
    home = response.context["home"]
    assert home.month_sales == Decimal("0.00") and home.transfers_waiting == 0
    assert len(home.flagged) == home.monitored == 11
    html = response.content.decode()
    for name in ("team-monitored", "team-pledges", "team-reconciliation", "team-charts"):
        assert f'href="{reverse("team-dashboard:" + name)}"' in html
    assert f'href="{reverse("shop-dashboard:transfers")}"' in html
    _login(client, "admin@taibao.example")
    assert client.get(URL).status_code == 200


def test_the_figures_are_the_reports_figures(
    client, demo_world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        demo_history_load()
    _login(client, "team@taibao.example")
    home = client.get(URL).context["home"]
    monitored = client.get(reverse("team-dashboard:team-monitored")).context
    flagged = [row.code for row, *_settlement in monitored["rows"] if row.flagged]
    assert [row.code for row in home.flagged] == flagged
    transfers = client.get(reverse("shop-dashboard:transfers")).context["orders"]
    assert home.transfers_waiting == len(transfers) == 1
    pledges = client.get(reverse("team-dashboard:team-pledges")).context["rows"]
    assert home.purchased == sum(row.purchased for row in pledges) > 0
    assert len(home.months) == 12
