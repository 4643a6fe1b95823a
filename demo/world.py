"""The Taibao demo world: the contract of demo/data/demo-*.csv, built idempotently.

Running ``demo_world_load`` twice leaves the same rows: everything is looked
up by its natural key (SKU, household code, names, e-mail) before it is made.
"""

import csv
import datetime
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sites.models import Site
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from oscar.core.loading import get_model

from demo.buyers import demo_buyers_load
from demo.images import product_image_png
from demo.personal_data import demo_personal_data_load
from farmers.models import (
    Household,
    Membership,
    MonitoringPeriod,
    Seller,
    Town,
    Village,
)
from farmers.services.stock import lot_receive
from shop.models import Enterprise, EnterpriseMember, PairingAgreement
from shop.roles import SELLER_STAFF, WORK_TEAM, role_assign

Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
ProductImage = get_model("catalogue", "ProductImage")
Category = get_model("catalogue", "Category")
ProductCategory = get_model("catalogue", "ProductCategory")
Partner = get_model("partner", "Partner")
StockRecord = get_model("partner", "StockRecord")

DATA_DIR = Path(__file__).resolve().parent / "data"

TOWN = "太保镇"
COUNTY = "连山壮族瑶族自治县"
VILLAGES = ["上坪村", "沙坪村", "莲塘村", "旺洞村", "欧田村", "新联村", "梅洞村"]
COMMUNITY = "太保社区"

# name in the catalogue CSV → (slug, what the class is for)
PRODUCT_CLASSES = {
    "干货": "dried-goods",
    "鲜品": "fresh-produce",
    "中药材": "medicinal-seeds",
    "禽类": "poultry",
    "粮油": "grain-oil",
    "肉类": "meat",
}

# What a buyer wants to know beyond the CSV, per class; a few products differ.
CLASS_FACTS = {
    "dried-goods": ("每年11月至次年2月晾晒", "阴凉干燥处密封保存", 365),
    "fresh-produce": ("11月至次年3月", "0–4 ℃冷藏，通风防压", 30),
    "medicinal-seeds": ("9月至11月采收", "阴凉干燥处密封，防潮防虫", 540),
    "poultry": ("全年，散养180天以上出栏", "0–4 ℃冷藏", 5),
    "grain-oil": ("早稻7月、晚稻11月", "阴凉干燥处，开袋后密封", 365),
    "meat": ("全年", "0–4 ℃冷藏", 5),
}
FACT_OVERRIDES = {
    "TB-JD-30": ("全年", "0–4 ℃冷藏", 30),
    "TB-SJ-2500": ("10月至12月", "12–15 ℃阴凉保存", 60),
    "TB-GLZ-R-250": ("9月至11月采收，当月炒制", "阴凉干燥处密封", 270),
}
CERTIFICATES = {
    "TB-DM-5000": "LB-18-2305140123A",
    "TB-DM-10000": "LB-18-2305140123A",
    "TB-GLZ-500": "GAP-QY-2024-0031",
    "TB-CG-JC-500": "SC11744182600115",
}

SELLERS = {
    "丰乐蔬菜种植农民专业合作社": (Seller.Kind.COOPERATIVE, "上坪村", None),
    "太保镇消费帮扶馆": (Seller.Kind.ASSISTANCE_SHOP, None, None),
    "太保瓜蒌籽种植基地": (Seller.Kind.LEADING_HOUSEHOLD, "旺洞村", "H03"),
}

