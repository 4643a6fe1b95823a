"""The shop hands its enterprise reports and its payment state down to farmers' registries."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import resolve, reverse

from farmers.reports.exports import report_tables
from farmers.reports.sales import DIMENSIONS
from farmers.services import attribution
from shop.reports.exports import PLEDGES
from shop.reports.sales import ENTERPRISE
from shop.reports.views import PledgesView


def test_the_team_dashboard_serves_the_shops_reports_under_its_own_names():
    assert DIMENSIONS["enterprise"] is ENTERPRISE
    assert report_tables()["pledges"] is PLEDGES
    assert "sales-enterprise" in report_tables()
    assert resolve(reverse("team-dashboard:team-pledges")).func.view_class is PledgesView


def test_attribution_refuses_to_guess_which_lines_are_paid(monkeypatch):
    assert attribution._paid_line_lookup("line__") == {"line__order__payment_status": "paid"}
    monkeypatch.setattr(attribution, "_PAID_LINE", {})
    with pytest.raises(ImproperlyConfigured):
        attribution._paid_line_lookup("line__")
