"""Plain-words English descriptions of commonly used OBIS codes.

:func:`describe` turns an :class:`~dlmskit.cosem.obis.Obis` into a short description such as
``"Active energy import (+A), tariff 1"`` or ``"Voltage L1, instantaneous value"``, or returns
None when the code is not one it can describe with confidence. The descriptions are built from
rules over the value groups (medium A, quantity C, processing D, tariff/instance E, billing
period F), not from a list of whole codes::

    >>> describe(Obis.parse("1-0:1.8.0*255"))
    'Active energy import (+A), total'
    >>> describe(Obis.parse("0-0:40.0.0*255"))
    'Current association'

Codes in a manufacturer-specific range (any of B to F) give :data:`MANUFACTURER_SPECIFIC`,
channels B 65..127 of abstract, electricity and gas codes give :data:`UTILITY_SPECIFIC`.
"""

# Sources of the facts (meanings of the value groups); the wording and the code are our own.
# * DLMS UA 1000-1 "Blue Book" (COSEM interface classes and OBIS identification system), OBIS
#   chapter, and IEC 62056-6-1 (OBIS), through the following public transcriptions:
#   - the OBIS code list of the Gurux DLMS libraries (Development/OBISCodes.txt and the value
#     group C names in Development/Gurux.DLMS.GXStandardObisCodeCollection.pas of
#     github.com/Gurux/Gurux.DLMS.Delphi; GPL-2.0, read for facts only, nothing copied): value
#     group C/D/E/F meanings for electricity, the abstract objects (clock, associations, setup
#     objects, scripts, schedules, identifiers, event logs, profiles), gas index and flow rate
#     codes, and the manufacturer-specific, utility-specific and inactive ranges;
#   - solosTec/node, src/main/src/sml/obis.cpp (MIT): abstract value group C, gas C = 1..3, heat
#     cost allocator C = 1..7, manufacturer-specific ranges (B 128..199, C 128..199 and 240,
#     D/E/F 128..254);
#   - GB/T 17215.6 (the Chinese adoption of IEC 62056-6-1), clause 3.2 as summarised at
#     blog.csdn.net/huaqianzkh/article/details/140831555: manufacturer-specific values may be
#     used in any of the value groups B to F.
# * EN 13757-1 (heat, cooling, heat cost allocators, water):
#   - KBR "OBIS code system - water" (www.kbr.de/en/obis-code-system/water-cold, based on
#     DIN EN 13757-1:2015): water value groups C (1 volume, 2 flow rate, 3 flow temperature),
#     D (0 current value .. 6 test value) and E (0 total, n tariff n);
#   - TRuDI (github.com/OpenChargingCloud/trudi-public, src/TRuDI.Models/ObisIdExtensions.cs):
#     heat/cooling C = 1, 2, 8, 9, 10, 11; water C = 1, 2; heat cost allocator C = 1; gas
#     7-0:3.0.0 (volume at measuring conditions), 7-0:3.1.0 (temperature-converted volume);
#     phase angles 1-0:81.7.E.
# * Cross-checks: the DSMR P1 telegram examples in Ondeugd/smeterd (OBIS-raw-data-explained.md),
#   e.g. 0-0:96.7.21, 0-0:96.14.0, 1-0:32.32.0, 1-0:99.97.0, 0-n:24.1.0.
#
# Deliberately left out (no source that backs a meaning): electricity C = 84..87 (power
# factor "-"), gas volume C other than 1..3 and gas process values C = 41, 42, 44..49, heat and
# water quantities other than those listed above, the meaning of the time integrals beyond
# their standard names, and value group F of EN 13757-1 media (only F = 255 is described).

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Final, NamedTuple

from dlmskit.cosem.obis import Obis

__all__ = ["MANUFACTURER_SPECIFIC", "UTILITY_SPECIFIC", "describe"]

MANUFACTURER_SPECIFIC: Final = "Manufacturer specific"
UTILITY_SPECIFIC: Final = "Utility specific"

_NOT_USED: Final = 255  # the "not used" / "current value" marker of value groups E and F


def describe(obis: Obis) -> str | None:
    """A plain-words description of ``obis``, or None when it has no known meaning."""
    handler = _MEDIA.get(obis.a)
    if handler is None:
        return None
    if _is_manufacturer_specific(obis):
        return MANUFACTURER_SPECIFIC
    if obis.a in (0, 1, 7) and 65 <= obis.b <= 127:
        return UTILITY_SPECIFIC
    if obis.b > 64:  # 200..255: reserved
        return None
    return handler(obis)


def _is_manufacturer_specific(obis: Obis) -> bool:
    """A value in the manufacturer-specific range of any of value groups B to F."""
    return (
        128 <= obis.b <= 199
        or 128 <= obis.c <= 199
        or obis.c == 240
        or any(128 <= value <= 254 for value in (obis.d, obis.e, obis.f))
    )


# --------------------------------------------------------------------------- helpers


def _join(*parts: str) -> str:
    return ", ".join(part for part in parts if part)


def _tariff(e: int) -> str | None:
    """Value group E of energy and demand registers: 0 is the total, 1..63 a tariff (rate)."""
    if e == 0:
        return "total"
    return f"tariff {e}" if e <= 63 else None


