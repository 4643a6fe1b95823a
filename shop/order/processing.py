"""Oscar's order event handler, with shipping that moves lots and stock together."""

from oscar.apps.order import exceptions
from oscar.apps.order.processing import EventHandler as OscarEventHandler

from farmers.errors import SupplyError
from farmers.services.shipping import LineToShip, lines_ship
from outbox.services import outbox_record


class EventHandler(OscarEventHandler):
    def handle_shipping_event(self, order, event_type, lines, line_quantities, **kwargs):
        self.validate_shipping_event(order, event_type, lines, line_quantities, **kwargs)
        reference = kwargs.get("reference") or ""
        try:
            lines_ship(
                lines=[
                    LineToShip(line.pk, qty)
                    for line, qty in zip(lines, line_quantities, strict=True)
                ],
                reference=reference,
            )
        except SupplyError as error:
            raise exceptions.InvalidShippingEvent(error.message) from error
        event = self.create_shipping_event(order, event_type, lines, line_quantities, **kwargs)
        outbox_record(
            topic="order.shipped", payload={"order_id": order.pk, "shipping_event_id": event.pk}
        )
        return event
