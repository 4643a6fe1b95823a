import datetime
from decimal import Decimal

import pytest
from oscar.core.loading import get_model
from oscar.test.factories import ProductFactory

from farmers.factories import HouseholdFactory, MembershipFactory, SellerFactory

StockRecord = get_model("partner", "StockRecord")


class Supply:
    """A seller with member households and one empty stock record."""

    def __init__(self):
        self.seller = SellerFactory()
        self.households = [HouseholdFactory() for _ in range(3)]
        for household in self.households:
            MembershipFactory(seller=self.seller, household=household)
        product = ProductFactory(stockrecords=None, categories=None, seller=self.seller)
        self.stock_record = StockRecord.objects.create(
            product=product,
            partner=self.seller.partner,
            partner_sku=f"SKU-{product.pk}",
            price=Decimal("30.00"),
            price_currency="CNY",
            num_in_stock=0,
            num_allocated=0,
        )

    def refresh(self):
        self.stock_record.refresh_from_db()
        return self.stock_record


@pytest.fixture
def supply(db):
    return Supply()


@pytest.fixture
def day():
    return datetime.date(2026, 11, 20)
