"""Bulk pricing rules: volume tiers, minimum quantity and quantity step per stock record.

Pure functions over rows already loaded; the strategy (shop/partner/strategy.py)
loads the rows once per request and applies these, so the product page, the
basket, quick order and order placement all price a quantity the same way.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _


class Message:
    """A translatable message with its parameters, rendered in the language active when shown."""

    def __init__(self, text, **params):
        self.text = text
        self.params = params

    def __str__(self) -> str:
        return str(self.text) % self.params if self.params else str(self.text)

    def __eq__(self, other) -> bool:
        return str(self) == str(other)

    __hash__ = None


@dataclass(frozen=True)
class Tier:
    min_quantity: int
    max_quantity: int | None  # inclusive; None for "and above"
    price: Decimal


@dataclass(frozen=True)
class Terms:
    """How one stock record may be bought and what each quantity costs."""

    base_price: Decimal
    min_quantity: int = 1
    quantity_step: int = 1
    tier_starts: tuple[tuple[int, Decimal], ...] = ()  # (from quantity, unit price), ascending

    def unit_price(self, quantity: int) -> Decimal:
        price = self.base_price
        for start, tier_price in self.tier_starts:
            if quantity >= start:
                price = tier_price
        return price

    def tiers(self) -> list[Tier]:
        """The whole price ladder for display, from the minimum quantity up."""
        starts = [(self.min_quantity, self.base_price)] + [
            (start, price) for start, price in self.tier_starts if start > self.min_quantity
        ]
        # a tier starting at or below the minimum replaces the base price
        for start, price in self.tier_starts:
            if start <= self.min_quantity:
                starts[0] = (self.min_quantity, price)
        ladder = []
        for index, (start, price) in enumerate(starts):
            end = starts[index + 1][0] - 1 if index + 1 < len(starts) else None
            ladder.append(Tier(min_quantity=start, max_quantity=end, price=price))
        return ladder

    @property
    def has_rules(self) -> bool:
        return bool(self.tier_starts) or self.min_quantity > 1 or self.quantity_step > 1

    def quantity_problem(self, quantity: int) -> Message | None:
        """Why this quantity cannot be bought, or None."""
        if quantity < 1:
            return Message(_("must be at least 1"))
        if quantity < self.min_quantity:
            return Message(_("the minimum order is %(min)d"), min=self.min_quantity)
        if (quantity - self.min_quantity) % self.quantity_step:
            if self.min_quantity % self.quantity_step == 0:
                return Message(_("must be a multiple of %(step)d"), step=self.quantity_step)
            return Message(
                _("must be %(min)d plus a multiple of %(step)d"),
                min=self.min_quantity,
                step=self.quantity_step,
            )
        return None


def terms_from_rows(
    *, base_price: Decimal, min_quantity: int, quantity_step: int, tiers: Iterable
) -> Terms:
    starts: Sequence[tuple[int, Decimal]] = sorted((t.min_quantity, t.price) for t in tiers)
    return Terms(
        base_price=base_price,
        min_quantity=min_quantity,
        quantity_step=quantity_step,
        tier_starts=tuple(starts),
    )