def _billing_period(f: int) -> str | None:
    """Value group F of registers and profiles: "" for the current value, None if undefined."""
    if f == _NOT_USED:
        return ""
    if f <= 99:
        return f"historical value of billing period {f}"
    if f == 101:
        return "historical value of the most recent billing period"
    if 102 <= f <= 125:
        return f"historical values of the {f - 100} most recent billing periods"
    if f == 126:
        return "historical values of an unspecified number of most recent billing periods"
    return None


class _Numbered(NamedTuple):
    """Objects of one kind told apart by value group E (from ``first_e`` to ``last_e``)."""

    name: str
    first_number: int = 1  # the number of the instance at E = first_e
    first_e: int = 0
    last_e: int = 127

    def describe(self, e: int) -> str | None:
        if not self.first_e <= e <= self.last_e:
            return None
        number = e - self.first_e + self.first_number
        if "{n}" in self.name:
            return self.name.format(n=number)
        return self.name if e == self.first_e else f"{self.name} #{number}"


def _lookup(
    obis: Obis,
    names: Mapping[tuple[int, int, int], str],
    numbered: Mapping[tuple[int, int], tuple[_Numbered, ...]],
) -> str | None:
    """Fixed names by (C, D, E), then numbered instances by (C, D); F must be 255."""
    if obis.f != _NOT_USED:
        return None
    name = names.get((obis.c, obis.d, obis.e))
    if name is not None:
        return name
    for kind in numbered.get((obis.c, obis.d), ()):
        text = kind.describe(obis.e)
        if text is not None:
            return text
    return None


# ------------------------------------------------- shared by abstract, electricity and gas

_SCHEME_2: Final = " (scheme 2)"
_BILLING_PERIOD_OBJECTS: Final[Mapping[int, tuple[str, str]]] = {
    # E of X-B:0.1.E: (kind, billing period scheme suffix)
    0: ("Billing period counter", ""),
    1: ("Number of available billing periods", ""),
    2: ("Time stamp of the billing period", ""),
    3: ("Billing period counter", _SCHEME_2),
    4: ("Number of available billing periods", _SCHEME_2),
    5: ("Time stamp of the billing period", _SCHEME_2),
}


def _billing_period_object(obis: Obis) -> str | None:
    """X-B:0.1.E*F -- billing period counters and time stamps (schemes 1 and 2)."""
    entry = _BILLING_PERIOD_OBJECTS.get(obis.e)
    if entry is None:
        return None
    kind, scheme = entry
    if obis.e in (1, 4):  # number of available billing periods: no history
        return kind + scheme if obis.f == _NOT_USED else None
    if obis.e in (2, 5):  # time stamps
        if obis.f == _NOT_USED:
            return f"Time stamp of the most recent billing period closed{scheme}"
        return f"{kind} {obis.f}{scheme}" if obis.f <= 99 else None
    if obis.f == _NOT_USED or obis.f <= 99:
        return _join(kind + scheme, _billing_period(obis.f) or "")
    return None


_BILLING_DATA: Final[Mapping[int, str]] = {
    1: "Data of billing period (billing profile), scheme 1",
    2: "Data of billing period (billing profile), scheme 2",
    10: "Register table, general use",
}


def _billing_data(obis: Obis) -> str | None:
    """X-B:98.D.E*F -- data of billing periods (profiles) and register tables."""
    name = _BILLING_DATA.get(obis.d)
    period = _billing_period(obis.f)
    if name is None or obis.e > 127 or period is None:
        return None
    return _join(name if obis.e == 0 else f"{name} #{obis.e + 1}", period)


def _common(obis: Obis) -> str | None:
    """Codes that abstract (A=0), electricity (A=1) and gas (A=7) share."""
    if obis.c == 0 and obis.d == 1:
        return _billing_period_object(obis)
    if obis.c == 0 and obis.d == 9 and obis.e in (1, 2) and obis.f == _NOT_USED:
        return "Local time" if obis.e == 1 else "Local date"
    if obis.c == 0 and obis.d == 2 and obis.e == 8 and obis.f == _NOT_USED:
        return "Active firmware signature"
    if obis.c == 94:
        return "Country specific identifier"
    if obis.c == 96 and 50 <= obis.d <= 99:
        return MANUFACTURER_SPECIFIC
    if obis.c == 97 and obis.d == 97 and obis.f == _NOT_USED:
        if obis.e == _NOT_USED:
            return "Error profile"
        return _Numbered("Error object", last_e=9).describe(obis.e)
    if obis.c == 99 and obis.d == 98 and obis.f == _NOT_USED:
        return _Numbered("Event log").describe(obis.e)
    if obis.c == 127:
        return "Inactive object"
    return None


# ------------------------------------------------------------------ abstract objects (A=0)

