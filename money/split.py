"""Split an amount over parts in proportion to whole-number weights, exact to the fen.

Largest remainder: each part gets its floor share in fen, and the fen left
over go one each to the parts with the largest remainders (ties to the
earlier part). The parts always sum to the total, and the same inputs always
give the same split.
"""

from decimal import ROUND_FLOOR, Decimal

FEN = Decimal("0.01")


def split_by_weights(total: Decimal, weights: list[int]) -> list[Decimal]:
    if not weights:
        raise ValueError("nothing to split over")
    if any(w < 0 for w in weights) or sum(weights) == 0:
        raise ValueError("weights must be non-negative and not all zero")
    if total != total.quantize(FEN):
        raise ValueError("the total must be exact to the fen")
    sign = -1 if total < 0 else 1
    fen = int((abs(total) / FEN).to_integral_value(rounding=ROUND_FLOOR))
    whole = sum(weights)
    floors = [fen * w // whole for w in weights]
    remainders = [fen * w % whole for w in weights]
    left = fen - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
    for i in order[:left]:
        floors[i] += 1
    return [sign * Decimal(part) * FEN for part in floors]


def to_fen(amount: Decimal) -> int:
    """Yuan exact to the fen as whole fen (refuses anything finer)."""
    fen = amount * 100
    if fen != fen.to_integral_value():
        raise ValueError(f"{amount} is not exact to the fen")
    return int(fen)


def from_fen(fen: int | None) -> Decimal:
    """Whole fen as yuan with two decimals."""
    return Decimal(fen or 0).scaleb(-2)
