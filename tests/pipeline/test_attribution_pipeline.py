"""Attribution through Redis and real workers: nothing lost, nothing doubled."""

import datetime
from decimal import Decimal

from django.db import connection
from django.db.models import Sum
from oscar.core.loading import get_model
from oscar.test.factories import UserFactory, create_basket, create_order

from farmers.models import Attribution
from outbox.models import OutboxDelivery, OutboxMessage
from outbox.services import outbox_publish, outbox_relay
from shop.services.payments import transfer_record
from tests.pipeline.conftest import celery_on, wait_for

Product = get_model("catalogue", "Product")
Line = get_model("order", "Line")

NOW = datetime.timedelta(0)


def order_of(*skus_quantities):
    basket = create_basket(empty=True)
    for sku, quantity in skus_quantities:
        basket.add_product(Product.objects.get(upc=sku), quantity)
    return create_order(basket=basket)


def pay(order):
    return transfer_record(
        order_id=order.pk,
        amount=order.total_incl_tax,
        received_on=datetime.date(2026, 11, 28),
        bank_reference=f"T{order.pk}",
        recorded_by=UserFactory(is_staff=True),
    )


def paid_message(order):
    return OutboxMessage.objects.get(topic="order.paid", payload__order_id=order.pk)


def attributed(order) -> bool:
    """The attribution handler has finished (other handlers may run on other queues)."""
    return OutboxDelivery.objects.filter(
        message=paid_message(order), handler="farmers.outbox_handlers.attribute_paid_order"
    ).exists()


def assert_attributed_exactly_once(order):
    for line in order.lines.all():
        totals = Attribution.objects.filter(line=line).aggregate(
            u=Sum("units"), s=Sum("sales_amount")
        )
        assert totals == {"u": line.quantity, "s": line.line_price_incl_tax}, line


def test_payment_recorded_while_redis_is_down_is_attributed_when_it_returns(
    postgres, demo_world, redis_server, workers, settings
):
    order = order_of(("TB-MT-5000", 7), ("TB-GLZ-R-250", 30))
    with celery_on(redis_server.url, settings):
        redis_server.stop()
        outcome = pay(order)  # the team's request succeeds with the broker down
        assert outcome.became_paid
        message = paid_message(order)
        assert message.handled_at is None and message.last_error
        assert not Attribution.objects.exists()

        redis_server.start()
        workers(redis_server.url)
        assert outbox_relay(older_than=NOW) == 1  # what the beat's relay does
        wait_for(lambda: paid_message(order).handled_at is not None)
    assert_attributed_exactly_once(order)


def test_the_same_task_delivered_twice_writes_one_set_of_entries(
    postgres, demo_world, redis_server, workers, settings
):
    order = order_of(("TB-SJ-2500", 9))
    with celery_on(redis_server.url, settings):
        redis_server.stop()
        pay(order)  # pending: nothing published yet
        redis_server.start()
        message = paid_message(order)
        assert outbox_publish(message_id=message.pk)
        assert outbox_publish(message_id=message.pk)  # delivered twice
        workers(redis_server.url)
        wait_for(lambda: paid_message(order).handled_at is not None)
        wait_for(lambda: not _queued(redis_server.url), timeout=30)
    assert_attributed_exactly_once(order)
    # One delivery per handler of "order.paid" (attribution, notifications), never two.
    handlers = list(
        OutboxDelivery.objects.filter(message=message).values_list("handler", flat=True)
    )
    assert sorted(handlers) == sorted(set(handlers)) and len(handlers) == 2


def _queued(url: str) -> int:
    import redis

    client = redis.Redis.from_url(url)
    return sum(client.llen(q) for q in ("attribution", "notifications", "default"))


def _worker_holds_lot_locks() -> bool:
    """Another backend holds SELECT … FOR UPDATE on stock records: attribution's transaction."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
            "WHERE c.relname = 'partner_stockrecord' AND l.mode = 'RowShareLock' "
            "AND l.pid <> pg_backend_pid() AND l.granted"
        )
        return cursor.fetchone()[0] > 0


def test_a_worker_killed_during_attribution_leaves_exactly_one_set_of_entries(
    postgres, demo_world, redis_server, workers, settings
):
    # A long order, so that the worker is caught inside its transaction.
    # Products with stock to spare, so that every copied line can be covered.
    plenty = list(Product.objects.filter(stockrecords__num_in_stock__gte=300).distinct())
    basket = create_basket(empty=True)
    for product in plenty:
        basket.add_product(product, 3)
    order = create_order(basket=basket)
    lines = list(order.lines.all())
    # Many lines: copy the order's lines so attribution has real work to do.
    Line.objects.bulk_create(
        [
            Line(
                **{
                    f.attname: getattr(line, f.attname)
                    for f in Line._meta.concrete_fields
                    if f.attname != "id"
                }
                | {
                    "quantity": 1,
                    "line_price_incl_tax": Decimal("1.00"),
                    "line_price_excl_tax": Decimal("1.00"),
                }
            )
            for line in lines
            for _ in range(150)
        ]
    )
    order.total_incl_tax = sum(line.line_price_incl_tax for line in order.lines.all())
    order.save()
    with celery_on(redis_server.url, settings):
        first = workers(redis_server.url, queues="attribution")
        pay(order)
        wait_for(_worker_holds_lot_locks, timeout=60, interval=0.005)
        first.kill()  # SIGKILL in the middle of the attribution transaction
        assert not attributed(order)
        assert not Attribution.objects.filter(line__order=order).exists()  # rolled back

        workers(redis_server.url, queues="attribution")
        assert outbox_relay(older_than=NOW) == 1
        wait_for(lambda: attributed(order), timeout=120)
    assert_attributed_exactly_once(order)
