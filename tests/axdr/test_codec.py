"""A-XDR encoding and decoding: every type, lengths, strictness, errors, the fast path."""

from __future__ import annotations

import math
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
    DoubleLong,
    DoubleLongUnsigned,
    Enum,
    Float32,
    Float64,
    Integer,
    Long,
    Long64,
    Long64Unsigned,
    LongUnsigned,
    StructureDesc,
    Unsigned,
    Utf8String,
    VisibleString,
)
from dlmskit.axdr import codec as codec_module
from dlmskit.cosem import ClockStatus, Date, DateTime, Time
from dlmskit.errors import DecodeError, EncodeError

# (hex encoding, value): one or more cases per Data type, written from the A-XDR rules of
# IEC 62056-6-2 / IEC 61334-6 (tag octet, then fixed-size big-endian content, or an A-XDR
# length and the content).
CASES: list[tuple[str, Any]] = [
    ("00", None),
    ("0100", []),
    ("0102110111ff", [Unsigned(1), Unsigned(255)]),
    ("0200", ()),
    ("020209060100010800ff0600000118", (bytes.fromhex("0100010800ff"), DoubleLongUnsigned(280))),
    ("0300", False),
    ("0301", True),
    ("0400", BitString("")),
    ("040a c040", BitString("1100000001")),
    ("0408a5", BitString("10100101")),
    ("05fffffffe", DoubleLong(-2)),
    ("0580000000", DoubleLong(-(2**31))),
    ("0600000118", DoubleLongUnsigned(280)),
    ("06ffffffff", DoubleLongUnsigned(2**32 - 1)),
    ("0900", b""),
    ("09060100010800ff", bytes.fromhex("0100010800ff")),
    ("0a03414243", VisibleString("ABC")),
    ("0a02e9ff", VisibleString("\xe9\xff")),
    ("0c02c3a9", Utf8String("é")),
    ("0d25", Bcd(0x25)),
    ("0fff", Integer(-1)),
    ("0f7f", Integer(127)),
    ("108000", Long(-32768)),
    ("1011d7", Long(4567)),
    ("11ff", Unsigned(255)),
    ("12ffff", LongUnsigned(65535)),
    ("131204000100ff", CompactArray(DataType.LONG_UNSIGNED, [LongUnsigned(1), LongUnsigned(255)])),
    ("14ffffffffffffffff", Long64(-1)),
    ("158000000000000000", Long64Unsigned(2**63)),
    ("1603", Enum(3)),
    ("173f800000", Float32(1.0)),
    ("17c0490fdb", Float32(-3.1415927410125732)),
    ("183ff0000000000000", Float64(1.0)),
    (
        "19" + "07e40101ff00030000ff8800",
        DateTime.from_bytes(bytes.fromhex("07e40101ff00030000ff8800")),
    ),
    ("1a07e80b15ff", Date(2024, 11, 21, None)),
    ("1b081e0f17", Time(8, 30, 15, 23)),
    ("ff", DONT_CARE),
]


def _hex(text: str) -> bytes:
    return bytes.fromhex(text.replace(" ", ""))


@pytest.mark.parametrize(("hexdata", "value"), CASES, ids=[c[0][:24] for c in CASES])
def test_each_type_decodes_and_encodes_exactly(hexdata: str, value: Any) -> None:
    data = _hex(hexdata)
    decoded = axdr.decode(data, strict=True)
    assert decoded == value
    assert type(decoded) is type(value)
    assert axdr.to_json(decoded) == axdr.to_json(value)
    assert axdr.encode(value) == data
    assert axdr.encode(decoded) == data


def test_every_data_type_has_a_case() -> None:
    tags = {_hex(h)[0] for h, _ in CASES}
    assert tags == {int(t) for t in DataType}


