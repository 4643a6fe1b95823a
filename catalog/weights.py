"""Prices per unit of weight. Display only: the price charged is per sales unit."""

from decimal import ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")
GRAMS_PER_KG = 1000
GRAMS_PER_JIN = 500


def price_per_grams(unit_price: Decimal, net_weight_g: int, grams: int) -> Decimal | None:
    """The price of ``grams`` of produce sold at ``unit_price`` per ``net_weight_g``."""
    if unit_price is None or not net_weight_g:
        return None
    return (Decimal(unit_price) * grams / net_weight_g).quantize(FEN, rounding=ROUND_HALF_UP)


def price_per_kg(unit_price: Decimal, net_weight_g: int) -> Decimal | None:
    return price_per_grams(unit_price, net_weight_g, GRAMS_PER_KG)


def price_per_jin(unit_price: Decimal, net_weight_g: int) -> Decimal | None:
    return price_per_grams(unit_price, net_weight_g, GRAMS_PER_JIN)


def weight_label(net_weight_g: int) -> str:
    """500 → '500 g', 2500 → '2.5 kg'."""
    if net_weight_g >= GRAMS_PER_KG:
        kg = Decimal(net_weight_g) / GRAMS_PER_KG
        return f"{kg.normalize():f} kg"
    return f"{net_weight_g} g"
