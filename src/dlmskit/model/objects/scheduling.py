"""Script table, Schedule, Special days table, Single action schedule, Activity calendar.

Scripts are the way COSEM objects act on each other: a Script table holds scripts of
actions (write an attribute, run a method) on other objects; schedules, the activity
calendar, monitors and limiters run those scripts. Time-driven ones work in the meter's
local time (its Clock object) and are driven by ``get_timer`` / ``handle_timer``.
"""

from __future__ import annotations

import datetime as _dt
import logging
from dataclasses import dataclass
from typing import Any

from dlmskit.axdr import BitString
from dlmskit.cosem import Date, DateTime, Obis, Time
from dlmskit.cosem.dates import DateTimeError
from dlmskit.model.enums import ScriptServiceId, SingleActionType
from dlmskit.model.objects.base import CosemObject, ObjectEvent, Refused
from dlmskit.model.objects.registry import MAX_SCRIPT_DEPTH
from dlmskit.model.objects.timeutil import date_matches, next_occurrence, times_of_day
from dlmskit.model.results import ActionResult, DataAccessResult

__all__ = [
    "SPECIAL_DAYS_LN",
    "ActivityCalendar",
    "CalendarActivated",
    "Schedule",
    "ScriptTable",
    "SingleActionSchedule",
    "SpecialDaysTable",
]

log = logging.getLogger("dlmskit.model")

#: The special days table an activity calendar and a schedule consult.
SPECIAL_DAYS_LN = Obis(0, 0, 11, 0, 0, 255)

_MAX_RUNS = 10_000
#: How far ahead schedules look for their next run before looking again later.
_HORIZON = _dt.timedelta(days=7)


class ScriptTable(CosemObject):
    """Script table (class_id 9): execute(id) runs the script's actions in order.

    Every action runs even if one fails; the result is success only when all succeeded.
    An unknown script id is refused; a script that (indirectly) runs itself is stopped at
    depth 8.
    """

    CLASS_ID = 9

    def script(self, identifier: int) -> list[Any] | None:
        for script_id, actions in self._values[2]:
            if int(script_id) == identifier:
                return list(actions)
        return None

    def execute(self, identifier: int, now: _dt.datetime) -> ActionResult:
        actions = self.script(identifier)
        if actions is None:
            return ActionResult.OTHER_REASON
        objects = self.objects
        if objects.script_depth >= MAX_SCRIPT_DEPTH:
            log.warning(
                "script %s/%d not run: scripts nested too deeply", self.logical_name, identifier
            )
            return ActionResult.OTHER_REASON
        objects.script_depth += 1
        ok = True
        try:
            for service, class_id, ln, index, parameter in actions:
                if int(service) == ScriptServiceId.WRITE_ATTRIBUTE:
                    done = objects.write(int(class_id), ln, int(index), parameter, now)
                    ok &= done is DataAccessResult.SUCCESS
                elif int(service) == ScriptServiceId.EXECUTE_METHOD:
                    ok &= objects.invoke(int(class_id), ln, int(index), parameter, now).ok
                else:
                    ok = False
        finally:
            objects.script_depth -= 1
        return ActionResult.SUCCESS if ok else ActionResult.OTHER_REASON

    def _method_1(self, parameter: Any, now: _dt.datetime) -> Any:
        result = self.execute(int(parameter), now)
        if result is not ActionResult.SUCCESS:
            raise Refused(result, f"script {int(parameter)}")
        return None


class SpecialDaysTable(CosemObject):
    """Special days table (class_id 11): dates (patterns allowed) with their day_id."""

    CLASS_ID = 11

    def day_id(self, day: _dt.date) -> int | None:
        """The day_id of ``day`` if it is a special day."""
        for _index, date_octets, day_id in self._values[2]:
            try:
                pattern = Date.from_bytes(date_octets)
            except DateTimeError:
                continue
            if date_matches(pattern, day):
                return int(day_id)
        return None

    def _method_1(self, parameter: Any, now: _dt.datetime) -> Any:
        """insert(spec_day_entry): an entry of the same index or date is replaced."""
        index, date_octets, _ = parameter
        kept = [e for e in self._values[2] if e[0] != index and e[1] != date_octets]
        self._values[2] = sorted([*kept, parameter], key=lambda e: int(e[0]))
        return None

    def _method_2(self, parameter: Any, now: _dt.datetime) -> Any:
        """delete(index)."""
        self._values[2] = [e for e in self._values[2] if e[0] != parameter]
        return None


