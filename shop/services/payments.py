"""Bank transfers (对公转账): what the work team saw arrive, and orders never paid."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from outbox.errors import PermanentError
from outbox.services import outbox_record
from shop.models import InvoiceRequest, TransferReceipt
from shop.order.models import Order, PaymentMethod, PaymentStatus
from shop.payment_sources import order_payment_source

Transaction = get_model("payment", "Transaction")
StockRecord = get_model("partner", "StockRecord")
Line = get_model("order", "Line")

PAID_ORDER_STATUS = "Being processed"
CANCELLED_ORDER_STATUS = "Cancelled"


class PaymentRefused(PermanentError):
    """A transfer or cancellation that cannot be applied; the message says why."""


@dataclass(frozen=True)
class Payee:
    name: str
    bank: str
    account: str


def payee() -> Payee:
    return Payee(
        name=settings.TAIBAO_PAYEE_NAME,
        bank=settings.TAIBAO_PAYEE_BANK,
        account=settings.TAIBAO_PAYEE_ACCOUNT,
    )


def payment_due_by(*, order: Order) -> datetime.date:
    placed = timezone.localdate(order.date_placed)
    return placed + datetime.timedelta(days=settings.TAIBAO_UNPAID_ORDER_DAYS)


@dataclass(frozen=True)
class TransferOutcome:
    receipt: TransferReceipt
    order: Order
    became_paid: bool
    overpaid_by: Decimal


def transfer_record(
    *,
    order_id: int,
    amount: Decimal,
    received_on: datetime.date,
    bank_reference: str,
    recorded_by,
) -> TransferOutcome:
    """Add a received transfer to an order; partial transfers add up, and cover it in the end."""
    bank_reference = bank_reference.strip()
    if amount <= 0:
        raise PaymentRefused(_("The amount must be more than zero."))
    if not bank_reference:
        raise PaymentRefused(_("Enter the bank's reference of the transfer."))
    with transaction.atomic():
        order = Order.objects.select_for_update(of=("self",)).get(pk=order_id)
        if order.payment_method != PaymentMethod.BANK_TRANSFER:
            raise PaymentRefused(_("This order is not paid by bank transfer."))
        if order.payment_status == PaymentStatus.CANCELLED:
            raise PaymentRefused(
                _("Order %(number)s was cancelled; return the transfer to the payer.")
                % {"number": order.number}
            )
        if TransferReceipt.objects.filter(order=order, bank_reference=bank_reference).exists():
            raise PaymentRefused(
                _("Transfer %(reference)s is already recorded for this order.")
                % {"reference": bank_reference}
            )
        receipt = TransferReceipt.objects.create(
            order=order,
            amount=amount,
            received_on=received_on,
            bank_reference=bank_reference,
            recorded_by=recorded_by,
        )
        order.amount_received += amount
        became_paid = False
        if order.amount_received >= order.total_incl_tax:
            if order.payment_status != PaymentStatus.PAID:
                became_paid = True
                order.payment_status = PaymentStatus.PAID
                order.paid_at = timezone.now()
        else:
            order.payment_status = PaymentStatus.PARTIALLY_PAID
        order.save(update_fields=["amount_received", "payment_status", "paid_at"])
        source = order_payment_source(order=order, method=PaymentMethod.BANK_TRANSFER)
        source.debit(amount, reference=bank_reference, status="received")
        if became_paid:
            if (
                order.status in settings.OSCAR_ORDER_STATUS_PIPELINE
                and PAID_ORDER_STATUS in (settings.OSCAR_ORDER_STATUS_PIPELINE[order.status])
            ):
                order.set_status(PAID_ORDER_STATUS)
            outbox_record(topic="order.paid", payload={"order_id": order.pk})
    return TransferOutcome(
        receipt=receipt, order=order, became_paid=became_paid, overpaid_by=order.amount_overpaid
    )


def _release_allocations(order: Order) -> None:
    """Give the order's allocated units back to stock, locking rows in primary-key order."""
    lines = list(order.lines.filter(num_allocated__gt=0, stockrecord__isnull=False))
    if not lines:
        return
    by_record: dict[int, int] = {}
    for line in lines:
        by_record[line.stockrecord_id] = by_record.get(line.stockrecord_id, 0) + line.num_allocated
    records = list(
        StockRecord.objects.select_for_update(of=("self",))
        .filter(pk__in=by_record)
        .order_by("pk")
        .only("pk", "num_allocated")
    )
    for record in records:
        record.num_allocated = F("num_allocated") - min(record.num_allocated, by_record[record.pk])
    StockRecord.objects.bulk_update(records, ["num_allocated"])
    for line in lines:
        line.allocation_cancelled = True
        line.num_allocated = 0
    Line.objects.bulk_update(lines, ["allocation_cancelled", "num_allocated"])


def order_cancel(*, order_id: int, reason: str) -> Order:
    """Cancel an order nobody has paid anything for yet, and release its stock."""
    with transaction.atomic():
        order = Order.objects.select_for_update(of=("self",)).get(pk=order_id)
        if order.payment_status == PaymentStatus.CANCELLED:
            return order
        if order.payment_status != PaymentStatus.AWAITING or order.amount_received > 0:
            raise PaymentRefused(
                _("Order %(number)s has payments recorded; the work team must settle it.")
                % {"number": order.number}
            )
        _release_allocations(order)
        order.payment_status = PaymentStatus.CANCELLED
        order.cancelled_at = timezone.now()
        order.save(update_fields=["payment_status", "cancelled_at"])
        if order.status != CANCELLED_ORDER_STATUS:
            order.set_status(CANCELLED_ORDER_STATUS)
        order.notes.create(note_type="System", message=reason)
        InvoiceRequest.objects.filter(order=order).update(status=InvoiceRequest.Status.CANCELLED)
        outbox_record(topic="order.cancelled", payload={"order_id": order.pk})
    return order


def orders_cancel_unpaid(
    *, older_than_days: int, now: datetime.datetime | None = None
) -> list[int]:
    """Cancel bank-transfer orders still wholly unpaid after the given number of days.

    Partly paid orders are left for the work team: money has arrived.
    """
    cutoff = (now or timezone.now()) - datetime.timedelta(days=older_than_days)
    candidates = Order.objects.filter(
        payment_method=PaymentMethod.BANK_TRANSFER,
        payment_status=PaymentStatus.AWAITING,
        amount_received=0,
        date_placed__lt=cutoff,
    ).values_list("pk", flat=True)
    cancelled = []
    for order_id in list(candidates):
        try:
            order_cancel(
                order_id=order_id,
                reason=f"Not paid within {older_than_days} days; cancelled automatically.",
            )
        except PaymentRefused:
            continue  # a transfer was recorded meanwhile
        cancelled.append(order_id)
    return cancelled
