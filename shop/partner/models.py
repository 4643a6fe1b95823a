"""Oscar's partner models; a stock record's SKU is unique across the whole platform.

Quick order finds a product by SKU alone (any case), so two sellers with one
SKU would make it refuse that SKU for every buyer: the database refuses the
second (``UniqueConstraint`` on the upper-cased SKU), and the product form
says so first (``shop.dashboard.catalogue.views.StockRecordForm``).
"""

from django.db import models
from django.db.models.functions import Upper
from oscar.apps.partner.abstract_models import AbstractStockRecord


class StockRecord(AbstractStockRecord):
    class Meta(AbstractStockRecord.Meta):
        constraints = [
            models.UniqueConstraint(
                Upper("partner_sku"), name="partner_stockrecord_sku_unique_on_platform"
            )
        ]


from oscar.apps.partner.models import *  # noqa: E402, F403
