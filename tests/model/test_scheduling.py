"""Script table, schedules, special days and the activity calendar, driven by timers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dlmskit import axdr
from dlmskit.axdr import BitString, Enum, Integer, LongUnsigned, Unsigned
from dlmskit.cosem import Date, DateTime, Time
from dlmskit.model import ActionResult, DataAccessResult
from dlmskit.model.enums import ScriptServiceId
from dlmskit.model.objects import (
    ActivityCalendar,
    CalendarActivated,
    Clock,
    CosemObjects,
    DataObject,
    Register,
    Schedule,
    ScriptTable,
    SingleActionSchedule,
    SpecialDaysTable,
)

UTC = dt.UTC
TARIFF = "0-0:96.14.0"
SCRIPTS = "0-0:10.0.100"


def tariff_script(identifier: int) -> tuple[Any, ...]:
    """Script ``identifier`` writes the tariff register (Data 0-0:96.14.0) = identifier."""
    action = (
        Enum(ScriptServiceId.WRITE_ATTRIBUTE),
        LongUnsigned(1),
        bytes([0, 0, 96, 14, 0, 255]),
        Integer(2),
        Unsigned(identifier),
    )
    return (LongUnsigned(identifier), [action])


def device(*extra: Any) -> CosemObjects:
    clock = Clock(time_zone=axdr.Long(-60))  # CET, no daylight saving here
    tariff = DataObject(TARIFF, value=Unsigned(0))
    scripts = ScriptTable(SCRIPTS, scripts=[tariff_script(i) for i in (1, 2, 3)])
    return CosemObjects([clock, tariff, scripts, *extra])


def tariff(objects: CosemObjects) -> int:
    return int(objects[TARIFF].value("value"))


def drive(objects: CosemObjects, start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    now, fired = start, []
    objects.handle_timer(now)
    for _ in range(10_000):
        timer = objects.get_timer(now)
        if timer is None or timer > end:
            break
        assert timer > now
        now = timer
        objects.handle_timer(now)
        fired.append(now)
    return fired


def week(name: bytes, day_id: int) -> tuple[Any, ...]:
    return (name, *(Unsigned(day_id) for _ in range(7)))


def day(day_id: int, *actions: tuple[int, int]) -> tuple[Any, ...]:
    return (
        Unsigned(day_id),
        [
            (Time(hour, 0, 0, 0).to_bytes(), bytes.fromhex(SCRIPTS_HEX), LongUnsigned(script))
            for hour, script in actions
        ],
    )


SCRIPTS_HEX = "00000a0064ff"


def test_script_execute_writes_and_calls_other_objects() -> None:
    register = Register("1-0:1.8.0", value=axdr.DoubleLongUnsigned(77))
    reset = (
        Enum(ScriptServiceId.EXECUTE_METHOD),
        LongUnsigned(3),
        bytes([1, 0, 1, 8, 0, 255]),
        Integer(1),
        Integer(0),
    )
    objects = device(register)
    objects[SCRIPTS].store("scripts", [tariff_script(2), (LongUnsigned(9), [reset])])
    now = dt.datetime(2024, 1, 1, tzinfo=UTC)
    assert objects.action(9, SCRIPTS, 1, LongUnsigned(2), now=now).ok
    assert tariff(objects) == 2
    assert objects.action(9, SCRIPTS, 1, LongUnsigned(9), now=now).ok
    assert register.value("value") == 0
    assert (
        objects.action(9, SCRIPTS, 1, LongUnsigned(5), now=now).result is ActionResult.OTHER_REASON
    )
    broken = (Enum(1), LongUnsigned(1), bytes([9, 9, 9, 9, 9, 9]), Integer(2), Unsigned(1))
    objects[SCRIPTS].store("scripts", [(LongUnsigned(4), [broken, tariff_script(3)[1][0]])])
    assert (
        objects.action(9, SCRIPTS, 1, LongUnsigned(4), now=now).result is ActionResult.OTHER_REASON
    )
    assert tariff(objects) == 3  # the other actions still ran


def test_a_script_that_runs_itself_stops() -> None:
    objects = device()
    recurse = (Enum(2), LongUnsigned(9), bytes.fromhex(SCRIPTS_HEX), Integer(1), LongUnsigned(1))
    objects[SCRIPTS].store("scripts", [(LongUnsigned(1), [recurse])])
    now = dt.datetime(2024, 1, 1, tzinfo=UTC)
    assert (
        objects.action(9, SCRIPTS, 1, LongUnsigned(1), now=now).result is ActionResult.OTHER_REASON
    )
    assert objects.script_depth == 0


def test_calendar_switches_from_passive_to_active_at_its_activation_time() -> None:
    calendar = ActivityCalendar(
        "0-0:13.0.0",
        calendar_name_active=b"OLD",
        season_profile_active=[
            (b"all", DateTime(None, 1, 1, None, 0, 0, 0, 0, None, None).to_bytes(), b"w")
        ],
        week_profile_table_active=[week(b"w", 1)],
        day_profile_table_active=[day(1, (0, 1), (8, 2))],
        calendar_name_passive=b"NEW",
        season_profile_passive=[
            (b"all", DateTime(None, 1, 1, None, 0, 0, 0, 0, None, None).to_bytes(), b"v")
        ],
        week_profile_table_passive=[week(b"v", 5)],
        day_profile_table_passive=[day(5, (0, 3), (12, 2))],
        activate_passive_calendar_time=DateTime(2024, 6, 1, None, 6, 30, 0, 0, None, None),
    )
    objects = device(calendar)
    start = dt.datetime(2024, 5, 31, 20, 0, tzinfo=UTC)  # 21:00 local
    fired = drive(objects, start, dt.datetime(2024, 6, 1, 4, 0, tzinfo=UTC))
    # old calendar: 00:00 local (23:00 UTC) tariff 1
    assert fired[0] == dt.datetime(2024, 5, 31, 23, 0, tzinfo=UTC)
    assert tariff(objects) == 1
    # 06:30 local = 05:30 UTC: the switch; the new calendar's action in force runs (tariff 3)
    fired = drive(
        objects,
        dt.datetime(2024, 6, 1, 4, 0, tzinfo=UTC),
        dt.datetime(2024, 6, 1, 5, 40, tzinfo=UTC),
    )
    assert fired == [dt.datetime(2024, 6, 1, 5, 30, tzinfo=UTC)]
    assert calendar.value("calendar_name_active") == b"NEW"
    assert calendar.value("day_profile_table_active") == calendar.value("day_profile_table_passive")
    assert tariff(objects) == 3
    events = objects.drain_events()
    assert [type(e) for e in events] == [CalendarActivated]
    assert events[0].calendar_name == b"NEW"
    # 08:00 local brings nothing now (the old calendar had it); 12:00 local brings tariff 2
    fired = drive(
        objects,
        dt.datetime(2024, 6, 1, 5, 40, tzinfo=UTC),
        dt.datetime(2024, 6, 1, 12, 0, tzinfo=UTC),
    )
    assert fired == [dt.datetime(2024, 6, 1, 11, 0, tzinfo=UTC)]
    assert tariff(objects) == 2


def test_calendar_method_activates_and_special_days_override_the_week() -> None:
    special = SpecialDaysTable(
        "0-0:11.0.0",
        entries=[(LongUnsigned(1), Date(None, 12, 25, None).to_bytes(), Unsigned(9))],
    )
    calendar = ActivityCalendar(
        "0-0:13.0.0",
        calendar_name_passive=b"P",
        season_profile_passive=[
            (b"s", DateTime(None, 1, 1, None, 0, 0, 0, 0, None, None).to_bytes(), b"w")
        ],
        week_profile_table_passive=[week(b"w", 1)],
        day_profile_table_passive=[day(1, (0, 1)), day(9, (0, 3))],
    )
    objects = device(special, calendar)
    now = dt.datetime(2024, 12, 24, 12, 0, tzinfo=UTC)
    assert objects.action(20, "0-0:13.0.0", 1, Integer(0), now=now).ok
    assert tariff(objects) == 1
    assert calendar.day_profile_for(dt.date(2024, 12, 25)) == (
        9,
        [(dt.time(0), bytes.fromhex(SCRIPTS_HEX), 3)],
    )
    drive(objects, now, dt.datetime(2024, 12, 25, 1, 0, tzinfo=UTC))
    assert tariff(objects) == 3
    # special days: insert replaces the same index, delete removes
    new_year = (LongUnsigned(1), Date(None, 1, 1, None).to_bytes(), Unsigned(9))
    assert objects.action(11, "0-0:11.0.0", 1, new_year, now=now).ok
    assert special.day_id(dt.date(2025, 12, 25)) is None
    assert special.day_id(dt.date(2025, 1, 1)) == 9
    assert objects.action(11, "0-0:11.0.0", 2, LongUnsigned(1), now=now).ok
    assert special.value("entries") == []


def schedule_entry(
    index: int,
    hour: int,
    script: int,
    *,
    enabled: bool = True,
    weekdays: str = "1111111",
    window: int = 0xFFFF,
) -> tuple[Any, ...]:
    return (
        LongUnsigned(index),
        enabled,
        bytes.fromhex(SCRIPTS_HEX),
        LongUnsigned(script),
        Time(hour, 0, 0, 0).to_bytes(),
        LongUnsigned(window),
        BitString(weekdays),
        BitString("0" * 10),
        Date().to_bytes(),
        Date().to_bytes(),
    )


def test_schedule_runs_its_entries_on_their_weekdays() -> None:
    schedule = Schedule(
        "0-0:12.0.0",
        entries=[schedule_entry(1, 6, 2), schedule_entry(2, 22, 1, weekdays="1111100")],
    )
    objects = device(schedule)
    start = dt.datetime(2024, 6, 7, 0, 0, tzinfo=UTC)  # a Friday
    fired = drive(objects, start, start + dt.timedelta(days=2))
    assert fired == [
        dt.datetime(2024, 6, 7, 5, 0, tzinfo=UTC),  # Fri 06:00 local
        dt.datetime(2024, 6, 7, 21, 0, tzinfo=UTC),  # Fri 22:00 (weekdays only)
        dt.datetime(2024, 6, 8, 5, 0, tzinfo=UTC),  # Sat 06:00; no Sat 22:00
    ]
    assert tariff(objects) == 2
    # enable/disable: disable entry 1 (range A), then delete entries 1..2
    now = start + dt.timedelta(days=2)
    disable = (LongUnsigned(1), LongUnsigned(1), LongUnsigned(0), LongUnsigned(0))
    assert objects.action(10, "0-0:12.0.0", 1, disable, now=now).ok
    assert [e[1] for e in schedule.value("entries")] == [False, True]
    assert objects.action(10, "0-0:12.0.0", 2, schedule_entry(3, 7, 3), now=now).ok
    assert [int(e[0]) for e in schedule.value("entries")] == [1, 2, 3]
    assert objects.action(10, "0-0:12.0.0", 3, (LongUnsigned(1), LongUnsigned(2)), now=now).ok
    assert [int(e[0]) for e in schedule.value("entries")] == [3]


def test_schedule_skips_a_switch_time_missed_beyond_its_validity_window() -> None:
    schedule = Schedule("0-0:12.0.0", entries=[schedule_entry(1, 6, 2, window=10)])
    objects = device(schedule)
    start = dt.datetime(2024, 6, 7, 0, 0, tzinfo=UTC)
    objects.get_timer(start)
    objects.handle_timer(dt.datetime(2024, 6, 7, 5, 5, tzinfo=UTC))  # 5 min late: runs
    assert tariff(objects) == 2
    objects[TARIFF].store("value", Unsigned(0))
    objects.handle_timer(dt.datetime(2024, 6, 8, 6, 0, tzinfo=UTC))  # an hour late: skipped
    assert tariff(objects) == 0


def test_single_action_schedule_runs_at_each_listed_time() -> None:
    single = SingleActionSchedule(
        "0-0:15.0.0",
        executed_script=(bytes.fromhex(SCRIPTS_HEX), LongUnsigned(3)),
        type=Enum(4),
        execution_time=[(Time(3, 0, 0, 0).to_bytes(), Date(None, None, 1, None).to_bytes())],
    )
    objects = device(single)
    start = dt.datetime(2024, 1, 15, tzinfo=UTC)
    fired = drive(objects, start, dt.datetime(2024, 4, 2, tzinfo=UTC))
    assert fired == [dt.datetime(2024, m, 1, 2, 0, tzinfo=UTC) for m in (2, 3, 4)]
    assert tariff(objects) == 3
    now = fired[-1]
    wildcard = [(Time(3, 0, 0, 0).to_bytes(), Date(None, None, 1, None).to_bytes())]
    assert objects.set(22, "0-0:15.0.0", 3, Enum(1), now=now) is DataAccessResult.OTHER_REASON
    two_times = [
        (Time(3, 0, 0, 0).to_bytes(), Date(2024, 5, 1, None).to_bytes()),
        (Time(4, 0, 0, 0).to_bytes(), Date(2024, 5, 2, None).to_bytes()),
    ]
    assert objects.set(22, "0-0:15.0.0", 4, two_times, now=now) is DataAccessResult.OTHER_REASON
    assert (
        objects.set(22, "0-0:15.0.0", 3, Enum(3), now=now) is DataAccessResult.OTHER_REASON
    )  # wildcard dates
    assert objects.set(22, "0-0:15.0.0", 3, Enum(5), now=now) is DataAccessResult.SUCCESS
    assert objects.set(22, "0-0:15.0.0", 4, two_times, now=now) is DataAccessResult.SUCCESS
    assert wildcard != two_times


def test_schedule_entry_that_begins_weeks_later_still_runs() -> None:
    entry = list(schedule_entry(1, 6, 3))
    entry[8] = Date(2024, 7, 1, None).to_bytes()  # begin_date: three weeks after the start
    schedule = Schedule("0-0:12.0.0", entries=[tuple(entry)])
    objects = device(schedule)
    start = dt.datetime(2024, 6, 10, tzinfo=UTC)
    fired = drive(objects, start, dt.datetime(2024, 7, 2, tzinfo=UTC))
    assert fired[-1] == dt.datetime(2024, 7, 1, 5, 0, tzinfo=UTC)
    assert len(fired) == 3  # two weekly look-aheads, then the run
    assert tariff(objects) == 3
    empty = Schedule("0-0:12.0.1")
    assert CosemObjects([Clock(), empty]).get_timer(start) is None
