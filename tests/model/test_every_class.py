"""Every class of the table as an object: constructible, readable, and refusing a value of
the wrong type on every attribute (type-unmatched, nothing stored) and every method."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from axdr_strategies import data_values
from dlmskit import axdr
from dlmskit.model import REGISTRY, ActionResult, DataAccessResult, get_class
from dlmskit.model.objects import BEHAVIOURS, CosemObjects, GenericObject, make_object
from model_strategies import kind_of, valid, wrong_value

NOW = dt.datetime(2024, 6, 1, 12, 0, tzinfo=dt.UTC)
LN = "0-0:128.0.0*255"

get_class(1)
ATTRIBUTES = [
    pytest.param(d.class_id, d.version, a.index, id=f"{d.class_id}v{d.version}-{a.index}-{a.name}")
    for d in REGISTRY
    for a in d.attributes
]
METHODS = [
    pytest.param(d.class_id, d.version, m.index, id=f"{d.class_id}v{d.version}-m{m.index}-{m.name}")
    for d in REGISTRY
    for m in d.methods
    if m.parameter is not None
]


def build(class_id: int, version: int) -> tuple[CosemObjects, Any]:
    obj = make_object(class_id, LN, version=version)
    return CosemObjects([obj]), obj


@pytest.mark.parametrize(("class_id", "version", "index"), ATTRIBUTES)
def test_a_value_of_the_wrong_type_is_refused_on_every_attribute(
    class_id: int, version: int, index: int
) -> None:
    objects, obj = build(class_id, version)
    schema = obj.schema(index)
    before = obj.value(index)
    wrong = wrong_value(schema)
    result = objects.set(class_id, LN, index, wrong, now=NOW)
    assert result is DataAccessResult.TYPE_UNMATCHED, (kind_of(schema), wrong)
    assert obj.value(index) is before


@pytest.mark.parametrize(("class_id", "version", "index"), METHODS)
def test_a_parameter_of_the_wrong_type_is_refused_by_every_method(
    class_id: int, version: int, index: int
) -> None:
    objects, obj = build(class_id, version)
    schema = obj.definition.method(index).parameter
    outcome = objects.action(class_id, LN, index, wrong_value(schema), now=NOW)
    assert outcome.result is ActionResult.TYPE_UNMATCHED


@pytest.mark.parametrize(("class_id", "version", "index"), ATTRIBUTES)
def test_every_attribute_reads_as_its_type(class_id: int, version: int, index: int) -> None:
    objects, obj = build(class_id, version)
    result = objects.get(class_id, LN, index, now=NOW)
    if (class_id, index) in ((15, 7), (12, 7)):
        assert result.result is DataAccessResult.READ_WRITE_DENIED  # a secret is not readable
        return
    assert result.ok, result
    obj.schema(index).validate(result.value)
    assert axdr.decode(axdr.encode(result.value)) == result.value


def test_behaviour_classes_and_generic_ones() -> None:
    assert isinstance(make_object(73, LN), GenericObject)
    assert type(make_object(70, LN)) is BEHAVIOURS[70]
    with pytest.raises(ValueError, match="no interface class"):
        make_object(9999, LN)
    with pytest.raises(ValueError, match="OBIS"):
        make_object(1, "not an obis")


def test_unknown_attribute_and_method_and_object() -> None:
    objects, _obj = build(3, 0)
    assert objects.get(3, LN, 9, now=NOW).result is DataAccessResult.OBJECT_UNDEFINED
    assert objects.set(3, LN, 0, None, now=NOW) is DataAccessResult.OBJECT_UNDEFINED
    assert (
        objects.action(3, LN, 2, axdr.Integer(0), now=NOW).result is ActionResult.OBJECT_UNDEFINED
    )
    assert objects.get(1, LN, 2, now=NOW).result is DataAccessResult.OBJECT_CLASS_INCONSISTENT
    assert objects.get(3, "1-0:1.8.0", 2, now=NOW).result is DataAccessResult.OBJECT_UNDEFINED
    assert objects.set(3, LN, 1, bytes(6), now=NOW) is DataAccessResult.READ_WRITE_DENIED
    assert objects.set(3, LN, 1, bytes([0, 0, 128, 0, 0, 255]), now=NOW) is DataAccessResult.SUCCESS


def test_unimplemented_methods_of_generic_classes_are_refused_not_faked() -> None:
    objects, obj = build(84, 0)  # PRIME MAC counters: reset has no behaviour here
    assert not obj.implements_method(1)
    assert objects.action(84, LN, 1, axdr.Integer(0), now=NOW).result is ActionResult.OTHER_REASON

    def reset(target: Any, parameter: Any, now: dt.datetime) -> None:
        for attribute in target.definition.attributes[1:]:
            target.store(attribute.index, axdr.DoubleLongUnsigned(0))

    counters = make_object(
        84, LN, methods={"reset": reset}, mac_tx_data_pkt_count=axdr.DoubleLongUnsigned(5)
    )
    assert counters.implements_method(1)
    assert CosemObjects([counters]).action(84, LN, 1, axdr.Integer(0), now=NOW).ok
    assert counters.value("mac_tx_data_pkt_count") == 0


SETTABLE = [
    (d.class_id, d.version, a.index)
    for d in REGISTRY
    for a in d.attributes
    if a.index > 1
    and d.class_id in (1, 3, 9, 10, 11, 17, 26, 41, 43, 44, 45, 48, 86, 100, 122, 123)
]


@settings(max_examples=150)
@given(data=st.data())
def test_valid_values_are_stored_and_read_back(data: st.DataObject) -> None:
    class_id, version, index = data.draw(st.sampled_from(SETTABLE))
    objects, obj = build(class_id, version)
    value = data.draw(valid(obj.schema(index)))
    result = objects.set(class_id, LN, index, value, now=NOW)
    if result is DataAccessResult.SUCCESS:
        assert axdr.to_json(objects.get(class_id, LN, index, now=NOW).value) == axdr.to_json(value)
    else:
        assert result is DataAccessResult.OTHER_REASON  # a rule of the class, not the type


KEYS = [(d.class_id, d.version) for d in REGISTRY]


@settings(max_examples=400)
@given(
    key=st.sampled_from(KEYS),
    index=st.integers(-1, 30),
    value=data_values,
    selector=st.one_of(st.none(), st.integers(0, 3)),
)
def test_any_request_gets_a_result_never_an_exception(
    key: tuple[int, int], index: int, value: Any, selector: int | None
) -> None:
    class_id, version = key
    objects, _obj = build(class_id, version)
    assert isinstance(objects.set(class_id, LN, index, value, now=NOW), DataAccessResult)
    result = objects.get(class_id, LN, index, now=NOW, selector=selector, parameters=value)
    assert isinstance(result.result, DataAccessResult)
    outcome = objects.action(class_id, LN, index, value, now=NOW)
    assert isinstance(outcome.result, ActionResult)
    objects.handle_timer(NOW)


METHOD_KEYS = [(d.class_id, d.version, m.index) for d in REGISTRY for m in d.methods]
ATTRIBUTE_KEYS = [(d.class_id, d.version, a.index) for d in REGISTRY for a in d.attributes]


@settings(max_examples=500)
@given(data=st.data())
def test_well_typed_requests_never_raise(data: st.DataObject) -> None:
    """Values of the right type but any content reach the behaviour code: it answers with
    a result, whatever they say."""
    class_id, version, index = data.draw(st.sampled_from(ATTRIBUTE_KEYS))
    objects, obj = build(class_id, version)
    value = data.draw(valid(obj.schema(index)))
    assert isinstance(objects.set(class_id, LN, index, value, now=NOW), DataAccessResult)
    assert isinstance(objects.get(class_id, LN, index, now=NOW).result, DataAccessResult)
    objects.handle_timer(NOW + dt.timedelta(days=1))
    class_id, version, method = data.draw(st.sampled_from(METHOD_KEYS))
    objects, obj = build(class_id, version)
    schema = obj.definition.method(method).parameter
    parameter = data.draw(valid(schema)) if schema is not None else None
    outcome = objects.action(class_id, LN, method, parameter, now=NOW)
    assert isinstance(outcome.result, ActionResult)
    if outcome.has_data:
        returns = obj.definition.method(method).returns
        assert returns is not None
        returns.validate(outcome.data)
    objects.handle_timer(NOW + dt.timedelta(days=1))


@pytest.mark.parametrize(
    ("class_id", "index"),
    [(7, 2), (7, 7), (8, 4), (5, 2), (5, 3), (18, 3), (18, 6), (70, 2), (70, 3), (15, 2), (12, 2)],
)
def test_attributes_the_behaviour_owns_are_not_writable(class_id: int, index: int) -> None:
    objects, obj = build(class_id, get_class(class_id).version)
    before = obj.value(index)
    value = objects.get(class_id, LN, index, now=NOW).value
    assert objects.set(class_id, LN, index, value, now=NOW) is DataAccessResult.READ_WRITE_DENIED
    assert obj.value(index) == before


def test_typed_view_of_computed_attributes_needs_now() -> None:
    from dlmskit.cosem import DateTime

    _objects, clock = build(8, 0)
    assert isinstance(clock.typed("time", now=NOW), DateTime)
    assert clock.typed("time", now=NOW).to_datetime() == NOW


@pytest.mark.parametrize("key", KEYS, ids=str)
def test_objects_round_trip_through_typed_json(key: tuple[int, int]) -> None:
    import json

    class_id, version = key
    _objects, obj = build(class_id, version)
    document = json.loads(json.dumps(obj.to_json(now=NOW)))
    assert document["logical_name"] == {"octet-string": "00008000 00ff".replace(" ", "")}
    twin = make_object(class_id, LN, version=version)
    CosemObjects([twin])
    twin.load_json(document)
    assert twin.to_json(now=NOW) == obj.to_json(now=NOW)


def test_load_json_refuses_wrong_names_types_and_logical_names() -> None:
    _objects, register = build(3, 0)
    with pytest.raises(ValueError, match="no attribute"):
        register.load_json({"valu": {"unsigned": 1}})
    with pytest.raises(ValueError, match="scaler_unit"):
        register.load_json({"value": {"unsigned": 1}, "scaler_unit": {"unsigned": 1}})
    assert register.value("value") is None  # nothing of the refused document was stored
    with pytest.raises(ValueError, match="logical_name"):
        register.load_json({"logical_name": {"octet-string": "0100010800ff"}})
    register.load_json(
        {
            "value": {"double-long-unsigned": 280},
            "scaler_unit": {"structure": [{"integer": -1}, {"enum": 27}]},
        }
    )
    assert str(register.typed("value")) == "28.0 W"
