import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from oscar.core.loading import get_model
from oscar.test.factories import ProductFactory, UserFactory

from farmers.models import Lot, LotImport, StockAdjustment
from farmers.services.stock import lot_receive
from testing.factories import HouseholdFactory, MembershipFactory, SellerFactory

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


DAY = datetime.date(2026, 11, 1)


def staff_of(supply):
    user = UserFactory(is_staff=False)
    user.user_permissions.add(
        Permission.objects.get(codename="dashboard_access", content_type__app_label="partner")
    )
    supply.seller.partner.users.add(user)
    return user


def seeded(supply, code):
    return lot_receive(
        stock_record=supply.stock_record,
        household=supply.households[0],
        units=20,
        received_on=DAY,
        trace_code=code,
        farmgate_unit_price=Decimal("10"),
    )


@pytest.fixture
def ours(db):
    supply = Supply()
    supply.user = staff_of(supply)
    supply.lot = seeded(supply, "OURS-1")
    return supply


@pytest.fixture
def theirs(db):
    supply = Supply()
    supply.user = staff_of(supply)
    supply.lot = seeded(supply, "THEIRS-1")
    return supply


def state():
    return (
        list(StockRecord.objects.order_by("pk").values_list("num_in_stock", "low_stock_threshold")),
        Lot.objects.count(),
        StockAdjustment.objects.count(),
        LotImport.objects.count(),
        list(Lot.objects.order_by("pk").values_list("units_remaining", flat=True)),
    )
