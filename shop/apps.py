from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShopConfig(AppConfig):
    name = "shop"
    verbose_name = _("Enterprise buyers")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from farmers.services.attribution import paid_line_lookup_register
        from shop.order.models import PaymentStatus
        from shop.reports import register as reports_register

        reports_register()
        # Payment state is the shop's: attribution covers shortfalls of paid lines only.
        paid_line_lookup_register(order__payment_status=PaymentStatus.PAID)
