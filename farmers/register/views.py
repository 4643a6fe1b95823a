"""Views of the household register. Each parses input and calls one service."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView, TemplateView

from farmers.errors import bilingual
from farmers.models import Household, Membership, MonitoringCategory, MonitoringPeriod, Seller
from farmers.register import forms, selectors
from farmers.services import households as services
from farmers.services.household_import import (
    HouseholdSheetRejected,
    household_sheet_check,
    household_sheet_import,
)
from farmers.services.pending_sheets import (
    pending_sheet_delete,
    pending_sheet_read,
    pending_sheet_save,
)
from security.recent_login import recent_login, recent_login_confirm


def _detail_url(household: Household) -> str:
    return reverse("household-register:register-household-detail", kwargs={"pk": household.pk})


class HouseholdMixin:
    """The household named by the URL's ``pk`` (404 when there is none)."""

    @cached_property
    def household(self) -> Household:
        return get_object_or_404(Household.objects.select_related("village"), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(household=self.household, **kwargs)


class ServiceFormView(FormView):
    """A form whose valid data go to one service; its refusals come back onto the form."""

    template_name = "farmers/register/form_page.html"
    title = ""
    success_message = ""

    def call_service(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            self.call_service(form)
        except ValidationError as error:
            forms.add_service_errors(form, error)
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.get_success_url())

    def get_title(self) -> str:
        return self.title

    def get_context_data(self, **kwargs):
        kwargs.setdefault("title", self.get_title())
        return super().get_context_data(**kwargs)


# --- Households -----------------------------------------------------------------


class HouseholdListView(ListView):
    template_name = "farmers/register/household_list.html"
    context_object_name = "households"
    paginate_by = 25

    def get_queryset(self):
        self.search_form = forms.HouseholdSearchForm(self.request.GET or None)
        return selectors.household_list(day=timezone.localdate(), **self.search_form.filters())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        labels = dict(MonitoringCategory.choices)
        for household in context["households"]:
            household.current_category_label = labels.get(household.current_category, "")
        context["form"] = self.search_form
        context["is_filtered"] = bool(self.search_form.is_bound and self.search_form.filters())
        return context


class HouseholdDetailView(HouseholdMixin, TemplateView):
    template_name = "farmers/register/household_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        context = super().get_context_data(**kwargs)
        context["periods"] = selectors.household_monitoring_history(household=self.household)
        context["memberships"] = selectors.household_memberships(household=self.household)
        context["today"] = timezone.localdate()
        context["can_reveal"] = user.has_perm("farmers.reveal_personal_data")
        if context["can_reveal"]:
            context["reveals"] = selectors.household_reveals(household=self.household)
        if user.has_perm("farmers.add_membership"):
            context["membership_form"] = forms.MembershipForm(
                initial={"joined_on": timezone.localdate()}
            )
        return context


class HouseholdCreateView(ServiceFormView):
    form_class = forms.HouseholdForm
    template_name = "farmers/register/household_form.html"

    def get_title(self) -> str:
        return _("New household")

    def call_service(self, form):
        self.household = services.household_register(
            code=form.cleaned_data["code"], by=self.request.user, **form.household_fields()
        )
        messages.success(
            self.request, _("Household %(code)s registered.") % {"code": self.household.code}
        )

    def get_success_url(self):
        return _detail_url(self.household)


class HouseholdUpdateView(HouseholdMixin, ServiceFormView):
    form_class = forms.HouseholdForm
    template_name = "farmers/register/household_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.household}

    def get_title(self) -> str:
        return _("Edit household %(code)s") % {"code": self.household.code}

    def call_service(self, form):
        services.household_update(
            household=self.household, by=self.request.user, **form.household_fields()
        )
        messages.success(
            self.request, _("Household %(code)s saved.") % {"code": self.household.code}
        )

    def get_success_url(self):
        return _detail_url(self.household)


class HouseholdRevealView(HouseholdMixin, FormView):
    """The full ID number or phone, once, after the reason is written to the audit log."""

    form_class = forms.RevealForm
    template_name = "farmers/register/reveal_form.html"

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "household": self.household,
            "ask_password": not recent_login(self.request),
        }

    def form_valid(self, form):
        field = form.cleaned_data["field"]
        if "password" in form.fields and not recent_login_confirm(
            self.request, password=form.cleaned_data["password"]
        ):
            form.add_error("password", _("The password is not right."))
            return self.form_invalid(form)
        try:
            value = services.household_personal_data_reveal(
                household=self.household,
                field=field,
                reason=form.cleaned_data["reason"],
                user=self.request.user,
            )
        except ValidationError as error:
            forms.add_service_errors(form, error)
            return self.form_invalid(form)
        response = self.response_class(
            request=self.request,
            template=["farmers/register/reveal_result.html"],
            context=self.get_context_data(
                form=form,
                revealed_value=value,
                revealed_label=dict(form.fields["field"].choices)[field],
                reason=form.cleaned_data["reason"],
            ),
        )
        response["Cache-Control"] = "no-store"
        return response


# --- Monitoring history ---------------------------------------------------------


class MonitoringAddView(HouseholdMixin, ServiceFormView):
    form_class = forms.MonitoringPeriodForm

    def get_title(self) -> str:
        return _("Add a monitoring period")

    def call_service(self, form):
        data = form.cleaned_data
        services.monitoring_period_add(
            household=self.household,
            category=data["category"],
            started_on=data["started_on"],
            ended_on=data["ended_on"],
            note=data["note"],
        )
        messages.success(self.request, _("Monitoring period added."))

    def get_success_url(self):
        return _detail_url(self.household)


