"""Profile generic driven as a server drives it: timers, capture, buffer, selective access."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlmskit import axdr
from dlmskit.axdr import DoubleLongUnsigned, Enum, Integer, LongUnsigned
from dlmskit.cosem import DAY_LAST, DateTime, Obis, ScalerUnit, Unit
from dlmskit.model import DataAccessResult
from dlmskit.model.enums import SortMethod
from dlmskit.model.objects import Clock, CosemObjects, ProfileGeneric, Register
from dlmskit.model.schema import Quantity
from dlmskit.model.typed import objects_resolver, typed_rows

UTC = dt.UTC
NOW = dt.datetime(2024, 1, 4, tzinfo=UTC)
CLOCK = (LongUnsigned(8), bytes([0, 0, 1, 0, 0, 255]), Integer(2), LongUnsigned(0))
ENERGY = (LongUnsigned(3), bytes([1, 0, 1, 8, 0, 255]), Integer(2), LongUnsigned(0))
POWER = (LongUnsigned(3), bytes([1, 0, 1, 7, 0, 255]), Integer(2), LongUnsigned(0))


def eu_clock() -> Clock:
    """CET with EU daylight saving: last Sunday of March 02:00, last Sunday of October 03:00."""
    return Clock(
        time_zone=axdr.Long(-60),
        daylight_savings_begin=DateTime(None, 3, DAY_LAST, 7, 2, 0, 0, 0, None, None),
        daylight_savings_end=DateTime(None, 10, DAY_LAST, 7, 3, 0, 0, 0, None, None),
        daylight_savings_deviation=Integer(60),
        daylight_savings_enabled=True,
    )


def meter(profile_entries: int = 10_000) -> tuple[CosemObjects, Register, Register, ProfileGeneric]:
    energy = Register(
        "1-0:1.8.0", value=DoubleLongUnsigned(0), scaler_unit=ScalerUnit(0, Unit.WATT_HOUR)
    )
    power = Register("1-0:1.7.0", value=axdr.DoubleLong(0), scaler_unit=ScalerUnit(-1, Unit.WATT))
    profile = ProfileGeneric(
        "1-0:99.1.0",
        capture_objects=[CLOCK, ENERGY, POWER],
        capture_period=DoubleLongUnsigned(900),
        profile_entries=DoubleLongUnsigned(profile_entries),
    )
    return CosemObjects([eu_clock(), energy, power, profile]), energy, power, profile


def run_until(objects: CosemObjects, start: dt.datetime, end: dt.datetime, step: Any = None) -> int:
    """Drive the registry by its timers from start to end; return the number of timers."""
    now = start
    fired = 0
    objects.handle_timer(now)
    while True:
        timer = objects.get_timer(now)
        if timer is None or timer > end:
            return fired
        assert timer > now, "a timer never goes back"
        now = timer
        if step is not None:
            step(now)
        objects.handle_timer(now)
        fired += 1


def test_fifteen_minute_profile_over_two_days_read_by_range_with_two_columns() -> None:
    objects, energy, power, profile = meter()
    start = dt.datetime(2024, 3, 30, 0, 0, 0, tzinfo=UTC)  # DST begins on the 31st
    end = start + dt.timedelta(days=2)

    def feed(now: dt.datetime) -> None:
        energy.store("value", DoubleLongUnsigned(int(energy.value("value")) + 250))
        power.store("value", axdr.DoubleLong(10_000 + now.hour))

    run_until(objects, start, end, feed)
    rows = profile.rows
    assert len(rows) == 2 * 24 * 4 == 192
    assert objects.get(7, "1-0:99.1.0", 7, now=end).value == DoubleLongUnsigned(192)
    first_time = DateTime.from_bytes(rows[0][0])
    assert first_time.to_datetime() == dt.datetime(2024, 3, 30, 0, 15, tzinfo=UTC)
    assert str(first_time).startswith("2024-03-30 01:15:00.00 UTC+01:00")
    # the captures went on every 15 minutes through the switch to daylight saving
    instants = [DateTime.from_bytes(r[0]).to_datetime() for r in rows]
    assert all(b - a == dt.timedelta(minutes=15) for a, b in itertools.pairwise(instants))
    assert DateTime.from_bytes(rows[-1][0]).deviation == -120

    # local time without deviation (as clients send it): 31 March 10:00 to 11:00 CEST
    selector = (
        CLOCK,
        DateTime(2024, 3, 31, None, 10, 0, 0, 0, None, None).to_bytes(),
        DateTime(2024, 3, 31, None, 11, 0, 0, 0, None, None).to_bytes(),
        [CLOCK, ENERGY],
    )
    result = objects.get(7, "1-0:99.1.0", 2, now=end, selector=1, parameters=selector)
    assert result.ok
    assert [len(r) for r in result.value] == [2] * 5
    times = [DateTime.from_bytes(r[0]) for r in result.value]
    assert [(t.hour, t.minute) for t in times] == [(10, 0), (10, 15), (10, 30), (10, 45), (11, 0)]
    assert all(t.deviation == -120 for t in times)
    # energy grew by 250 per capture: row n (1-based) holds 250 * n
    index = instants.index(dt.datetime(2024, 3, 31, 8, 0, tzinfo=UTC))
    assert [r[1] for r in result.value] == [250 * (index + 1 + i) for i in range(5)]

    # the same range with deviation given, and typed by the registry's objects
    with_deviation = (
        CLOCK,
        DateTime(2024, 3, 31, None, 8, 0, 0, 0, 0, None).to_bytes(),
        DateTime(2024, 3, 31, None, 9, 0, 0, 0, 0, None).to_bytes(),
        [CLOCK, POWER],
    )
    again = profile.read_by_range(with_deviation, end)
    assert [r[0] for r in again] == [r[0] for r in result.value]
    typed = typed_rows(again, [CLOCK, POWER], objects_resolver(objects))
    assert isinstance(typed[0][0], DateTime)
    assert typed[0][1] == Quantity(axdr_decimal("1000.8"), Unit.WATT, -1, axdr.DoubleLong(10_008))


def _stamps(deviations: st.SearchStrategy[Any]) -> st.SearchStrategy[bytes]:
    return st.builds(
        lambda moment, deviation: (
            DateTime.from_datetime(moment).to_bytes()[:9]
            + (b"\x80\x00" if deviation is None else deviation.to_bytes(2, "big", signed=True))
            + b"\x00"
        ),
        st.datetimes(dt.datetime(2024, 1, 1), dt.datetime(2024, 1, 3), timezones=st.just(UTC)),
        deviations,
    )


_STAMP = _stamps(st.one_of(st.none(), st.integers(-720, 720)))
_GIVEN_STAMP = _stamps(st.integers(-720, 720))


@settings(max_examples=80)
@given(
    st.one_of(
        st.lists(_GIVEN_STAMP, max_size=40),  # all with deviations: the column-at-once path
        st.lists(st.one_of(_STAMP, st.none()), max_size=40),
    ),
    _STAMP,
    _STAMP,
    st.booleans(),
)
def test_range_read_equals_the_keys_row_by_row(
    stamps: list[Any], low: bytes, high: bytes, two_columns: bool
) -> None:
    """Whatever the clock column holds -- date-times with or without deviation, null-data
    where a capture failed -- a range read gives the rows whose key lies in the range, as
    _range_key orders them one by one (the column-at-once path must agree)."""
    _, _, _, profile = meter()
    rows = [(stamp, DoubleLongUnsigned(i), axdr.DoubleLong(-i)) for i, stamp in enumerate(stamps)]
    profile._rows[:] = rows
    selected = [CLOCK, ENERGY] if two_columns else []
    got = profile.read_by_range((CLOCK, low, high, selected), NOW)
    low_key, high_key = profile._range_key(low), profile._range_key(high)
    expected = []
    for row in rows:
        key = profile._range_key(row[0])
        if low_key and high_key and key and key[0] == low_key[0] and low_key <= key <= high_key:
            expected.append(row[:2] if two_columns else row)
    assert got == expected


def axdr_decimal(text: str) -> Any:
    from decimal import Decimal

    return Decimal(text)


def test_range_on_a_register_column_and_by_entry() -> None:
    objects, energy, _power, profile = meter()
    now = dt.datetime(2024, 6, 1, tzinfo=UTC)
    for i in range(10):
        energy.store("value", DoubleLongUnsigned(i * 100))
        assert objects.action(7, "1-0:99.1.0", 2, Integer(0), now=now + dt.timedelta(minutes=i)).ok
    by_value = (ENERGY, DoubleLongUnsigned(250), DoubleLongUnsigned(600), [ENERGY])
    assert profile.read_by_range(by_value, now) == [
        (DoubleLongUnsigned(v),) for v in (300, 400, 500, 600)
    ]
    entries = (DoubleLongUnsigned(3), DoubleLongUnsigned(5), LongUnsigned(2), LongUnsigned(2))
    result = objects.get(7, "1-0:99.1.0", 2, now=now, selector=2, parameters=entries)
    assert result.value == [
        (DoubleLongUnsigned(200),),
        (DoubleLongUnsigned(300),),
        (DoubleLongUnsigned(400),),
    ]
    to_end = (DoubleLongUnsigned(9), DoubleLongUnsigned(0), LongUnsigned(0), LongUnsigned(0))
    assert [len(r) for r in profile.read_by_entry(to_end)] == [3, 3]
    beyond = (DoubleLongUnsigned(20), DoubleLongUnsigned(30), LongUnsigned(1), LongUnsigned(0))
    assert profile.read_by_entry(beyond) == []


@pytest.mark.parametrize(
    ("parameters", "result"),
    [
        ((ENERGY, DoubleLongUnsigned(0), DoubleLongUnsigned(1)), DataAccessResult.TYPE_UNMATCHED),
        (axdr.Unsigned(1), DataAccessResult.TYPE_UNMATCHED),
        (
            ((LongUnsigned(3), bytes(6), Integer(2), LongUnsigned(0)), None, None, []),
            DataAccessResult.OTHER_REASON,
        ),
    ],
)
def test_bad_selective_access_is_refused(parameters: Any, result: DataAccessResult) -> None:
    objects, *_ = meter()
    now = dt.datetime(2024, 6, 1, tzinfo=UTC)
    assert (
        objects.get(7, "1-0:99.1.0", 2, now=now, selector=1, parameters=parameters).result is result
    )
    assert (
        objects.get(7, "1-0:99.1.0", 2, now=now, selector=9).result is DataAccessResult.OTHER_REASON
    )
    assert (
        objects.get(7, "1-0:99.1.0", 3, now=now, selector=1).result is DataAccessResult.OTHER_REASON
    )


def test_fifo_buffer_keeps_the_newest_profile_entries() -> None:
    objects, energy, _power, profile = meter(profile_entries=5)
    now = dt.datetime(2024, 6, 1, tzinfo=UTC)
    for i in range(8):
        energy.store("value", DoubleLongUnsigned(i))
        profile.capture(now)
    assert [r[1] for r in profile.rows] == [3, 4, 5, 6, 7]
    assert profile.value("entries_in_use") == 5
    assert (
        objects.set(7, "1-0:99.1.0", 8, DoubleLongUnsigned(2), now=now) is DataAccessResult.SUCCESS
    )
    assert [r[1] for r in profile.rows] == [6, 7]
    assert objects.action(7, "1-0:99.1.0", 1, Integer(0), now=now).ok
    assert profile.rows == [] and profile.value("entries_in_use") == 0


@pytest.mark.parametrize(
    ("method", "kept"),
    [
        (SortMethod.LIFO, [0, 1, 2, 7]),
        (SortMethod.LARGEST, [9, 8, 7, 6]),
        (SortMethod.SMALLEST, [-5, -3, 0, 1]),
        (SortMethod.NEAREST_TO_ZERO, [0, 1, 2, -3]),
        (SortMethod.FARTHEST_FROM_ZERO, [9, 8, 7, 6]),
    ],
)
def test_sort_methods_order_the_buffer_and_choose_what_gives_way(
    method: SortMethod, kept: list[int]
) -> None:
    objects, _energy, power, profile = meter(profile_entries=4)
    now = dt.datetime(2024, 6, 1, tzinfo=UTC)
    assert objects.set(7, "1-0:99.1.0", 6, POWER, now=now) is DataAccessResult.SUCCESS
    assert objects.set(7, "1-0:99.1.0", 5, Enum(method), now=now) is DataAccessResult.SUCCESS
    for value in (0, 1, 2, -3, 9, -5, 6, 8, 7):
        power.store("value", axdr.DoubleLong(value))
        profile.capture(now)
    assert [int(r[2]) for r in profile.rows] == kept


def test_sort_object_must_be_a_captured_column_and_capture_objects_reset_the_buffer() -> None:
    objects, _energy, _power, profile = meter()
    now = dt.datetime(2024, 6, 1, tzinfo=UTC)
    profile.capture(now)
    stranger = (LongUnsigned(3), bytes([1, 0, 2, 8, 0, 255]), Integer(2), LongUnsigned(0))
    assert objects.set(7, "1-0:99.1.0", 6, stranger, now=now) is DataAccessResult.OTHER_REASON
    assert objects.set(7, "1-0:99.1.0", 5, Enum(9), now=now) is DataAccessResult.OTHER_REASON
    assert objects.set(7, "1-0:99.1.0", 3, [CLOCK], now=now) is DataAccessResult.SUCCESS
    assert profile.rows == []
    profile.capture(now)
    assert len(profile.rows[0]) == 1


def test_a_column_that_cannot_be_read_is_null_data_and_whole_objects_are_structures() -> None:
    _objects, _energy, _power, profile = meter()
    now = dt.datetime(2024, 6, 1, tzinfo=UTC)
    missing = (LongUnsigned(3), bytes([1, 0, 99, 99, 0, 255]), Integer(2), LongUnsigned(0))
    whole = (LongUnsigned(3), bytes([1, 0, 1, 8, 0, 255]), Integer(0), LongUnsigned(0))
    scaler = (LongUnsigned(3), bytes([1, 0, 1, 8, 0, 255]), Integer(3), LongUnsigned(2))
    profile.set(3, [missing, whole, scaler], now=now)
    row = profile.capture(now)
    assert row[0] is None
    assert row[1] == (bytes([1, 0, 1, 8, 0, 255]), DoubleLongUnsigned(0), (Integer(0), Enum(30)))
    assert row[2] == Enum(30)  # data_index 2 of scaler_unit: the unit


def test_clock_set_forward_reschedules_the_captures() -> None:
    objects, _energy, _power, profile = meter()
    start = dt.datetime(2024, 6, 1, 0, 0, 5, tzinfo=UTC)
    assert objects.get_timer(start) == dt.datetime(2024, 6, 1, 0, 15, tzinfo=UTC)
    clock = objects.clock
    assert clock is not None
    jump = DateTime(2024, 6, 1, None, 12, 7, 0, 0, -120, None).to_bytes()
    assert objects.set(8, "0-0:1.0.0", 2, jump, now=start) is DataAccessResult.SUCCESS
    # the meter now shows 12:07 local (10:07 UTC): the next capture is at its 12:15
    assert objects.get_timer(start) == start + dt.timedelta(minutes=8)
    assert profile.rows == []


def test_obis_of_columns_and_the_object_list_view() -> None:
    _objects, _energy, _power, profile = meter()
    assert [Obis.from_bytes(c[1]).dotted for c in profile.columns] == [
        "0.0.1.0.0.255",
        "1.0.1.8.0.255",
        "1.0.1.7.0.255",
    ]
