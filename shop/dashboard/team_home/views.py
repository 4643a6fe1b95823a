"""The work team's landing page at /dashboard/team/: today's figures, each linking to its report."""

from django.contrib.auth.mixins import UserPassesTestMixin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from farmers.team_dashboard.svg import Series, column_chart, yuan
from shop.dashboard.team_home.selectors import team_home
from shop.dashboard_access import team_home_access


class TeamHomeView(UserPassesTestMixin, TemplateView):
    template_name = "shop/dashboard/team_home.html"

    def test_func(self):
        return team_home_access(self.request.user)

    def get_context_data(self, **kwargs):
        home = team_home(today=timezone.localdate())
        chart = None
        if any(m.sales_amount for m in home.months):
            sales, income = _("Sales amount"), _("Household income")
            chart = column_chart(
                chart_id="chart-team-home",
                title=str(_("Sales and household income by month")),
                description="；".join(
                    f"{m.month:%Y-%m} {sales} {yuan(m.sales_amount)}，"
                    f"{income} {yuan(m.household_income)}"
                    for m in home.months
                ),
                categories=[f"{m.month:%y-%m}" for m in home.months],
                series=[
                    Series(str(sales), [m.sales_amount for m in home.months]),
                    Series(str(income), [m.household_income for m in home.months]),
                ],
            )
        month_query = f"date_from={home.month_start:%Y-%m-%d}&date_to={home.today:%Y-%m-%d}"
        return super().get_context_data(
            home=home, chart=chart, month_query=month_query, title=_("Work team"), **kwargs
        )
