"""Reconciliation: paid orders whose units are not all attributed, repaired where possible.

The outbox normally attributes an order within seconds of its payment. If a
message was lost beyond the relay's reach (say, a handler that kept failing
until its retries ran out), its order has paid lines without ledger rows. This
pass finds them from the "order.paid" messages of the last days, attributes
them again (idempotent: only lines without rows are touched), and leaves the
lines the lots cannot cover as shortfalls for the work team — then covers
those shortfalls from lots received since, as far as they go.
"""

import datetime
from dataclasses import dataclass

from django.db.models import F, Q, Sum
from django.utils import timezone
from oscar.core.loading import get_model

from farmers.models import AttributionShortfall
from farmers.services.attribution import order_attribute, shortfalls_cover
from outbox.models import OutboxMessage

Line = get_model("order", "Line")

PAID_TOPIC = "order.paid"


@dataclass(frozen=True)
class Reconciliation:
    orders_checked: int
    orders_repaired: int
    lines_short: int
    units_covered: int = 0


def lines_unattributed(*, order_ids: list[int]):
    """Paid lines with fewer sale units in the ledger than they sold, and no shortfall on record."""
    return (
        Line.objects.filter(order_id__in=order_ids, stockrecord__isnull=False)
        .annotate(attributed=Sum("attributions__units", filter=Q(attributions__kind="sale")))
        .filter(Q(attributed__isnull=True) | Q(attributed__lt=F("quantity")))
        .filter(attribution_shortfall__isnull=True)
    )


def attribution_reconcile(
    *, settle_after: datetime.timedelta, look_back: datetime.timedelta
) -> Reconciliation:
    now = timezone.now()
    paid = OutboxMessage.objects.filter(
        topic=PAID_TOPIC, created_at__lt=now - settle_after, created_at__gte=now - look_back
    ).values_list("payload", flat=True)
    order_ids = sorted({payload["order_id"] for payload in paid if "order_id" in payload})
    to_repair = sorted(
        set(lines_unattributed(order_ids=order_ids).values_list("order_id", flat=True))
    )
    for order_id in to_repair:
        order_attribute(order_id=order_id)
    covered = shortfalls_cover()  # lots received since may cover what was short
    return Reconciliation(
        orders_checked=len(order_ids),
        orders_repaired=len(to_repair),
        units_covered=covered,
        lines_short=AttributionShortfall.objects.filter(resolved_at__isnull=True).count(),
    )
