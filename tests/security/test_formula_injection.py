"""Every CSV the product writes neutralises cells that begin like a formula.

A buyer types ``=HYPERLINK(…)`` as a recipient's name or as their own name;
platform staff download the dashboard's order list or Oscar's reports and
open them in a spreadsheet. The cell must arrive as text (a leading
apostrophe), never as a live formula.
"""

import csv
import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from oscar.test.factories import ShippingAddressFactory, create_order

from farmers.reports import exports
from security import formulas

pytestmark = pytest.mark.django_db

HOSTILE = '=HYPERLINK("http://evil.example/","点此查看发票")'


def rows_of(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.fixture
def staff(client):
    user = get_user_model().objects.create_superuser(
        username="ops", email="ops@taibao.example", password="x-long-enough-1"
    )
    client.force_login(user)
    return user


@pytest.fixture
def hostile_order():
    buyer = get_user_model().objects.create_user(
        username="b", email="b@e.example", password="x", first_name=HOSTILE, last_name=""
    )
    address = ShippingAddressFactory(first_name=HOSTILE, last_name="")
    return create_order(user=buyer, shipping_address=address)


def test_dashboard_order_csv_keeps_a_recipients_formula_as_text(client, staff, hostile_order):
    response = client.get("/dashboard/orders/", {"response_format": "csv"})
    assert response.status_code == 200
    cells = [cell for row in rows_of(response) for cell in row]
    assert any(cell.startswith("'=HYPERLINK") for cell in cells), cells
    assert not any(cell.startswith("=") for cell in cells)


def test_oscars_order_report_csv_keeps_a_buyers_name_as_text(client, staff, hostile_order):
    today = datetime.date.today()
    response = client.get(
        "/dashboard/reports/",
        {
            "report_type": "order_report",
            "date_from": (today - datetime.timedelta(days=2)).isoformat(),
            "date_to": (today + datetime.timedelta(days=2)).isoformat(),
            "download": "true",
        },
    )
    assert response.status_code == 200 and response["Content-Type"] == "text/csv"
    cells = [cell for row in rows_of(response) for cell in row]
    assert any(cell.startswith("'=HYPERLINK") for cell in cells), cells
    assert not any(cell.startswith("=") for cell in cells)


def test_the_team_exports_use_the_one_shared_helper():
    assert exports.neutralise_cell is formulas.neutralise_cell


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_every_formula_trigger_is_neutralised(text):
    assert formulas.neutralise_cell(text) == "'" + text
