"""Profile generic (class_id 7, version 1): captures, a sorted bounded buffer, selective access.

* Capture: each row is a structure of the captured attributes (capture_objects), read from the
  other objects at the moment of capture; a column that cannot be read is null-data. Rows
  are captured every ``capture_period`` seconds (on multiples of it from local midnight)
  and whenever the capture method runs.
* The buffer holds at most ``profile_entries`` rows. ``sort_method`` says their order and
  which row gives way when it is full: fifo drops the oldest, lifo replaces the newest,
  largest / smallest / nearest_to_zero / farthest_from_zero keep the rows ordered by the
  ``sort_object`` column and drop the one that sorts last.
* Selective access on the buffer: by range (selector 1) on any column -- the clock or any
  other -- and by entry (selector 2), each with a selection of columns.
* Writing capture_objects empties the buffer; reset empties it too.
"""

from __future__ import annotations

import datetime as _dt
import functools
from operator import itemgetter
from typing import Any, cast

from dlmskit.axdr import Data, DoubleLongUnsigned
from dlmskit.cosem import DateTime
from dlmskit.cosem.dates import DateTimeError
from dlmskit.model.classes.common import CAPTURE_OBJECT
from dlmskit.model.enums import SortMethod
from dlmskit.model.objects.base import CosemObject, Refused
from dlmskit.model.objects.registers import next_boundary
from dlmskit.model.results import DataAccessResult
from dlmskit.model.schema import ANY, U16, U32, ArrayOf, SchemaError, struct

__all__ = ["ENTRY_DESCRIPTOR", "RANGE_DESCRIPTOR", "ProfileGeneric"]

#: Selective access parameters of the buffer (Blue Book, Profile generic, attribute 2).
RANGE_DESCRIPTOR = struct(
    "range_descriptor",
    ("restricting_object", CAPTURE_OBJECT),
    ("from_value", ANY),
    ("to_value", ANY),
    ("selected_values", ArrayOf(CAPTURE_OBJECT)),
)
ENTRY_DESCRIPTOR = struct(
    "entry_descriptor",
    ("from_entry", U32),
    ("to_entry", U32),
    ("from_selected_value", U16),
    ("to_selected_value", U16),
)

_MAX_CATCH_UP = 100_000


