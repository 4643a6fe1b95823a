"""Products' slugs in pinyin (catalog/slugs.py). Data only; old links keep working.

Product URLs carry the primary key, and the detail view answers a path whose
slug differs with a 301 to the new one, so links shared with the old escaped
slugs (``u82a5u83dcu5e72-…``) still arrive. Reversing leaves the new slugs:
they are valid slugs of the old code too.
"""

from django.db import migrations

from catalog.slugs import product_slug


def products_reslug(apps, schema_editor):
    Product = apps.get_model("catalogue", "Product")
    taken = set()
    for product in Product.objects.order_by("pk").only("pk", "title", "upc", "slug"):
        slug = product_slug(title=product.title, sku=product.upc or "", taken=taken.__contains__)
        if not slug:
            taken.add(product.slug)
            continue
        taken.add(slug)
        if slug != product.slug:
            Product.objects.filter(pk=product.pk).update(slug=slug)


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0034_farm_product_origin_and_seller"),
    ]

    operations = [migrations.RunPython(products_reslug, migrations.RunPython.noop)]
