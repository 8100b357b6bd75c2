"""The schema language: validate, to_typed, from_typed, described types."""

from __future__ import annotations

import contextlib
import dataclasses
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from axdr_strategies import data_values
from dlmskit import axdr
from dlmskit.cosem import DateTime, Obis, ScalerUnit, Unit
from dlmskit.model import DataAccessResult, get_class
from dlmskit.model.enums import ClockBase, SortMethod
from dlmskit.model.schema import (
    ANY,
    ANY_SIMPLE,
    DATE_TIME,
    I8,
    LN,
    SCALER_UNIT,
    U8,
    U16,
    ArrayOf,
    Choice,
    EnumOf,
    FixedOctets,
    Quantity,
    Scaled,
    SchemaError,
    TypeContext,
    TypeUnmatched,
    ValueRejected,
    from_typed,
    nullable,
    struct,
    to_typed,
    validate,
)
from model_strategies import valid

CAPTURE = struct("capture", ("class_id", U16), ("logical_name", LN), ("attribute_index", I8))


def test_simple_type_matches_exactly() -> None:
    validate(axdr.LongUnsigned(5), U16)
    with pytest.raises(TypeUnmatched) as info:
        validate(axdr.Unsigned(5), U16)
    assert info.value.result is DataAccessResult.TYPE_UNMATCHED
    assert "long-unsigned" in str(info.value)


@pytest.mark.parametrize("value", [5, "text", 1.5, object(), {1: 2}, {1}, Decimal(1), True, b"x"])
def test_python_values_without_axdr_type_are_type_unmatched(value: Any) -> None:
    with pytest.raises(TypeUnmatched):
        validate(value, U16)


def test_fixed_octets_check_the_size() -> None:
    validate(bytes(6), LN)
    with pytest.raises(TypeUnmatched, match=r"octet-string\(6\)"):
        validate(bytes(5), LN)
    with pytest.raises(TypeUnmatched):
        validate(axdr.VisibleString("abcdef"), LN)


def test_logical_name_and_date_time_are_typed() -> None:
    assert to_typed(bytes([1, 0, 1, 8, 0, 255]), LN) == Obis(1, 0, 1, 8, 0, 255)
    raw = bytes.fromhex("07e4011502100000ff000000")
    typed = to_typed(raw, DATE_TIME)
    assert isinstance(typed, DateTime)
    assert (typed.year, typed.month, typed.day, typed.hour) == (2020, 1, 21, 16)
    assert from_typed(typed, DATE_TIME) == raw
    assert from_typed("1-0:1.8.0*255", LN) == bytes([1, 0, 1, 8, 0, 255])
    assert from_typed(Obis(0, 0, 1, 0, 0, 255), LN) == bytes([0, 0, 1, 0, 0, 255])


def test_tagged_date_time_is_read_but_not_accepted_for_writing() -> None:
    value = DateTime(2021, 9, 22, 3, 17, 35, 30, None, -60, 0)
    assert to_typed(value, DATE_TIME) == value  # a meter may send tag 25 (read leniently)
    with pytest.raises(TypeUnmatched):
        validate(value, DATE_TIME)  # a server takes the Blue Book's octet-string(12) only


def test_enum_named_and_unknown_values() -> None:
    schema = EnumOf(SortMethod)
    assert to_typed(axdr.Enum(2), schema) is SortMethod.LIFO
    assert to_typed(axdr.Enum(200), schema) == 200
    assert from_typed(SortMethod.FIFO, schema) == axdr.Enum(1)
    assert axdr.type_of(from_typed(3, schema)) is axdr.DataType.ENUM
    strict = EnumOf(ClockBase, strict=True)
    with pytest.raises(ValueRejected) as info:
        validate(axdr.Enum(99), strict)
    assert info.value.result is DataAccessResult.OTHER_REASON


