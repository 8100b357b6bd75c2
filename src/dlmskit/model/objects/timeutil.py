"""Recurring dates and times of the Blue Book (wildcards, last day of month, day of week).

A COSEM date with unspecified fields is a pattern: ``year=None, month=3, day=DAY_LAST,
day_of_week=7`` is "the last Sunday of March, every year". These helpers resolve such
patterns to calendar days and find the next time a date/time pattern occurs.

Rules used (Blue Book 4.1.6.1, date and time formats): a day of month 0xFE is the last day,
0xFD the second last; with a day of week too, the day is that weekday on or before it
(last/second last) or on or after it (a day number); a day of week alone picks every such
weekday. Month 0xFD/0xFE (daylight savings end/begin) match the clock's DST months, which
these helpers do not know, so they never match here.
"""

from __future__ import annotations

import calendar
import datetime as _dt
from collections.abc import Iterator

from dlmskit.cosem import DAY_LAST, DAY_SECOND_LAST, Date, DateTime, Time

__all__ = [
    "date_matches",
    "next_occurrence",
    "occurrences_between",
    "resolve_day",
    "times_of_day",
]

#: How far ahead a pattern is searched before it is taken as never occurring again.
SEARCH_DAYS = 4 * 366 + 1


def resolve_day(year: int, month: int, day: int | None, day_of_week: int | None) -> _dt.date | None:
    """The day a (year, month, day, day-of-week) pattern names in one month, or None."""
    if not 1 <= month <= 12 or not 1 <= year <= 9999:
        return None
    last = calendar.monthrange(year, month)[1]
    if day in (DAY_LAST, DAY_SECOND_LAST):
        anchor = last if day == DAY_LAST else last - 1
        if day_of_week is None:
            return _dt.date(year, month, anchor)
        if not 1 <= day_of_week <= 7:
            return None
        candidate = _dt.date(year, month, anchor)
        while candidate.isoweekday() != day_of_week:
            candidate -= _dt.timedelta(days=1)
        return candidate
    if day is None:
        if day_of_week is None or not 1 <= day_of_week <= 7:
            return None
        candidate = _dt.date(year, month, 1)
        while candidate.isoweekday() != day_of_week:
            candidate += _dt.timedelta(days=1)
        return candidate
    if not 1 <= day <= last:
        return None
    candidate = _dt.date(year, month, day)
    if day_of_week is None:
        return candidate
    if not 1 <= day_of_week <= 7:
        return None
    while candidate.isoweekday() != day_of_week:
        candidate += _dt.timedelta(days=1)
    return candidate if candidate.month == month else None


def date_matches(pattern: Date | DateTime, day: _dt.date) -> bool:
    """Whether a date pattern (wildcards allowed) includes ``day``."""
    if pattern.year is not None and pattern.year != day.year:
        return False
    if pattern.month is not None and pattern.month != day.month:
        return False
    if pattern.day in (DAY_LAST, DAY_SECOND_LAST):
        return resolve_day(day.year, day.month, pattern.day, pattern.day_of_week) == day
    if pattern.day is not None and pattern.day != day.day:
        return False
    return pattern.day_of_week is None or pattern.day_of_week == day.isoweekday()


def times_of_day(pattern: Time | DateTime) -> list[_dt.time]:
    """The times of day a time pattern names: an unspecified hour is every hour; unspecified
    minutes, seconds and hundredths count as 0."""
    hours = range(24) if pattern.hour is None else [pattern.hour]
    minute = pattern.minute or 0
    second = pattern.second or 0
    hundredths = pattern.hundredths or 0
    if any(h > 23 for h in hours) or minute > 59 or second > 59 or hundredths > 99:
        return []
    return [_dt.time(h, minute, second, hundredths * 10_000) for h in hours]


def _occurrences(
    time_pattern: Time | DateTime, date_pattern: Date | DateTime, start: _dt.date, days: int
) -> Iterator[_dt.datetime]:
    times = times_of_day(time_pattern)
    if not times:
        return
    for offset in range(days):
        day = start + _dt.timedelta(days=offset)
        if date_matches(date_pattern, day):
            for t in times:
                yield _dt.datetime.combine(day, t)


def next_occurrence(
    time_pattern: Time | DateTime,
    date_pattern: Date | DateTime,
    after: _dt.datetime,
    *,
    search_days: int = SEARCH_DAYS,
) -> _dt.datetime | None:
    """The first local (naive) date-time strictly after ``after`` that both patterns name."""
    naive = after.replace(tzinfo=None)
    for candidate in _occurrences(time_pattern, date_pattern, naive.date(), search_days):
        if candidate > naive:
            return candidate
    return None


def occurrences_between(
    time_pattern: Time | DateTime,
    date_pattern: Date | DateTime,
    after: _dt.datetime,
    until: _dt.datetime,
    *,
    limit: int = 10_000,
) -> list[_dt.datetime]:
    """Local (naive) date-times in ``(after, until]`` that both patterns name (at most
    ``limit``, the latest ones kept)."""
    naive_after = after.replace(tzinfo=None)
    naive_until = until.replace(tzinfo=None)
    if naive_until <= naive_after:
        return []
    days = (naive_until.date() - naive_after.date()).days + 1
    found = [
        c
        for c in _occurrences(time_pattern, date_pattern, naive_after.date(), days)
        if naive_after < c <= naive_until
    ]
    return found[-limit:]
