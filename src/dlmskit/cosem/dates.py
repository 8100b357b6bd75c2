"""COSEM date-time, date and time (IEC 62056-6-2, 4.1.6.1).

The three types are exact images of their octets: every field keeps the value it had on the
wire, so any 12 (5, 4) bytes decode and encode back unchanged -- the all-wildcard value
included. A field that is "not specified" (0xFF, 0xFFFF for the year, 0x8000 for the
deviation) is ``None``. Whether the fields make a real instant is a separate question, asked
by :meth:`DateTime.problems` and answered by :meth:`DateTime.to_datetime`.

Deviation follows the Blue Book: minutes from local time to UTC, so ``-60`` is UTC+01:00.
"""

from __future__ import annotations

import datetime as _dt
import enum
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from dlmskit._fastinit import unchecked_constructor
from dlmskit.errors import DlmsError

__all__ = [
    "DAY_LAST",
    "DAY_SECOND_LAST",
    "MONTH_DST_BEGIN",
    "MONTH_DST_END",
    "ClockStatus",
    "Date",
    "DateTime",
    "DateTimeError",
    "Time",
]

#: month value: daylight_savings_end (Blue Book 4.1.6.1)
MONTH_DST_END = 0xFD
#: month value: daylight_savings_begin
MONTH_DST_BEGIN = 0xFE
#: day-of-month value: 2nd last day of the month
DAY_SECOND_LAST = 0xFD
#: day-of-month value: last day of the month
DAY_LAST = 0xFE

_NOT_SPECIFIED = 0xFF
_YEAR_NOT_SPECIFIED = 0xFFFF
_DEVIATION_NOT_SPECIFIED = -0x8000  # 0x8000 read as a signed 16-bit integer


class DateTimeError(DlmsError, ValueError):
    """A COSEM date, time or date-time cannot be built or converted as asked."""


class ClockStatus(enum.IntFlag, boundary=enum.KEEP):
    """The clock status byte of a COSEM date-time (bits 4-6 are reserved; kept if set)."""

    INVALID_VALUE = 0x01
    DOUBTFUL_VALUE = 0x02
    DIFFERENT_CLOCK_BASE = 0x04
    INVALID_CLOCK_STATUS = 0x08
    DAYLIGHT_SAVING_ACTIVE = 0x80


# One instance per byte value, so decoding does not build flags again and again.
_STATUS = tuple(ClockStatus(i) for i in range(0xFF))

_DOW_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _check_byte(name: str, value: int | None, *, maximum: int = 0xFE) -> None:
    if value is None:
        return
    if not isinstance(value, int):
        raise DateTimeError(f"{name} must be an int or None, not {type(value).__name__}")
    if not 0 <= value <= maximum:
        raise DateTimeError(f"{name} {value} does not fit its octet (0..{maximum}; None = 0xFF)")


def _opt(raw: int, not_specified: int = _NOT_SPECIFIED) -> int | None:
    return None if raw == not_specified else raw


def _raw(value: int | None, not_specified: int = _NOT_SPECIFIED) -> int:
    return not_specified if value is None else value


def _fmt(value: int | None, width: int) -> str:
    return "*" * width if value is None else f"{value:0{width}d}"


def _date_problems(
    year: int | None, month: int | None, day: int | None, dow: int | None, weekday: bool = True
) -> list[str]:
    out: list[str] = []
    if month is not None and not (1 <= month <= 12 or month in (MONTH_DST_END, MONTH_DST_BEGIN)):
        out.append(f"month {month} is not 1..12, 0xFD, 0xFE or 0xFF")
    if day is not None and not (1 <= day <= 31 or day in (DAY_SECOND_LAST, DAY_LAST)):
        out.append(f"day {day} is not 1..31, 0xFD, 0xFE or 0xFF")
    if dow is not None and not 1 <= dow <= 7:
        out.append(f"day of week {dow} is not 1..7 or 0xFF")
    if (
        not out
        and year is not None
        and month is not None
        and 1 <= month <= 12
        and day is not None
        and 1 <= day <= 31
    ):
        try:
            real = _dt.date(year, month, day)
        except ValueError:
            out.append(f"{year:04d}-{month:02d}-{day:02d} is not a date")
        else:
            if weekday and dow is not None and real.isoweekday() != dow:
                out.append(f"day of week {dow} is not that of {real.isoformat()}")
    return out


