"""The A-XDR type schema language of the COSEM interface classes.

Every attribute, method parameter and method return value of an interface class has a
type in the Blue Book: a simple type (``long-unsigned``), an octet-string of a fixed size with
a meaning (a logical name is ``octet-string(6)``, a date-time ``octet-string(12)``), an enum
with named values, a structure with named fields, an array of one type, a CHOICE of several
types, or "any simple type" (the value of a Data or a Register). A :class:`Schema` says that
type, and from it three things follow:

* :meth:`Schema.validate` -- does a raw A-XDR value (a :mod:`dlmskit.axdr` value, as the codec
  gives it) have this type? A wrong type raises :class:`TypeUnmatched` (a server answers it
  with data-access-result ``type-unmatched``); a value of the right type that the schema does
  not allow raises :class:`ValueRejected`. Nothing else is ever raised, whatever the value.
* :meth:`Schema.to_typed` -- the raw value as a typed Python value: enums as
  :class:`~enum.IntEnum` members, structures as frozen dataclasses with named fields,
  date-times as :class:`~dlmskit.cosem.DateTime`, logical names as :class:`~dlmskit.cosem.Obis`,
  values scaled by the object's scaler_unit as :class:`Quantity`.
* :meth:`Schema.from_typed` -- back to the raw A-XDR value, for writing. Given a raw value
  of the right type it returns that value unchanged.

The module functions :func:`validate`, :func:`to_typed` and :func:`from_typed` do the same.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar, Final

from dlmskit.axdr import (
    CLASS_OF,
    INTEGER_TAGS,
    CompactArray,
    DataType,
    EncodeError,
    type_of,
)
from dlmskit.cosem import Date, DateTime, Obis, ScalerUnit, Time, Unit, unit_of, unit_symbol
from dlmskit.cosem.units import scale
from dlmskit.errors import DlmsError
from dlmskit.model.results import DataAccessResult

__all__ = [
    "ANY",
    "ANY_SIMPLE",
    "BITS",
    "BOOL",
    "DATE",
    "DATE_TIME",
    "ENUM",
    "F32",
    "F64",
    "I8",
    "I16",
    "I32",
    "I64",
    "LN",
    "NULL",
    "OCTETS",
    "SCALER_UNIT",
    "TIME",
    "U8",
    "U16",
    "U32",
    "U64",
    "UTF8",
    "VISIBLE",
    "AnyData",
    "AnySimple",
    "ArrayOf",
    "Choice",
    "EnumOf",
    "Field",
    "FixedOctets",
    "OctetKind",
    "Quantity",
    "Scaled",
    "Schema",
    "SchemaError",
    "Simple",
    "Struct",
    "TypeContext",
    "TypeUnmatched",
    "ValueRejected",
    "default_value",
    "from_typed",
    "nullable",
    "struct",
    "to_typed",
    "validate",
]

#: How deeply "any data" values may nest before validation refuses them.
MAX_DEPTH: Final = 64

# -- errors ------------------------------------------------------------------------------------


class SchemaError(DlmsError, ValueError):
    """A value does not fit a schema. ``result`` is the data-access-result a server answers.

    ``path`` locates the offending part inside nested values, e.g. ``"[2].unit"``.
    """

    result: DataAccessResult = DataAccessResult.OTHER_REASON

    def __init__(self, message: str, *, path: str = "") -> None:
        self.path = path
        self.reason = message
        super().__init__(f"{message} at {path}" if path else message)


class TypeUnmatched(SchemaError):
    """The value is not of the schema's type (data-access-result ``type-unmatched``)."""

    result = DataAccessResult.TYPE_UNMATCHED


class ValueRejected(SchemaError):
    """The value has the right type but the schema does not allow it (``other-reason``)."""

    result = DataAccessResult.OTHER_REASON


# -- typed values --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Quantity:
    """A scaled value with its unit: ``raw * 10**scaler`` in ``unit``, exactly.

    ``raw`` keeps the A-XDR value it was read as, so it can be written back unchanged.
    """

    value: Decimal
    unit: Unit | int
    scaler: int = 0
    raw: Any = None

    @property
    def symbol(self) -> str:
        return unit_symbol(int(self.unit))

    def __str__(self) -> str:
        return f"{self.value} {self.symbol}".rstrip()