_ABSTRACT_NAMES: Final[Mapping[tuple[int, int, int], str]] = {
    (0, 2, 0): "Active firmware identifier",
    (0, 2, 1): "Active firmware version",
    (1, 0, 0): "Clock",
    (2, 0, 0): "Modem configuration",
    (2, 1, 0): "Auto connect",
    (2, 2, 0): "Auto answer",
    (20, 0, 0): "IEC optical port setup",
    (20, 0, 1): "IEC electrical port setup",
    (21, 0, 0): "General local port readout",
    (21, 0, 1): "General display readout",
    (21, 0, 2): "Alternate display readout",
    (21, 0, 3): "Service display readout",
    (21, 0, 4): "List of configurable meter data",
    (22, 0, 0): "IEC HDLC setup",
    (23, 0, 0): "IEC twisted pair (1) setup",
    (23, 0, 1): "IEC twisted pair MAC address setup",
    (23, 0, 2): "IEC twisted pair fatal error register",
    (23, 3, 0): "IEC 62056-3-1 short readout",
    (23, 3, 1): "IEC 62056-3-1 long readout",
    (24, 0, 0): "M-Bus slave port setup",
    (24, 4, 0): "M-Bus disconnect control",
    (24, 5, 0): "M-Bus control log",
    (24, 6, 0): "M-Bus master port setup",
    (25, 0, 0): "TCP-UDP setup",
    (25, 1, 0): "IPv4 setup",
    (25, 2, 0): "MAC address setup",
    (25, 3, 0): "PPP setup",
    (25, 4, 0): "GPRS modem setup",
    (25, 5, 0): "SMTP setup",
    (25, 6, 0): "GSM diagnostic",
    (25, 7, 0): "IPv6 setup",
    (25, 9, 0): "Push setup",
    (26, 0, 0): "S-FSK PLC physical and MAC layer setup",
    (26, 1, 0): "S-FSK PLC active initiator",
    (26, 2, 0): "S-FSK PLC MAC synchronisation timeouts",
    (26, 3, 0): "S-FSK PLC MAC counters",
    (26, 5, 0): "IEC 61334-4-32 LLC setup",
    (26, 6, 0): "S-FSK PLC reporting system list",
    (27, 0, 0): "ISO/IEC 8802-2 LLC type 1 setup",
    (27, 1, 0): "ISO/IEC 8802-2 LLC type 2 setup",
    (27, 2, 0): "ISO/IEC 8802-2 LLC type 3 setup",
    (28, 0, 0): "IEC 61334-4-32 LLC SSCS setup",
    (28, 1, 0): "PRIME NB OFDM PLC physical layer counters",
    (28, 2, 0): "PRIME NB OFDM PLC MAC setup",
    (28, 3, 0): "PRIME NB OFDM PLC MAC functional parameters",
    (28, 4, 0): "PRIME NB OFDM PLC MAC counters",
    (28, 5, 0): "PRIME NB OFDM PLC MAC network administration data",
    (28, 6, 0): "PRIME NB OFDM PLC MAC address setup",
    (28, 7, 0): "PRIME NB OFDM PLC application identification",
    (29, 0, 0): "G3-PLC MAC layer counters",
    (29, 1, 0): "G3-PLC MAC setup",
    (29, 2, 0): "G3-PLC 6LoWPAN adaptation layer setup",
    (31, 0, 0): "Wireless Mode Q channel",
    (40, 0, 0): "Current association",
    (41, 0, 0): "SAP assignment",
    (42, 0, 0): "COSEM logical device name",
    (96, 1, 0): "Device ID 1 (manufacturing number)",
    (96, 1, 10): "Metering point ID",
    (96, 1, 255): "Complete device ID",
    (96, 2, 0): "Number of configuration program changes",
    (96, 2, 1): "Date of last configuration program change",
    (96, 2, 2): "Date of last time switch program change",
    (96, 2, 3): "Date of last ripple control receiver program change",
    (96, 2, 4): "Status of security switches",
    (96, 2, 5): "Date of last calibration",
    (96, 2, 6): "Date of next configuration program change",
    (96, 2, 7): "Date of activation of the passive calendar",
    (96, 2, 10): "Number of protected configuration program changes",
    (96, 2, 11): "Date of last protected configuration program change",
    (96, 2, 12): "Date of last clock synchronisation or setting",
    (96, 2, 13): "Date of last firmware activation",
    (96, 3, 0): "State of input/output control signals, global",
    (96, 3, 1): "State of the input control signals",
    (96, 3, 2): "State of the output control signals",
    (96, 3, 10): "Disconnect control",
    (96, 4, 0): "State of the internal control signals, global",
    (96, 5, 0): "Internal operating status, global",
    (96, 6, 0): "Battery use time counter",
    (96, 6, 1): "Battery charge display",
    (96, 6, 2): "Date of next battery change",
    (96, 6, 3): "Battery voltage",
    (96, 6, 4): "Battery initial capacity",
    (96, 6, 5): "Battery installation date and time",
    (96, 6, 6): "Battery estimated remaining use time",
    (96, 6, 10): "Auxiliary supply use time counter",
    (96, 6, 11): "Auxiliary supply voltage (measured)",
    (96, 8, 0): "Time of operation, total",
    (96, 9, 0): "Ambient temperature",
    (96, 9, 1): "Ambient pressure",
    (96, 9, 2): "Relative humidity",
    (96, 12, 1): "Number of connections (communication port)",
    (96, 12, 5): "GSM field strength",
    (96, 12, 6): "Telephone number / communication address of the physical device",
    (96, 13, 0): "Consumer message via the local consumer information port",
    (96, 13, 1): "Consumer message via the meter display and/or the consumer information port",
    (97, 98, 255): "Alarm register profile",
    (99, 3, 0): "Load profile during test",
}

