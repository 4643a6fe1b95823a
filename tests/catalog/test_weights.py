from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from catalog.weights import price_per_jin, price_per_kg, weight_label


def test_water_chestnut_box_price_per_kg_and_jin():
    assert price_per_kg(Decimal("30.00"), 2500) == Decimal("12.00")
    assert price_per_jin(Decimal("30.00"), 2500) == Decimal("6.00")


def test_small_jar_is_dearer_per_kg_than_its_price():
    assert price_per_kg(Decimal("16.00"), 250) == Decimal("64.00")


def test_prices_round_half_up_to_the_fen():
    # 10 yuan for 3 kg: 3.333… per kg, 1.666… per jin
    assert price_per_kg(Decimal("10.00"), 3000) == Decimal("3.33")
    assert price_per_jin(Decimal("10.00"), 3000) == Decimal("1.67")


def test_unknown_weight_has_no_per_weight_price():
    assert price_per_kg(Decimal("10.00"), None) is None
    assert price_per_jin(None, 500) is None


def test_weight_labels():
    assert weight_label(500) == "500 g"
    assert weight_label(2500) == "2.5 kg"
    assert weight_label(10000) == "10 kg"


@given(
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999"), places=2),
    st.integers(min_value=1, max_value=100_000),
)
def test_jin_price_is_half_the_kg_price_within_a_fen(price, grams):
    per_kg = price_per_kg(price, grams)
    per_jin = price_per_jin(price, grams)
    assert abs(per_kg - 2 * per_jin) <= Decimal("0.01")
    assert per_kg.as_tuple().exponent == -2
