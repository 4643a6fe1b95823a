"""The load harness's invariant checks find each kind of breakage they are there for."""

from collections import Counter

import pytest
from django.db.models import Count, F
from oscar.core.loading import get_model

from farmers.models import Attribution
from loadtest.invariants import invariants_check
from shop.models import NotificationRecord
from tests.pipeline.test_notification_pipeline import checkout

StockRecord = get_model("partner", "StockRecord")
Order = get_model("order", "Order")

BUYER = "buyer@guoguang.example"


def emails_as_recorded() -> Counter:
    return Counter(
        {
            email.lower(): n
            for email, n in NotificationRecord.objects.filter(emailed=True)
            .values_list("recipient__email")
            .annotate(n=Count("pk"))
        }
    )


def check(emails: Counter):
    return invariants_check(
        emails_by_address=emails, reconnect=False
    )  # inside the test's transaction


@pytest.fixture
def paid_order(postgres, demo_world):  # real commits: the outbox runs after them
    import datetime

    from oscar.test.factories import UserFactory

    from shop.services.payments import transfer_record

    status, order = checkout(BUYER, ("TB-CG-JC-500", 4), ("TB-MT-2500", 2))
    assert status == 302
    transfer_record(
        order_id=order.pk,
        amount=order.total_incl_tax,
        received_on=datetime.date(2026, 11, 28),
        bank_reference="R1",
        recorded_by=UserFactory(is_staff=True),
    )
    return order


def test_a_consistent_world_holds(paid_order):
    findings = check(emails_as_recorded())
    assert findings.holding(), findings.details
    assert findings.paid_units >= 6


def test_an_oversold_record_and_a_stock_lot_mismatch_are_found(paid_order):
    record = StockRecord.objects.get(partner_sku="TB-SG-500")
    StockRecord.objects.filter(pk=record.pk).update(num_allocated=F("num_in_stock") + 1)
    findings = check(emails_as_recorded())
    assert (findings.oversold, findings.allocation_mismatches) == (1, 1)
    StockRecord.objects.filter(pk=record.pk).update(
        num_allocated=0, num_in_stock=F("num_in_stock") + 5
    )
    findings = check(emails_as_recorded())
    assert (findings.oversold, findings.stock_lot_mismatches) == (0, 1)
    assert not findings.holding()


def test_unattributed_paid_units_and_wrong_amounts_are_found(paid_order):
    line = paid_order.lines.get(stockrecord__partner_sku="TB-MT-2500")
    rows = Attribution.objects.filter(line=line)
    assert sum(r.units for r in rows) == 2
    first = rows.order_by("pk").first()
    Attribution.objects.filter(pk=first.pk).update(sales_amount=F("sales_amount") + 1)
    findings = check(emails_as_recorded())
    assert findings.amount_mismatches == 1 and not findings.holding()
    Attribution.objects.filter(line=line).delete()
    findings = check(emails_as_recorded())
    assert findings.unattributed_units == 2 and not findings.holding()


def test_an_e_mail_sent_twice_or_never_is_found(paid_order):
    emails = emails_as_recorded()
    assert emails[BUYER] >= 1
    findings = check(emails + Counter({BUYER: 1}))
    assert findings.duplicate_notifications == 1 and not findings.holding()
    findings = check(emails - Counter({BUYER: 1}))
    assert findings.missing_emails == 1 and not findings.holding()


def test_a_5xx_counts_once_at_the_latest_fault_before_it():
    import threading

    from loadtest.faults import FaultInjector, FaultOutcome

    injector = FaultInjector(stack=None, duration=25, stop=threading.Event())
    injector.outcomes = [
        FaultOutcome("gunicorn_worker_sigkill", 15.2, "", True, 0.2, at=115.2),
        FaultOutcome("postgres_terminate_backends", 20.0, "", True, 0.1, at=120.0),
    ]
    errors = [
        (116.0, "basket", "GET /basket/", 502),
        (121.0, "seller intake", "POST /dashboard/seller/stock/4/intake/", 500),
        (140.0, "catalogue", "GET /catalogue/", 500),
    ]
    report, outside = injector.report(errors)
    assert [(f["errors_5xx"], f["errors_5xx_reads"]) for f in report] == [(1, 1), (1, 0)]
    assert outside == 1


def test_the_ramp_is_not_timed_but_its_errors_count():
    from loadtest.stats import Stats

    clock = iter([100.0, 101.0, 102.0, 105.0, 125.0, 143.0, 150.0])
    stats = Stats(clock=lambda: next(clock))
    stats.recording = False  # the people are still arriving
    stats.record("catalogue", 900.0, status=200)
    stats.record("basket", 950.0, status=502)  # 100.0
    stats.recording = True  # the measured traffic, from 101.0 to 146.0
    stats.record("catalogue", 40.0, status=200)  # 101.0
    stats.record("catalogue", 60.0, status=200)  # 102.0
    stats.record("basket", 80.0, status=200)  # 105.0
    stats.record("basket", 700.0, status=200)  # 125.0
    stats.record("basket", 90.0, status=200)  # 143.0
    stats.recording = False  # an answer still on its way when the traffic stopped
    stats.record("basket", 5000.0, status=504)

    assert stats.summary("catalogue")["n"] == 2 and stats.summary("catalogue")["max"] == 60.0
    assert stats.summary("basket")["max"] == 700.0
    assert stats.errors_5xx() == 2 and stats.errors_4xx() == 0
    # 45 s in windows of 10: nothing answered from 111 to 121 or from 131 to 141 (a stall
    # shows as None), the last 5 s a window of their own
    assert stats.windows_p95(since=101.0, until=146.0, seconds=10) == [
        80.0,
        None,
        700.0,
        None,
        90.0,
    ]
    # 43 s: the last 3 s join the window before them
    assert stats.windows_p95(since=101.0, until=144.0, seconds=10) == [80.0, None, 700.0, 90.0]
    # 41 s: what was answered after the end is left out
    assert stats.windows_p95(since=101.0, until=142.0, seconds=10) == [80.0, None, 700.0, None]


def test_cpu_of_a_service_counts_recycled_workers_once_and_a_restarted_one_from_its_start():
    from loadtest.stack import cpu_used

    # gunicorn: master 10 (its reaped children's time included), workers 11 and 12; during
    # the traffic 11 used 3 s more and was recycled (master now holds its whole 8 s), 13
    # replaced it and used 2 s, 12 used 4 s
    before = {10: 1.0, 11: 5.0, 12: 6.0}
    after = {10: 1.0 + 8.0, 12: 10.0, 13: 2.0}
    assert cpu_used(before, after) == 3.0 + 2.0 + 4.0
    # a Celery worker killed and started again: what the new one used
    assert cpu_used({20: 4.0, 21: 9.0}, {30: 1.5, 31: 2.5}) == 4.0
    # PostgreSQL sessions: nobody here reaps them; those alive at the end, since the start
    assert cpu_used({40: 2.0, 41: 3.0}, {40: 2.5, 42: 1.0}, tree=False) == 1.5
