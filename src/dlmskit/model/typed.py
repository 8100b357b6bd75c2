"""Typed reading of what a meter sends: attribute values, whole objects, profile rows,
push notification bodies.

A client reads raw A-XDR; these helpers type it with the class table: a Register value is
scaled by its scaler_unit into a :class:`~dlmskit.model.schema.Quantity`, a clock column is a
:class:`~dlmskit.cosem.DateTime`, enums are named. What the helpers need to know about the
meter's objects (their class version, their scaler_unit) comes from a *resolver*:

* :func:`objects_resolver` -- from a :class:`~dlmskit.model.objects.CosemObjects` (a
  simulator, or objects a client has read before);
* :class:`ScalerTable` -- from scaler_units a client already knows by logical name (read from
  attribute 3 earlier, or documented by the vendor, as HAN-port push lists are).

A column the resolver knows nothing about is typed by the latest class version without
scaling.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from dlmskit.axdr import Data
from dlmskit.cosem import Obis, ScalerUnit
from dlmskit.errors import DlmsError, LocalProtocolError
from dlmskit.model.classdef import ClassDef, UnknownClassError, get_class
from dlmskit.model.schema import (
    SCALER_UNIT,
    ArrayOf,
    Schema,
    SchemaError,
    TypeContext,
    TypeUnmatched,
)

if TYPE_CHECKING:
    from dlmskit.model.objects import CosemObjects

__all__ = [
    "Column",
    "Resolver",
    "ScalerTable",
    "TypedObject",
    "objects_resolver",
    "typed_columns",
    "typed_object",
    "typed_rows",
]


@dataclass(frozen=True, slots=True)
class Column:
    """One captured (or pushed) attribute: ``capture_object_definition`` typed."""

    class_id: int
    logical_name: Obis
    attribute_index: int
    data_index: int = 0

    @classmethod
    def of(cls, definition: Any) -> Column:
        """From a raw or typed capture_object_definition, or a 4-tuple of plain values."""
        if hasattr(definition, "class_id"):
            values = (
                definition.class_id,
                definition.logical_name,
                definition.attribute_index,
                definition.data_index,
            )
        else:
            values = tuple(definition)[:4]
        try:
            class_id, ln, attribute, data_index = values
            return cls(int(class_id), Obis.parse(ln), int(attribute), int(data_index))
        except (DlmsError, TypeError, ValueError) as exc:
            raise LocalProtocolError(f"not a capture object definition: {definition!r}") from exc


class Resolver(Protocol):
    """What the typing needs to know of a meter's object: its class definition and the
    context (scaler_unit) of its attributes."""

    def __call__(self, class_id: int, logical_name: Obis) -> tuple[ClassDef, TypeContext]: ...


def _definition(class_id: int, version: int | None = None) -> ClassDef | None:
    try:
        return get_class(class_id, version)
    except UnknownClassError:
        return None


@dataclass
class ScalerTable:
    """A resolver from known scaler_units by logical name (and class versions, optionally)."""

    scalers: Mapping[Obis, ScalerUnit] = field(default_factory=dict)
    versions: Mapping[int, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.scalers = {Obis.parse(k): v for k, v in self.scalers.items()}

    def __call__(self, class_id: int, logical_name: Obis) -> tuple[ClassDef, TypeContext]:
        definition = _definition(class_id, self.versions.get(class_id))
        if definition is None:
            raise LocalProtocolError(f"unknown class_id {class_id}")
        scaler_unit = self.scalers.get(logical_name)
        if scaler_unit is None or definition.scaler_attribute is None:
            return definition, TypeContext()
        return definition, TypeContext(scaler_unit)


def objects_resolver(objects: CosemObjects) -> Resolver:
    """A resolver backed by a registry of objects (unknown objects: the class table)."""

    def resolve(class_id: int, logical_name: Obis) -> tuple[ClassDef, TypeContext]:
        obj = objects.find(logical_name, class_id)
        if obj is not None:
            return obj.definition, obj.type_context()
        definition = _definition(class_id)
        if definition is None:
            raise LocalProtocolError(f"unknown class_id {class_id}")
        return definition, TypeContext()

    return resolve


_NO_SCALERS = ScalerTable()


@dataclass(frozen=True, slots=True)
class TypedObject:
    """A whole object (attribute_index 0) typed: its attributes by name."""

    definition: ClassDef
    values: Mapping[str, Any]

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    @property
    def logical_name(self) -> Obis | None:
        value = self.values.get("logical_name")
        return value if isinstance(value, Obis) else None


def typed_object(
    class_id: int, raw: Data, *, version: int | None = None, context: TypeContext | None = None
) -> TypedObject:
    """A whole object sent as a structure of its attributes (push or capture with
    attribute_index 0), typed. A structure shorter than the class (a meter that sends only
    the first attributes, as HAN-port lists do) types what is there. The object's own
    scaler_unit, when it is among the values, scales its value attributes."""
    definition = _definition(class_id, version)
    if definition is None:
        raise LocalProtocolError(f"unknown class_id {class_id}")
    if not isinstance(raw, tuple) or not 1 <= len(raw) <= definition.attribute_count:
        raise TypeUnmatched(
            f"{definition.name} sent whole is a structure of up to "
            f"{definition.attribute_count} attributes"
        )
    if context is None:
        context = TypeContext()
        scaler_index = definition.scaler_attribute
        if scaler_index is not None and scaler_index <= len(raw):
            with contextlib.suppress(SchemaError):
                context = TypeContext(SCALER_UNIT.to_typed(raw[scaler_index - 1]))
    values = {
        a.name: a.schema.to_typed(value, context, f".{a.name}")
        for a, value in zip(definition.attributes, raw, strict=False)
    }
    return TypedObject(definition, values)


def _column_schema(definition: ClassDef, column: Column) -> Schema:
    schema = definition.attribute(column.attribute_index).schema
    if column.data_index and isinstance(schema, ArrayOf):
        return schema.element
    return schema


def _typer(definition: Any, resolver: Resolver) -> Callable[[Any], Any]:
    """A function that types one column's values (resolved once for all rows)."""
    column = Column.of(definition)
    class_def, context = resolver(column.class_id, column.logical_name)
    if column.attribute_index == 0:

        def whole(raw: Any) -> Any:
            try:
                return typed_object(column.class_id, raw, version=class_def.version)
            except SchemaError:
                return raw

        return whole
    try:
        schema = _column_schema(class_def, column)
    except UnknownClassError:
        return lambda raw: raw
    to_typed = schema.to_typed

    def one(raw: Any) -> Any:
        try:
            return to_typed(raw, context)
        except SchemaError:
            return raw

    return one


def typed_columns(
    values: Sequence[Data], columns: Sequence[Any], resolver: Resolver = _NO_SCALERS
) -> list[Any]:
    """Values captured or pushed for ``columns`` (capture_object_definitions), typed.

    A value that does not fit its column's type (a meter's null-data placeholder, a
    vendor's other type) is kept raw rather than refused.
    """
    if len(values) != len(columns):
        raise TypeUnmatched(f"{len(values)} values for {len(columns)} columns")
    return [_typer(c, resolver)(raw) for raw, c in zip(values, columns, strict=True)]


def typed_rows(
    rows: Iterable[Data], columns: Sequence[Any], resolver: Resolver = _NO_SCALERS
) -> list[tuple[Any, ...]]:
    """A Profile generic buffer (rows of captured values) typed by its capture_objects."""
    typers = [_typer(c, resolver) for c in columns]
    width = len(typers)
    out = []
    for i, row in enumerate(rows):
        if not isinstance(row, tuple) or len(row) != width:
            raise TypeUnmatched(f"buffer entry {i} is no structure of {width} values")
        out.append(tuple([typer(raw) for typer, raw in zip(typers, row, strict=True)]))
    return out
