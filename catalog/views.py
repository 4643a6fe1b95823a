"""Catalogue pages served from the database with a fixed number of queries.

Oscar's own CatalogueView and ProductCategoryView are built on Haystack;
these replace them (Oscar's catalogue app loads them by name) and add the
search view that the forked search app mounts at /search/.
"""

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView, TemplateView
from oscar.apps.catalogue.views import ProductDetailView as OscarProductDetailView
from oscar.core.loading import get_model

from catalog.cards import (
    CARDS_VERSION_KEY,
    CSRF_PLACEHOLDER,
    FACETS_VERSION_KEY,
    card_keys,
    card_rows,
    cards_for_rows,
    facets_cached,
    listing_versions,
    visitor_page_keep,
    visitor_page_key,
    visitor_page_personalise,
)
from catalog.forms import ProductFilterForm
from catalog.selectors import ProductFilters, product_facets, product_list
from catalog.weights import price_per_jin, price_per_kg

Category = get_model("catalogue", "Category")
Product = get_model("catalogue", "Product")


def buyer_paired_village_ids(request) -> frozenset[int]:
    """The villages the signed-in buyer's enterprise is paired with (none for visitors).

    Read once per request: the list, the product page's product and its
    recently viewed products all ask.
    """
    from shop.selectors import membership_of, paired_village_ids

    paired = getattr(request, "_paired_village_ids", None)
    if paired is None:
        membership = membership_of(user=request.user)
        enterprise = membership.enterprise if membership else None
        paired = request._paired_village_ids = frozenset(paired_village_ids(enterprise=enterprise))
    return paired


def attach_purchase_info(products, strategy, paired: frozenset[int] = frozenset()) -> None:
    """Price, availability and per-weight prices on each product, from prefetched rows."""
    for product in products:
        info = strategy.fetch_for_product(product)
        product.purchase = info
        unit_price = info.price.incl_tax if info.price.exists else None
        product.unit_price_shown = unit_price
        product.per_kg = price_per_kg(unit_price, product.net_weight_g)
        product.per_jin = price_per_jin(unit_price, product.net_weight_g)
        images = product.images.all()
        product.first_image = images[0] if images else None
        terms = getattr(info.availability, "terms", None)
        product.order_minimum = terms.min_quantity if terms else 1
        product.from_paired_village = product.origin_village_id in paired


def product_cards_render(request, pks: list[int], paired: frozenset[int]) -> dict[int, str]:
    """The cards of these products as HTML (catalog.cards), in a fixed number of queries."""
    from catalog.cards import card_render

    found = product_list(filters=ProductFilters(), paired_village_ids=paired).in_bulk(pks)
    products = list(found.values())
    attach_purchase_info(products, request.strategy, paired)
    return {product.pk: card_render(product) for product in products}


def product_cards(request, pks: list[int]) -> list:
    """Products as the catalogue's cards show them, in the order given, in a fixed number of queries."""
    paired = buyer_paired_village_ids(request)
    found = product_list(filters=ProductFilters(), paired_village_ids=paired).in_bulk(pks)
    products = [found[pk] for pk in pks if pk in found]
    attach_purchase_info(products, request.strategy, paired)
    return products


class ProductListView(ListView):
    template_name = "oscar/catalogue/farm_browse.html"
    context_object_name = "products"
    summary = _("All products")
    category = None

    def get_paginate_by(self, queryset):
        return settings.OSCAR_PRODUCTS_PER_PAGE

    def get_filters(self) -> ProductFilters:
        self.filter_form = ProductFilterForm(self.request.GET)
        return self.filter_form.to_filters(category=self.category)

    def get_queryset(self):
        """The listed products as card rows (catalog.cards): ids and what their cards' keys need."""
        self.filters = self.get_filters()
        self.paired = buyer_paired_village_ids(self.request)
        return card_rows(product_list(filters=self.filters, paired_village_ids=self.paired))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        rows = list(ctx["products"])
        versions = listing_versions()
        keys = card_keys(rows, self.paired, versions[CARDS_VERSION_KEY])
        self.page_key = visitor_page_key(self.request, keys, versions)
        self.kept_page = cache.get(self.page_key) if self.page_key else None
        if self.kept_page is not None:
            return ctx  # rendered before for every visitor (render_to_response)
        ctx["products"] = cards_for_rows(self.request, rows, self.paired, keys)
        if self.page_key:
            ctx["csrf_token"] = CSRF_PLACEHOLDER  # each response puts its own in
        query = self.request.GET.copy()
        query.pop("page", None)
        ctx.update(
            summary=self.summary,
            category=self.category,
            filters=self.filters,
            filter_form=self.filter_form,
            facets=facets_cached(
                self.filters,
                lambda: product_facets(filters=self.filters),
                versions[FACETS_VERSION_KEY],
            ),
            query_without_page=query.urlencode(),
        )
        return ctx

    def render_to_response(self, context, **response_kwargs):
        if self.kept_page is not None:
            return HttpResponse(visitor_page_personalise(self.request, self.kept_page))
        response = super().render_to_response(context, **response_kwargs)
        if self.page_key:
            response.render()
            html = response.content.decode()
            visitor_page_keep(self.request, self.page_key, html)
            response.content = visitor_page_personalise(self.request, html)
        return response


class CatalogueView(ProductListView):
    pass


class ProductCategoryView(ProductListView):
    def get(self, request, *args, **kwargs):
        self.category = get_object_or_404(Category.objects.browsable(), pk=kwargs["pk"])
        expected = self.category.get_absolute_url()
        if request.path != expected:
            query = request.META.get("QUERY_STRING")
            return HttpResponsePermanentRedirect(f"{expected}?{query}" if query else expected)
        self.summary = self.category.name
        return super().get(request, *args, **kwargs)


class ProductSearchView(ProductListView):
    def get_filters(self) -> ProductFilters:
        filters = super().get_filters()
        if filters.query:
            self.summary = _("Products matching “%(q)s”") % {"q": filters.query}
        return filters


class ProductDetailView(OscarProductDetailView):
    def get_object(self, queryset=None):
        if hasattr(self, "object"):
            return self.object
        try:
            return (
                Product.objects.select_related(
                    "product_class", "origin_village__town", "seller__partner", "parent"
                )
                .prefetch_related("images", "stockrecords")
                .get(pk=self.kwargs["pk"])
            )
        except Product.DoesNotExist as exc:
            raise Http404 from exc

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        attach_purchase_info([self.object], self.request.strategy)
        return ctx


class HomeView(TemplateView):
    template_name = "oscar/home.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        paired = buyer_paired_village_ids(self.request)
        products = list(product_list(filters=ProductFilters(), paired_village_ids=paired)[:8])
        attach_purchase_info(products, self.request.strategy, paired)
        ctx["featured_products"] = products
        ctx["facets"] = product_facets(filters=ProductFilters())
        return ctx
