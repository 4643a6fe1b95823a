"""The shipping event types the product needs, on every install (not only in tests).

``shipped`` is the event shop.order.processing.EventHandler acts on: the goods
left, allocation and lots are consumed, the buyer is told. Its name is shown
through the translation catalogue ("Shipped" → 已发货).
"""

from django.db import migrations

EVENT_TYPES = [("shipped", "Shipped")]


def create_event_types(apps, schema_editor):
    event_type = apps.get_model("order", "ShippingEventType")
    for code, name in EVENT_TYPES:
        event_type.objects.get_or_create(code=code, defaults={"name": name})


def remove_event_types(apps, schema_editor):
    event_type = apps.get_model("order", "ShippingEventType")
    event_type.objects.filter(
        code__in=[code for code, _ in EVENT_TYPES], shippingevent__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("order", "0023_shipping_event_carrier"),
    ]

    operations = [
        migrations.RunPython(create_event_types, remove_event_types),
    ]
