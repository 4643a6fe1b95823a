"""The pledges table as the team's exports write it (.xlsx / .csv)."""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from farmers.reports.exports import Column, ReportParams, ReportRows, ReportTable, rows_in_chunks
from shop.reports.pledges import PledgeProgress, pledge_year, pledges_progress


def _pledge_columns() -> list[Column]:
    return [
        Column(_("Enterprise"), "text", lambda r: r.enterprise),
        Column(_("Programme"), "text", lambda r: r.programme),
        Column(_("Paired with"), "text", lambda r: r.counterpart),
        Column(_("Yearly pledge"), "money", lambda r: r.yearly_pledge),
        Column(_("Purchased this year"), "money", lambda r: r.purchased),
        Column(_("Progress (%)"), "percent", lambda r: r.percent),
        Column(_("Of which to the paired village or town"), "money", lambda r: r.to_counterpart),
    ]


def pledges_params(*, year: int) -> dict[str, Any]:
    return {"year": year}


def _pledges_query(query: Mapping[str, str]) -> dict[str, Any] | None:
    year = pledge_year(query.get("year"))
    return None if year is None else pledges_params(year=year)


def _pledge_rows(params: ReportParams, chunk_rows: int) -> ReportRows:
    rows: list[PledgeProgress] = pledges_progress(year=params.get("year"))
    return ReportRows(total=len(rows), chunks=rows_in_chunks(rows, chunk_rows))


PLEDGES = ReportTable(
    key="pledges",
    title=_("Pairing pledges"),
    filename="pairing-pledges",
    columns=_pledge_columns,
    rows=_pledge_rows,
    page="team-dashboard:team-pledges",
    read_query=_pledges_query,
    query_label=_("Year"),
)