def _time_problems(
    hour: int | None, minute: int | None, second: int | None, hundredths: int | None
) -> list[str]:
    out: list[str] = []
    for name, value, top in (
        ("hour", hour, 23),
        ("minute", minute, 59),
        ("second", second, 59),
        ("hundredths", hundredths, 99),
    ):
        if value is not None and value > top:
            out.append(f"{name} {value} is not 0..{top} or 0xFF")
    return out


def _date_str(year: int | None, month: int | None, day: int | None) -> str:
    m = {MONTH_DST_END: "DE", MONTH_DST_BEGIN: "DB"}.get(month or 0) or _fmt(month, 2)
    d = {DAY_SECOND_LAST: "L2", DAY_LAST: "LD"}.get(day or 0) or _fmt(day, 2)
    return f"{_fmt(year, 4)}-{m}-{d}"


def _time_str(
    hour: int | None, minute: int | None, second: int | None, hundredths: int | None
) -> str:
    return f"{_fmt(hour, 2)}:{_fmt(minute, 2)}:{_fmt(second, 2)}.{_fmt(hundredths, 2)}"


def _json_fields(obj: Any, names: tuple[str, ...]) -> dict[str, int | None]:
    return {name: (None if (v := getattr(obj, name)) is None else int(v)) for name in names}


def _from_json_fields(
    cls_name: str, value: object, names: tuple[str, ...]
) -> dict[str, int | None]:
    if not isinstance(value, dict):
        raise DateTimeError(f"{cls_name} JSON must be an object of fields or a string")
    unknown = set(value) - set(names)
    if unknown:
        raise DateTimeError(f"{cls_name} JSON has unknown fields {sorted(unknown)}")
    out: dict[str, int | None] = {}
    for name in names:
        v = value.get(name)
        if v is not None and (type(v) is not int):
            raise DateTimeError(f"{cls_name} field {name!r} must be an integer or null")
        out[name] = v
    return out


@dataclass(frozen=True, slots=True)
class Date:
    """COSEM date: octet-string(5) ``year(2) month day day-of-week``."""

    year: int | None = None
    month: int | None = None
    day: int | None = None
    day_of_week: int | None = None

    SIZE: ClassVar[int] = 5
    _FIELDS: ClassVar[tuple[str, ...]] = ("year", "month", "day", "day_of_week")

    def __post_init__(self) -> None:
        _check_byte("year", self.year, maximum=0xFFFE)
        _check_byte("month", self.month)
        _check_byte("day", self.day)
        _check_byte("day_of_week", self.day_of_week)

    @classmethod
    def from_bytes(cls, data: bytes) -> Date:
        if len(data) != 5:
            raise DateTimeError(f"a COSEM date is 5 octets, not {len(data)}")
        make = _make_date if cls is Date else cls
        return make(
            _opt((data[0] << 8) | data[1], _YEAR_NOT_SPECIFIED),
            _opt(data[2]),
            _opt(data[3]),
            _opt(data[4]),
        )

    def to_bytes(self) -> bytes:
        year = _raw(self.year, _YEAR_NOT_SPECIFIED)
        return bytes(
            (year >> 8, year & 0xFF, _raw(self.month), _raw(self.day), _raw(self.day_of_week))
        )

    @classmethod
    def from_date(cls, value: _dt.date, *, day_of_week: bool = True) -> Date:
        return cls(value.year, value.month, value.day, value.isoweekday() if day_of_week else None)

    def problems(self) -> list[str]:
        """What makes these fields no valid COSEM date (empty when they are fine)."""
        return _date_problems(self.year, self.month, self.day, self.day_of_week)

    def to_date(self) -> _dt.date:
        """The calendar date; every field but the day of week must be specified."""
        if self.year is None or self.month is None or self.day is None:
            raise DateTimeError(f"date {self} is not fully specified")
        if problems := _date_problems(self.year, self.month, self.day, None):
            raise DateTimeError(f"date {self}: {'; '.join(problems)}")
        if not 1 <= self.month <= 12 or not 1 <= self.day <= 31:
            raise DateTimeError(f"date {self} is a recurring pattern, not one day")
        return _dt.date(self.year, self.month, self.day)

    def to_json(self) -> dict[str, int | None]:
        return _json_fields(self, self._FIELDS)

    @classmethod
    def from_json(cls, value: object) -> Date:
        if isinstance(value, str):
            try:
                return cls.from_date(_dt.date.fromisoformat(value))
            except ValueError as exc:
                raise DateTimeError(f"not an ISO date: {value!r}") from exc
        return cls(**_from_json_fields("date", value, cls._FIELDS))

    def __str__(self) -> str:
        text = _date_str(self.year, self.month, self.day)
        if self.day_of_week is not None:
            dow = self.day_of_week
            text += f" {_DOW_NAMES[dow - 1]}" if 1 <= dow <= 7 else f" dow={dow}"
        return text