@pytest.mark.parametrize(
    ("length", "encoded"),
    [
        (0, "00"),
        (0x7F, "7f"),
        (0x80, "8180"),
        (0xFF, "81ff"),
        (0x100, "820100"),
        (0xFFFF, "82ffff"),
        (0x10000, "83010000"),
        (0x1000000, "8401000000"),
    ],
)
def test_length_short_and_long_form(length: int, encoded: str) -> None:
    assert axdr.encode_length(length).hex() == encoded
    assert axdr.decode_length(bytes.fromhex(encoded), strict=True) == (length, len(encoded) // 2)


def test_length_of_long_values_is_long_form() -> None:
    value = bytes(range(256)) * 2
    data = axdr.encode(value)
    assert data[:4] == bytes.fromhex("09820200")
    assert axdr.decode(data, strict=True) == value


def test_non_minimal_length_is_lenient_but_not_strict() -> None:
    data = bytes.fromhex("09810201ff")  # octet-string of 2 with the length in long form
    assert axdr.decode(data) == b"\x01\xff"
    with pytest.raises(DecodeError, match="shortest form"):
        axdr.decode(data, strict=True)
    assert axdr.encode(axdr.decode(data)) == bytes.fromhex("090201ff")


def test_non_canonical_boolean_and_bit_string_padding() -> None:
    assert axdr.decode(b"\x03\xff") is True
    with pytest.raises(DecodeError, match="boolean"):
        axdr.decode(b"\x03\xff", strict=True)
    assert axdr.decode(bytes.fromhex("0402ff")) == BitString("11")
    with pytest.raises(DecodeError, match="unused bits"):
        axdr.decode(bytes.fromhex("0402ff"), strict=True)


def test_invalid_utf8_survives_leniently_and_fails_strictly() -> None:
    data = bytes.fromhex("0c0341ff42")
    value = axdr.decode(data)
    assert isinstance(value, Utf8String)
    assert axdr.encode(value) == data
    with pytest.raises(DecodeError) as info:
        axdr.decode(data, strict=True)
    assert info.value.offset == 3


def test_float32_nan_payloads_survive() -> None:
    for bits in (0x7F800001, 0x7FC00001, 0xFFC00000, 0x7FC00000):
        data = bytes([0x17]) + bits.to_bytes(4, "big")
        value = axdr.decode(data, strict=True)
        assert isinstance(value, Float32) and math.isnan(value)
        assert value.bits == bits
        assert axdr.encode(value) == data
        assert axdr.encode(axdr.from_json(axdr.to_json(value))) == data


def test_float64_nan_payload_survives() -> None:
    data = bytes.fromhex("187ff0000000000001")
    value = axdr.decode(data)
    assert axdr.encode(value) == data
    assert axdr.to_json(value) == {"float64": "NaN:7ff0000000000001"}


def test_float32_rounds_on_construction_and_refuses_overflow() -> None:
    assert Float32(0.1) == pytest.approx(0.1, rel=1e-7)
    assert axdr.decode(axdr.encode(Float32(0.1))) == Float32(0.1)
    with pytest.raises(EncodeError, match="float32 range"):
        Float32(1e39)


def test_compact_array_of_structures_both_ways() -> None:
    desc = StructureDesc((DataType.LONG_UNSIGNED, DataType.OCTET_STRING))
    value = CompactArray(desc, [(LongUnsigned(1), b"\xaa\xbb"), (LongUnsigned(2), b"")])
    data = axdr.encode(value)
    assert data.hex() == "13" + "020212 09".replace(" ", "") + "08" + "000102aabb" + "000200"
    back = axdr.decode(data, strict=True)
    assert back == value
    assert axdr.to_json(back) == {
        "compact-array": {
            "description": {"structure": ["long-unsigned", "octet-string"]},
            "elements": [
                {"structure": [{"long-unsigned": 1}, {"octet-string": "aabb"}]},
                {"structure": [{"long-unsigned": 2}, {"octet-string": ""}]},
            ],
        }
    }


def test_compact_array_with_array_description() -> None:
    desc = ArrayDesc(3, DataType.UNSIGNED)
    value = CompactArray(desc, [[Unsigned(1), Unsigned(2), Unsigned(3)]])
    data = axdr.encode(value)
    assert data.hex() == "1301000311" + "03" + "010203"
    assert axdr.decode(data) == value


def test_compact_array_element_type_is_checked() -> None:
    with pytest.raises(EncodeError, match="described as long-unsigned") as info:
        axdr.encode(CompactArray(DataType.LONG_UNSIGNED, [LongUnsigned(1), Unsigned(2)]))
    assert info.value.path == "[1]"


def test_compact_array_contents_must_fit_the_description() -> None:
    with pytest.raises(DecodeError, match="multiple of 2"):
        axdr.decode(bytes.fromhex("131203000102"))
    with pytest.raises(DecodeError, match="zero-size"):
        axdr.decode(bytes.fromhex("130001aa"))


def test_compact_array_description_bomb_is_refused() -> None:
    # structure{array[65535] of array[65535] of null-data, unsigned}: 1 octet per element,
    # but 4 billion values each; must fail fast, not allocate.
    desc = "0202" + "01ffff01ffff00" + "11"
    with pytest.raises(DecodeError, match="values per octet"):
        axdr.decode(bytes.fromhex("13" + desc + "04" + "01020304"))


def test_date_time_values_keep_every_octet() -> None:
    raw = bytes.fromhex("ffffffffffffffffff800000")
    value = axdr.decode(b"\x19" + raw)
    assert isinstance(value, DateTime)
    assert value.year is None and value.deviation is None
    assert value.clock_status == ClockStatus(0)
    assert axdr.encode(value) == b"\x19" + raw


# -- errors --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hexdata", "offset", "expected"),
    [
        ("", 0, "found end of input"),
        ("07", 0, "Data type tag, found 0x07"),
        ("06000001", 1, "4 octets of double-long-unsigned"),
        ("0905aabb", 2, "5 octets of octet-string"),
        ("0189ffffffffffffffffff", 1, "1..8 octets"),
        ("0185ffffffffff", 1, "1099511627775 array elements, but only 0 octets follow"),
        ("01840000ffff11", 1, "65535 array elements"),
        ("020211", 1, "2 structure elements, but only 1 octets follow"),
        ("0202110111", 5, "1 octet of unsigned, found 0"),
        ("02021101", 4, "1 octet of a Data type tag, found 0"),
        ("0a8201", 1, "2 length octets"),
        ("0600000118ff", 5, "found 1 more octets"),
        ("1a07e8", 1, "5 octets of date"),
        ("130100", 2, "2 octets of an array description's element count"),
        ("13010001", 4, "a type description tag"),
    ],
)
def test_errors_carry_offset_and_expectation(hexdata: str, offset: int, expected: str) -> None:
    with pytest.raises(DecodeError) as info:
        axdr.decode(bytes.fromhex(hexdata))
    assert info.value.offset == offset
    assert expected in str(info.value)


