"""The seller's settlement pages: balances, payee details, payout batches, surplus, slips.

Every view starts from ``settlement_sellers_for_user`` (the partner's staff;
the work team for the town assistance shop): another seller's batch, line or
household answers 404 and changes nothing. Views parse input and call one
service; a ``SettlementError`` comes back as a message naming the field.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from farmers.errors import SettlementError
from farmers.models import (
    Household,
    Lot,
    Payee,
    PayeeChange,
    PayoutBatch,
    PayoutLine,
    SettlementSlip,
    SettlementTerms,
    SurplusReturn,
)
from farmers.reports.settlement import seller_household_balances, settlement_sellers_for_user
from farmers.reports.slip_pdf import slip_pdf
from farmers.selectors import lots_for_user
from farmers.seller_dashboard import settlement_forms as forms
from farmers.services import payouts
from farmers.services.settlement import lot_unsold_dispose, payee_set, settlement_terms_set
from farmers.services.slips import slip_issue
from farmers.services.surplus import surplus_return_confirm, surplus_return_create


def _refuse(request, error: SettlementError) -> None:
    messages.error(request, error.message)
    for problem in error.problems[:50]:
        messages.error(request, problem)


def _settlement_url(seller) -> str:
    return reverse("seller-dashboard:seller-settlement", kwargs={"pk": seller.pk})


class SellerMixin:
    """The seller in the URL, if this user runs its payouts."""

    def dispatch(self, request, *args, **kwargs):
        self.sellers = settlement_sellers_for_user(user=request.user)
        self.seller = get_object_or_404(self.sellers, pk=kwargs["pk"])
        self.load(**kwargs)
        return super().dispatch(request, *args, **kwargs)

    def load(self, **kwargs) -> None:
        """Look up the other objects in the URL, within the seller."""

    def get_context_data(self, **kwargs):
        return super().get_context_data(seller=self.seller, sellers=self.sellers, **kwargs)

    def member(self, household_pk) -> Household:
        rows = Household.objects.filter(memberships__seller=self.seller) | Household.objects.filter(
            payout_lines__seller=self.seller
        )
        return get_object_or_404(rows.distinct(), pk=household_pk)


class SettlementIndexView(View):
    """The first of the user's sellers (most have one)."""

    def get(self, request):
        seller = settlement_sellers_for_user(user=request.user).first()
        if seller is None:
            raise Http404
        return redirect(_settlement_url(seller))


class SettlementView(SellerMixin, TemplateView):
    template_name = "farmers/seller_dashboard/settlement.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        rows = seller_household_balances(seller=self.seller)
        for row in rows:
            row.age = row.age_days(today)
        stock_records = self.seller.partner.stockrecords.select_related("product")
        return super().get_context_data(
            rows=rows,
            total_balance=sum(r.balance.balance for r in rows),
            batches=self.seller.payout_batches.all()[:20],
            terms=SettlementTerms.objects.filter(seller=self.seller).select_related(
                "stock_record__product"
            ),
            terms_form=forms.TermsForm(stock_records=stock_records),
            batch_form=forms.BatchCreateForm(),
            surplus_form=forms.SurplusForm(initial={"year": today.year - 1, "share_percent": 60}),
            surplus_returns=self.seller.surplus_returns.prefetch_related("allocations__household"),
            slip_from=today.replace(day=1),
            today=today,
            **kwargs,
        )


class TermsSetView(SellerMixin, View):
    def post(self, request, pk):
        stock_records = self.seller.partner.stockrecords.select_related("product")
        form = forms.TermsForm(request.POST, stock_records=stock_records)
        if not form.is_valid():
            messages.error(request, form.errors.as_text())
            return redirect(_settlement_url(self.seller))
        chosen = form.cleaned_data["stock_record"]
        try:
            settlement_terms_set(
                seller=self.seller,
                terms=form.cleaned_data["terms"],
                effective_from=form.cleaned_data["effective_from"],
                stock_record=stock_records.get(pk=chosen) if chosen else None,
                set_by=request.user,
            )
        except SettlementError as error:
            _refuse(request, error)
        else:
            messages.success(request, _("Settlement terms saved"))
        return redirect(_settlement_url(self.seller))