class PeriodMixin(HouseholdMixin):
    @cached_property
    def period(self) -> MonitoringPeriod:
        return get_object_or_404(
            MonitoringPeriod, pk=self.kwargs["period_pk"], household_id=self.household.pk
        )

    def get_success_url(self):
        return _detail_url(self.household)


class MonitoringUpdateView(PeriodMixin, ServiceFormView):
    form_class = forms.MonitoringPeriodForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.period}

    def get_title(self) -> str:
        return _("Edit a monitoring period")

    def call_service(self, form):
        data = form.cleaned_data
        services.monitoring_period_update(
            period=self.period,
            category=data["category"],
            started_on=data["started_on"],
            ended_on=data["ended_on"],
            note=data["note"],
        )
        messages.success(self.request, _("Monitoring period saved."))


class MonitoringCloseView(PeriodMixin, ServiceFormView):
    form_class = forms.MonitoringCloseForm

    def get_initial(self):
        return {"ended_on": timezone.localdate(), "note": self.period.note}

    def get_title(self) -> str:
        return _("Close a monitoring period")

    def call_service(self, form):
        services.monitoring_period_close(
            period=self.period,
            ended_on=form.cleaned_data["ended_on"],
            note=form.cleaned_data["note"],
        )
        messages.success(self.request, _("Monitoring period closed."))


# --- Membership -------------------------------------------------------------------


class MembershipAddView(HouseholdMixin, ServiceFormView):
    form_class = forms.MembershipForm

    def get_initial(self):
        return {"joined_on": timezone.localdate()}

    def get_title(self) -> str:
        return _("Add to a seller")

    def call_service(self, form):
        membership = services.membership_add(
            seller=form.cleaned_data["seller"],
            household=self.household,
            joined_on=form.cleaned_data["joined_on"],
        )
        messages.success(
            self.request,
            _("%(household)s is now a member of %(seller)s.")
            % {"household": self.household.code, "seller": membership.seller.name},
        )

    def get_success_url(self):
        return _detail_url(self.household)


class MembershipRemoveView(HouseholdMixin, TemplateView):
    template_name = "farmers/register/membership_remove.html"

    @cached_property
    def membership(self) -> Membership:
        return get_object_or_404(
            Membership.objects.select_related("seller__partner"),
            pk=self.kwargs["membership_pk"],
            household_id=self.household.pk,
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(membership=self.membership, **kwargs)

    def post(self, request, *args, **kwargs):
        seller_name = self.membership.seller.name
        services.membership_remove(membership=self.membership)
        messages.success(
            request,
            _("%(household)s is no longer a member of %(seller)s.")
            % {"household": self.household.code, "seller": seller_name},
        )
        return HttpResponseRedirect(_detail_url(self.household))


class SellerListView(ListView):
    template_name = "farmers/register/seller_list.html"
    context_object_name = "sellers"

    def get_queryset(self):
        return selectors.seller_list()


class SellerMembersView(FormView):
    """A seller's member households; the team adds households here too."""

    template_name = "farmers/register/seller_members.html"
    form_class = forms.SellerMemberForm

    @cached_property
    def seller(self) -> Seller:
        return get_object_or_404(
            Seller.objects.select_related("partner"), pk=self.kwargs["seller_pk"]
        )

    def get_initial(self):
        return {"joined_on": timezone.localdate()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            seller=self.seller,
            memberships=selectors.seller_members(seller=self.seller),
            can_add=self.request.user.has_perm("farmers.add_membership"),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("farmers.add_membership"):
            raise PermissionDenied
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            services.membership_add(
                seller=self.seller,
                household=form.cleaned_data["household"],
                joined_on=form.cleaned_data["joined_on"],
            )
        except ValidationError as error:
            forms.add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(household)s is now a member of %(seller)s.")
            % {"household": form.cleaned_data["household"].code, "seller": self.seller.name},
        )
        return HttpResponseRedirect(
            reverse(
                "household-register:register-seller-members", kwargs={"seller_pk": self.seller.pk}
            )
        )


class HouseholdImportView(FormView):
    """Upload the town's household list and see every problem, or what it would change."""

    template_name = "farmers/register/household_import.html"
    form_class = forms.HouseholdSheetForm

    def form_valid(self, form):
        upload = form.cleaned_data["sheet"]
        content = upload.read()
        check = household_sheet_check(file_name=upload.name, content=content)
        if check.ok and (check.created or check.updated):
            pending_sheet_save(
                kind="households",
                owner_id=self.request.user.pk,
                sha256=check.sha256,
                content=content,
            )
        return self.render_to_response(self.get_context_data(form=form, check=check))


class HouseholdImportCommitView(TemplateView):
    """Import a previewed household list: every row or none."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        sha256 = request.POST.get("sha256", "")
        owner = {"kind": "households", "owner_id": request.user.pk, "sha256": sha256}
        content = pending_sheet_read(**owner)
        back = reverse("household-register:register-household-import")
        if content is None:
            messages.error(request, bilingual("请重新上传表格", "Upload the sheet again"))
            return HttpResponseRedirect(back)
        try:
            check = household_sheet_import(
                file_name=request.POST.get("file_name", "households")[:255], content=content
            )
        except HouseholdSheetRejected as rejected:
            for error in rejected.check.errors[:20]:
                messages.error(request, error.message)
            return HttpResponseRedirect(back)
        finally:
            pending_sheet_delete(**owner)
        messages.success(
            request,
            _("%(created)s households registered, %(updated)s updated, %(unchanged)s unchanged")
            % {
                "created": len(check.created),
                "updated": len(check.updated),
                "unchanged": len(check.unchanged),
            },
        )
        return HttpResponseRedirect(reverse("household-register:register-household-list"))
