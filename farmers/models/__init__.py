"""The supply side: geography, households, sellers, lots and stock movements."""

from farmers.models.attribution import (
    Attribution,
    AttributionShortfall,
    LedgerMonth,
    OrderReach,
)
from farmers.models.geography import Town, Village
from farmers.models.households import (
    Household,
    MonitoringCategory,
    MonitoringPeriod,
    PersonalDataReveal,
)
from farmers.models.sellers import Membership, Seller
from farmers.models.stock import AdjustmentLot, Lot, LotImport, LotShipment, StockAdjustment

__all__ = [
    "AdjustmentLot",
    "Attribution",
    "AttributionShortfall",
    "Household",
    "LedgerMonth",
    "Lot",
    "LotImport",
    "LotShipment",
    "Membership",
    "MonitoringCategory",
    "MonitoringPeriod",
    "OrderReach",
    "PersonalDataReveal",
    "Seller",
    "StockAdjustment",
    "Town",
    "Village",
]