class BatchCreateView(SellerMixin, View):
    def post(self, request, pk):
        form = forms.BatchCreateForm(request.POST)
        form.is_valid()
        chosen = request.POST.getlist("households")
        if request.POST.get("scope") == "chosen" and not chosen:
            messages.error(
                request, "请至少选择一户 / Households: choose at least one household to pay"
            )
            return redirect(_settlement_url(self.seller))
        if any(not value.isdigit() for value in chosen):
            raise PermissionDenied
        try:
            created = payouts.payout_batch_create(
                seller=self.seller,
                household_ids=[int(v) for v in chosen]
                if request.POST.get("scope") == "chosen"
                else None,
                purpose=form.cleaned_data.get("purpose", ""),
                created_by=request.user,
            )
        except SettlementError as error:
            _refuse(request, error)
            return redirect(_settlement_url(self.seller))
        messages.success(
            request,
            _("Payout batch %(pk)s created: %(lines)s households, ¥%(total)s")
            % {"pk": created.batch.pk, "lines": created.lines, "total": created.total},
        )
        if created.without_payee:
            messages.warning(
                request,
                _("Left out, no payee details: %(codes)s")
                % {"codes": ", ".join(h.code for h in created.without_payee)},
            )
        return redirect(
            "seller-dashboard:seller-batch", pk=self.seller.pk, batch_pk=created.batch.pk
        )


class BatchMixin(SellerMixin):
    def load(self, **kwargs) -> None:
        self.batch = get_object_or_404(PayoutBatch, pk=kwargs["batch_pk"], seller=self.seller)

    def batch_url(self) -> str:
        return reverse(
            "seller-dashboard:seller-batch",
            kwargs={"pk": self.seller.pk, "batch_pk": self.batch.pk},
        )

    def line(self, line_pk) -> PayoutLine:
        return get_object_or_404(PayoutLine, pk=line_pk, batch=self.batch)


class BatchDetailView(BatchMixin, TemplateView):
    template_name = "farmers/seller_dashboard/payout_batch.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            batch=self.batch,
            lines=self.batch.lines.select_related("household__village", "reversal"),
            figures={
                PayoutLine.Status(status).label: figure
                for status, figure in payouts.batch_figures(self.batch).items()
            },
            result_form=forms.ResultFileForm(),
            **kwargs,
        )


class BankFileView(BatchMixin, View):
    def get(self, request, pk, batch_pk, file_format):
        try:
            name, content_type, content = payouts.payout_bank_file(
                batch=self.batch, file_format=file_format, user=request.user
            )
        except SettlementError as error:
            raise Http404 from error
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["Cache-Control"] = "no-store"
        return response


class ResultUploadView(BatchMixin, View):
    def post(self, request, pk, batch_pk):
        form = forms.ResultFileForm(request.POST, request.FILES)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect(self.batch_url())
        upload = form.cleaned_data["result"]
        try:
            applied = payouts.payout_result_apply(
                batch=self.batch,
                file_name=upload.name,
                content=upload.read(),
                settled_by=request.user,
            )
        except SettlementError as error:
            _refuse(request, error)
            return redirect(self.batch_url())
        messages.success(
            request,
            _("Result file applied: %(ok)s paid, %(failed)s failed")
            % {"ok": applied.confirmed, "failed": applied.failed},
        )
        if applied.unmatched:
            messages.warning(
                request,
                _("Not in the file, still pending: %(lines)s")
                % {
                    "lines": ", ".join(
                        f"{line.position} {line.payee_name} ¥{line.amount}"
                        for line in applied.unmatched
                    )
                },
            )
        return redirect(self.batch_url())


class LineActionView(BatchMixin, View):
    """Confirm with a reference, confirm cash with a receipt photo, fail, or reverse one line."""

    def post(self, request, pk, batch_pk, line_pk, action):
        line = self.line(line_pk)
        try:
            if action == "confirm":
                payouts.payout_line_confirm(
                    line=line, reference=request.POST.get("reference", ""), settled_by=request.user
                )
            elif action == "cash":
                payouts.payout_line_confirm_cash(
                    line=line, receipt=request.FILES.get("receipt"), settled_by=request.user
                )
            elif action == "fail":
                payouts.payout_line_fail(
                    line=line, reason=request.POST.get("reason", ""), settled_by=request.user
                )
            elif action == "reverse":
                payouts.payout_line_reverse(
                    line=line, reason=request.POST.get("reason", ""), reversed_by=request.user
                )
            else:
                raise Http404
        except SettlementError as error:
            _refuse(request, error)
        else:
            messages.success(request, _("Line %(n)s saved") % {"n": line.position})
        return redirect(self.batch_url())


class ReceiptView(BatchMixin, View):
    def get(self, request, pk, batch_pk, line_pk):
        line = self.line(line_pk)
        if not line.receipt:
            raise Http404
        response = FileResponse(line.receipt.open("rb"))
        response["Cache-Control"] = "no-store"
        return response


