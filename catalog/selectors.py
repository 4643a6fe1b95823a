"""Reads for browsing and searching the catalogue straight from the database.

Every list here costs a fixed number of queries whatever the page size:
the products with their class, origin village and seller in one query, then
one query each for their stock records (with their purchase terms), volume
prices and images.
"""

from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from oscar.core.loading import get_model

Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
ProductImage = get_model("catalogue", "ProductImage")
Category = get_model("catalogue", "Category")
StockRecord = get_model("partner", "StockRecord")

SORTS = {
    "newest": ("-date_created", "-pk"),
    "price_asc": ("unit_price", "pk"),
    "price_desc": ("-unit_price", "pk"),
    "title": ("title", "pk"),
}
DEFAULT_SORT = "newest"


@dataclass(frozen=True)
class ProductFilters:
    query: str = ""
    product_class: str = ""  # ProductClass slug
    village_id: int | None = None
    seller_id: int | None = None
    category: "Category | None" = None
    sort: str = DEFAULT_SORT


def stockrecords_with_terms() -> Prefetch:
    """Products' stock records with what pricing reads (shop/partner/strategy.py): terms, tiers."""
    return Prefetch(
        "stockrecords",
        queryset=StockRecord.objects.select_related("purchase_terms")
        .prefetch_related("price_tiers")
        .order_by("pk"),
    )


def product_search_terms(query: str) -> list[str]:
    """Words of a query; each must match. Chinese has no spaces, so a word is a substring."""
    return [word for word in query.split() if word][:8]


def _browsable_products() -> QuerySet:
    first_price = (
        StockRecord.objects.filter(product=OuterRef("pk")).order_by("pk").values("price")[:1]
    )
    return Product.objects.browsable().annotate(unit_price=Subquery(first_price))


def _apply_filters(products: QuerySet, filters: ProductFilters) -> QuerySet:
    if filters.product_class:
        products = products.filter(product_class__slug=filters.product_class)
    if filters.village_id:
        products = products.filter(origin_village_id=filters.village_id)
    if filters.seller_id:
        products = products.filter(seller_id=filters.seller_id)
    # Search terms and categories join many-valued relations (stock records,
    # categories); matching them in a subquery keeps each product once.
    terms = product_search_terms(filters.query)
    if terms or filters.category is not None:
        matching = Product.objects.all()
        for term in terms:
            matching = matching.filter(
                Q(title__icontains=term)
                | Q(upc__iexact=term)
                | Q(stockrecords__partner_sku__iexact=term)
                | Q(origin_village__name__icontains=term)
                | Q(seller__partner__name__icontains=term)
            )
        if filters.category is not None:
            matching = matching.filter(categories__in=Category.objects.get_tree(filters.category))
        products = products.filter(pk__in=matching.values("pk"))
    return products


def product_list(
    *, filters: ProductFilters, paired_village_ids: frozenset[int] = frozenset()
) -> QuerySet:
    """Products for a catalogue page, ready to render without further queries.

    A buyer's paired villages (村企同兴 / 镇企同兴) come first, then the sort asked for.
    """
    products = _apply_filters(_browsable_products(), filters)
    order = SORTS.get(filters.sort, SORTS[DEFAULT_SORT])
    if paired_village_ids:
        products = products.annotate(
            paired_first=Case(
                When(origin_village_id__in=sorted(paired_village_ids), then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        order = ("paired_first", *order)
    return (
        products.select_related("product_class", "origin_village", "seller__partner")
        .prefetch_related(
            stockrecords_with_terms(),
            Prefetch("images", queryset=ProductImage.objects.order_by("display_order", "pk")),
        )
        .order_by(*order)
    )


@dataclass(frozen=True)
class Facet:
    value: str
    label: str
    count: int


def product_facets(*, filters: ProductFilters) -> dict[str, list[Facet]]:
    """Counts for the filter sidebar, each within the other active filters (3 queries)."""

    def counted(value: str, label: str, **without) -> list[Facet]:
        scope = ProductFilters(**{**filters.__dict__, **without})
        rows = (
            _apply_filters(Product.objects.browsable(), scope)
            .exclude(**{f"{value}__isnull": True})
            .order_by(label)
            .values(value, label)
            .annotate(n=Count("pk"))
        )
        return [Facet(str(row[value]), row[label], row["n"]) for row in rows]

    return {
        "product_class": counted("product_class__slug", "product_class__name", product_class=""),
        "village": counted("origin_village", "origin_village__name", village_id=None),
        "seller": counted("seller", "seller__partner__name", seller_id=None),
    }