_ABSTRACT_NUMBERED: Final[Mapping[tuple[int, int], tuple[_Numbered, ...]]] = {
    (1, 0): (_Numbered("Clock"),),
    (1, 1): (_Numbered("UNIX clock"),),
    (1, 2): (_Numbered("High resolution clock"),),
    (11, 0): (_Numbered("Special days table"),),
    (12, 0): (_Numbered("Schedule"),),
    (13, 0): (_Numbered("Activity calendar"),),
    (14, 0): (_Numbered("Register activation"),),
    (16, 0): (_Numbered("Register monitor"),),
    (16, 1): (_Numbered("Alarm monitor", last_e=9),),
    (16, 2): (_Numbered("Parameter monitor"),),
    (17, 0): (_Numbered("Limiter"),),
    (24, 1): (_Numbered("M-Bus client"),),
    (24, 2): (_Numbered("M-Bus value"),),
    (24, 3): (_Numbered("M-Bus profile generic"),),
    (24, 8): (_Numbered("DLMS/COSEM server M-Bus port setup"),),
    (24, 9): (_Numbered("M-Bus diagnostic"),),
    (30, 0): (_Numbered("ZigBee SAS startup"),),
    (30, 1): (_Numbered("ZigBee SAS join"),),
    (30, 2): (_Numbered("ZigBee SAS APS fragmentation"),),
    (30, 3): (_Numbered("ZigBee network control"),),
    (30, 4): (_Numbered("ZigBee tunnel setup"),),
    (40, 0): (_Numbered("Association {n}", first_number=1, first_e=1),),
    (43, 0): (_Numbered("Security setup", first_number=0),),
    (43, 1): (_Numbered("Security invocation counter", first_number=0),),
    (43, 2): (_Numbered("Data protection", first_number=0),),
    (44, 0): (_Numbered("Image transfer", first_number=0),),
    (66, 0): (_Numbered("Compact data", first_number=0),),
    (96, 1): (_Numbered("Device ID {n}", first_number=2, first_e=1, last_e=9),),
    (96, 8): (_Numbered("Time of operation, tariff {n}", first_e=1, last_e=63),),
    (96, 10): (_Numbered("Status register {n}", first_e=1, last_e=10),),
    (96, 11): (_Numbered("Event code", last_e=99),),
    (96, 14): (_Numbered("Currently active tariff", last_e=15),),
    (96, 15): (_Numbered("Event counter", last_e=99),),
    (96, 16): (_Numbered("Profile entry digital signature", last_e=9),),
    (97, 98): (
        _Numbered("Alarm register", last_e=9),
        _Numbered("Alarm filter {n}", first_e=10, last_e=19),
        _Numbered("Alarm descriptor {n}", first_e=20, last_e=29),
    ),
    (99, 1): (_Numbered("Load profile with recording period 1"),),
    (99, 2): (_Numbered("Load profile with recording period 2"),),
    (99, 12): (_Numbered("Connection profile"),),
    (99, 13): (_Numbered("GSM diagnostic profile"),),
    (99, 14): (_Numbered("Charge collection history (payment metering)"),),
    (99, 15): (_Numbered("Token credit history (payment metering)"),),
    (99, 16): (_Numbered("Parameter monitor log"),),
    (99, 17): (_Numbered("Token transfer log (payment metering)"),),
}

_SCRIPTS: Final[Mapping[int, str]] = {  # 0-0:10.0.E, script tables by E
    0: "global meter reset",
    1: "MDI reset / end of billing period",
    100: "tariffication",
    101: "activate test mode",
    102: "activate normal mode",
    103: "set output signals",
    104: "switch optical test output",
    105: "power quality measurement management",
    106: "disconnect control",
    107: "image activation",
    108: "push",
    125: "broadcast",
}

_SINGLE_ACTIONS: Final[Mapping[int, str]] = {  # 0-0:15.0.E, single action schedules by E
    0: "end of billing period",
    1: "disconnect control",
    2: "image activation",
    3: "output control",
    4: "push",
}

_POWER_FAILURES: Final[Mapping[int, str]] = {  # 0-0:96.7.E
    0: "Number of power failures in all three phases",
    1: "Number of power failures in phase L1",
    2: "Number of power failures in phase L2",
    3: "Number of power failures in phase L3",
    4: "Number of power failures of the auxiliary power supply",
    5: "Number of long power failures in all three phases",
    6: "Number of long power failures in phase L1",
    7: "Number of long power failures in phase L2",
    8: "Number of long power failures in phase L3",
    9: "Number of long power failures in any phase",
    10: "Time of power failure in all three phases",
    11: "Time of power failure in phase L1",
    12: "Time of power failure in phase L2",
    13: "Time of power failure in phase L3",
    14: "Time of power failure in any phase",
    15: "Duration of long power failure in all three phases",
    16: "Duration of long power failure in phase L1",
    17: "Duration of long power failure in phase L2",
    18: "Duration of long power failure in phase L3",
    19: "Duration of long power failure in any phase",
    20: "Time threshold for long power failure",
    21: "Number of power failures in any phase",
}

