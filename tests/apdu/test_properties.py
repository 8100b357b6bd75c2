"""Properties of the APDU codec, checked with Hypothesis.

* every APDU type round-trips: ``decode(a.encode())`` is an ``a`` of the same type that
  encodes to the same bytes;
* any bytes -- random, random after a known tag, real APDUs mutated -- decode to a value or
  raise :class:`~dlmskit.apdu.ApduDecodeError`, never another exception; and whatever
  decodes encodes again, stably.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from _vectors import VECTORS_DIR
from apdu.strategies import ALL, any_apdu
from dlmskit import apdu
from dlmskit.apdu import Apdu, ApduDecodeError
from dlmskit.axdr import CompactArray

KNOWN_TAGS = sorted(apdu._READERS)


def _vector_apdus() -> list[bytes]:
    found: list[bytes] = []
    for name in ("normative", "realworld"):
        path = VECTORS_DIR / f"{name}.json"
        if not path.is_file():
            continue
        for entry in json.loads(path.read_text()):
            raw = bytes.fromhex(entry["hex"])
            if entry["layer"] == "apdu":
                found.append(raw)
            elif entry["layer"] == "llc+apdu":
                found.append(raw[3:])
            elif entry["layer"] == "wrapper+apdu":
                found.append(raw[8:])
    return found


# Green Book facts, so the mutation tests have seeds even without the vector files.
_BUILT_IN = [
    bytes.fromhex("601da109060760857405080101be10040e01000000065f1f0400007e1f04b0"),
    bytes.fromhex(
        "6129a109060760857405080101a203020100a305a103020100be10040e0800065f1f040000501f01f40007"
    ),
    bytes.fromhex("c001c100080000010000ff0200"),
    bytes.fromhex("c81e3001234567411312ff935a47566827c467bc7d825c3be4a77c3fcc056b6b"),
    bytes.fromhex("6203800100"),
]
SEEDS = _BUILT_IN + _vector_apdus()


def check_total(raw: bytes) -> None:
    """``raw`` decodes to a value or raises ApduDecodeError; a value encodes stably."""
    try:
        decoded = apdu.decode(raw)
    except ApduDecodeError as exc:
        assert 0 <= exc.offset <= len(raw)
        return
    assert isinstance(decoded, Apdu)
    again = decoded.encode()
    assert apdu.decode(again).encode() == again


@pytest.mark.parametrize("name", sorted(ALL))
def test_round_trip_every_apdu_type(name: str) -> None:
    @settings(suppress_health_check=[HealthCheck.too_slow])
    @given(ALL[name])
    def round_trip(value: Any) -> None:
        raw = value.encode()
        decoded = apdu.decode(raw)
        assert type(decoded) is type(value)
        assert decoded.encode() == raw

    round_trip()


def _has_nan(value: Any) -> bool:
    if isinstance(value, float):
        return value != value
    if isinstance(value, list | tuple):
        return any(map(_has_nan, value))
    if isinstance(value, CompactArray):
        return _has_nan(value.elements)
    if dataclasses.is_dataclass(value):
        return any(_has_nan(getattr(value, f.name)) for f in dataclasses.fields(value))
    return False


@given(any_apdu)
def test_round_trip_equality(value: Any) -> None:
    decoded = apdu.decode(value.encode())
    if not _has_nan(value):  # NaN != NaN, so only the bytes can be compared
        assert decoded == value


@given(st.binary(max_size=200))
@example(b"")
@example(b"\x60\x80")
@example(b"\x60\x84\xff\xff\xff\xff")
@example(b"\xc0\x01\xc1")
def test_random_bytes(raw: bytes) -> None:
    check_total(raw)


@given(st.sampled_from(KNOWN_TAGS), st.binary(max_size=120))
def test_random_bytes_after_a_known_tag(tag: int, rest: bytes) -> None:
    check_total(bytes((tag,)) + rest)


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.integers(0, 4))
        if not data:
            data.append(draw(st.integers(0, 255)))
            continue
        at = draw(st.integers(0, len(data) - 1))
        if kind == 0:
            data[at] = draw(st.integers(0, 255))
        elif kind == 1:
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == 2:
            del data[at]
        elif kind == 3:
            data.insert(at, draw(st.integers(0, 255)))
        else:
            del data[at:]
    return bytes(data)


@given(mutated())
def test_mutated_real_apdus(raw: bytes) -> None:
    check_total(raw)


@pytest.mark.parametrize("seed", SEEDS, ids=lambda b: b[:6].hex())
def test_every_truncation_of_real_apdus(seed: bytes) -> None:
    for end in range(len(seed)):
        with pytest.raises(ApduDecodeError):
            apdu.decode(seed[:end])


def _decodes(raw: bytes) -> bool:
    try:
        apdu.decode(raw)
    except ApduDecodeError:
        return False
    return True


@pytest.mark.parametrize("seed", [s for s in SEEDS if _decodes(s)], ids=lambda b: b[:6].hex())
def test_trailing_octets_are_refused(seed: bytes) -> None:
    with pytest.raises(ApduDecodeError) as info:
        apdu.decode(seed + b"\x00")
    assert info.value.offset == len(seed) or seed[0] in (0x60, 0x61, 0x62, 0x63)
