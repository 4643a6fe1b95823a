from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from shop.roles import MANAGE_ENTERPRISE, USE_ENTERPRISE
from shop.selectors import membership_of


class EnterpriseMemberMixin(LoginRequiredMixin):
    """The signed-in user's enterprise is ``self.enterprise``; every lookup is scoped to it.

    Its role in that enterprise must hold ``permission_required`` (shop/roles.py);
    ``admin_only`` pages need the administrators' ``MANAGE_ENTERPRISE``.
    """

    admin_only = False
    permission_required = USE_ENTERPRISE

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.membership = membership_of(user=request.user)
        if self.membership is None:
            messages.info(request, _("Register your enterprise (or accept an invitation) first."))
            return redirect("shop:enterprise-register")
        if self.admin_only and not request.user.has_perm(MANAGE_ENTERPRISE):
            raise PermissionDenied(_("Only the enterprise's administrators can do this."))
        if not request.user.has_perm(self.permission_required):
            raise PermissionDenied
        self.enterprise = self.membership.enterprise
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["enterprise"] = self.enterprise
        ctx["membership"] = self.membership
        ctx["is_enterprise_admin"] = self.request.user.has_perm(MANAGE_ENTERPRISE)
        return ctx