class ProfileGeneric(CosemObject):
    CLASS_ID = 7
    READ_ONLY = frozenset({2, 7})

    def __init__(self, logical_name: Any, **values: Any) -> None:
        self._rows: list[tuple[Data, ...]] = []
        self._next_capture: _dt.datetime | None = None
        super().__init__(logical_name, **values)

    def _init_defaults(self) -> None:
        from dlmskit.axdr import Enum

        self._values[5] = Enum(SortMethod.FIFO)
        self._values[8] = DoubleLongUnsigned(1000)

    # -- configuration -----------------------------------------------------------------------

    @property
    def columns(self) -> list[tuple[Any, ...]]:
        return list(self._values[3])

    @property
    def capture_period(self) -> int:
        return int(self._values[4])

    @property
    def sort_method(self) -> int:
        return int(self._values[5])

    @property
    def profile_entries(self) -> int:
        return int(self._values[8])

    @property
    def rows(self) -> list[tuple[Data, ...]]:
        """The buffer's rows, first to last (a copy)."""
        return list(self._rows)

    def _column_of(self, definition: Any) -> int:
        """The 0-based column of a capture_object_definition (Refused when none)."""
        key = _column_key(definition)
        for i, column in enumerate(self.columns):
            if _column_key(column) == key:
                return i
        raise Refused(DataAccessResult.OTHER_REASON, "no such captured column")

    def _sort_column(self) -> int | None:
        sort_object = self._values[6]
        if not sort_object or not any(sort_object[1]):
            return 0 if self.sort_method > SortMethod.LIFO and self.columns else None
        try:
            return self._column_of(sort_object)
        except Refused:
            return None

    def _write_3(self, value: Any, now: _dt.datetime) -> None:
        self._values[3] = value
        self._rows.clear()
        self._values[7] = DoubleLongUnsigned(0)

    def _write_5(self, value: Any, now: _dt.datetime) -> None:
        if int(value) not in SortMethod._value2member_map_:
            raise Refused(DataAccessResult.OTHER_REASON, "no such sort method")
        self._values[5] = value
        self._resort()

    def _write_6(self, value: Any, now: _dt.datetime) -> None:
        if any(value[1]):
            self._values[6] = value
            self._column_of(value)  # must be one of the captured columns
        self._values[6] = value
        self._resort()

    def _write_8(self, value: Any, now: _dt.datetime) -> None:
        self._values[8] = value
        self._trim()

    def _changed(self, index: int, now: _dt.datetime) -> None:
        if index == 4:
            self._schedule(now)

    # -- the buffer ----------------------------------------------------------------------------

    def _key(self, row: tuple[Data, ...]) -> Any:
        column = self._sort_column()
        value = row[column] if column is not None and column < len(row) else None
        method = self.sort_method
        number = _number(value)
        if method in (SortMethod.NEAREST_TO_ZERO, SortMethod.FARTHEST_FROM_ZERO):
            return (0, abs(number)) if number is not None else (1, 0)
        return _order_key(value)

    def _resort(self) -> None:
        method = self.sort_method
        if method in (SortMethod.LARGEST, SortMethod.FARTHEST_FROM_ZERO):
            self._rows.sort(key=self._key, reverse=True)
        elif method in (SortMethod.SMALLEST, SortMethod.NEAREST_TO_ZERO):
            self._rows.sort(key=self._key)
        self._trim()

    def _trim(self) -> None:
        limit = self.profile_entries
        if len(self._rows) > limit:
            if self.sort_method == SortMethod.FIFO:
                del self._rows[: len(self._rows) - limit]
            else:
                del self._rows[limit:]
        self._values[7] = DoubleLongUnsigned(len(self._rows))

    def _insert(self, row: tuple[Data, ...]) -> None:
        limit = self.profile_entries
        method = self.sort_method
        if limit == 0:
            return
        if method == SortMethod.FIFO:
            self._rows.append(row)
            if len(self._rows) > limit:
                del self._rows[0]
        elif method == SortMethod.LIFO:
            if len(self._rows) >= limit:
                self._rows[-1] = row
            else:
                self._rows.append(row)
        else:
            self._rows.append(row)
            self._resort()
        self._values[7] = DoubleLongUnsigned(len(self._rows))

    def capture(self, now: _dt.datetime) -> tuple[Data, ...]:
        """Capture one row now (what the capture method and the period do)."""
        values: list[Data] = []
        for column in self.columns:
            class_id, ln, attribute, data_index = column
            try:
                values.append(
                    self.objects.read(int(class_id), ln, int(attribute), now, int(data_index))
                )
            except Refused:
                values.append(None)
        row = tuple(values)
        self._insert(row)
        return row

    def reset(self) -> None:
        self._rows.clear()
        self._values[7] = DoubleLongUnsigned(0)

    def _read_2(self, now: _dt.datetime) -> Data:
        return list(self._rows)

    def _method_1(self, parameter: Any, now: _dt.datetime) -> Any:
        """reset: empty the buffer."""
        self.reset()
        return None

    def _method_2(self, parameter: Any, now: _dt.datetime) -> Any:
        """capture: one row now."""
        self.capture(now)
        return None

    # -- periodic capture ----------------------------------------------------------------------

    def _schedule(self, now: _dt.datetime) -> None:
        if self.capture_period <= 0:
            self._next_capture = None
            return
        local = self.objects.meter_time(now)
        self._next_capture = self.objects.real_time(next_boundary(local, self.capture_period))

    def get_timer(self, now: _dt.datetime) -> _dt.datetime | None:
        if self._next_capture is None and self.capture_period > 0:
            self._schedule(now)
        return self._next_capture

    def handle_timer(self, now: _dt.datetime) -> None:
        for _ in range(_MAX_CATCH_UP):
            due = self._next_capture
            if due is None or due > now:
                return
            self.capture(due)
            local = self.objects.meter_time(due)
            following = self.objects.real_time(next_boundary(local, self.capture_period))
            self._next_capture = (
                following if following > due else due + _dt.timedelta(seconds=self.capture_period)
            )

    def time_changed(self, now: _dt.datetime) -> None:
        self._schedule(now)

    # -- selective access ----------------------------------------------------------------------

    def _read_selective(
        self, index: int, selector: int, parameters: Any, now: _dt.datetime
    ) -> Data:
        if index != 2:
            raise Refused(
                DataAccessResult.OTHER_REASON, f"attribute {index} has no selective access"
            )
        if selector == 1:
            return self.read_by_range(parameters, now)
        if selector == 2:
            return self.read_by_entry(parameters)
        raise Refused(DataAccessResult.OTHER_REASON, f"no selector {selector}")

    def _select_columns(self, selected: list[Any]) -> list[int]:
        if not selected:
            return list(range(len(self.columns)))
        return [self._column_of(definition) for definition in selected]

    def read_by_range(self, parameters: Any, now: _dt.datetime) -> list[Data]:
        """Rows whose restricting column lies in [from_value, to_value], selected columns."""
        try:
            RANGE_DESCRIPTOR.validate(parameters)
        except SchemaError as exc:
            raise Refused(DataAccessResult.TYPE_UNMATCHED, str(exc)) from None
        restricting, low, high, selected = parameters
        column = self._column_of(restricting)
        keep = self._select_columns(selected)
        low_key, high_key = self._range_key(low), self._range_key(high)
        if low_key is None or high_key is None:
            raise Refused(DataAccessResult.OTHER_REASON, "range bounds cannot be compared")
        width = len(self.columns)
        rows = self._rows
        lengths = set(map(len, rows))
        as_kept = keep == list(range(width)) and lengths == {width}  # rows as they are
        if low_key[0] == high_key[0] == 0 and rows and min(lengths) > column:
            # Between two instants (the usual range), over a column of date-time octets
            # with deviations: compared as POSIX times, the whole column at once.
            stamps = list(map(itemgetter(column), rows))
            if set(map(type, stamps)) == {bytes}:
                found = list(map(_octets_seconds, stamps))
                if None not in found:
                    seconds = cast(list[float], found)
                    low_s, high_s = low_key[1].timestamp(), high_key[1].timestamp()
                    chosen = [
                        row
                        for row, second in zip(rows, seconds, strict=True)
                        if low_s <= second <= high_s
                    ]
                    if as_kept:
                        return list[Data](chosen)
                    return [tuple([row[i] for i in keep]) for row in chosen]
        out: list[Data] = []
        for row in rows:
            key = self._range_key(row[column]) if column < len(row) else None
            if key is not None and low_key[0] == key[0] and low_key <= key <= high_key:
                out.append(row if as_kept else tuple([row[i] for i in keep]))
        return out

    def read_by_entry(self, parameters: Any) -> list[Data]:
        """Rows from_entry..to_entry (1-based, 0 = to the last), columns likewise."""
        try:
            ENTRY_DESCRIPTOR.validate(parameters)
        except SchemaError as exc:
            raise Refused(DataAccessResult.TYPE_UNMATCHED, str(exc)) from None
        first, last, first_col, last_col = (int(v) for v in parameters)
        count = len(self._rows)
        width = len(self.columns)
        first = max(first, 1)
        last = count if last == 0 else min(last, count)
        first_col = max(first_col, 1)
        last_col = width if last_col == 0 else min(last_col, width)
        if first > last or (first_col > last_col and width):
            return []
        return [tuple(row[first_col - 1 : last_col]) for row in self._rows[first - 1 : last]]

    def _range_key(self, value: Any) -> tuple[Any, ...] | None:
        """A comparable key: date-times as UTC instants (local ones via the meter's clock),
        numbers as numbers, other octets and strings as themselves."""
        if value.__class__ is bytes and len(value) == 12 and value[9:11] != b"\x80\x00":
            instant = _aware_instant(value)
            if instant is not None:
                return (0, instant)
        moment = _date_time_of(value)
        if moment is not None:
            try:
                parsed = moment.to_datetime()
            except DateTimeError:
                return None
            if parsed.tzinfo is None:
                parsed = self.objects.real_time(parsed) + self._clock_offset()
            return (0, parsed.astimezone(_dt.UTC))
        number = _number(value)
        if number is not None:
            return (1, number)
        if isinstance(value, bytes | str):
            return (2, value)
        return None

    def _clock_offset(self) -> _dt.timedelta:
        clock = self.objects.clock
        return clock.offset if clock is not None else _dt.timedelta(0)


