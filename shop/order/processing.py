"""Oscar's order event handler, with shipping that moves lots and stock together."""

from django.db import transaction
from oscar.apps.order import exceptions
from oscar.apps.order.processing import EventHandler as OscarEventHandler

from farmers.errors import SupplyError
from farmers.services.shipping import LineToShip, lines_ship
from outbox.services import outbox_record

SHIPPED = "shipped"
"""The shipping event type that means the goods left: it consumes stock and lots."""

CARRIERS = (
    "顺丰速运",
    "京东物流",
    "中国邮政 EMS",
    "中通快递",
    "圆通速递",
    "韵达快递",
    "申通快递",
    "德邦快递",
    "极兔速递",
    "商家自送",
)
"""Suggested when a seller ships (any other name may be typed)."""


class EventHandler(OscarEventHandler):
    def handle_shipping_event(self, order, event_type, lines, line_quantities, **kwargs):
        self.validate_shipping_event(order, event_type, lines, line_quantities, **kwargs)
        with transaction.atomic():
            if event_type.code == SHIPPED:
                try:
                    lines_ship(
                        lines=[
                            LineToShip(line.pk, qty)
                            for line, qty in zip(lines, line_quantities, strict=True)
                        ],
                        reference=kwargs.get("reference") or "",
                    )
                except SupplyError as error:
                    raise exceptions.InvalidShippingEvent(error.message) from error
            event = self.create_shipping_event(order, event_type, lines, line_quantities, **kwargs)
            if event_type.code == SHIPPED:
                outbox_record(
                    topic="order.shipped",
                    payload={"order_id": order.pk, "shipping_event_id": event.pk},
                )
        return event

    def create_shipping_event(self, order, event_type, lines, line_quantities, **kwargs):
        event = super().create_shipping_event(order, event_type, lines, line_quantities, **kwargs)
        carrier = (kwargs.get("carrier") or "").strip()
        if carrier:
            event.carrier = carrier[:64]
            event.save(update_fields=["carrier"])
        return event
