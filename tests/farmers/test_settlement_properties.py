"""Property tests of settlement money: every fen owed is paid or still a balance."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from farmers.models import Attribution, Lot, PayoutLine, SettlementTerms
from farmers.reports.settlement import balances
from farmers.services.attribution import order_attribution_reverse
from farmers.services.payouts import (
    payout_batch_create,
    payout_line_confirm,
    payout_line_fail,
    payout_line_reverse,
)
from farmers.services.surplus import surplus_return_create
from money.split import to_fen
from tests.farmers.conftest import Supply
from tests.farmers.settlement_world import receive, sell, seller_staff, with_payees

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=datetime.UTC)

operation = st.one_of(
    st.tuples(
        st.just("intake"),
        st.integers(0, 2),
        st.integers(1, 20),
        st.decimals(Decimal("0.01"), Decimal("999.99"), places=2),
    ),
    st.tuples(st.just("sale"), st.integers(1, 15)),
    st.tuples(st.just("reverse"), st.integers(1, 5)),
    st.tuples(
        st.just("batch"),
        st.lists(st.sampled_from(["paid", "failed", "open"]), min_size=3, max_size=3),
    ),
    st.tuples(st.just("undo")),
)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(consigned=st.booleans(), operations=st.lists(operation, min_size=1, max_size=10))
def test_owed_minus_paid_is_the_balance_for_any_sequence(consigned, operations):
    with time_machine.travel(NOW, tick=False):
        supply = Supply()
        staff = seller_staff(supply.seller)
        with_payees(supply.households, staff)
        if consigned:
            SettlementTerms.objects.create(
                seller=supply.seller, terms="consignment", effective_from=datetime.date(2026, 1, 1)
            )
        # An independent account of the money, from the operations alone.
        owed = {h.pk: Decimal("0") for h in supply.households}
        paid = {h.pk: Decimal("0") for h in supply.households}
        orders = []
        for op in operations:
            if op[0] == "intake":
                _kind, n, units, amount = op
                household = supply.households[n]
                receive(supply, household, units, str(amount))
                if not consigned:
                    owed[household.pk] += amount
            elif op[0] == "sale":
                available = sum(
                    lot.units_remaining - lot.units_committed
                    for lot in Lot.objects.filter(stock_record=supply.stock_record)
                )
                # A reversal of attribution frees lots, not the order's allocation: the
                # stock record's own free units bound a sale too.
                supply.stock_record.refresh_from_db()
                units = min(op[1], available, supply.stock_record.net_stock_level)
                if not units:
                    continue
                orders.append(sell(supply, units))
            elif op[0] == "reverse" and orders:
                order = orders.pop()
                order_attribution_reverse(order_id=order.pk, cause="cancellation")
            elif op[0] == "batch":
                try:
                    batch = payout_batch_create(seller=supply.seller, created_by=staff).batch
                except Exception:  # nothing to pay is a fine outcome here
                    continue
                for line, fate in zip(batch.lines.order_by("position"), op[1], strict=False):
                    if fate == "paid":
                        payout_line_confirm(line=line, reference="R", settled_by=staff)
                        paid[line.household_id] += line.amount
                    elif fate == "failed":
                        payout_line_fail(line=line, reason="退回", settled_by=staff)
            elif op[0] == "undo":
                line = (
                    PayoutLine.objects.filter(
                        seller=supply.seller, status="confirmed", reversal__isnull=True
                    )
                    .order_by("-pk")
                    .first()
                )
                if line:
                    payout_line_reverse(line=line, reason="退回", reversed_by=staff)
                    paid[line.household_id] -= line.amount
        if consigned:  # the ledger is the record of sales: owed = its household income
            for h in owed:
                owed[h] = sum(
                    Attribution.objects.filter(household_id=h).values_list(
                        "household_income", flat=True
                    ),
                    Decimal("0"),
                )
        rows = {r.household_id: r for r in balances(seller_ids=[supply.seller.pk])}
        for h in owed:
            row = rows.get(h)
            got = (row.owed, row.paid, row.balance) if row else (Decimal(0),) * 3
            assert got == (owed[h], paid[h], owed[h] - paid[h])
            assert to_fen(owed[h]) - to_fen(paid[h]) == to_fen(got[2])


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    amounts=st.lists(
        st.decimals(Decimal("0.01"), Decimal("5000.00"), places=2), min_size=1, max_size=3
    )
)
def test_a_batch_totals_the_balances_it_clears(amounts):
    with time_machine.travel(NOW, tick=False):
        supply = Supply()
        staff = seller_staff(supply.seller)
        with_payees(supply.households, staff)
        for household, amount in zip(supply.households, amounts, strict=False):
            receive(supply, household, 1, str(amount))
        before = {r.household_id: r.balance for r in balances(seller_ids=[supply.seller.pk])}
        created = payout_batch_create(seller=supply.seller, created_by=staff)
        assert created.total == sum(before.values()) == sum(amounts)
        for line in created.batch.lines.all():
            assert line.amount == before[line.household_id]
            payout_line_confirm(line=line, reference="R", settled_by=staff)
        assert all(r.balance == 0 for r in balances(seller_ids=[supply.seller.pk]))


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    lots=st.lists(
        st.decimals(Decimal("0.01"), Decimal("9999.99"), places=2), min_size=1, max_size=3
    ),
    surplus=st.decimals(Decimal("0.01"), Decimal("1000000.00"), places=2),
    share=st.decimals(Decimal("60"), Decimal("100"), places=2),
)
def test_surplus_allocations_sum_to_the_amount_returned(lots, surplus, share):
    with time_machine.travel(NOW, tick=False):
        supply = Supply()
        for household, amount in zip(supply.households, lots, strict=False):
            receive(supply, household, 1, str(amount), day=datetime.date(2025, 6, 1))
        returned = surplus_return_create(
            seller=supply.seller, year=2025, distributable_surplus=surplus, share_percent=share
        )
        allocations = list(returned.allocations.all())
        assert sum(a.amount for a in allocations) == returned.amount
        assert returned.amount == (surplus * share / 100).quantize(Decimal("0.01"), "ROUND_HALF_UP")
        for a in allocations:  # within a fen of the exact proportional share
            exact = returned.amount * a.transaction_amount / sum(lots)
            assert abs(a.amount - exact) < Decimal("0.01")
