"""Sales per household, village, seller and product: the ledger summed with GROUP BY.

Apps above farmers add their own ways of grouping with
:func:`dimension_register` (the shop adds sales per enterprise); farmers
itself knows nothing of who bought. Each report groups the filtered ledger by one key and sums units, sales
amount and household income; it counts the orders (and, except per
household, the households) and finds the last sale. Rows are plain dicts so
the page, the exports and the charts read the same figures.
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import Count, F, Max, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from farmers.models import Household, MonitoringPeriod
from farmers.reports.ledger import (
    ReportFilters,
    ledger_rows,
    reach_rows,
    summary_applies,
    summary_rows,
)
from money.split import from_fen

ZERO = Decimal("0.00")
SALE = Q(kind="sale")


@dataclass(frozen=True)
class Dimension:
    """One way of grouping the ledger: its key, its label and the columns it adds."""

    key: str
    title: str
    group_by: str  # ledger field whose value identifies a row
    label: str | None  # ledger field giving the row's name (Max over the group), or None
    counts_households: bool = True
    heading: str = ""  # the heading of the row's name column (pages and exports)


DIMENSIONS: dict[str, Dimension] = {
    d.key: d
    for d in [
        Dimension("household", _("Sales per household"), "household_id", None, False),
        Dimension(
            "village",
            _("Sales per village"),
            "household__village_id",
            "household__village__name",
            heading=_("Village"),
        ),
        Dimension(
            "seller",
            _("Sales per seller"),
            "line__partner_id",
            "line__partner_name",
            heading=_("Seller"),
        ),
        Dimension(
            "product",
            _("Sales per product"),
            "line__product_id",
            "line__title",
            heading=_("Product"),
        ),
    ]
}


def dimension_register(dimension: Dimension) -> None:
    """Add a way of grouping the ledger, from an app above farmers (once, in its ``ready()``).

    Its page, its export and its tab on the team's pages follow from it.
    """
    DIMENSIONS[dimension.key] = dimension


MEASURES = ("units", "sales_amount", "household_income", "orders", "households", "last_sale")
SORTS = (*MEASURES, "label")
DEFAULT_SORT = "-sales_amount"


def _measures(dimension: Dimension) -> dict:
    measures = {
        "units": Sum("units"),
        "sales_amount": Sum("sales_amount"),
        "household_income": Sum("household_income"),
        "orders": Count("line__order_id", distinct=True, filter=SALE),
        "last_sale": Max("created_at", filter=SALE),
    }
    if dimension.counts_households:
        measures["households"] = Count("household_id", distinct=True)
    if dimension.label:
        measures["label"] = Max(dimension.label)
    return measures


def _ordering(dimension: Dimension, sort: str) -> list[str]:
    name = sort.lstrip("-")
    if name not in SORTS or (name == "households" and not dimension.counts_households):
        sort, name = DEFAULT_SORT, DEFAULT_SORT.lstrip("-")
    if name == "label" and dimension.key == "household":
        return ["-key" if sort.startswith("-") else "key"]  # household ids follow registration
    return [sort, "key"]


def sales_grouped(*, dimension: str, filters: ReportFilters, sort: str = DEFAULT_SORT):
    """The filtered ledger grouped by one dimension: a queryset of dicts, sorted.

    Per household over whole months, the monthly summary answers (the same
    figures, a fraction of the rows); otherwise the ledger itself.
    """
    dim = DIMENSIONS[dimension]
    if dim.key == "household" and summary_applies(filters):
        return SummedInFen(
            summary_rows(filters=filters)
            .values(key=F("household_id"))
            .annotate(
                units=Sum("units"),
                sales_amount=Sum("sales_fen"),  # in fen until read: sorts the same
                household_income=Sum("income_fen"),
                orders=Sum("orders"),
                last_sale=Max("last_sale_at"),
            )
            .order_by(*_ordering(dim, sort)),
        )
    return (
        ledger_rows(filters=filters)
        .values(key=F(dim.group_by))
        .annotate(**_measures(dim))
        .order_by(*_ordering(dim, sort))
    )


class SummedInFen:
    """Grouped summary rows whose amounts are summed in whole fen, read as yuan.

    Pages and iterates like the queryset it wraps (``Paginator`` takes it).
    """

    def __init__(self, queryset: QuerySet):
        self.queryset = queryset

    @staticmethod
    def _yuan(row: dict) -> dict:
        row["sales_amount"] = from_fen(row["sales_amount"])
        row["household_income"] = from_fen(row["household_income"])
        return row

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __iter__(self) -> Iterator[dict]:
        return (self._yuan(row) for row in self.queryset)

    def iterator(self, chunk_size: int = 2000) -> Iterator[dict]:
        return (self._yuan(row) for row in self.queryset.iterator(chunk_size=chunk_size))

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self._yuan(row) for row in self.queryset[index]]
        return self._yuan(self.queryset[index])


@dataclass
class ReportPage:
    """One page of a grouped report, with the page's rows completed for display."""

    dimension: Dimension
    rows: list[dict]
    number: int
    num_pages: int
    count: int
    totals: dict = field(default_factory=dict)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages


