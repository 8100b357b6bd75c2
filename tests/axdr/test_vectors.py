"""The ``axdr-data`` vectors of ../shared/vectors decode to what they state, and re-encode to
the same bytes (sources named in each vector: u9n/dlms-cosem tests, Blue Book examples)."""

from __future__ import annotations

from typing import Any

import pytest

from _vectors import params
from dlmskit import axdr
from dlmskit.axdr import VisibleString
from dlmskit.cosem import Date, DateTime, Obis, Time


def _simplify(value: Any) -> Any:
    """The vectors' ``body_simplified`` notation: strings as text, logical names as
    ``OBIS:a.b.c.d.e.f``, numbers as ints."""
    if isinstance(value, VisibleString):
        return str(value)
    if isinstance(value, bytes) and len(value) == 6:
        return "OBIS:" + Obis.from_bytes(value).dotted
    if isinstance(value, int):
        return int(value)
    return value


@pytest.mark.parametrize(
    "vector", params("realworld", "axdr-data") + params("normative", "axdr-data")
)
def test_axdr_vector(vector: dict[str, Any]) -> None:
    data = bytes.fromhex(vector["hex"])
    value = axdr.decode(data, strict=True)
    assert axdr.encode(value) == data
    assert axdr.encode(axdr.from_json(axdr.to_json(value))) == data
    expected = vector["expected"]

    if "verified_decode" in expected:
        assert expected["verified_decode"]["consumed_bytes"] == len(data)
        assert isinstance(value, tuple)
        assert [_simplify(v) for v in value] == expected["verified_decode"]["body_simplified"]
    asserts = expected.get("source_asserts", {})
    if "parsed_len" in asserts:
        assert isinstance(value, tuple | list) and len(value) == asserts["parsed_len"]
    if "visible_strings" in asserts:
        assert isinstance(value, tuple)
        found = [str(v) for v in value if isinstance(v, VisibleString)]
        assert found == asserts["visible_strings"]
    if "array_len" in asserts:
        assert isinstance(value, list)
        assert len(value) == asserts["array_len"]
        assert all(isinstance(row, tuple) and len(row) == asserts["entry_len"] for row in value)
    if "first_entry" in expected:
        assert isinstance(value, list)
        _check_profile_entry(value[0], expected["first_entry"])
        _check_profile_entry(value[-1], expected["last_entry"])
    if "date" in expected:
        assert isinstance(value, Date)
        _check_fields(value, expected["date"], ("year", "month", "day", "day_of_week"))
    if "time" in expected:
        assert isinstance(value, Time)
        _check_fields(value, expected["time"], ("hour", "minute", "second", "hundredths"))
    if "byte_length" in expected:
        assert len(data) == expected["byte_length"]


def _check_fields(value: Date | Time, stated: Any, names: tuple[str, ...]) -> None:
    if isinstance(stated, str) and "not specified" in stated:
        assert all(getattr(value, n) is None for n in names)
    elif isinstance(stated, str):  # e.g. "08:30:15.23"
        assert str(value) == stated
    else:
        for name in names:
            want = stated.get(name)
            want = None if want == "not specified" else want
            assert getattr(value, name) == want, name


def _check_profile_entry(row: Any, stated: str) -> None:
    # e.g. "2018-02-12T00:00:00 (deviation unspecified 0x8000), status 0, value 100000"
    stamp, status, value = row
    when = DateTime.from_bytes(stamp)
    iso = stated.split(" ", 1)[0].rstrip(",")
    assert when.to_datetime().isoformat() == iso
    if "deviation unspecified" in stated or "0x8000" in stated:
        assert when.deviation is None
    assert f"status {int(status)}," in stated
    assert stated.endswith(f"value {int(value)}")
