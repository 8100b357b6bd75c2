"""OBIS codes: the written forms, the 6 octets, errors."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from _vectors import params
from dlmskit.cosem import Obis, ObisError


@pytest.mark.parametrize(
    "text",
    [
        "1-0:1.8.0*255",
        "1-0:1.8.0",
        "1.0.1.8.0.255",
        " 1-0:1.8.0.255 ",
        "0100010800ff",
        "0x0100010800FF",
    ],
)
def test_written_forms_parse(text: str) -> None:
    assert Obis.parse(text) == Obis(1, 0, 1, 8, 0, 255)


def test_bytes_and_printing() -> None:
    code = Obis.parse(b"\x00\x00\x2b\x01\x00\xff")
    assert code == (0, 0, 43, 1, 0, 255)
    assert bytes(code) == code.to_bytes() == b"\x00\x00\x2b\x01\x00\xff"
    assert str(code) == "0-0:43.1.0*255"
    assert code.dotted == "0.0.43.1.0.255"
    assert code.short == "0-0:43.1.0"
    assert Obis(1, 0, 1, 8, 0, 101).short == "1-0:1.8.0*101"
    assert repr(code) == "Obis('0-0:43.1.0*255')"
    assert Obis.parse(code) is code
    assert Obis.parse(bytearray(bytes(code))) == code
    assert Obis(1, 0, 1, 8, 0) == Obis(1, 0, 1, 8, 0, 255)


@pytest.mark.parametrize(
    "bad",
    ["1-0:1.8", "1.0.1.8.0", "1-0:256.8.0", "a-b:c.d.e", "", "1-0:1.8.0*2555", "01000108"],
)
def test_bad_text_is_refused(bad: str) -> None:
    with pytest.raises(ObisError):
        Obis.parse(bad)


def test_bad_values_are_refused() -> None:
    with pytest.raises(ObisError, match=r"A must be 0\.\.255"):
        Obis(256, 0, 1, 8, 0, 255)
    with pytest.raises(ObisError, match="6 octets"):
        Obis.parse(b"\x01\x02")
    with pytest.raises(ObisError):
        Obis(True, 0, 1, 8, 0, 255)
    with pytest.raises(ObisError):
        Obis.parse(12345)  # type: ignore[arg-type]


@pytest.mark.parametrize("vector", params("normative", "obis"))
def test_obis_vectors(vector: dict[str, Any]) -> None:
    code = Obis.parse(bytes.fromhex(vector["hex"]))
    assert str(code) == vector["expected"]["obis"]
    assert code.description is not None
    assert vector["expected"]["meaning"].lower() in code.description.lower()


@given(st.binary(min_size=6, max_size=6))
def test_every_logical_name_prints_and_parses_back(raw: bytes) -> None:
    code = Obis.from_bytes(raw)
    assert Obis.parse(str(code)) == code
    assert Obis.parse(code.dotted) == code
    assert Obis.parse(code.short) == code
    assert code.description is None or isinstance(code.description, str)
