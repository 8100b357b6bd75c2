"""Hypothesis strategies for COSEM Data values (shared by the A-XDR property tests)."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

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
from dlmskit.cosem import Date, DateTime, Time

_INT_TYPES = (
    DoubleLong,
    DoubleLongUnsigned,
    Integer,
    Long,
    Unsigned,
    LongUnsigned,
    Long64,
    Long64Unsigned,
    Enum,
    Bcd,
)


def _int_of(cls: Any) -> st.SearchStrategy[Any]:
    return st.integers(cls.MIN, cls.MAX).map(cls)


datetimes = st.binary(min_size=12, max_size=12).map(DateTime.from_bytes)
dates = st.binary(min_size=5, max_size=5).map(Date.from_bytes)
times = st.binary(min_size=4, max_size=4).map(Time.from_bytes)

scalars: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    st.just(DONT_CARE),
    st.booleans(),
    st.binary(max_size=300),
    st.text(alphabet=st.characters(max_codepoint=0xFF), max_size=40).map(VisibleString),
    st.text(max_size=40).map(Utf8String),
    st.text(alphabet="01", max_size=70).map(BitString),
    *[_int_of(cls) for cls in _INT_TYPES],
    st.integers(0, 0xFFFFFFFF).map(Float32.from_bits),
    st.integers(0, 2**64 - 1).map(Float64.from_bits),
    datetimes,
    dates,
    times,
)

_SIMPLE_DESCS = [
    t for t in DataType if t not in (DataType.ARRAY, DataType.STRUCTURE, DataType.COMPACT_ARRAY)
]

descriptions: st.SearchStrategy[Any] = st.recursive(
    st.sampled_from(_SIMPLE_DESCS),
    lambda inner: st.one_of(
        st.builds(ArrayDesc, st.integers(0, 3), inner),
        st.lists(inner, max_size=4).map(lambda items: StructureDesc(tuple(items))),
    ),
    max_leaves=6,
)


def value_of(desc: Any) -> st.SearchStrategy[Any]:
    """A value matching a compact-array type description."""
    if isinstance(desc, ArrayDesc):
        return st.lists(value_of(desc.element), min_size=desc.count, max_size=desc.count)
    if isinstance(desc, StructureDesc):
        return st.tuples(*[value_of(d) for d in desc.elements])
    return scalars.filter(lambda v: axdr.type_of(v) == desc)


def _size_zero(desc: Any) -> bool:
    if isinstance(desc, ArrayDesc):
        return desc.count == 0 or _size_zero(desc.element)
    if isinstance(desc, StructureDesc):
        return all(_size_zero(d) for d in desc.elements)
    return desc in (DataType.NULL_DATA, DataType.DONT_CARE)


@st.composite
def compact_arrays(draw: st.DrawFn) -> CompactArray:
    desc = draw(descriptions)
    if _size_zero(desc):
        return CompactArray(desc, [])
    elements = draw(st.lists(value_of(desc), max_size=4))
    return CompactArray(desc, elements)


data_values: st.SearchStrategy[Any] = st.recursive(
    st.one_of(scalars, compact_arrays()),
    lambda inner: st.one_of(
        st.lists(inner, max_size=6),
        st.lists(inner, max_size=6).map(tuple),
    ),
    max_leaves=25,
)


@st.composite
def uniform_arrays(draw: st.DrawFn) -> list[Any]:
    """Arrays of many rows sharing one shape, with occasional deviations: the fast path's
    home ground and its fallbacks."""
    template = draw(st.lists(scalars, min_size=1, max_size=5).map(tuple))
    rows = []
    for _ in range(draw(st.integers(0, 80))):
        row = list(template)
        if draw(st.integers(0, 9)) == 0 and row:
            index = draw(st.integers(0, len(row) - 1))
            row[index] = draw(scalars)
        else:
            for index, item in enumerate(row):
                if isinstance(item, int) and not isinstance(item, bool):
                    cls = type(item)
                    row[index] = cls(draw(st.integers(cls.MIN, cls.MAX)))
        rows.append(tuple(row))
    return rows
