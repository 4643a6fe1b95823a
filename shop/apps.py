from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShopConfig(AppConfig):
    name = "shop"
    verbose_name = _("Enterprise buyers")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete, post_save
        from oscar.core.loading import get_model

        from catalog.cards import cards_forget
        from shop.offers import forget_offer_state

        # Purchase terms and price tiers are on every catalogue card (catalog.cards).
        for model in (self.get_model("PurchaseTerms"), self.get_model("PriceTier")):
            uid = f"catalogue-cards-{model.__name__}"
            post_save.connect(cards_forget, sender=model, dispatch_uid=uid)
            post_delete.connect(cards_forget, sender=model, dispatch_uid=f"{uid}-delete")

        for model in (get_model("offer", "ConditionalOffer"), get_model("voucher", "Voucher")):
            post_save.connect(
                forget_offer_state, sender=model, dispatch_uid=f"offers-{model.__name__}"
            )
            post_delete.connect(
                forget_offer_state, sender=model, dispatch_uid=f"offers-del-{model.__name__}"
            )
