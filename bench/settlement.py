"""Household settlement over a big ledger, on PostgreSQL: pay every household owed money.

Setup (not timed, skipped when a previous run left it in the database):
10,000 member households of one seller selling on consignment (代销), each
with a lot and payee details (a bank card), 10,000 paid orders of 10 lines
and 1,000,000 attribution rows written with one ``INSERT … SELECT
generate_series`` — what is owed is read from that ledger. Payout lines of
an earlier run are deleted first, so every run starts with everyone owed.

Timed, as the seller's staff do it: create one payout batch for every
household owed money (balances derived from the 1,000,000 rows), write the
bank's bulk-payment CSV, turn it into the bank's result file (every line
paid, a reference each) and apply it — every line confirmed.

Checked: each line's amount against the household's balance recomputed in
plain SQL from the ledger (``mismatch_fen``: the sum of the differences, in
fen; 0 wanted), and every balance is 0 afterwards.

Run: ``DATABASE_URL=postgresql://… python bench/settlement.py``.
Last line: JSON with ``households``, ``seconds`` (under 10 wanted) and ``mismatch_fen``.
"""

import datetime
import json
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

os.environ["DEBUG"] = "0"  # no log of every query
os.environ.setdefault("SECRET_KEY", "bench-only-" + os.urandom(24).hex())
if "FIELD_ENCRYPTION_KEY" not in os.environ:
    # A fixed throwaway key: payee details built by an earlier run stay readable.
    os.environ["FIELD_ENCRYPTION_KEY"] = "YmVuY2gtc2V0dGxlbWVudC1vbmx5LWtleS0wMDAwMDA="

from bench.database import django_with_database

HOUSEHOLDS = 10_000
ORDERS = 10_000
LINES_PER_ORDER = 10
LEDGER_ROWS = 1_000_000
ROWS_PER_LINE = LEDGER_ROWS // (ORDERS * LINES_PER_ORDER)
MARK = "基准结算镇"


def card(n: int) -> str:
    from stdnum import luhn

    body = f"621700{n:012d}"
    return body + luhn.calc_check_digit(body)


