"""Oscar's order dashboard views, closed to other sellers' lines.

Stock Oscar lets a partner user who owns one line of an order see every line
of it, change their statuses, act on the whole order and edit its shipping
address, and shows them the whole order's totals, payments and discounts.
Here a user who is not staff (a seller's staff) sees and acts on their own
partners' lines only, and every figure they see is summed from those lines;
order-level actions, payments (payment events included), discounts, notes
and the shipping address belong to the platform's staff, who see stock Oscar
unchanged. Their order search has no voucher or payment-method filter, and
searches by product match their own lines only.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from oscar.apps.dashboard.orders import views
from oscar.apps.order import exceptions as order_exceptions
from oscar.core.loading import get_model
from oscar.views import sort_queryset

from farmers.errors import bilingual
from money.split import FEN
from security.formulas import neutralise_cell
from shop.dashboard.orders.forms import SellerOrderSearchForm
from shop.dashboard.orders.selectors import (
    is_seller_staff_only,
    orders_matching_own_lines,
    orders_with_own_line_totals,
    own_line_totals,
    own_lines,
    own_order_stats,
    own_shipping_events,
)
from shop.order.processing import CARRIERS

Transaction = get_model("payment", "Transaction")
ShippingEventType = get_model("order", "ShippingEventType")


class OrderListView(views.OrderListView):
    seller_template_name = "shop/dashboard/orders/seller_order_list.html"
    seller_actions = ("download_selected_orders",)
    seller_sorts = ("number", "own_total_incl_tax")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and is_seller_staff_only(request.user):
            self.form_class = SellerOrderSearchForm
            self.CSV_COLUMNS = {
                **self.CSV_COLUMNS,
                "value": _("Value of your lines"),
                "num_items": _("Units on your lines"),
            }
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        queryset = super().get_queryset()
        user = self.request.user
        if not is_seller_staff_only(user):
            return queryset
        search = self.form.cleaned_data if self.form.is_valid() else {}
        queryset = orders_matching_own_lines(
            orders=queryset,
            user=user,
            product_title=search.get("product_title", ""),
            upc=search.get("upc", ""),
            partner_sku=search.get("partner_sku", ""),
        )
        queryset = orders_with_own_line_totals(orders=queryset, user=user)
        # Sorting by the whole order's total would rank orders by other sellers' amounts.
        return sort_queryset(queryset, self.request, self.seller_sorts, default="-date_placed")

    def get_actions(self):
        actions = super().get_actions()
        if is_seller_staff_only(self.request.user):
            return {name: actions[name] for name in self.seller_actions if name in actions}
        return actions

    def get_template_names(self):
        if is_seller_staff_only(self.request.user):
            return [self.seller_template_name]
        return super().get_template_names()

    def get_row_values(self, order):
        row = super().get_row_values(order)
        if is_seller_staff_only(self.request.user):
            # Quantized: SQLite hands back a computed sum without its two decimals.
            row.update(value=order.own_total_incl_tax.quantize(FEN), num_items=order.own_num_items)
        # Names come from buyers' address books: "=HYPERLINK(...)" must stay text.
        return {column: neutralise_cell(value) for column, value in row.items()}


class OrderStatsView(views.OrderStatsView):
    def get_stats(self, filters):
        stats = super().get_stats(filters)
        user = self.request.user
        if is_seller_staff_only(user):
            orders = views.queryset_orders_for_user(user).filter(**filters)
            stats.update(own_order_stats(orders=orders, user=user))
        return stats


class OrderDetailView(views.OrderDetailView):
    seller_template_name = "shop/dashboard/orders/seller_order_detail.html"
    # Payments are the platform's: the work team records transfers.
    platform_line_actions = ("create_payment_event",)

    def get_order_lines(self):
        return own_lines(self.request.user, super().get_order_lines())

    def get_template_names(self):
        if is_seller_staff_only(self.request.user):
            return [self.seller_template_name]
        return super().get_template_names()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["carriers"] = CARRIERS
        user = self.request.user
        if is_seller_staff_only(user):
            ctx["own_totals"] = own_line_totals(lines=ctx["lines"])
            ctx["own_shipping_events"] = own_shipping_events(order=self.object, user=user)
        return ctx

    def get_payment_transactions(self):
        if is_seller_staff_only(self.request.user):
            return Transaction.objects.none()
        return super().get_payment_transactions()

    def handle_order_action(self, request, order, action):
        if is_seller_staff_only(request.user):
            raise PermissionDenied("Order-level actions are for the platform's staff")
        return super().handle_order_action(request, order, action)

    def handle_line_action(self, request, order, action):
        if action in self.platform_line_actions and is_seller_staff_only(request.user):
            raise PermissionDenied("Payment events are recorded by the platform's staff")
        requested = {int(pk) for pk in request.POST.getlist("selected_line") if pk.isdigit()}
        allowed = set(self.get_order_lines().values_list("pk", flat=True))
        if requested - allowed:
            raise PermissionDenied("Those lines belong to another seller")
        return super().handle_line_action(request, order, action)

    def create_shipping_event(self, request, order, lines, quantities):
        """Oscar's step, with the carrier beside the tracking number and a message in
        both languages when no event type is chosen."""
        code = request.POST.get("shipping_event_type", "")
        event_type = ShippingEventType.objects.filter(code=code).first()
        if event_type is None:
            messages.error(
                request,
                bilingual("请选择事件类型（如“已发货”）", "Choose an event type (such as Shipped)"),
            )
            return self.reload_page()
        try:
            self.get_handler().handle_shipping_event(
                order,
                event_type,
                lines,
                quantities,
                reference=request.POST.get("reference", "").strip(),
                carrier=request.POST.get("carrier", "").strip(),
            )
        except (order_exceptions.InvalidShippingEvent, order_exceptions.InvalidStatus) as error:
            messages.error(request, _("Unable to create shipping event: %s") % error)
        else:
            messages.success(request, _("Shipping event created"))
        return self.reload_page()


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