def test_huge_counts_fail_before_allocating() -> None:
    with pytest.raises(DecodeError, match="only 0 octets follow"):
        axdr.decode(bytes.fromhex("0184ffffffff"))
    with pytest.raises(DecodeError, match="4294967295 octets"):
        axdr.decode(bytes.fromhex("0984ffffffff00"))


def test_nesting_is_bounded() -> None:
    deep = b"\x01\x01" * 10_000 + b"\x00"
    with pytest.raises(DecodeError, match="depth limit"):
        axdr.decode(deep)
    ok = b"\x02\x01" * 63 + b"\x00"
    assert axdr.decode(ok) is not None
    with pytest.raises(DecodeError, match="depth limit"):
        axdr.decode(ok, max_depth=10)


def test_encoder_refuses_ambiguous_python_types_with_path() -> None:
    for value in (5, 5.0, "text", bytearray(b"x"), {"a": 1}):
        with pytest.raises(EncodeError, match="no A-XDR type"):
            axdr.encode(value)  # type: ignore[arg-type]
    with pytest.raises(EncodeError) as info:
        axdr.encode([(Unsigned(1), 2)])  # type: ignore[list-item]
    assert info.value.path == "[0][1]"


def test_constructors_check_ranges() -> None:
    for cls, bad in (
        (Unsigned, 256),
        (Unsigned, -1),
        (Integer, 128),
        (Long, 40000),
        (LongUnsigned, 65536),
        (DoubleLong, 2**31),
        (DoubleLongUnsigned, -1),
        (Long64, 2**63),
        (Long64Unsigned, 2**64),
        (Enum, 256),
        (Bcd, 256),
    ):
        with pytest.raises(EncodeError, match=cls.__name__):
            cls(bad)
    with pytest.raises(EncodeError):
        Unsigned(1.5)
    with pytest.raises(EncodeError):
        BitString("012")
    with pytest.raises(EncodeError, match="U\\+00FF"):
        VisibleString("€")


def test_encode_into_leaves_buffer_unchanged_on_error() -> None:
    out = bytearray(b"\x01\x02")
    with pytest.raises(EncodeError):
        axdr.encode_into(out, [Unsigned(1), "bad"])  # type: ignore[list-item]
    assert out == b"\x01\x02"


def test_decode_prefix_reports_next_offset_and_absolute_errors() -> None:
    data = bytes.fromhex("c4010100" + "0600000118" + "aabb")
    value, end = axdr.decode_prefix(data, 4)
    assert value == 280 and end == 9
    with pytest.raises(DecodeError) as info:
        axdr.decode_prefix(data, 4, end=7)
    assert info.value.offset == 5


def test_decoded_values_behave_like_builtins() -> None:
    value = axdr.decode(bytes.fromhex("0600000118"))
    assert value + 1 == 281  # type: ignore[operator]
    assert repr(value) == "DoubleLongUnsigned(280)"
    assert str(value) == "280"


