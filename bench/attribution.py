"""Attribution throughput: a backlog of paid order lines, one Celery worker, PostgreSQL.

Setup (not timed): 40 products, each with 25 household lots of 2,000 units;
150 paid orders of 100 lines each (15,000 lines; bulk orders are the daily business) written straight to the
database, each with its "order.paid" outbox message, all published to Redis
(the backlog). Then one worker process starts (``celery worker -Q attribution``,
one process) and drains it through the real path: outbox task, locks, FIFO
split, ledger rows, committed units. ``lines_per_second`` is the worker's pace,
from its first ledger row to its last; ``seconds_with_worker_startup`` adds the
worker's start-up. Afterwards
every line's entries are checked to sum to its units and its total.

The floor, in the same run: the ledger rows the worker wrote are inserted
again, in one transaction of batched multi-row INSERTs, into a scratch table
shaped like the ledger (same columns, same indexes, no foreign keys), with
100, 250 and 1,000 rows a statement. ``floor_rows_per_second`` is the fastest
of the three, what this database takes at best; ``share_of_floor`` is
``lines_per_second`` over it.

Run: ``DATABASE_URL=postgresql://… REDIS_URL=redis://127.0.0.1:6379/0 python bench/attribution.py``.
Last line: JSON with ``lines_per_second``, ``floor_rows_per_second`` and ``share_of_floor``.
"""

import datetime
import json
import os
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/14")
# Production settings (DEBUG off: Django then keeps no log of every query), with
# throwaway keys for this run.
os.environ["DEBUG"] = "0"
os.environ.setdefault("SECRET_KEY", "bench-only-" + os.urandom(24).hex())
if "FIELD_ENCRYPTION_KEY" not in os.environ:
    from cryptography.fernet import Fernet

    os.environ["FIELD_ENCRYPTION_KEY"] = Fernet.generate_key().decode()

from bench.database import PROJECT_ROOT, django_with_database
from testing.processes import celery_worker_command

PRODUCTS = 40
LOTS_PER_PRODUCT = 25
ORDERS = 150
LINES_PER_ORDER = 100
TIMEOUT = 600


def build_catalogue():
    from oscar.core.loading import get_model
    from oscar.test.factories import ProductFactory

    from farmers.models import Lot
    from testing.factories import (
        HouseholdFactory,
        MembershipFactory,
        SellerFactory,
        VillageFactory,
    )

    StockRecord = get_model("partner", "StockRecord")
    stamp = time.time_ns()  # a database reused across runs keeps earlier runs' rows
    village = VillageFactory(name=f"基准村{stamp}")
    seller = SellerFactory(village=village, partner__name=f"基准合作社{stamp}")
    households = [
        HouseholdFactory(village=village, code=f"B{stamp % 10**9}-{i}")
        for i in range(LOTS_PER_PRODUCT)
    ]
    for household in households:
        MembershipFactory(seller=seller, household=household)
    records = []
    for n in range(PRODUCTS):
        product = ProductFactory(
            stockrecords=None,
            categories=None,
            seller=seller,
            title=f"归户基准 {n}",
            upc=f"ATTR-{stamp}-{n}",
        )
        records.append(
            StockRecord.objects.create(
                product=product,
                partner=seller.partner,
                partner_sku=f"ATTR-{seller.pk}-{n}",
                price=Decimal("27.30"),
                price_currency="CNY",
                num_in_stock=LOTS_PER_PRODUCT * 2000,
                num_allocated=0,
            )
        )
    day = datetime.date.today() - datetime.timedelta(days=30)
    Lot.objects.bulk_create(
        Lot(
            stock_record=record,
            household=household,
            received_on=day + datetime.timedelta(days=i),
            units_received=2000,
            units_remaining=2000,
            farmgate_amount=Decimal("33333.33"),
            trace_code=f"A{record.pk}-{i}",
        )
        for record in records
        for i, household in enumerate(households)
    )
    return records


def build_paid_orders(records):
    from django.contrib.sites.models import Site
    from django.utils import timezone
    from oscar.core.loading import get_model

    from outbox.models import OutboxMessage

    Order = get_model("order", "Order")
    Line = get_model("order", "Line")
    site = Site.objects.get_current()
    stamp = int(time.time())
    orders = Order.objects.bulk_create(
        Order(
            number=f"B{stamp}{n:05d}",
            site=site,
            currency="CNY",
            total_incl_tax=Decimal("0"),
            total_excl_tax=Decimal("0"),
            shipping_incl_tax=Decimal("0"),
            shipping_excl_tax=Decimal("0"),
            status="Being processed",
            date_placed=timezone.now(),
        )
        for n in range(ORDERS)
    )
    lines = []
    for n, order in enumerate(orders):
        for i in range(LINES_PER_ORDER):
            record = records[(n + i) % len(records)]
            quantity = 1 + (n * 7 + i) % 9
            total = Decimal("27.30") * quantity
            lines.append(
                Line(
                    order=order,
                    partner=record.partner,
                    partner_name=record.partner.name,
                    partner_sku=record.partner_sku,
                    stockrecord=record,
                    product=record.product,
                    title=record.product.title,
                    quantity=quantity,
                    line_price_incl_tax=total,
                    line_price_excl_tax=total,
                    line_price_before_discounts_incl_tax=total,
                    line_price_before_discounts_excl_tax=total,
                    num_allocated=quantity,
                    unit_price_incl_tax=Decimal("27.30"),
                    unit_price_excl_tax=Decimal("27.30"),
                )
            )
    Line.objects.bulk_create(lines, batch_size=2000)
    messages = OutboxMessage.objects.bulk_create(
        OutboxMessage(topic="order.paid", payload={"order_id": order.pk}) for order in orders
    )
    return orders, messages


