"""Oscar's order dashboard views, closed to other sellers' lines.

Stock Oscar lets a partner user who owns one line of an order see every line
of it, change their statuses, act on the whole order and edit its shipping
address. Here a user who is not staff (a seller's staff) sees and acts on
their own partners' lines only; order-level actions and the shipping
address belong to the platform's staff.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from oscar.apps.dashboard.orders import views
from oscar.core.loading import get_model

Partner = get_model("partner", "Partner")

OrderListView = views.OrderListView
OrderStatsView = views.OrderStatsView


def is_seller_staff_only(user) -> bool:
    return not user.is_staff


def own_lines(user, lines):
    """The lines a user may see: all for staff, their partners' for a seller's staff."""
    if is_seller_staff_only(user):
        return lines.filter(partner__users=user)
    return lines


class OrderDetailView(views.OrderDetailView):
    def get_order_lines(self):
        return own_lines(self.request.user, super().get_order_lines())

    def handle_order_action(self, request, order, action):
        if is_seller_staff_only(request.user):
            raise PermissionDenied("Order-level actions are for the platform's staff")
        return super().handle_order_action(request, order, action)

    def handle_line_action(self, request, order, action):
        requested = {int(pk) for pk in request.POST.getlist("selected_line") if pk.isdigit()}
        allowed = set(self.get_order_lines().values_list("pk", flat=True))
        if requested - allowed:
            raise PermissionDenied("Those lines belong to another seller")
        return super().handle_line_action(request, order, action)


class LineDetailView(views.LineDetailView):
    def get_object(self, queryset=None):
        line = super().get_object(queryset)
        if not own_lines(self.request.user, line.order.lines.filter(pk=line.pk)).exists():
            raise Http404()
        return line


class ShippingAddressUpdateView(views.ShippingAddressUpdateView):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and is_seller_staff_only(request.user):
            raise PermissionDenied("Only the platform's staff change a delivery address")
        return super().dispatch(request, *args, **kwargs)
