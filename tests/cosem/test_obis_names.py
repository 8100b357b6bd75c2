"""Tests of dlmskit.cosem.obis_names: plain-words descriptions of OBIS codes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dlmskit.cosem.obis import Obis
from dlmskit.cosem.obis_names import MANUFACTURER_SPECIFIC, UTILITY_SPECIFIC, describe


def _describe(code: str) -> str | None:
    return describe(Obis.parse(code))


ELECTRICITY = [
    # value group C quantities, D = 8 (time integral 1: the energy registers), E = tariff
    ("1-0:1.8.0*255", "Active energy import (+A), total"),
    ("1-0:1.8.1*255", "Active energy import (+A), tariff 1"),
    ("1-0:1.8.2", "Active energy import (+A), tariff 2"),
    ("1-0:2.8.0", "Active energy export (-A), total"),
    ("1-0:3.8.0", "Reactive energy import (QI+QII), total"),
    ("1-0:4.8.0", "Reactive energy export (QIII+QIV), total"),
    ("1-0:5.8.0", "Reactive energy QI, total"),
    ("1-0:8.8.3", "Reactive energy QIV, tariff 3"),
    ("1-0:9.8.0", "Apparent energy import (QI+QIV), total"),
    ("1-0:10.8.0", "Apparent energy export (QII+QIII), total"),
    ("1-0:15.8.0", "Active energy |+A|+|-A|, total"),
    ("1-0:16.8.0", "Active energy |+A|-|-A|, total"),
    ("1-0:21.8.0", "Active energy import (+A) L1, total"),
    ("1-0:62.8.1", "Active energy export (-A) L3, tariff 1"),
    # value group D processing
    ("1-0:1.7.0", "Active power import (+P), instantaneous value"),
    ("1-0:2.7.0", "Active power export (-P), instantaneous value"),
    ("1-0:21.7.0", "Active power import (+P) L1, instantaneous value"),
    ("1-0:42.7.0", "Active power export (-P) L2, instantaneous value"),
    ("1-0:1.6.0", "Active power import (+P), maximum demand (maximum 1), total"),
    ("1-0:1.6.2", "Active power import (+P), maximum demand (maximum 1), tariff 2"),
    ("1-0:1.4.0", "Active power import (+P), current average 1, total"),
    ("1-0:1.5.0", "Active power import (+P), last average 1, total"),
    ("1-0:1.2.0", "Active power import (+P), cumulative maximum 1, total"),
    ("1-0:1.3.0", "Active power import (+P), minimum 1, total"),
    ("1-0:1.9.0", "Active energy import (+A), time integral 2, total"),
    ("1-0:1.29.0", "Active energy import (+A), time integral 5"),
    ("1-0:9.6.0", "Apparent power import (QI+QIV), maximum demand (maximum 1), total"),
    ("1-0:1.35.0*2", "Active power import (+P), over limit threshold, total, threshold 2"),
    # currents, voltages, power factor, frequency, neutral, angles, harmonics
    ("1-0:31.7.0", "Current L1, instantaneous value"),
    ("1-0:51.7.0", "Current L2, instantaneous value"),
    ("1-0:71.7.0", "Current L3, instantaneous value"),
    ("1-0:32.7.0*255", "Voltage L1, instantaneous value"),
    ("1-0:52.7.0", "Voltage L2, instantaneous value"),
    ("1-0:72.7.0", "Voltage L3, instantaneous value"),
    ("1-0:11.7.0", "Current (any phase), instantaneous value"),
    ("1-0:12.7.0", "Voltage (any phase), instantaneous value"),
    ("1-0:13.7.0", "Power factor, instantaneous value"),
    ("1-0:33.7.0", "Power factor L1, instantaneous value"),
    ("1-0:14.7.0", "Supply frequency, instantaneous value"),
    ("1-0:91.7.0", "Neutral current, instantaneous value"),
    ("1-0:32.32.0", "Voltage L1, under limit occurrence counter"),
    ("1-0:52.36.0", "Voltage L2, over limit occurrence counter"),
    ("1-0:32.7.5", "Voltage L1, instantaneous value, harmonic 5"),
    ("1-0:31.7.124", "Current L1, instantaneous value, total harmonic distortion (THD)"),
    ("1-0:81.7.1", "Phase angle between U(L2) and U(L1), instantaneous value"),
    ("1-0:81.7.4", "Phase angle between I(L1) and U(L1), instantaneous value"),
    ("1-0:81.7.26", "Phase angle between I(L3) and U(L3), instantaneous value"),
    # value group F: billing periods
    (
        "1-0:1.8.0*101",
        "Active energy import (+A), total, historical value of the most recent billing period",
    ),
    ("1-0:1.8.1*12", "Active energy import (+A), tariff 1, historical value of billing period 12"),
    (
        "1-0:1.6.0*103",
        "Active power import (+P), maximum demand (maximum 1), total, "
        "historical values of the 3 most recent billing periods",
    ),
    # general purpose, profiles, logs
    ("1-0:0.0.0", "Electricity ID 1"),
    ("1-0:0.1.0", "Billing period counter"),
    ("1-0:0.2.0", "Active firmware identifier"),
    ("1-0:0.4.2", "Transformer ratio, current (numerator)"),
    ("1-0:0.8.4", "Recording interval 1 (load profile)"),
    ("1-0:99.1.0", "Load profile with recording period 1"),
    ("1-0:99.2.0", "Load profile with recording period 2"),
    ("1-0:98.1.0", "Data of billing period (billing profile), scheme 1"),
    ("1-0:99.97.0", "Power failure event log"),
    ("1-0:99.98.0", "Event log"),
    ("1-0:99.11.3", "Voltage harmonics profile, harmonic 3"),
]

ABSTRACT = [
    ("0-0:1.0.0*255", "Clock"),
    ("0-0:40.0.0*255", "Current association"),
    ("0-0:40.0.1", "Association 1"),
    ("0-0:40.0.3", "Association 3"),
    ("0-0:41.0.0", "SAP assignment"),
    ("0-0:42.0.0", "COSEM logical device name"),
    ("0-0:43.0.0", "Security setup"),
    ("0-0:43.0.1", "Security setup #1"),
    ("0-0:43.1.0*255", "Security invocation counter"),
    ("0-0:43.1.2", "Security invocation counter #2"),
    ("0-0:22.0.0", "IEC HDLC setup"),
    ("0-0:20.0.0", "IEC optical port setup"),
    ("0-0:25.0.0", "TCP-UDP setup"),
    ("0-0:25.1.0", "IPv4 setup"),
    ("0-0:25.7.0", "IPv6 setup"),
    ("0-0:25.9.0", "Push setup"),
    ("0-0:10.0.0", "Script table: global meter reset"),
    ("0-0:10.0.1", "Script table: MDI reset / end of billing period"),
    ("0-0:10.0.100", "Script table: tariffication"),
    ("0-0:10.0.107", "Script table: image activation"),
    ("0-0:10.0.108", "Script table: push"),
    ("0-0:11.0.0", "Special days table"),
    ("0-0:12.0.0", "Schedule"),
    ("0-0:13.0.0", "Activity calendar"),
    ("0-0:14.0.0", "Register activation"),
    ("0-0:15.0.0", "Single action schedule: end of billing period"),
    ("0-0:15.0.2", "Single action schedule: image activation"),
    ("0-0:16.0.0", "Register monitor"),
    ("0-0:17.0.0", "Limiter"),
    ("0-0:44.0.0", "Image transfer"),
    ("0-0:96.3.10", "Disconnect control"),
    ("0-0:96.1.0", "Device ID 1 (manufacturing number)"),
    ("0-0:96.1.1", "Device ID 2"),
    ("0-0:96.1.255", "Complete device ID"),
    ("0-0:96.7.21", "Number of power failures in any phase"),
    ("0-0:96.7.9", "Number of long power failures in any phase"),
    ("0-0:96.11.0", "Event code"),
    ("0-0:96.11.1", "Event code #2"),
    ("0-0:96.14.0", "Currently active tariff"),
    ("0-0:96.20.5", "Terminal cover open event counter"),
    ("0-0:99.98.0", "Event log"),
    ("0-0:99.98.1", "Event log #2"),
    ("0-0:99.1.0", "Load profile with recording period 1"),
    ("0-0:98.1.0", "Data of billing period (billing profile), scheme 1"),
    ("0-0:0.1.0*255", "Billing period counter"),
    ("0-0:0.1.2", "Time stamp of the most recent billing period closed"),
    ("0-0:0.1.2*4", "Time stamp of the billing period 4"),
    ("0-0:0.2.0", "Active firmware identifier"),
    ("0-0:0.9.1", "Local time"),
    ("0-1:24.1.0*255", "M-Bus client"),
    ("0-2:24.1.1", "M-Bus client #2"),
    ("0-1:24.2.1", "M-Bus value #2"),
    ("0-0:24.6.0", "M-Bus master port setup"),
    ("0-0:97.97.0", "Error object"),
    ("1-0:97.97.1", "Error object #2"),
    ("0-0:97.98.0", "Alarm register"),
    ("0-0:97.98.10", "Alarm filter 1"),
    ("0-0:65.0.5", "Utility table: standard table 5"),
    ("0-0:65.17.3", "Utility table: manufacturer table 131"),
    ("0-0:127.0.0", "Inactive object"),
]

GAS_HEAT_WATER = [
    (
        "7-0:3.0.0",
        "Gas forward absolute meter volume, index at metering conditions (unconverted), total",
    ),
    ("7-0:3.2.0", "Gas forward absolute meter volume, index at base conditions (converted), total"),
    ("7-0:3.1.0", "Gas forward absolute meter volume, corrected index, total"),
    (
        "7-0:1.0.1",
        "Gas forward undisturbed meter volume, index at metering conditions (unconverted), "
        "tariff 1",
    ),
    ("7-0:43.0.0", "Gas flow rate, instantaneous value at metering conditions"),
    ("7-0:99.98.0", "Event log"),
    ("6-0:1.0.0", "Heat energy, current value, total"),
    ("6-0:1.2.0", "Heat energy, value at the set date (due date), total"),
    ("6-0:2.0.0", "Heat volume (accumulated), current value, total"),
    ("6-0:8.0.0", "Heat power (energy flow), current value"),
    ("6-0:10.0.0", "Heat flow temperature, current value"),
    ("6-0:11.0.0", "Heat return temperature, current value"),
    ("5-0:1.0.0", "Cooling energy, current value, total"),
    ("8-0:1.0.0", "Cold water volume (accumulated), current value, total"),
    ("8-0:1.0.2", "Cold water volume (accumulated), current value, tariff 2"),
    ("8-0:2.0.0", "Cold water flow rate, current value"),
    ("8-0:2.5.0", "Cold water flow rate, maximum value"),
    ("9-0:1.0.0", "Hot water volume (accumulated), current value, total"),
    ("9-0:1.3.0", "Hot water volume (accumulated), value at the billing date, total"),
    ("4-0:1.0.0", "Heat cost allocator unrated integral, current value, total"),
]


@pytest.mark.parametrize(("code", "expected"), ELECTRICITY)
def test_electricity(code: str, expected: str) -> None:
    assert _describe(code) == expected


@pytest.mark.parametrize(("code", "expected"), ABSTRACT)
def test_abstract_objects(code: str, expected: str) -> None:
    assert _describe(code) == expected


@pytest.mark.parametrize(("code", "expected"), GAS_HEAT_WATER)
def test_gas_heat_water(code: str, expected: str) -> None:
    assert _describe(code) == expected


def test_phases_repeat_the_sum_quantities() -> None:
    """L1, L2 and L3 are C + 20, C + 40 and C + 60 of the same quantity."""
    for c in range(1, 21):
        total = _describe(f"1-0:{c}.7.0")
        assert total is not None
        base = total.split(",")[0].removesuffix(" (any phase)")
        for phase, offset in (("L1", 20), ("L2", 40), ("L3", 60)):
            text = _describe(f"1-0:{c + offset}.7.0")
            assert text is not None
            assert text.startswith(f"{base} {phase}, ")


def test_every_tariff_of_an_energy_register() -> None:
    for e in range(1, 64):
        assert _describe(f"1-0:1.8.{e}") == f"Active energy import (+A), tariff {e}"
    assert _describe("1-0:1.8.64") is None


@pytest.mark.parametrize(
    "code",
    [
        "1-0:1.8.0*128",  # F 128..254
        "1-0:1.8.254",  # E 128..254
        "1-0:1.128.0",  # D 128..254
        "1-0:128.8.0",  # C 128..199
        "1-0:199.7.0",
        "1-0:240.0.0",  # C 240
        "1-128:1.8.0",  # B 128..199
        "0-0:96.50.0",  # C 96, D 50..99
        "0-0:96.99.7",
        "7-0:96.60.0",
    ],
)
def test_manufacturer_specific(code: str) -> None:
    assert _describe(code) == MANUFACTURER_SPECIFIC


def test_utility_specific_channels() -> None:
    assert _describe("1-65:1.8.0") == UTILITY_SPECIFIC
    assert _describe("0-127:1.0.0") == UTILITY_SPECIFIC


@pytest.mark.parametrize(
    "code",
    [
        "2-0:1.8.0",  # medium A = 2 is not described
        "15-0:1.0.0",
        "255-0:1.8.0",
        "1-200:1.8.0",  # channel B 200..255 is reserved
        "1-0:200.7.0",  # C 200..239 reserved
        "1-0:84.7.0",  # power factor "-": no source backs a description
        "1-0:83.1.0",  # losses: not covered
        "1-0:1.47.0",  # D 47..50 not defined
        "1-0:1.8.0*100",  # F 100 not defined
        "1-0:1.7.1",  # an instantaneous value has no tariff
        "1-0:1.7.0*1",  # nor a billing period
        "1-0:81.7.3",  # 3 is no signal of the angle table
        "0-0:5.0.0",
        "0-0:40.1.0",
        "0-0:1.0.0*1",
        "0-0:96.20.4",
        "7-0:4.0.0",  # gas volumes other than C = 1..3 are not covered
        "6-0:10.2.0",  # temperatures have no set date value
        "8-0:1.0.0*1",
        "8-0:4.0.0",
    ],
)
def test_unknown_codes_give_none(code: str) -> None:
    assert _describe(code) is None


def _check(obis: Obis) -> None:
    text = describe(obis)
    assert text is None or isinstance(text, str)
    if text is not None:
        assert text
        assert text == text.strip()
        assert ", ," not in text
        assert not text.endswith(",")


BASES = [
    Obis(1, 0, 1, 8, 0, 255),
    Obis(1, 0, 32, 7, 0, 255),
    Obis(1, 0, 81, 7, 4, 255),
    Obis(1, 0, 0, 1, 2, 255),
    Obis(0, 0, 1, 0, 0, 255),
    Obis(0, 0, 96, 20, 0, 255),
    Obis(0, 0, 65, 0, 0, 255),
    Obis(0, 0, 98, 1, 0, 255),
    Obis(7, 0, 3, 0, 0, 255),
    Obis(6, 0, 1, 0, 0, 255),
    Obis(8, 0, 1, 0, 0, 255),
    Obis(4, 0, 1, 0, 0, 255),
]


@pytest.mark.parametrize("base", BASES, ids=str)
@pytest.mark.parametrize("group", range(6), ids=list("ABCDEF"))
def test_every_value_of_every_group_is_safe(base: Obis, group: int) -> None:
    for value in range(256):
        fields = list(base)
        fields[group] = value
        _check(Obis(*fields))


def test_every_c_and_d_is_safe() -> None:
    for a in (0, 1, 7):
        for c in range(256):
            for d in range(256):
                _check(Obis(a, 0, c, d, 0, 255))


@given(st.tuples(*[st.integers(0, 255)] * 6))
def test_any_code_is_safe(values: tuple[int, int, int, int, int, int]) -> None:
    _check(Obis(*values))


def test_description_property() -> None:
    assert Obis.parse("1-0:1.8.0*255").description == "Active energy import (+A), total"
    assert Obis.parse("0.0.40.0.0.255").description == "Current association"
    assert Obis.parse(bytes([0, 0, 96, 1, 0, 255])).description == (
        "Device ID 1 (manufacturing number)"
    )
    assert Obis.parse("1-0:1.8.0*128").description == MANUFACTURER_SPECIFIC
    assert Obis.parse("2-0:1.8.0").description is None