FLOOR_TABLE = "bench_attribution_floor"
FLOOR_BATCHES = (100, 250, 1000)  # rows a statement; the fastest is the floor
FLOOR_COLUMNS = (
    "line_id",
    "lot_id",
    "household_id",
    "kind",
    "cause",
    "units",
    "sales_amount",
    "household_income",
    "created_at",
)


def floor_rows_per_second(orders) -> tuple[int, float]:
    """(rows, rows a second): the run's ledger rows inserted again, batched, into a scratch
    table shaped like the ledger; the fastest of ``FLOOR_BATCHES``."""
    paces = [_floor_pace(orders, batch) for batch in FLOOR_BATCHES]
    return paces[0][0], max(pace for _rows, pace in paces)


def _floor_pace(orders, batch: int) -> tuple[int, float]:
    from django.db import connection, transaction

    from farmers.models import Attribution

    rows = list(Attribution.objects.filter(line__order__in=orders).values_list(*FLOOR_COLUMNS))
    source = Attribution._meta.db_table
    columns = ", ".join(FLOOR_COLUMNS)
    row_marks = "(" + ", ".join(["%s"] * len(FLOOR_COLUMNS)) + ")"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {FLOOR_TABLE}")
        if connection.vendor == "postgresql":
            cursor.execute(
                f"CREATE TABLE {FLOOR_TABLE} (LIKE {source} INCLUDING DEFAULTS "
                "INCLUDING IDENTITY INCLUDING INDEXES INCLUDING CONSTRAINTS)"
            )
        else:
            cursor.execute(f"CREATE TABLE {FLOOR_TABLE} AS SELECT * FROM {source} WHERE 0")
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            cursor.execute(
                f"INSERT INTO {FLOOR_TABLE} ({columns}) VALUES {', '.join([row_marks] * len(chunk))}",
                [value for row in chunk for value in row],
            )
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {FLOOR_TABLE}")
    return len(rows), len(rows) / elapsed


def start_worker() -> subprocess.Popen:
    return subprocess.Popen(
        celery_worker_command(
            name=f"bench-{os.getpid()}", queues="attribution", pool="prefork", concurrency=1
        ),
        cwd=PROJECT_ROOT,
        env=os.environ.copy(),
    )


def main() -> None:
    vendor = django_with_database()
    from django.conf import settings
    from django.db.models import Max, Min, Sum

    from config.celery_app import app
    from farmers.models import Attribution
    from outbox.models import OutboxDelivery
    from outbox.services import outbox_publish

    assert settings.REDIS_URL and not settings.CELERY_TASK_ALWAYS_EAGER
    app.control.purge()
    records = build_catalogue()
    orders, messages = build_paid_orders(records)
    ids = [m.pk for m in messages]
    # The backlog: every task is in Redis before the worker starts.
    published_at = time.perf_counter()
    for message_id in ids:
        assert outbox_publish(message_id=message_id)
    published = time.perf_counter() - published_at
    started = time.perf_counter()
    worker = start_worker()
    try:
        # Done when the attribution handler has a delivery for every message (the
        # notifications of "order.paid" go to another queue, which this worker skips).
        while OutboxDelivery.objects.filter(
            message_id__in=ids, handler="farmers.outbox_handlers.attribute_paid_order"
        ).count() < len(ids):
            if time.perf_counter() - started > TIMEOUT:
                raise SystemExit("the worker did not finish the backlog in time")
            time.sleep(0.05)
        with_startup = time.perf_counter() - started
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    # The worker's own pace: from its first ledger row to its last, plus one order's share.
    span = Attribution.objects.filter(line__order__in=orders).aggregate(
        first=Min("created_at"), last=Max("created_at")
    )
    elapsed = (span["last"] - span["first"]).total_seconds() * ORDERS / (ORDERS - 1)

    lines = ORDERS * LINES_PER_ORDER
    per_line = (
        Attribution.objects.filter(line__order__in=orders)
        .values("line_id", "line__quantity", "line__line_price_incl_tax")
        .annotate(units=Sum("units"), amount=Sum("sales_amount"))
    )
    assert len(per_line) == lines, len(per_line)
    for row in per_line:
        assert (
            row["units"] == row["line__quantity"]
            and row["amount"] == row["line__line_price_incl_tax"]
        )
    from loadtest.stats import cpu_calibration_ms

    ledger_rows, floor = floor_rows_per_second(orders)
    print(
        json.dumps(
            {
                "bench": "attribution",
                "database": vendor,
                "lines": lines,
                "orders": ORDERS,
                "ledger_rows": ledger_rows,
                "seconds": round(elapsed, 2),
                "lines_per_second": round(lines / elapsed),
                "floor_rows_per_second": round(floor),
                "share_of_floor": round(lines / elapsed / floor, 3),
                "workers": 1,
                "cpu_calibration_ms": cpu_calibration_ms(),  # the load harness's loop, this run
                "publish_seconds": round(published, 2),
                "seconds_with_worker_startup": round(with_startup, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
