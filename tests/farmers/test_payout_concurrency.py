"""Racing payout batches on PostgreSQL: no household is paid twice (invariant 8)."""

import threading

import pytest
from django.db import IntegrityError, close_old_connections, connections

from farmers.errors import SettlementError
from farmers.models import PayoutBatch, PayoutLine
from farmers.services import payouts
from tests.farmers.conftest import Supply
from tests.farmers.settlement_world import receive, seller_staff, with_payees

pytestmark = pytest.mark.postgres
STAFF = 4


@pytest.fixture
def owed_world(postgres):
    supply = Supply()
    users = [seller_staff(supply.seller) for _ in range(STAFF)]
    with_payees(supply.households, users[0])
    for household in supply.households:
        receive(supply, household, 10, "100.00")
    return supply, users


@pytest.fixture
def everyone_reads_before_anyone_writes(monkeypatch):
    """Hold each creator between reading balances and writing lines until all have read —
    the worst interleaving. With the lock the others wait on it, so the gate gives up."""
    gate = threading.Barrier(STAFF, timeout=3)

    def wait_for_the_others():
        try:
            gate.wait()
        except threading.BrokenBarrierError:
            pass

    monkeypatch.setattr(payouts, "_after_balances_read", wait_for_the_others)


def race(supply, users, *, lock: bool, monkeypatch):
    monkeypatch.setattr(payouts, "LOCK_BATCH_CREATION", lock)
    created, refused, collided, failed = [], [], [], []
    start = threading.Barrier(len(users))

    def create(user):
        try:
            start.wait()
            created.append(payouts.payout_batch_create(seller=supply.seller, created_by=user))
        except SettlementError as error:
            refused.append(error)
        except IntegrityError as error:
            collided.append(error)
        except Exception as error:  # anything else fails the test below
            failed.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    close_old_connections()
    return created, refused, collided, failed


def test_staff_creating_batches_at_once_pay_each_household_once(
    owed_world, everyone_reads_before_anyone_writes, monkeypatch
):
    supply, users = owed_world

    created, refused, collided, failed = race(supply, users, lock=True, monkeypatch=monkeypatch)

    assert failed == [] and collided == []
    assert len(created) == 1 and len(refused) == STAFF - 1
    assert all("Nothing to pay" in error.message for error in refused)
    assert PayoutBatch.objects.count() == 1
    lines = list(PayoutLine.objects.values_list("household_id", flat=True))
    assert sorted(lines) == sorted(h.pk for h in supply.households)


def test_control_without_the_lock_every_creator_reads_the_same_balances(
    owed_world, everyone_reads_before_anyone_writes, monkeypatch
):
    """With the lock off the race is real: every creator read the households as unpaid and
    tried to pay them; only the one-open-line constraint stopped a second payment."""
    supply, users = owed_world

    created, refused, collided, failed = race(supply, users, lock=False, monkeypatch=monkeypatch)

    assert failed == [] and refused == []
    assert len(created) == 1
    assert len(collided) == STAFF - 1  # each of the others would have paid everyone again
    assert PayoutLine.objects.count() == len(supply.households)