def _special_day(objects: Any, day: _dt.date) -> int | None:
    table = objects.find(SPECIAL_DAYS_LN, 11)
    if isinstance(table, SpecialDaysTable):
        return table.day_id(day)
    return None


class _Timed(CosemObject):
    """Shared timer plumbing: the object knows the next local time it acts at."""

    def __init__(self, logical_name: Any, **values: Any) -> None:
        self._last_local: _dt.datetime | None = None
        super().__init__(logical_name, **values)

    def _local(self, now: _dt.datetime) -> _dt.datetime:
        return self.objects.meter_time(now).replace(tzinfo=None)

    def _next_local(self, after: _dt.datetime) -> _dt.datetime | None:
        raise NotImplementedError

    def _run_at(self, moment: _dt.datetime, now: _dt.datetime) -> None:
        raise NotImplementedError

    def _has_work(self) -> bool:
        """Whether anything is configured that may ever run."""
        return True

    def get_timer(self, now: _dt.datetime) -> _dt.datetime | None:
        current = self._local(now)
        if self._last_local is None:
            self._last_local = current
        following = self._next_local(self._last_local)
        if following is None:
            if not self._has_work():
                return None
            # nothing within the search horizon: look again when the horizon has moved
            following = self._last_local + _HORIZON
        return self.objects.real_time(following)

    def handle_timer(self, now: _dt.datetime) -> None:
        current = self._local(now)
        if self._last_local is None:
            self._last_local = current
        for _ in range(_MAX_RUNS):
            following = self._next_local(self._last_local)
            if following is None or following > current:
                break
            self._last_local = following
            self._run_at(following, now)
        # everything due up to now has run
        self._last_local = max(self._last_local, current)

    def time_changed(self, now: _dt.datetime) -> None:
        self._last_local = self._local(now)


class Schedule(_Timed):
    """Schedule (class_id 10): scripts run at switch times on chosen weekdays and special
    days, between begin and end dates. A switch time missed by more than the entry's
    validity_window (minutes; 0xFFFF: always run) is skipped."""

    CLASS_ID = 10

    def _entries(self) -> list[Any]:
        return list(self._values[2])

    def _runs_on(self, entry: Any, day: _dt.date) -> bool:
        _, enabled, _, _, _, _, weekdays, specdays, begin, end = entry
        if not enabled:
            return False
        try:
            begin_date, end_date = Date.from_bytes(begin), Date.from_bytes(end)
        except DateTimeError:
            return False
        for limit, later in ((begin_date, True), (end_date, False)):
            if limit.year is not None and limit.month is not None and limit.day is not None:
                try:
                    bound = limit.to_date()
                except DateTimeError:
                    continue
                if (day < bound) if later else (day > bound):
                    return False
        special = _special_day(self.objects, day)
        if special is not None:
            return (
                isinstance(specdays, BitString)
                and special < len(specdays)
                and specdays.bit(special)
            )
        weekday = day.isoweekday() - 1
        return isinstance(weekdays, BitString) and weekday < len(weekdays) and weekdays.bit(weekday)

    def _entry_times(self, entry: Any, after: _dt.datetime) -> _dt.datetime | None:
        try:
            switch = Time.from_bytes(entry[4])
        except DateTimeError:
            return None
        times = times_of_day(switch)
        for offset in range(8):
            day = after.date() + _dt.timedelta(days=offset)
            if not self._runs_on(entry, day):
                continue
            for t in times:
                moment = _dt.datetime.combine(day, t)
                if moment > after:
                    return moment
        return None

    def _has_work(self) -> bool:
        return any(e[1] for e in self._entries())

    def _next_local(self, after: _dt.datetime) -> _dt.datetime | None:
        found = [t for e in self._entries() if (t := self._entry_times(e, after)) is not None]
        return min(found) if found else None

    def _run_at(self, moment: _dt.datetime, now: _dt.datetime) -> None:
        current = self._local(now)
        for entry in self._entries():
            if self._entry_times(entry, moment - _dt.timedelta(microseconds=1)) != moment:
                continue
            window = int(entry[5])
            if window != 0xFFFF and current - moment > _dt.timedelta(minutes=window):
                continue
            self.objects.run_script(entry[2], int(entry[3]), now)

    def _method_1(self, parameter: Any, now: _dt.datetime) -> Any:
        """enable/disable: entries in range A are disabled, those in range B enabled."""
        first_a, last_a, first_b, last_b = (int(v) for v in parameter)
        entries = []
        for entry in self._entries():
            index = int(entry[0])
            enable = entry[1]
            if first_a and first_a <= index <= last_a:
                enable = False
            if first_b and first_b <= index <= last_b:
                enable = True
            entries.append((entry[0], enable, *entry[2:]))
        self._values[2] = entries
        return None

    def _method_2(self, parameter: Any, now: _dt.datetime) -> Any:
        """insert(schedule_table_entry): an entry of the same index is replaced."""
        kept = [e for e in self._entries() if e[0] != parameter[0]]
        self._values[2] = sorted([*kept, parameter], key=lambda e: int(e[0]))
        return None

    def _method_3(self, parameter: Any, now: _dt.datetime) -> Any:
        """delete(first_index, last_index)."""
        first, last = (int(v) for v in parameter)
        self._values[2] = [e for e in self._entries() if not first <= int(e[0]) <= last]
        return None


