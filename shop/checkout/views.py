"""Oscar's checkout for enterprise buyers.

Steps stay Oscar's (address → shipping method → payment → preview → place
order → thank you); what changes:

* only members of an enterprise check out (others are sent to register one);
* the delivery address comes from the enterprise's address book;
* payment details are the enterprise order form (PO number, invoice request
  from the invoice profile, editable; note; bank transfer, or online payment
  when Stripe keys are set — then the buyer goes to shop.online's pay page);
* bank transfer takes no money now: the order is placed awaiting payment,
  and the thank-you page and e-mail show the payee account and the order
  number as the transfer reference;
* placement goes through shop.order.utils.OrderCreator (locks stock; a
  shortage sends the buyer back with every short line named).
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from oscar.apps.checkout import views as oscar_views
from oscar.apps.checkout.exceptions import FailedPreCondition
from oscar.core.loading import get_class

from shop.checkout.forms import EnterpriseOrderForm
from shop.models import EnterpriseAddress, InvoiceRequest
from shop.order.models import PaymentMethod
from shop.payment_sources import payment_source_new
from shop.selectors import membership_of
from shop.services.payments import payee, payment_due_by

Repository = get_class("shipping.repository", "Repository")
NoShippingRequired = get_class("shipping.methods", "NoShippingRequired")

ADDRESS_SESSION_KEY = "checkout_enterprise_address_id"
ORDER_FORM_NAMESPACE = "enterprise_order"


def shipping_fields(address: EnterpriseAddress) -> dict:
    """Enterprise address → fields of Oscar's ShippingAddress (stored in the checkout session)."""
    return {
        "first_name": "",
        "last_name": address.recipient,
        "line1": address.street,
        "line2": address.district,
        "line3": "",
        "line4": address.city,
        "state": address.province,
        "postcode": address.postcode,
        "country_id": "CN",
        "notes": f"{address.label} · {address.phone}",
    }


class EnterpriseMemberRequired:
    """Checkout pre-condition: the buyer belongs to an enterprise."""

    def check_user_is_enterprise_member(self, request):
        self.membership = membership_of(user=request.user)
        if self.membership is None:
            raise FailedPreCondition(
                url=reverse("shop:enterprise-register"),
                message=_("Register your enterprise (or accept an invitation) to place orders."),
            )


class IndexView(EnterpriseMemberRequired, oscar_views.IndexView):
    pre_conditions = [*oscar_views.IndexView.pre_conditions, "check_user_is_enterprise_member"]


class ShippingAddressView(EnterpriseMemberRequired, oscar_views.ShippingAddressView):
    template_name = "oscar/checkout/shipping_address.html"
    pre_conditions = [
        *oscar_views.ShippingAddressView.pre_conditions,
        "check_user_is_enterprise_member",
    ]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["enterprise_addresses"] = self.membership.enterprise.addresses.all()
        ctx["chosen_address_id"] = self.request.session.get(ADDRESS_SESSION_KEY)
        return ctx

    def post(self, request, *args, **kwargs):
        try:
            address = self.membership.enterprise.addresses.get(pk=request.POST.get("address_id"))
        except (EnterpriseAddress.DoesNotExist, ValueError):
            messages.error(request, _("Choose one of your enterprise's delivery addresses."))
            return redirect("checkout:shipping-address")
        self.checkout_session.ship_to_new_address(shipping_fields(address))
        request.session[ADDRESS_SESSION_KEY] = address.pk
        return redirect(self.next_step_url())

    def next_step_url(self) -> str:
        """Straight to the order form when the steps between have nothing to choose.

        Oscar's shipping-method step chooses by itself when there is one method (or
        no shipping), and its payment-method step always passes on to the payment
        details; making that choice here spares the buyer two redirects.
        """
        basket = self.request.basket
        if basket.is_shipping_required():
            methods = Repository().get_shipping_methods(
                basket=basket,
                user=self.request.user,
                shipping_addr=self.get_shipping_address(basket),
                request=self.request,
            )
            if len(methods) != 1:
                return self.get_success_url()  # Oscar's step: a choice, or no method at all
            code = methods[0].code
        else:
            code = NoShippingRequired().code
        self.checkout_session.use_shipping_method(code)
        return reverse("checkout:payment-details")


class ShippingMethodView(EnterpriseMemberRequired, oscar_views.ShippingMethodView):
    pre_conditions = [
        *oscar_views.ShippingMethodView.pre_conditions,
        "check_user_is_enterprise_member",
    ]


