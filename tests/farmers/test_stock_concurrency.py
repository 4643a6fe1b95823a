"""Real PostgreSQL transactions racing on one stock record (STYLE.md: lock, and prove it bites)."""

import datetime
import random
import threading
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import F, Sum

from farmers.errors import StockError
from farmers.models import Lot, StockAdjustment
from farmers.services.stock import lot_receive, stock_adjust, stock_lot_mismatches, stock_take

THREADS = 20
DAY = datetime.date(2026, 11, 1)


def run_threads(work, count=THREADS):
    """Start ``count`` threads together; each gets its own connection, closed at the end."""
    barrier = threading.Barrier(count)
    errors = []

    def target(n):
        try:
            barrier.wait(timeout=30)
            work(n)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def test_concurrent_intakes_adjustments_and_stocktakes_keep_exact_totals(postgres, supply):
    for n in range(3):
        lot_receive(
            stock_record=supply.stock_record,
            household=supply.households[n],
            units=100,
            received_on=DAY,
            trace_code=f"SEED-{n}",
            farmgate_unit_price=Decimal("10"),
        )
    rng = random.Random(7)
    plan = [rng.choice(["intake", "intake", "damage", "stocktake"]) for _ in range(THREADS)]
    refused = []

    def work(n):
        kind = plan[n]
        try:
            if kind == "intake":
                lot_receive(
                    stock_record=supply.stock_record,
                    household=supply.households[n % 3],
                    units=10 + n,
                    received_on=DAY,
                    trace_code=f"RACE-{n}",
                    farmgate_unit_price=Decimal("10"),
                )
            elif kind == "damage":
                stock_adjust(
                    stock_record=supply.stock_record,
                    reason="damage",
                    units=3 + n % 5,
                    note=f"thread {n}",
                )
            else:
                stock_take(
                    stock_record=supply.stock_record, counted_units=250 + n, note=f"thread {n}"
                )
        except StockError as exc:
            refused.append((n, exc))

    assert run_threads(work) == []
    record = supply.refresh()
    received = Lot.objects.aggregate(total=Sum("units_received"))["total"]
    adjusted = StockAdjustment.objects.aggregate(total=Sum("delta"))["total"] or 0
    # Nothing lost: stock = everything received + every recorded adjustment, and the lots agree.
    assert record.num_in_stock == received + adjusted
    assert stock_lot_mismatches() == []
    assert Lot.objects.filter(trace_code__startswith="RACE-").count() == plan.count("intake")
    # Every stock-take saw the stock as it was under the lock: before + delta = counted.
    for take in StockAdjustment.objects.filter(reason="stocktake"):
        assert take.units_before + take.delta == take.counted_units
    # Refusals are the stock-takes that would have needed more units than the lots ever held.
    assert all(plan[n] == "stocktake" for n, _ in refused)


def test_concurrent_intakes_alone_add_up_exactly(postgres, supply):
    def work(n):
        lot_receive(
            stock_record=supply.stock_record,
            household=supply.households[n % 3],
            units=n + 1,
            received_on=DAY,
            trace_code=f"ONLY-{n}",
            farmgate_unit_price=Decimal("10"),
        )

    assert run_threads(work) == []
    assert supply.refresh().num_in_stock == sum(range(1, THREADS + 1))
    assert stock_lot_mismatches() == []


def naive_intake(stock_record_id, household, units, code, pause):
    """The bug this design prevents: read the stock, then write back read + units."""
    from oscar.core.loading import get_model

    StockRecord = get_model("partner", "StockRecord")
    with transaction.atomic():
        current = StockRecord.objects.get(pk=stock_record_id).num_in_stock
        pause()
        Lot.objects.create(
            stock_record_id=stock_record_id,
            household=household,
            received_on=DAY,
            units_received=units,
            units_remaining=units,
            farmgate_amount=Decimal("1"),
            trace_code=code,
        )
        StockRecord.objects.filter(pk=stock_record_id).update(num_in_stock=current + units)


def test_control_naive_read_modify_write_loses_updates(postgres, supply):
    """Without the lock the same race loses updates, so the tests above can fail."""
    gate = threading.Barrier(THREADS)

    def work(n):
        naive_intake(
            supply.stock_record.pk,
            supply.households[n % 3],
            5,
            f"NAIVE-{n}",
            pause=lambda: gate.wait(timeout=30),
        )

    assert run_threads(work) == []
    record = supply.refresh()
    assert record.num_in_stock < 5 * THREADS  # updates were lost
    assert stock_lot_mismatches() != []
    # …while the lots themselves all arrived:
    assert Lot.objects.aggregate(total=Sum("units_remaining"))["total"] == 5 * THREADS
    assert Lot.objects.filter(units_remaining__gt=F("units_received")).count() == 0
