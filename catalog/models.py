"""Oscar's catalogue with what a farm-produce buyer needs on every product."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _
from oscar.apps.catalogue.abstract_models import AbstractProduct

from catalog.slugs import product_slug
from catalog.weights import price_per_jin, price_per_kg


class Product(AbstractProduct):
    sales_unit = models.CharField(
        _("sales unit"), max_length=16, blank=True, help_text=_("袋, 箱, 盒, 只 …")
    )
    net_weight_g = models.PositiveIntegerField(
        _("net weight (g)"), null=True, blank=True, help_text=_("Net weight of one sales unit")
    )
    origin_village = models.ForeignKey(
        "farmers.Village",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="products",
        verbose_name=_("origin village"),
    )
    seller = models.ForeignKey(
        "farmers.Seller",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="products",
        verbose_name=_("seller"),
    )
    harvest_season = models.CharField(_("harvest season"), max_length=64, blank=True)
    storage = models.CharField(_("storage"), max_length=128, blank=True)
    shelf_life_days = models.PositiveIntegerField(_("shelf life (days)"), null=True, blank=True)
    certificate_number = models.CharField(
        _("certificate number"),
        max_length=64,
        blank=True,
        help_text=_("Green food, organic or origin certificate, where there is one"),
    )
    trace_code = models.CharField(_("trace code"), max_length=64, blank=True)

    def price_per_kg(self, unit_price: Decimal) -> Decimal | None:
        return price_per_kg(unit_price, self.net_weight_g)

    def price_per_jin(self, unit_price: Decimal) -> Decimal | None:
        return price_per_jin(unit_price, self.net_weight_g)

    def save(self, *args, **kwargs):
        # Oscar slugs a new product's title here; ours is pinyin, with the SKU as a fallback.
        if not self.slug:
            self.slug = product_slug(
                title=self.get_title(),
                sku=self.upc or "",
                taken=lambda slug: (
                    type(self).objects.filter(slug=slug).exclude(pk=self.pk).exists()
                ),
            )
        super().save(*args, **kwargs)


from oscar.apps.catalogue.models import *
