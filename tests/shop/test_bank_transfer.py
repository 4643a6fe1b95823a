"""Bank transfers recorded by the work team; cancellation by the buyer or the periodic task."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from outbox.models import OutboxMessage
from shop.roles import WORK_TEAM, role_assign
from shop.services.payments import PaymentRefused, order_cancel, transfer_record
from shop.tasks import orders_cancel_unpaid_task
from tests.shop.conftest import basket_for, make_buyer, make_stock, place

pytestmark = pytest.mark.django_db

Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")
DAY = datetime.date(2026, 11, 20)


@pytest.fixture
def team_member(db):
    user = make_buyer(email="team@a.example")
    user.is_staff = True
    user.save()
    role_assign(user=user, role=WORK_TEAM)
    return user


@pytest.fixture
def order(buyer, enterprise):
    (record,) = make_stock(n=1, num_in_stock=50, price="100.00")
    return place(
        basket_for(
            buyer,
            [(record, 10)],
        ),
        buyer,
        enterprise=enterprise,
    )  # ¥1000


def test_partial_transfers_add_up_and_the_order_is_paid_when_covered(order, team_member):
    first = transfer_record(
        order_id=order.pk,
        amount=Decimal("400.00"),
        received_on=DAY,
        bank_reference="A1",
        recorded_by=team_member,
    )
    assert first.order.payment_status == "partial" and not first.became_paid
    second = transfer_record(
        order_id=order.pk,
        amount=Decimal("600.00"),
        received_on=DAY,
        bank_reference="A2",
        recorded_by=team_member,
    )
    order.refresh_from_db()
    assert second.became_paid and order.payment_status == "paid"
    assert order.amount_received == Decimal("1000.00") and not order.is_overpaid
    assert order.status == "Being processed"
    assert (
        OutboxMessage.objects.filter(topic="order.paid", payload={"order_id": order.pk}).count()
        == 1
    )
    assert order.sources.get().amount_debited == Decimal("1000.00")


def test_overpayment_is_flagged(order, team_member):
    outcome = transfer_record(
        order_id=order.pk,
        amount=Decimal("1200.00"),
        received_on=DAY,
        bank_reference="B1",
        recorded_by=team_member,
    )
    assert outcome.overpaid_by == Decimal("200.00")
    assert outcome.order.is_overpaid and outcome.order.payment_status == "paid"


def test_same_bank_reference_is_not_recorded_twice(order, team_member):
    kwargs = dict(
        order_id=order.pk, amount=Decimal("10.00"), received_on=DAY, recorded_by=team_member
    )
    transfer_record(bank_reference="C1", **kwargs)
    with pytest.raises(PaymentRefused):
        transfer_record(bank_reference="C1", **kwargs)
    order.refresh_from_db()
    assert order.amount_received == Decimal("10.00")


def test_buyer_cancels_unpaid_order_and_stock_is_released(order, buyer, client):
    record = order.lines.get().stockrecord
    assert StockRecord.objects.get(pk=record.pk).num_allocated == 10
    client.force_login(buyer)
    response = client.post(reverse("shop:order-cancel", kwargs={"number": order.number}))
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.payment_status == "cancelled" and order.status == "Cancelled"
    assert StockRecord.objects.get(pk=record.pk).num_allocated == 0
    assert OutboxMessage.objects.filter(
        topic="order.cancelled", payload={"order_id": order.pk}
    ).exists()


def test_partly_paid_order_cannot_be_cancelled(order, team_member):
    transfer_record(
        order_id=order.pk,
        amount=Decimal("1.00"),
        received_on=DAY,
        bank_reference="D1",
        recorded_by=team_member,
    )
    with pytest.raises(PaymentRefused):
        order_cancel(order_id=order.pk, reason="test")


def test_periodic_task_cancels_only_orders_unpaid_past_the_deadline(
    order, buyer, enterprise, settings
):
    settings.TAIBAO_UNPAID_ORDER_DAYS = 7
    (record,) = make_stock(n=1, num_in_stock=50)
    recent = place(basket_for(buyer, [(record, 5)]), buyer, enterprise=enterprise)
    Order.objects.filter(pk=order.pk).update(
        date_placed=timezone.now() - datetime.timedelta(days=8)
    )

    cancelled = orders_cancel_unpaid_task.apply().get()  # in process, as beat would run it

    assert cancelled == [order.pk]
    order.refresh_from_db()
    recent.refresh_from_db()
    assert order.payment_status == "cancelled" and recent.payment_status == "awaiting"
    assert StockRecord.objects.get(pk=order.lines.get().stockrecord_id).num_allocated == 0
    assert "shop-cancel-unpaid-orders" in settings.CELERY_BEAT_SCHEDULE


def test_work_team_records_a_transfer_in_the_dashboard(order, team_member, client):
    client.force_login(team_member)
    listing = client.get(reverse("shop-dashboard:transfers"))
    assert str(order.number) in listing.content.decode()
    response = client.post(
        reverse("shop-dashboard:transfer-record", kwargs={"number": order.number}),
        {"amount": "1000.00", "received_on": "2026-11-20", "bank_reference": "E1"},
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.payment_status == "paid"


def test_buyers_cannot_reach_the_transfer_dashboard(order, buyer, client):
    client.force_login(buyer)
    response = client.post(
        reverse("shop-dashboard:transfer-record", kwargs={"number": order.number}),
        {"amount": "1000.00", "received_on": "2026-11-20", "bank_reference": "E1"},
    )
    assert response.status_code in (302, 403)
    order.refresh_from_db()
    assert order.amount_received == 0
