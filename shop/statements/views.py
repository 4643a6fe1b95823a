"""The enterprise's statements (issue, list, download) and the public verification page."""

from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views import View
from django.views.generic import FormView, TemplateView

from shop.statements.forms import StatementForm
from shop.statements.pdf import statement_pdf
from shop.statements.selectors import enterprise_statement, enterprise_statements, statement_by_code
from shop.statements.services import StatementRefused, statement_issue
from shop.views.access import EnterpriseMemberMixin


class StatementListView(EnterpriseMemberMixin, FormView):
    template_name = "shop/statements/list.html"
    form_class = StatementForm

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["statements"] = enterprise_statements(enterprise=self.enterprise)[:100]
        return ctx

    def form_valid(self, form):
        try:
            statement = statement_issue(
                enterprise=self.enterprise,
                issued_by=self.request.user,
                **form.cleaned_data,
            )
        except StatementRefused as refused:
            form.add_error(None, str(refused))
            return self.form_invalid(form)
        return redirect("statements:statement-pdf", pk=statement.pk)


class StatementPdfView(EnterpriseMemberMixin, View):
    def get(self, request, pk):
        statement = enterprise_statement(enterprise=self.enterprise, pk=pk)
        verify_url = request.build_absolute_uri(
            reverse("statements:statement-verify", kwargs={"code": statement.verification_code})
        )
        pdf = statement_pdf(
            figures=statement.figures,
            verification_code=statement.verification_code,
            verify_url=verify_url,
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        filename = f"statement-{statement.period_from}-{statement.period_to}-{statement.pk}.pdf"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class StatementVerifyView(TemplateView):
    """Public: the figures of the statement with this code, or a 404 that says nothing."""

    template_name = "shop/statements/verify.html"

    def get_context_data(self, **kwargs):
        statement = statement_by_code(code=self.kwargs["code"])
        if statement is None:
            raise Http404
        return super().get_context_data(statement=statement, figures=statement.figures, **kwargs)
