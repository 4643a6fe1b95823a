from oscar.core.loading import get_model

from farmers.models import Seller

StockRecord = get_model("partner", "StockRecord")


def threshold_set(
    *, threshold: int | None, stock_record: StockRecord | None = None, seller: Seller | None = None
) -> None:
    """Set the low-stock threshold of one stock record (None: the seller's applies) or a seller."""
    if stock_record is not None:
        StockRecord.objects.filter(pk=stock_record.pk).update(low_stock_threshold=threshold)
    elif seller is not None:
        Seller.objects.filter(pk=seller.pk).update(low_stock_threshold=threshold or 0)
