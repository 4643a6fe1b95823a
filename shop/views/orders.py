"""The enterprise's orders and invoices; reorder and cancel."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView

from shop.order.models import PaymentStatus
from shop.selectors import (
    enterprise_invoice,
    enterprise_invoices,
    enterprise_order,
    enterprise_orders,
    order_shipments,
)
from shop.services.payments import PaymentRefused, order_cancel, payee, payment_due_by
from shop.services.reorder import order_reorder
from shop.views.access import EnterpriseMemberMixin


class OrderListView(EnterpriseMemberMixin, ListView):
    template_name = "shop/orders.html"
    context_object_name = "orders"
    paginate_by = 30

    def get_queryset(self):
        return enterprise_orders(enterprise=self.enterprise)


class OrderDetailView(EnterpriseMemberMixin, DetailView):
    template_name = "shop/order_detail.html"
    context_object_name = "order"

    def get_object(self, queryset=None):
        return enterprise_order(enterprise=self.enterprise, number=self.kwargs["number"])

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["payee"] = payee()
        ctx["payment_due_by"] = payment_due_by(order=self.object)
        ctx["shipments"] = order_shipments(order=self.object)
        return ctx


class OrderCancelView(EnterpriseMemberMixin, View):
    """GET asks (what will be cancelled, that stock goes back on sale); POST cancels."""

    template_name = "shop/order_cancel.html"

    def get(self, request, number):
        order = enterprise_order(enterprise=self.enterprise, number=number)
        if order.payment_status != PaymentStatus.AWAITING:
            return redirect("shop:order-detail", number=number)
        return render(request, self.template_name, {"order": order})

    def post(self, request, number):
        order = enterprise_order(enterprise=self.enterprise, number=number)
        try:
            order_cancel(order_id=order.pk, reason=f"Cancelled by the buyer {request.user.email}")
        except PaymentRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, _("Order %s is cancelled; its stock is released.") % number)
        return redirect("shop:order-detail", number=number)


class OrderReorderView(EnterpriseMemberMixin, View):
    def post(self, request, number):
        order = enterprise_order(enterprise=self.enterprise, number=number)
        result = order_reorder(order=order, basket=request.basket, strategy=request.strategy)
        if result.added_lines:
            messages.success(
                request,
                _("%(n)d lines are back in your basket at today's prices.")
                % {"n": result.added_lines},
            )
        for reason in result.skipped:
            messages.warning(request, _("Not added: %s") % reason)
        return redirect("basket:summary")


class InvoiceListView(EnterpriseMemberMixin, ListView):
    template_name = "shop/invoices.html"
    context_object_name = "invoices"
    paginate_by = 30

    def get_queryset(self):
        return enterprise_invoices(enterprise=self.enterprise)


class InvoiceDetailView(EnterpriseMemberMixin, DetailView):
    template_name = "shop/invoice_detail.html"
    context_object_name = "invoice"

    def get_object(self, queryset=None):
        return enterprise_invoice(enterprise=self.enterprise, pk=self.kwargs["pk"])
