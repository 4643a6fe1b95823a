import oscar.apps.dashboard.catalogue.apps as apps


class CatalogueDashboardConfig(apps.CatalogueDashboardConfig):
    """Oscar's catalogue dashboard, where stock levels can no longer be typed in."""

    name = "shop.dashboard.catalogue"
