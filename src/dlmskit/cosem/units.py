"""Physical units of COSEM (Blue Book 4.3.2, "unit" enumeration) and scaler-unit scaling.

:class:`Unit` holds every unit the Blue Book defines (1..72, 128..174, 253..255) with its
symbol and quantity; codes the Blue Book reserves are still accepted everywhere as plain
ints (:func:`unit_symbol` names them ``"reserved(N)"``).

Scaling is exact: :func:`scale` turns an integer register value and its scaler into a
:class:`~decimal.Decimal` without float drift (``scale(280, -1) == Decimal("28.0")``).

Sources: DLMS UA Blue Book Ed. 12.2 excerpt, table "Enumerated values for physical units"
(codes 1-64); later editions add 65-72 and the imperial units 128-174, 253 and 254, as
listed identically by several public implementations.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import Decimal, localcontext

from dlmskit.errors import DlmsError

__all__ = ["ScalerUnit", "Unit", "UnitError", "scale", "unit_of", "unit_symbol"]


class UnitError(DlmsError, ValueError):
    """A unit code or scaler that does not fit its type."""


class Unit(enum.IntEnum):
    """The COSEM unit enumeration. ``Unit.WATT_HOUR.symbol == "Wh"``."""

    symbol: str
    quantity: str

    def __new__(cls, code: int, symbol: str, quantity: str) -> Unit:
        member = int.__new__(cls, code)
        member._value_ = code
        member.symbol = symbol
        member.quantity = quantity
        return member

    YEAR = 1, "a", "time (year)"
    MONTH = 2, "mo", "time (month)"
    WEEK = 3, "wk", "time (week)"
    DAY = 4, "d", "time (day)"
    HOUR = 5, "h", "time (hour)"
    MINUTE = 6, "min", "time (minute)"
    SECOND = 7, "s", "time (second)"
    DEGREE = 8, "°", "(phase) angle"
    DEGREE_CELSIUS = 9, "°C", "temperature"
    CURRENCY = 10, "currency", "(local) currency"
    METRE = 11, "m", "length"
    METRE_PER_SECOND = 12, "m/s", "speed"
    CUBIC_METRE = 13, "m³", "volume"
    CUBIC_METRE_CORRECTED = 14, "m³", "corrected volume"
    CUBIC_METRE_PER_HOUR = 15, "m³/h", "volume flux"
    CUBIC_METRE_PER_HOUR_CORRECTED = 16, "m³/h", "corrected volume flux"
    CUBIC_METRE_PER_DAY = 17, "m³/d", "volume flux"
    CUBIC_METRE_PER_DAY_CORRECTED = 18, "m³/d", "corrected volume flux"
    LITRE = 19, "l", "volume"
    KILOGRAM = 20, "kg", "mass"
    NEWTON = 21, "N", "force"
    NEWTON_METRE = 22, "Nm", "energy"
    PASCAL = 23, "Pa", "pressure"
    BAR = 24, "bar", "pressure"
    JOULE = 25, "J", "energy"
    JOULE_PER_HOUR = 26, "J/h", "thermal power"
    WATT = 27, "W", "active power"
    VOLT_AMPERE = 28, "VA", "apparent power"
    VAR = 29, "var", "reactive power"
    WATT_HOUR = 30, "Wh", "active energy"
    VOLT_AMPERE_HOUR = 31, "VAh", "apparent energy"
    VAR_HOUR = 32, "varh", "reactive energy"
    AMPERE = 33, "A", "current"
    COULOMB = 34, "C", "electrical charge"
    VOLT = 35, "V", "voltage"
    VOLT_PER_METRE = 36, "V/m", "electric field strength"
    FARAD = 37, "F", "capacitance"
    OHM = 38, "Ω", "resistance"
    OHM_METRE = 39, "Ωm²/m", "resistivity"
    WEBER = 40, "Wb", "magnetic flux"
    TESLA = 41, "T", "magnetic flux density"
    AMPERE_PER_METRE = 42, "A/m", "magnetic field strength"
    HENRY = 43, "H", "inductance"
    HERTZ = 44, "Hz", "frequency"
    PER_WATT_HOUR = 45, "1/(Wh)", "active energy meter constant or pulse value"
    PER_VAR_HOUR = 46, "1/(varh)", "reactive energy meter constant or pulse value"
    PER_VOLT_AMPERE_HOUR = 47, "1/(VAh)", "apparent energy meter constant or pulse value"
    VOLT_SQUARED_HOUR = 48, "V²h", "volt-squared hours"
    AMPERE_SQUARED_HOUR = 49, "A²h", "ampere-squared hours"
    KILOGRAM_PER_SECOND = 50, "kg/s", "mass flux"
    SIEMENS = 51, "S", "conductance"
    KELVIN = 52, "K", "temperature"
    PER_VOLT_SQUARED_HOUR = 53, "1/(V²h)", "volt-squared hour meter constant or pulse value"
    PER_AMPERE_SQUARED_HOUR = 54, "1/(A²h)", "ampere-squared hour meter constant or pulse value"
    PER_CUBIC_METRE = 55, "1/m³", "volume meter constant or pulse value"
    PERCENTAGE = 56, "%", "percentage"
    AMPERE_HOUR = 57, "Ah", "ampere-hours"
    WATT_HOUR_PER_CUBIC_METRE = 60, "Wh/m³", "energy per volume"
    JOULE_PER_CUBIC_METRE = 61, "J/m³", "calorific value, wobbe"
    MOLE_PERCENT = 62, "Mol %", "molar fraction of gas composition"
    GRAM_PER_CUBIC_METRE = 63, "g/m³", "mass density, quantity of material"
    PASCAL_SECOND = 64, "Pa s", "dynamic viscosity"
    JOULE_PER_KILOGRAM = 65, "J/kg", "specific energy"
    GRAM_PER_SQUARE_CENTIMETRE = 66, "g/cm²", "pressure"
    ATMOSPHERE = 67, "atm", "pressure"
    DECIBEL_MILLIWATT = 70, "dBm", "signal strength"
    DECIBEL_MICROVOLT = 71, "dBµV", "signal strength"
    DECIBEL = 72, "dB", "logarithmic ratio"
    INCH = 128, "in", "length"
    FOOT = 129, "ft", "length"
    POUND = 130, "lb", "mass"
    DEGREE_FAHRENHEIT = 131, "°F", "temperature"
    DEGREE_RANKINE = 132, "°R", "temperature"
    SQUARE_INCH = 133, "in²", "area"
    SQUARE_FOOT = 134, "ft²", "area"
    ACRE = 135, "ac", "area"
    CUBIC_INCH = 136, "in³", "volume"
    CUBIC_FOOT = 137, "ft³", "volume"
    ACRE_FOOT = 138, "ac-ft", "volume"
    GALLON_IMPERIAL = 139, "gal (UK)", "volume"
    GALLON_US = 140, "gal (US)", "volume"
    POUND_FORCE = 141, "lbf", "force"
    POUND_FORCE_PER_SQUARE_INCH = 142, "psi", "pressure"
    POUND_PER_CUBIC_FOOT = 143, "lb/ft³", "density"
    POUND_PER_FOOT_SECOND = 144, "lb/(ft s)", "dynamic viscosity"
    SQUARE_FOOT_PER_SECOND = 145, "ft²/s", "kinematic viscosity"
    BRITISH_THERMAL_UNIT = 146, "Btu", "energy"
    THERM_EU = 147, "thm (EC)", "energy"
    THERM_US = 148, "thm (US)", "energy"
    BTU_PER_POUND = 149, "Btu/lb", "calorific value of mass"
    BTU_PER_CUBIC_FOOT = 150, "Btu/ft³", "calorific value of volume"
    PER_CUBIC_FOOT = 151, "1/ft³", "volume meter constant or pulse value (cubic feet)"
    FOOT_PER_SECOND = 152, "ft/s", "speed"
    CUBIC_FOOT_PER_SECOND = 153, "ft³/s", "volume flux"
    CUBIC_FOOT_PER_MINUTE = 154, "ft³/min", "volume flux"
    CUBIC_FOOT_PER_HOUR = 155, "ft³/h", "volume flux"
    CUBIC_FOOT_PER_DAY = 156, "ft³/d", "volume flux"
    ACRE_FOOT_PER_SECOND = 157, "ac-ft/s", "volume flux"
    ACRE_FOOT_PER_MINUTE = 158, "ac-ft/min", "volume flux"
    ACRE_FOOT_PER_HOUR = 159, "ac-ft/h", "volume flux"
    ACRE_FOOT_PER_DAY = 160, "ac-ft/d", "volume flux"
    PER_GALLON_IMPERIAL = 161, "1/gal (UK)", "volume meter constant or pulse value (imp. gallon)"
    GALLON_IMPERIAL_PER_SECOND = 162, "gal (UK)/s", "volume flux"
    GALLON_IMPERIAL_PER_MINUTE = 163, "gal (UK)/min", "volume flux"
    GALLON_IMPERIAL_PER_HOUR = 164, "gal (UK)/h", "volume flux"
    GALLON_IMPERIAL_PER_DAY = 165, "gal (UK)/d", "volume flux"
    PER_GALLON_US = 166, "1/gal (US)", "volume meter constant or pulse value (US gallon)"
    GALLON_US_PER_SECOND = 167, "gal (US)/s", "volume flux"
    GALLON_US_PER_MINUTE = 168, "gal (US)/min", "volume flux"
    GALLON_US_PER_HOUR = 169, "gal (US)/h", "volume flux"
    GALLON_US_PER_DAY = 170, "gal (US)/d", "volume flux"
    BTU_PER_SECOND = 171, "Btu/s", "energy flow"
    BTU_PER_MINUTE = 172, "Btu/min", "energy flow"
    BTU_PER_HOUR = 173, "Btu/h", "energy flow"
    BTU_PER_DAY = 174, "Btu/d", "energy flow"
    EXTENDED_TABLE = 253, "", "extended table of units"
    OTHER = 254, "", "other unit"
    COUNT = 255, "", "no unit, unitless, count"

    def __str__(self) -> str:
        return self.symbol


_BY_CODE: dict[int, Unit] = {int(u): u for u in Unit}


def unit_of(code: int) -> Unit | int:
    """The :class:`Unit` for a code, or the plain int for a code the Blue Book reserves."""
    if not isinstance(code, int) or not 0 <= code <= 255:
        raise UnitError(f"a unit code is an enum 0..255, not {code!r}")
    return _BY_CODE.get(code, code)


def unit_symbol(code: int) -> str:
    """The symbol of any unit code 0..255 (``"reserved(N)"`` for reserved codes)."""
    unit = unit_of(code)
    return unit.symbol if isinstance(unit, Unit) else f"reserved({unit})"


def scale(value: int | float | Decimal, scaler: int) -> Decimal:
    """``value * 10**scaler``, exactly.

    Integers and Decimals are scaled without any rounding; a float is first taken at the
    decimal value of its shortest repr (so ``scale(0.1, 0) == Decimal("0.1")``).
    """
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise UnitError(f"only numbers can be scaled, not {type(value).__name__}")
    if not isinstance(scaler, int) or not -128 <= scaler <= 127:
        raise UnitError(f"a scaler is an integer -128..127, not {scaler!r}")
    if isinstance(value, int):
        return Decimal(f"{int(value)}E{scaler}") if scaler else Decimal(int(value))
    number = Decimal(repr(float(value))) if isinstance(value, float) else value
    if not number.is_finite() or scaler == 0:
        return number
    with localcontext() as ctx:
        # scaleb only moves the exponent; a wide context keeps every digit.
        ctx.prec = max(len(number.as_tuple().digits), 1) + 2
        ctx.Emax, ctx.Emin = 999_999, -999_999
        return number.scaleb(scaler)


@dataclass(frozen=True, slots=True)
class ScalerUnit:
    """The ``scal_unit_type`` of Register and its relatives: ``structure{integer, enum}``."""

    scaler: int
    unit: Unit | int

    def __post_init__(self) -> None:
        if isinstance(self.scaler, bool) or not isinstance(self.scaler, int):
            raise UnitError(f"a scaler is an integer -128..127, not {self.scaler!r}")
        if not -128 <= self.scaler <= 127:
            raise UnitError(f"a scaler is an integer -128..127, not {self.scaler}")
        object.__setattr__(self, "unit", unit_of(self.unit))

    def apply(self, value: int | float | Decimal) -> Decimal:
        """The physical value of a raw register value, exactly."""
        return scale(value, self.scaler)

    @property
    def symbol(self) -> str:
        return unit_symbol(int(self.unit))

    def __str__(self) -> str:
        return f"10^{self.scaler} {self.symbol}".rstrip()
