"""Online payment through Stripe: the real client over HTTP to a fake API, webhooks signed for real."""

import datetime
import time
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from oscar.core.loading import get_model

from outbox.models import OutboxMessage
from shop.checkout.forms import EnterpriseOrderForm
from shop.online.models import PaymentAttempt, StripeEvent
from shop.online.services import (
    OnlinePaymentRefused,
    online_orders_expire,
    payment_attempt_open,
)
from tests.shop.conftest import basket_for, make_buyer, make_enterprise
from tests.shop.online.conftest import send_event

pytestmark = pytest.mark.django_db

Order = get_model("order", "Order")
Transaction = get_model("payment", "Transaction")
StockRecord = get_model("partner", "StockRecord")


def paid_messages(order) -> int:
    return OutboxMessage.objects.filter(topic="order.paid", payload={"order_id": order.pk}).count()


def open_attempt(buyer_client, order) -> PaymentAttempt:
    page = buyer_client.get(reverse("online:pay", kwargs={"number": order.number}))
    assert page.status_code == 200
    return PaymentAttempt.objects.filter(order=order).order_by("-number").first()


# -- offering it -----------------------------------------------------------------------------


def test_without_stripe_keys_online_payment_is_not_offered(settings):
    settings.ONLINE_PAYMENT_ENABLED = False
    form = EnterpriseOrderForm({"payment_method": "online"})
    assert [value for value, _label in form.fields["payment_method"].choices] == ["bank_transfer"]
    assert not form.is_valid() and "payment_method" in form.errors


def test_checkout_places_the_order_then_sends_the_buyer_to_stripe(
    buyer_client, buyer, enterprise, stripe_keys, stock, fake_stripe
):
    basket_for(buyer, [(stock, 10)])
    buyer_client.get(reverse("checkout:index"), follow=True)
    buyer_client.post(
        reverse("checkout:shipping-address"),
        {"address_id": enterprise.addresses.get().pk},
        follow=True,
    )
    form = {"po_number": "PO-9", "payment_method": "online"}
    assert buyer_client.post(reverse("checkout:preview"), form).status_code == 200
    placed = buyer_client.post(reverse("checkout:preview"), {**form, "action": "place_order"})
    order = Order.objects.get(user=buyer)
    assert placed.status_code == 302
    assert placed["Location"] == reverse("online:pay", kwargs={"number": order.number})
    assert (order.payment_method, order.payment_status) == ("online", "awaiting")
    stock.refresh_from_db()
    assert stock.num_allocated == 10  # allocated before Stripe is ever called
    assert fake_stripe.creations() == []

    page = buyer_client.get(placed["Location"]).content.decode()
    attempt = PaymentAttempt.objects.get(order=order)
    intent = fake_stripe.intents[attempt.payment_intent_id]
    assert (intent["amount"], intent["currency"]) == (100000, "cny")
    assert set(intent["payment_method_types"]) == {"card", "alipay", "wechat_pay"}
    assert fake_stripe.creations()[0][2] == f"{order.number}-1" == attempt.idempotency_key
    assert attempt.client_secret in page and "pk_test_fake" in page and "js.stripe.com/v3" in page
    # Coming back to the page reuses the attempt: still one PaymentIntent.
    buyer_client.get(placed["Location"])
    assert len(fake_stripe.intents) == 1


def test_another_enterprise_cannot_open_the_pay_page(client, online_order):
    other = make_buyer(email="x@b.example", enterprise=make_enterprise(index=1))
    client.force_login(other)
    assert (
        client.get(reverse("online:pay", kwargs={"number": online_order.number})).status_code == 404
    )


# -- success, failure, retry ------------------------------------------------------------------


