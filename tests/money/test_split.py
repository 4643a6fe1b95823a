from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from money.split import split_by_weights


def test_remainders_go_to_the_largest_remainders_first():
    assert split_by_weights(Decimal("100.00"), [1, 1, 1]) == [
        Decimal("33.34"),
        Decimal("33.33"),
        Decimal("33.33"),
    ]
    assert split_by_weights(Decimal("10.00"), [3, 7]) == [Decimal("3.00"), Decimal("7.00")]
    assert split_by_weights(Decimal("0.05"), [1, 2, 3]) == [
        Decimal("0.01"),
        Decimal("0.02"),
        Decimal("0.02"),
    ]


def test_negative_totals_split_the_same_way():
    assert split_by_weights(Decimal("-100.00"), [1, 1, 1]) == [
        Decimal("-33.34"),
        Decimal("-33.33"),
        Decimal("-33.33"),
    ]


@pytest.mark.parametrize("weights", [[], [0, 0], [1, -1]])
def test_bad_weights(weights):
    with pytest.raises(ValueError):
        split_by_weights(Decimal("1.00"), weights)


def test_total_must_be_exact_to_the_fen():
    with pytest.raises(ValueError):
        split_by_weights(Decimal("1.005"), [1])


@given(
    st.decimals(min_value=Decimal("-1000000"), max_value=Decimal("1000000"), places=2),
    st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=30).filter(any),
)
def test_parts_sum_to_the_total_and_stay_within_a_fen_of_their_share(total, weights):
    parts = split_by_weights(total, weights)
    assert sum(parts) == total
    whole = sum(weights)
    for part, weight in zip(parts, weights, strict=True):
        assert abs(part - total * weight / whole) < Decimal("0.01")
        assert part == part.quantize(Decimal("0.01"))
    assert split_by_weights(total, weights) == parts  # deterministic


def test_fen_round_trip_and_refusal():
    from money.split import from_fen, to_fen

    assert to_fen(Decimal("12.34")) == 1234 and to_fen(Decimal("-0.05")) == -5
    assert from_fen(1234) == Decimal("12.34") and from_fen(None) == Decimal("0.00")
    with pytest.raises(ValueError):
        to_fen(Decimal("0.001"))
