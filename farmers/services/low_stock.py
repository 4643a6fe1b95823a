"""Low stock: an event for the notifications pipeline when availability crosses the threshold."""

from oscar.core.loading import get_model

from outbox.services import outbox_record

StockRecord = get_model("partner", "StockRecord")

LOW_STOCK_TOPIC = "stock.low"


def low_stock_threshold(*, stock_record: StockRecord) -> int | None:
    """The stock record's own threshold, else its seller's."""
    if stock_record.low_stock_threshold is not None:
        return stock_record.low_stock_threshold
    seller = getattr(stock_record.partner, "seller", None)
    return seller.low_stock_threshold if seller else None


def low_stock_check(*, stock_record: StockRecord, available_before: int, available_after: int):
    """Record one low-stock event when available units fall below the threshold.

    Only the crossing counts: staying low does not repeat the event, rising
    above and falling again does. Call inside the transaction that moved stock.
    """
    threshold = low_stock_threshold(stock_record=stock_record)
    if threshold is None:
        return None
    if available_before >= threshold > available_after:
        return outbox_record(
            topic=LOW_STOCK_TOPIC,
            payload={"stock_record_id": stock_record.pk, "available": available_after},
        )
    return None
