"""The monthly summary the household report reads agrees with the ledger it sums."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from farmers.models import Attribution, LedgerMonth, OrderReach
from farmers.reports.ledger import ReportFilters, summary_applies
from farmers.reports.sales import sales_grouped, sales_totals
from farmers.services.attribution import order_attribution_reverse
from farmers.services.ledger_summary import ledger_summary_mismatches, ledger_summary_rebuild
from farmers.services.stock import lot_receive
from money.split import from_fen
from tests.farmers.test_team_world import build_world, expected_by_household, paid_order

pytestmark = pytest.mark.django_db

CENT = Decimal("0.01")


class LotCounter:
    n = 0

    @classmethod
    def next(cls) -> int:
        cls.n += 1
        return cls.n


@pytest.fixture
def world():
    return build_world()


def test_attribution_and_reversal_keep_the_summary_equal_to_the_ledger(world):
    assert ledger_summary_mismatches() == []
    month = timezone.localdate().replace(day=1)
    expected = expected_by_household(world)
    rows = {row.household_id: row for row in LedgerMonth.objects.filter(month=month)}
    for household_id, want in expected.items():
        assert rows[household_id].units == want["units"]
        assert from_fen(rows[household_id].income_fen) == want["income"].quantize(CENT)
    # The cancelled order reached 李… (H1) and nets to nothing there, but it was paid: counted.
    h1 = world.households[1].pk
    assert rows[h1].orders == len(expected[h1]["orders"]) + 1


def test_orders_reached_count_once_per_village(world):
    first = world.orders[0]  # reached households in both villages
    assert set(OrderReach.objects.filter(order=first).values_list("village_id", flat=True)) == {
        v.pk for v in world.villages
    }
    totals = sales_totals(filters=ReportFilters())
    assert totals["orders"] == len(world.orders) + 1  # and the cancelled one, paid before
    village = world.villages[1]
    orders_in_village = {
        a.line.order_id for a in Attribution.objects.filter(household__village=village, kind="sale")
    }
    assert sales_totals(filters=ReportFilters(village_id=village.pk))["orders"] == len(
        orders_in_village
    )


def test_summary_and_ledger_paths_give_the_same_household_report(world):
    this_month = timezone.localdate().replace(day=1)
    whole = ReportFilters(date_from=this_month, date_to=timezone.localdate())
    assert summary_applies(whole)
    # Forty days before a first of the month is never a first: this period reads the ledger.
    by_ledger = ReportFilters(date_from=this_month - datetime.timedelta(days=40))
    assert not summary_applies(by_ledger)
    summary = {r["key"]: r for r in sales_grouped(dimension="household", filters=whole)}
    ledger = {r["key"]: r for r in sales_grouped(dimension="household", filters=by_ledger)}
    assert summary and summary == ledger
    assert sales_totals(filters=whole) == sales_totals(filters=by_ledger)


@pytest.mark.parametrize("today", ["2026-12-02", "2026-03-01", "2026-07-31"])
def test_a_hand_repair_shows_as_a_mismatch_until_rebuilt(today):
    # Early and late in a month alike: the period read below must cover the moved rows.
    with time_machine.travel(datetime.datetime.fromisoformat(f"{today}T10:00:00+08:00")):
        world = build_world()
        moved_to = timezone.now() - datetime.timedelta(days=400)
        Attribution.objects.filter(line__order=world.orders[0]).update(created_at=moved_to)
        assert ledger_summary_mismatches() != []
        months, reach = ledger_summary_rebuild()
        assert ledger_summary_mismatches() == []
        assert months == LedgerMonth.objects.count() and reach == OrderReach.objects.count()
        first_of_that_month = timezone.localdate(moved_to).replace(day=1)
        old = ReportFilters(date_from=first_of_that_month, date_to=timezone.localdate())
        assert summary_applies(old)
        assert sales_totals(filters=old)["sales_amount"] == sum(
            line.line_price_incl_tax for order in world.orders for line in order.lines.all()
        )


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=st.lists(
        st.tuples(
            st.integers(min_value=1, max_value=30),
            st.integers(min_value=0, max_value=12),
            st.sampled_from(["keep", "cancel", "refund-some"]),
        ),
        min_size=1,
        max_size=5,
    )
)
def test_any_mix_of_sales_cancellations_and_refunds_keeps_them_equal(world, steps):
    chestnut, seeds = world.records
    # Each example adds its own stock: examples share the database, and the ledger grows.
    for record, household in ((chestnut, world.households[0]), (seeds, world.households[3])):
        lot_receive(
            stock_record=record,
            household=household,
            units=200,
            received_on=timezone.localdate(),
            trace_code=f"P{record.pk}-{LotCounter.next()}",
            farmgate_unit_price=Decimal("7.50"),
        )
    for n, (chestnut_units, seed_units, fate) in enumerate(steps):
        lines = [(chestnut, chestnut_units)] + ([(seeds, seed_units)] if seed_units else [])
        order = paid_order(world.enterprises[n % 3], lines)
        if fate == "cancel":
            order_attribution_reverse(order_id=order.pk, cause="cancellation")
        elif fate == "refund-some":
            line = order.lines.order_by("pk").first()
            order_attribution_reverse(
                order_id=order.pk, cause=f"refund:{n}", line_units={line.pk: 1}
            )
    assert ledger_summary_mismatches() == []


def test_the_command_reports_disagreements_and_rebuilds(world):
    from io import StringIO

    from django.core.management import CommandError, call_command

    LedgerMonth.objects.filter(household=world.households[0]).update(units=999)
    with pytest.raises(CommandError):
        call_command("ledger_summary", stdout=StringIO())
    out = StringIO()
    call_command("ledger_summary", "--rebuild", stdout=out)
    call_command("ledger_summary", stdout=out)
    assert "agrees" in out.getvalue()
