"""The seller's dashboard: stock, lots, intake, stock-take, adjustments, members, imports.

Every view starts from the user's own sellers (farmers.selectors); another
seller's stock record, lot or household answers 404 (in the URL) or 403 (in a
form) and changes nothing. Views parse input and call one service.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView, TemplateView

from farmers.errors import SupplyError
from farmers.models import Household, Lot, Seller
from farmers.selectors import (
    adjustments_for_user,
    lots_for_user,
    member_households,
    sellers_for_user,
    stock_records_for_user,
)
from farmers.seller_dashboard.forms import (
    AdjustmentForm,
    IntakeForm,
    LotSheetForm,
    StockTakeForm,
    ThresholdForm,
)
from farmers.services.lot_import import SheetRejected, lot_sheet_check, lot_sheet_import
from farmers.services.pending_sheets import (
    pending_sheet_delete,
    pending_sheet_read,
    pending_sheet_save,
)
from farmers.services.stock import lot_receive, stock_adjust, stock_take
from farmers.services.thresholds import threshold_set
from security.uploads import megabytes
from texts.bilingual import bilingual


def refuse_foreign_choice(form, field: str, model: type[Model]) -> None:
    """A choice that exists but is not the user's to make is a 403, not a form error."""
    if field in form.errors:
        raw = form.data.get(form.add_prefix(field), "")
        if str(raw).isdigit() and model.objects.filter(pk=raw).exists():
            raise PermissionDenied


class StockRecordMixin:
    """The stock record in the URL, if it is one of the user's sellers'."""

    def dispatch(self, request, *args, **kwargs):
        self.stock_record = get_object_or_404(
            stock_records_for_user(user=request.user), pk=kwargs["pk"]
        )
        self.seller = self.stock_record.partner.seller
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(stock_record=self.stock_record, **kwargs)

    def get_success_url(self):
        return reverse("seller-dashboard:seller-stock-detail", kwargs={"pk": self.stock_record.pk})

    def refuse(self, form, error: SupplyError):
        field = error.field if error.field in form.fields else None
        form.add_error(field, error.message)
        return self.form_invalid(form)


class StockListView(ListView):
    template_name = "farmers/seller_dashboard/stock_list.html"
    context_object_name = "stock_records"

    def get_queryset(self):
        return stock_records_for_user(user=self.request.user)

    def get_context_data(self, **kwargs):
        records = list(self.object_list)
        return super().get_context_data(
            sellers=sellers_for_user(user=self.request.user),
            low_stock=sorted((r for r in records if r.is_low), key=lambda r: r.available),
            **kwargs,
        )


class StockDetailView(StockRecordMixin, TemplateView):
    template_name = "farmers/seller_dashboard/stock_detail.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            lots=lots_for_user(user=self.request.user, stock_record=self.stock_record)[:100],
            adjustments=adjustments_for_user(
                user=self.request.user, stock_record=self.stock_record
            )[:50],
            **kwargs,
        )


class IntakeView(StockRecordMixin, FormView):
    template_name = "farmers/seller_dashboard/intake.html"
    form_class = IntakeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "seller": self.seller}

    def form_invalid(self, form):
        refuse_foreign_choice(form, "household", Household)
        return super().form_invalid(form)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            lot = lot_receive(
                stock_record=self.stock_record,
                household=data["household"],
                units=data["units"],
                received_on=data["received_on"],
                farmgate_amount=data["farmgate_amount"],
                farmgate_unit_price=data["farmgate_unit_price"],
                trace_code=data["trace_code"],
                certificate_number=data["certificate_number"],
                recorded_by=self.request.user,
            )
        except SupplyError as error:
            return self.refuse(form, error)
        messages.success(
            self.request,
            _("Lot %(code)s recorded: %(units)s units from %(name)s")
            % {
                "code": lot.trace_code,
                "units": lot.units_received,
                "name": lot.household.head_name,
            },
        )
        return redirect(self.get_success_url())


class StockTakeView(StockRecordMixin, FormView):
    template_name = "farmers/seller_dashboard/stocktake.html"
    form_class = StockTakeForm

    def form_valid(self, form):
        try:
            adjustment = stock_take(
                stock_record=self.stock_record,
                counted_units=form.cleaned_data["counted_units"],
                note=form.cleaned_data["note"],
                recorded_by=self.request.user,
            )
        except SupplyError as error:
            return self.refuse(form, error)
        messages.success(
            self.request,
            _("Stock-take recorded: %(units)s units now (%(delta)+d)")
            % {"units": adjustment.counted_units, "delta": adjustment.delta},
        )
        return redirect(self.get_success_url())


