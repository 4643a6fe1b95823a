import oscar.apps.dashboard.catalogue.apps as apps


class CatalogueDashboardConfig(apps.CatalogueDashboardConfig):
    """Oscar's catalogue dashboard, where stock levels can no longer be typed in."""

    name = "shop.dashboard.catalogue"

    def ready(self):
        super().ready()
        # Oscar resolves "dashboard.catalogue.views" through the unforked parent
        # dashboard app; point the product form at this fork's view.
        from shop.dashboard.catalogue import views

        self.product_createupdate_view = views.ProductCreateUpdateView
