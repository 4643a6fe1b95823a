from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatementsConfig(AppConfig):
    name = "shop.statements"
    label = "statements"
    verbose_name = _("Assistance statements")
    default_auto_field = "django.db.models.BigAutoField"