def test_success_marks_the_order_paid_once_with_source_transaction_and_outbox(
    client, buyer_client, online_order, fake_stripe
):
    attempt = open_attempt(buyer_client, online_order)
    intent = fake_stripe.succeed(attempt.payment_intent_id)
    response = send_event(client, type="payment_intent.succeeded", intent=intent)
    assert response.status_code == 200
    online_order.refresh_from_db()
    assert online_order.payment_status == "paid" and online_order.paid_at is not None
    assert online_order.amount_received == Decimal("1000.00")
    assert online_order.status == "Being processed"
    source = online_order.sources.get()
    assert (source.source_type.code, source.amount_debited) == ("stripe", Decimal("1000.00"))
    (txn,) = Transaction.objects.filter(source__order=online_order)
    assert (txn.txn_type, txn.amount, txn.reference) == ("Debit", Decimal("1000.00"), intent["id"])
    assert online_order.payment_events.get().event_type.name == "Paid"
    assert paid_messages(online_order) == 1
    page = buyer_client.get(reverse("online:pay-return", kwargs={"number": online_order.number}))
    assert 'data-state="succeeded"' in page.content.decode()


def test_return_page_reads_the_real_state_from_stripe(buyer_client, online_order, fake_stripe):
    attempt = open_attempt(buyer_client, online_order)
    url = reverse("online:pay-return", kwargs={"number": online_order.number})
    fake_stripe.process(attempt.payment_intent_id)
    assert 'data-state="processing"' in buyer_client.get(url).content.decode()
    fake_stripe.succeed(attempt.payment_intent_id)  # the webhook has not arrived yet
    assert 'data-state="succeeded"' in buyer_client.get(url).content.decode()
    online_order.refresh_from_db()
    assert online_order.payment_status == "paid" and paid_messages(online_order) == 1


def test_failure_then_retry_uses_a_new_attempt_and_key(
    client, buyer_client, online_order, fake_stripe, stock
):
    first = open_attempt(buyer_client, online_order)
    intent = fake_stripe.fail(first.payment_intent_id, "Your card has insufficient funds.")
    assert (
        send_event(client, type="payment_intent.payment_failed", intent=intent).status_code == 200
    )
    first.refresh_from_db()
    online_order.refresh_from_db()
    assert first.status == "failed" and online_order.payment_status == "awaiting"
    stock.refresh_from_db()
    assert stock.num_allocated == 10  # kept until the order expires
    page = buyer_client.get(reverse("online:pay-return", kwargs={"number": online_order.number}))
    text = page.content.decode()
    assert 'data-state="failed"' in text and "insufficient funds" in text
    assert "shop-online-retry" in text and "shop-online-switch" in text

    second = open_attempt(buyer_client, online_order)
    assert second.number == 2 and second.idempotency_key == f"{online_order.number}-2"
    assert second.payment_intent_id != first.payment_intent_id
    assert fake_stripe.intents[first.payment_intent_id]["status"] == "canceled"
    intent = fake_stripe.succeed(second.payment_intent_id)
    send_event(client, type="payment_intent.succeeded", intent=intent)
    online_order.refresh_from_db()
    assert online_order.payment_status == "paid" and paid_messages(online_order) == 1


def test_buyer_can_switch_to_bank_transfer_after_a_failure(
    client, buyer_client, online_order, fake_stripe
):
    attempt = open_attempt(buyer_client, online_order)
    fake_stripe.fail(attempt.payment_intent_id)
    response = buyer_client.post(
        reverse("online:switch-to-bank-transfer", kwargs={"number": online_order.number})
    )
    assert response.status_code == 302
    online_order.refresh_from_db()
    assert online_order.payment_method == "bank_transfer"
    assert fake_stripe.intents[attempt.payment_intent_id]["status"] == "canceled"


# -- webhook: duplicates, order, signatures ---------------------------------------------------


