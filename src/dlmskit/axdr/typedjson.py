"""The typed JSON form of COSEM Data: the project's one external representation of values.

Every value is an object with a single key, the Blue Book type name, e.g.::

    {"structure": [{"octet-string": "0100010800ff"}, {"double-long-unsigned": 280}]}

===================  ======================================================================
type                 JSON value
===================  ======================================================================
null-data            ``null``
array, structure     list of typed values
boolean              ``true`` / ``false``
bit-string           string of ``0`` and ``1``
integer types, enum  number
octet-string         lowercase hex string
visible-string,      string
utf8-string
bcd                  the octet as two hex digits, e.g. ``"25"``
float32, float64     number; ``"NaN"``, ``"Infinity"``, ``"-Infinity"``, or ``"NaN:<hex>"``
                     for a NaN with other bits than the usual quiet NaN
date-time, date,     object of the fields (``null`` = not specified); on input an ISO 8601
time                 string is accepted too
compact-array        ``{"description": D, "elements": [typed values]}`` where D is a type
                     name, ``{"structure": [D, ...]}`` or ``{"array": {"count": n,
                     "element": D}}``
dont-care            ``null``
===================  ======================================================================

:func:`to_json` and :func:`from_json` are exact inverses: ``from_json(to_json(v))`` encodes to
the same bytes as ``v``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Final

from dlmskit.axdr.types import (
    CLASS_OF,
    DONT_CARE,
    INTEGER_TAGS,
    ArrayDesc,
    Bcd,
    BitString,
    CompactArray,
    Data,
    DataType,
    Float32,
    Float64,
    StructureDesc,
    TypeDesc,
    Utf8String,
    VisibleString,
    type_of,
)
from dlmskit.cosem.dates import Date, DateTime, DateTimeError, Time
from dlmskit.errors import DlmsError, EncodeError

__all__ = ["desc_from_json", "desc_to_json", "from_json", "to_json"]

JsonValue = Any  # what json.loads returns / json.dumps takes

_QUIET_NAN32: Final = 0x7FC00000
_QUIET_NAN64: Final = 0x7FF8000000000000


def _float_to_json(value: float, bits: int, quiet_nan: int, width: int) -> JsonValue:
    if math.isfinite(value):
        return float(value)
    if value != value:
        return "NaN" if bits == quiet_nan else f"NaN:{bits:0{width}x}"
    return "Infinity" if value > 0 else "-Infinity"


def to_json(value: Data) -> JsonValue:
    """The typed JSON form of a value (ready for :func:`json.dumps`)."""
    return _to_json(value, 0)


def _to_json(value: Any, depth: int) -> JsonValue:
    if depth > 256:
        raise EncodeError("data nested too deeply for JSON")
    kind = type_of(value)
    name = kind.type_name
    if kind is DataType.NULL_DATA or kind is DataType.DONT_CARE:
        return {name: None}
    if kind is DataType.ARRAY or kind is DataType.STRUCTURE:
        return {name: [_to_json(item, depth + 1) for item in value]}
    if kind is DataType.BOOLEAN:
        return {name: bool(value)}
    if kind is DataType.OCTET_STRING:
        return {name: bytes(value).hex()}
    if kind is DataType.BCD:
        return {name: f"{int(value):02x}"}
    if kind in (DataType.VISIBLE_STRING, DataType.UTF8_STRING, DataType.BIT_STRING):
        return {name: str.__str__(value)}
    if kind is DataType.FLOAT32:
        return {name: _float_to_json(value, Float32.bits.fget(value), _QUIET_NAN32, 8)}  # type: ignore[attr-defined]
    if kind is DataType.FLOAT64:
        return {name: _float_to_json(value, Float64.bits.fget(value), _QUIET_NAN64, 16)}  # type: ignore[attr-defined]
    if kind in (DataType.DATE_TIME, DataType.DATE, DataType.TIME):
        return {name: value.to_json()}
    if kind is DataType.COMPACT_ARRAY:
        return {
            name: {
                "description": desc_to_json(value.description),
                "elements": [_to_json(item, depth + 1) for item in value.elements],
            }
        }
    return {name: int(value)}  # the integer types and enum


def desc_to_json(desc: TypeDesc) -> JsonValue:
    """The JSON of a compact-array type description."""
    if isinstance(desc, ArrayDesc):
        return {"array": {"count": desc.count, "element": desc_to_json(desc.element)}}
    if isinstance(desc, StructureDesc):
        return {"structure": [desc_to_json(element) for element in desc.elements]}
    return desc.type_name


# -- from JSON -----------------------------------------------------------------------------


def from_json(obj: JsonValue) -> Data:
    """The value of a typed JSON form; a malformed one raises EncodeError with its path."""
    value: Data = _from_json(obj, "", 0)
    return value


def _single(obj: JsonValue, path: str) -> tuple[str, JsonValue]:
    if not isinstance(obj, dict) or len(obj) != 1:
        raise EncodeError(
            'a typed value is an object with one key, the type name, e.g. {"unsigned": 5}',
            path=path,
        )
    ((key, payload),) = obj.items()
    return key, payload


def _float_from_json(payload: JsonValue, cls: type[Float32] | type[Float64], path: str) -> Any:
    if isinstance(payload, bool):
        raise EncodeError(f"{cls.__name__} takes a number", path=path)
    if isinstance(payload, int | float):
        return cls(payload)
    if payload == "NaN":
        return cls(math.nan)
    if payload == "Infinity":
        return cls(math.inf)
    if payload == "-Infinity":
        return cls(-math.inf)
    if isinstance(payload, str) and payload.startswith("NaN:"):
        try:
            bits = int(payload[4:], 16)
        except ValueError:
            bits = -1
        width = 32 if cls is Float32 else 64
        if 0 <= bits < (1 << width) and len(payload) == 4 + width // 4:
            value = cls.from_bits(bits)
            if value != value:
                return value
    raise EncodeError(
        f"{cls.__name__} takes a number, 'NaN', 'Infinity', '-Infinity' or 'NaN:<hex bits>'",
        path=path,
    )


def _from_json(obj: JsonValue, path: str, depth: int) -> Any:
    if depth > 256:
        raise EncodeError("typed JSON nested too deeply", path=path)
    key, payload = _single(obj, path)
    try:
        kind = DataType.from_type_name(key)
    except EncodeError:
        raise EncodeError(f"unknown A-XDR type name {key!r}", path=path) from None
    try:
        return _PARSERS[kind](payload, path, depth)
    except EncodeError as exc:
        if exc.path:
            raise
        raise EncodeError(exc.reason, path=path) from None
    except DlmsError as exc:  # DateTimeError and the like
        raise EncodeError(str(exc), path=path) from None


def _expect(condition: bool, message: str) -> None:
    if not condition:
        raise EncodeError(message)


def _parse_null(payload: JsonValue, path: str, depth: int) -> Any:
    _expect(payload is None, "null-data takes null")
    return None


def _parse_dont_care(payload: JsonValue, path: str, depth: int) -> Any:
    _expect(payload is None, "dont-care takes null")
    return DONT_CARE


def _sequence_parser(cls: type[list[Any]] | type[tuple[Any, ...]], name: str) -> _Parser:
    def parse(payload: JsonValue, path: str, depth: int) -> Any:
        _expect(isinstance(payload, list), f"{name} takes a list")
        return cls(
            _from_json(item, f"{path}[{index}]", depth + 1) for index, item in enumerate(payload)
        )

    return parse


def _parse_boolean(payload: JsonValue, path: str, depth: int) -> Any:
    _expect(isinstance(payload, bool), "boolean takes true or false")
    return payload


def _int_parser(kind: DataType) -> _Parser:
    cls = CLASS_OF[kind]

    def parse(payload: JsonValue, path: str, depth: int) -> Any:
        _expect(
            isinstance(payload, int) and not isinstance(payload, bool),
            f"{kind.type_name} takes an integer",
        )
        return cls(payload)

    return parse


def _parse_bcd(payload: JsonValue, path: str, depth: int) -> Any:
    ok = isinstance(payload, str) and len(payload) == 2
    try:
        octet = int(payload, 16) if ok else -1
    except ValueError:
        octet = -1
    _expect(octet >= 0, 'bcd takes one octet as two hex digits, e.g. "25"')
    return Bcd(octet)


def _parse_octet_string(payload: JsonValue, path: str, depth: int) -> Any:
    _expect(isinstance(payload, str), "octet-string takes a hex string")
    try:
        return bytes.fromhex(payload)
    except ValueError:
        raise EncodeError(f"octet-string takes a hex string, not {payload!r}") from None


def _string_parser(cls: type[VisibleString] | type[Utf8String] | type[BitString]) -> _Parser:
    def parse(payload: JsonValue, path: str, depth: int) -> Any:
        _expect(isinstance(payload, str), f"{cls.TAG.type_name} takes a string")
        return cls(payload)

    return parse


def _parse_float32(payload: JsonValue, path: str, depth: int) -> Any:
    return _float_from_json(payload, Float32, path)


def _parse_float64(payload: JsonValue, path: str, depth: int) -> Any:
    return _float_from_json(payload, Float64, path)


def _date_parser(cls: type[DateTime] | type[Date] | type[Time]) -> _Parser:
    def parse(payload: JsonValue, path: str, depth: int) -> Any:
        try:
            return cls.from_json(payload)
        except (DateTimeError, TypeError) as exc:
            raise EncodeError(str(exc)) from None

    return parse


def desc_from_json(obj: JsonValue, path: str = "") -> TypeDesc:
    """A compact-array type description from its JSON."""
    return _desc_from_json(obj, path, 0)


def _desc_from_json(obj: JsonValue, path: str, depth: int) -> TypeDesc:
    if depth > 64:
        raise EncodeError("type description nested too deeply", path=path)
    if isinstance(obj, str):
        kind = DataType.from_type_name(obj)
        if kind in (DataType.ARRAY, DataType.STRUCTURE, DataType.COMPACT_ARRAY):
            raise EncodeError(f"{obj} needs its own description object", path=path)
        return kind
    key, payload = _single(obj, path)
    if key == "structure" and isinstance(payload, list):
        return StructureDesc(
            tuple(
                _desc_from_json(item, f"{path}[{index}]", depth + 1)
                for index, item in enumerate(payload)
            )
        )
    if (
        key == "array"
        and isinstance(payload, dict)
        and set(payload) == {"count", "element"}
        and isinstance(payload["count"], int)
    ):
        element = _desc_from_json(payload["element"], f"{path}.element", depth + 1)
        return ArrayDesc(payload["count"], element)
    raise EncodeError(
        'a type description is a type name, {"structure": [...]} or '
        '{"array": {"count": n, "element": ...}}',
        path=path,
    )


def _parse_compact_array(payload: JsonValue, path: str, depth: int) -> Any:
    _expect(
        isinstance(payload, dict) and set(payload) == {"description", "elements"},
        'compact-array takes {"description": ..., "elements": [...]}',
    )
    desc = _desc_from_json(payload["description"], f"{path}.description", 0)
    items = payload["elements"]
    _expect(isinstance(items, list), "compact-array elements are a list")
    return CompactArray(
        desc, (_from_json(item, f"{path}[{i}]", depth + 1) for i, item in enumerate(items))
    )


_Parser = Callable[[JsonValue, str, int], Any]

_PARSERS: Final[dict[DataType, _Parser]] = {
    DataType.NULL_DATA: _parse_null,
    DataType.ARRAY: _sequence_parser(list, "array"),
    DataType.STRUCTURE: _sequence_parser(tuple, "structure"),
    DataType.BOOLEAN: _parse_boolean,
    DataType.BIT_STRING: _string_parser(BitString),
    DataType.OCTET_STRING: _parse_octet_string,
    DataType.VISIBLE_STRING: _string_parser(VisibleString),
    DataType.UTF8_STRING: _string_parser(Utf8String),
    DataType.BCD: _parse_bcd,
    DataType.COMPACT_ARRAY: _parse_compact_array,
    DataType.FLOAT32: _parse_float32,
    DataType.FLOAT64: _parse_float64,
    DataType.DATE_TIME: _date_parser(DateTime),
    DataType.DATE: _date_parser(Date),
    DataType.TIME: _date_parser(Time),
    DataType.DONT_CARE: _parse_dont_care,
}
for _kind in INTEGER_TAGS - {DataType.BCD}:  # bcd has its own form
    _PARSERS[_kind] = _int_parser(_kind)
