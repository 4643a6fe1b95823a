"""The team's reports say what the lots and paid lines say (worked out here by hand)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from farmers.models import Attribution
from farmers.reports.ledger import ANY_MONITORED, ReportFilters
from farmers.reports.monitored import monitored_households_income
from farmers.reports.sales import sales_grouped, sales_report_page, sales_totals
from farmers.services.ledger_summary import ledger_summary_rebuild
from farmers.services.stock import lot_receive
from shop.reports.pledges import pledges_progress
from testing.factories import HouseholdFactory, MembershipFactory
from tests.farmers.test_team_world import (
    build_world,
    expected_by_household,
    paid_order,
    stock_record_for,
    team_user,
)

pytestmark = pytest.mark.django_db

CENT = Decimal("0.01")


@pytest.fixture
def world(frozen_today):
    return build_world()


def test_household_report_equals_what_lots_and_lines_say(world):
    expected = expected_by_household(world)
    page = sales_report_page(dimension="household", filters=ReportFilters(), per_page=50)
    got = {row["key"]: row for row in page.rows}
    assert set(got) == set(expected)
    for household_id, want in expected.items():
        row = got[household_id]
        assert row["units"] == want["units"]
        assert abs(row["sales_amount"] - want["sales"]) < CENT
        assert row["household_income"] == want["income"].quantize(CENT)
        assert row["orders"] == len(want["orders"]) + (
            1 if household_id == world.households[1].pk else 0  # the cancelled order, netted
        )
    total = sum(line.line_price_incl_tax for order in world.orders for line in order.lines.all())
    assert sales_totals(filters=ReportFilters())["sales_amount"] == total


def test_village_seller_product_and_enterprise_reports_add_up(world):
    expected = expected_by_household(world)
    villages = {
        row["label"]: row for row in sales_grouped(dimension="village", filters=ReportFilters())
    }
    for village in world.villages:
        ids = [h.pk for h in world.households if h.village_id == village.pk]
        want = sum(expected[i]["units"] for i in ids if i in expected)
        assert villages[village.name]["units"] == want
    enterprises = {
        row["key"]: row for row in sales_grouped(dimension="enterprise", filters=ReportFilters())
    }
    for order in world.orders:
        assert (
            enterprises[order.enterprise_id]["sales_amount"]
            == order.total_incl_tax - order.shipping_incl_tax
        )
    assert enterprises[world.cancelled.enterprise_id]["sales_amount"] == 0
    sellers = {
        row["key"]: row for row in sales_grouped(dimension="seller", filters=ReportFilters())
    }
    for seller, record in zip(world.sellers, world.records, strict=True):
        lines = [
            line for o in world.orders for line in o.lines.all() if line.stockrecord_id == record.pk
        ]
        assert sellers[seller.partner_id]["units"] == sum(line.quantity for line in lines)
    products = {
        row["key"]: row for row in sales_grouped(dimension="product", filters=ReportFilters())
    }
    for record in world.records:
        lines = [
            line for o in world.orders for line in o.lines.all() if line.stockrecord_id == record.pk
        ]
        assert products[record.product_id]["sales_amount"] == sum(
            line.line_price_incl_tax for line in lines
        )


def test_filters_narrow_by_village_seller_category_and_dates(world):
    expected = expected_by_household(world)
    village = world.villages[1]
    rows = list(sales_grouped(dimension="household", filters=ReportFilters(village_id=village.pk)))
    assert {r["key"] for r in rows} == {
        h.pk for h in world.households if h.village_id == village.pk
    } & set(expected)
    monitored = world.households[2]
    rows = list(sales_grouped(dimension="household", filters=ReportFilters(category=ANY_MONITORED)))
    assert [r["key"] for r in rows] == [monitored.pk]
    rows = list(
        sales_grouped(dimension="household", filters=ReportFilters(seller_id=world.sellers[1].pk))
    )
    assert {r["key"] for r in rows} == {world.households[3].pk, monitored.pk}
    # Move the first order's entries into last year: a date range leaves them out.
    last_year = timezone.now() - datetime.timedelta(days=400)
    Attribution.objects.filter(line__order=world.orders[0]).update(created_at=last_year)
    ledger_summary_rebuild()  # a change behind the services' back, as an operator repairs it
    since = timezone.localdate() - datetime.timedelta(days=30)
    totals = sales_totals(filters=ReportFilters(date_from=since, date_to=timezone.localdate()))
    assert totals["sales_amount"] == sum(
        line.line_price_incl_tax for line in world.orders[1].lines.all()
    )


def test_sorting_by_sales_puts_the_biggest_first(world):
    rows = list(sales_grouped(dimension="household", filters=ReportFilters(), sort="-sales_amount"))
    amounts = [r["sales_amount"] for r in rows]
    assert amounts == sorted(amounts, reverse=True)
    rows = list(sales_grouped(dimension="household", filters=ReportFilters(), sort="units"))
    assert [r["units"] for r in rows] == sorted(r["units"] for r in rows)


def test_monitored_household_income_and_flags(world, settings):
    expected = expected_by_household(world)
    monitored = world.households[2]
    rows = monitored_households_income(threshold=Decimal("100.00"))
    assert [r.pk for r in rows] == [monitored.pk]
    row = rows[0]
    assert row.income_30 == row.income_365 == expected[monitored.pk]["income"].quantize(CENT)
    assert not row.no_sale_30 and row.below_threshold == (row.income_30 < 100)
    Attribution.objects.filter(household=monitored).update(
        created_at=timezone.now() - datetime.timedelta(days=45)
    )
    row = monitored_households_income(threshold=Decimal("1.00"))[0]
    assert row.no_sale_30 and row.flagged and row.income_30 == 0 and row.income_90 > 0


def test_pledge_progress_counts_this_years_purchases_and_the_paired_share(world):
    expected = expected_by_household(world)
    rows = {r.enterprise: r for r in pledges_progress()}
    village_pairing = rows[world.enterprises[0].name]
    order = world.orders[0]
    assert village_pairing.purchased == sum(line.line_price_incl_tax for line in order.lines.all())
    in_village = [h for h in world.households if h.village_id == world.villages[0].pk]
    want = sum(
        expected_by_household(world, orders=[order]).get(h.pk, {}).get("sales", Decimal(0))
        for h in in_village
    )
    assert abs(village_pairing.to_counterpart - want) < CENT
    town_pairing = rows[world.enterprises[1].name]
    assert town_pairing.to_counterpart == town_pairing.purchased  # every village is in the town
    assert town_pairing.percent == (town_pairing.purchased / 500 * 100).quantize(Decimal("0.1"))
    assert expected  # the world sold something


@pytest.mark.parametrize("dimension", ["household", "village", "seller", "product", "enterprise"])
def test_report_pages_cost_the_same_queries_whatever_their_length(client, world, dimension):
    client.force_login(team_user())
    url = reverse(f"team-dashboard:team-sales-{dimension}")
    client.get(url)  # the session and the permission set, as after any first page
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    # Five more households, villages and products with sales: no more queries.
    for i in range(5):
        household = HouseholdFactory()
        MembershipFactory(seller=world.sellers[0], household=household)
        record = stock_record_for(world.sellers[0], "8.00")
        lot_receive(
            stock_record=record,
            household=household,
            units=5,
            received_on=datetime.date(2026, 2, 1),
            trace_code=f"Q{i}",
            farmgate_unit_price=Decimal("5"),
        )
        paid_order(world.enterprises[i % 3], [(record, 2)])
    with CaptureQueriesContext(connection) as more:
        response = client.get(url)
    assert response.status_code == 200
    assert len(more) == len(few)
    assert len(few) <= 20
