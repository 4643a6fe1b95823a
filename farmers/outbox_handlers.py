"""What the supply side does with business events (see outbox.registry)."""

from farmers.services.attribution import order_attribute, order_attribution_reverse
from outbox.registry import ATTRIBUTION, outbox_handler


@outbox_handler("order.paid", queue=ATTRIBUTION)
def attribute_paid_order(payload: dict) -> None:
    order_attribute(order_id=payload["order_id"])


@outbox_handler("order.cancelled", queue=ATTRIBUTION)
def reverse_cancelled_order(payload: dict) -> None:
    order_attribution_reverse(order_id=payload["order_id"], cause="cancellation")


@outbox_handler("order.refunded", queue=ATTRIBUTION)
def reverse_refunded_units(payload: dict) -> None:
    """Reverse the refunded units; a refund of money only (no units named) moves no goods."""
    lines = payload.get("lines")
    if not lines:
        return
    # A refund implies a payment: make sure its sale rows exist before they are reversed,
    # whatever order the two events are handled in.
    order_attribute(order_id=payload["order_id"])
    order_attribution_reverse(
        order_id=payload["order_id"],
        cause=f"refund:{payload['refund_id']}",
        line_units={int(line_id): int(units) for line_id, units in lines.items()},
    )
