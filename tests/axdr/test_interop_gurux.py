"""A second implementation as oracle: gurux-dlms (test-only dependency, GPL, never imported by
the library) decodes what we encode to the same values, and we decode what it encodes."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dlmskit import axdr
from dlmskit.axdr import (
    ArrayDesc,
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
    VisibleString,
)

gx_common = pytest.importorskip("gurux_dlms.internal._GXCommon")
from gurux_dlms import (  # noqa: E402
    GXArray,
    GXBitString,
    GXEnum,
    GXFloat32,
    GXFloat64,
    GXInt8,
    GXInt16,
    GXInt32,
    GXInt64,
    GXStructure,
    GXUInt8,
    GXUInt16,
    GXUInt32,
    GXUInt64,
)
from gurux_dlms.GXByteBuffer import GXByteBuffer  # noqa: E402
from gurux_dlms.GXDLMSSettings import GXDLMSSettings  # noqa: E402
from gurux_dlms.internal._GXDataInfo import _GXDataInfo  # noqa: E402

SETTINGS = GXDLMSSettings(False, None)


def gurux_decode(data: bytes) -> Any:
    return gx_common._GXCommon.getData(SETTINGS, GXByteBuffer(data), _GXDataInfo())


def gurux_encode(value: Any) -> bytes:
    buff = GXByteBuffer()
    gx_common._GXCommon.setData(SETTINGS, buff, gx_common._GXCommon.getDLMSDataType(value), value)
    return bytes(buff.array())


def plain(value: Any) -> Any:
    """Both implementations' values as plain Python, for comparison."""
    if isinstance(value, GXBitString):
        return str(value)
    if isinstance(value, CompactArray):
        return [plain(v) for v in value.elements]
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, bytes | bytearray):
        return bytes(value)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str(value)
    raise AssertionError(f"unexpected {type(value)}")


_GURUX_OF = {
    Integer: GXInt8,
    Long: GXInt16,
    DoubleLong: GXInt32,
    Long64: GXInt64,
    Unsigned: GXUInt8,
    LongUnsigned: GXUInt16,
    DoubleLongUnsigned: GXUInt32,
    Long64Unsigned: GXUInt64,
    Enum: GXEnum,
    Float32: GXFloat32,
    Float64: GXFloat64,
}


def to_gurux(value: Any) -> Any:
    if isinstance(value, list):
        return GXArray([to_gurux(v) for v in value])
    if isinstance(value, tuple):
        structure = GXStructure()
        structure.extend(to_gurux(v) for v in value)
        return structure
    if isinstance(value, BitString):
        return GXBitString(str(value))
    if isinstance(value, VisibleString):
        return str(value)
    if type(value) in _GURUX_OF:
        return _GURUX_OF[type(value)](value)
    return value


def _ints(cls: Any) -> st.SearchStrategy[Any]:
    return st.integers(cls.MIN, cls.MAX).map(cls)


_leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.binary(max_size=140),
    st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=20).map(
        VisibleString
    ),
    st.text(alphabet="01", max_size=40).map(BitString),
    _ints(Integer),
    _ints(Long),
    _ints(DoubleLong),
    _ints(Long64),
    _ints(Unsigned),
    _ints(LongUnsigned),
    _ints(DoubleLongUnsigned),
    _ints(Long64Unsigned),
    st.integers(0, 127).map(Enum),  # gurux writes enums as signed octets
    st.floats(width=32, allow_nan=False).map(Float32),
    st.floats(allow_nan=False).map(Float64),
)
_values = st.recursive(
    _leaves,
    lambda inner: st.lists(inner, max_size=5) | st.lists(inner, max_size=5).map(tuple),
    max_leaves=20,
)


@given(_values)
def test_gurux_decodes_what_we_encode(value: Any) -> None:
    assert plain(gurux_decode(axdr.encode(value))) == plain(value)


def _whole_octet_bit_strings(value: Any) -> bool:
    # GXBitString built from text sets `pad_bits` but encodes with `padBits` (always 0), so
    # gurux writes every bit-string as whole octets; keep to those in this direction.
    if isinstance(value, BitString):
        return len(value) % 8 == 0
    if isinstance(value, list | tuple):
        return all(_whole_octet_bit_strings(v) for v in value)
    return True


@given(_values.filter(_whole_octet_bit_strings))
def test_we_decode_what_gurux_encodes(value: Any) -> None:
    data = gurux_encode(to_gurux(value))
    ours = axdr.decode(data, strict=True)
    assert plain(ours) == plain(value)
    assert axdr.to_json(ours) == axdr.to_json(value)  # the A-XDR types too


@pytest.mark.parametrize(
    "value",
    [
        CompactArray(DataType.LONG_UNSIGNED, [LongUnsigned(1), LongUnsigned(2)]),
        CompactArray(
            StructureDesc((DataType.DOUBLE_LONG_UNSIGNED, DataType.OCTET_STRING, DataType.INTEGER)),
            [(DoubleLongUnsigned(7), b"ab", Integer(-3)), (DoubleLongUnsigned(8), b"", Integer(4))],
        ),
        CompactArray(DataType.VISIBLE_STRING, [VisibleString("ab"), VisibleString("")]),
    ],
)
def test_gurux_decodes_our_compact_arrays(value: CompactArray) -> None:
    assert plain(gurux_decode(axdr.encode(value))) == plain(value)


def _leaves_of(value: Any) -> list[Any]:
    if isinstance(value, list):
        return [leaf for item in value for leaf in _leaves_of(item)]
    return [value]


def test_compact_array_with_inner_array_description() -> None:
    # Gurux wraps each element of an inner array in a list of its own ([[1], [2]]), so the
    # comparison is of the values in order.
    value = CompactArray(
        StructureDesc((ArrayDesc(2, DataType.UNSIGNED), DataType.LONG)),
        [([Unsigned(1), Unsigned(2)], Long(-1)), ([Unsigned(3), Unsigned(4)], Long(5))],
    )
    data = axdr.encode(value)
    assert data.hex() == "1302020100021110" + "08" + "0102ffff" + "03040005"
    assert _leaves_of(plain(gurux_decode(data))) == [1, 2, -1, 3, 4, 5]
    assert axdr.decode(data, strict=True) == value


def test_special_floats_agree() -> None:
    for value in (Float32(math.inf), Float64(-math.inf), Float32(-0.0)):
        assert plain(gurux_decode(axdr.encode(value))) == plain(value)
