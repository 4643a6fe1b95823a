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
