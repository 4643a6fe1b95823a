import oscar.apps.checkout.apps as apps


class CheckoutConfig(apps.CheckoutConfig):
    """Oscar's checkout with the enterprise steps: address book, PO number, invoice, bank transfer."""

    name = "shop.checkout"
