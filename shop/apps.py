from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShopConfig(AppConfig):
    name = "shop"
    verbose_name = _("Enterprise buyers")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from catalog.cards import cards_forget
        from farmers.services.attribution import paid_line_lookup_register
        from shop.order.models import PaymentStatus
        from shop.reports import register as reports_register

        reports_register()
        # Payment state is the shop's: attribution covers shortfalls of paid lines only.
        paid_line_lookup_register(order__payment_status=PaymentStatus.PAID)

        # Purchase terms and price tiers are on every catalogue card (catalog.cards).
        for model in (self.get_model("PurchaseTerms"), self.get_model("PriceTier")):
            uid = f"catalogue-cards-{model.__name__}"
            post_save.connect(cards_forget, sender=model, dispatch_uid=uid)
            post_delete.connect(cards_forget, sender=model, dispatch_uid=f"{uid}-delete")
