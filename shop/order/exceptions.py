from dataclasses import dataclass

from django.utils.translation import gettext as _
from oscar.apps.order.exceptions import *  # noqa: F403
from oscar.apps.order.exceptions import UnableToPlaceOrder


@dataclass(frozen=True)
class ShortLine:
    title: str
    sku: str
    wanted: int
    available: int


class StockShortage(UnableToPlaceOrder):
    """Some lines want more than is left; nothing was written or allocated."""

    def __init__(self, short_lines: list[ShortLine]):
        self.short_lines = short_lines
        super().__init__(self.message)

    @property
    def message(self) -> str:
        parts = [
            _("%(title)s (%(sku)s): you asked for %(wanted)d, only %(available)d left")
            % {
                "title": line.title,
                "sku": line.sku,
                "wanted": line.wanted,
                "available": max(line.available, 0),
            }
            for line in self.short_lines
        ]
        return _("Not enough stock, nothing was ordered: %(lines)s") % {"lines": "; ".join(parts)}
