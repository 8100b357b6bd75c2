"""The typed JSON form: one single-key object per value, the key the Blue Book type name."""

from __future__ import annotations

import json
from typing import Any

import pytest

from dlmskit import axdr
from dlmskit.axdr import (
    DONT_CARE,
    ArrayDesc,
    Bcd,
    BitString,
    CompactArray,
    DataType,
    DoubleLongUnsigned,
    Float32,
    Float64,
    Long64Unsigned,
    StructureDesc,
    Unsigned,
    Utf8String,
    VisibleString,
)
from dlmskit.cosem import ClockStatus, Date, DateTime, Time
from dlmskit.errors import EncodeError


def test_the_example_of_the_issue() -> None:
    value = (bytes.fromhex("0100010800ff"), DoubleLongUnsigned(280))
    form = {"structure": [{"octet-string": "0100010800ff"}, {"double-long-unsigned": 280}]}
    assert axdr.to_json(value) == form
    assert axdr.from_json(form) == value


@pytest.mark.parametrize(
    ("value", "form"),
    [
        (None, {"null-data": None}),
        (DONT_CARE, {"dont-care": None}),
        (True, {"boolean": True}),
        ([Unsigned(1)], {"array": [{"unsigned": 1}]}),
        (BitString("101"), {"bit-string": "101"}),
        (Bcd(0x25), {"bcd": "25"}),
        (VisibleString("A1"), {"visible-string": "A1"}),
        (Utf8String("ä"), {"utf8-string": "ä"}),
        (Long64Unsigned(2**64 - 1), {"long64-unsigned": 2**64 - 1}),
        (Float32(0.5), {"float32": 0.5}),
        (Float64(float("inf")), {"float64": "Infinity"}),
        (Float64(float("-inf")), {"float64": "-Infinity"}),
        (Float32(float("nan")), {"float32": "NaN"}),
        (Float32.from_bits(0x7F800001), {"float32": "NaN:7f800001"}),
        (
            Date(2024, 11, 21, None),
            {"date": {"year": 2024, "month": 11, "day": 21, "day_of_week": None}},
        ),
        (
            Time(8, 30, None, None),
            {"time": {"hour": 8, "minute": 30, "second": None, "hundredths": None}},
        ),
        (
            DateTime(2020, 1, 1, 3, 0, 3, 0, 0, -120, ClockStatus.DAYLIGHT_SAVING_ACTIVE),
            {
                "date-time": {
                    "year": 2020,
                    "month": 1,
                    "day": 1,
                    "day_of_week": 3,
                    "hour": 0,
                    "minute": 3,
                    "second": 0,
                    "hundredths": 0,
                    "deviation": -120,
                    "clock_status": 0x80,
                }
            },
        ),
        (
            CompactArray(ArrayDesc(2, DataType.ENUM), []),
            {
                "compact-array": {
                    "description": {"array": {"count": 2, "element": "enum"}},
                    "elements": [],
                }
            },
        ),
        (
            CompactArray(StructureDesc((DataType.BOOLEAN,)), [(False,)]),
            {
                "compact-array": {
                    "description": {"structure": ["boolean"]},
                    "elements": [{"structure": [{"boolean": False}]}],
                }
            },
        ),
    ],
)
def test_forms(value: Any, form: Any) -> None:
    assert axdr.to_json(value) == form
    assert json.loads(json.dumps(form)) == form  # really JSON
    assert axdr.encode(axdr.from_json(form)) == axdr.encode(value)


def test_iso_strings_are_accepted_for_dates() -> None:
    value = axdr.from_json({"date-time": "2024-11-21T08:30:15.230000+01:00"})
    assert isinstance(value, DateTime)
    assert (value.year, value.month, value.day, value.day_of_week) == (2024, 11, 21, 4)
    assert (value.hour, value.minute, value.second, value.hundredths) == (8, 30, 15, 23)
    assert value.deviation == -60 and value.clock_status == 0
    assert axdr.from_json({"date": "2024-11-21"}) == Date(2024, 11, 21, 4)
    assert axdr.from_json({"time": "08:30:15"}) == Time(8, 30, 15, 0)


def test_missing_date_fields_mean_not_specified() -> None:
    value = axdr.from_json({"date-time": {"hour": 12}})
    assert isinstance(value, DateTime)
    assert value.hour == 12 and value.year is None and value.deviation is None
    assert axdr.encode(value).hex() == "19" + "ffff" + "ffffff" + "0cffffff" + "8000" + "ff"


@pytest.mark.parametrize(
    ("form", "path", "message"),
    [
        ({"unsigned": 256}, "", "0..255"),
        ({"unsigned": "5"}, "", "takes an integer"),
        ({"unsigned": True}, "", "takes an integer"),
        ({"structure": [{"unsigned": 1}, {"long": 1.5}]}, "[1]", "takes an integer"),
        ({"array": [{"array": [{"nonsense": 1}]}]}, "[0][0]", "unknown A-XDR type name"),
        ({"octet-string": "abc"}, "", "hex"),
        ({"bcd": "2"}, "", "two hex digits"),
        ({"bit-string": "102"}, "", "only '0' and '1'"),
        ({"float32": "nan"}, "", "NaN"),
        ({"float32": "NaN:00000001"}, "", "NaN"),
        ({"date-time": {"month": 13, "hour": 99, "bogus": 1}}, "", "unknown fields"),
        ({"date-time": {"month": 256}}, "", "does not fit"),
        ({"date-time": "yesterday"}, "", "ISO"),
        ({"visible-string": "€"}, "", "U+00FF"),
        ({"unsigned": 1, "long": 2}, "", "one key"),
        ([1], "", "one key"),
        (
            {"compact-array": {"description": "array", "elements": []}},
            ".description",
            "description",
        ),
        (
            {"compact-array": {"description": "unsigned", "elements": [{"long": 1}]}},
            "",
            "described as unsigned",
        ),
    ],
)
def test_malformed_forms_are_refused_with_a_path(form: Any, path: str, message: str) -> None:
    with pytest.raises(EncodeError) as info:
        axdr.encode(axdr.from_json(form))
    assert message in str(info.value)
    if path:
        assert info.value.path.endswith(path) or path in str(info.value)
