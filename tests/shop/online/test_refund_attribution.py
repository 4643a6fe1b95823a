"""A refund of units reaches the attribution ledger through the outbox (handlers run after commit)."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.test import Client

from farmers.models import Attribution
from farmers.services.stock import lot_receive
from shop.online.services import payment_attempt_open, payment_refund
from tests.farmers.conftest import Supply
from tests.shop.conftest import basket_for, make_buyer, make_enterprise, place
from tests.shop.online.conftest import send_event

pytestmark = pytest.mark.django_db(transaction=True)


def test_refunded_units_are_reversed_in_the_ledger_and_money_only_refunds_move_none(
    stripe_keys, fake_stripe
):
    supply = Supply()
    lot_receive(
        stock_record=supply.stock_record,
        household=supply.households[0],
        units=20,
        received_on=datetime.date(2026, 11, 1),
        trace_code="R1",
        farmgate_amount=Decimal("200.00"),
    )
    enterprise = make_enterprise(index=0)
    buyer = make_buyer(email="buyer@a.example", enterprise=enterprise)
    order = place(
        basket_for(buyer, [(supply.stock_record, 10)]),
        buyer,
        enterprise=enterprise,
        payment_method="online",
    )
    attempt = payment_attempt_open(order_id=order.pk)
    send_event(
        Client(),
        type="payment_intent.succeeded",
        intent=fake_stripe.succeed(attempt.payment_intent_id),
    )
    line = order.lines.get()
    assert Attribution.objects.filter(line=line).aggregate(u=Sum("units"))["u"] == 10

    payment_refund(
        order_id=order.pk, amount=None, line_units={line.pk: 3}, reason="破损", refunded_by=None
    )
    payment_refund(
        order_id=order.pk,
        amount=Decimal("10.00"),
        line_units={},
        reason="补偿",
        refunded_by=None,
    )
    reversals = Attribution.objects.filter(line=line, kind=Attribution.Kind.REVERSAL)
    assert reversals.aggregate(u=Sum("units"))["u"] == -3
    assert Attribution.objects.filter(line=line).aggregate(u=Sum("units"))["u"] == 7
