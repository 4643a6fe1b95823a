"""The demo world plus what a load run needs: more buyers, more seller staff, scarce products.

Runs in the harness's own process (Django set up on the run's database)
before the web processes start.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from oscar.core.loading import get_model

from demo.world import demo_world_load
from farmers.models import Seller
from farmers.services.stock import stock_take
from shop import roles
from shop.models import Enterprise, EnterpriseMember
from shop.roles import role_assign

StockRecord = get_model("partner", "StockRecord")

# Few units of these at the start, from each of the three sellers: they sell out
# within seconds, the sellers' intakes refill them, the buyers race for them again.
SCARCE = {"TB-TJ-1500": 20, "TB-SG-500": 20, "TB-GLZ-500": 20}
# SKU → (smallest quantity, step) a buyer orders in; the demo's purchase terms.
ORDERABLE = {
    "TB-CG-JC-500": (1, 1),
    "TB-CG-LB-500": (1, 1),
    "TB-CG-GIFT-2000": (1, 1),
    "TB-SG-500": (1, 1),
    "TB-MT-2500": (1, 1),
    "TB-MT-5000": (1, 1),
    "TB-MTF-500": (1, 1),
    "TB-SJ-2500": (1, 1),
    "TB-GLZ-500": (1, 1),
    "TB-GLZ-R-250": (1, 1),
    "TB-DM-5000": (1, 1),
    "TB-DM-10000": (1, 1),
    "TB-TJ-1500": (1, 1),
    "TB-YA-2000": (1, 1),
    "TB-JD-30": (10, 10),
    "TB-NR-1000": (1, 1),
}
SELLER_STAFF = [  # (e-mail, seller); the first is the demo's own account
    ("seller@fengle.example", "丰乐蔬菜种植农民专业合作社"),
    ("seller2@fengle.example", "丰乐蔬菜种植农民专业合作社"),
    ("shop1@taibao.example", "太保镇消费帮扶馆"),
    ("shop2@taibao.example", "太保镇消费帮扶馆"),
    ("base@guolouzi.example", "太保瓜蒌籽种植基地"),
]
TEAM = ["team@taibao.example", "team2@taibao.example", "team3@taibao.example"]


@dataclass(frozen=True)
class World:
    buyers: list[str]
    sellers: list[str]
    team: list[str]
    password: str


def _user(email: str, password_hash: str, **flags):
    user, _ = get_user_model().objects.update_or_create(
        username=email, defaults={"email": email, "password": password_hash, **flags}
    )
    return user


@transaction.atomic
def load_world_build(*, buyers: int) -> World:
    demo_world_load()
    password = settings.TAIBAO_DEMO_PASSWORD
    password_hash = make_password(password)  # hashed once, shared by the extra accounts

    enterprises = list(Enterprise.objects.filter(addresses__isnull=False).distinct().order_by("pk"))
    buyer_emails = ["buyer@guoguang.example"]
    for n in range(1, buyers):
        email = f"buyer{n:02d}@load.example"
        EnterpriseMember.objects.update_or_create(
            user=_user(email, password_hash, first_name=f"采购{n:02d}"),
            defaults={
                "enterprise": enterprises[n % len(enterprises)],
                "role": EnterpriseMember.Role.BUYER,
            },
        )
        buyer_emails.append(email)

    for email, seller_name in SELLER_STAFF[1:]:
        staff = _user(email, password_hash, is_staff=False)
        Seller.objects.get(partner__name=seller_name).partner.users.add(staff)
        role_assign(user=staff, role=roles.SELLER_STAFF)

    for email in TEAM[1:]:
        role_assign(user=_user(email, password_hash, is_staff=True), role=roles.WORK_TEAM)

    for sku, units in SCARCE.items():
        record = StockRecord.objects.get(partner_sku=sku)
        stock_take(stock_record=record, counted_units=units, note="load test: scarce at start")
    return World(
        buyers=buyer_emails[:buyers],
        sellers=[email for email, _ in SELLER_STAFF],
        team=TEAM,
        password=password,
    )
