"""The work team's household report over a big ledger, on PostgreSQL.

Setup (not timed, skipped when a previous run left it in the database):
10,000 households in 10 villages, one lot each, 10,000 paid orders of 10
lines (100,000 lines) and 1,000,000 attribution rows written with one
``INSERT … SELECT generate_series`` — each line split over 10 households'
lots, a sale every row, spread over the last 400 days.

Then the monthly summary the report reads (``LedgerMonth``, ``OrderReach``)
is rebuilt from that ledger — in service, attribution keeps it in step.

Timed: the household report's first page as the work team gets it (the
real view through the test client: filters, totals, one page of 50 sorted
by sales amount, rendering), and beside it the plain SQL ``GROUP BY
household_id`` summing the whole ledger. Seven runs each, medians.

Run: ``DATABASE_URL=postgresql://… python bench/reports.py``.
Last line: JSON with ``p50_ms`` (at most 200 wanted) and ``group_by_ms``.
"""

import datetime
import json
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.database import django_with_database

HOUSEHOLDS = 10_000
VILLAGES = 10
ORDERS = 10_000
LINES_PER_ORDER = 10
LEDGER_ROWS = 1_000_000
ROWS_PER_LINE = LEDGER_ROWS // (ORDERS * LINES_PER_ORDER)
RUNS = 7
MARK = "基准报表镇"


def build():
    from django.contrib.sites.models import Site
    from django.db import connection, transaction
    from django.utils import timezone
    from oscar.core.loading import get_model
    from oscar.test.factories import ProductFactory

    from farmers.models import Household, Lot, Town, Village
    from shop.models import Enterprise
    from testing.factories import SellerFactory

    Order = get_model("order", "Order")
    Line = get_model("order", "Line")
    StockRecord = get_model("partner", "StockRecord")

    with transaction.atomic():
        town = Town.objects.create(name=MARK)
        villages = [Village.objects.create(town=town, name=f"报表村{i}") for i in range(VILLAGES)]
        seller = SellerFactory(village=villages[0], partner__name="报表基准合作社")
        records = []
        for n in range(20):
            product = ProductFactory(
                stockrecords=None, categories=None, seller=seller, title=f"报表基准品{n}"
            )
            records.append(
                StockRecord.objects.create(
                    product=product,
                    partner=seller.partner,
                    partner_sku=f"RPT-{n}",
                    price=Decimal("25.00"),
                    price_currency="CNY",
                    num_in_stock=0,
                )
            )
        Household.objects.bulk_create(
            Household(code=f"R{i:05d}", head_name=f"报表户{i}", village=villages[i % VILLAGES])
            for i in range(HOUSEHOLDS)
        )
        households = list(Household.objects.filter(village__town=town).order_by("pk"))
        Lot.objects.bulk_create(
            Lot(
                stock_record=records[i % len(records)],
                household=household,
                received_on=datetime.date(2025, 1, 1),
                units_received=1000,
                units_remaining=0,
                farmgate_amount=Decimal("15000.00"),
                trace_code=f"RPT-{i}",
            )
            for i, household in enumerate(households)
        )
        enterprises = [
            Enterprise.objects.get_or_create(uscc=code, defaults={"name": f"报表基准企业{i}"})[0]
            for i, code in enumerate(["91440101190473001R", "91440114618713042Y"])
        ]
        site = Site.objects.get_current()
        now = timezone.now()
        orders = Order.objects.bulk_create(
            (
                Order(
                    number=f"RPT{n:06d}",
                    site=site,
                    currency="CNY",
                    total_incl_tax=Decimal("2500.00"),
                    total_excl_tax=Decimal("2500.00"),
                    shipping_incl_tax=Decimal("0"),
                    shipping_excl_tax=Decimal("0"),
                    status="Being processed",
                    date_placed=now,
                    enterprise=enterprises[n % 2],
                    payment_status="paid",
                )
                for n in range(ORDERS)
            ),
            batch_size=2000,
        )
        Line.objects.bulk_create(
            (
                Line(
                    order=order,
                    partner=seller.partner,
                    partner_name=seller.partner.name,
                    partner_sku=records[k % len(records)].partner_sku,
                    stockrecord=records[k % len(records)],
                    product=records[k % len(records)].product,
                    title=records[k % len(records)].product.title,
                    quantity=10,
                    num_allocated=0,
                    line_price_incl_tax=Decimal("250.00"),
                    line_price_excl_tax=Decimal("250.00"),
                    line_price_before_discounts_incl_tax=Decimal("250.00"),
                    line_price_before_discounts_excl_tax=Decimal("250.00"),
                )
                for order in orders
                for k in range(LINES_PER_ORDER)
            ),
            batch_size=5000,
        )
        first_line = Line.objects.filter(order__number="RPT000000").order_by("pk").first().pk
        first_lot = Lot.objects.filter(trace_code="RPT-0").get().pk
        first_household = households[0].pk
        # Row g: line g // R, the R lots of households spread by a stride; a sale of 1 unit.
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO farmers_attribution
                    (line_id, lot_id, household_id, kind, cause, units,
                     sales_amount, household_income, created_at)
                SELECT %(line0)s + g / %(r)s,
                       %(lot0)s + h, %(hh0)s + h, 'sale', 'payment', 1,
                       25.00, 15.00,
                       %(now)s - ((g %% 400) || ' days')::interval
                FROM generate_series(0, %(rows)s - 1) AS g,
                     LATERAL (SELECT ((g / %(r)s) * 7 + (g %% %(r)s) * 997) %% %(hh)s AS h) AS pick
                """,
                {
                    "line0": first_line,
                    "lot0": first_lot,
                    "hh0": first_household,
                    "r": ROWS_PER_LINE,
                    "rows": LEDGER_ROWS,
                    "hh": HOUSEHOLDS,
                    "now": now,
                },
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def p50(fn) -> float:
    fn()  # warm
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 1)


def main():
    vendor = django_with_database()
    if vendor != "postgresql":
        sys.exit("bench/reports.py needs PostgreSQL: set DATABASE_URL")
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from farmers.models import Attribution, LedgerMonth, Town
    from farmers.services.ledger_summary import ledger_summary_rebuild

    built = summarised = False
    if not Town.objects.filter(name=MARK).exists():
        start = time.perf_counter()
        build()
        built = round(time.perf_counter() - start, 1)
    ledger_rows = Attribution.objects.count()
    if built or not LedgerMonth.objects.exists():
        # The ledger was bulk-loaded behind the services' back: rebuild its monthly
        # summary, as an operator would after such a load (attribution keeps it otherwise).
        start = time.perf_counter()
        ledger_summary_rebuild()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        summarised = round(time.perf_counter() - start, 1)

    setup_test_environment()
    user, _ = get_user_model().objects.get_or_create(
        username="bench-team@taibao.example",
        defaults={"email": "bench-team@taibao.example", "is_staff": True},
    )
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="farmers", codename__in=["view_attribution", "view_household"]
        )
    )
    client = Client()
    client.force_login(user)
    url = reverse("team-dashboard:team-sales-household")

    def page():
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    def group_by():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT household_id, SUM(units), SUM(sales_amount), SUM(household_income) "
                "FROM farmers_attribution GROUP BY household_id"
            )
            cursor.fetchall()

    result = {
        "ledger_rows": ledger_rows,
        "households": HOUSEHOLDS,
        "setup_s": built,
        "summary_rebuild_s": summarised,
        "summary_rows": LedgerMonth.objects.count(),
        "p50_ms": p50(page),
        "group_by_ms": p50(group_by),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
