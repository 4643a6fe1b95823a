import csv
import datetime
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Model
from oscar.core.loading import get_model

from demo.world import DATA_DIR, DEMO_ACCOUNTS, demo_world_load
from farmers.models import (
    Household,
    Membership,
    MonitoringCategory,
    MonitoringPeriod,
    Seller,
    Town,
    Village,
)
from shop.models import Enterprise, EnterpriseMember, PairingAgreement
from shop.roles import WORK_TEAM

Product = get_model("catalogue", "Product")
ProductImage = get_model("catalogue", "ProductImage")
StockRecord = get_model("partner", "StockRecord")
Partner = get_model("partner", "Partner")
Category = get_model("catalogue", "Category")

SHARED = Path(__file__).resolve().parents[3] / "shared"
COUNTED: list[type[Model]] = [
    Town,
    Village,
    Household,
    MonitoringPeriod,
    Seller,
    Membership,
    Partner,
    Product,
    ProductImage,
    StockRecord,
    Category,
    Enterprise,
    EnterpriseMember,
    PairingAgreement,
    get_user_model(),
    Group,
]


def read(name):
    with open(DATA_DIR / name, encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def counts():
    return {model.__name__: model.objects.count() for model in COUNTED}


def test_bundled_contract_files_match_the_shared_ones():
    for name in ("demo-catalogue.csv", "demo-households.csv"):
        shared = SHARED / name
        if shared.exists():  # beside a checkout; a bare clone carries its own copy
            assert (DATA_DIR / name).read_bytes() == shared.read_bytes(), name


def test_loading_twice_gives_the_same_rows(db):
    demo_world_load()
    first = counts()
    demo_world_load()
    assert counts() == first
    assert first["Product"] == 16 and first["ProductImage"] == 16


def test_every_catalogue_row_exists_with_its_sku_name_price_and_seller(demo_world):
    for row in read("demo-catalogue.csv"):
        record = StockRecord.objects.select_related("product", "partner").get(
            partner_sku=row["sku"]
        )
        assert record.product.title == row["name"]
        assert record.price == Decimal(row["price_cny"])
        assert record.price_currency == "CNY"
        assert record.partner.name == row["seller"]
        assert record.product.seller.partner == record.partner
        assert record.product.origin_village.name == row["origin_village"]
        assert record.product.net_weight_g == int(row["net_weight_g"])
        assert record.product.sales_unit == row["unit"]
        assert record.product.product_class.name == row["product_class"]
        assert record.num_in_stock > 0


def test_every_contract_household_exists_with_village_category_and_sellers(demo_world):
    today = datetime.date.today()
    for row in read("demo-households.csv"):
        household = Household.objects.get(code=row["code"])
        assert household.head_name == row["head_name"]
        assert household.village.name == row["village"]
        assert household.is_leader == (row["is_leader"] == "yes")
        current = {p.category for p in household.monitoring_periods.all() if p.covers(today)}
        assert current == ({row["monitoring_category"]} if row["monitoring_category"] else set())
        sellers = set(household.sellers.values_list("partner__name", flat=True))
        assert sellers == set(row["sells_through"].split())


def test_the_taibao_world_has_its_villages_households_and_categories(demo_world):
    town = Town.objects.get(name="太保镇")
    assert town.villages.filter(kind=Village.Kind.VILLAGE).count() == 7
    assert town.villages.filter(kind=Village.Kind.COMMUNITY).count() == 1
    assert {"上坪村", "沙坪村", "莲塘村", "旺洞村"} <= set(
        town.villages.values_list("name", flat=True)
    )
    assert Household.objects.count() >= 30
    monitored = Household.objects.monitored_on(datetime.date.today())
    assert monitored.count() >= 5
    assert set(MonitoringPeriod.objects.values_list("category", flat=True)) == set(
        MonitoringCategory.values
    )
    fengle = Seller.objects.get(partner__name="丰乐蔬菜种植农民专业合作社")
    assert fengle.kind == Seller.Kind.COOPERATIVE
    seeds = Seller.objects.get(partner__name="太保瓜蒌籽种植基地")
    assert seeds.kind == Seller.Kind.LEADING_HOUSEHOLD and seeds.leader.is_leader


def test_the_three_enterprises_and_their_pairings(demo_world):
    expected = {
        "国光电器股份有限公司": ("town", "太保镇"),
        "广州雄业物流有限公司": ("village", "上坪村"),
        "广州市泰和混凝土有限公司": ("village", "沙坪村"),
    }
    for name, (programme, counterpart) in expected.items():
        enterprise = Enterprise.objects.get(name=name)
        enterprise.full_clean()  # the credit code's check digit is valid
        pairing = enterprise.pairings.get()
        assert pairing.programme == programme
        assert pairing.counterpart.name == counterpart
        assert pairing.yearly_pledge > 0


def test_every_demo_account_can_log_in(client, demo_world, settings):
    for account in DEMO_ACCOUNTS:
        assert client.login(username=account.email, password=settings.TAIBAO_DEMO_PASSWORD)
        client.logout()
    user_model = get_user_model()
    assert user_model.objects.get(email="admin@taibao.example").is_superuser
    assert (
        user_model.objects.get(email="team@taibao.example")
        .groups.filter(name=WORK_TEAM.name)
        .exists()
    )
    staff = user_model.objects.get(email="seller@fengle.example")
    assert staff.partners.get().name == "丰乐蔬菜种植农民专业合作社"
    assert staff.has_perm("partner.dashboard_access")
    buyer = user_model.objects.get(email="buyer@guoguang.example")
    assert buyer.enterprise_membership.enterprise.name == "国光电器股份有限公司"


def test_demo_logins_reach_their_pages(client, demo_world, settings):
    client.login(username="seller@fengle.example", password=settings.TAIBAO_DEMO_PASSWORD)
    assert client.get("/dashboard/").status_code == 200
    client.logout()
    client.login(username="buyer@guoguang.example", password=settings.TAIBAO_DEMO_PASSWORD)
    assert client.get("/accounts/").status_code in (200, 302)
    assert client.get("/dashboard/").status_code in (302, 403)