# 0-0:96.20.E: E = 5 * event + item
_TAMPER_EVENTS: Final = (
    "Meter open",
    "Terminal cover open",
    "Tilt",
    "Strong DC magnetic field",
    "Supply control switch / valve tamper",
    "Metrology tamper",
    "Communication tamper",
)
_TAMPER_ITEMS: Final = (
    "event counter",
    "event, time stamp of the current occurrence",
    "event, duration of the current occurrence",
    "event, cumulative duration",
)

# 0-0:65.D.E utility tables, by D 0..15, 16..31, 32..47, 48..63; table number (D % 16) * 128 + E
_UTILITY_TABLES: Final = (
    "standard table",
    "manufacturer table",
    "standard pending table",
    "manufacturer pending table",
)

_PAYMENT: Final = (  # 0-0:19.D.E: (first D, last D, name)
    (0, 9, "Account (payment metering)"),
    (10, 19, "Credit (payment metering)"),
    (20, 29, "Charge (payment metering)"),
    (40, 49, "Token gateway (payment metering)"),
)


def _abstract(obis: Obis) -> str | None:
    c, d, e, f = obis.c, obis.d, obis.e, obis.f
    common = _common(obis)
    if common is not None:
        return common
    if c == 98:
        return _billing_data(obis)
    if f != _NOT_USED:
        return None
    if c == 10 and d <= 127 and e in _SCRIPTS:
        name = f"Script table: {_SCRIPTS[e]}"
        return name if d == 0 else f"{name}, implementation specific #{d + 1}"
    if c == 15 and d == 0 and e in _SINGLE_ACTIONS:
        return f"Single action schedule: {_SINGLE_ACTIONS[e]}"
    if c == 15 and 1 <= d <= 127 and e <= 127:
        return "Single action schedule: end of billing period, implementation specific"
    if c == 19:
        return _payment(d, e)
    if c == 65 and d <= 63 and e <= 127:
        return f"Utility table: {_UTILITY_TABLES[d // 16]} {(d % 16) * 128 + e}"
    if c == 96 and d == 7:
        return _POWER_FAILURES.get(e)
    if c == 96 and d == 20 and e <= 34:
        event, item = divmod(e, 5)
        return None if item == 4 else f"{_TAMPER_EVENTS[event]} {_TAMPER_ITEMS[item]}"
    return _lookup(obis, _ABSTRACT_NAMES, _ABSTRACT_NUMBERED)


def _payment(d: int, e: int) -> str | None:
    for first, last, name in _PAYMENT:
        if first <= d <= last and (e == 0 or (d >= 10 and e <= 127)):
            return name
    if 50 <= d <= 59 and e in (1, 2):
        return "Maximum credit limit" if e == 1 else "Maximum vend limit"
    return None


# ----------------------------------------------------------------------- electricity (A=1)


class _Quantity(NamedTuple):
    """A value group C quantity; ``energy`` names its time integral when that is an energy."""

    power: str
    energy: str | None = None


# Value group C for the sum over all phases (C = 1..20); L1, L2 and L3 repeat the same
# quantities at C + 20, C + 40 and C + 60.
_PHASE_QUANTITIES: Final[Mapping[int, _Quantity]] = {
    1: _Quantity("Active power import (+P)", "Active energy import (+A)"),
    2: _Quantity("Active power export (-P)", "Active energy export (-A)"),
    3: _Quantity("Reactive power import (QI+QII)", "Reactive energy import (QI+QII)"),
    4: _Quantity("Reactive power export (QIII+QIV)", "Reactive energy export (QIII+QIV)"),
    5: _Quantity("Reactive power QI", "Reactive energy QI"),
    6: _Quantity("Reactive power QII", "Reactive energy QII"),
    7: _Quantity("Reactive power QIII", "Reactive energy QIII"),
    8: _Quantity("Reactive power QIV", "Reactive energy QIV"),
    9: _Quantity("Apparent power import (QI+QIV)", "Apparent energy import (QI+QIV)"),
    10: _Quantity("Apparent power export (QII+QIII)", "Apparent energy export (QII+QIII)"),
    11: _Quantity("Current"),
    12: _Quantity("Voltage"),
    13: _Quantity("Power factor"),
    14: _Quantity("Supply frequency"),
    15: _Quantity("Active power |+P|+|-P|", "Active energy |+A|+|-A|"),
    16: _Quantity("Active power |+P|-|-P|", "Active energy |+A|-|-A|"),
    17: _Quantity("Active power QI", "Active energy QI"),
    18: _Quantity("Active power QII", "Active energy QII"),
    19: _Quantity("Active power QIII", "Active energy QIII"),
    20: _Quantity("Active power QIV", "Active energy QIV"),
}
_PHASES: Final = ("", "L1", "L2", "L3")

# Quantities with no per-phase variant.
_OTHER_QUANTITIES: Final[Mapping[int, _Quantity]] = {
    82: _Quantity("Unitless quantity (pulses or pieces)"),
    88: _Quantity("Ampere-squared hours (A²h, QI+QII+QIII+QIV)"),
    89: _Quantity("Volt-squared hours (V²h, QI+QII+QIII+QIV)"),
    90: _Quantity("Sum of the unsigned currents in all phases"),
    91: _Quantity("Neutral current"),
    92: _Quantity("Neutral voltage"),
}