def _column_key(definition: Any) -> tuple[int, bytes, int, int]:
    class_id, ln, attribute, data_index = definition
    return (int(class_id), bytes(ln), int(attribute), int(data_index))


def _number(value: Any) -> float | int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return value
    return None


@functools.lru_cache(maxsize=1 << 16)
def _aware_instant(raw: bytes) -> _dt.datetime | None:
    """The UTC instant of date-time octets whose deviation is given, or None (not a valid
    instant). It depends on nothing but the octets, so one cache serves every profile of
    every meter: range reads meet the same capture times again and again."""
    try:
        return DateTime.from_bytes(raw).to_datetime().astimezone(_dt.UTC)
    except DateTimeError:
        return None


@functools.lru_cache(maxsize=1 << 16)
def _octets_seconds(raw: bytes) -> float | None:
    """The POSIX time of octets that are a date-time with its deviation given, else None:
    the instant _range_key gives such octets, as a number that compares fast (COSEM times
    are in hundredths of a second, far coarser than a float's resolution here)."""
    if len(raw) != 12 or (raw[9] == 0x80 and raw[10] == 0):
        return None
    instant = _aware_instant(raw)
    return None if instant is None else instant.timestamp()


def _date_time_of(value: Any) -> DateTime | None:
    if isinstance(value, DateTime):
        return value
    if isinstance(value, bytes) and len(value) == 12:
        return DateTime.from_bytes(value)
    return None


def _order_key(value: Any) -> tuple[int, Any]:
    number = _number(value)
    if number is not None:
        return (0, number)
    moment = _date_time_of(value)
    if moment is not None:
        return (1, moment.to_bytes())
    if isinstance(value, bytes | str):
        return (2, value)
    return (3, 0)
