"""Buyer-side extras of the demo world: enterprise admin, invoice profiles, addresses, bulk terms.

Called once at the end of ``demo.world.demo_world_load``; idempotent
(everything is looked up by its natural key first).
"""

from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from oscar.core.loading import get_model

from shop.models import (
    Enterprise,
    EnterpriseAddress,
    EnterpriseMember,
    InvoiceProfile,
    InvoiceType,
    PriceTier,
    PurchaseTerms,
)

StockRecord = get_model("partner", "StockRecord")
Country = get_model("address", "Country")

ENTERPRISE_ADMIN = ("admin@guoguang.example", "国光采购主管", "国光电器股份有限公司")

ADDRESSES = {
    "国光电器股份有限公司": [
        (
            "员工食堂",
            "李师傅",
            "13800138001",
            "广州市",
            "花都区",
            "新雅街镜湖大道8号 国光电器员工食堂",
        ),
        (
            "工会（节日福利）",
            "陈小姐",
            "13800138002",
            "广州市",
            "花都区",
            "新雅街镜湖大道8号 行政楼3楼工会",
        ),
    ],
    "广州雄业物流有限公司": [
        ("仓库", "王经理", "13800138003", "广州市", "花都区", "花东镇物流园雄业仓库"),
    ],
    "广州市泰和混凝土有限公司": [
        ("食堂", "赵师傅", "13800138004", "广州市", "花都区", "炭步镇泰和混凝土搅拌站食堂"),
    ],
}

INVOICE_TYPES = {"国光电器股份有限公司": InvoiceType.VAT_SPECIAL}

# SKU → (minimum, step, [(from quantity, unit price)])
BULK_TERMS = {
    "TB-CG-GIFT-2000": (1, 1, [(50, "92.00"), (200, "88.00")]),
    "TB-GLZ-R-250": (1, 1, [(50, "15.00"), (200, "14.00")]),
    "TB-DM-10000": (1, 1, [(20, "82.00")]),
    "TB-JD-30": (10, 10, [(100, "42.00")]),
    "TB-MT-5000": (1, 1, [(20, "52.00")]),
}


def _enterprise_admin() -> None:
    email, name, enterprise_name = ENTERPRISE_ADMIN
    user, _created = get_user_model().objects.update_or_create(
        username=email, defaults={"email": email, "first_name": name}
    )
    user.set_password(settings.TAIBAO_DEMO_PASSWORD)
    user.save(update_fields=["password"])
    EnterpriseMember.objects.update_or_create(
        user=user,
        defaults={
            "enterprise": Enterprise.objects.get(name=enterprise_name),
            "role": EnterpriseMember.Role.ADMIN,
        },
    )


def _profiles_and_addresses() -> None:
    for enterprise in Enterprise.objects.filter(name__in=ADDRESSES):
        InvoiceProfile.objects.get_or_create(
            enterprise=enterprise,
            defaults={
                "invoice_title": enterprise.name,
                "taxpayer_id": enterprise.uscc,
                "invoice_type": INVOICE_TYPES.get(enterprise.name, InvoiceType.VAT_NORMAL),
                "bank_name": "中国工商银行广州花都支行（示例）",
                "bank_account": "3602 0000 0000 0000 000",
                "registered_address": "广州市花都区（示例）",
                "phone": "020-00000000",
            },
        )
        for index, (label, recipient, phone, city, district, street) in enumerate(
            ADDRESSES[enterprise.name]
        ):
            EnterpriseAddress.objects.get_or_create(
                enterprise=enterprise,
                label=label,
                defaults={
                    "recipient": recipient,
                    "phone": phone,
                    "province": "广东省",
                    "city": city,
                    "district": district,
                    "street": street,
                    "is_default": index == 0,
                },
            )


def _bulk_terms() -> None:
    for sku, (minimum, step, tiers) in BULK_TERMS.items():
        record = StockRecord.objects.filter(partner_sku=sku).first()
        if record is None:
            continue
        PurchaseTerms.objects.update_or_create(
            stockrecord=record, defaults={"min_quantity": minimum, "quantity_step": step}
        )
        for start, price in tiers:
            PriceTier.objects.update_or_create(
                stockrecord=record, min_quantity=start, defaults={"price": Decimal(price)}
            )


def _shipping_country() -> None:
    """China, as migration shop 0003 adds it (again here: test flushes remove migrated rows)."""
    Country.objects.update_or_create(
        iso_3166_1_a2="CN",
        defaults={
            "iso_3166_1_a3": "CHN",
            "iso_3166_1_numeric": "156",
            "printable_name": "中国",
            "name": "People's Republic of China",
            "is_shipping_country": True,
        },
    )


def demo_buyers_load() -> None:
    _shipping_country()
    _enterprise_admin()
    _profiles_and_addresses()
    _bulk_terms()