def test_duplicate_events_are_processed_once(client, buyer_client, online_order, fake_stripe):
    attempt = open_attempt(buyer_client, online_order)
    intent = fake_stripe.succeed(attempt.payment_intent_id)
    for _ in range(2):
        assert (
            send_event(client, type="payment_intent.succeeded", intent=intent, event_id="evt_same")
        ).status_code == 200
    # A different event about the same success (Stripe may send several) changes nothing either.
    send_event(client, type="payment_intent.succeeded", intent=intent, event_id="evt_other")
    assert StripeEvent.objects.filter(event_id="evt_same").count() == 1
    assert Transaction.objects.filter(source__order=online_order).count() == 1
    assert paid_messages(online_order) == 1
    online_order.refresh_from_db()
    assert online_order.amount_received == Decimal("1000.00")


def test_events_out_of_order_only_move_the_order_forward(
    client, buyer_client, online_order, fake_stripe
):
    attempt = open_attempt(buyer_client, online_order)
    failed = fake_stripe.fail(attempt.payment_intent_id)
    succeeded = fake_stripe.succeed(attempt.payment_intent_id)  # the buyer retried on the same PI
    send_event(client, type="payment_intent.succeeded", intent=succeeded)
    send_event(client, type="payment_intent.payment_failed", intent=failed)  # late
    send_event(client, type="payment_intent.processing", intent={**failed, "status": "processing"})
    online_order.refresh_from_db()
    attempt.refresh_from_db()
    assert online_order.payment_status == "paid" and attempt.status == "succeeded"
    assert paid_messages(online_order) == 1


def test_a_stale_failure_event_reads_the_intent_and_finds_it_paid(
    client, buyer_client, online_order, fake_stripe
):
    attempt = open_attempt(buyer_client, online_order)
    failed = fake_stripe.fail(attempt.payment_intent_id)
    fake_stripe.succeed(attempt.payment_intent_id)
    send_event(client, type="payment_intent.payment_failed", intent=failed)  # arrives first
    online_order.refresh_from_db()
    assert online_order.payment_status == "paid" and paid_messages(online_order) == 1


def test_forged_signature_gets_400_and_changes_nothing(
    client, buyer_client, online_order, fake_stripe
):
    attempt = open_attempt(buyer_client, online_order)
    intent = fake_stripe.succeed(attempt.payment_intent_id)
    response = send_event(
        client, type="payment_intent.succeeded", intent=intent, secret="whsec_forged"
    )
    assert response.status_code == 400
    missing = client.post(
        reverse("online:stripe-webhook"), data="{}", content_type="application/json"
    )
    assert missing.status_code == 400
    online_order.refresh_from_db()
    assert online_order.payment_status == "awaiting" and not StripeEvent.objects.exists()
    assert paid_messages(online_order) == 0


def test_stale_timestamp_gets_400_and_changes_nothing(
    client, buyer_client, online_order, fake_stripe
):
    attempt = open_attempt(buyer_client, online_order)
    intent = fake_stripe.succeed(attempt.payment_intent_id)
    response = send_event(
        client,
        type="payment_intent.succeeded",
        intent=intent,
        timestamp=int(time.time()) - 3600,  # signed right, but an hour old: a replay
    )
    assert response.status_code == 400
    online_order.refresh_from_db()
    assert online_order.payment_status == "awaiting" and not StripeEvent.objects.exists()


def test_amount_not_matching_the_order_is_not_paid_and_flagged_for_the_team(
    client, buyer_client, online_order, fake_stripe, team_member
):
    attempt = open_attempt(buyer_client, online_order)
    intent = fake_stripe.succeed(attempt.payment_intent_id, amount_received=100)  # ¥1.00
    assert send_event(client, type="payment_intent.succeeded", intent=intent).status_code == 200
    online_order.refresh_from_db()
    attempt.refresh_from_db()
    assert online_order.payment_status == "awaiting" and online_order.amount_received == 0
    assert attempt.needs_review and "1.00" in attempt.review_reason
    assert paid_messages(online_order) == 0
    assert not Transaction.objects.filter(source__order=online_order).exists()
    client.force_login(team_member)
    listing = client.get(reverse("online-dashboard:online-payment-list")).content.decode()
    assert online_order.number in listing and "shop-online-review" in listing


