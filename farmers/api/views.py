"""The seller's REST API: the same services, validation and tenancy as the dashboard."""

from django.shortcuts import get_object_or_404
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


class LotList(generics.ListAPIView):
    """Lots of my stock records, newest first (``?stock_record=<id>`` to narrow)."""

    permission_classes = [IsAuthenticated, IsSellerStaff]
    serializer_class = LotSerializer

    def get_queryset(self):
        lots = lots_for_user(user=self.request.user)
        stock_record = self.request.query_params.get("stock_record")
        if stock_record:
            if not stock_record.isdigit():
                raise ValidationError({"stock_record": ["须为编号 / must be an id"]})
            lots = lots.filter(stock_record_id=stock_record)
        return lots


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
