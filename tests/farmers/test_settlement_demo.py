"""The demo's settlement: terms, payee details, monthly batches paid, a surplus return."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone

from demo.history import demo_history_load
from demo.settlement import demo_settlement_load
from farmers.models import Payee, PayoutBatch, PayoutLine, Seller, SettlementTerms, SurplusReturn
from farmers.reports.settlement import balances, team_settlement

pytestmark = pytest.mark.django_db


def test_the_demo_pays_its_households_and_returns_fengles_surplus(demo_world):
    demo_history_load()
    summary = demo_settlement_load()
    fengle = Seller.objects.get(partner__name="丰乐蔬菜种植农民专业合作社")
    shop = Seller.objects.get(partner__name="太保镇消费帮扶馆")
    assert SettlementTerms.objects.get(seller=fengle).terms == "purchase"
    assert SettlementTerms.objects.get(seller=shop).terms == "consignment"
    members = fengle.memberships.count() + shop.memberships.count()
    assert Payee.objects.count() >= members - 1  # a household in both is registered once
    assert PayoutBatch.objects.filter(seller=fengle, kind="balance").exists()
    assert not PayoutLine.objects.filter(status="pending").exists()
    surplus = SurplusReturn.objects.get(seller=fengle)
    assert surplus.share_percent == Decimal("60") and surplus.confirmed_at is not None
    assert sum(a.amount for a in surplus.allocations.all()) == surplus.amount
    for row in balances():
        assert row.owed - row.paid == row.balance and row.paid >= 0
    assert "payout batches" in summary
    # A year of history: monthly batches for both sellers, and one monitored household of
    # 丰乐's left unpaid long enough for the team to see it flagged.
    for seller in (fengle, shop):
        assert PayoutBatch.objects.filter(seller=seller, kind="balance").count() >= 6
    today = timezone.localdate()
    flagged = team_settlement(today=today, overdue_days=settings.TAIBAO_PAYOUT_OVERDUE_DAYS)
    assert [row.household for row in flagged.overdue_monitored]
    assert demo_settlement_load() == "settlement: already loaded"