class PaymentMethodView(EnterpriseMemberRequired, oscar_views.PaymentMethodView):
    pre_conditions = [
        *oscar_views.PaymentMethodView.pre_conditions,
        "check_user_is_enterprise_member",
    ]


class PaymentDetailsView(EnterpriseMemberRequired, oscar_views.PaymentDetailsView):
    pre_conditions = [
        *oscar_views.PaymentDetailsView.pre_conditions,
        "check_user_is_enterprise_member",
    ]

    def get_skip_conditions(self, request):
        return []  # the order form is always needed, even for a zero total

    def initial_order_form(self) -> dict:
        enterprise = self.membership.enterprise
        initial = {"payment_method": PaymentMethod.BANK_TRANSFER.value}
        profile = getattr(enterprise, "invoice_profile", None)
        if profile is not None:
            initial.update(
                {name: getattr(profile, name) for name in EnterpriseOrderForm.INVOICE_FIELDS}
            )
            initial["invoice_requested"] = True
        return initial

    # What the buyer typed stays in Oscar's checkout session (flushed when the order
    # is placed), so going back to the form or reloading the preview keeps it.

    def stored_order_form_data(self) -> dict | None:
        return self.checkout_session._get(ORDER_FORM_NAMESPACE, "data")

    def order_form(self, data=None) -> EnterpriseOrderForm:
        enterprise = self.membership.enterprise
        data = data if data is not None else self.stored_order_form_data()
        if data is None:
            return EnterpriseOrderForm(enterprise=enterprise, initial=self.initial_order_form())
        form = EnterpriseOrderForm(data, enterprise=enterprise)
        form.is_valid()
        return form

    def get(self, request, *args, **kwargs):
        if self.preview and self.stored_order_form_data() is None:
            return redirect("checkout:payment-details")  # nothing typed yet to preview
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.setdefault("order_form", self.order_form())
        ctx["enterprise"] = self.membership.enterprise
        ctx["payee"] = payee()
        return ctx

    def handle_payment_details_submission(self, request):
        form = self.order_form(request.POST)
        self.checkout_session._set(ORDER_FORM_NAMESPACE, "data", form.session_data())
        if not form.is_valid():
            return self.render_payment_details(request, order_form=form)
        return self.render_preview(request, order_form=form)

    def handle_place_order_submission(self, request):
        form = self.order_form(request.POST)
        if not form.is_valid():
            return self.render_payment_details(request, order_form=form)
        submission = self.build_submission(payment_kwargs={"order_form": form})
        invoice_fields = form.invoice_fields()
        submission["order_kwargs"] = {
            "enterprise": self.membership.enterprise,
            "po_number": form.cleaned_data["po_number"],
            "buyer_note": form.cleaned_data["note"].strip(),
            "payment_method": form.cleaned_data["payment_method"],
            "invoice": (
                InvoiceRequest(enterprise=self.membership.enterprise, amount=0, **invoice_fields)
                if invoice_fields
                else None
            ),
        }
        return self.submit(**submission)

    def handle_payment(self, order_number, total, **kwargs):
        """Nothing is taken now; the source records what is owed.

        Online payment starts after the order is placed (stock allocated, its
        transaction committed): the buyer is sent to the pay page, which
        creates the PaymentIntent (shop.online).
        """
        form = kwargs.get("order_form")
        method = form.cleaned_data["payment_method"] if form is not None else None
        source = payment_source_new(
            method=method if method == PaymentMethod.ONLINE else PaymentMethod.BANK_TRANSFER,
            order_number=order_number,
            amount=total.incl_tax,
            currency=total.currency,
        )
        self.add_payment_source(source)

    def handle_successful_order(self, order):
        self.placed_order = order
        return super().handle_successful_order(order)

    def get_success_url(self):
        order = getattr(self, "placed_order", None)
        if order is not None and order.payment_method == PaymentMethod.ONLINE:
            return reverse("online:pay", kwargs={"number": order.number})
        return super().get_success_url()

    def send_order_placed_email(self, order):
        """Not in the request: the "order.placed" outbox event tells the buyer, the
        sellers and the work team through Celery (shop.notifications)."""


class ThankYouView(oscar_views.ThankYouView):
    def get_context_data(self, *args, **kwargs):
        ctx = super().get_context_data(*args, **kwargs)
        ctx["payee"] = payee()
        ctx["payment_due_by"] = payment_due_by(order=ctx["order"])
        return ctx


UserAddressUpdateView = oscar_views.UserAddressUpdateView
UserAddressDeleteView = oscar_views.UserAddressDeleteView