# Value group D: processing of the quantity.
_PROCESSING: Final[Mapping[int, str]] = {
    0: "billing period average (since last reset)",
    1: "cumulative minimum 1",
    2: "cumulative maximum 1",
    3: "minimum 1",
    4: "current average 1",
    5: "last average 1",
    6: "maximum 1",
    7: "instantaneous value",
    8: "time integral 1",
    9: "time integral 2",
    10: "time integral 3",
    11: "cumulative minimum 2",
    12: "cumulative maximum 2",
    13: "minimum 2",
    14: "current average 2",
    15: "last average 2",
    16: "maximum 2",
    17: "time integral 7",
    18: "time integral 8",
    19: "time integral 9",
    20: "time integral 10",
    21: "cumulative minimum 3",
    22: "cumulative maximum 3",
    23: "minimum 3",
    24: "current average 3",
    25: "last average 3",
    26: "maximum 3",
    27: "current average 5",
    28: "current average 6",
    29: "time integral 5",
    30: "time integral 6",
    31: "under limit threshold",
    32: "under limit occurrence counter",
    33: "under limit duration",
    34: "under limit magnitude",
    35: "over limit threshold",
    36: "over limit occurrence counter",
    37: "over limit duration",
    38: "over limit magnitude",
    39: "missing threshold",
    40: "missing occurrence counter",
    41: "missing duration",
    42: "missing magnitude",
    43: "time threshold for under limit",
    44: "time threshold for over limit",
    45: "time threshold for missing magnitude",
    46: "contracted value",
    51: "minimum for recording interval 1",
    52: "minimum for recording interval 2",
    53: "maximum for recording interval 1",
    54: "maximum for recording interval 2",
    55: "test average",
    58: "time integral 4",
}
_TIME_INTEGRALS: Final = frozenset({8, 9, 10, 17, 18, 19, 20, 29, 30, 58})
_THRESHOLDS: Final = frozenset({31, 35, 39})  # value group F numbers the threshold
# D that have no historical values (value group F is 255).
_CURRENT_ONLY: Final = frozenset(
    {4, 5, 7, 14, 15, 17, 18, 19, 20, 24, 25, 27, 28, 29, 30, 46, 51, 52, 53, 54, 55, 58}
)
# D for which value group E is the tariff (0 = total).
_TARIFF_D: Final = frozenset({*range(7), *range(8, 17), *range(21, 27), *range(31, 47)})
# For currents and voltages, E of these D is a harmonic / distortion factor, not a tariff.
_HARMONIC_D: Final = frozenset({4, 5, 7, 14, 15, 24, 25, *range(31, 46)})
_HARMONIC_C: Final = frozenset({11, 12, 31, 32, 51, 52, 71, 72, 90, 91, 92})
_HARMONIC_AT_INSTANT_C: Final = _HARMONIC_C | {15, 35, 55, 75}
_DISTORTION: Final[Mapping[int, str]] = {
    124: "total harmonic distortion (THD)",
    125: "total demand distortion (TDD)",
    126: "all harmonics",
    127: "all harmonics to nominal value ratio",
}

_ANGLE_SIGNALS: Final[Mapping[int, str]] = {  # digits of E in 1-0:81.7.E
    0: "U(L1)",
    1: "U(L2)",
    2: "U(L3)",
    4: "I(L1)",
    5: "I(L2)",
    6: "I(L3)",
    7: "I(L0)",
}

_ELECTRICITY_NAMES: Final[Mapping[tuple[int, int, int], str]] = {
    (0, 0, 255): "Complete combined electricity ID",
    (0, 2, 0): "Active firmware identifier",
    (0, 2, 1): "Parameter record number",
    (0, 2, 2): "Time switch program number",
    (0, 2, 3): "Ripple control receiver program number",
    (0, 2, 4): "Meter connection diagram ID",
    (0, 2, 7): "Passive calendar name",
    (0, 3, 0): "Meter constant, active energy (metrological LED)",
    (0, 3, 1): "Meter constant, reactive energy (metrological LED)",
    (0, 3, 2): "Meter constant, apparent energy (metrological LED)",
    (0, 3, 3): "Meter constant, active energy (output pulse)",
    (0, 3, 4): "Meter constant, reactive energy (output pulse)",
    (0, 3, 5): "Meter constant, apparent energy (output pulse)",
    (0, 4, 0): "Reading factor for power",
    (0, 4, 1): "Reading factor for energy",
    (0, 4, 2): "Transformer ratio, current (numerator)",
    (0, 4, 3): "Transformer ratio, voltage (numerator)",
    (0, 4, 4): "Overall transformer ratio (numerator)",
    (0, 4, 5): "Transformer ratio, current (denominator)",
    (0, 4, 6): "Transformer ratio, voltage (denominator)",
    (0, 4, 7): "Overall transformer ratio (denominator)",
    (0, 6, 0): "Nominal voltage",
    (0, 6, 1): "Basic / nominal current",
    (0, 6, 2): "Nominal frequency",
    (0, 6, 3): "Maximum current",
    (0, 8, 0): "Measurement period 1 (averaging scheme 1)",
    (0, 8, 1): "Measurement period 2 (averaging scheme 2)",
    (0, 8, 2): "Measurement period 3 (instantaneous values)",
    (0, 8, 3): "Measurement period 4 (test values)",
    (0, 8, 4): "Recording interval 1 (load profile)",
    (0, 8, 5): "Recording interval 2 (load profile)",
    (0, 8, 6): "Billing period (billing period 1 if there are two)",
    (0, 8, 7): "Billing period 2",
    (0, 9, 0): "Time expired since last end of billing period",
    (0, 9, 5): "Week day",
    (0, 9, 6): "Time of last reset",
    (0, 9, 7): "Date of last reset",
    (0, 9, 8): "Output pulse duration",
    (0, 9, 9): "Clock synchronisation window",
    (0, 9, 10): "Clock synchronisation method",
    (0, 9, 11): "Clock time shift limit",
    (0, 9, 12): "Billing period reset lockout time",
    (0, 11, 1): "Measurement algorithm for active power",
    (0, 11, 2): "Measurement algorithm for active energy",
    (0, 11, 3): "Measurement algorithm for reactive power",
    (0, 11, 4): "Measurement algorithm for reactive energy",
    (0, 11, 5): "Measurement algorithm for apparent power",
    (0, 11, 6): "Measurement algorithm for apparent energy",
    (0, 11, 7): "Measurement algorithm for power factor",
    (96, 1, 255): "Complete metering point ID",
    (96, 5, 0): "Internal operating status, global",
    (96, 5, 5): "Meter started status flag",
    (96, 10, 0): "Status information: missing voltage",
    (96, 10, 1): "Status information: missing current",
    (96, 10, 2): "Status information: current without voltage",
    (96, 10, 3): "Status information: auxiliary power supply",
    (99, 3, 0): "Load profile during test",
    (99, 10, 1): "Voltage dips profile",
    (99, 10, 2): "Voltage swells profile",
    (99, 10, 3): "Voltage cuts profile",
    (99, 13, 0): "Voltage unbalance profile",
}

