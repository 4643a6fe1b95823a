import datetime
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from farmers.models import AttributionShortfall, PayoutBatch
from farmers.reports.monitored import monitored_households_income
from farmers.reports.sales import DIMENSIONS, sales_report_page, sales_totals
from farmers.reports.settlement import balances_by_household, team_settlement
from farmers.team_dashboard.forms import ReportFilterForm
from outbox.services import outbox_stuck

PER_PAGE = 50

# (key, heading, kind): kind tells the template how to show the value.
HOUSEHOLD_COLUMNS = [
    ("label", _("Household"), "household"),
    ("village", _("Village"), "text"),
    ("category", _("Monitoring category"), "text"),
]
MEASURE_COLUMNS = [
    ("units", _("Units"), "int"),
    ("sales_amount", _("Sales amount"), "money"),
    ("household_income", _("Household income"), "money"),
    ("orders", _("Orders"), "int"),
    ("households", _("Households"), "int"),
    ("last_sale", _("Last sale"), "date"),
]
SORTABLE = {
    "label",
    "units",
    "sales_amount",
    "household_income",
    "orders",
    "households",
    "last_sale",
}


def report_columns(dimension: str) -> list[tuple[str, str, str]]:
    if dimension == "household":
        return [*HOUSEHOLD_COLUMNS, *(c for c in MEASURE_COLUMNS if c[0] != "households")]
    return [("label", DIMENSIONS[dimension].heading, "text"), *MEASURE_COLUMNS]


class ReconciliationView(TemplateView):
    """What the pipeline could not finish by itself: shortfalls and stuck messages."""

    template_name = "farmers/team_dashboard/reconciliation.html"

    def get_context_data(self, **kwargs):
        stuck_after = datetime.timedelta(minutes=settings.RECONCILE_SETTLE_MINUTES)
        return super().get_context_data(
            shortfalls=AttributionShortfall.objects.filter(resolved_at__isnull=True).select_related(
                "line__order", "line__partner"
            )[:200],
            stuck=outbox_stuck(older_than=stuck_after)[:200],
            stuck_minutes=settings.RECONCILE_SETTLE_MINUTES,
            **kwargs,
        )


class SalesReportView(TemplateView):
    """Sales per household / village / seller / product (or a dimension registered from
    above, such as enterprise), filtered, sorted, paged."""

    template_name = "farmers/team_dashboard/sales.html"
    dimension = "household"

    def get_context_data(self, **kwargs):
        form = ReportFilterForm(self.request.GET or None)
        filters = form.filters()
        sort = form.sort_value()
        totals = sales_totals(filters=filters)
        page = sales_report_page(
            dimension=self.dimension,
            filters=filters,
            sort=sort,
            page=self.request.GET.get("page") or 1,
            per_page=PER_PAGE,
            households=totals["households"],
        )
        query = self.request.GET.copy()
        query.pop("page", None)
        query.pop("sort", None)
        columns = []
        for key, heading, kind in report_columns(self.dimension):
            columns.append(
                {
                    "key": key,
                    "heading": heading,
                    "kind": kind,
                    "sortable": key in SORTABLE,
                    "sorted": sort.lstrip("-") == key,
                    "descending": sort.startswith("-"),
                    "next_sort": key if sort == f"-{key}" else f"-{key}",
                }
            )
        table_rows = [
            [
                {
                    "kind": kind,
                    "value": row.get(key),
                    "pk": row["key"],
                    "name": row.get("head_name", ""),
                }
                for key, _heading, kind in report_columns(self.dimension)
            ]
            for row in page.rows
        ]
        page_query = self.request.GET.copy()
        page_query.pop("page", None)
        return super().get_context_data(
            form=form,
            report=page,
            title=DIMENSIONS[self.dimension].title,
            dimension=self.dimension,
            columns=columns,
            table_rows=table_rows,
            totals=totals,
            filter_query=query.urlencode(),
            page_query=page_query.urlencode(),
            dimensions=DIMENSIONS.values(),
            **kwargs,
        )


class MonitoredHouseholdsView(TemplateView):
    """Monitored households' platform income over 30 / 90 / 365 days, the quiet ones flagged."""

    template_name = "farmers/team_dashboard/monitored.html"

    def get_context_data(self, **kwargs):
        threshold = Decimal(str(settings.TAIBAO_MONITORED_MIN_INCOME_30D))
        form = ReportFilterForm(self.request.GET or None)
        village = form.filters().village_id
        rows = monitored_households_income(threshold=threshold, village_id=village)
        today = timezone.localdate()
        overdue_days = settings.TAIBAO_PAYOUT_OVERDUE_DAYS
        unpaid = balances_by_household(household_ids=[row.pk for row in rows])
        settled = []
        for row in rows:
            balance = unpaid.get(row.pk)
            age = balance.age_days(today) if balance and balance.balance > 0 else None
            settled.append((row, balance, age, age is not None and age > overdue_days))
        return super().get_context_data(
            form=form,
            rows=settled,
            threshold=threshold,
            flagged=sum(1 for row in rows if row.flagged),
            overdue=sum(1 for *_rest, late in settled if late),
            overdue_days=overdue_days,
            **kwargs,
        )


class SettlementView(TemplateView):
    """农户结算 for the team: every household's unpaid balance and its age; all sellers' batches."""

    template_name = "farmers/team_dashboard/settlement.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        overdue_days = settings.TAIBAO_PAYOUT_OVERDUE_DAYS
        summary = team_settlement(today=today, overdue_days=overdue_days)
        for row in [*summary.rows, *summary.overdue_monitored]:
            row.age = row.age_days(today)
        return super().get_context_data(
            summary=summary,
            overdue_days=overdue_days,
            batches=PayoutBatch.objects.select_related("seller__partner")[:50],
            **kwargs,
        )