class SingleActionSchedule(_Timed):
    """Single action schedule (class_id 22): one script run at the listed times."""

    CLASS_ID = 22

    def _patterns(self) -> list[tuple[Time, Date]]:
        out = []
        for time_octets, date_octets in self._values[4]:
            try:
                out.append((Time.from_bytes(time_octets), Date.from_bytes(date_octets)))
            except DateTimeError:
                continue
        return out

    def _has_work(self) -> bool:
        return bool(self._patterns())

    def _next_local(self, after: _dt.datetime) -> _dt.datetime | None:
        found = [
            t
            for time_p, date_p in self._patterns()
            if (t := next_occurrence(time_p, date_p, after))
        ]
        return min(found) if found else None

    def _run_at(self, moment: _dt.datetime, now: _dt.datetime) -> None:
        script_ln, selector = self._values[2]
        self.objects.run_script(script_ln, int(selector), now)

    @staticmethod
    def _check(kind: int, times: Any) -> None:
        parsed = [(Time.from_bytes(t), Date.from_bytes(d)) for t, d in times]
        wildcard_dates = any(
            None in (d.year, d.month, d.day) or d.day in (0xFD, 0xFE) for _, d in parsed
        )
        same_time = len({t.to_bytes() for t, _ in parsed}) <= 1
        if kind == SingleActionType.ONE_TIME_SPECIFIED and (len(parsed) != 1 or wildcard_dates):
            raise Refused(DataAccessResult.OTHER_REASON, "type 1 takes one fully specified date")
        if wildcard_dates and kind in (
            SingleActionType.N_TIMES_SAME_TIME,
            SingleActionType.N_TIMES_DIFFERENT_TIMES,
        ):
            raise Refused(DataAccessResult.OTHER_REASON, "types 2 and 3 take no wildcard dates")
        if (
            kind
            in (
                SingleActionType.N_TIMES_SAME_TIME,
                SingleActionType.N_TIMES_WILDCARD_DATE_SAME_TIME,
            )
            and not same_time
        ):
            raise Refused(
                DataAccessResult.OTHER_REASON, "types 2 and 4 take one time for all dates"
            )
        if not 1 <= kind <= 5:
            raise Refused(DataAccessResult.OTHER_REASON, "type is 1..5")

    def _write_3(self, value: Any, now: _dt.datetime) -> None:
        self._check(int(value), self._values[4])
        self._values[3] = value

    def _write_4(self, value: Any, now: _dt.datetime) -> None:
        self._check(int(self._values[3]), value)
        self._values[4] = value
        self._last_local = self._local(now)


@dataclass(frozen=True, slots=True)
class CalendarActivated(ObjectEvent):
    """The passive calendar became the active one."""

    calendar_name: bytes


def _season_start(pattern: DateTime, year: int) -> _dt.datetime | None:
    """When a season_start pattern begins in ``year`` (wildcards: every year, the 1st, 00:00)."""
    day = pattern.day if pattern.day is not None and pattern.day <= 31 else 1
    hour = pattern.hour if pattern.hour is not None and pattern.hour < 24 else 0
    minute = pattern.minute if pattern.minute is not None and pattern.minute < 60 else 0
    try:
        return _dt.datetime(
            pattern.year if pattern.year is not None else year,
            pattern.month if pattern.month is not None else 1,
            day,
            hour,
            minute,
        )
    except ValueError:
        return None


