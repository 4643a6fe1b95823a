"""Public settlement pages: the verification of a settlement slip (结算单) by its code."""

from django.http import Http404
from django.urls import path
from django.views.generic import TemplateView

from farmers.services.slips import slip_by_code


class SlipVerifyView(TemplateView):
    """Anyone holding the code sees the slip's figures (the household's own document)."""

    template_name = "farmers/slip_verify.html"

    def get_context_data(self, **kwargs):
        slip = slip_by_code(code=self.kwargs["code"])
        if slip is None:
            raise Http404
        return super().get_context_data(slip=slip, figures=slip.figures, **kwargs)


urlpatterns = [
    path("verify/slip/<str:code>/", SlipVerifyView.as_view(), name="settlement-slip-verify"),
]