def sales_totals(*, filters: ReportFilters) -> dict:
    """Totals over the whole filtered ledger (one or two queries)."""
    if summary_applies(filters):
        totals = summary_rows(filters=filters).aggregate(
            units=Sum("units"),
            sales_fen=Sum("sales_fen"),
            income_fen=Sum("income_fen"),
            households=Count("household_id", distinct=True),
        )
        totals["sales_amount"] = from_fen(totals.pop("sales_fen"))
        totals["household_income"] = from_fen(totals.pop("income_fen"))
        if filters.category:  # few households: their ledger rows are few and indexed
            orders = (
                ledger_rows(filters=filters)
                .filter(SALE)
                .aggregate(n=Count("line__order_id", distinct=True))
            )
        else:
            orders = reach_rows(filters=filters).aggregate(n=Count("order_id", distinct=True))
        totals["orders"] = orders["n"]
    else:
        totals = ledger_rows(filters=filters).aggregate(
            units=Sum("units"),
            sales_amount=Sum("sales_amount"),
            household_income=Sum("household_income"),
            orders=Count("line__order_id", distinct=True, filter=SALE),
            households=Count("household_id", distinct=True),
        )
    for money in ("sales_amount", "household_income"):
        totals[money] = totals[money] or ZERO
    totals["units"] = totals["units"] or 0
    return totals


def household_details(*, ids: list[int], as_of: datetime.date) -> dict[int, dict]:
    """Code, head, village and today's monitoring category of these households (two queries)."""
    details = {
        pk: {"code": code, "head_name": name, "village": village, "category": ""}
        for pk, code, name, village in Household.objects.filter(pk__in=ids).values_list(
            "pk", "code", "head_name", "village__name"
        )
    }
    periods = MonitoringPeriod.objects.filter(household_id__in=ids, started_on__lte=as_of).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=as_of)
    )
    for period in periods.only("household_id", "category"):
        details[period.household_id]["category"] = period.get_category_display()
    return details


def sales_report_page(
    *,
    dimension: str,
    filters: ReportFilters,
    sort: str = DEFAULT_SORT,
    page: int = 1,
    per_page: int = 50,
    households: int | None = None,
) -> ReportPage:
    """One page of a report; a fixed number of queries whatever the page size.

    ``households``: the totals' count of households, when the caller has it —
    per household it is the number of rows, and saves counting them again.
    """
    grouped = sales_grouped(dimension=dimension, filters=filters, sort=sort)
    paginator = Paginator(grouped, per_page)
    if households is not None and dimension == "household":
        paginator.count = households  # a cached property: set, it is not computed
    current = paginator.get_page(page)
    rows = list(current.object_list)
    dim = DIMENSIONS[dimension]
    if dim.key == "household":
        details = household_details(ids=[row["key"] for row in rows], as_of=filters.as_of)
        for row in rows:
            row.update(details.get(row["key"], {}))
            row["label"] = row.get("code", "")
    return ReportPage(
        dimension=dim,
        rows=rows,
        number=current.number,
        num_pages=paginator.num_pages,
        count=paginator.count,
    )
