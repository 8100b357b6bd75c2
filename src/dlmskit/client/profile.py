"""Profile generic reading: selection by date range or entry range, rows as they arrive.

:class:`RowStream` takes the raw data of a long GET of a buffer block by block (the
encoded ``array`` of row structures) and hands out each row as soon as its octets are
there, so a client can type and yield row 1 while row 10,000 is still on the wire.
:class:`ProfileProgress` is what a progress callback receives.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import MAX_EMAX, MIN_EMIN, Context, Decimal
from itertools import repeat
from typing import Any, Final

from dlmskit import axdr
from dlmskit._fastinit import unchecked_constructor
from dlmskit.apdu import CaptureObjectDefinition, EntryDescriptor, RangeDescriptor
from dlmskit.apdu.common import SelectiveAccessDescriptor
from dlmskit.axdr import Data, decode, decode_elements, decode_length, decode_prefix
from dlmskit.cosem import DateTime, Obis
from dlmskit.errors import DecodeError, LocalProtocolError, RemoteProtocolError
from dlmskit.model.classdef import UnknownClassError
from dlmskit.model.schema import (
    AnyData,
    AnySimple,
    FixedOctets,
    OctetKind,
    Quantity,
    Scaled,
    Schema,
    SchemaError,
    TypeContext,
)
from dlmskit.model.typed import Column, Resolver, typed_columns

__all__ = [
    "ColumnTyper",
    "ProfileProgress",
    "ProfileRow",
    "RowStream",
    "column_batch_typer",
    "column_typer",
    "select_columns",
    "selective_access",
]

_ARRAY = 0x01
CLOCK_CLASS = 8


@dataclass(frozen=True, slots=True)
class ProfileProgress:
    """How far a profile read is: rows out, raw octets and blocks received."""

    rows: int
    octets: int
    blocks: int
    done: bool = False


@dataclass(frozen=True, slots=True)
class ProfileRow:
    """One buffer entry, typed: ``values[i]`` belongs to ``columns[i]``."""

    values: tuple[Any, ...]
    columns: tuple[Column, ...]

    def __getitem__(self, index: int) -> Any:
        return self.values[index]

    def __len__(self) -> int:
        return len(self.values)

    @property
    def timestamp(self) -> DateTime | None:
        for value, column in zip(self.values, self.columns, strict=True):
            if column.class_id == CLOCK_CLASS and isinstance(value, DateTime):
                return value
        return None


class RowStream:
    """Rows of an encoded array of structures, parsed as its octets arrive.

    :meth:`feed` takes the next raw octets and returns the rows now complete; :meth:`close`
    checks that the array ended exactly. A buffer that is not an array of rows (a meter's
    compact-array, say) is decoded whole at :meth:`close`.
    """

    def __init__(self) -> None:
        self._buf = bytearray()
        self._pos = 0
        self._remaining: int | None = None  # rows still to come, once the header is read
        self._whole = False

    def feed(self, data: bytes) -> list[Data]:
        self._buf += data
        if self._whole:
            return []
        if self._remaining is None:
            if not self._buf:
                return []
            if self._buf[0] != _ARRAY:
                self._whole = True
                return []
            try:
                count, self._pos = decode_length(bytes(self._buf[:6]), 1)
            except DecodeError:
                if len(self._buf) >= 6:
                    raise
                return []
            self._remaining = count
        # the complete rows there are (close() tells a truncated buffer)
        rows, self._pos = decode_elements(
            bytes(self._buf), self._pos, self._remaining, partial=True
        )
        self._remaining -= len(rows)
        if self._pos > 65536:
            del self._buf[: self._pos]
            self._pos = 0
        return rows

    def close(self) -> list[Data]:
        """The rows left at the end (for a buffer decoded whole: all of them)."""
        if self._whole:
            value = decode(bytes(self._buf))
            if isinstance(value, list):
                return value
            raise RemoteProtocolError(f"a profile buffer is an array, not {type(value).__name__}")
        if self._remaining is None:
            raise DecodeError("a profile buffer array, found nothing", 0, layer="A-XDR")
        if self._remaining:
            _, end = decode_prefix(bytes(self._buf), self._pos)  # raises the real error
            raise DecodeError(
                f"{self._remaining} more rows, found the end of the data", end, layer="A-XDR"
            )
        if self._pos != len(self._buf):
            raise DecodeError(
                f"the end of the buffer, found {len(self._buf) - self._pos} more octets",
                self._pos,
                layer="A-XDR",
            )
        return []


def _definition(column: Column) -> CaptureObjectDefinition:
    return CaptureObjectDefinition(
        column.class_id, column.logical_name, column.attribute_index, column.data_index
    )


def select_columns(columns: Sequence[Column], wanted: Sequence[Any] | None) -> list[int]:
    """Indexes (0-based) of the capture objects asked for by position (1-based int), by
    logical name (an Obis or its text) or as Column; None: all of them."""
    if wanted is None:
        return list(range(len(columns)))
    chosen = []
    for item in wanted:
        if isinstance(item, int) and not isinstance(item, bool):
            if not 1 <= item <= len(columns):
                raise LocalProtocolError(f"column {item} is not in 1..{len(columns)}")
            chosen.append(item - 1)
            continue
        if isinstance(item, Column):
            matches = [i for i, c in enumerate(columns) if c == item]
        else:
            try:
                name = Obis.parse(item)
            except (ValueError, TypeError) as exc:
                raise LocalProtocolError(f"no column {item!r}: {exc}") from None
            matches = [i for i, c in enumerate(columns) if c.logical_name == name]
        if not matches:
            raise LocalProtocolError(f"the profile captures no {item!r}")
        chosen.append(matches[0])
    return chosen


def _date_time(value: Any) -> DateTime:
    if isinstance(value, DateTime):
        return value
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None:
            raise LocalProtocolError("a date range needs time-zone aware datetimes")
        return DateTime.from_datetime(value)
    raise LocalProtocolError(f"a date range bound is a datetime or DateTime, not {value!r}")


def selective_access(
    columns: Sequence[Column],
    chosen: Sequence[int],
    *,
    start: Any = None,
    end: Any = None,
    from_entry: int | None = None,
    to_entry: int | None = None,
) -> tuple[SelectiveAccessDescriptor | None, list[int]]:
    """The selective access for a read, and the indexes (into what the meter will send) of
    the columns asked for. By date range the meter sends exactly the chosen columns (in
    capture order); by entry range it sends a contiguous run of columns, so more may come
    than asked and the caller keeps the ones it wants."""
    every = list(range(len(columns)))
    ordered = sorted(set(chosen))
    if start is not None or end is not None:
        if from_entry is not None or to_entry is not None:
            raise LocalProtocolError("read by date range or by entry range, not both")
        clocks = [i for i, c in enumerate(columns) if c.class_id == CLOCK_CLASS]
        if not clocks:
            raise LocalProtocolError("the profile captures no clock: read by entry range")
        restricting = _definition(columns[clocks[0]])
        low = (
            _date_time(start)
            if start is not None
            else DateTime.from_datetime(_dt.datetime(1970, 1, 1, tzinfo=_dt.UTC))
        )
        high = (
            _date_time(end)
            if end is not None
            else DateTime.from_datetime(_dt.datetime(2099, 12, 31, 23, 59, 59, tzinfo=_dt.UTC))
        )
        selected = () if ordered == every else tuple(_definition(columns[i]) for i in ordered)
        descriptor = RangeDescriptor(restricting, low, high, selected).to_access()
        sent = ordered if selected else every
        return descriptor, [sent.index(i) for i in chosen]
    if from_entry is not None or to_entry is not None:
        first = from_entry if from_entry is not None else 1
        last = to_entry if to_entry is not None else 0
        if first < 1 or last < 0 or (last and last < first):
            raise LocalProtocolError("entries count from 1; to_entry 0 means the last")
        if ordered == every:
            low_col, high_col = 1, 0
            base = 0
        else:
            low_col, high_col = ordered[0] + 1, ordered[-1] + 1
            base = ordered[0]
        descriptor = EntryDescriptor(first, last, low_col, high_col).to_access()
        return descriptor, [i - base for i in chosen]
    return None, list(chosen)


# -- typing rows fast ----------------------------------------------------------------------------

# the integer types a scaler applies to (enum and bcd are no quantities)
_INT_TYPES: Final = frozenset(axdr.INTEGER_TYPES) - {axdr.Enum, axdr.Bcd}


# Typed rows are made by the thousand from values checked above: skip dataclass __init__.
_make_quantity = unchecked_constructor(Quantity, ("value", "unit", "scaler", "raw"))
make_profile_row = unchecked_constructor(ProfileRow, ("values", "columns"))


def _as_decoded(raw: Any) -> Any:
    return raw


def _safe(schema: Schema, context: TypeContext) -> Callable[[Any], Any]:
    to_typed = schema.to_typed

    def typed(raw: Any) -> Any:
        try:
            return to_typed(raw, context)
        except SchemaError:
            return raw

    return typed


# Scaling in a context of its own: exact for every A-XDR integer and scaler, whatever
# precision the caller's decimal context has.
_SCALING: Final = Context(prec=64, Emin=MIN_EMIN, Emax=MAX_EMAX)


class _Plan:
    """How a column's values are typed: ``kind`` is "decoded" (as decoded), "scaled"
    (``scaler`` and ``unit`` apply to integers), "date_time" (12 octets) or "general";
    ``general`` types any one value."""

    __slots__ = ("general", "kind", "power", "scaler", "unit")

    def __init__(
        self, kind: str, general: Callable[[Any], Any], scaler: int = 0, unit: Any = None
    ) -> None:
        self.kind = kind
        self.general = general
        self.scaler = scaler
        self.unit = unit
        # raw * 1E<scaler>: the coefficient stays raw, the exponent becomes the scaler
        self.power = Decimal(f"1E{scaler}")


def _plan(column: Column, resolver: Resolver) -> _Plan:
    if column.attribute_index == 0 or column.data_index:
        return _Plan("general", lambda raw: typed_columns([raw], [column], resolver)[0])
    try:
        definition, context = resolver(column.class_id, column.logical_name)
        schema = definition.attribute(column.attribute_index).schema
    except (UnknownClassError, LocalProtocolError):
        return _Plan("decoded", _as_decoded)
    if isinstance(schema, AnyData):
        # the value of a Data object or a nested buffer: typed as it was decoded (a decoded
        # value is valid Data by construction, so the check of to_typed cannot fail)
        return _Plan("decoded", _as_decoded)
    general = _safe(schema, context)
    su = context.scaler_unit
    if isinstance(schema, Scaled) and isinstance(schema.inner, AnySimple) and su is not None:
        return _Plan("scaled", general, su.scaler, su.unit)
    if isinstance(schema, FixedOctets) and schema.kind is OctetKind.DATE_TIME:
        return _Plan("date_time", general)
    return _Plan("general", general)


def column_typer(column: Column, resolver: Resolver) -> Callable[[Any], Any]:
    """A function typing one column's values exactly as :func:`dlmskit.model.typed.typed_rows`
    does, resolved once and with fast paths for the two columns every load profile has: a
    clock's date-time and a register value scaled by its scaler_unit."""
    return _value_typer(_plan(column, resolver))