def test_structure_typed_with_named_fields_and_back() -> None:
    raw = (axdr.LongUnsigned(8), bytes([0, 0, 1, 0, 0, 255]), axdr.Integer(2))
    typed = to_typed(raw, CAPTURE)
    assert dataclasses.is_dataclass(typed)
    assert typed.class_id == 8
    assert typed.logical_name == Obis.parse("0.0.1.0.0.255")
    assert typed.attribute_index == 2
    with pytest.raises(dataclasses.FrozenInstanceError):
        typed.class_id = 3
    assert from_typed(typed, CAPTURE) == raw
    assert (
        from_typed({"class_id": 8, "logical_name": "0-0:1.0.0", "attribute_index": 2}, CAPTURE)
        == raw
    )
    assert from_typed((8, "0.0.1.0.0.255", 2), CAPTURE) == raw


def test_structure_errors_say_where() -> None:
    with pytest.raises(TypeUnmatched) as info:
        validate((axdr.LongUnsigned(8), bytes(6), axdr.Long(2)), CAPTURE)
    assert info.value.path == ".attribute_index"
    with pytest.raises(TypeUnmatched, match="3 elements"):
        validate((axdr.LongUnsigned(8),), CAPTURE)
    nested = ArrayOf(CAPTURE)
    with pytest.raises(TypeUnmatched) as info:
        validate(
            [
                (axdr.LongUnsigned(8), bytes(6), axdr.Integer(2)),
                (axdr.LongUnsigned(8), bytes(4), axdr.Integer(2)),
            ],
            nested,
        )
    assert info.value.path == "[1].logical_name"
    with pytest.raises(TypeUnmatched):
        from_typed({"class_id": 8}, CAPTURE)


def test_array_typed_as_tuple_and_compact_array_read_leniently() -> None:
    schema = ArrayOf(U16)
    assert to_typed([axdr.LongUnsigned(1), axdr.LongUnsigned(2)], schema) == (1, 2)
    compact = axdr.CompactArray(axdr.DataType.LONG_UNSIGNED, [axdr.LongUnsigned(7)])
    assert to_typed(compact, schema) == (7,)
    with pytest.raises(TypeUnmatched):
        validate(compact, schema)


def test_choice_takes_the_first_fitting_option() -> None:
    schema = nullable(U8)
    validate(None, schema)
    validate(axdr.Unsigned(3), schema)
    with pytest.raises(TypeUnmatched, match="CHOICE"):
        validate(axdr.Long(3), schema)
    assert from_typed(None, schema) is None
    assert from_typed(3, schema) == axdr.Unsigned(3)
    two = Choice((U8, U16))
    assert axdr.type_of(from_typed(300, two)) is axdr.DataType.LONG_UNSIGNED


def test_any_simple_keeps_the_axdr_type() -> None:
    value = axdr.LongUnsigned(2274)
    assert to_typed(value, ANY_SIMPLE) is value
    with pytest.raises(TypeUnmatched):
        validate([value], ANY_SIMPLE)
    with pytest.raises(TypeUnmatched, match="Python int"):
        from_typed(5, ANY_SIMPLE)  # ambiguous: which integer type?


def test_scaled_value_becomes_a_quantity() -> None:
    schema = Scaled(ANY_SIMPLE)
    context = TypeContext(ScalerUnit(-1, Unit.VOLT))
    quantity = to_typed(axdr.LongUnsigned(2274), schema, context)
    assert quantity == Quantity(Decimal("227.4"), Unit.VOLT, -1, axdr.LongUnsigned(2274))
    assert str(quantity) == "227.4 V"
    assert from_typed(quantity, schema) == axdr.LongUnsigned(2274)
    assert axdr.type_of(from_typed(quantity, schema)) is axdr.DataType.LONG_UNSIGNED
    changed = dataclasses.replace(quantity, value=Decimal("230.1"))
    assert from_typed(changed, schema) == axdr.LongUnsigned(2301)
    with pytest.raises(ValueRejected, match="whole multiple"):
        from_typed(dataclasses.replace(quantity, value=Decimal("230.15")), schema)
    with pytest.raises(ValueRejected):
        from_typed(dataclasses.replace(quantity, value=Decimal("-1")), schema)
    # without a scaler_unit, or for a string, the value stays what it is
    assert to_typed(axdr.LongUnsigned(5), schema) == 5
    text = axdr.VisibleString("abc")
    assert to_typed(text, schema, context) == "abc"


