"""COSEM value types: date-time, date and time; OBIS codes; units and scaling."""

from dlmskit.cosem.dates import (
    DAY_LAST,
    DAY_SECOND_LAST,
    MONTH_DST_BEGIN,
    MONTH_DST_END,
    ClockStatus,
    Date,
    DateTime,
    DateTimeError,
    Time,
)
from dlmskit.cosem.obis import Obis, ObisError
from dlmskit.cosem.units import ScalerUnit, Unit, UnitError, scale, unit_of, unit_symbol

__all__ = [
    "DAY_LAST",
    "DAY_SECOND_LAST",
    "MONTH_DST_BEGIN",
    "MONTH_DST_END",
    "ClockStatus",
    "Date",
    "DateTime",
    "DateTimeError",
    "Obis",
    "ObisError",
    "ScalerUnit",
    "Time",
    "Unit",
    "UnitError",
    "scale",
    "unit_of",
    "unit_symbol",
]