class PayeeView(SellerMixin, TemplateView):
    template_name = "farmers/seller_dashboard/payee.html"

    def get_context_data(self, **kwargs):
        household = self.member(self.kwargs["household_pk"])
        payee = Payee.objects.filter(household=household).first()
        initial = (
            {"method": payee.method, "holder_name": payee.holder_name, "bank_name": payee.bank_name}
            if payee
            else {"holder_name": household.head_name}
        )
        kwargs.setdefault("form", forms.PayeeForm(initial=initial))
        return super().get_context_data(
            household=household,
            payee=payee,
            changes=PayeeChange.objects.filter(household=household).select_related("changed_by")[
                :50
            ],
            **kwargs,
        )

    def post(self, request, pk, household_pk):
        household = self.member(household_pk)
        form = forms.PayeeForm(request.POST)
        if form.is_valid():
            try:
                payee_set(household=household, changed_by=request.user, **form.cleaned_data)
            except SettlementError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, _("Payee details saved"))
                return redirect(_settlement_url(self.seller))
        return self.render_to_response(self.get_context_data(form=form))


class SurplusCreateView(SellerMixin, View):
    def post(self, request, pk):
        form = forms.SurplusForm(request.POST)
        if not form.is_valid():
            for field, errors in form.errors.items():
                for error in errors:
                    messages.error(request, f"{form.fields[field].label}: {error}")
            return redirect(_settlement_url(self.seller) + "#surplus")
        try:
            surplus_return_create(seller=self.seller, created_by=request.user, **form.cleaned_data)
        except SettlementError as error:
            _refuse(request, error)
        else:
            messages.success(request, _("Surplus return drafted: check the working, then confirm"))
        return redirect(_settlement_url(self.seller) + "#surplus")


class SurplusConfirmView(SellerMixin, View):
    def post(self, request, pk, surplus_pk):
        surplus_return = get_object_or_404(SurplusReturn, pk=surplus_pk, seller=self.seller)
        try:
            batch = surplus_return_confirm(surplus_return=surplus_return, confirmed_by=request.user)
        except SettlementError as error:
            _refuse(request, error)
            return redirect(_settlement_url(self.seller) + "#surplus")
        messages.success(request, _("Surplus return confirmed; its payout batch is ready"))
        return redirect("seller-dashboard:seller-batch", pk=self.seller.pk, batch_pk=batch.pk)


class SlipCreateView(SellerMixin, View):
    def post(self, request, pk):
        form = forms.SlipForm(request.POST)
        if not form.is_valid():
            messages.error(request, form.errors.as_text())
            return redirect(_settlement_url(self.seller))
        household = self.member(form.cleaned_data["household"])
        try:
            slip = slip_issue(
                household=household,
                seller=self.seller,
                period_from=form.cleaned_data["period_from"],
                period_to=form.cleaned_data["period_to"],
                issued_by=request.user,
            )
        except SettlementError as error:
            _refuse(request, error)
            return redirect(_settlement_url(self.seller))
        return redirect("seller-dashboard:seller-slip-pdf", pk=self.seller.pk, slip_pk=slip.pk)


def slip_response(request, slip: SettlementSlip) -> HttpResponse:
    verify_url = request.build_absolute_uri(
        reverse("settlement-slip-verify", kwargs={"code": slip.verification_code})
    )
    pdf = slip_pdf(
        figures=slip.figures, verification_code=slip.verification_code, verify_url=verify_url
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"slip-{slip.figures['household_code']}-{slip.period_from}-{slip.period_to}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class SlipPdfView(SellerMixin, View):
    def get(self, request, pk, slip_pk):
        return slip_response(
            request, get_object_or_404(SettlementSlip, pk=slip_pk, seller=self.seller)
        )


class DisposeView(TemplateView):
    """Unsold units of one of the user's lots, returned to the household or written off."""

    template_name = "farmers/seller_dashboard/dispose.html"

    def lot(self) -> Lot:
        return get_object_or_404(lots_for_user(user=self.request.user), pk=self.kwargs["lot_pk"])

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", forms.DisposeForm())
        return super().get_context_data(lot=self.lot(), **kwargs)

    def post(self, request, lot_pk):
        form = forms.DisposeForm(request.POST)
        lot = self.lot()
        if form.is_valid():
            try:
                lot_unsold_dispose(lot=lot, recorded_by=request.user, **form.cleaned_data)
            except SettlementError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, _("Recorded"))
                return redirect("seller-dashboard:seller-lot-list")
        return self.render_to_response(self.get_context_data(form=form))
