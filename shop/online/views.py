"""Buyer's payment pages, Stripe's webhook, and the work team's refunds. Thin: services decide."""

import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import FormView, ListView, TemplateView

from shop.online import selectors, services
from shop.online.forms import RefundForm
from shop.online.gateway import GatewayError
from shop.roles import REFUND_ONLINE
from shop.views.transfers import WorkTeamMixin

logger = logging.getLogger(__name__)


class BuyerOrderMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.order = selectors.buyer_order(user=request.user, number=kwargs["number"])
        return super().dispatch(request, *args, **kwargs)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def stripe_js_policy() -> dict[str, list[str]]:
    """What Stripe.js needs, on the pay page only.

    Stripe.js talks to api.stripe.com; a stand-in for it (tests, the offline
    demo: ``STRIPE_JS_URL``) talks to its own origin.
    """
    script = _origin(settings.STRIPE_JS_URL)
    connect = ["https://api.stripe.com"]
    if script != "https://js.stripe.com":
        connect.append(script)
    return {
        "script-src": [script],
        "frame-src": [script, "https://hooks.stripe.com"],
        "connect-src": connect,
        "img-src": ["https://*.stripe.com"],
    }


class PayView(BuyerOrderMixin, TemplateView):
    """Open (or reuse) the attempt and let Stripe.js collect card, Alipay or WeChat Pay."""

    template_name = "shop/online/pay.html"

    def get(self, request, *args, **kwargs):
        if not self.order.is_awaiting_payment:
            return redirect("online:pay-return", number=self.order.number)
        attempt, error = None, None
        try:
            attempt = services.payment_attempt_open(order_id=self.order.pk)
        except services.OnlinePaymentRefused as refused:
            error = refused.message
        response = self.render_to_response(
            self.get_context_data(
                order=self.order,
                attempt=attempt,
                error=error,
                publishable_key=settings.STRIPE_PUBLISHABLE_KEY,
                stripe_js_url=settings.STRIPE_JS_URL,
                return_url=request.build_absolute_uri(
                    reverse("online:pay-return", kwargs={"number": self.order.number})
                ),
            )
        )
        response._csp_update = stripe_js_policy()  # what django-csp's csp_update sets
        return response


class PayReturnView(BuyerOrderMixin, TemplateView):
    """Where Stripe sends the buyer back: the real state, read again from Stripe."""

    template_name = "shop/online/return.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        attempt = selectors.attempt_latest(order=self.order)
        if attempt is not None:
            try:
                attempt = services.payment_attempt_sync(attempt_id=attempt.pk)
            except GatewayError as error:
                ctx["error"] = error.message
        self.order.refresh_from_db()
        ctx.update(order=self.order, attempt=attempt)
        return ctx


class SwitchToBankTransferView(BuyerOrderMixin, View):
    def post(self, request, number):
        try:
            services.order_switch_to_bank_transfer(order_id=self.order.pk)
        except services.OnlinePaymentRefused as refused:
            messages.error(request, refused.message)
            return redirect("online:pay-return", number=number)
        messages.success(request, _("Pay this order by bank transfer to the account below."))
        return redirect("shop:order-detail", number=number)


@method_decorator(csrf_exempt, name="dispatch")
class StripeWebhookView(View):
    """Stripe's events: 400 unless genuine and fresh; 503 if Stripe cannot be asked back."""

    def post(self, request):
        try:
            outcome = services.stripe_event_receive(
                payload=request.body, signature=request.headers.get("Stripe-Signature", "")
            )
        except services.WebhookRejected as rejected:
            logger.warning("Stripe webhook rejected: %s", rejected)
            return HttpResponseBadRequest("invalid signature")
        except GatewayError as error:
            return HttpResponse(error.message, status=503)
        return HttpResponse(outcome)


class OnlinePaymentListView(WorkTeamMixin, ListView):
    permission_required = REFUND_ONLINE
    template_name = "shop/online/dashboard_list.html"
    context_object_name = "orders"
    paginate_by = 50

    def get_queryset(self):
        orders = selectors.online_orders()
        query = self.request.GET.get("q", "").strip()
        if query:
            orders = orders.filter(number__icontains=query)
        return orders


class OnlinePaymentRefundView(WorkTeamMixin, FormView):
    permission_required = REFUND_ONLINE
    template_name = "shop/online/dashboard_order.html"
    form_class = RefundForm

    def dispatch(self, request, *args, **kwargs):
        self.order = selectors.online_order_for_team(number=kwargs["number"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "lines": self.order.lines.all()}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["order"] = self.order
        ctx["attempts"] = self.order.online_attempts.all()
        ctx["refunds"] = self.order.online_refunds.select_related("created_by")
        return ctx

    def form_valid(self, form):
        try:
            refund = services.payment_refund(
                order_id=self.order.pk,
                amount=form.cleaned_data["amount"],
                line_units=form.line_units(),
                reason=form.cleaned_data["reason"],
                refunded_by=self.request.user,
            )
        except services.OnlinePaymentRefused as refused:
            form.add_error(None, refused.message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("¥%(amount)s refunded through Stripe.") % {"amount": f"{refund.amount:,.2f}"},
        )
        return redirect("online-dashboard:online-payment-order", number=self.order.number)