def _value_typer(plan: _Plan) -> Callable[[Any], Any]:
    generic = plan.general
    if plan.kind == "scaled":
        scaler, unit, power, multiply = plan.scaler, plan.unit, plan.power, _SCALING.multiply

        def scaled(raw: Any) -> Any:
            if type(raw) in _INT_TYPES:
                value = multiply(raw, power) if scaler else Decimal(raw)
                return _make_quantity(value, unit, scaler, raw)
            return generic(raw)

        return scaled
    if plan.kind == "date_time":

        def date_time(raw: Any) -> Any:
            if type(raw) is bytes and len(raw) == 12:
                return DateTime.from_bytes(raw)
            return generic(raw)

        return date_time
    return generic


#: Types a column of values (one per row) at once.
ColumnTyper = Callable[[Sequence[Any]], list[Any]]


def column_batch_typer(column: Column, resolver: Resolver) -> ColumnTyper:
    """A function typing a whole column of values (one per row) at once, with the result
    of :func:`column_typer` value by value; clock and scaled register columns that hold
    what they should are typed column by column (a block of a load profile is a few
    thousand rows), any other value by value."""
    plan = _plan(column, resolver)
    if plan.kind == "decoded":
        return list
    one = _value_typer(plan)
    if plan.kind == "scaled":
        scaler, unit, power, multiply = plan.scaler, plan.unit, plan.power, _SCALING.multiply

        def quantities(raws: Sequence[Any]) -> list[Any]:
            if not set(map(type, raws)) <= _INT_TYPES:
                return list(map(one, raws))
            # (the context converts each integer exactly, as Decimal(raw) would)
            values = map(multiply, raws, repeat(power)) if scaler else map(Decimal, raws)
            return list(map(_make_quantity, values, repeat(unit), repeat(scaler), raws))

        return quantities
    if plan.kind == "date_time":

        def date_times(raws: Sequence[Any]) -> list[Any]:
            if set(map(type, raws)) == {bytes} and set(map(len, raws)) == {12}:
                return DateTime.many_from_bytes(raws)
            return list(map(one, raws))

        return date_times
    return lambda raws: list(map(one, raws))
