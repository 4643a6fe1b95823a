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
from farmers.models.settlement import (
    LotDisposal,
    Payee,
    PayeeChange,
    PayMethod,
    PayoutBatch,
    PayoutFileDownload,
    PayoutLine,
    PayoutReversal,
    SettlementSlip,
    SettlementTerms,
    SurplusAllocation,
    SurplusReturn,
    Terms,
)
from farmers.models.stock import AdjustmentLot, Lot, LotImport, LotShipment, StockAdjustment

__all__ = [
    "AdjustmentLot",
    "Attribution",
    "AttributionShortfall",
    "Household",
    "LedgerMonth",
    "Lot",
    "LotDisposal",
    "LotImport",
    "LotShipment",
    "Membership",
    "MonitoringCategory",
    "MonitoringPeriod",
    "OrderReach",
    "PayMethod",
    "Payee",
    "PayeeChange",
    "PayoutBatch",
    "PayoutFileDownload",
    "PayoutLine",
    "PayoutReversal",
    "PersonalDataReveal",
    "Seller",
    "SettlementSlip",
    "SettlementTerms",
    "StockAdjustment",
    "SurplusAllocation",
    "SurplusReturn",
    "Terms",
    "Town",
    "Village",
]