_ELECTRICITY_NUMBERED: Final[Mapping[tuple[int, int], tuple[_Numbered, ...]]] = {
    (0, 0): (_Numbered("Electricity ID {n}", last_e=9),),
    (96, 1): (_Numbered("Metering point ID {n}", last_e=9),),
    (96, 5): (_Numbered("Internal operating status, status word {n}", first_e=1, last_e=4),),
    (99, 1): (_Numbered("Load profile with recording period 1"),),
    (99, 2): (_Numbered("Load profile with recording period 2"),),
    (99, 97): (_Numbered("Power failure event log"),),
    (99, 99): (_Numbered("Certification data log"),),
}


def _electricity(obis: Obis) -> str | None:
    c = obis.c
    common = _common(obis)
    if common is not None:
        return common
    if c == 98:
        return _billing_data(obis)
    if c == 99 and obis.d in (11, 12) and obis.f == _NOT_USED:
        kind = "Voltage" if obis.d == 11 else "Current"
        harmonic = _harmonic(obis.e)
        return f"{kind} harmonics profile, {harmonic}" if harmonic else None
    if c in (0, 96, 99):
        return _lookup(obis, _ELECTRICITY_NAMES, _ELECTRICITY_NUMBERED)
    if c == 81:
        return _phase_angle(obis)
    if 1 <= c <= 80:
        phase, base = divmod(c - 1, 20)
        return _measurement(obis, _PHASE_QUANTITIES[base + 1], _PHASES[phase])
    quantity = _OTHER_QUANTITIES.get(c)
    return None if quantity is None else _measurement(obis, quantity, "")


def _measurement(obis: Obis, quantity: _Quantity, phase: str) -> str | None:
    """A value group C quantity processed as value group D says, with tariff and period."""
    c, d, e, f = obis.c, obis.d, obis.e, obis.f
    processing = _PROCESSING.get(d)
    if processing is None:
        return None
    name = quantity.power
    if quantity.energy is not None and d in _TIME_INTEGRALS:
        name = quantity.energy
        processing = "" if d == 8 else processing  # time integral 1: the energy register
    elif quantity.energy is not None and d == 6:
        processing = "maximum demand (maximum 1)"
    if phase:
        name = f"{name} {phase}"
    elif c in (11, 12):
        name = f"{name} (any phase)"

    classification = _classification(c, d, e)
    if classification is None:
        return None
    if d in _THRESHOLDS:
        period: str | None = "" if f == _NOT_USED else (f"threshold {f}" if f <= 99 else None)
    elif d in _CURRENT_ONLY:
        period = "" if f == _NOT_USED else None
    else:
        period = _billing_period(f)
    if period is None:
        return None
    return _join(name, processing, classification, period)


def _classification(c: int, d: int, e: int) -> str | None:
    """Value group E of an electricity quantity: tariff, harmonic or nothing ("")."""
    if d == 7:
        if e == 0:
            return ""
        return _harmonic(e) if c in _HARMONIC_AT_INSTANT_C else None
    if c in _HARMONIC_C and d in _HARMONIC_D:
        return "" if e == 0 else _harmonic(e)
    if d in _TARIFF_D:
        return _tariff(e)
    return "" if e == 0 else None


def _harmonic(e: int) -> str | None:
    if 1 <= e <= 120:
        return f"harmonic {e}"
    return _DISTORTION.get(e)


