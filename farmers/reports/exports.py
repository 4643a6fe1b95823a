"""Downloads of the work team's report tables: .xlsx and .csv with the page's rows and figures.

Every table on the team's pages (sales per household, village, seller and
product, and per any dimension an app above adds; monitored households; the
tables apps above register with :func:`report_table_register`, such as the
shop's pledges) is described as columns with translated headings and the rows
the page shows, read through the same report functions the pages call, in chunks so that a big export
never holds the whole table in memory twice. The writers know nothing about
the reports: they get columns and chunks of rows.

Text cells that a spreadsheet would run as a formula are neutralised
(``security.formulas.neutralise_cell``, the OWASP CSV-injection rule, shared by
every writer) in both formats.
Amounts are numbers with two decimals in .xlsx and plain ``1234.50`` in .csv.
"""

import csv
import datetime
import io
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, BinaryIO

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from farmers.reports.ledger import ReportFilters
from farmers.reports.monitored import MonitoredHousehold, monitored_households_income
from farmers.reports.sales import DEFAULT_SORT, DIMENSIONS, sales_report_page
from security.formulas import neutralise_cell

ReportParams = Mapping[str, Any]
"""A report's filters as JSON values (dates as ISO strings, ids as ints); see ``*_params``."""

CENT = Decimal("0.01")
FORMATS = ("xlsx", "csv")
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


class ExportError(ValueError):
    """A report or format that does not exist."""


@dataclass(frozen=True)
class Column:
    """One column of an export: its heading and how to read its value from a row."""

    heading: str  # translated lazily: the active language when the file is written
    kind: str  # text | int | money | percent | date
    value: Callable[[Any], Any]


@dataclass(frozen=True)
class ReportRows:
    """A report's rows for one set of parameters: how many, and the rows in chunks."""

    total: int
    chunks: Iterator[list[Any]]


@dataclass(frozen=True)
class ReportTable:
    key: str
    title: str
    filename: str
    columns: Callable[[], list[Column]]
    rows: Callable[[ReportParams, int], ReportRows]
    page: str  # URL name of the page that shows the table (where an export goes back to)
    permissions: tuple[str, ...] = ()  # needed beyond the team's pages' own
    # The report's parameters read from its page's query string, or None when they are
    # wrong; None here: the team's filter form (dates, village, category, seller, sort).
    read_query: Callable[[Mapping[str, str]], dict[str, Any] | None] | None = None
    query_label: str = ""  # names the parameters read_query reads, in a refusal


# --- parameters ----------------------------------------------------------


