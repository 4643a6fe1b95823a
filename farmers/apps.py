from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FarmersConfig(AppConfig):
    name = "farmers"
    verbose_name = _("Farmers and sellers")
    default_auto_field = "django.db.models.BigAutoField"