class AdjustmentView(StockRecordMixin, FormView):
    template_name = "farmers/seller_dashboard/adjust.html"
    form_class = AdjustmentForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "stock_record": self.stock_record}

    def form_invalid(self, form):
        refuse_foreign_choice(form, "lot", Lot)
        return super().form_invalid(form)

    def form_valid(self, form):
        data = form.cleaned_data
        lot = data["lot"]
        try:
            stock_adjust(
                stock_record=self.stock_record,
                reason=data["reason"],
                units=data["units"],
                lots={lot.pk: data["units"]} if lot else None,
                note=data["note"],
                recorded_by=self.request.user,
            )
        except SupplyError as error:
            return self.refuse(form, error)
        messages.success(self.request, _("Adjustment recorded"))
        return redirect(self.get_success_url())


class ThresholdView(StockRecordMixin, FormView):
    template_name = "farmers/seller_dashboard/threshold.html"
    form_class = ThresholdForm

    def get_initial(self):
        return {"low_stock_threshold": self.stock_record.low_stock_threshold}

    def form_valid(self, form):
        threshold_set(
            stock_record=self.stock_record,
            threshold=form.cleaned_data["low_stock_threshold"],
        )
        messages.success(self.request, _("Low-stock threshold saved"))
        return redirect(self.get_success_url())


class SellerThresholdView(FormView):
    template_name = "farmers/seller_dashboard/threshold.html"
    form_class = ThresholdForm

    def dispatch(self, request, *args, **kwargs):
        self.seller = get_object_or_404(sellers_for_user(user=request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"low_stock_threshold": self.seller.low_stock_threshold}

    def get_context_data(self, **kwargs):
        return super().get_context_data(seller=self.seller, **kwargs)

    def form_valid(self, form):
        threshold_set(seller=self.seller, threshold=form.cleaned_data["low_stock_threshold"])
        messages.success(self.request, _("Low-stock threshold saved"))
        return redirect("seller-dashboard:seller-stock-list")


class LotListView(ListView):
    template_name = "farmers/seller_dashboard/lot_list.html"
    context_object_name = "lots"
    paginate_by = 50

    def get_queryset(self):
        return lots_for_user(user=self.request.user)


class AdjustmentListView(ListView):
    template_name = "farmers/seller_dashboard/adjustment_list.html"
    context_object_name = "adjustments"
    paginate_by = 50

    def get_queryset(self):
        return adjustments_for_user(user=self.request.user)


class MemberListView(TemplateView):
    template_name = "farmers/seller_dashboard/member_list.html"

    def get_context_data(self, **kwargs):
        sellers = [
            (seller, member_households(seller=seller))
            for seller in sellers_for_user(user=self.request.user)
        ]
        return super().get_context_data(sellers=sellers, **kwargs)


class LotImportView(FormView):
    """Upload a lot sheet and see every problem, or a summary to confirm."""

    template_name = "farmers/seller_dashboard/lot_import.html"
    form_class = LotSheetForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "sellers": sellers_for_user(user=self.request.user)}

    def form_invalid(self, form):
        refuse_foreign_choice(form, "seller", Seller)
        return super().form_invalid(form)

    def form_valid(self, form):
        seller = form.cleaned_data["seller"]
        upload = form.cleaned_data["sheet"]
        limit = settings.TAIBAO_IMPORT_MAX_BYTES
        if upload.size > limit:
            form.add_error(
                "sheet",
                bilingual(  # bad input is named in both languages, whatever the page's
                    f"文件超过 {megabytes(limit)} MB 上限",
                    f"The file is over the {megabytes(limit)} MB limit",
                ),
            )
            return self.form_invalid(form)
        content = upload.read()
        check = lot_sheet_check(seller=seller, file_name=upload.name, content=content)
        if check.ok:  # kept privately until confirmed, refused, or an hour old
            pending_sheet_save(
                kind="lots", owner_id=seller.pk, sha256=check.sha256, content=content
            )
        return self.render_to_response(self.get_context_data(form=form, check=check, seller=seller))


class LotImportCommitView(FormView):
    """Import a previewed sheet: all rows or none."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        seller = get_object_or_404(
            sellers_for_user(user=request.user), pk=request.POST.get("seller")
        )
        sha256 = request.POST.get("sha256", "")
        content = pending_sheet_read(kind="lots", owner_id=seller.pk, sha256=sha256)
        if content is None:
            messages.error(request, bilingual("请重新上传表格", "Upload the sheet again"))
            return redirect("seller-dashboard:seller-lot-import")
        try:
            batch = lot_sheet_import(
                seller=seller,
                file_name=request.POST.get("file_name", "sheet")[:255],
                content=content,
                imported_by=request.user,
            )
        except SheetRejected as rejected:
            for error in rejected.check.errors[:20]:
                messages.error(request, error.message)
            return redirect("seller-dashboard:seller-lot-import")
        finally:
            pending_sheet_delete(kind="lots", owner_id=seller.pk, sha256=sha256)
        messages.success(request, _("%(rows)s lots imported") % {"rows": batch.rows})
        return redirect("seller-dashboard:seller-lot-list")