def _phase_angle(obis: Obis) -> str | None:
    """1-0:81.7.E -- E = 10 * reference + measured signal."""
    if obis.d != 7 or obis.f != _NOT_USED or obis.e > 77:
        return None
    reference, measured = divmod(obis.e, 10)
    if reference not in _ANGLE_SIGNALS or measured not in _ANGLE_SIGNALS:
        return None
    return (
        f"Phase angle between {_ANGLE_SIGNALS[measured]} and {_ANGLE_SIGNALS[reference]}, "
        "instantaneous value"
    )


# ------------------------------------------------------------------------------- gas (A=7)

_GAS_VOLUMES: Final[Mapping[int, str]] = {
    1: "Gas forward undisturbed meter volume",
    2: "Gas forward disturbed meter volume",
    3: "Gas forward absolute meter volume",
}
_GAS_INDEX: Final[Mapping[int, str]] = {
    0: "index at metering conditions (unconverted)",
    1: "corrected index",
    2: "index at base conditions (converted)",
    3: "redundant index at metering conditions",
}
_GAS_FLOW_RATE: Final[Mapping[int, str]] = {
    0: "instantaneous value at metering conditions",
    1: "instantaneous corrected value",
    2: "instantaneous value at base conditions (converted)",
    13: "instantaneous value at standard conditions",
}


def _gas(obis: Obis) -> str | None:
    common = _common(obis)
    if common is not None:
        return common
    c, d, e, f = obis.c, obis.d, obis.e, obis.f
    if c in _GAS_VOLUMES and d in _GAS_INDEX:
        tariff, period = _tariff(e), _billing_period(f)
        if tariff is None or period is None:
            return None
        return _join(_GAS_VOLUMES[c], _GAS_INDEX[d], tariff, period)
    if c == 43 and d in _GAS_FLOW_RATE and e == 0 and f == _NOT_USED:
        return f"Gas flow rate, {_GAS_FLOW_RATE[d]}"
    return None


# ------------------------------------ heat cost allocators, heat, cooling, water (A=4..9)


class _Medium(NamedTuple):
    """An EN 13757-1 medium: its name, value group C quantities and value group D."""

    name: str
    quantities: Mapping[int, str]
    processing: Mapping[int, str]
    accumulated: frozenset[int]  # C whose E = 0 is the total
    current_only: frozenset[int]  # C described for D = 0 (current value) only
    last_tariff: int  # highest E that is a tariff


_EN13757_PROCESSING: Final[Mapping[int, str]] = {
    0: "current value",
    1: "periodical value",
    2: "value at the set date (due date)",
    3: "value at the billing date",
    4: "minimum value",
    5: "maximum value",
    6: "test value",
}
_CURRENT_OR_SET_DATE: Final[Mapping[int, str]] = {d: _EN13757_PROCESSING[d] for d in (0, 2)}

_HEAT_QUANTITIES: Final[Mapping[int, str]] = {
    1: "energy",
    2: "volume (accumulated)",
    8: "power (energy flow)",
    9: "flow rate",
    10: "flow temperature",
    11: "return temperature",
}

_EN13757_MEDIA: Final[Mapping[int, _Medium]] = {
    4: _Medium(
        "Heat cost allocator",
        {
            1: "unrated integral",
            2: "rated integral",
            3: "radiator surface temperature",
            4: "heating medium temperature",
            5: "flow temperature",
            6: "return temperature",
            7: "room temperature",
        },
        _CURRENT_OR_SET_DATE,
        frozenset({1, 2}),
        frozenset({3, 4, 5, 6, 7}),
        0,
    ),
    5: _Medium(
        "Cooling",
        _HEAT_QUANTITIES,
        _CURRENT_OR_SET_DATE,
        frozenset({1, 2}),
        frozenset({8, 9, 10, 11}),
        0,
    ),
    6: _Medium(
        "Heat",
        _HEAT_QUANTITIES,
        _CURRENT_OR_SET_DATE,
        frozenset({1, 2}),
        frozenset({8, 9, 10, 11}),
        0,
    ),
    8: _Medium(
        "Cold water",
        {1: "volume (accumulated)", 2: "flow rate", 3: "flow temperature"},
        _EN13757_PROCESSING,
        frozenset({1}),
        frozenset(),
        9,
    ),
    9: _Medium(
        "Hot water",
        {1: "volume (accumulated)", 2: "flow rate", 3: "flow temperature"},
        _EN13757_PROCESSING,
        frozenset({1}),
        frozenset(),
        9,
    ),
}


def _en13757(obis: Obis) -> str | None:
    medium = _EN13757_MEDIA[obis.a]
    quantity = medium.quantities.get(obis.c)
    processing = medium.processing.get(obis.d)
    if quantity is None or processing is None or obis.f != _NOT_USED:
        return None
    if obis.d != 0 and obis.c in medium.current_only:
        return None
    if obis.e > medium.last_tariff:
        return None
    total = "total" if obis.c in medium.accumulated else ""
    tariff = f"tariff {obis.e}" if obis.e else total
    return _join(f"{medium.name} {quantity}", processing, tariff)


_MEDIA: Final[Mapping[int, Callable[[Obis], str | None]]] = {
    0: _abstract,
    1: _electricity,
    4: _en13757,
    5: _en13757,
    6: _en13757,
    7: _gas,
    8: _en13757,
    9: _en13757,
}