def test_scaler_unit_is_typed_as_cosem_scaler_unit() -> None:
    raw = (axdr.Integer(-1), axdr.Enum(35))
    typed = to_typed(raw, SCALER_UNIT)
    assert typed == ScalerUnit(-1, Unit.VOLT)
    assert from_typed(typed, SCALER_UNIT) == raw
    with pytest.raises(TypeUnmatched):
        validate((axdr.Integer(-1),), SCALER_UNIT)


def test_any_data_refuses_what_is_no_data_and_deep_nesting() -> None:
    validate([(None, axdr.Unsigned(1))], ANY)
    with pytest.raises(TypeUnmatched):
        validate([1], ANY)
    deep: Any = None
    for _ in range(100):
        deep = [deep]
    with pytest.raises(TypeUnmatched, match="nested"):
        validate(deep, ANY)


def test_default_values_fit_their_schema() -> None:
    for definition in _all_classes():
        for attribute in definition.attributes:
            validate(attribute.schema.default(), attribute.schema)


def test_describe_reads_like_the_blue_book() -> None:
    clock = get_class(8)
    assert clock.attribute(2).schema.describe() == "octet-string(12) date-time"
    assert "structure capture_object_definition{class_id: long-unsigned" in (
        get_class(7).attribute(3).schema.describe()
    )


def _all_classes() -> list[Any]:
    from dlmskit.model import REGISTRY

    get_class(1)
    return list(REGISTRY)


def _all_schemas() -> list[Any]:
    seen: list[Any] = []
    for definition in _all_classes():
        for attribute in definition.attributes:
            seen.append(attribute.schema)
        for method in definition.methods:
            seen += [s for s in (method.parameter, method.returns) if s is not None]
    return seen


SCHEMAS = _all_schemas()

_hostile = st.one_of(
    data_values,
    st.integers(),
    st.text(max_size=5),
    st.floats(),
    st.builds(object),
    st.lists(st.integers(), max_size=3),
    st.tuples(st.integers(), st.none()),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
)


@given(schema=st.sampled_from(SCHEMAS), value=_hostile)
def test_validate_and_to_typed_raise_only_schema_errors(schema: Any, value: Any) -> None:
    with contextlib.suppress(SchemaError):
        validate(value, schema)
    with contextlib.suppress(SchemaError):
        to_typed(value, schema, TypeContext(ScalerUnit(-2, Unit.WATT)))


@given(schema=st.sampled_from(SCHEMAS), value=_hostile)
def test_from_typed_raises_only_schema_errors(schema: Any, value: Any) -> None:
    try:
        raw = from_typed(value, schema)
    except SchemaError:
        return
    validate(raw, schema)


@given(data=st.data())
def test_valid_values_round_trip_through_typed(data: st.DataObject) -> None:
    schema = data.draw(st.sampled_from(SCHEMAS))
    raw = data.draw(valid(schema))
    validate(raw, schema)
    typed = to_typed(raw, schema, TypeContext(ScalerUnit(-3, Unit.WATT_HOUR)))
    back = from_typed(typed, schema)
    assert axdr.to_json(back) == axdr.to_json(raw)


@given(raw=valid(FixedOctets(12, DATE_TIME.kind)))
def test_every_date_time_octet_string_round_trips(raw: bytes) -> None:
    assert from_typed(to_typed(raw, DATE_TIME), DATE_TIME) == raw
