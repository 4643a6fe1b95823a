"""Reads for the buyer side; every query that takes an enterprise stays inside it."""

import datetime
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from oscar.core.loading import get_model

from catalog.selectors import stockrecords_with_terms
from farmers.models import Village
from shop.models import (
    Enterprise,
    EnterpriseAddress,
    EnterpriseInvitation,
    EnterpriseMember,
    InvoiceRequest,
    PairingAgreement,
)
from shop.order.models import Order, PaymentStatus

Product = get_model("catalogue", "Product")


def membership_of(*, user) -> EnterpriseMember | None:
    if not user.is_authenticated:
        return None
    return EnterpriseMember.objects.select_related("enterprise").filter(user=user).first()


def orders_of_user(*, user) -> QuerySet:
    """The orders a user placed that are still theirs to open.

    An order placed for an enterprise belongs to the enterprise: once its
    buyer is no longer a member, it is no longer theirs (current membership,
    not who placed it, is what grants access). Orders without an enterprise
    stay with their buyer.
    """
    if not user.is_authenticated:
        return Order.objects.none()
    membership = membership_of(user=user)
    current = Q(enterprise__isnull=True)
    if membership is not None:
        current |= Q(enterprise_id=membership.enterprise_id)
    return Order.objects.filter(current, user=user)


def paired_village_ids(*, enterprise: Enterprise | None) -> set[int]:
    """Villages the enterprise is paired with: directly (村企同兴) or through their town (镇企同兴)."""
    if enterprise is None:
        return set()
    pairings = PairingAgreement.objects.filter(enterprise=enterprise)
    return set(
        Village.objects.filter(
            Q(pk__in=pairings.values("village")) | Q(town__in=pairings.values("town"))
        ).values_list("pk", flat=True)
    )


def paired_villages(*, enterprise: Enterprise) -> QuerySet:
    return Village.objects.filter(pk__in=paired_village_ids(enterprise=enterprise)).select_related(
        "town"
    )


def products_paired_first(*, enterprise: Enterprise | None) -> list:
    """Public products, those from the enterprise's paired villages first (and marked)."""
    paired = paired_village_ids(enterprise=enterprise)
    products = list(
        Product.objects.browsable()
        .select_related("origin_village", "seller__partner", "product_class")
        .prefetch_related(stockrecords_with_terms())
        .order_by("title", "pk")
    )
    for product in products:
        product.from_paired_village = product.origin_village_id in paired
    products.sort(key=lambda product: not product.from_paired_village)  # stable: title within
    return products


def enterprise_orders(*, enterprise: Enterprise) -> QuerySet:
    return (
        Order.objects.filter(enterprise=enterprise)
        .select_related("user", "invoice")
        .order_by("-date_placed", "-pk")
    )


def enterprise_order(*, enterprise: Enterprise, number: str) -> Order:
    """One order of this enterprise, or 404 — never another enterprise's."""
    return get_object_or_404(
        Order.objects.select_related("shipping_address", "user").prefetch_related(
            "lines", "transfers"
        ),
        enterprise=enterprise,
        number=number,
    )


def open_invitation(*, token: str):
    """The invitation this token opens, if not yet used; None otherwise."""
    return (
        EnterpriseInvitation.objects.select_related("enterprise", "invited_by")
        .filter(token=token, accepted_at__isnull=True)
        .first()
    )


def order_shipments(*, order: Order) -> QuerySet:
    """The order's shipments as the buyer sees them: when, carrier, tracking number, lines."""
    return (
        order.shipping_events.select_related("event_type")
        .prefetch_related("line_quantities__line")
        .order_by("date_created", "pk")
    )


def enterprise_invoices(*, enterprise: Enterprise) -> QuerySet:
    return InvoiceRequest.objects.filter(enterprise=enterprise).select_related("order")


def enterprise_invoice(*, enterprise: Enterprise, pk: int) -> InvoiceRequest:
    return get_object_or_404(enterprise_invoices(enterprise=enterprise), pk=pk)


def enterprise_address(*, enterprise: Enterprise, pk: int) -> EnterpriseAddress:
    return get_object_or_404(EnterpriseAddress, enterprise=enterprise, pk=pk)


def enterprise_member(*, enterprise: Enterprise, pk: int) -> EnterpriseMember:
    return get_object_or_404(
        EnterpriseMember.objects.select_related("user"), enterprise=enterprise, pk=pk
    )


def pledge_progress(*, enterprise: Enterprise, year: int | None = None) -> list[dict]:
    """Each pairing's yearly pledge against what the enterprise paid for this year."""
    year = year or datetime.date.today().year
    paid = Order.objects.filter(
        enterprise=enterprise,
        payment_status=PaymentStatus.PAID,
        date_placed__year=year,
    ).aggregate(total=Sum("total_incl_tax"))["total"] or Decimal("0.00")
    rows = []
    for pairing in PairingAgreement.objects.filter(enterprise=enterprise).select_related(
        "town", "village"
    ):
        share = (paid / pairing.yearly_pledge * 100) if pairing.yearly_pledge else Decimal(0)
        rows.append(
            {
                "pairing": pairing,
                "paid": paid,
                "percent": min(share, Decimal(100)).quantize(Decimal("0.1")),
            }
        )
    return rows


def orders_awaiting_transfer(*, query: str = "") -> QuerySet:
    """For the work team: bank-transfer orders not yet fully paid, oldest first; ``query``
    finds them by order number, PO number or enterprise name (what a bank slip shows)."""
    orders = Order.objects.filter(
        payment_method="bank_transfer",
        payment_status__in=[PaymentStatus.AWAITING, PaymentStatus.PARTIALLY_PAID],
    )
    query = query.strip()
    if query:
        orders = orders.filter(
            Q(number__icontains=query)
            | Q(po_number__icontains=query)
            | Q(enterprise__name__icontains=query)
        )
    return orders.select_related("enterprise").order_by("date_placed", "pk")
