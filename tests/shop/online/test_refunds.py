"""Refunds by the work team from the dashboard, through Stripe (the fake), recorded on the order."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from oscar.core.loading import get_model

from outbox.models import OutboxMessage
from shop.online.models import Refund
from shop.online.services import payment_attempt_open
from tests.shop.online.conftest import send_event

pytestmark = pytest.mark.django_db

Transaction = get_model("payment", "Transaction")


@pytest.fixture
def paid_order(online_order, fake_stripe):
    attempt = payment_attempt_open(order_id=online_order.pk)
    send_event(
        Client(),
        type="payment_intent.succeeded",
        intent=fake_stripe.succeed(attempt.payment_intent_id),
    )
    online_order.refresh_from_db()
    assert online_order.payment_status == "paid"
    return online_order


@pytest.fixture
def team_client(client, team_member):
    client.force_login(team_member)
    return client


def refund_url(order) -> str:
    return reverse("online-dashboard:online-payment-order", kwargs={"number": order.number})


def refunded_messages(order) -> list[dict]:
    return [
        m.payload
        for m in OutboxMessage.objects.filter(topic="order.refunded").order_by("pk")
        if m.payload["order_id"] == order.pk
    ]


def test_full_refund_through_stripe_is_recorded_on_the_order(team_client, paid_order, fake_stripe):
    line = paid_order.lines.get()
    response = team_client.post(refund_url(paid_order), {"amount": "", "reason": "整单退货"})
    assert response.status_code == 302, response.content.decode()[:1500]
    refund = Refund.objects.get(order=paid_order)
    assert (refund.status, refund.amount) == ("succeeded", Decimal("1000.00"))
    ((stripe_id, stripe_refund),) = fake_stripe.refunds.items()
    assert stripe_refund["amount"] == 100000 and refund.stripe_refund_id == stripe_id
    assert fake_stripe.requests[-1][2] == f"{paid_order.number}-refund-{refund.pk}"
    source = paid_order.sources.get()
    assert source.amount_refunded == Decimal("1000.00")
    assert Transaction.objects.filter(source=source, txn_type="Refund").count() == 1
    event = paid_order.payment_events.get(event_type__name="Refunded")
    assert event.amount == Decimal("1000.00")
    assert refunded_messages(paid_order) == [
        {"order_id": paid_order.pk, "refund_id": refund.pk, "lines": {str(line.pk): 10}}
    ]
    # Nothing is left to refund.
    again = team_client.post(refund_url(paid_order), {"amount": "1.00", "reason": "again"})
    assert again.status_code == 200 and len(fake_stripe.refunds) == 1


def test_partial_refunds_of_units_add_up_and_cannot_exceed_the_order(
    team_client, paid_order, fake_stripe
):
    line = paid_order.lines.get()
    field = f"line_{line.pk}"
    team_client.post(refund_url(paid_order), {field: "3", "reason": "3 袋破损"})
    first = Refund.objects.get(order=paid_order)
    assert (first.amount, first.line_units) == (Decimal("300.00"), {str(line.pk): 3})
    assert refunded_messages(paid_order)[-1]["lines"] == {str(line.pk): 3}

    too_many = team_client.post(refund_url(paid_order), {field: "8", "reason": "more"})
    assert too_many.status_code == 200 and Refund.objects.filter(order=paid_order).count() == 1

    team_client.post(refund_url(paid_order), {"amount": "50.00", "reason": "运费补偿"})
    money_only = Refund.objects.filter(order=paid_order).last()
    assert money_only.amount == Decimal("50.00") and money_only.line_units == {}
    assert "lines" not in refunded_messages(paid_order)[-1]  # no units came back
    assert [r["amount"] for r in fake_stripe.refunds.values()] == [30000, 5000]
    assert paid_order.sources.get().amount_refunded == Decimal("350.00")

    over = team_client.post(refund_url(paid_order), {"amount": "651.00", "reason": "too much"})
    assert over.status_code == 200 and len(fake_stripe.refunds) == 2


def test_refund_pages_are_for_the_work_team_only(buyer_client, paid_order):
    response = buyer_client.post(refund_url(paid_order), {"amount": "", "reason": "x"})
    assert response.status_code in {302, 403}
    assert not Refund.objects.exists()


def test_unpaid_orders_cannot_be_refunded(team_client, online_order):
    online_order.online_attempts.create(
        number=1, idempotency_key="k-1", amount=online_order.total_incl_tax
    )
    response = team_client.post(refund_url(online_order), {"amount": "", "reason": "x"})
    assert response.status_code == 200 and not Refund.objects.exists()
