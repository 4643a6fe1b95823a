"""What the buyer side does with business events: tell people (see outbox.registry)."""

from outbox.registry import NOTIFICATIONS, outbox_handler
from shop import notifications


@outbox_handler("order.placed", queue=NOTIFICATIONS, atomic=False)
def notify_order_placed(payload: dict) -> None:
    notifications.order_placed_notify(
        message_id=payload["_message_id"], order_id=payload["order_id"]
    )


@outbox_handler("order.paid", queue=NOTIFICATIONS, atomic=False)
def notify_order_paid(payload: dict) -> None:
    notifications.order_paid_notify(message_id=payload["_message_id"], order_id=payload["order_id"])


@outbox_handler("order.shipped", queue=NOTIFICATIONS, atomic=False)
def notify_order_shipped(payload: dict) -> None:
    notifications.order_shipped_notify(
        message_id=payload["_message_id"],
        order_id=payload["order_id"],
        shipping_event_id=payload["shipping_event_id"],
    )


@outbox_handler("order.cancelled", queue=NOTIFICATIONS, atomic=False)
def notify_order_cancelled(payload: dict) -> None:
    notifications.order_cancelled_notify(
        message_id=payload["_message_id"], order_id=payload["order_id"]
    )


@outbox_handler("stock.low", queue=NOTIFICATIONS, atomic=False)
def notify_stock_low(payload: dict) -> None:
    notifications.stock_low_notify(
        message_id=payload["_message_id"],
        stock_record_id=payload["stock_record_id"],
        available=payload["available"],
    )
