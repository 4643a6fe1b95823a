"""Oscar's basket, loading its lines with everything pricing and placement read.

Stock Oscar's ``all_lines`` joins product and stock record only; the product
class (stock tracking) and partner (order lines) then cost a query per line,
which a 100-line bulk basket cannot afford.

That query is wide, and every page runs it for the header's basket. An open
basket is loaded knowing whether it had any line then (an EXISTS in the same
query), and an empty one skips it. Whatever changes the lines (adding,
merging, quick order, flushing) resets Oscar's ``_lines``, and with it that
knowledge.
"""

from django.db import models
from django.db.models import Exists, OuterRef
from oscar.apps.basket.abstract_models import AbstractBasket, AbstractLine
from oscar.apps.basket.managers import OpenBasketManager


class OpenBasketsKnowingTheirLines(OpenBasketManager):
    def get_queryset(self):
        lines = Line.objects.filter(basket=OuterRef("pk"))  # this module's Line, below
        return super().get_queryset().annotate(had_lines_when_loaded=Exists(lines))


class Basket(AbstractBasket):
    objects = models.Manager()  # declared again, before ``open``: it stays the default manager
    open = OpenBasketsKnowingTheirLines()

    @property
    def _lines(self):
        return self.__dict__.get("_loaded_lines")

    @_lines.setter
    def _lines(self, lines):
        # Oscar sets None whenever the lines change: what the loading query saw is then stale
        self.__dict__["_loaded_lines"] = lines
        if lines is None:
            self.__dict__.pop("had_lines_when_loaded", None)

    def all_lines(self):
        if self.id is None:
            return self.lines.model.objects.none()
        if self._lines is None and self.__dict__.get("had_lines_when_loaded") is False:
            self._lines = self.lines.none()
        if self._lines is None:
            self._lines = (
                self.lines.select_related(
                    "product__product_class",
                    "product__parent__product_class",
                    "stockrecord__partner",
                    "stockrecord__purchase_terms",
                )
                .prefetch_related("attributes", "product__images", "stockrecord__price_tiers")
                .order_by(self._meta.pk.name)
            )
        return self._lines

    @property
    def num_lines(self):
        # Oscar counts with a query of its own, and the header asks twice before it
        # shows the lines it then loads anyway: count the loaded lines instead.
        return len(self.all_lines())


class Line(AbstractLine):
    def get_warning(self):
        """Oscar's price-change warning, but not for a volume price the quantity earned."""
        price = self.purchase_info.price
        base = getattr(price, "base_excl_tax", None)
        if base is not None and self.price_excl_tax is not None and base == self.price_excl_tax:
            if self.purchase_info.availability.is_purchase_permitted(self.quantity)[0]:
                return None
            return self.purchase_info.availability.is_purchase_permitted(self.quantity)[1]
        return super().get_warning()


from oscar.apps.basket.models import *  # noqa: E402, F403
