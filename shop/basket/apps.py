import oscar.apps.basket.apps as apps


class BasketConfig(apps.BasketConfig):
    """Oscar's basket; forked for bulk-friendly line loading and quantity rules."""

    name = "shop.basket"