@dataclass(frozen=True, slots=True)
class TypeContext:
    """What :meth:`Schema.to_typed` needs beyond the value: the owning object's scaler_unit."""

    scaler_unit: ScalerUnit | None = None


_NO_CONTEXT: Final = TypeContext()


def _type_name(value: Any) -> str:
    try:
        return type_of(value).type_name
    except EncodeError:
        return f"Python {type(value).__name__}"


def _tag(value: Any, path: str) -> DataType:
    """The A-XDR type of a value, or TypeUnmatched when it is no A-XDR value at all."""
    try:
        return type_of(value)
    except EncodeError:
        raise TypeUnmatched(
            f"a Python {type(value).__name__} has no A-XDR type", path=path
        ) from None
    except Exception:  # a hostile __class__ or __mro__ must not escape as anything else
        raise TypeUnmatched("not an A-XDR value", path=path) from None


_SIMPLE_TAGS: Final = frozenset(DataType) - {
    DataType.ARRAY,
    DataType.STRUCTURE,
    DataType.COMPACT_ARRAY,
    DataType.DONT_CARE,
}
_FLOAT_TAGS: Final = frozenset({DataType.FLOAT32, DataType.FLOAT64})


# -- the schema nodes ----------------------------------------------------------------------


class Schema:
    """Base class of the schema nodes. Nodes are immutable and compare by structure."""

    __slots__ = ()

    def validate(self, value: Any, path: str = "") -> None:
        """Raise :class:`TypeUnmatched` / :class:`ValueRejected` unless ``value`` fits."""
        raise NotImplementedError

    def to_typed(self, value: Any, context: TypeContext = _NO_CONTEXT, path: str = "") -> Any:
        """The raw A-XDR ``value`` as a typed Python value (validating it on the way)."""
        raise NotImplementedError

    def from_typed(self, value: Any, path: str = "") -> Any:
        """A typed (or raw) value as the raw A-XDR value of this type."""
        raise NotImplementedError

    def default(self) -> Any:
        """A valid raw value of this type (zero, empty, not specified)."""
        raise NotImplementedError

    def describe(self) -> str:
        """The type in Blue Book words: ``"array of structure{...}"``."""
        raise NotImplementedError

    def accepts(self, value: Any) -> bool:
        try:
            self.validate(value)
        except SchemaError:
            return False
        return True

    def __str__(self) -> str:
        return self.describe()


@dataclass(frozen=True, slots=True)
class Simple(Schema):
    """One simple A-XDR type. Typed values are Python built-ins (int, str, bytes, ...)."""

    type: DataType

    def __post_init__(self) -> None:
        if self.type not in _SIMPLE_TAGS:
            raise ValueError(f"{self.type!r} is no simple type")

    def validate(self, value: Any, path: str = "") -> None:
        tag = _tag(value, path)
        if tag is not self.type:
            raise TypeUnmatched(f"expected {self.type.type_name}, found {tag.type_name}", path=path)

    def to_typed(self, value: Any, context: TypeContext = _NO_CONTEXT, path: str = "") -> Any:
        self.validate(value, path)
        return _plain(value, self.type)

    def from_typed(self, value: Any, path: str = "") -> Any:
        return _wrap(self.type, value, path)

    def default(self) -> Any:
        return _DEFAULTS[self.type]()

    def describe(self) -> str:
        return self.type.type_name


def _plain(value: Any, tag: DataType) -> Any:
    if tag in INTEGER_TAGS:
        return int(value)
    if tag in _FLOAT_TAGS:
        return float(value)
    if tag is DataType.VISIBLE_STRING or tag is DataType.UTF8_STRING:
        return str(value)
    return value


