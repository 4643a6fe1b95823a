"""Enterprise pages: registration, overview, members and invitations, invoice profile, addresses."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView
from oscar.apps.customer.forms import EmailAuthenticationForm, EmailUserCreationForm

from shop.forms import (
    EnterpriseAddressForm,
    EnterpriseRegisterForm,
    InviteForm,
    InvoiceProfileForm,
    MemberRoleForm,
)
from shop.models import InvoiceProfile
from shop.roles import MANAGE_ENTERPRISE
from shop.selectors import (
    enterprise_address,
    enterprise_member,
    membership_of,
    open_invitation,
    paired_villages,
    pledge_progress,
    products_paired_first,
)
from shop.services.enterprises import (
    EnterpriseRefused,
    address_delete,
    address_save,
    enterprise_po_requirement_set,
    enterprise_register,
    invitation_accept,
    invoice_profile_save,
    member_invite,
    member_remove,
    member_set_role,
)
from shop.views.access import EnterpriseMemberMixin


class EnterpriseRegisterView(LoginRequiredMixin, FormView):
    template_name = "shop/enterprise_register.html"
    form_class = EnterpriseRegisterForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and membership_of(user=request.user):
            return redirect("shop:enterprise")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            enterprise_register(user=self.request.user, **form.cleaned_data)
        except EnterpriseRefused as refused:
            form.add_error(None, str(refused))
            return self.form_invalid(form)
        messages.success(
            self.request, _("Your enterprise is registered; you are its administrator.")
        )
        return redirect("shop:enterprise")


class EnterpriseView(EnterpriseMemberMixin, TemplateView):
    template_name = "shop/enterprise.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        products = products_paired_first(enterprise=self.enterprise)
        ctx.update(
            villages=paired_villages(enterprise=self.enterprise),
            pledges=pledge_progress(enterprise=self.enterprise),
            paired_products=[p for p in products if p.from_paired_village],
        )
        return ctx


class MembersView(EnterpriseMemberMixin, FormView):
    template_name = "shop/members.html"
    form_class = InviteForm

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["members"] = self.enterprise.members.select_related("user")
        ctx["invitations"] = self.enterprise.invitations.filter(accepted_at__isnull=True)
        ctx["roles"] = MemberRoleForm.base_fields["role"].choices
        return ctx

    def form_valid(self, form):
        if not self.request.user.has_perm(MANAGE_ENTERPRISE):
            form.add_error(None, _("Only the enterprise's administrators can do this."))
            return self.form_invalid(form)
        accept_url = self.request.build_absolute_uri(
            reverse("shop:invitation-accept", kwargs={"token": "TOKEN"})
        ).replace("TOKEN", "{token}")
        try:
            member_invite(
                enterprise=self.enterprise,
                invited_by=self.request.user,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                accept_url_template=accept_url,
            )
        except EnterpriseRefused as refused:
            form.add_error("email", str(refused))
            return self.form_invalid(form)
        messages.success(self.request, _("Invitation sent to %s.") % form.cleaned_data["email"])
        return redirect("shop:members")


class MemberChangeView(EnterpriseMemberMixin, View):
    """POST: change a member's role, or remove them (``action=remove``)."""

    admin_only = True

    def post(self, request, pk):
        member = enterprise_member(enterprise=self.enterprise, pk=pk)
        try:
            if request.POST.get("action") == "remove":
                member_remove(member=member)
                messages.success(request, _("Member removed."))
            else:
                form = MemberRoleForm(request.POST)
                if form.is_valid():
                    member_set_role(member=member, role=form.cleaned_data["role"])
                    messages.success(request, _("Role changed."))
        except EnterpriseRefused as refused:
            messages.error(request, str(refused))
        return redirect("shop:members")


class InvitationAcceptView(View):
    """A signed-in invitee joins; anyone else sees who invites them to which enterprise,
    with Oscar's sign-in and registration forms, e-mail filled in, leading back here."""

    template_name = "shop/invitation.html"

    def get(self, request, token):
        if not request.user.is_authenticated:
            return self.invitation_page(request, token)
        try:
            member = invitation_accept(token=token, user=request.user)
        except EnterpriseRefused as refused:
            messages.error(request, str(refused))
            return redirect("home")
        messages.success(request, _("Welcome to %s.") % member.enterprise.name)
        return redirect("shop:enterprise")

    def invitation_page(self, request, token):
        invitation = open_invitation(token=token)
        if invitation is None:
            messages.error(request, _("This invitation is not valid or was already used."))
            return redirect("home")
        initial = {"redirect_url": request.path}
        return render(
            request,
            self.template_name,
            {
                "invitation": invitation,
                "inviter": invitation.invited_by.get_full_name() or invitation.invited_by.email
                if invitation.invited_by
                else "",
                "login_form": EmailAuthenticationForm(
                    request.get_host(),
                    prefix="login",
                    initial={**initial, "username": invitation.email},
                ),
                "registration_form": EmailUserCreationForm(
                    host=request.get_host(),
                    prefix="registration",
                    initial={**initial, "email": invitation.email},
                ),
            },
        )


class InvoiceProfileView(EnterpriseMemberMixin, FormView):
    template_name = "shop/invoice_profile.html"
    form_class = InvoiceProfileForm
    admin_only = True

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = InvoiceProfile.objects.filter(enterprise=self.enterprise).first()
        if kwargs["instance"] is None:
            kwargs["initial"] = {
                "invoice_title": self.enterprise.name,
                "taxpayer_id": self.enterprise.uscc,
            }
        kwargs.setdefault("initial", {})["requires_po_number"] = self.enterprise.requires_po_number
        return kwargs

    def form_valid(self, form):
        fields = dict(form.cleaned_data)
        enterprise_po_requirement_set(
            enterprise=self.enterprise, required=fields.pop("requires_po_number")
        )
        invoice_profile_save(enterprise=self.enterprise, fields=fields)
        messages.success(self.request, _("Invoice profile saved."))
        return redirect("shop:invoice-profile")


class AddressListView(EnterpriseMemberMixin, TemplateView):
    template_name = "shop/addresses.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["addresses"] = self.enterprise.addresses.all()
        return ctx


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


class AddressFormView(EnterpriseMemberMixin, FormView):
    """Create (no pk) or edit (pk of this enterprise's address, else 404) a delivery address."""

    template_name = "shop/address_form.html"
    form_class = EnterpriseAddressForm

    def get_address(self):
        if "pk" not in self.kwargs:
            return None
        return enterprise_address(enterprise=self.enterprise, pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.get_address()
        return kwargs

    def form_valid(self, form):
        address_save(
            enterprise=self.enterprise, fields=form.cleaned_data, address=self.get_address()
        )
        messages.success(self.request, _("Address saved."))
        return HttpResponseRedirect(_safe_next(self.request, reverse("shop:addresses")))


class AddressDeleteView(EnterpriseMemberMixin, View):
    def post(self, request, pk):
        address = enterprise_address(enterprise=self.enterprise, pk=pk)
        address_delete(enterprise=self.enterprise, address=address)
        messages.success(request, _("Address deleted."))
        return redirect("shop:addresses")
