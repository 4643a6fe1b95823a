"""Reads for the online payment pages."""

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from shop.online.models import PaymentAttempt
from shop.order.models import Order, PaymentMethod
from shop.selectors import membership_of


def buyer_order(*, user, number: str) -> Order:
    """The order if the user is a current member of its enterprise (or placed it, when it
    has no enterprise); 404 otherwise. A member removed from the enterprise loses it."""
    order = Order.objects.filter(number=number).select_related("enterprise").first()
    if order is None or not user.is_authenticated:
        raise Http404
    if order.enterprise_id is None:
        if order.user_id == user.pk:
            return order
        raise Http404
    membership = membership_of(user=user)
    if membership is not None and order.enterprise_id == membership.enterprise_id:
        return order
    raise Http404


def attempt_latest(*, order: Order) -> PaymentAttempt | None:
    return order.online_attempts.order_by("-number").first()


def online_orders() -> QuerySet:
    """Orders paid (or to be paid) online, those needing the team's review first."""
    flagged = PaymentAttempt.objects.filter(order=OuterRef("pk"), needs_review=True)
    return (
        Order.objects.filter(online_attempts__isnull=False)
        .distinct()
        .annotate(needs_review=Exists(flagged))
        .select_related("enterprise")
        .order_by("-needs_review", "-date_placed")
    )


def online_order_for_team(*, number: str) -> Order:
    order = Order.objects.filter(number=number).first()
    if order is None or (
        order.payment_method != PaymentMethod.ONLINE and not order.online_attempts.exists()
    ):
        raise Http404
    return order