# Households beyond the shared contract (fictional names), so the demo has 30+.
MORE_HOUSEHOLDS = [
    ("H12", "陈德华", "欧田村", "", "no", "菜干", "丰乐蔬菜种植农民专业合作社"),
    ("H13", "黄秀兰", "欧田村", "MARGINAL_AT_RISK", "no", "芥菜干", "丰乐蔬菜种植农民专业合作社"),
    ("H14", "莫振华", "新联村", "", "no", "生姜", "太保镇消费帮扶馆"),
    ("H15", "盘桂香", "新联村", "UNSTABLE_EXITED", "no", "马蹄", "太保镇消费帮扶馆"),
    ("H16", "李文斌", "梅洞村", "", "yes", "土鸡 麻鸭", "太保镇消费帮扶馆"),
    ("H17", "邓月娥", "梅洞村", "SUDDEN_HARDSHIP", "no", "土鸡蛋", "太保镇消费帮扶馆"),
    ("H18", "唐建国", "上坪村", "", "no", "萝卜干", "丰乐蔬菜种植农民专业合作社"),
    ("H19", "欧春梅", "上坪村", "", "no", "芥菜干", "丰乐蔬菜种植农民专业合作社"),
    ("H20", "房金水", "沙坪村", "", "no", "笋干", "丰乐蔬菜种植农民专业合作社"),
    ("H21", "韦秋菊", "沙坪村", "UNSTABLE_EXITED", "no", "大米", "太保镇消费帮扶馆"),
    ("H22", "黄有才", "莲塘村", "", "no", "马蹄 马蹄粉", "太保镇消费帮扶馆"),
    ("H23", "莫丽华", "莲塘村", "", "no", "生姜", "太保镇消费帮扶馆"),
    ("H24", "盘永安", "旺洞村", "", "no", "瓜蒌籽", "太保瓜蒌籽种植基地"),
    ("H25", "梁翠英", "旺洞村", "", "no", "瓜蒌籽", "太保瓜蒌籽种植基地"),
    ("H26", "邓明亮", "旺洞村", "UNSTABLE_EXITED", "no", "瓜蒌籽", "太保瓜蒌籽种植基地"),
    ("H27", "陈小红", "欧田村", "", "no", "大米", "太保镇消费帮扶馆"),
    ("H28", "李春生", "新联村", "", "no", "黄牛肉", "太保镇消费帮扶馆"),
    ("H29", "唐美华", "梅洞村", "", "no", "土鸡", "太保镇消费帮扶馆"),
    ("H30", "欧阳秀", "太保社区", "MARGINAL_AT_RISK", "no", "马蹄粉", "太保镇消费帮扶馆"),
    ("H31", "韦德胜", "旺洞村", "", "no", "瓜蒌籽", "太保瓜蒌籽种植基地"),
    ("H32", "房玉兰", "莲塘村", "", "no", "麻鸭", "太保镇消费帮扶馆"),
]

# The three enterprises from the news; credit codes are made up, with valid check digits.
ENTERPRISES = [
    (
        "国光电器股份有限公司",
        "91440101190473001R",
        PairingAgreement.Programme.TOWN,
        TOWN,
        "300000.00",
    ),
    (
        "广州雄业物流有限公司",
        "91440114618713042Y",
        PairingAgreement.Programme.VILLAGE,
        "上坪村",
        "120000.00",
    ),
    (
        "广州市泰和混凝土有限公司",
        "914401012312460596",
        PairingAgreement.Programme.VILLAGE,
        "沙坪村",
        "100000.00",
    ),
]
SIGNED_ON = datetime.date(2025, 3, 18)
MONITORING_SINCE = datetime.date(2024, 1, 1)
MEMBERS_SINCE = datetime.date(2024, 3, 1)
# Today's stock: the n-th grower delivered DEMO_LOT_UNITS[n] 1 + n days ago (a week at most),
# after every lot of the year's history (demo/history.py): first in, first out never reaches it
# for those orders.
DEMO_LOT_UNITS = (120, 80, 100, 60)
FARMGATE_SHARE = Decimal("0.60")  # what the seller paid the household, of the sales price


@dataclass(frozen=True)
class DemoAccount:
    role: str
    email: str
    name: str


DEMO_ACCOUNTS = [
    DemoAccount("platform admin", "admin@taibao.example", "平台管理员"),
    DemoAccount("work team", "team@taibao.example", "驻镇工作队"),
    DemoAccount("seller staff", "seller@fengle.example", "丰乐合作社"),
    DemoAccount("enterprise buyer", "buyer@guoguang.example", "国光采购"),
]


@dataclass(frozen=True)
class DemoSummary:
    villages: int
    households: int
    monitored: int
    sellers: int
    products: int
    enterprises: int


