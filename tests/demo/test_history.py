"""The demo's orders: placed and paid through the product's paths, reported, stated, verified."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from demo.history import ORDERS, demo_history_load
from demo.world import demo_world_load
from farmers.models import Attribution, Household
from farmers.services.ledger_summary import ledger_summary_mismatches
from farmers.services.stock import stock_lot_mismatches
from shop.statements.models import Statement

pytestmark = pytest.mark.django_db

Order = get_model("order", "Order")


@pytest.fixture
def history(django_capture_on_commit_callbacks):
    demo_world_load()
    with django_capture_on_commit_callbacks(execute=True):  # the outbox publishes on commit
        return demo_history_load()


def test_orders_are_placed_once_and_the_paid_ones_attributed_exactly(history):
    assert history == len(ORDERS)
    assert demo_history_load() == 0  # a second run adds nothing
    assert stock_lot_mismatches() == [] and ledger_summary_mismatches() == []
    orders = Order.objects.filter(po_number__startswith="DEMO-PO-")
    paid = orders.filter(payment_status="paid")
    assert paid.count() == sum(1 for o in ORDERS if o.paid)
    for order in paid:
        for line in order.lines.all():
            sums = Attribution.objects.filter(line=line).aggregate(
                units=Sum("units"), amount=Sum("sales_amount")
            )
            assert sums == {"units": line.quantity, "amount": line.line_price_incl_tax}
    unpaid = orders.exclude(payment_status="paid").get()
    assert not Attribution.objects.filter(line__order=unpaid).exists()
    assert stock_lot_mismatches() == [] and ledger_summary_mismatches() == []


def test_the_team_sees_the_demo_sales_and_monitored_households(history, client):
    team = get_user_model().objects.get(username="team@taibao.example")
    client.force_login(team)
    page = client.get(reverse("team-dashboard:team-sales-household"))
    assert page.status_code == 200
    reached = Household.objects.filter(attributions__isnull=False).distinct()
    assert reached.exists()
    html = page.content.decode()
    for household in reached:
        assert household.code in html
    total = Attribution.objects.aggregate(total=Sum("sales_amount"))["total"]
    assert page.context["totals"]["sales_amount"] == total > Decimal("0")


def test_the_demo_buyer_downloads_a_statement_and_its_qr_link_verifies_it(history, client):
    buyer = get_user_model().objects.get(username="buyer@guoguang.example")
    client.force_login(buyer)
    today = timezone.localdate()
    response = client.post(
        reverse("statements:statement-list"),
        {"period_from": today - datetime.timedelta(days=30), "period_to": today},
    )
    assert response.status_code == 302
    pdf = client.get(response["Location"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
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
    assert verify.status_code == 200
    assert statement.enterprise.name in verify.content.decode()
