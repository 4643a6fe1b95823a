import oscar.apps.offer.apps as apps


class OfferConfig(apps.OfferConfig):
    """Oscar's offer app, forked for its applicator (``shop/offer/applicator.py``)."""

    name = "shop.offer"

    def ready(self):
        super().ready()
        from django.db.models.signals import post_delete, post_save
        from oscar.core.loading import get_model

        from shop.offer.applicator import forget_offer_state

        for model in (get_model("offer", "ConditionalOffer"), get_model("voucher", "Voucher")):
            post_save.connect(
                forget_offer_state, sender=model, dispatch_uid=f"offers-{model.__name__}"
            )
            post_delete.connect(
                forget_offer_state, sender=model, dispatch_uid=f"offers-del-{model.__name__}"
            )