def _wrap(tag: DataType, value: Any, path: str) -> Any:
    """Build the A-XDR value of type ``tag`` from a Python value, refusing a wrong kind."""
    if tag is DataType.NULL_DATA:
        if value is None:
            return None
    elif tag is DataType.BOOLEAN:
        if isinstance(value, bool):
            return value
    elif tag in INTEGER_TAGS:
        if isinstance(value, int) and not isinstance(value, bool):
            try:
                return CLASS_OF[tag](value)
            except EncodeError as exc:
                raise TypeUnmatched(exc.reason, path=path) from None
    elif tag in _FLOAT_TAGS:
        if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            try:
                return CLASS_OF[tag](value)
            except (EncodeError, OverflowError, ValueError) as exc:
                raise TypeUnmatched(str(exc), path=path) from None
    elif tag is DataType.OCTET_STRING:
        if isinstance(value, bytes | bytearray | memoryview):
            return bytes(value)
    elif tag in (DataType.VISIBLE_STRING, DataType.UTF8_STRING, DataType.BIT_STRING):
        if isinstance(value, str):
            try:
                return CLASS_OF[tag](value)
            except EncodeError as exc:
                raise TypeUnmatched(exc.reason, path=path) from None
    elif tag is DataType.DATE_TIME:
        if isinstance(value, DateTime):
            return value
    elif tag is DataType.DATE:
        if isinstance(value, Date):
            return value
    elif tag is DataType.TIME and isinstance(value, Time):
        return value
    raise TypeUnmatched(f"a {type(value).__name__} cannot be a {tag.type_name}", path=path)


_DEFAULTS: Final[dict[DataType, Any]] = {
    DataType.NULL_DATA: lambda: None,
    DataType.BOOLEAN: lambda: False,
    DataType.OCTET_STRING: bytes,
    DataType.DATE_TIME: DateTime,
    DataType.DATE: Date,
    DataType.TIME: Time,
}
for _t in _SIMPLE_TAGS:
    if _t not in _DEFAULTS:
        _DEFAULTS[_t] = CLASS_OF[_t]


class OctetKind(enum.Enum):
    """What a fixed-size octet-string means, and so its typed form."""

    RAW = "octets"
    LOGICAL_NAME = "logical name"
    DATE_TIME = "date-time"
    DATE = "date"
    TIME = "time"


_KIND_TYPE: Final[dict[OctetKind, Any]] = {
    OctetKind.LOGICAL_NAME: Obis,
    OctetKind.DATE_TIME: DateTime,
    OctetKind.DATE: Date,
    OctetKind.TIME: Time,
}
_KIND_TAG: Final = {
    OctetKind.DATE_TIME: DataType.DATE_TIME,
    OctetKind.DATE: DataType.DATE,
    OctetKind.TIME: DataType.TIME,
}


@dataclass(frozen=True, slots=True)
class FixedOctets(Schema):
    """``octet-string(size)``; a logical name, date-time, date or time has a typed form.

    Reading is lenient in one documented way: a date-time, date or time sent with its own
    A-XDR tag (25, 26, 27) instead of as an octet-string is typed too. Validation (what a
    server accepts) is strict.
    """

    size: int
    kind: OctetKind = OctetKind.RAW

    def validate(self, value: Any, path: str = "") -> None:
        tag = _tag(value, path)
        if tag is not DataType.OCTET_STRING:
            raise TypeUnmatched(
                f"expected octet-string({self.size}), found {tag.type_name}", path=path
            )
        if len(value) != self.size:
            raise TypeUnmatched(
                f"expected octet-string({self.size}), found {len(value)} octets",
                path=path,
            )

    def to_typed(self, value: Any, context: TypeContext = _NO_CONTEXT, path: str = "") -> Any:
        kind_tag = _KIND_TAG.get(self.kind)
        if kind_tag is not None and _tag(value, path) is kind_tag:
            return value
        self.validate(value, path)
        typed = _KIND_TYPE.get(self.kind)
        if typed is None:
            return value
        return typed.from_bytes(value)

    def from_typed(self, value: Any, path: str = "") -> Any:
        if self.kind is OctetKind.LOGICAL_NAME and isinstance(value, str):
            try:
                value = Obis.parse(value)
            except DlmsError as exc:
                raise TypeUnmatched(str(exc), path=path) from None
        typed = _KIND_TYPE.get(self.kind)
        if typed is not None and isinstance(value, typed):
            raw: bytes = value.to_bytes()
        elif isinstance(value, bytes | bytearray | memoryview):
            raw = bytes(value)
        else:
            raise TypeUnmatched(
                f"a {type(value).__name__} cannot be an octet-string({self.size}) "
                f"{self.kind.value}",
                path=path,
            )
        self.validate(raw, path)
        return raw

    def default(self) -> Any:
        typed = _KIND_TYPE.get(self.kind)
        if self.kind is OctetKind.LOGICAL_NAME or typed is None:
            return bytes(self.size)
        return typed().to_bytes()

    def describe(self) -> str:
        if self.kind is OctetKind.RAW:
            return f"octet-string({self.size})"
        return f"octet-string({self.size}) {self.kind.value}"


