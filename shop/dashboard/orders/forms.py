"""Oscar's order search, without the filters that read whole-order data, for a seller's staff."""

from oscar.apps.dashboard.orders.forms import OrderSearchForm


class SellerOrderSearchForm(OrderSearchForm):
    """Without the voucher code and payment method: they are the whole order's
    discounts and payments, and filtering on them would tell a seller's staff which
    of their orders used which voucher or was paid how. Kept blank in the cleaned
    data, so Oscar's list applies neither filter whatever the request says."""

    whole_order_fields = ("voucher", "payment_method")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.whole_order_fields:
            del self.fields[name]

    def payment_method_choices(self):
        return ()  # the field is removed: no need to read the payment source types

    def clean(self):
        cleaned_data = super().clean()
        for name in self.whole_order_fields:
            cleaned_data[name] = ""
        return cleaned_data
