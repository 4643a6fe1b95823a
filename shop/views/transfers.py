"""The work team's dashboard page: record bank transfers received against orders."""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView

from shop.forms import TransferForm
from shop.order.models import Order
from shop.roles import CONFIRM_TRANSFERS
from shop.selectors import orders_awaiting_transfer
from shop.services.payments import PaymentRefused, payment_due_by, transfer_record


class WorkTeamMixin(PermissionRequiredMixin):
    """The work team's pages: the permission its role holds (shop/roles.py)."""

    permission_required = CONFIRM_TRANSFERS


class TransferListView(WorkTeamMixin, ListView):
    template_name = "shop/dashboard/transfers.html"
    context_object_name = "orders"
    paginate_by = 50

    def get_queryset(self):
        return orders_awaiting_transfer(query=self.request.GET.get("q", ""))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["overpaid"] = Order.objects.filter(
            payment_method="bank_transfer", amount_received__gt=F("total_incl_tax")
        ).select_related("enterprise")[:50]
        for order in ctx["orders"]:
            order.due_by = payment_due_by(order=order)
        return ctx


class TransferRecordView(WorkTeamMixin, FormView):
    template_name = "shop/dashboard/transfer_record.html"
    form_class = TransferForm

    def dispatch(self, request, *args, **kwargs):
        self.order = get_object_or_404(Order, number=kwargs["number"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["order"] = self.order
        ctx["transfers"] = self.order.transfers.select_related("recorded_by")
        return ctx

    def form_valid(self, form):
        try:
            outcome = transfer_record(
                order_id=self.order.pk, recorded_by=self.request.user, **form.cleaned_data
            )
        except PaymentRefused as refused:
            form.add_error(None, str(refused))
            return self.form_invalid(form)
        if outcome.overpaid_by:
            messages.warning(
                self.request,
                _("Order %(number)s is overpaid by ¥%(amount)s: arrange a refund.")
                % {"number": self.order.number, "amount": f"{outcome.overpaid_by:,.2f}"},
            )
        elif outcome.became_paid:
            messages.success(self.request, _("Order %s is paid.") % self.order.number)
        else:
            messages.info(
                self.request,
                _("Transfer recorded; ¥%(amount)s still outstanding.")
                % {"amount": f"{outcome.order.amount_outstanding:,.2f}"},
            )
        return redirect("shop-dashboard:transfer-record", number=self.order.number)
