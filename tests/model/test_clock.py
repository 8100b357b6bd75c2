"""Clock: time zone, daylight saving rules and status, setting and the adjust methods."""

from __future__ import annotations

import datetime as dt

import pytest

from dlmskit import axdr
from dlmskit.axdr import Integer, Long
from dlmskit.cosem import DAY_LAST, ClockStatus, DateTime
from dlmskit.model import ActionResult, DataAccessResult
from dlmskit.model.objects import Clock, CosemObjects

UTC = dt.UTC
LN = "0-0:1.0.0"


def eu() -> tuple[CosemObjects, Clock]:
    clock = Clock(
        time_zone=Long(-60),
        daylight_savings_begin=DateTime(None, 3, DAY_LAST, 7, 2, 0, 0, 0, None, None),
        daylight_savings_end=DateTime(None, 10, DAY_LAST, 7, 3, 0, 0, 0, None, None),
        daylight_savings_deviation=Integer(60),
        daylight_savings_enabled=True,
    )
    return CosemObjects([clock]), clock


def shown(objects: CosemObjects, now: dt.datetime) -> DateTime:
    return DateTime.from_bytes(objects.get(8, LN, 2, now=now).value)


@pytest.mark.parametrize(
    ("utc", "local", "deviation", "dst"),
    [
        ("2024-01-15T12:00:00", "2024-01-15T13:00:00", -60, False),
        ("2024-07-15T12:00:00", "2024-07-15T14:00:00", -120, True),
        ("2024-03-31T00:59:59", "2024-03-31T01:59:59", -60, False),  # last second of winter
        ("2024-03-31T01:00:00", "2024-03-31T03:00:00", -120, True),  # 02:00 CET -> 03:00 CEST
        ("2024-10-27T00:59:59", "2024-10-27T02:59:59", -120, True),
        ("2024-10-27T01:00:00", "2024-10-27T02:00:00", -60, False),  # 03:00 CEST -> 02:00 CET
    ],
)
def test_time_zone_and_daylight_saving(utc: str, local: str, deviation: int, dst: bool) -> None:
    objects, _clock = eu()
    now = dt.datetime.fromisoformat(utc).replace(tzinfo=UTC)
    value = shown(objects, now)
    assert value.to_datetime().replace(tzinfo=None).isoformat() == local
    assert value.deviation == deviation
    assert value.day_of_week == value.to_datetime().isoweekday()
    assert bool(value.clock_status & ClockStatus.DAYLIGHT_SAVING_ACTIVE) is dst
    status = objects.get(8, LN, 4, now=now).value
    assert bool(status & 0x80) is dst


def test_disabled_daylight_saving_and_southern_rules() -> None:
    objects, _clock = eu()
    now = dt.datetime(2024, 7, 1, tzinfo=UTC)
    assert objects.set(8, LN, 8, False, now=now) is DataAccessResult.SUCCESS
    assert shown(objects, now).deviation == -60
    # Sydney-like: +10:00, DST from first Sunday of October to first Sunday of April
    south = Clock(
        time_zone=Long(-600),
        daylight_savings_begin=DateTime(None, 10, None, 7, 2, 0, 0, 0, None, None),
        daylight_savings_end=DateTime(None, 4, None, 7, 3, 0, 0, 0, None, None),
        daylight_savings_deviation=Integer(60),
        daylight_savings_enabled=True,
    )
    assert south.local_time(dt.datetime(2024, 1, 10, tzinfo=UTC)).utcoffset() == dt.timedelta(
        hours=11
    )
    assert south.local_time(dt.datetime(2024, 7, 10, tzinfo=UTC)).utcoffset() == dt.timedelta(
        hours=10
    )


