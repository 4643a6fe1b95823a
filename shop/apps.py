from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShopConfig(AppConfig):
    name = "shop"
    verbose_name = _("Enterprise buyers")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete, post_save
        from oscar.core.loading import get_model

        from farmers.services.attribution import paid_line_lookup_register
        from shop.offers import forget_offer_state
        from shop.order.models import PaymentStatus
        from shop.reports import register as reports_register

        reports_register()
        # Payment state is the shop's: attribution covers shortfalls of paid lines only.
        paid_line_lookup_register(order__payment_status=PaymentStatus.PAID)

        for model in (get_model("offer", "ConditionalOffer"), get_model("voucher", "Voucher")):
            post_save.connect(
                forget_offer_state, sender=model, dispatch_uid=f"offers-{model.__name__}"
            )
            post_delete.connect(
                forget_offer_state, sender=model, dispatch_uid=f"offers-del-{model.__name__}"
            )