def _day(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def sales_params(*, filters: ReportFilters, sort: str) -> dict[str, Any]:
    """The JSON form of a sales report's filters and sort (what an export stores)."""
    return {
        "date_from": filters.date_from.isoformat() if filters.date_from else None,
        "date_to": filters.date_to.isoformat() if filters.date_to else None,
        "village_id": filters.village_id,
        "category": filters.category,
        "seller_id": filters.seller_id,
        "sort": sort,
    }


def sales_filters(params: ReportParams) -> ReportFilters:
    return ReportFilters(
        date_from=_day(params.get("date_from")),
        date_to=_day(params.get("date_to")),
        village_id=params.get("village_id"),
        category=params.get("category"),
        seller_id=params.get("seller_id"),
    )


# --- the reports' columns and rows ----------------------------------------


def _local_day(value: datetime.datetime | None) -> datetime.date | None:
    return timezone.localtime(value).date() if value else None


def _measure_columns(*, households: bool) -> list[Column]:
    columns = [
        Column(_("Units"), "int", lambda r: r.get("units")),
        Column(_("Sales amount"), "money", lambda r: r.get("sales_amount")),
        Column(_("Household income"), "money", lambda r: r.get("household_income")),
        Column(_("Orders"), "int", lambda r: r.get("orders")),
    ]
    if households:
        columns.append(Column(_("Households"), "int", lambda r: r.get("households")))
    columns.append(Column(_("Last sale"), "date", lambda r: _local_day(r.get("last_sale"))))
    return columns


def _sales_columns(dimension: str) -> Callable[[], list[Column]]:
    def columns() -> list[Column]:
        if dimension == "household":
            return [
                Column(_("Household"), "text", lambda r: r.get("code")),
                Column(_("Head of household"), "text", lambda r: r.get("head_name")),
                Column(_("Village"), "text", lambda r: r.get("village")),
                Column(_("Monitoring category"), "text", lambda r: r.get("category")),
                *_measure_columns(households=False),
            ]
        return [
            Column(DIMENSIONS[dimension].heading, "text", lambda r: r.get("label")),
            *_measure_columns(households=True),
        ]

    return columns


def _sales_rows(dimension: str) -> Callable[[ReportParams, int], ReportRows]:
    def rows(params: ReportParams, chunk_rows: int) -> ReportRows:
        filters = sales_filters(params)
        sort = params.get("sort") or DEFAULT_SORT
        first = sales_report_page(
            dimension=dimension, filters=filters, sort=sort, page=1, per_page=chunk_rows
        )

        def chunks() -> Iterator[list[dict]]:
            if first.count:
                yield first.rows
            for number in range(2, first.num_pages + 1):
                page = sales_report_page(
                    dimension=dimension,
                    filters=filters,
                    sort=sort,
                    page=number,
                    per_page=chunk_rows,
                )
                yield page.rows

        return ReportRows(total=first.count, chunks=chunks())

    return rows


def rows_in_chunks(rows: list, chunk_rows: int) -> Iterator[list]:
    for start in range(0, len(rows), chunk_rows):
        yield rows[start : start + chunk_rows]


def _monitored_flags(row: MonitoredHousehold) -> str:
    flags = []
    if row.no_sale_30:
        flags.append(gettext("no sale in 30 days"))
    if row.below_threshold:
        flags.append(gettext("below threshold"))
    return "；".join(flags)


def _monitored_columns() -> list[Column]:
    return [
        Column(_("Household"), "text", lambda r: r.code),
        Column(_("Head of household"), "text", lambda r: r.head_name),
        Column(_("Village"), "text", lambda r: r.village),
        Column(_("Monitoring category"), "text", lambda r: r.category),
        Column(_("Income, 30 days"), "money", lambda r: r.income_30),
        Column(_("Income, 90 days"), "money", lambda r: r.income_90),
        Column(_("Income, 365 days"), "money", lambda r: r.income_365),
        Column(_("Last sale"), "date", lambda r: _local_day(r.last_sale)),
        Column(_("Flag"), "text", _monitored_flags),
    ]


def monitored_params(*, village_id: int | None) -> dict[str, Any]:
    return {"village_id": village_id}


def _monitored_rows(params: ReportParams, chunk_rows: int) -> ReportRows:
    threshold = Decimal(str(settings.TAIBAO_MONITORED_MIN_INCOME_30D))
    rows = monitored_households_income(threshold=threshold, village_id=params.get("village_id"))
    return ReportRows(total=len(rows), chunks=rows_in_chunks(rows, chunk_rows))


def _sales_table(key: str) -> ReportTable:
    return ReportTable(
        key=f"sales-{key}",
        title=DIMENSIONS[key].title,
        filename=f"sales-per-{key}",
        columns=_sales_columns(key),
        rows=_sales_rows(key),
        page=f"team-dashboard:team-sales-{key}",
    )


_TABLES: dict[str, ReportTable] = {
    "monitored": ReportTable(
        key="monitored",
        title=_("Monitored households"),
        filename="monitored-households",
        columns=_monitored_columns,
        rows=_monitored_rows,
        page="team-dashboard:team-monitored",
        permissions=("farmers.view_household",),
    ),
}


def report_table_register(table: ReportTable) -> None:
    """Add a table of an app above farmers to the team's exports (once, in its ``ready()``)."""
    _TABLES[table.key] = table


def report_tables() -> dict[str, ReportTable]:
    """Every table that can be exported: one per sales dimension, then the others."""
    return {**{f"sales-{key}": _sales_table(key) for key in DIMENSIONS}, **_TABLES}


def report_table(report: str) -> ReportTable:
    try:
        return report_tables()[report]
    except KeyError:
        raise ExportError(f"unknown report {report!r}") from None


def export_filename(*, report: str, file_format: str, today: datetime.date | None = None) -> str:
    today = today or timezone.localdate()
    return f"{report_table(report).filename}-{today:%Y%m%d}.{file_format}"


# --- writers ---------------------------------------------------------------


def _xlsx_cell(sheet, column: Column, value: Any) -> Any:
    if value is None:
        return None
    if column.kind == "text":
        return neutralise_cell(str(value))
    if column.kind in {"money", "percent"}:
        places = CENT if column.kind == "money" else Decimal("0.1")
        cell = WriteOnlyCell(sheet, value=Decimal(value).quantize(places))
        cell.number_format = "#,##0.00" if column.kind == "money" else "0.0"
        return cell
    if column.kind == "date":
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    return value


def _csv_cell(column: Column, value: Any) -> str:
    if value is None:
        return ""
    if column.kind == "money":
        return f"{Decimal(value).quantize(CENT)}"
    if column.kind == "percent":
        return f"{Decimal(value).quantize(Decimal('0.1'))}"
    if column.kind == "date":
        return value.isoformat()
    if column.kind == "int":
        return str(int(value))
    return str(neutralise_cell(str(value)))


def _write_xlsx(
    *,
    title: str,
    columns: list[Column],
    chunks: Iterator[list[Any]],
    out: BinaryIO,
    progress: Callable[[int], None],
) -> int:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=str(title)[:31])
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = (
            24 if column.kind == "text" else 14
        )
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=neutralise_cell(str(column.heading)))
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    written = 0
    for chunk in chunks:
        for row in chunk:
            sheet.append([_xlsx_cell(sheet, c, c.value(row)) for c in columns])
        written += len(chunk)
        progress(written)
    book.save(out)
    return written