@dataclass(frozen=True, slots=True)
class Time:
    """COSEM time: octet-string(4) ``hour minute second hundredths``."""

    hour: int | None = None
    minute: int | None = None
    second: int | None = None
    hundredths: int | None = None

    SIZE: ClassVar[int] = 4
    _FIELDS: ClassVar[tuple[str, ...]] = ("hour", "minute", "second", "hundredths")

    def __post_init__(self) -> None:
        _check_byte("hour", self.hour)
        _check_byte("minute", self.minute)
        _check_byte("second", self.second)
        _check_byte("hundredths", self.hundredths)

    @classmethod
    def from_bytes(cls, data: bytes) -> Time:
        if len(data) != 4:
            raise DateTimeError(f"a COSEM time is 4 octets, not {len(data)}")
        make = _make_time if cls is Time else cls
        return make(_opt(data[0]), _opt(data[1]), _opt(data[2]), _opt(data[3]))

    def to_bytes(self) -> bytes:
        return bytes((_raw(self.hour), _raw(self.minute), _raw(self.second), _raw(self.hundredths)))

    @classmethod
    def from_time(cls, value: _dt.time) -> Time:
        """Microseconds are truncated to hundredths of a second."""
        return cls(value.hour, value.minute, value.second, value.microsecond // 10_000)

    def problems(self) -> list[str]:
        return _time_problems(self.hour, self.minute, self.second, self.hundredths)

    def to_time(self) -> _dt.time:
        """The time of day; hour, minute and second must be specified (hundredths may not)."""
        if self.hour is None or self.minute is None or self.second is None:
            raise DateTimeError(f"time {self} is not fully specified")
        if problems := self.problems():
            raise DateTimeError(f"time {self}: {'; '.join(problems)}")
        return _dt.time(self.hour, self.minute, self.second, (self.hundredths or 0) * 10_000)

    def to_json(self) -> dict[str, int | None]:
        return _json_fields(self, self._FIELDS)

    @classmethod
    def from_json(cls, value: object) -> Time:
        if isinstance(value, str):
            try:
                return cls.from_time(_dt.time.fromisoformat(value))
            except ValueError as exc:
                raise DateTimeError(f"not an ISO time: {value!r}") from exc
        return cls(**_from_json_fields("time", value, cls._FIELDS))

    def __str__(self) -> str:
        return _time_str(self.hour, self.minute, self.second, self.hundredths)


@dataclass(frozen=True, slots=True)
class DateTime:
    """COSEM date-time: octet-string(12).

    ``year(2) month day day-of-week hour minute second hundredths deviation(2) clock-status``
    """

    year: int | None = None
    month: int | None = None
    day: int | None = None
    day_of_week: int | None = None
    hour: int | None = None
    minute: int | None = None
    second: int | None = None
    hundredths: int | None = None
    deviation: int | None = None
    clock_status: ClockStatus | None = None

    SIZE: ClassVar[int] = 12
    _FIELDS: ClassVar[tuple[str, ...]] = (
        "year",
        "month",
        "day",
        "day_of_week",
        "hour",
        "minute",
        "second",
        "hundredths",
        "deviation",
        "clock_status",
    )

    def __post_init__(self) -> None:
        _check_byte("year", self.year, maximum=0xFFFE)
        _check_byte("month", self.month)
        _check_byte("day", self.day)
        _check_byte("day_of_week", self.day_of_week)
        _check_byte("hour", self.hour)
        _check_byte("minute", self.minute)
        _check_byte("second", self.second)
        _check_byte("hundredths", self.hundredths)
        dev = self.deviation
        if dev is not None and (not isinstance(dev, int) or not -0x7FFF <= dev <= 0x7FFF):
            raise DateTimeError(
                f"deviation {dev!r} does not fit a long (-32767..32767; None = 0x8000)"
            )
        status = self.clock_status
        if status is not None and status.__class__ is not ClockStatus:
            _check_byte("clock_status", status)
            object.__setattr__(self, "clock_status", _STATUS[status])
        elif status is not None and status > 0xFE:
            raise DateTimeError("clock_status 0xFF means 'not specified': use None")

    # -- bytes ---------------------------------------------------------------------------

    @classmethod
    def from_bytes(cls, data: bytes) -> DateTime:
        """Decode the 12 octets; any 12 octets give a value (see :meth:`problems`)."""
        if len(data) != 12:
            raise DateTimeError(f"a COSEM date-time is 12 octets, not {len(data)}")
        deviation = (data[9] << 8) | data[10]
        if deviation >= 0x8000:
            deviation -= 0x10000
        status = data[11]
        year = (data[0] << 8) | data[1]
        m, d, w, h, mi, se, hu = data[2:9]
        make = _make_date_time if cls is DateTime else cls
        return make(
            None if year == 0xFFFF else year,
            None if m == 0xFF else m,
            None if d == 0xFF else d,
            None if w == 0xFF else w,
            None if h == 0xFF else h,
            None if mi == 0xFF else mi,
            None if se == 0xFF else se,
            None if hu == 0xFF else hu,
            None if deviation == _DEVIATION_NOT_SPECIFIED else deviation,
            None if status == 0xFF else _STATUS[status],
        )

    @classmethod
    def many_from_bytes(cls, octets: Sequence[bytes]) -> list[DateTime]:
        """``[DateTime.from_bytes(o) for o in octets]``, made column by column (the clock
        column of a load profile: thousands of date-times at once)."""
        if cls is not DateTime or set(map(len, octets)) - {12}:
            return list(map(cls.from_bytes, octets))
        if not octets:
            return []
        fields = list(zip(*_DATE_TIME_OCTETS.iter_unpack(b"".join(octets)), strict=True))
        for index, absent in enumerate(_ABSENT):
            column = fields[index]
            if absent in column:
                fields[index] = tuple([None if v == absent else v for v in column])
        fields[9] = tuple(map(_STATUS_OR_NONE.__getitem__, fields[9]))
        return list(map(_make_date_time, *fields))

    def to_bytes(self) -> bytes:
        year = _raw(self.year, _YEAR_NOT_SPECIFIED)
        dev = _raw(self.deviation, _DEVIATION_NOT_SPECIFIED) & 0xFFFF
        return bytes(
            (
                year >> 8,
                year & 0xFF,
                _raw(self.month),
                _raw(self.day),
                _raw(self.day_of_week),
                _raw(self.hour),
                _raw(self.minute),
                _raw(self.second),
                _raw(self.hundredths),
                dev >> 8,
                dev & 0xFF,
                _raw(self.clock_status),
            )
        )

    # -- Python datetime -------------------------------------------------------------------

    @classmethod
    def from_datetime(
        cls,
        value: _dt.datetime,
        *,
        clock_status: ClockStatus | int | None = 0,
        day_of_week: bool = True,
    ) -> DateTime:
        """From a Python datetime; an aware one sets the deviation, a naive one leaves it
        unspecified. Microseconds are truncated to hundredths of a second."""
        offset = value.utcoffset()
        deviation = None
        if offset is not None:
            seconds = offset.total_seconds()
            if seconds % 60:
                raise DateTimeError(f"UTC offset {offset} is not a whole number of minutes")
            deviation = -int(seconds // 60)
        return cls(
            value.year,
            value.month,
            value.day,
            value.isoweekday() if day_of_week else None,
            value.hour,
            value.minute,
            value.second,
            value.microsecond // 10_000,
            deviation,
            clock_status,  # type: ignore[arg-type]  # normalised in __post_init__
        )

    def problems(self, *, weekday: bool = True) -> list[str]:
        """What makes these fields no valid COSEM date-time (empty when they are fine).

        ``weekday=False`` leaves out a day of week that disagrees with the date (real meters
        send such values; the instant is still clear)."""
        out = _date_problems(self.year, self.month, self.day, self.day_of_week, weekday)
        out += _time_problems(self.hour, self.minute, self.second, self.hundredths)
        if self.deviation is not None and not -840 <= self.deviation <= 840:
            out.append(f"deviation {self.deviation} min is more than 14 hours")
        return out

    @property
    def is_fully_specified(self) -> bool:
        """True when the value names one instant (up to the deviation): year, month, day,
        hour, minute and second given and valid, and a deviation, if any, of less than a day
        (historical local mean times reach beyond the 14 hours of today's zones). The day of
        week does not matter."""
        return (
            None not in (self.year, self.month, self.day, self.hour, self.minute, self.second)
            and 1 <= (self.month or 0) <= 12
            and 1 <= (self.day or 0) <= 31
            and not _date_problems(self.year, self.month, self.day, None)
            and not _time_problems(self.hour, self.minute, self.second, self.hundredths)
            and (self.deviation is None or -1440 < self.deviation < 1440)
        )

    @property
    def utcoffset(self) -> _dt.timedelta | None:
        """The offset from UTC (``-deviation`` minutes), or None if not specified."""
        return None if self.deviation is None else _dt.timedelta(minutes=-self.deviation)

    def to_datetime(self) -> _dt.datetime:
        """The instant: aware when the deviation is specified, naive (local) when not.

        Year, month, day, hour, minute and second must be specified; unspecified hundredths
        count as 0. The day of week (even a wrong one) and the clock status are not part of
        the result.
        """
        if not self.is_fully_specified:
            problems = self.problems(weekday=False) or ["not fully specified"]
            if self.deviation is not None and abs(self.deviation) >= 1440:
                problems.append(f"deviation {self.deviation} min is a day or more")
            raise DateTimeError(f"date-time {self} is no single instant: {'; '.join(problems)}")
        offset = self.utcoffset
        tz = None if offset is None else _dt.timezone(offset)
        return _dt.datetime(
            self.year,  # type: ignore[arg-type]  # checked by is_fully_specified
            self.month,  # type: ignore[arg-type]
            self.day,  # type: ignore[arg-type]
            self.hour,  # type: ignore[arg-type]
            self.minute,  # type: ignore[arg-type]
            self.second,  # type: ignore[arg-type]
            (self.hundredths or 0) * 10_000,
            tzinfo=tz,
        )

    # -- typed JSON ------------------------------------------------------------------------

    def to_json(self) -> dict[str, int | None]:
        return _json_fields(self, self._FIELDS)

    @classmethod
    def from_json(cls, value: object) -> DateTime:
        """From the JSON object of fields (missing = not specified) or an ISO 8601 string."""
        if isinstance(value, str):
            try:
                parsed = _dt.datetime.fromisoformat(value)
            except ValueError as exc:
                raise DateTimeError(f"not an ISO date-time: {value!r}") from exc
            return cls.from_datetime(parsed)
        fields = _from_json_fields("date-time", value, cls._FIELDS)
        return cls(**fields)  # type: ignore[arg-type]

    def replace(self, **changes: Any) -> DateTime:
        values = {name: getattr(self, name) for name in self._FIELDS}
        values.update(changes)
        return DateTime(**values)

    def __str__(self) -> str:
        text = (
            f"{_date_str(self.year, self.month, self.day)} "
            f"{_time_str(self.hour, self.minute, self.second, self.hundredths)}"
        )
        if self.deviation is not None:
            minutes = -self.deviation
            sign = "+" if minutes >= 0 else "-"
            text += f" UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
        if self.day_of_week is not None:
            dow = self.day_of_week
            text += f" {_DOW_NAMES[dow - 1]}" if 1 <= dow <= 7 else f" dow={dow}"
        if self.clock_status:
            text += f" status=0x{int(self.clock_status):02x}"
        return text


# Values decoded from octets are in range by construction: build them without the checks of
# __post_init__ (a load profile makes one date-time per row).
_make_date = unchecked_constructor(Date, Date._FIELDS)
_make_time = unchecked_constructor(Time, Time._FIELDS)
_make_date_time = unchecked_constructor(DateTime, DateTime._FIELDS)
# year, month .. hundredths, deviation (signed), clock status
_DATE_TIME_OCTETS = struct.Struct(">H7BhB")
# the value that means "not specified" in each of the first nine fields
_ABSENT = (_YEAR_NOT_SPECIFIED, *([0xFF] * 7), _DEVIATION_NOT_SPECIFIED)
_STATUS_OR_NONE = (*_STATUS, None)