def test_setting_the_time_with_and_without_deviation() -> None:
    objects, clock = eu()
    now = dt.datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
    aware = DateTime(2024, 6, 1, None, 10, 30, 0, 0, 0, None).to_bytes()  # 10:30 UTC
    assert objects.set(8, LN, 2, aware, now=now) is DataAccessResult.SUCCESS
    assert shown(objects, now).to_datetime() == dt.datetime(2024, 6, 1, 10, 30, tzinfo=UTC)
    later = now + dt.timedelta(minutes=5)
    assert shown(objects, later).to_datetime() == dt.datetime(2024, 6, 1, 10, 35, tzinfo=UTC)
    local = DateTime(2024, 6, 1, None, 14, 0, 0, 0, None, None).to_bytes()  # local wall time
    assert objects.set(8, LN, 2, local, now=now) is DataAccessResult.SUCCESS
    assert clock.meter_utc(now) == dt.datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
    incomplete = DateTime(None, 6, 1, None, 14, 0, 0, 0, None, None).to_bytes()
    assert objects.set(8, LN, 2, incomplete, now=now) is DataAccessResult.OTHER_REASON
    assert objects.set(8, LN, 2, bytes(11), now=now) is DataAccessResult.TYPE_UNMATCHED
    assert objects.set(8, LN, 3, Long(900), now=now) is DataAccessResult.OTHER_REASON


@pytest.mark.parametrize(
    ("method", "before", "after"),
    [
        (1, "12:07:29", "12:00:00"),  # adjust_to_quarter
        (1, "12:07:31", "12:15:00"),
        (1, "23:53:00", "00:00:00"),
        (2, "12:02:00", "12:00:00"),  # adjust_to_measuring_period (5 minutes here)
        (2, "12:03:00", "12:05:00"),
        (3, "12:07:29", "12:07:00"),  # adjust_to_minute
        (3, "12:07:30", "12:08:00"),
    ],
)
def test_adjust_methods(method: int, before: str, after: str) -> None:
    objects, clock = eu()
    clock.measuring_period = 300
    now = dt.datetime(2024, 6, 1, 0, 0, tzinfo=UTC)
    hour, minute, second = (int(x) for x in before.split(":"))
    clock.set_time(
        now, dt.datetime(2024, 6, 1, hour, minute, second, tzinfo=UTC) - dt.timedelta(hours=2)
    )
    assert objects.action(8, LN, method, Integer(0), now=now).ok
    assert shown(objects, now).to_datetime().time().isoformat() == after


def test_shift_time_and_preset() -> None:
    objects, clock = eu()
    now = dt.datetime(2024, 6, 1, 10, 0, tzinfo=UTC)
    assert objects.action(8, LN, 6, Long(-30), now=now).ok
    assert clock.meter_utc(now) == now - dt.timedelta(seconds=30)
    assert objects.action(8, LN, 6, Long(901), now=now).result is ActionResult.OTHER_REASON
    assert (
        objects.action(8, LN, 4, Integer(0), now=now).result is ActionResult.OTHER_REASON
    )  # no preset
    preset = (
        DateTime(2024, 6, 1, None, 12, 30, 0, 0, -120, None).to_bytes(),
        DateTime(2024, 6, 1, None, 11, 0, 0, 0, -120, None).to_bytes(),
        DateTime(2024, 6, 1, None, 13, 0, 0, 0, -120, None).to_bytes(),
    )
    assert objects.action(8, LN, 5, preset, now=now).ok
    assert (
        objects.action(8, LN, 4, Integer(0), now=now - dt.timedelta(hours=2)).result
        is ActionResult.OTHER_REASON
    )
    assert objects.action(8, LN, 4, Integer(0), now=now).ok
    assert clock.meter_utc(now) == dt.datetime(2024, 6, 1, 10, 30, tzinfo=UTC)
    backwards = (preset[0], preset[2], preset[1])
    assert objects.action(8, LN, 5, backwards, now=now).result is ActionResult.OTHER_REASON


def test_invalid_status_flag_is_reported_until_the_clock_is_set() -> None:
    objects, clock = eu()
    clock.status_flags = ClockStatus.INVALID_VALUE
    now = dt.datetime(2024, 1, 1, tzinfo=UTC)
    assert shown(objects, now).clock_status == ClockStatus.INVALID_VALUE
    assert objects.action(8, LN, 6, Long(1), now=now).ok
    assert shown(objects, now).clock_status == ClockStatus(0)
    with pytest.raises(ValueError, match="aware"):
        objects.get(8, LN, 2, now=dt.datetime(2024, 1, 1)).value  # noqa: B018
    assert axdr.type_of(objects.get(8, LN, 4, now=now).value) is axdr.DataType.UNSIGNED
