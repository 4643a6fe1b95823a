"""Reads of the supply side, scoped to what a user may see (tenancy)."""

from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q, QuerySet
from django.db.models.functions import Coalesce
from oscar.core.loading import get_model

from farmers.models import Household, Lot, Seller, StockAdjustment

StockRecord = get_model("partner", "StockRecord")


def sellers_for_user(*, user) -> QuerySet:
    """The sellers whose partner lists this user among its staff."""
    return Seller.objects.filter(partner__users=user).select_related("partner")


def stock_records_for_user(*, user) -> QuerySet:
    return (
        StockRecord.objects.filter(partner__users=user, partner__seller__isnull=False)
        .select_related("product", "partner__seller")
        .annotate(
            lot_count=Count("lots"),
            available=F("num_in_stock") - Coalesce(F("num_allocated"), 0),
            threshold=Coalesce(F("low_stock_threshold"), F("partner__seller__low_stock_threshold")),
        )
        .annotate(
            is_low=ExpressionWrapper(Q(available__lt=F("threshold")), output_field=BooleanField())
        )
        .order_by("partner__name", "partner_sku")
    )


def low_stock_records_for_user(*, user) -> QuerySet:
    """The user's stock records whose available units are below their threshold (the
    record's own, else the seller's), fewest available first."""
    return (
        stock_records_for_user(user=user)
        .filter(available__lt=F("threshold"))
        .order_by("available", "partner_sku")
    )


def lots_for_user(*, user, stock_record=None) -> QuerySet:
    lots = Lot.objects.filter(stock_record__partner__users=user).select_related(
        "stock_record__product", "household__village", "source"
    )
    if stock_record is not None:
        lots = lots.filter(stock_record=stock_record)
    return lots.order_by("-received_on", "-pk")


def adjustments_for_user(*, user, stock_record=None) -> QuerySet:
    adjustments = StockAdjustment.objects.filter(stock_record__partner__users=user).select_related(
        "stock_record__product", "recorded_by"
    )
    if stock_record is not None:
        adjustments = adjustments.filter(stock_record=stock_record)
    return adjustments.prefetch_related("lot_changes__lot")


def member_households(*, seller: Seller) -> QuerySet:
    """Members of a seller: what the seller's staff may see (no personal data)."""
    return (
        Household.objects.filter(memberships__seller=seller)
        .select_related("village")
        .only("code", "head_name", "industries", "is_leader", "village__name")
        .order_by("code")
    )