def test_event_for_an_unknown_payment_intent_is_recorded_and_changes_nothing(
    client, online_order, fake_stripe
):
    intent = {
        "id": "pi_not_ours",
        "object": "payment_intent",
        "status": "succeeded",
        "amount": 100000,
        "amount_received": 100000,
        "currency": "cny",
    }
    response = send_event(client, type="payment_intent.succeeded", intent=intent)
    assert response.status_code == 200
    assert StripeEvent.objects.get().outcome == "unknown_payment_intent"
    assert not any("pi_not_ours" in path for _m, path, _k in fake_stripe.requests)
    online_order.refresh_from_db()
    assert online_order.payment_status == "awaiting"


# -- Stripe down during creation --------------------------------------------------------------


@pytest.mark.parametrize("trouble", ["500", "timeout"])
def test_stripe_failing_during_creation_keeps_the_order_payable_without_a_duplicate(
    buyer_client, online_order, fake_stripe, stock, trouble
):
    fake_stripe.sabotage.append(trouble)
    fake_stripe.sleep_seconds = 1.5  # past the client's 0.5 s timeout
    url = reverse("online:pay", kwargs={"number": online_order.number})
    page = buyer_client.get(url).content.decode()
    assert "shop-online-error" in page and "shop-online-retry" in page
    online_order.refresh_from_db()
    stock.refresh_from_db()
    assert online_order.payment_status == "awaiting" and stock.num_allocated == 10
    attempt = PaymentAttempt.objects.get(order=online_order)
    assert attempt.payment_intent_id is None
    assert attempt.last_error and escape(attempt.last_error) in page  # the message, in any language

    page = buyer_client.get(url).content.decode()  # "Try again"
    attempt.refresh_from_db()
    assert attempt.client_secret in page
    assert PaymentAttempt.objects.filter(order=online_order).count() == 1
    keys = [key for _m, _p, key in fake_stripe.creations()]
    assert keys == [f"{online_order.number}-1"] * 2  # the same key both times
    assert list(fake_stripe.intents) == [attempt.payment_intent_id]  # Stripe made one


# -- expiry ---------------------------------------------------------------------------------


def test_unpaid_online_order_expires_its_intent_is_cancelled_and_stock_released(
    buyer_client, online_order, fake_stripe, stock
):
    attempt = open_attempt(buyer_client, online_order)
    later = timezone.now() + datetime.timedelta(hours=25)
    assert online_orders_expire(older_than=datetime.timedelta(hours=24), now=later) == [
        online_order.pk
    ]
    online_order.refresh_from_db()
    stock.refresh_from_db()
    assert online_order.payment_status == "cancelled" and stock.num_allocated == 0
    assert fake_stripe.intents[attempt.payment_intent_id]["status"] == "canceled"


def test_an_order_whose_payment_is_processing_does_not_expire(
    buyer_client, online_order, fake_stripe
):
    attempt = open_attempt(buyer_client, online_order)
    fake_stripe.process(attempt.payment_intent_id)
    later = timezone.now() + datetime.timedelta(hours=25)
    assert online_orders_expire(older_than=datetime.timedelta(hours=24), now=later) == []
    online_order.refresh_from_db()
    assert online_order.payment_status == "awaiting"


def test_an_intent_made_by_a_lost_creation_is_found_and_cancelled_on_expiry(
    online_order, fake_stripe
):
    fake_stripe.sabotage.append("500")
    with pytest.raises(OnlinePaymentRefused):
        payment_attempt_open(order_id=online_order.pk)
    later = timezone.now() + datetime.timedelta(hours=25)
    assert online_orders_expire(older_than=datetime.timedelta(hours=24), now=later) == [
        online_order.pk
    ]
    (intent,) = fake_stripe.intents.values()
    assert intent["status"] == "canceled"
