"""The one rule for every CSV and .xlsx the product writes: no cell runs as a formula.

A spreadsheet program evaluates a cell that begins with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return (the OWASP CSV-injection list), so a buyer's
recipient name ``=HYPERLINK(…)`` would come out of an export as a live link.
:func:`neutralise_cell` puts an apostrophe in front of such text; every writer
passes its cells through it: the team's report exports
(``farmers.reports.exports``), the dashboard's order list download
(``shop.dashboard.orders.views``) and Oscar's dashboard reports
(``shop.csv_reports``, through :class:`NeutralisingCSVWriter`).

Only text is touched: numbers and dates cannot carry a formula, and a negative
amount must stay a number.
"""

from oscar.core.compat import UnicodeCSVWriter

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: object) -> object:
    """A text cell that starts like a formula gets a leading apostrophe; anything else is kept."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


class NeutralisingCSVWriter(UnicodeCSVWriter):
    """Oscar's CSV writer, every cell passed through :func:`neutralise_cell`."""

    def writerow(self, row):
        super().writerow([neutralise_cell(value) for value in row])
