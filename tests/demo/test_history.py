"""The demo's year: placed and paid through the product's paths, seasonal, reported, verified."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from demo.history import (
    FLAGGED,
    FLAGGED_QUIET_DAYS,
    SEASONAL,
    WEEKS,
    demo_history_load,
    demo_plan,
)
from demo.world import demo_world_load
from farmers.models import Attribution, Lot
from farmers.reports.monitored import monitored_households_income
from farmers.services.ledger_summary import ledger_summary_mismatches
from farmers.services.stock import stock_lot_mismatches
from shop.statements.models import Statement

Order = get_model("order", "Order")

# A summer day (菜干 and 马蹄 out of season for months), New Year's Day, and a December day.
TODAYS = [datetime.date(2026, 7, 15), datetime.date(2027, 1, 1), datetime.date(2026, 12, 2)]
MONITORED = {"H01", "H04", "H06", "H08", "H10", "H13", "H15", "H17", "H21", "H26", "H30"}


def _sellers_of(plan, codes, since_days):
    return {
        code
        for demo in plan
        if demo.days_ago <= since_days and demo.paid
        for line in demo.lines
        for code in line.households
        if code in codes
    }


@pytest.mark.parametrize("today", TODAYS, ids=str)
def test_the_plan_is_the_same_for_the_same_today_and_tells_the_story(today):
    plan = demo_plan(today)
    assert plan == demo_plan(today)
    assert len(plan) == WEEKS and len({demo.po_number for demo in plan}) == WEEKS
    assert max(demo.days_ago for demo in plan) < 365 and min(d.days_ago for d in plan) > 0
    assert len(_sellers_of(plan, MONITORED, 364)) >= 8
    assert len(_sellers_of(plan, MONITORED, 89)) >= 6
    recent = {c for demo in plan if demo.days_ago < 30 for ln in demo.lines for c in ln.households}
    assert not recent & set(FLAGGED)
    assert not {
        c for d in plan if d.days_ago < FLAGGED_QUIET_DAYS for ln in d.lines for c in ln.households
    } & set(FLAGGED)
    story = [
        line
        for demo in plan
        if demo.enterprise == "GG"
        for line in demo.lines
        if line.sku in {"TB-MT-2500", "TB-SJ-2500"}
    ]
    assert {line.sku for line in story} == {"TB-MT-2500", "TB-SJ-2500"}
    assert all(line.households[0] == "H01" for line in story)


@pytest.mark.parametrize("today", TODAYS, ids=str)
def test_products_sell_in_their_season_only(today):
    for demo in demo_plan(today):
        month = (today - datetime.timedelta(days=demo.days_ago)).month
        for line in demo.lines:
            if line.sku in SEASONAL:
                assert month in SEASONAL[line.sku], (demo.po_number, line.sku, month)


@pytest.fixture
def history(db, django_capture_on_commit_callbacks):
    with time_machine.travel(datetime.datetime(2026, 7, 15, 12, tzinfo=datetime.UTC), tick=False):
        demo_world_load()
        with django_capture_on_commit_callbacks(execute=True):
            placed = demo_history_load()
        yield placed


def test_a_year_is_placed_once_attributed_exactly_and_the_reports_agree(history):
    today = timezone.localdate()
    assert history == WEEKS
    assert demo_history_load() == 0  # a second run adds nothing
    assert stock_lot_mismatches() == [] and ledger_summary_mismatches() == []
    orders = Order.objects.filter(po_number__startswith="DEMO-PO-")
    placed = {timezone.localdate(o.date_placed) for o in orders}
    assert min(placed) > today - datetime.timedelta(days=365) and max(placed) < today
    assert len({(day.year, day.month) for day in placed}) >= 12  # 12 months and a part
    unpaid = orders.exclude(payment_status="paid").get()
    assert not Attribution.objects.filter(line__order=unpaid).exists()
    for order in orders.filter(payment_status="paid").prefetch_related("lines"):
        for line in order.lines.all():
            sums = Attribution.objects.filter(line=line).aggregate(
                units=Sum("units"), amount=Sum("sales_amount")
            )
            assert sums == {"units": line.quantity, "amount": line.line_price_incl_tax}
            # Every unit came from a lot delivered before the order.
            assert not Attribution.objects.filter(
                line=line, lot__received_on__gte=timezone.localdate(order.date_placed)
            ).exists()
    # Today's stock is untouched: it arrived after every order of the year.
    stock_lots = Lot.objects.filter(trace_code__contains="-STOCK-")
    assert stock_lots.exists() and not Attribution.objects.filter(lot__in=stock_lots).exists()

    rows = monitored_households_income(threshold=Decimal("100.00"))
    assert len(rows) == 11
    assert sum(r.income_365 > 0 for r in rows) >= 8
    assert sum(r.income_90 > 0 for r in rows) >= 6
    assert {r.code for r in rows if r.flagged} >= set(FLAGGED)
    assert {r.code for r in rows if r.flagged} != {r.code for r in rows}
    h01 = Attribution.objects.filter(
        household__code="H01",
        line__order__enterprise__name="国光电器股份有限公司",
        lot__stock_record__partner__name="太保镇消费帮扶馆",
    )
    assert {a.lot.stock_record.partner_sku for a in h01} >= {"TB-MT-2500", "TB-SJ-2500"}


def test_the_team_and_the_buyer_see_the_year(history, client):
    team = get_user_model().objects.get(username="team@taibao.example")
    client.force_login(team)
    charts = client.get(reverse("team-dashboard:team-charts"))
    assert charts.status_code == 200
    months = [m for m in charts.context["months"] if m.sales_amount > 0]
    assert len(months) >= 12  # twelve months back, and the part-month the oldest fell in
    total = Attribution.objects.aggregate(total=Sum("sales_amount"))["total"]
    page = client.get(reverse("team-dashboard:team-sales-household"))
    assert page.context["totals"]["sales_amount"] == total > Decimal("0")

    buyer = get_user_model().objects.get(username="buyer@guoguang.example")
    client.force_login(buyer)
    today = timezone.localdate()
    response = client.post(
        reverse("statements:statement-list"),
        {"period_from": today - datetime.timedelta(days=364), "period_to": today},
    )
    assert response.status_code == 302
    assert client.get(response["Location"])["Content-Type"] == "application/pdf"
    statement = Statement.objects.get(enterprise__name="国光电器股份有限公司")
    assert (
        Decimal(statement.figures["sales_amount"])
        == Attribution.objects.filter(line__order__enterprise=statement.enterprise).aggregate(
            total=Sum("sales_amount")
        )["total"]
    )
    client.logout()
    verify = client.get(
        reverse("statements:statement-verify", kwargs={"code": statement.verification_code})
    )
    assert verify.status_code == 200 and statement.enterprise.name in verify.content.decode()
