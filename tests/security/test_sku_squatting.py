"""SKU squatting: a SKU is unique across the platform, in the database and on the product form."""

import pytest
from django.db import IntegrityError, transaction
from oscar.core.loading import get_model
from oscar.test.factories import ProductClassFactory

from shop.dashboard.catalogue.views import StockRecordForm
from tests.shop.conftest import make_stock
from tests.shop.dashboard.tenants import seller_staff

StockRecord = get_model("partner", "StockRecord")

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("sku", ["TB-MT-5000", "tb-mt-5000"])
def test_the_database_refuses_another_sellers_record_with_the_same_sku(sku):
    [ours] = make_stock()
    ours.partner_sku = "TB-MT-5000"
    ours.save()
    [theirs] = make_stock()
    theirs.partner_sku = sku
    with pytest.raises(IntegrityError), transaction.atomic():
        theirs.save()


def form_for(user, partner, sku, instance=None):
    return StockRecordForm(
        ProductClassFactory(track_stock=True),
        user,
        data={
            "partner": partner.pk,
            "partner_sku": sku,
            "price_currency": "CNY",
            "price": "10.00",
            "num_in_stock": "0",
        },
        instance=instance,
    )


def test_the_product_form_explains_the_clash_in_both_languages():
    [ours] = make_stock()
    ours.partner_sku = "TB-MT-5000"
    ours.save()
    staff = seller_staff("squatter")
    [theirs] = make_stock()
    theirs.partner.users.add(staff)
    form = form_for(staff, theirs.partner, "tb-mt-5000")
    assert not form.is_valid()
    [message] = form.errors["partner_sku"]
    assert "已被平台上的另一件商品使用" in message and "already used by another product" in message


def test_a_record_keeps_its_own_sku_when_edited():
    [record] = make_stock()
    staff = seller_staff("owner")
    record.partner.users.add(staff)
    form = form_for(staff, record.partner, record.partner_sku, instance=record)
    assert form.is_valid(), form.errors