@dataclass(frozen=True, slots=True)
class EnumOf(Schema):
    """``enum`` with named values. Typed values are members of ``enum`` (a plain int for a
    value the enumeration does not name, unless ``strict``, which refuses those)."""

    enum: type[enum.IntEnum]
    strict: bool = False

    def validate(self, value: Any, path: str = "") -> None:
        tag = _tag(value, path)
        if tag is not DataType.ENUM:
            raise TypeUnmatched(f"expected enum, found {tag.type_name}", path=path)
        if self.strict and int(value) not in self.enum._value2member_map_:
            raise ValueRejected(
                f"{int(value)} is no {self.enum.__name__} value",
                path=path,
            )

    def to_typed(self, value: Any, context: TypeContext = _NO_CONTEXT, path: str = "") -> Any:
        self.validate(value, path)
        number = int(value)
        member = self.enum._value2member_map_.get(number)
        return member if member is not None else number

    def from_typed(self, value: Any, path: str = "") -> Any:
        raw = _wrap(DataType.ENUM, value, path)
        self.validate(raw, path)
        return raw

    def default(self) -> Any:
        first = next(iter(self.enum), None)
        return CLASS_OF[DataType.ENUM](0 if first is None else int(first))

    def describe(self) -> str:
        return f"enum {self.enum.__name__}"


@dataclass(frozen=True, slots=True)
class Field:
    """A named field of a structure."""

    name: str
    schema: Schema


@dataclass(frozen=True, slots=True, eq=False)
class Struct(Schema):
    """``structure`` with named fields; typed values are instances of ``typed``, a frozen
    dataclass with those fields (made here when not given)."""

    name: str
    fields: tuple[Field, ...]
    typed: type = dataclasses.field(default=type(None))

    def __post_init__(self) -> None:
        object.__setattr__(self, "fields", tuple(self.fields))
        if self.typed is type(None):
            made = dataclasses.make_dataclass(
                self.name,
                [(f.name, Any) for f in self.fields],
                frozen=True,
                slots=True,
            )
            made.__module__ = __name__
            object.__setattr__(self, "typed", made)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Struct):
            return NotImplemented
        return self.name == other.name and self.fields == other.fields

    def __hash__(self) -> int:
        return hash((self.name, self.fields))

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def validate(self, value: Any, path: str = "") -> None:
        tag = _tag(value, path)
        if tag is not DataType.STRUCTURE:
            raise TypeUnmatched(f"expected structure {self.name}, found {tag.type_name}", path=path)
        if len(value) != len(self.fields):
            raise TypeUnmatched(
                f"structure {self.name} has {len(self.fields)} elements, found {len(value)}",
                path=path,
            )
        for f, element in zip(self.fields, value, strict=True):
            f.schema.validate(element, f"{path}.{f.name}")

    def to_typed(self, value: Any, context: TypeContext = _NO_CONTEXT, path: str = "") -> Any:
        tag = _tag(value, path)
        if tag is not DataType.STRUCTURE or len(value) != len(self.fields):
            self.validate(value, path)
        return self.typed(
            *(
                f.schema.to_typed(element, context, f"{path}.{f.name}")
                for f, element in zip(self.fields, value, strict=True)
            )
        )

    def from_typed(self, value: Any, path: str = "") -> Any:
        if isinstance(value, self.typed):
            items = [getattr(value, f.name) for f in self.fields]
        elif isinstance(value, Mapping):
            missing = [f.name for f in self.fields if f.name not in value]
            if missing:
                raise TypeUnmatched(f"structure {self.name} needs the fields {missing}", path=path)
            items = [value[f.name] for f in self.fields]
        elif isinstance(value, tuple | list):
            if len(value) != len(self.fields):
                raise TypeUnmatched(
                    f"structure {self.name} has {len(self.fields)} elements, found {len(value)}",
                    path=path,
                )
            items = list(value)
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            try:
                items = [getattr(value, f.name) for f in self.fields]
            except AttributeError as exc:
                raise TypeUnmatched(
                    f"a {type(value).__name__} is no structure {self.name}", path=path
                ) from exc
        else:
            raise TypeUnmatched(
                f"a {type(value).__name__} cannot be a structure {self.name}", path=path
            )
        return tuple(
            f.schema.from_typed(item, f"{path}.{f.name}")
            for f, item in zip(self.fields, items, strict=True)
        )

    def default(self) -> Any:
        return tuple(f.schema.default() for f in self.fields)

    def describe(self) -> str:
        inner = ", ".join(f"{f.name}: {f.schema.describe()}" for f in self.fields)
        return f"structure {self.name}{{{inner}}}"


