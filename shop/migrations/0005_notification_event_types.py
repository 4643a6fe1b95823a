"""The notification event types, so the team can edit their wording in the dashboard."""

from django.db import migrations

EVENT_TYPES = {
    "ORDER_PLACED": "订单已提交（采购方） / Order placed (buyer)",
    "SELLER_ORDER_PLACED": "新订单（商家，仅其商品） / New order (seller, own lines)",
    "TEAM_ORDER_PLACED": "新订单（工作队） / New order (work team)",
    "PAYMENT_RECEIVED": "已收到货款（采购方） / Payment received (buyer)",
    "SELLER_PAYMENT_RECEIVED": "订单已付款，请发货（商家） / Order paid, please ship (seller)",
    "ORDER_SHIPPED": "已发货（采购方） / Lines shipped (buyer)",
    "ORDER_CANCELLED": "订单已取消（采购方） / Order cancelled (buyer)",
    "LOW_STOCK": "库存不足（商家） / Low stock (seller)",
}


def create(apps, schema_editor):
    CommunicationEventType = apps.get_model("communication", "CommunicationEventType")
    for code, name in EVENT_TYPES.items():
        CommunicationEventType.objects.get_or_create(
            code=code, defaults={"name": name, "category": "Order related"}
        )


def remove(apps, schema_editor):
    CommunicationEventType = apps.get_model("communication", "CommunicationEventType")
    CommunicationEventType.objects.filter(
        code__in=[c for c in EVENT_TYPES if c != "ORDER_PLACED"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("shop", "0004_notification_records"),
        ("communication", "0004_auto_20200801_0817"),
    ]
    operations = [migrations.RunPython(create, remove)]
