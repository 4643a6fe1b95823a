"""The team's sales charts: valid, accessible SVG whose bars carry the figures of the sales."""

import datetime
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from farmers.models import Attribution
from farmers.reports.charts import sales_by_month
from farmers.reports.ledger import ReportFilters
from farmers.services.ledger_summary import ledger_summary_rebuild
from farmers.services.stock import lot_receive
from farmers.team_dashboard.svg import Bar, Series, bar_chart, column_chart
from testing.factories import HouseholdFactory, MembershipFactory
from tests.farmers.test_team_world import (
    build_world,
    expected_by_household,
    paid_order,
    stock_record_for,
    team_user,
)

SVG = "{http://www.w3.org/2000/svg}"
CENT = Decimal("0.01")


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and title.text and desc is not None and desc.text
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    for element in root.iter():
        assert "style" not in element.attrib
        assert not any(name.startswith("on") for name in element.attrib)
        assert element.tag != f"{SVG}script"
    return root


def bars(root: ET.Element, series: str | None = None) -> dict[str, Decimal]:
    found = {}
    for rect in root.iter(f"{SVG}rect"):
        if "chart-bar" not in rect.get("class", ""):
            continue
        if series is not None and rect.get("data-series") != series:
            continue
        found[rect.get("data-category")] = Decimal(rect.get("data-value"))
        assert rect.find(f"{SVG}title").text  # every bar has its tooltip
    return found


def texts(root: ET.Element) -> list[str]:
    return [t.text for t in root.iter(f"{SVG}text")]


def test_builders_escape_labels_and_draw_negative_columns_below_zero():
    svg = column_chart(
        chart_id="c",
        title="<标题> & 图",
        description="说明",
        categories=["一月", "<b>二月</b>"],
        series=[Series("销售额", [Decimal("120.50"), Decimal("-30.00")])],
    )
    root = parse(svg)
    assert root.find(f"{SVG}title").text == "<标题> & 图"
    got = bars(root)
    assert got == {"一月": Decimal("120.50"), "<b>二月</b>": Decimal("-30.00")}
    rects = {r.get("data-category"): r for r in root.iter(f"{SVG}rect") if r.get("data-value")}
    up, down = rects["一月"], rects["<b>二月</b>"]
    zero = float(up.get("y")) + float(up.get("height"))
    assert float(down.get("y")) == pytest.approx(zero)  # hangs from the zero line
    assert "¥121" in texts(root) and "-¥30" in texts(root)
    horizontal = parse(
        bar_chart(
            chart_id="h",
            title="t",
            description="d",
            bars=[Bar("很长很长很长很长很长很长很长很长很长很长的村名", Decimal("5"), "¥5.00")],
        )
    )
    label = next(t for t in texts(horizontal) if t.startswith("很长"))
    assert label.endswith("…")  # clipped on screen, whole in the bar's title and data


# Early in a month, at the turn of a year in Shanghai (not yet in UTC), and mid-month.
INSTANTS = ["2026-03-01T00:30:00+08:00", "2027-01-01T00:20:00+08:00", "2026-12-02T10:00:00+08:00"]


@pytest.fixture(params=INSTANTS)
def instant(request):
    with time_machine.travel(datetime.datetime.fromisoformat(request.param)):
        yield request.param


@pytest.mark.django_db
def test_chart_page_shows_monthly_village_and_product_charts_of_the_ledger(client, instant):
    world = build_world()
    # The first order's entries move two months back; the month between has no sales.
    now = timezone.localtime()
    earlier = (now.replace(day=15) - datetime.timedelta(days=62)).replace(day=15)
    Attribution.objects.filter(line__order=world.orders[0]).update(created_at=earlier)
    ledger_summary_rebuild()  # a change behind the services' back, as an operator repairs it
    client.force_login(team_user())
    response = client.get(reverse("team-dashboard:team-charts"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'href="/static/taibao/team-dashboard.css"' in body
    charts = response.context["charts"]

    monthly = parse(charts["monthly"])
    sales, income = bars(monthly, "销售额"), bars(monthly, "农户收入")
    first, second = world.orders[0], world.orders[1]
    months = [f"{earlier:%Y-%m}", None, f"{now:%Y-%m}"]
    assert list(sales) == list(income) and len(sales) == 3
    assert list(sales)[::2] == [months[0], months[2]]
    assert sales[months[0]] == sum(line.line_price_incl_tax for line in first.lines.all())
    assert list(sales.values())[1] == 0
    # This month: the second order, and the cancelled one netted to nothing.
    assert sales[months[2]] == sum(line.line_price_incl_tax for line in second.lines.all())
    want_income = expected_by_household(world, orders=[first])
    assert abs(income[months[0]] - sum(v["income"] for v in want_income.values())) <= CENT * 4
    assert "¥" in monthly.find(f"{SVG}desc").text

    villages = parse(charts["villages"])
    expected = expected_by_household(world)
    for village in world.villages:
        want = sum(
            row["sales"]
            for pk, row in expected.items()
            if any(h.pk == pk and h.village_id == village.pk for h in world.households)
        )
        assert abs(bars(villages)[village.name] - want) < CENT
    assert any(t and t.startswith("¥") and "%" in t for t in texts(villages))

    products = parse(charts["products"])
    got = sorted(
        Decimal(r.get("data-value"))
        for r in products.iter(f"{SVG}rect")
        if "chart-bar" in r.get("class", "")
    )
    want = sorted(
        sum(
            line.line_price_incl_tax
            for o in world.orders
            for line in o.lines.all()
            if line.stockrecord_id == record.pk
        )
        for record in world.records
    )
    assert got == want


@pytest.mark.django_db
def test_months_run_over_the_whole_period_asked_for(instant):
    build_world()
    today = timezone.localdate()
    start = (today.replace(day=1) - datetime.timedelta(days=70)).replace(day=1)
    months = sales_by_month(filters=ReportFilters(date_from=start, date_to=today))
    assert months[0].month == start and months[-1].month == today.replace(day=1)
    assert [m.sales_amount for m in months[:-1]] == [0] * (len(months) - 1)
    assert months[-1].sales_amount > 0
    assert sales_by_month(filters=ReportFilters(date_to=start - datetime.timedelta(days=1))) == []


@pytest.mark.django_db
def test_chart_page_costs_the_same_queries_with_more_villages_and_products(client):
    world = build_world()
    client.force_login(team_user())
    url = reverse("team-dashboard:team-charts")
    client.get(url)  # the session and the permission set, as after any first page
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for i in range(4):
        household = HouseholdFactory()  # in a village of its own
        MembershipFactory(seller=world.sellers[0], household=household)
        record = stock_record_for(world.sellers[0], "8.00")
        lot_receive(
            stock_record=record,
            household=household,
            units=5,
            received_on=datetime.date(2026, 2, 1),
            trace_code=f"CH{i}",
            farmgate_unit_price=Decimal("5"),
        )
        paid_order(world.enterprises[0], [(record, 2)])
    with CaptureQueriesContext(connection) as more:
        response = client.get(url)
    assert len(bars(parse(response.context["charts"]["villages"]))) == 6
    assert len(more) == len(few)
