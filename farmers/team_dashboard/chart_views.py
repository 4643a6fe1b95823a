"""The team's sales charts: by month, by village and the product mix, as inline SVG."""

from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from farmers.reports.charts import Share, sales_by_month, sales_shares
from farmers.reports.sales import DIMENSIONS
from farmers.team_dashboard.forms import ReportFilterForm
from farmers.team_dashboard.svg import Bar, Series, bar_chart, column_chart, yuan

TOP_VILLAGES = 12
TOP_PRODUCTS = 8


def _share_bars(shares: list[Share]) -> list[Bar]:
    return [Bar(s.label, s.amount, f"{yuan(s.amount)}（{s.percent}%）") for s in shares]


def _share_description(intro: str, shares: list[Share]) -> str:
    parts = [f"{s.label} {yuan(s.amount)}（{s.percent}%）" for s in shares]
    return f"{intro} " + "；".join(parts) if parts else intro


class SalesChartsView(TemplateView):
    """Monthly sales and household income, sales per village, and each product's share."""

    template_name = "farmers/team_dashboard/charts.html"

    def get_context_data(self, **kwargs):
        form = ReportFilterForm(self.request.GET or None)
        filters = form.filters()
        months = sales_by_month(filters=filters)
        villages = sales_shares(
            dimension="village",
            filters=filters,
            top=TOP_VILLAGES,
            rest_label=_("Other villages"),
        )
        products = sales_shares(
            dimension="product",
            filters=filters,
            top=TOP_PRODUCTS,
            rest_label=_("Other products"),
        )
        charts = {}
        if months:
            sales_name, income_name = _("Sales amount"), _("Household income")
            charts["monthly"] = column_chart(
                chart_id="chart-monthly",
                title=_("Sales and household income by month"),
                description=_("Per month: sales amount and household income.")
                + " "
                + "；".join(
                    f"{m.month:%Y-%m} {sales_name} {yuan(m.sales_amount)}，"
                    f"{income_name} {yuan(m.household_income)}"
                    for m in months
                ),
                categories=[f"{m.month:%Y-%m}" for m in months],
                series=[
                    Series(sales_name, [m.sales_amount for m in months]),
                    Series(income_name, [m.household_income for m in months]),
                ],
            )
        if villages:
            charts["villages"] = bar_chart(
                chart_id="chart-villages",
                title=_("Sales by village"),
                description=_share_description(_("Sales amount per village:"), villages),
                bars=_share_bars(villages),
            )
        if products:
            charts["products"] = bar_chart(
                chart_id="chart-products",
                title=_("Product mix"),
                description=_share_description(_("Each product's share of sales:"), products),
                bars=_share_bars(products),
            )
        query = self.request.GET.copy()
        query.pop("sort", None)
        return super().get_context_data(
            form=form,
            charts=charts,
            months=months,
            villages=villages,
            products=products,
            title=_("Sales charts"),
            dimension="charts",
            dimensions=DIMENSIONS.values(),
            filter_query=query.urlencode(),
            **kwargs,
        )
