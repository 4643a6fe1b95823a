"""Pricing and availability for enterprise buyers, through Oscar's Strategy seam.

Oscar's ``fetch_for_product`` does not know the quantity; ``fetch_for_line``
does, so basket lines (and therefore orders) get the volume price of their
quantity while product pages show the ladder. Minimum quantity and quantity
step are part of availability, so Oscar's basket forms and the order
creator enforce them with their own ``is_purchase_permitted`` checks.

Terms are read with the stock records wherever those are loaded in bulk
(basket lines in shop/basket, catalogue and price lists in catalog.selectors);
a stock record loaded without them has them read once per request for all
stock records that have any.
"""

from oscar.apps.partner import strategy
from oscar.apps.partner.availability import StockRequired as StockRequiredAvailability
from oscar.apps.partner.prices import FixedPrice
from oscar.core.loading import get_model

from shop.pricing import Terms, terms_from_rows

Unavailable = strategy.Unavailable
Available = strategy.Available
PurchaseInfo = strategy.PurchaseInfo


class BulkPrice(FixedPrice):
    """A fixed price that remembers the list price the tier replaced."""

    def __init__(self, *, currency, excl_tax, base_excl_tax, terms: Terms):
        super().__init__(currency=currency, excl_tax=excl_tax, tax=excl_tax * 0)
        self.base_excl_tax = base_excl_tax
        self.terms = terms


class BulkAvailability(StockRequiredAvailability):
    """Stock required, bought in at least ``min_quantity`` and by ``quantity_step``."""

    def __init__(self, num_available, terms: Terms):
        super().__init__(num_available)
        self.terms = terms

    @property
    def is_available_to_buy(self):
        return self.is_purchase_permitted(self.terms.min_quantity)[0]

    def is_purchase_permitted(self, quantity):
        problem = self.terms.quantity_problem(quantity)
        if problem:
            return False, str(problem)
        return super().is_purchase_permitted(quantity)


class UntrackedBulkAvailability(BulkAvailability):
    """Quantity rules without a stock limit (product classes that do not track stock)."""

    def is_purchase_permitted(self, quantity):
        problem = self.terms.quantity_problem(quantity)
        return (False, str(problem)) if problem else (True, "")


def _terms_rows_loaded(stockrecord) -> tuple | None:
    """(min, step, tiers) if the basket loaded them with the line, else None."""
    cache = getattr(stockrecord, "_prefetched_objects_cache", {})
    if "price_tiers" not in cache:
        return None
    try:
        purchase_terms = stockrecord.purchase_terms
    except get_model("shop", "PurchaseTerms").DoesNotExist:
        purchase_terms = None
    return (
        purchase_terms.min_quantity if purchase_terms else 1,
        purchase_terms.quantity_step if purchase_terms else 1,
        list(cache["price_tiers"]),
    )


class BulkStrategy(strategy.UseFirstStockRecord, strategy.NoTax, strategy.Structured):
    def __init__(self, request=None):
        super().__init__(request)
        self._all_terms = None

    # -- terms -----------------------------------------------------------------------

    def _load_all_terms(self) -> dict[int, tuple[int, int, list]]:
        purchase_terms = get_model("shop", "PurchaseTerms")
        price_tier = get_model("shop", "PriceTier")
        rows: dict[int, list] = {}
        for row in purchase_terms.objects.only("stockrecord_id", "min_quantity", "quantity_step"):
            rows[row.stockrecord_id] = [row.min_quantity, row.quantity_step, []]
        for tier in price_tier.objects.only("stockrecord_id", "min_quantity", "price"):
            rows.setdefault(tier.stockrecord_id, [1, 1, []])[2].append(tier)
        return {pk: tuple(value) for pk, value in rows.items()}

    def terms_for(self, stockrecord) -> Terms:
        loaded = _terms_rows_loaded(stockrecord)
        if loaded is None:
            if self._all_terms is None:
                self._all_terms = self._load_all_terms()
            loaded = self._all_terms.get(stockrecord.pk, (1, 1, []))
        min_quantity, step, tiers = loaded
        return terms_from_rows(
            base_price=stockrecord.price,
            min_quantity=min_quantity,
            quantity_step=step,
            tiers=tiers,
        )

    # -- Oscar's seams -------------------------------------------------------------------

    def pricing_policy(self, product, stockrecord, quantity: int = 1):
        if not stockrecord or stockrecord.price is None:
            return strategy.UnavailablePrice()
        terms = self.terms_for(stockrecord)
        return BulkPrice(
            currency=stockrecord.price_currency,
            excl_tax=terms.unit_price(max(quantity, terms.min_quantity)),
            base_excl_tax=stockrecord.price,
            terms=terms,
        )

    def availability_policy(self, product, stockrecord):
        if not stockrecord:
            return Unavailable()
        terms = self.terms_for(stockrecord)
        if not product.get_product_class().track_stock:
            return UntrackedBulkAvailability(None, terms)
        return BulkAvailability(stockrecord.net_stock_level, terms)

    def parent_availability_policy(self, product, children_stock):
        for child, stockrecord in children_stock:
            if self.availability_policy(child, stockrecord).is_available_to_buy:
                return Available()
        return Unavailable()

    def fetch_for_line(self, line, stockrecord=None):
        stockrecord = stockrecord or line.stockrecord
        return PurchaseInfo(
            price=self.pricing_policy(line.product, stockrecord, quantity=line.quantity),
            availability=self.availability_policy(line.product, stockrecord),
            stockrecord=stockrecord,
        )


class Selector:
    def strategy(self, request=None, user=None, **kwargs):
        return BulkStrategy(request)
