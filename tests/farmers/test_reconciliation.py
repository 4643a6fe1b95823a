"""Paid orders left unattributed are found and repaired; what cannot be is listed for the team."""

import datetime

import pytest
from django.utils import timezone
from oscar.core.loading import get_model
from oscar.test.factories import create_basket, create_order

from farmers.models import Attribution, AttributionShortfall
from farmers.services.reconciliation import attribution_reconcile
from outbox.models import OutboxMessage

pytestmark = pytest.mark.django_db(transaction=True)

Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")
HOUR = datetime.timedelta(hours=1)


def lost_paid_order(sku, quantity):
    """An order whose "order.paid" message was written but whose handler never ran."""
    basket = create_basket(empty=True)
    basket.add_product(Product.objects.get(upc=sku), quantity)
    order = create_order(basket=basket)
    message = OutboxMessage.objects.create(topic="order.paid", payload={"order_id": order.pk})
    OutboxMessage.objects.filter(pk=message.pk).update(created_at=timezone.now() - HOUR)
    return order


def test_a_lost_payment_event_is_repaired(demo_world):
    order = lost_paid_order("TB-DM-5000", 12)
    assert not Attribution.objects.exists()
    result = attribution_reconcile(
        settle_after=datetime.timedelta(minutes=15), look_back=datetime.timedelta(days=30)
    )
    assert (result.orders_checked, result.orders_repaired) == (1, 1)
    assert sum(a.units for a in Attribution.objects.filter(line__order=order)) == 12
    again = attribution_reconcile(
        settle_after=datetime.timedelta(minutes=15), look_back=datetime.timedelta(days=30)
    )
    assert again.orders_repaired == 0 and Attribution.objects.count() == 1


def test_recent_payments_are_left_to_the_pipeline(demo_world):
    order = lost_paid_order("TB-DM-5000", 2)
    OutboxMessage.objects.filter(payload__order_id=order.pk).update(created_at=timezone.now())
    result = attribution_reconcile(
        settle_after=datetime.timedelta(minutes=15), look_back=datetime.timedelta(days=30)
    )
    assert result.orders_repaired == 0


def test_what_lots_cannot_cover_is_listed_for_the_team(client, demo_world, settings):
    record = StockRecord.objects.get(partner_sku="TB-NR-1000")
    StockRecord.objects.filter(pk=record.pk).update(num_in_stock=record.num_in_stock + 50)
    order = lost_paid_order("TB-NR-1000", record.num_in_stock + 10)
    attribution_reconcile(
        settle_after=datetime.timedelta(minutes=15), look_back=datetime.timedelta(days=30)
    )
    shortfall = AttributionShortfall.objects.get(line__order=order)
    assert shortfall.units_short == 10
    client.login(username="team@taibao.example", password=settings.TAIBAO_DEMO_PASSWORD)
    html = client.get("/dashboard/team/reconciliation/").content.decode()
    assert str(order.number) in html and "冷鲜黄牛肉" in html


def test_only_the_work_team_sees_reconciliation(client, demo_world, settings):
    for email in ("seller@fengle.example", "buyer@guoguang.example"):
        client.login(username=email, password=settings.TAIBAO_DEMO_PASSWORD)
        assert client.get("/dashboard/team/reconciliation/").status_code in (302, 403)
        client.logout()
