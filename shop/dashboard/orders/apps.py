import oscar.apps.dashboard.orders.apps as apps


class OrdersDashboardConfig(apps.OrdersDashboardConfig):
    """Oscar's order dashboard, with a seller's staff confined to their own lines."""

    name = "shop.dashboard.orders"