def _read_csv(name: str) -> list[dict[str, str]]:
    with open(DATA_DIR / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _geography() -> dict[str, Village]:
    town, _ = Town.objects.update_or_create(name=TOWN, defaults={"county": COUNTY})
    villages = {}
    for name in VILLAGES:
        villages[name], _ = Village.objects.update_or_create(
            town=town, name=name, defaults={"kind": Village.Kind.VILLAGE}
        )
    villages[COMMUNITY], _ = Village.objects.update_or_create(
        town=town, name=COMMUNITY, defaults={"kind": Village.Kind.COMMUNITY}
    )
    return villages


def _households(villages: dict[str, Village]) -> dict[str, tuple[Household, list[str]]]:
    rows = [
        (
            r["code"],
            r["head_name"],
            r["village"],
            r["monitoring_category"],
            r["is_leader"],
            r["produces"],
            r["sells_through"],
        )
        for r in _read_csv("demo-households.csv")
    ] + MORE_HOUSEHOLDS
    households = {}
    for code, head, village, category, leader, produces, sells_through in rows:
        household, _ = Household.objects.update_or_create(
            code=code,
            defaults={
                "head_name": head,
                "village": villages[village],
                "industries": produces,
                "is_leader": leader == "yes",
                "members_count": 2 + int(code[1:]) % 4,
            },
        )
        if category:
            MonitoringPeriod.objects.get_or_create(
                household=household,
                category=category,
                started_on=MONITORING_SINCE,
                defaults={"note": "demo"},
            )
        households[code] = (household, sells_through.split())
    return households


def _sellers(villages, households) -> dict[str, Seller]:
    sellers = {}
    for name, (kind, village, leader_code) in SELLERS.items():
        partner, _ = Partner.objects.get_or_create(name=name)
        leader = households[leader_code][0] if leader_code else None
        sellers[name], _ = Seller.objects.update_or_create(
            partner=partner,
            defaults={
                "kind": kind,
                "village": villages[village] if village else None,
                "leader": leader,
            },
        )
    for household, seller_names in households.values():
        for seller_name in seller_names:
            Membership.objects.get_or_create(
                seller=sellers[seller_name],
                household=household,
                defaults={"joined_on": MEMBERS_SINCE},
            )
    return sellers


def _category(name: str, slug: str):
    existing = Category.objects.filter(slug=slug).first()
    return existing or Category.add_root(name=name, slug=slug)


def _products(villages, sellers) -> int:
    rows = _read_csv("demo-catalogue.csv")
    for row in rows:
        sku = row["sku"]
        class_slug = PRODUCT_CLASSES[row["product_class"]]
        product_class, _ = ProductClass.objects.get_or_create(
            slug=class_slug,
            defaults={"name": row["product_class"], "requires_shipping": True, "track_stock": True},
        )
        season, storage, shelf_life = FACT_OVERRIDES.get(sku, CLASS_FACTS[class_slug])
        seller = sellers[row["seller"]]
        product, _ = Product.objects.update_or_create(
            upc=sku,
            defaults={
                "title": row["name"],
                "product_class": product_class,
                "structure": Product.STANDALONE,
                "is_public": True,
                "sales_unit": row["unit"],
                "net_weight_g": int(row["net_weight_g"]),
                "origin_village": villages[row["origin_village"]],
                "seller": seller,
                "harvest_season": season,
                "storage": storage,
                "shelf_life_days": shelf_life,
                "certificate_number": CERTIFICATES.get(sku, ""),
                "trace_code": f"TB{sku.replace('-', '')[2:]}",
                "description": (
                    f"{row['name']}，产自{TOWN}{row['origin_village']}，由{row['seller']}收购、"
                    "分拣和发货。每一件的销售额都会归到供货农户名下。"
                ),
            },
        )
        ProductCategory.objects.get_or_create(
            product=product, category=_category(row["product_class"], class_slug)
        )
        stock_record, _ = StockRecord.objects.update_or_create(
            partner=seller.partner,
            partner_sku=sku,
            defaults={"product": product, "price": Decimal(row["price_cny"])},
            create_defaults={
                "product": product,
                "price": Decimal(row["price_cny"]),
                "price_currency": "CNY",
                "num_in_stock": 0,
                "num_allocated": 0,
            },
        )
        _stock_from_lots(stock_record, seller, row["name"])
        if not product.images.exists():
            png = product_image_png(
                title=row["name"], sku=sku, class_slug=class_slug, village=row["origin_village"]
            )
            image = ProductImage(product=product, caption=row["name"], display_order=0)
            image.original.save(f"{sku.lower()}.png", ContentFile(png), save=False)
            image.save()
    return len(rows)


def _suppliers(seller: Seller, title: str) -> list[Household]:
    """Member households whose industries name this product (all members if none do)."""
    members = list(seller.members.order_by("code"))
    growers = [h for h in members if any(word in title for word in h.industries.split())]
    return growers or members


def _stock_from_lots(stock_record, seller: Seller, title: str) -> None:
    """Stock comes from lots the member households delivered (once; later runs keep it)."""
    if stock_record.lots.exists():
        return
    StockRecord.objects.filter(pk=stock_record.pk).update(num_in_stock=0)
    price = stock_record.price
    today = timezone.localdate()
    for n, household in enumerate(_suppliers(seller, title)):
        lot_receive(
            stock_record=stock_record,
            household=household,
            units=DEMO_LOT_UNITS[n % len(DEMO_LOT_UNITS)],
            received_on=today - datetime.timedelta(days=1 + n),
            farmgate_unit_price=(price * FARMGATE_SHARE).quantize(Decimal("0.01")),
            trace_code=f"{stock_record.partner_sku}-STOCK-{n + 1:02d}",
        )


def _enterprises(villages) -> dict[str, Enterprise]:
    enterprises = {}
    town = Town.objects.get(name=TOWN)
    for name, uscc, programme, counterpart, pledge in ENTERPRISES:
        enterprise, _ = Enterprise.objects.update_or_create(name=name, defaults={"uscc": uscc})
        target = (
            {"town": town}
            if programme == PairingAgreement.Programme.TOWN
            else {"village": villages[counterpart]}
        )
        PairingAgreement.objects.update_or_create(
            enterprise=enterprise,
            programme=programme,
            **target,
            defaults={"signed_on": SIGNED_ON, "yearly_pledge": Decimal(pledge)},
        )
        enterprises[name] = enterprise
    return enterprises


def _user(account: DemoAccount, **flags):
    user_model = get_user_model()
    user, _ = user_model.objects.update_or_create(
        username=account.email,
        defaults={"email": account.email, "first_name": account.name, **flags},
    )
    user.set_password(settings.TAIBAO_DEMO_PASSWORD)
    user.save(update_fields=["password"])
    return user


def _accounts(sellers, enterprises) -> None:
    admin, team, seller_staff, buyer = DEMO_ACCOUNTS
    _user(admin, is_staff=True, is_superuser=True)

    role_assign(user=_user(team, is_staff=True), role=WORK_TEAM)

    staff = _user(seller_staff, is_staff=False)
    sellers["丰乐蔬菜种植农民专业合作社"].partner.users.add(staff)
    role_assign(user=staff, role=SELLER_STAFF)

    EnterpriseMember.objects.update_or_create(
        user=_user(buyer),
        defaults={
            "enterprise": enterprises["国光电器股份有限公司"],
            "role": EnterpriseMember.Role.BUYER,
        },
    )


@transaction.atomic
def demo_world_load() -> DemoSummary:
    Site.objects.update_or_create(
        pk=settings.SITE_ID, defaults={"domain": "127.0.0.1:8000", "name": "太保消费帮扶馆"}
    )
    villages = _geography()
    households = _households(villages)
    sellers = _sellers(villages, households)
    products = _products(villages, sellers)
    enterprises = _enterprises(villages)
    _accounts(sellers, enterprises)
    demo_buyers_load()
    demo_personal_data_load()
    return DemoSummary(
        villages=len(villages),
        households=len(households),
        monitored=Household.objects.monitored_on(datetime.date.today()).count(),
        sellers=len(sellers),
        products=products,
        enterprises=len(enterprises),
    )
