"""Hypothesis strategies for values of a model schema, and wrong values for it."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from axdr_strategies import data_values, scalars
from dlmskit import axdr
from dlmskit.axdr import CLASS_OF, DataType
from dlmskit.model.schema import (
    AnyData,
    AnySimple,
    ArrayOf,
    Choice,
    EnumOf,
    FixedOctets,
    OctetKind,
    Scaled,
    Schema,
    Simple,
    Struct,
    _ScalerUnitSchema,
)

_SIMPLE_SCALARS = scalars.filter(
    lambda v: axdr.type_of(v) not in (DataType.DONT_CARE, DataType.COMPACT_ARRAY)
)


def _simple(tag: DataType) -> st.SearchStrategy[Any]:
    if tag is DataType.NULL_DATA:
        return st.none()
    if tag is DataType.BOOLEAN:
        return st.booleans()
    if tag is DataType.OCTET_STRING:
        return st.binary(max_size=40)
    cls = CLASS_OF[tag]
    if hasattr(cls, "MIN"):
        return st.integers(cls.MIN, cls.MAX).map(cls)
    return scalars.filter(lambda v: axdr.type_of(v) is tag)


def valid(schema: Schema, depth: int = 0) -> st.SearchStrategy[Any]:
    """Raw A-XDR values that fit ``schema``."""
    if isinstance(schema, Scaled):
        return valid(schema.inner, depth)
    if isinstance(schema, Simple):
        return _simple(schema.type)
    if isinstance(schema, FixedOctets):
        return st.binary(min_size=schema.size, max_size=schema.size)
    if isinstance(schema, EnumOf):
        values = [int(m) for m in schema.enum]
        if schema.strict:
            return st.sampled_from(values).map(axdr.Enum)
        return st.integers(0, 255).map(axdr.Enum)
    if isinstance(schema, _ScalerUnitSchema):
        return st.tuples(
            st.integers(-128, 127).map(axdr.Integer), st.integers(0, 255).map(axdr.Enum)
        )
    if isinstance(schema, Struct):
        return st.tuples(*[valid(f.schema, depth + 1) for f in schema.fields])
    if isinstance(schema, ArrayOf):
        return st.lists(valid(schema.element, depth + 1), max_size=3 if depth < 3 else 1)
    if isinstance(schema, Choice):
        return st.one_of(*[valid(o, depth) for o in schema.options])
    if isinstance(schema, AnySimple):
        return _SIMPLE_SCALARS
    if isinstance(schema, AnyData):
        return data_values
    raise AssertionError(f"no strategy for {schema!r}")


#: Values to try as "a value of the wrong type", first one the schema refuses wins.
WRONG_CANDIDATES: list[Any] = [
    (axdr.Unsigned(1), axdr.VisibleString("x"), None, None, None, None, None, None, None),
    axdr.Long64(-5),
    axdr.VisibleString("wrong"),
    [axdr.Float64(1.5)],
    None,
    b"\x01\x02\x03",
]


def wrong_value(schema: Schema) -> Any:
    """A value of a type ``schema`` does not have (a Python object for "any data")."""
    for candidate in WRONG_CANDIDATES:
        if not schema.accepts(candidate):
            return candidate
    return object()  # "any data" accepts every A-XDR value: only a non-A-XDR value is wrong


def kind_of(schema: Schema) -> str:
    """A short name of a schema's node type (for test ids)."""
    if isinstance(schema, FixedOctets) and schema.kind is not OctetKind.RAW:
        return schema.kind.name
    return type(schema).__name__
