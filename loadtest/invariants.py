"""The invariants of DESIGN.md, checked on the run's database once the queues have drained.

1. No oversell: no stock record allocates more than it holds, and what it
   allocates is what the orders still open hold.
2. Lots and stock agree: a record's units equal its lots' units remaining;
   no lot has more units committed to sales than it has.
3. Every unit of every paid line is attributed exactly once, and a line's
   sales amounts sum to its total to the fen; unpaid lines have none.
4. One notification per recipient per event: one outbox event per order and
   topic, one record per event, type and recipient, and exactly as many
   e-mails at the SMTP server as records that say one was sent.
"""

import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from django.db import connections
from django.db.models import Count, F, Q, Sum
from oscar.core.loading import get_model

from farmers.models import AttributionShortfall, Lot
from farmers.services.stock import stock_lot_mismatches
from outbox.models import OutboxMessage
from shop.models import NotificationRecord

Line = get_model("order", "Line")
Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")

ORDER_TOPICS = ("order.placed", "order.paid")


@dataclass
class Findings:
    oversold: int = 0
    allocation_mismatches: int = 0
    stock_lot_mismatches: int = 0
    lots_overcommitted: int = 0
    paid_orders: int = 0
    paid_units: int = 0
    unattributed_units: int = 0
    over_attributed_units: int = 0
    attributed_unpaid_units: int = 0
    amount_mismatches: int = 0
    shortfalls: int = 0
    duplicate_notifications: int = 0
    missing_emails: int = 0
    emails_outcome_unknown: int = 0  # the worker or database was lost as the mail went
    outbox_pending: int = 0
    details: list[str] = field(default_factory=list)

    def holding(self) -> bool:
        return not (
            self.oversold
            or self.allocation_mismatches
            or self.stock_lot_mismatches
            or self.lots_overcommitted
            or self.unattributed_units
            or self.over_attributed_units
            or self.attributed_unpaid_units
            or self.amount_mismatches
            or self.shortfalls
            or self.duplicate_notifications
            or self.missing_emails
            or self.outbox_pending
        )

    def as_dict(self) -> dict:
        data = asdict(self)
        data["details"] = self.details[:20]
        return data


def outbox_pending() -> int:
    return OutboxMessage.objects.filter(handled_at__isnull=True).count()


def drain_wait(*, timeout: float, emails_received) -> float:
    """Wait until every outbox event is handled and every e-mail arrived; seconds waited."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        connections.close_all()  # a fresh session each time: the fault run ends sessions
        if outbox_pending() == 0 and emails_received() >= emailed_records():
            return time.monotonic() - start
        time.sleep(2)
    return time.monotonic() - start


def emailed_records() -> int:
    return NotificationRecord.objects.filter(emailed=True).count()


def _stock(f: Findings) -> None:
    open_lines = (
        Line.objects.exclude(order__status="Cancelled")
        .values("stockrecord_id")
        .annotate(units=Sum("quantity"))
    )
    held = {row["stockrecord_id"]: row["units"] for row in open_lines}
    for pk, in_stock, allocated in StockRecord.objects.values_list(
        "pk", "num_in_stock", "num_allocated"
    ):
        in_stock, allocated = in_stock or 0, allocated or 0
        if allocated > in_stock or in_stock < 0 or allocated < 0:
            f.oversold += 1
            f.details.append(f"stock record {pk}: {allocated} allocated of {in_stock}")
        if allocated != held.get(pk, 0):
            f.allocation_mismatches += 1
            f.details.append(
                f"stock record {pk}: allocated {allocated}, open lines hold {held.get(pk, 0)}"
            )
    mismatches = stock_lot_mismatches()
    f.stock_lot_mismatches = len(mismatches)
    f.details += [
        f"stock record {pk}: {n} in stock, lots hold {lots}" for pk, n, lots in mismatches
    ]
    f.lots_overcommitted = Lot.objects.filter(units_committed__gt=F("units_remaining")).count()


def _attribution(f: Findings) -> None:
    lines = Line.objects.annotate(
        attributed=Sum("attributions__units"),
        amount=Sum("attributions__sales_amount"),
    ).values_list(
        "pk", "order__payment_status", "quantity", "line_price_incl_tax", "attributed", "amount"
    )
    for pk, status, quantity, total, attributed, amount in lines:
        attributed = attributed or 0
        amount = amount or Decimal("0.00")
        if status == "paid":
            f.paid_units += quantity
            if attributed < quantity:
                f.unattributed_units += quantity - attributed
                f.details.append(f"line {pk}: {attributed} of {quantity} paid units attributed")
            elif attributed > quantity:
                f.over_attributed_units += attributed - quantity
                f.details.append(f"line {pk}: {attributed} units attributed, {quantity} sold")
            if attributed == quantity and amount != total:
                f.amount_mismatches += 1
                f.details.append(f"line {pk}: attributed ¥{amount}, line total ¥{total}")
        elif attributed:
            f.attributed_unpaid_units += attributed
            f.details.append(f"line {pk}: {attributed} units attributed, order {status}")
    f.paid_orders = Order.objects.filter(payment_status="paid").count()
    f.shortfalls = AttributionShortfall.objects.count()


def _notifications(f: Findings, emails_by_address: Counter) -> None:
    twice = (
        NotificationRecord.objects.values("message_id", "code", "recipient_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    f.duplicate_notifications += sum(row["n"] - 1 for row in twice)
    per_order = Counter(
        (topic, payload.get("order_id"))
        for topic, payload in OutboxMessage.objects.filter(topic__in=ORDER_TOPICS).values_list(
            "topic", "payload"
        )
    )
    f.duplicate_notifications += sum(n - 1 for n in per_order.values() if n > 1)
    # A notice whose e-mail outcome is unknown (email_pending) may have gone once or not at
    # all: it widens the allowed range by one, never further.
    emailed, unknown = Counter(), Counter()
    for email, sent, n in (
        NotificationRecord.objects.filter(Q(emailed=True) | Q(email_pending=True))
        .values_list("recipient__email", "emailed")
        .annotate(n=Count("pk"))
    ):
        (emailed if sent else unknown)[(email or "").lower()] += n
    f.emails_outcome_unknown = sum(unknown.values())
    for address in set(emailed) | set(unknown) | set(emails_by_address):
        got, least = emails_by_address.get(address, 0), emailed.get(address, 0)
        most = least + unknown.get(address, 0)
        if got > most:
            f.duplicate_notifications += got - most
            f.details.append(f"{address}: {got} e-mails for {least}–{most} notifications")
        elif got < least:
            f.missing_emails += least - got
            f.details.append(f"{address}: {got} e-mails for {least}–{most} notifications")


def invariants_check(*, emails_by_address: Counter, reconnect: bool = True) -> Findings:
    """``reconnect``: on fresh sessions (the fault run may have ended the old ones)."""
    if reconnect:
        connections.close_all()
    f = Findings()
    f.outbox_pending = outbox_pending()
    _stock(f)
    _attribution(f)
    _notifications(f, emails_by_address)
    if reconnect:
        connections.close_all()
    return f