def build():
    from django.contrib.sites.models import Site
    from django.db import connection, transaction
    from django.utils import timezone
    from oscar.core.loading import get_model
    from oscar.test.factories import ProductFactory

    from farmers.crypto import field_encrypt
    from farmers.models import Household, Lot, Membership, Payee, SettlementTerms, Town, Village
    from farmers.payee_accounts import account_mask
    from testing.factories import SellerFactory

    Order = get_model("order", "Order")
    Line = get_model("order", "Line")
    StockRecord = get_model("partner", "StockRecord")

    with transaction.atomic():
        town = Town.objects.create(name=MARK)
        village = Village.objects.create(town=town, name="结算基准村")
        seller = SellerFactory(village=village, partner__name="结算基准代销馆")
        SettlementTerms.objects.create(
            seller=seller, terms="consignment", effective_from=datetime.date(2020, 1, 1)
        )
        records = []
        for n in range(20):
            product = ProductFactory(
                stockrecords=None, categories=None, seller=seller, title=f"结算基准品{n}"
            )
            records.append(
                StockRecord.objects.create(
                    product=product,
                    partner=seller.partner,
                    partner_sku=f"STL-{n}",
                    price=Decimal("25.00"),
                    price_currency="CNY",
                    num_in_stock=0,
                )
            )
        Household.objects.bulk_create(
            (
                Household(code=f"J{i:05d}", head_name=f"结算户{i}", village=village)
                for i in range(HOUSEHOLDS)
            ),
            batch_size=2000,
        )
        households = list(Household.objects.filter(village=village).order_by("pk"))
        Membership.objects.bulk_create(
            (
                Membership(seller=seller, household=h, joined_on=datetime.date(2024, 1, 1))
                for h in households
            ),
            batch_size=2000,
        )
        Payee.objects.bulk_create(
            (
                Payee(
                    household=h,
                    method="bank",
                    holder_name=h.head_name,
                    bank_name="中国农业银行连山支行",
                    account_encrypted=field_encrypt(card(i)),
                    account_masked=account_mask("bank", card(i)),
                )
                for i, h in enumerate(households)
            ),
            batch_size=2000,
        )
        Lot.objects.bulk_create(
            (
                Lot(
                    stock_record=records[i % len(records)],
                    household=household,
                    received_on=datetime.date(2025, 1, 1),
                    units_received=1000,
                    units_remaining=0,
                    farmgate_amount=Decimal("15333.33"),
                    trace_code=f"STL-{i}",
                )
                for i, household in enumerate(households)
            ),
            batch_size=2000,
        )
        site = Site.objects.get_current()
        now = timezone.now()
        orders = Order.objects.bulk_create(
            (
                Order(
                    number=f"STL{n:06d}",
                    site=site,
                    currency="CNY",
                    total_incl_tax=Decimal("2500.00"),
                    total_excl_tax=Decimal("2500.00"),
                    shipping_incl_tax=Decimal("0"),
                    shipping_excl_tax=Decimal("0"),
                    status="Being processed",
                    date_placed=now,
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
        first_line = Line.objects.filter(order__number="STL000000").order_by("pk").first().pk
        first_lot = Lot.objects.get(trace_code="STL-0").pk
        first_household = households[0].pk
        # Row g: line g // R, one unit of a household's lot; incomes vary to the fen,
        # and one row in 50 is a reversal of a sale (negative).
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO farmers_attribution
                    (line_id, lot_id, household_id, kind, cause, units,
                     sales_amount, household_income, created_at)
                SELECT %(line0)s + g / %(r)s,
                       %(lot0)s + h, %(hh0)s + h, 'sale', 'payment', 1,
                       25.00, 10 + (g %% 997) / 100.0,
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


def ledger_balances(seller) -> dict[int, int]:
    """Each household's owed in fen, summed in plain SQL from the ledger (the check)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT a.household_id, SUM(a.household_income) * 100
            FROM farmers_attribution a JOIN farmers_lot l ON l.id = a.lot_id
            JOIN partner_stockrecord s ON s.id = l.stock_record_id
            WHERE s.partner_id = %s GROUP BY a.household_id
            """,
            [seller.partner_id],
        )
        return {h: int(fen) for h, fen in cursor.fetchall()}


def result_file(bank_csv: bytes) -> bytes:
    """What the bank sends back: every line of the bulk-payment file paid, with a reference."""
    lines = bank_csv.decode("utf-8-sig").splitlines()[1:]
    rows = ["账号,金额,状态,银行流水号"]
    for n, line in enumerate(lines):
        cells = line.split(",")
        rows.append(f"{cells[2]},{cells[4]},成功,ABC{n:08d}")
    return "\n".join(rows).encode("utf-8")


def main():
    vendor = django_with_database()
    if vendor != "postgresql":
        sys.exit("bench/settlement.py needs PostgreSQL: set DATABASE_URL")
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from farmers.models import (
        PayoutBatch,
        PayoutFileDownload,
        PayoutLine,
        PayoutReversal,
        Seller,
        Town,
    )
    from farmers.reports.settlement import balances
    from farmers.services.payouts import (
        payout_bank_file,
        payout_batch_create,
        payout_result_apply,
    )

    built = False
    if not Town.objects.filter(name=MARK).exists():
        start = time.perf_counter()
        build()
        built = round(time.perf_counter() - start, 1)
    seller = Seller.objects.get(partner__name="结算基准代销馆")
    with transaction.atomic():  # start every run with everyone owed
        PayoutReversal.objects.filter(line__seller=seller).delete()
        PayoutLine.objects.filter(seller=seller).delete()
        PayoutFileDownload.objects.filter(batch__seller=seller).delete()
        PayoutBatch.objects.filter(seller=seller).delete()
    user, _ = get_user_model().objects.get_or_create(
        username="bench-settlement", defaults={"email": "bench-settlement@example.com"}
    )
    expected = ledger_balances(seller)

    start = time.perf_counter()
    created = payout_batch_create(seller=seller, created_by=user)
    created_at = time.perf_counter()
    _name, _type, bank_csv = payout_bank_file(batch=created.batch, file_format="csv", user=user)
    exported_at = time.perf_counter()
    applied = payout_result_apply(
        batch=created.batch,
        file_name="result.csv",
        content=result_file(bank_csv),
        settled_by=user,
    )
    seconds = time.perf_counter() - start

    amounts = dict(created.batch.lines.values_list("household_id", "amount"))
    mismatch = sum(abs(int(amounts.get(h, 0) * 100) - fen) for h, fen in expected.items())
    mismatch += sum(abs(int(a * 100)) for h, a in amounts.items() if h not in expected)
    left = [r for r in balances(seller_ids=[seller.pk]) if r.balance != 0]
    print(
        f"built in {built}s; create {created_at - start:.2f}s, bank file "
        f"{exported_at - created_at:.2f}s, result file {seconds - (exported_at - start):.2f}s; "
        f"{applied.confirmed} confirmed, {len(left)} balances left",
        file=sys.stderr,
    )
    print(
        json.dumps(
            {
                "households": created.lines,
                "ledger_rows": LEDGER_ROWS,
                "seconds": round(seconds, 2),
                "create_seconds": round(created_at - start, 2),
                "confirmed": applied.confirmed,
                "total": str(created.total),
                "mismatch_fen": mismatch,
                "balances_left": len(left),
                "vendor": vendor,
            }
        )
    )


if __name__ == "__main__":
    main()
