"""Property tests of the A-XDR codec: exact round trips, and any bytes give a value or a
DecodeError -- never another exception, never a hang."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from _vectors import load
from axdr_strategies import data_values, uniform_arrays
from dlmskit import axdr
from dlmskit.axdr import codec as codec_module
from dlmskit.errors import DecodeError, EncodeError


def _same(a: Any, b: Any) -> bool:
    """Equality that includes the A-XDR types (and NaNs)."""
    return bool(axdr.to_json(a) == axdr.to_json(b))


@given(data_values)
def test_value_round_trip(value: Any) -> None:
    data = axdr.encode(value)
    back = axdr.decode(data, strict=True)
    assert _same(back, value)
    assert axdr.encode(back) == data


@given(data_values)
def test_typed_json_round_trip(value: Any) -> None:
    text = json.dumps(axdr.to_json(value))
    back = axdr.from_json(json.loads(text))
    assert axdr.encode(back) == axdr.encode(value)


def _decode_or_error(data: bytes, strict: bool) -> Any:
    try:
        return axdr.decode(data, strict=strict)
    except DecodeError as exc:
        assert 0 <= exc.offset <= len(data)
        return exc


def _check_any_bytes(data: bytes) -> None:
    strict = _decode_or_error(data, strict=True)
    if not isinstance(strict, DecodeError):
        assert axdr.encode(strict) == data  # strict acceptance means exact
    lenient = _decode_or_error(data, strict=False)
    if not isinstance(lenient, DecodeError):
        # What lenient decoding accepts encodes canonically, and that is a fixed point.
        canonical = axdr.encode(lenient)
        again = axdr.decode(canonical)
        assert _same(again, lenient)
        assert axdr.encode(again) == canonical


@given(st.binary(max_size=200))
@example(b"\x01\x84\xff\xff\xff\xff")
@example(b"\x13\x02\x02\x01\xff\xff\x01\xff\xff\x00\x11\x01\x00")
def test_any_bytes_give_a_value_or_a_decode_error(data: bytes) -> None:
    _check_any_bytes(data)


def _seeds() -> list[bytes]:
    seeds = [
        axdr.encode(
            [(b"\x07\xe8\x01\x01" + bytes(8), axdr.DoubleLongUnsigned(i)) for i in range(9)]
        )
    ]
    for name in ("realworld", "normative"):
        for entry in load(name) or []:
            if entry["layer"] == "axdr-data":
                seeds.append(bytes.fromhex(entry["hex"]))
    return seeds


SEEDS = _seeds()


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "insert", "delete", "truncate", "byte"]))
        pos = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "flip" and data:
            data[pos] ^= 1 << draw(st.integers(0, 7))
        elif kind == "byte" and data:
            data[pos] = draw(st.sampled_from([0x00, 0x01, 0x02, 0x7F, 0x80, 0x81, 0x84, 0xFF]))
        elif kind == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=4))
        elif kind == "delete" and data:
            del data[pos]
        elif kind == "truncate":
            del data[pos:]
    return bytes(data)


@given(mutated())
def test_mutated_real_inputs_give_a_value_or_a_decode_error(data: bytes) -> None:
    _check_any_bytes(data)


@given(uniform_arrays())
def test_fast_path_equals_general_decoder(rows: list[Any]) -> None:
    data = axdr.encode(rows)
    fast = axdr.decode(data, strict=True)
    with pytest.MonkeyPatch.context() as m:
        m.setattr(codec_module, "_FAST_MIN_ROWS", 1 << 62)
        general = axdr.decode(data, strict=True)
    assert _same(fast, general)
    assert _same(fast, rows)


@given(uniform_arrays(), st.lists(st.integers(0, 400), max_size=8))
def test_elements_fed_in_pieces_equal_the_whole(rows: list[Any], cuts: list[int]) -> None:
    """decode_elements(partial=True) over growing prefixes, as blocks arrive, gives the
    rows of the whole array, in order, each once."""
    data = axdr.encode(rows)
    count, start = axdr.decode_length(data, 1)
    got: list[Any] = []
    pos = start
    for cut in sorted({min(c, len(data)) for c in cuts} | {len(data)}):
        values, pos = axdr.decode_elements(data[:cut], pos, count - len(got), partial=True)
        got.extend(values)
    assert pos == len(data)
    assert _same(got, rows)


def _general_encode(value: Any) -> bytes:
    with pytest.MonkeyPatch.context() as m:
        m.setattr(codec_module, "_ROWS_MIN", 1 << 62)
        return axdr.encode(value)


@given(uniform_arrays())
def test_compiled_row_encoder_equals_general_encoder(rows: list[Any]) -> None:
    assert axdr.encode(rows) == _general_encode(rows)
    assert axdr.encode(tuple(rows)) == _general_encode(tuple(rows))


@given(uniform_arrays(), st.data())
def test_compiled_row_encoder_raises_what_the_general_encoder_raises(
    rows: list[Any], data: st.DataObject
) -> None:
    """A value out of its type's range (made without the constructor's check) anywhere in
    the rows: both encoders refuse it with the same reason and path."""
    ints = [
        (r, c)
        for r, row in enumerate(rows)
        for c, item in enumerate(row)
        if isinstance(item, axdr.INTEGER_TYPES)
    ]
    if not ints:
        return
    r, c = data.draw(st.sampled_from(ints))
    cls = type(rows[r][c])
    wrong = int.__new__(cls, data.draw(st.sampled_from([cls.MIN - 1, cls.MAX + 1])))
    rows = list(rows)
    rows[r] = (*rows[r][:c], wrong, *rows[r][c + 1 :])
    with pytest.raises(EncodeError) as fast:
        axdr.encode(rows)
    with pytest.raises(EncodeError) as general:
        _general_encode(rows)
    assert (fast.value.reason, fast.value.path) == (general.value.reason, general.value.path)
    assert fast.value.path.startswith(f"[{r}][{c}]")


@given(uniform_arrays(), st.integers(1, 3000))
def test_chunks_join_to_the_encoding(rows: list[Any], size: int) -> None:
    pieces = list(axdr.encode_chunks(rows, size))
    assert b"".join(pieces) == axdr.encode(rows)
    assert all(len(piece) >= size for piece in pieces[:-1])


def test_chunks_are_encoded_as_they_are_taken() -> None:
    row = (b"\x07\xea\x03\x02\x01\x00\x00\x00\x00\x00\x00\x00", axdr.DoubleLongUnsigned(7))
    rows = [row] * 1000
    rows[900] = (row[0], int.__new__(axdr.DoubleLongUnsigned, -1))
    pieces = axdr.encode_chunks(rows, 100)
    rows.append(row)  # the array was taken when the call was made
    first = next(pieces)
    assert first.startswith(b"\x01\x82\x03\xe8")  # 1000 elements, not 1001
    with pytest.raises(EncodeError) as exc:
        list(pieces)
    assert exc.value.path == "[900][1]"


def test_chunks_of_a_scalar_and_of_empty_containers() -> None:
    assert list(axdr.encode_chunks(axdr.Unsigned(5), 1)) == [b"\x11\x05"]
    assert list(axdr.encode_chunks([], 10)) == [b"\x01\x00"]
    assert list(axdr.encode_chunks((), 10)) == [b"\x02\x00"]
    with pytest.raises(ValueError):
        axdr.encode_chunks([], 0)
    with pytest.raises(EncodeError):
        axdr.encode_chunks([[]], 10, max_depth=0)
