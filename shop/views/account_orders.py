"""Oscar's "my orders" pages (/accounts/orders/), for current members only.

Stock Oscar shows a user every order they placed. An enterprise order is the
enterprise's: these views read ``shop.selectors.orders_of_user``, so a buyer
removed from the enterprise no longer opens (or reorders from) the orders they
placed for it. Named for Oscar's class loader in ``shop.class_loading``.
"""

from django.shortcuts import get_object_or_404
from oscar.apps.customer import views

from shop.selectors import orders_of_user


class OrderHistoryView(views.OrderHistoryView):
    def get_queryset(self):
        queryset = orders_of_user(user=self.request.user)
        if self.form.is_bound and self.form.is_valid():
            queryset = queryset.filter(**self.form.get_filters())
        return queryset


class OrderDetailView(views.OrderDetailView):
    def get_object(self, queryset=None):
        return get_object_or_404(
            orders_of_user(user=self.request.user), number=self.kwargs["order_number"]
        )


class OrderLineView(views.OrderLineView):
    def get_object(self, queryset=None):
        order = get_object_or_404(
            orders_of_user(user=self.request.user), number=self.kwargs["order_number"]
        )
        return get_object_or_404(order.lines, id=self.kwargs["line_id"])
