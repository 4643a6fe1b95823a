"""The four roles' groups with their permissions (shop/roles.py): work team, seller staff,
enterprise admin, enterprise buyer. Data only; run again it leaves them as defined."""

from django.db import migrations


def roles_create(apps, schema_editor):
    from shop.roles import roles_sync

    roles_sync(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("farmers", "0007_settlement"),
        ("online_payments", "0001_initial"),
        ("partner", "0007_partneraddress_code"),
        ("shop", "0006_notification_email_pending"),
    ]

    operations = [migrations.RunPython(roles_create, migrations.RunPython.noop)]
