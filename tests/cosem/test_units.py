"""Units of the Blue Book and exact scaling."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dlmskit.cosem import ScalerUnit, Unit, UnitError, scale, unit_of, unit_symbol


def test_symbols_of_the_common_units() -> None:
    assert Unit.WATT_HOUR.symbol == "Wh" and int(Unit.WATT_HOUR) == 30
    assert Unit(27).symbol == "W"
    assert unit_symbol(33) == "A"
    assert unit_symbol(35) == "V"
    assert unit_symbol(44) == "Hz"
    assert unit_symbol(9) == "°C"
    assert unit_symbol(13) == "m³"
    assert unit_symbol(56) == "%"
    assert unit_symbol(255) == ""
    assert Unit.COUNT.quantity == "no unit, unitless, count"
    assert str(Unit.VAR_HOUR) == "varh"


def test_the_whole_enumeration() -> None:
    defined = {int(u) for u in Unit}
    assert defined == set(range(1, 58)) | set(range(60, 68)) | {70, 71, 72} | set(
        range(128, 175)
    ) | {253, 254, 255}
    for code in range(256):
        unit = unit_of(code)
        symbol = unit_symbol(code)
        if code in defined:
            assert isinstance(unit, Unit) and unit.quantity
        else:
            assert unit == code and symbol == f"reserved({code})"
    with pytest.raises(UnitError):
        unit_of(256)


@pytest.mark.parametrize(
    ("value", "scaler", "expected"),
    [
        (280, -1, "28.0"),
        (280, 0, "280"),
        (12345, -3, "12.345"),
        (7, 3, "7E+3"),
        (-5, -2, "-0.05"),
        (2**64 - 1, -2, "184467440737095516.15"),
        (0, -128, "0E-128"),
    ],
)
def test_scaling_is_exact(value: int, scaler: int, expected: str) -> None:
    result = scale(value, scaler)
    assert result == Decimal(expected)
    assert str(result) == expected


def test_floats_scale_at_their_shortest_repr() -> None:
    assert scale(0.1, 0) == Decimal("0.1")
    assert scale(230.7, -1) == Decimal("23.07")


def test_scaler_unit() -> None:
    su = ScalerUnit(-1, 35)
    assert su.unit is Unit.VOLT
    assert su.apply(2301) == Decimal("230.1")
    assert su.symbol == "V"
    assert str(su) == "10^-1 V"
    assert ScalerUnit(0, 100).unit == 100  # reserved code kept as int
    with pytest.raises(UnitError):
        ScalerUnit(128, 30)
    with pytest.raises(UnitError):
        scale(True, 0)
    with pytest.raises(UnitError):
        scale(1, 200)


@given(st.integers(-(2**63), 2**64), st.integers(-128, 127))
def test_scaling_never_drifts(value: int, scaler: int) -> None:
    result = scale(value, scaler)
    assert result.scaleb(-scaler) == value
    assert result.as_tuple().exponent == scaler or value == 0 or scaler == 0