@dataclass(frozen=True, slots=True)
class ArrayOf(Schema):
    """``array`` of one element type; typed values are tuples."""

    element: Schema

    def validate(self, value: Any, path: str = "") -> None:
        tag = _tag(value, path)
        if tag is not DataType.ARRAY:
            raise TypeUnmatched(f"expected array, found {tag.type_name}", path=path)
        for i, element in enumerate(value):
            self.element.validate(element, f"{path}[{i}]")

    def to_typed(self, value: Any, context: TypeContext = _NO_CONTEXT, path: str = "") -> Any:
        if isinstance(value, CompactArray):
            # Reading is lenient: a compact-array carries the same elements without tags.
            elements: Iterable[Any] = value.elements
        else:
            tag = _tag(value, path)
            if tag is not DataType.ARRAY:
                raise TypeUnmatched(f"expected array, found {tag.type_name}", path=path)
            elements = value
        return tuple(
            self.element.to_typed(element, context, f"{path}[{i}]")
            for i, element in enumerate(elements)
        )

    def from_typed(self, value: Any, path: str = "") -> Any:
        if not isinstance(value, list | tuple):
            raise TypeUnmatched(f"a {type(value).__name__} cannot be an array", path=path)
        return [self.element.from_typed(item, f"{path}[{i}]") for i, item in enumerate(value)]

    def default(self) -> Any:
        return []

    def describe(self) -> str:
        return f"array of {self.element.describe()}"


@dataclass(frozen=True, slots=True)
class Choice(Schema):
    """CHOICE of several types: a value fits when it fits one of ``options`` (tried in order)."""

    options: tuple[Schema, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "options", tuple(self.options))
        if not self.options:
            raise ValueError("a CHOICE needs at least one option")

    def _pick(self, value: Any, path: str) -> Schema:
        for option in self.options:
            try:
                option.validate(value, path)
            except SchemaError:
                continue
            return option
        raise TypeUnmatched(
            f"expected one of {self.describe()}, found {_type_name(value)}", path=path
        )

    def validate(self, value: Any, path: str = "") -> None:
        self._pick(value, path)

    def to_typed(self, value: Any, context: TypeContext = _NO_CONTEXT, path: str = "") -> Any:
        for option in self.options:
            try:
                return option.to_typed(value, context, path)
            except SchemaError:
                continue
        raise TypeUnmatched(
            f"expected one of {self.describe()}, found {_type_name(value)}", path=path
        )

    def from_typed(self, value: Any, path: str = "") -> Any:
        for option in self.options:
            try:
                raw = option.from_typed(value, path)
                option.validate(raw, path)
            except SchemaError:
                continue
            return raw
        raise TypeUnmatched(f"a {type(value).__name__} fits none of {self.describe()}", path=path)

    def default(self) -> Any:
        return self.options[0].default()

    def describe(self) -> str:
        return "CHOICE{" + ", ".join(o.describe() for o in self.options) + "}"


@dataclass(frozen=True, slots=True)
class AnySimple(Schema):
    """Any simple type (not array, structure or compact-array), as the value of a Register.

    Typed values keep their A-XDR type (``LongUnsigned(2274)`` is an int), so writing them
    back needs no guess; a plain ``int`` is refused as ambiguous.
    """

    def validate(self, value: Any, path: str = "") -> None:
        tag = _tag(value, path)
        if tag not in _SIMPLE_TAGS:
            raise TypeUnmatched(f"expected a simple type, found {tag.type_name}", path=path)

    def to_typed(self, value: Any, context: TypeContext = _NO_CONTEXT, path: str = "") -> Any:
        self.validate(value, path)
        return value

    def from_typed(self, value: Any, path: str = "") -> Any:
        if isinstance(value, Quantity):
            value = value.raw
        self.validate(value, path)
        return value

    def default(self) -> Any:
        return None

    def describe(self) -> str:
        return "simple type (instance specific)"


