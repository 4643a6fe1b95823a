"""Catalogue cards and filter counts rendered once and kept in the cache.

A card shows one product as every buyer sees it: title, origin, seller,
image, unit and per-weight prices, availability and the add-to-basket form.
Its cache key holds everything the card depends on:

* what the page's own query reads anyway for each product: the product's
  ``date_updated`` and its first stock record's id, ``date_updated``, price,
  ``num_in_stock`` and ``num_allocated`` — so a new price or a stock change
  gives a new key at once, whether it was saved or written with ``update()``;
* the language, and whether the product comes from the buyer's paired
  villages (the only thing on a card that differs between buyers);
* a version number that the signals below replace whenever something else a
  card shows changes: purchase terms and price tiers, images, product class,
  village, seller or partner, or a product saved.

The add-to-basket form's CSRF token is not in the cached text: the card is
rendered with a placeholder that each page replaces with its own token.

Filter counts (the sidebar) depend on which products are listed, not on
stock or prices; they are cached per filter under a second version number,
replaced when products, stock records, categories or the names counted change.

A visitor who is not signed in, has no basket and no pending message sees a
listing page that is the same for every such visitor: the whole page is kept
too, under the card keys of its products, both version numbers, the language
and the address asked for, with placeholders for the CSRF token and the
response's script nonce. Signed-in buyers get cached cards in a page rendered
for them.

Prices are the same for every buyer (shop.partner.strategy: volume tiers
per stock record); a price per enterprise would have to join the key.
"""

import hashlib
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import CharField, F, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Concat
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from oscar.core.loading import get_model

CARD_TEMPLATE = "oscar/catalogue/partials/farm_product_card.html"
CSRF_PLACEHOLDER = "csrf-placeholder-5d0c41e7"
CARDS_VERSION_KEY = "catalogue:cards-version"
FACETS_VERSION_KEY = "catalogue:facets-version"
NONCE_PLACEHOLDER = "nonce-placeholder-93be07a2"
CARD_SECONDS = 24 * 3600  # keys change with what they show; this only lets old ones go
FACET_SECONDS = 3600

StockRecord = get_model("partner", "StockRecord")


@dataclass(frozen=True)
class CardRow:
    """One product of a listed page: what its card's key needs, and its card once found."""

    pk: int
    title: str
    origin_village_id: int | None
    unit_price_shown: object  # the first stock record's price, as the listing sorts by it
    html: SafeString | None = None


def stock_stamp() -> Subquery:
    """The first stock record's id, update time, price and stock, as one text value."""
    first = (
        StockRecord.objects.filter(product=OuterRef("pk"))
        .order_by("pk")
        .annotate(
            stamp=Concat(
                Cast("pk", CharField()),
                Value("/"),
                Cast("date_updated", CharField()),
                Value("/"),
                Cast("price", CharField()),
                Value("/"),
                Cast("num_in_stock", CharField()),
                Value("/"),
                Cast("num_allocated", CharField()),
                output_field=CharField(),
            )
        )
        .values("stamp")[:1]
    )
    return Subquery(first, output_field=CharField())


def card_rows(products) -> "object":
    """The listing's products as values for ``CardRow`` (one query, no model instances)."""
    return (
        products.prefetch_related(None)
        .annotate(stock_stamp=stock_stamp(), product_updated=F("date_updated"))
        .values("pk", "title", "origin_village_id", "unit_price", "product_updated", "stock_stamp")
    )


def _versions(keys: list[str]) -> dict[str, str]:
    """The current version numbers; a missing one is started (unless another process did)."""
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            found[key] = str(time.time_ns())
            cache.add(key, found[key], None)
    return found


def cards_forget(**kwargs) -> None:
    """Something every card may show changed: all cards are rendered afresh."""
    cache.set(CARDS_VERSION_KEY, str(time.time_ns()), None)


def facets_forget(**kwargs) -> None:
    """What is listed, or a name counted, changed: every filter's counts are made afresh."""
    cache.set(FACETS_VERSION_KEY, str(time.time_ns()), None)


def catalogue_forget(**kwargs) -> None:
    cards_forget()
    facets_forget()


def listing_versions() -> dict[str, str]:
    """Both version numbers, in one cache round trip."""
    return _versions([CARDS_VERSION_KEY, FACETS_VERSION_KEY])


