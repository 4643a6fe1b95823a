"""Data: China as a shipping country, so enterprise delivery addresses become Oscar addresses."""

from django.db import migrations


def add_china(apps, schema_editor):
    Country = apps.get_model("address", "Country")
    Country.objects.update_or_create(
        iso_3166_1_a2="CN",
        defaults={
            "iso_3166_1_a3": "CHN",
            "iso_3166_1_numeric": "156",
            "printable_name": "中国",
            "name": "People's Republic of China",
            "display_order": 1,
            "is_shipping_country": True,
        },
    )


def keep_china(apps, schema_editor):
    """Reversing leaves the row: orders' addresses may point at it."""


class Migration(migrations.Migration):
    dependencies = [
        ("shop", "0002_buyers_pricing_payments"),
        ("address", "0001_initial"),
    ]

    operations = [migrations.RunPython(add_china, keep_china)]
