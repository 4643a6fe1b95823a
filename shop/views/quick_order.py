"""Quick order: check a pasted list or a purchase-list file, then add the rows the buyer ticks."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView

from security.replay import safe_to_repeat
from shop.forms import QuickOrderForm
from shop.selectors import membership_of, paired_village_ids, products_paired_first
from shop.services.quick_order import (
    PurchaseListError,
    QuickOrderRefused,
    purchase_list_parse_text,
    purchase_list_read_sheet,
    quick_order_add,
    quick_order_check,
)


@safe_to_repeat  # checked: its effects are basket rows and the session, both in the database
class QuickOrderView(FormView):
    template_name = "shop/quick_order.html"
    form_class = QuickOrderForm

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        membership = membership_of(user=self.request.user)
        ctx["enterprise"] = membership.enterprise if membership else None
        ctx["price_list"] = products_paired_first(enterprise=ctx["enterprise"])
        for product in ctx["price_list"]:
            records = product.stockrecords.all()
            product.quick_stockrecord = records[0] if records else None
            product.quick_terms = self.request.strategy.terms_for(records[0]) if records else None
        return ctx

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "add":
            return self.add_chosen(request)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        purchase_list = None
        try:
            if form.cleaned_data.get("purchase_list"):
                upload = form.cleaned_data["purchase_list"]
                # never read more than one byte past the limit: that is enough to refuse it
                content = upload.read(settings.TAIBAO_QUICK_ORDER_MAX_BYTES + 1)
                purchase_list = purchase_list_read_sheet(name=upload.name, content=content)
                rows = purchase_list.rows
            else:
                rows = purchase_list_parse_text(text=form.cleaned_data["lines"])
        except PurchaseListError as refused:
            form.add_error(None, str(refused))
            return self.form_invalid(form)
        membership = membership_of(user=self.request.user)
        check = quick_order_check(
            rows=rows,
            strategy=self.request.strategy,
            basket=self.request.basket,
            paired_village_ids=paired_village_ids(
                enterprise=membership.enterprise if membership else None
            ),
        )
        return self.render_to_response(
            self.get_context_data(form=form, check=check, purchase_list=purchase_list)
        )

    def add_chosen(self, request):
        chosen = request.POST.getlist("choose")
        items, numbers = [], []
        for row_number in chosen:
            sku = request.POST.get(f"sku_{row_number}", "")
            quantity = request.POST.get(f"quantity_{row_number}", "")
            group = request.POST.get(f"group_{row_number}", "").strip()[:100]
            try:
                items.append((sku, int(quantity), group))
                numbers.append(int(row_number))
            except ValueError:
                messages.error(
                    request, _("Row %s could not be read; check the list again.") % row_number
                )
                return redirect("shop:quick-order")
        if not items:
            messages.warning(request, _("Nothing was added: tick the rows you want."))
            return redirect("shop:quick-order")
        try:
            added = quick_order_add(
                basket=request.basket, items=items, strategy=request.strategy, row_numbers=numbers
            )
        except QuickOrderRefused as refused:
            for error in refused.errors:
                messages.error(request, str(error))
            messages.error(request, _("Nothing was added to the basket."))
            return redirect("shop:quick-order")
        messages.success(
            request,
            _("%(lines)d lines (%(units)d units) added to your basket.")
            % {"lines": added.lines, "units": added.units},
        )
        return redirect("basket:summary")