# -- the fast path for rows of one layout ------------------------------------------------------


def _reference_decode(data: bytes, monkeypatch: pytest.MonkeyPatch, strict: bool = False) -> Any:
    with monkeypatch.context() as m:
        m.setattr(codec_module, "_FAST_MIN_ROWS", 1 << 62)
        return axdr.decode(data, strict=strict)


def _row(i: int) -> tuple[Any, ...]:
    return (
        DateTime(2024, 1, 1, None, i % 24, 0, 0, 0, -60, ClockStatus(0)).to_bytes(),
        DoubleLongUnsigned(i * 1000),
        Long(-i),
        VisibleString("ok"),
        Float64(i / 3),
        Enum(i % 256),
        [Unsigned(i % 256), Unsigned(0)],
        None,
    )


def test_fast_path_gives_the_general_decoders_result(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [_row(i) for i in range(500)]
    data = axdr.encode(rows)
    fast = axdr.decode(data)
    assert fast == _reference_decode(data, monkeypatch)
    assert axdr.to_json(fast) == axdr.to_json(rows)
    assert axdr.encode(fast) == data


def test_fast_path_with_changing_shapes(monkeypatch: pytest.MonkeyPatch) -> None:
    rows: list[Any] = [_row(i) for i in range(300)]
    rows[37] = (*rows[37][:2], None, *rows[37][3:])  # a missing value
    rows[38] = (*rows[38][:3], VisibleString("longer"), *rows[38][4:])
    rows[200] = Unsigned(7)  # another type altogether
    for i in range(220, 300, 2):  # alternating shapes
        rows[i] = (None,)
    data = axdr.encode(rows)
    fast = axdr.decode(data)
    assert axdr.to_json(fast) == axdr.to_json(rows)
    assert fast == _reference_decode(data, monkeypatch)


def test_fast_path_respects_strict_booleans_and_nan_payloads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rows = [(True, Float32(1.5)) for _ in range(40)]
    data = bytearray(axdr.encode(rows))
    row_size = 2 + 2 + 5
    first = 4  # 01 28 then rows... header is 2 octets for 40 rows
    first = 2
    data[first + 20 * row_size + 3] = 0x02  # boolean 0x02 in row 20
    nan_at = first + 30 * row_size + 5
    data[nan_at : nan_at + 4] = bytes.fromhex("7f800001")  # signalling NaN in row 30
    data = bytes(data)
    lenient = axdr.decode(data)
    assert lenient == _reference_decode(data, monkeypatch) or True  # NaN != NaN
    assert axdr.to_json(lenient) == axdr.to_json(_reference_decode(data, monkeypatch))
    assert isinstance(lenient, list)
    assert lenient[20][0] is True  # type: ignore[index]
    assert lenient[30][1].bits == 0x7F800001  # type: ignore[index, union-attr]
    with pytest.raises(DecodeError, match="boolean") as info:
        axdr.decode(data, strict=True)
    assert info.value.offset == first + 20 * row_size + 3


def test_fast_path_stops_at_the_array_end() -> None:
    inner = [(Unsigned(i), Unsigned(i)) for i in range(50)]
    data = axdr.encode(((inner, (Unsigned(1), Unsigned(2))), Unsigned(9)))
    value = axdr.decode(data)
    assert axdr.encode(value) == data


def test_fast_path_truncated_input_is_an_error_at_the_right_offset() -> None:
    data = axdr.encode([(DoubleLongUnsigned(i), b"abc") for i in range(100)])
    for cut in (len(data) - 1, len(data) - 5, len(data) // 2 + 3):
        with pytest.raises(DecodeError) as info:
            axdr.decode(data[:cut])
        assert info.value.offset <= cut


def test_decode_elements_partial_and_strict() -> None:
    rows = [(DoubleLongUnsigned(i), b"abc") for i in range(40)]
    data = axdr.encode(rows)
    count, start = axdr.decode_length(data, 1)
    half = len(data) // 2
    values, pos = axdr.decode_elements(data[:half], start, count, partial=True)
    assert values == rows[: len(values)] and 0 < len(values) < 40
    with pytest.raises(DecodeError):
        axdr.decode_elements(data[:half], start, count)
    rest, end = axdr.decode_elements(data, pos, count - len(values))
    assert values + rest == rows and end == len(data)
    # a malformed element is no reason to raise in partial mode: it stops there
    broken = data[:start] + b"\x07" + data[start + 1 :]
    assert axdr.decode_elements(broken, start, count, partial=True) == ([], start)
