"""Oscar's order event handler, with shipping that moves lots and stock together."""

from django.db import transaction
from oscar.apps.order import exceptions
from oscar.apps.order.processing import EventHandler as OscarEventHandler

from farmers.errors import SupplyError
from farmers.services.shipping import LineToShip, lines_ship
from outbox.services import outbox_record

SHIPPED = "shipped"
"""The shipping event type that means the goods left: it consumes stock and lots."""


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