def visitor_page_key(request, card_keys: list[str], versions: dict[str, str]) -> str | None:
    """The key of this listing page as every anonymous visitor sees it; None when the
    page would show something of this visitor's own (a basket, a message)."""
    from django.conf import settings
    from django.contrib.messages import get_messages

    if request.user.is_authenticated or request.method != "GET":
        return None
    if request.COOKIES.get(settings.OSCAR_BASKET_COOKIE_OPEN) or len(get_messages(request)):
        return None
    described = "|".join(
        [
            get_language() or "",
            request.get_full_path(),
            versions[CARDS_VERSION_KEY],
            versions[FACETS_VERSION_KEY],
            *card_keys,
        ]
    )
    return "catalogue:page:" + hashlib.blake2b(described.encode(), digest_size=20).hexdigest()


def visitor_page_personalise(request, html: str) -> str:
    """The kept page with this response's CSRF token and script nonce."""
    return html.replace(CSRF_PLACEHOLDER, get_token(request)).replace(
        NONCE_PLACEHOLDER, str(request.csp_nonce)
    )


def visitor_page_keep(request, key: str, html: str) -> None:
    cache.set(key, html.replace(str(request.csp_nonce), NONCE_PLACEHOLDER), CARD_SECONDS)


def _card_key(version: str, language: str, row: dict, paired: bool) -> str:
    updated = row["product_updated"].timestamp() if row["product_updated"] else ""
    stamp = f"{updated}|{row['stock_stamp'] or ''}"
    digest = hashlib.blake2b(stamp.encode(), digest_size=12).hexdigest()
    return f"catalogue:card:{version}:{language}:{row['pk']}:{int(paired)}:{digest}"


def card_keys(rows: list[dict], paired_villages: frozenset[int], version: str) -> list[str]:
    language = get_language() or ""
    return [
        _card_key(version, language, row, row["origin_village_id"] in paired_villages)
        for row in rows
    ]


def cards_for_rows(
    request, rows: list[dict], paired_villages: frozenset[int], keys: list[str] | None = None
) -> list[CardRow]:
    """Each row's card: from the cache, or rendered (in one batch of queries) and kept."""
    from catalog.views import product_cards_render

    if keys is None:
        version = _versions([CARDS_VERSION_KEY])[CARDS_VERSION_KEY]
        keys = card_keys(rows, paired_villages, version)
    found = cache.get_many(keys) if keys else {}
    missing = [row["pk"] for row, key in zip(rows, keys, strict=True) if key not in found]
    if missing:
        rendered = product_cards_render(request, missing, paired_villages)
        fresh = {
            key: rendered[row["pk"]]
            for row, key in zip(rows, keys, strict=True)
            if key not in found and row["pk"] in rendered
        }
        cache.set_many(fresh, CARD_SECONDS)
        found.update(fresh)
    token = get_token(request)
    cards = []
    for row, key in zip(rows, keys, strict=True):
        html = found.get(key)
        cards.append(
            CardRow(
                pk=row["pk"],
                title=row["title"],
                origin_village_id=row["origin_village_id"],
                unit_price_shown=row["unit_price"],
                html=mark_safe(html.replace(CSRF_PLACEHOLDER, token)) if html else None,
            )
        )
    return cards


def card_render(product) -> str:
    """One card's HTML with the CSRF placeholder (``product`` has its purchase info attached)."""
    return get_template(CARD_TEMPLATE).render({"product": product, "csrf_token": CSRF_PLACEHOLDER})


def facets_cached(filters, compute, version: str | None = None):
    """The sidebar's counts for ``filters``, from the cache or ``compute()``."""
    version = version or _versions([FACETS_VERSION_KEY])[FACETS_VERSION_KEY]
    described = repr(
        (
            filters.query,
            filters.product_class,
            filters.village_id,
            filters.seller_id,
            filters.category.pk if filters.category is not None else None,
        )
    )
    key = f"catalogue:facets:{version}:{hashlib.sha256(described.encode()).hexdigest()}"
    facets = cache.get(key)
    if facets is None:
        facets = compute()
        cache.set(key, facets, FACET_SECONDS)
    return facets
