import oscar.apps.catalogue.apps as apps


class CatalogueConfig(apps.CatalogueConfig):
    """Oscar's catalogue, forked: farm-produce fields and database browsing."""

    name = "catalog"
    label = "catalogue"

    def ready(self):
        super().ready()
        from django.db.models.signals import post_delete, post_save

        from catalog.navigation import category_menu_forget

        category = self.get_model("Category")
        post_save.connect(category_menu_forget, sender=category, dispatch_uid="category-menu")
        post_delete.connect(category_menu_forget, sender=category, dispatch_uid="category-menu")
        self._forget_cached_cards_on_change()

    def _forget_cached_cards_on_change(self):
        """What catalogue cards and filter counts show (catalog.cards), beyond each page's own
        query: a change to any of these renders them afresh. Stock and prices written with
        ``update()`` need no signal: the cards' keys hold them."""
        from django.apps import apps
        from django.db.models.signals import post_delete, post_save

        from catalog.cards import cards_forget, catalogue_forget, facets_forget

        receivers = {
            ("catalogue", "Product"): catalogue_forget,
            ("catalogue", "ProductImage"): cards_forget,
            ("catalogue", "ProductClass"): catalogue_forget,
            ("catalogue", "ProductCategory"): facets_forget,
            ("catalogue", "Category"): facets_forget,
            ("partner", "StockRecord"): catalogue_forget,
            ("partner", "Partner"): catalogue_forget,
            ("farmers", "Seller"): catalogue_forget,
            ("farmers", "Village"): catalogue_forget,
        }
        for (app_label, model_name), receiver in receivers.items():
            model = apps.get_model(app_label, model_name)
            uid = f"catalogue-cards-{app_label}-{model_name}"
            post_save.connect(receiver, sender=model, dispatch_uid=uid)
            post_delete.connect(receiver, sender=model, dispatch_uid=f"{uid}-delete")
