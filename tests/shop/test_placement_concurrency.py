"""Concurrent order placement on PostgreSQL: real transactions, one connection per buyer."""

import threading
import time

import pytest
from django.db import OperationalError, close_old_connections, connection, connections
from oscar.core.loading import get_model

from shop.order.exceptions import StockShortage
from shop.order.utils import OrderCreator
from tests.conftest import IN_CI
from tests.shop.conftest import basket_for, make_buyer, make_stock, place

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")
BUYERS = 40
STOCK = 10


@pytest.fixture(autouse=True)
def _postgres_only():
    """Row locks are PostgreSQL's; on SQLite writers queue on one lock. Fails in CI, skips here."""
    if connection.vendor != "postgresql":
        message = "the placement race needs PostgreSQL (set DATABASE_URL)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture
def slow_order_writes(monkeypatch):
    """Widen the window between the availability check and the allocation, as a busy server would."""
    original = OrderCreator.allocate

    def allocate_slowly(self, records, wanted):
        time.sleep(0.02)
        return original(self, records, wanted)

    monkeypatch.setattr(OrderCreator, "allocate", allocate_slowly)


@pytest.fixture
def every_check_before_any_allocation(monkeypatch):
    """Hold each buyer between its availability check and its allocation until all have
    checked: the worst interleaving, every time (only possible without the lock)."""
    original = OrderCreator.allocate
    gate = threading.Barrier(BUYERS, timeout=60)

    def allocate_after_everyone_checked(self, records, wanted):
        gate.wait()
        return original(self, records, wanted)

    monkeypatch.setattr(OrderCreator, "allocate", allocate_after_everyone_checked)


def race(baskets_and_users, *, lock: bool) -> tuple[list, list, list]:
    placed, refused, failed = [], [], []
    start = threading.Barrier(len(baskets_and_users))

    def buy(basket, user):
        try:
            start.wait()
            placed.append(place(basket, user, lock=lock).number)
        except StockShortage as shortage:
            refused.append(shortage)
        except Exception as exc:  # a deadlock or anything else fails the test below
            failed.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=buy, args=pair) for pair in baskets_and_users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    close_old_connections()
    return placed, refused, failed


def forty_buyers_for(record):
    pairs = []
    for n in range(BUYERS):
        user = make_buyer(email=f"racer{n}@a.example")
        pairs.append((basket_for(user, [(record, 1)]), user))
    return pairs


def test_forty_buyers_for_ten_units_get_exactly_ten_and_clear_refusals(slow_order_writes):
    (record,) = make_stock(n=1, num_in_stock=STOCK)

    placed, refused, failed = race(forty_buyers_for(record), lock=True)

    assert failed == []
    record.refresh_from_db()
    assert len(placed) == STOCK
    assert record.num_allocated == STOCK
    assert Order.objects.count() == STOCK
    assert len(refused) == BUYERS - STOCK
    assert all(
        [(line.sku, line.wanted, line.available) for line in r.short_lines]
        == [(record.partner_sku, 1, 0)]
        and record.partner_sku in str(r)
        for r in refused
    )


def test_control_without_the_lock_oversells(every_check_before_any_allocation):
    """The same race with locking off oversells, or the test above proves nothing."""
    (record,) = make_stock(n=1, num_in_stock=STOCK)

    placed, _refused, failed = race(forty_buyers_for(record), lock=False)

    assert failed == []
    record.refresh_from_db()
    assert len(placed) == BUYERS  # every buyer saw stock, none saw the others
    assert record.num_allocated == BUYERS > record.num_in_stock


def test_two_bulk_orders_with_lines_in_opposite_order_never_deadlock(slow_order_writes):
    records = make_stock(n=30, num_in_stock=1000)
    pairs = []
    for round_ in range(6):
        for direction in (records, records[::-1]):
            user = make_buyer(email=f"bulk{round_}-{len(pairs)}@a.example")
            pairs.append((basket_for(user, [(record, 3) for record in direction]), user))

    placed, refused, failed = race(pairs, lock=True)

    assert [e for e in failed if isinstance(e, OperationalError)] == []
    assert failed == [] and refused == []
    assert len(placed) == len(pairs)
    for record in records:
        record.refresh_from_db()
        assert record.num_allocated == 3 * len(pairs)
