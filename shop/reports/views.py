from django.utils import timezone
from django.views.generic import TemplateView

from shop.reports.pledges import pledge_year, pledges_progress


class PledgesView(TemplateView):
    """Each pairing agreement: this year's purchases against its pledge."""

    template_name = "shop/reports/pledges.html"

    def get_context_data(self, **kwargs):
        year = pledge_year(self.request.GET.get("year")) or timezone.localdate().year
        return super().get_context_data(rows=pledges_progress(year=year), year=year, **kwargs)