class ActivityCalendar(_Timed):
    """Activity calendar (class_id 20): seasons, weeks and day profiles whose actions
    (scripts) run at their start times; the passive calendar becomes active at
    ``activate_passive_calendar_time`` or when activate_passive_calendar is invoked."""

    CLASS_ID = 20

    # -- activation ------------------------------------------------------------------------

    def activation_time(self) -> DateTime | None:
        try:
            value = DateTime.from_bytes(self._values[10])
        except DateTimeError:
            return None
        if value.is_fully_specified:
            return value
        return None

    def activate_passive(self, now: _dt.datetime) -> None:
        for active, passive in ((2, 6), (3, 7), (4, 8), (5, 9)):
            self._values[active] = self._values[passive]
        log.info("%s: passive calendar %r activated", self.logical_name, self._values[2])
        self.emit(CalendarActivated(self.logical_name, now, bytes(self._values[2])))
        self._apply_current(now)

    def _method_1(self, parameter: Any, now: _dt.datetime) -> Any:
        self.activate_passive(now)
        return None

    # -- what runs when -----------------------------------------------------------------------

    def day_profile_for(self, day: _dt.date) -> tuple[int, list[tuple[_dt.time, Any, int]]] | None:
        """The active day_id of ``day`` and its actions (start time, script ln, selector)."""
        day_id = _special_day(self.objects, day)
        if day_id is None:
            week_name = self._season_week(day)
            if week_name is None:
                return None
            for week in self._values[4]:
                if week[0] == week_name:
                    day_id = int(week[day.isoweekday()])
                    break
            else:
                return None
        for profile_id, actions in self._values[5]:
            if int(profile_id) == day_id:
                out = []
                for start, script_ln, selector in actions:
                    try:
                        t = Time.from_bytes(start)
                    except DateTimeError:
                        continue
                    out += [(moment, script_ln, int(selector)) for moment in times_of_day(t)[:1]]
                return day_id, sorted(out, key=lambda a: a[0])
        return None

    def _season_week(self, day: _dt.date) -> bytes | None:
        best: tuple[_dt.datetime, bytes] | None = None
        for _name, start, week_name in self._values[3]:
            try:
                pattern = DateTime.from_bytes(start)
            except DateTimeError:
                continue
            for year in (day.year, day.year - 1):
                begin = _season_start(pattern, year)
                if begin is None:
                    continue
                if begin.date() <= day and (best is None or begin > best[0]):
                    best = (begin, week_name)
        return None if best is None else best[1]

    def action_in_force(self, local: _dt.datetime) -> tuple[_dt.datetime, Any, int] | None:
        """The day action whose start time is the latest at or before ``local``."""
        for back in (0, 1):
            day = local.date() - _dt.timedelta(days=back)
            found = self.day_profile_for(day)
            if found is None:
                continue
            candidates = [
                (_dt.datetime.combine(day, t), ln, sel)
                for t, ln, sel in found[1]
                if _dt.datetime.combine(day, t) <= local
            ]
            if candidates:
                return candidates[-1]
        return None

    def _apply_current(self, now: _dt.datetime) -> None:
        current = self.action_in_force(self._local(now))
        if current is not None:
            self.objects.run_script(current[1], current[2], now)

    def _has_work(self) -> bool:
        return bool(self._values[5]) or self.activation_time() is not None

    def _next_local(self, after: _dt.datetime) -> _dt.datetime | None:
        candidates = []
        activation = self.activation_time()
        if activation is not None:
            moment = activation.to_datetime()
            local = (
                moment.replace(tzinfo=None)
                if moment.tzinfo is None
                else (self.objects.meter_time(self.objects.real_time(moment)).replace(tzinfo=None))
            )
            if local > after:
                candidates.append(local)
        for offset in (0, 1, 2):
            day = after.date() + _dt.timedelta(days=offset)
            found = self.day_profile_for(day)
            if found is None:
                continue
            later = [_dt.datetime.combine(day, t) for t, _, _ in found[1]]
            later = [m for m in later if m > after]
            if later:
                candidates.append(min(later))
                break
        return min(candidates) if candidates else None

    def _run_at(self, moment: _dt.datetime, now: _dt.datetime) -> None:
        activation = self.activation_time()
        if activation is not None:
            at = activation.to_datetime()
            local = (
                at.replace(tzinfo=None)
                if at.tzinfo is None
                else (self.objects.meter_time(self.objects.real_time(at)).replace(tzinfo=None))
            )
            if local == moment:
                self.activate_passive(now)
                return
        current = self.action_in_force(moment)
        if current is not None and current[0] == moment:
            self.objects.run_script(current[1], current[2], now)
