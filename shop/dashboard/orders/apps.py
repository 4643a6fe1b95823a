import oscar.apps.dashboard.orders.apps as apps


class OrdersDashboardConfig(apps.OrdersDashboardConfig):
    """Oscar's order dashboard, with a seller's staff confined to their own lines."""

    name = "shop.dashboard.orders"

    def ready(self):
        super().ready()
        # Oscar resolves "dashboard.orders.views" through the parent dashboard
        # app, which is not forked; point the URLs at this fork's views.
        from shop.dashboard.orders import views

        self.order_list_view = views.OrderListView
        self.order_detail_view = views.OrderDetailView
        self.shipping_address_view = views.ShippingAddressUpdateView
        self.line_detail_view = views.LineDetailView
        self.order_stats_view = views.OrderStatsView