def _write_csv(
    *,
    columns: list[Column],
    chunks: Iterator[list[Any]],
    out: BinaryIO,
    progress: Callable[[int], None],
) -> int:
    # UTF-8 with a byte-order mark: Excel then reads the Chinese text correctly.
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
    writer = csv.writer(text)
    writer.writerow([neutralise_cell(str(c.heading)) for c in columns])
    written = 0
    for chunk in chunks:
        writer.writerows([[_csv_cell(c, c.value(row)) for c in columns] for row in chunk])
        written += len(chunk)
        text.flush()
        progress(written)
    text.flush()
    text.detach()  # leave ``out`` open for the caller
    return written


def report_row_count(*, report: str, params: ReportParams) -> int:
    """How many rows an export of this report would have."""
    return report_table(report).rows(params, 1).total


def report_export_write(
    *,
    report: str,
    params: ReportParams,
    file_format: str,
    out: BinaryIO,
    chunk_rows: int = 1000,
    on_start: Callable[[int], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> int:
    """Write one report as .xlsx or .csv to ``out``; returns the number of rows written.

    Headings follow the active language. ``on_start`` gets the row total
    before the first row is written; ``on_progress`` the rows written so far,
    after every chunk.
    """
    if file_format not in FORMATS:
        raise ExportError(f"unknown format {file_format!r}")
    table = report_table(report)
    rows = table.rows(params, chunk_rows)
    if on_start:
        on_start(rows.total)
    progress = on_progress or (lambda done: None)
    columns = table.columns()
    if file_format == "xlsx":
        return _write_xlsx(
            title=table.title, columns=columns, chunks=rows.chunks, out=out, progress=progress
        )
    return _write_csv(columns=columns, chunks=rows.chunks, out=out, progress=progress)
