import oscar.apps.order.apps as apps


class OrderConfig(apps.OrderConfig):
    """Oscar's order with the enterprise, PO number and payment state; bulk OrderCreator."""

    name = "shop.order"
