"""The seller's REST API: the same services, validation and tenancy as the dashboard."""

import django_filters
from django import forms
from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from farmers.api.serializers import (
    AdjustmentResultSerializer,
    AdjustmentSerializer,
    IntakeSerializer,
    LotSerializer,
    StockRecordSerializer,
    StockTakeSerializer,
)
from farmers.errors import SupplyError
from farmers.models import Lot
from farmers.selectors import lots_for_user, stock_records_for_user
from farmers.services.stock import lot_receive, stock_adjust, stock_take


class IsSellerStaff(BasePermission):
    def has_permission(self, request, view):
        return request.user.has_perm("partner.dashboard_access")


def refused(error: SupplyError) -> ValidationError:
    return ValidationError({error.field or "non_field_errors": [error.message]})


class SellerAPIView(APIView):
    permission_classes = [IsAuthenticated, IsSellerStaff]

    def my_stock_record(self, pk: int):
        return get_object_or_404(stock_records_for_user(user=self.request.user), pk=pk)


class StockRecordList(generics.ListAPIView):
    """My stock records, with units in stock, allocated and available."""

    permission_classes = [IsAuthenticated, IsSellerStaff]
    serializer_class = StockRecordSerializer

    def get_queryset(self):
        return stock_records_for_user(user=self.request.user)


class IdFilter(django_filters.Filter):
    field_class = forms.IntegerField


class LotFilter(django_filters.FilterSet):
    """The lot list's query parameters (they appear in the OpenAPI schema)."""

    stock_record = IdFilter(
        field_name="stock_record_id",
        min_value=1,
        error_messages={
            "invalid": "须为编号 / must be an id",
            "min_value": "须为编号 / must be an id",
        },
        help_text="Only the lots of this stock record (its id).",
    )

    class Meta:
        model = Lot
        fields = ["stock_record"]


class LotList(generics.ListAPIView):
    """Lots of my stock records, newest first (``?stock_record=<id>`` to narrow)."""

    permission_classes = [IsAuthenticated, IsSellerStaff]
    serializer_class = LotSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = LotFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema is drawn without a user
            return Lot.objects.none()
        return lots_for_user(user=self.request.user)


class IntakeCreate(SellerAPIView):
    """Record that a member household delivered a lot; stock rises by its units."""

    @extend_schema(request=IntakeSerializer, responses={201: LotSerializer})
    def post(self, request, pk: int):
        stock_record = self.my_stock_record(pk)
        serializer = IntakeSerializer(data=request.data)
        if not serializer.is_valid():
            raise ValidationError(serializer.errors)
        data = serializer.validated_data
        try:
            lot = lot_receive(stock_record=stock_record, recorded_by=request.user, **data)
        except SupplyError as error:
            if error.field == "household":  # a household of another seller
                raise PermissionDenied(error.message) from error
            raise refused(error) from error
        return Response(LotSerializer(lot).data, status=status.HTTP_201_CREATED)


class AdjustmentCreate(SellerAPIView):
    """Take units out (damage, loss, correction), from the named lots or oldest first."""

    @extend_schema(request=AdjustmentSerializer, responses={201: AdjustmentResultSerializer})
    def post(self, request, pk: int):
        stock_record = self.my_stock_record(pk)
        serializer = AdjustmentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        lots = {item["lot"]: item["units"] for item in data.get("lots", [])}
        foreign = Lot.objects.filter(pk__in=list(lots)).exclude(stock_record=stock_record)
        if foreign.exists():
            raise PermissionDenied("批次不属于该库存 / a lot of another stock record")
        try:
            adjustment = stock_adjust(
                stock_record=stock_record,
                reason=data["reason"],
                units=data["units"],
                lots=lots or None,
                note=data["note"],
                recorded_by=request.user,
            )
        except SupplyError as error:
            raise refused(error) from error
        return Response(AdjustmentResultSerializer(adjustment).data, status=status.HTTP_201_CREATED)


class StockTakeCreate(SellerAPIView):
    """ "There are now N": recorded as a delta computed under a row lock."""

    @extend_schema(request=StockTakeSerializer, responses={201: AdjustmentResultSerializer})
    def post(self, request, pk: int):
        stock_record = self.my_stock_record(pk)
        serializer = StockTakeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            adjustment = stock_take(
                stock_record=stock_record, recorded_by=request.user, **serializer.validated_data
            )
        except SupplyError as error:
            raise refused(error) from error
        return Response(AdjustmentResultSerializer(adjustment).data, status=status.HTTP_201_CREATED)
