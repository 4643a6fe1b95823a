from rest_framework import serializers

from farmers.models import Household, Lot, StockAdjustment


class StockRecordSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    sku = serializers.CharField(source="partner_sku", read_only=True)
    product = serializers.CharField(source="product.title", read_only=True)
    seller = serializers.CharField(source="partner.name", read_only=True)
    price = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    num_in_stock = serializers.IntegerField(read_only=True)
    num_allocated = serializers.IntegerField(read_only=True)
    available = serializers.IntegerField(read_only=True)
    low_stock_threshold = serializers.IntegerField(read_only=True, allow_null=True)
    lot_count = serializers.IntegerField(read_only=True)


class LotSerializer(serializers.ModelSerializer):
    household = serializers.SlugRelatedField(slug_field="code", read_only=True)
    farmgate_unit_price = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)

    class Meta:
        model = Lot
        fields = [
            "id",
            "stock_record",
            "household",
            "received_on",
            "units_received",
            "units_remaining",
            "farmgate_amount",
            "farmgate_unit_price",
            "trace_code",
            "certificate_number",
            "recorded_at",
        ]
        read_only_fields = fields


class IntakeSerializer(serializers.Serializer):
    household = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Household.objects.all(),
        help_text="Household code (e.g. H06); must be a member of the stock record's seller",
    )
    units = serializers.IntegerField(min_value=1)
    received_on = serializers.DateField()
    farmgate_amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True, min_value=0
    )
    farmgate_unit_price = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True, min_value=0
    )
    trace_code = serializers.CharField(max_length=64)
    certificate_number = serializers.CharField(
        max_length=64, required=False, default="", allow_blank=True
    )


class LotUnitsSerializer(serializers.Serializer):
    lot = serializers.IntegerField()
    units = serializers.IntegerField(min_value=1)


class AdjustmentSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(
        choices=[
            c for c in StockAdjustment.Reason.choices if c[0] != StockAdjustment.Reason.STOCKTAKE
        ]
    )
    units = serializers.IntegerField(min_value=1)
    lots = LotUnitsSerializer(many=True, required=False)
    note = serializers.CharField(max_length=255)


class StockTakeSerializer(serializers.Serializer):
    counted_units = serializers.IntegerField(min_value=0)
    note = serializers.CharField(max_length=255, required=False, default="", allow_blank=True)


class AdjustmentResultSerializer(serializers.ModelSerializer):
    lots = serializers.SerializerMethodField()

    class Meta:
        model = StockAdjustment
        fields = [
            "id",
            "stock_record",
            "reason",
            "delta",
            "counted_units",
            "units_before",
            "note",
            "recorded_at",
            "lots",
        ]
        read_only_fields = fields

    def get_lots(self, adjustment) -> list[dict]:
        return [{"lot": c.lot_id, "units": c.units} for c in adjustment.lot_changes.all()]