@dataclass(frozen=True, slots=True)
class AnyData(Schema):
    """Any A-XDR value at all (the value of a Data object, a captured buffer entry)."""

    def validate(self, value: Any, path: str = "") -> None:
        _check_data(value, path, 0)

    def to_typed(self, value: Any, context: TypeContext = _NO_CONTEXT, path: str = "") -> Any:
        _check_data(value, path, 0)
        return value

    def from_typed(self, value: Any, path: str = "") -> Any:
        if isinstance(value, Quantity):
            value = value.raw
        _check_data(value, path, 0)
        return value

    def default(self) -> Any:
        return None

    def describe(self) -> str:
        return "any type (instance specific)"


def _check_data(value: Any, path: str, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise TypeUnmatched(f"nested more than {MAX_DEPTH} levels", path=path)
    tag = _tag(value, path)
    if tag is DataType.ARRAY or tag is DataType.STRUCTURE:
        for i, element in enumerate(value):
            _check_data(element, f"{path}[{i}]", depth + 1)
    elif tag is DataType.COMPACT_ARRAY:
        for i, element in enumerate(value.elements):
            _check_data(element, f"{path}[{i}]", depth + 1)


@dataclass(frozen=True, slots=True)
class Scaled(Schema):
    """A value that the owning object's scaler_unit scales (Register value and relatives).

    Typed with a scaler_unit in the context, a number becomes a :class:`Quantity`; anything
    else (no scaler_unit, a string value) stays as ``inner`` types it.
    """

    inner: Schema

    def validate(self, value: Any, path: str = "") -> None:
        self.inner.validate(value, path)

    def to_typed(self, value: Any, context: TypeContext = _NO_CONTEXT, path: str = "") -> Any:
        typed = self.inner.to_typed(value, context, path)
        su = context.scaler_unit
        if (
            su is not None
            and isinstance(value, int | float)
            and not isinstance(value, bool)
            and (not isinstance(value, float) or (value == value and abs(value) != float("inf")))
        ):
            return Quantity(su.apply(value), su.unit, su.scaler, value)
        return typed

    def from_typed(self, value: Any, path: str = "") -> Any:
        if isinstance(value, Quantity):
            return self.inner.from_typed(_unscale(value, path), path)
        return self.inner.from_typed(value, path)

    def default(self) -> Any:
        return self.inner.default()

    def describe(self) -> str:
        return f"{self.inner.describe()} (scaled by scaler_unit)"


def _unscale(quantity: Quantity, path: str) -> Any:
    """The raw value of a Quantity: its ``raw`` when that still matches, else computed."""
    raw = quantity.raw
    try:
        if raw is not None and scale(raw, quantity.scaler) == quantity.value:
            return raw
        number = Decimal(quantity.value).scaleb(-quantity.scaler)
        if number != number.to_integral_value():
            raise ValueRejected(
                f"{quantity.value} is not a whole multiple of 10^{quantity.scaler}", path=path
            )
    except (InvalidOperation, ValueError, TypeError, ArithmeticError) as exc:
        if isinstance(exc, SchemaError):
            raise
        raise TypeUnmatched(f"not a quantity value: {quantity.value!r}", path=path) from None
    whole = int(number)
    if raw is not None and not isinstance(raw, bool):
        try:
            return type(raw)(whole)
        except (EncodeError, TypeError, ValueError):
            raise ValueRejected(
                f"{whole} does not fit the {_type_name(raw)} the value was read as", path=path
            ) from None
    return whole


# -- constants and helpers -----------------------------------------------------------------

NULL: Final = Simple(DataType.NULL_DATA)
BOOL: Final = Simple(DataType.BOOLEAN)
BITS: Final = Simple(DataType.BIT_STRING)
I8: Final = Simple(DataType.INTEGER)
I16: Final = Simple(DataType.LONG)
I32: Final = Simple(DataType.DOUBLE_LONG)
I64: Final = Simple(DataType.LONG64)
U8: Final = Simple(DataType.UNSIGNED)
U16: Final = Simple(DataType.LONG_UNSIGNED)
U32: Final = Simple(DataType.DOUBLE_LONG_UNSIGNED)
U64: Final = Simple(DataType.LONG64_UNSIGNED)
F32: Final = Simple(DataType.FLOAT32)
F64: Final = Simple(DataType.FLOAT64)
ENUM: Final = Simple(DataType.ENUM)
OCTETS: Final = Simple(DataType.OCTET_STRING)
VISIBLE: Final = Simple(DataType.VISIBLE_STRING)
UTF8: Final = Simple(DataType.UTF8_STRING)
LN: Final = FixedOctets(6, OctetKind.LOGICAL_NAME)
DATE_TIME: Final = FixedOctets(12, OctetKind.DATE_TIME)
DATE: Final = FixedOctets(5, OctetKind.DATE)
TIME: Final = FixedOctets(4, OctetKind.TIME)
ANY_SIMPLE: Final = AnySimple()
ANY: Final = AnyData()


@dataclass(frozen=True, slots=True)
class _ScalerUnitSchema(Schema):
    """``scal_unit_type ::= structure{scaler: integer, unit: enum}``, typed as ScalerUnit."""

    name: ClassVar[str] = "scal_unit_type"

    def validate(self, value: Any, path: str = "") -> None:
        tag = _tag(value, path)
        if tag is not DataType.STRUCTURE or len(value) != 2:
            raise TypeUnmatched(
                f"expected structure{{scaler, unit}}, found {_type_name(value)}", path=path
            )
        I8.validate(value[0], f"{path}.scaler")
        ENUM.validate(value[1], f"{path}.unit")

    def to_typed(self, value: Any, context: TypeContext = _NO_CONTEXT, path: str = "") -> Any:
        self.validate(value, path)
        return ScalerUnit(int(value[0]), unit_of(int(value[1])))

    def from_typed(self, value: Any, path: str = "") -> Any:
        if isinstance(value, ScalerUnit):
            return (I8.from_typed(value.scaler, path), ENUM.from_typed(int(value.unit), path))
        if isinstance(value, tuple | list) and len(value) == 2:
            return (
                I8.from_typed(value[0], f"{path}.scaler"),
                ENUM.from_typed(value[1], f"{path}.unit"),
            )
        raise TypeUnmatched(f"a {type(value).__name__} cannot be a scaler_unit", path=path)

    def default(self) -> Any:
        return (CLASS_OF[DataType.INTEGER](0), CLASS_OF[DataType.ENUM](int(Unit.COUNT)))

    def describe(self) -> str:
        return "structure scal_unit_type{scaler: integer, unit: enum Unit}"


#: ``scal_unit_type``: typed as :class:`~dlmskit.cosem.ScalerUnit`.
SCALER_UNIT: Final = _ScalerUnitSchema()


def struct(name: str, *fields: tuple[str, Schema], typed: type | None = None) -> Struct:
    """``struct("capture_object", ("class_id", U16), ("logical_name", LN), ...)``."""
    made = [Field(n, s) for n, s in fields]
    if typed is None:
        return Struct(name, tuple(made))
    return Struct(name, tuple(made), typed)


def nullable(schema: Schema) -> Choice:
    """``CHOICE{null-data, schema}``."""
    return Choice((NULL, schema))


def validate(value: Any, schema: Schema) -> None:
    """Raise :class:`TypeUnmatched` or :class:`ValueRejected` unless ``value`` fits."""
    schema.validate(value)


def to_typed(raw: object, schema: Schema, context: TypeContext | None = None) -> Any:
    """The raw A-XDR value as a typed Python value (see the module documentation)."""
    return schema.to_typed(raw, context or _NO_CONTEXT)


def from_typed(value: Any, schema: Schema) -> Any:
    """A typed value back as the raw A-XDR value, validated against the schema."""
    raw = schema.from_typed(value)
    schema.validate(raw)
    return raw


def default_value(schema: Schema) -> Any:
    return schema.default()
