"""Clock (class_id 8): the meter's time, time zone and daylight saving.

The clock keeps the difference between the meter's time and the real time ``now`` the
server passes in, so setting, adjusting or shifting it never reads a clock. Local time is
``UTC - time_zone`` (time_zone, like the date-time deviation, is minutes from local time to
UTC: -60 is UTC+01:00), plus ``daylight_savings_deviation`` minutes while daylight saving is
active. Daylight saving begins at ``daylight_savings_begin`` (local standard time) and ends
at ``daylight_savings_end`` (local daylight time); both are usually recurring patterns such
as "last Sunday of March, 02:00".
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Any

from dlmskit.axdr import Data, Long
from dlmskit.cosem import ClockStatus, DateTime
from dlmskit.cosem.dates import DateTimeError
from dlmskit.errors import LocalProtocolError
from dlmskit.model.objects.base import CosemObject, Refused
from dlmskit.model.objects.timeutil import resolve_day
from dlmskit.model.results import ActionResult, DataAccessResult
from dlmskit.model.schema import DATE_TIME

__all__ = ["Clock", "PresetTime"]

_UTC = _dt.UTC


@dataclass(frozen=True, slots=True)
class PresetTime:
    """What preset_adjusting_time stored for adjust_to_preset_time."""

    preset: _dt.datetime
    valid_from: _dt.datetime
    valid_until: _dt.datetime


class Clock(CosemObject):
    """Clock: ``time`` is computed from ``now``; writes and the adjust methods move it.

    ``status`` reports daylight saving from the rules and the flags the device model sets
    in :attr:`status_flags` (invalid value, doubtful value, ...). ``measuring_period``
    (seconds) is what adjust_to_measuring_period rounds to.
    """

    CLASS_ID = 8
    READ_ONLY = frozenset({4})

    def __init__(self, logical_name: Any = "0-0:1.0.0*255", **values: Any) -> None:
        self._offset = _dt.timedelta(0)
        self.status_flags = ClockStatus(0)
        self.measuring_period = 900
        self.preset: PresetTime | None = None
        self._dst_cache: dict[tuple[Any, ...], tuple[_dt.datetime, _dt.datetime] | None] = {}
        super().__init__(logical_name, **values)

    def _init_defaults(self) -> None:
        self._values[3] = Long(0)

    # -- time arithmetic -------------------------------------------------------------------

    @property
    def offset(self) -> _dt.timedelta:
        """How far the meter's clock is ahead of the real time."""
        return self._offset

    @property
    def time_zone(self) -> int:
        return int(self._values[3])

    @property
    def dst_deviation(self) -> int:
        return int(self._values[7])

    @property
    def dst_enabled(self) -> bool:
        return bool(self._values[8])

    def meter_utc(self, now: _dt.datetime) -> _dt.datetime:
        """The meter's idea of the current instant."""
        if now.tzinfo is None:
            raise LocalProtocolError("now must be an aware datetime (e.g. datetime.now(UTC))")
        return now.astimezone(_UTC) + self._offset

    def _dst_window(self, year: int) -> tuple[_dt.datetime, _dt.datetime] | None:
        """Begin and end of daylight saving in ``year``, both in local standard time (kept
        per year while the rules stay the same: every reading of the time needs it)."""
        key = (year, self._values[5], self._values[6], self._values[7])
        cache = self._dst_cache
        if key in cache:
            return cache[key]
        if len(cache) > 8:
            cache.clear()
        window = cache[key] = self._compute_dst_window(year)
        return window

    def _compute_dst_window(self, year: int) -> tuple[_dt.datetime, _dt.datetime] | None:
        try:
            begin = DateTime.from_bytes(self._values[5])
            end = DateTime.from_bytes(self._values[6])
        except DateTimeError:
            return None
        points = []
        for pattern in (begin, end):
            if pattern.month is None or pattern.year not in (None, year):
                return None
            day = resolve_day(year, pattern.month, pattern.day, pattern.day_of_week)
            if day is None:
                return None
            points.append(
                _dt.datetime.combine(
                    day,
                    _dt.time(pattern.hour or 0, pattern.minute or 0, pattern.second or 0)
                    if (pattern.hour or 0) < 24
                    and (pattern.minute or 0) < 60
                    and (pattern.second or 0) < 60
                    else _dt.time(0),
                )
            )
        # the end is given in daylight time: in standard time it comes one deviation earlier
        return points[0], points[1] - _dt.timedelta(minutes=self.dst_deviation)

    def is_dst(self, standard_local: _dt.datetime) -> bool:
        """Whether daylight saving is active at this local standard (naive) time."""
        if not self.dst_enabled:
            return False
        window = self._dst_window(standard_local.year)
        if window is None:
            return False
        begin, end = window
        if begin <= end:
            return begin <= standard_local < end
        return standard_local >= begin or standard_local < end  # southern hemisphere

    def local_time(self, now: _dt.datetime) -> _dt.datetime:
        """The meter's local time (aware, with its UTC offset)."""
        utc = self.meter_utc(now)
        standard = (utc + _dt.timedelta(minutes=-self.time_zone)).replace(tzinfo=None)
        minutes = -self.time_zone
        if self.is_dst(standard):
            minutes += self.dst_deviation
        offset = _dt.timedelta(minutes=minutes)
        return (utc + offset).replace(tzinfo=_dt.timezone(offset))

    def real_time(self, meter_local: _dt.datetime) -> _dt.datetime:
        """The ``now`` at which this clock shows ``meter_local`` (naive = local wall time)."""
        if meter_local.tzinfo is not None:
            utc = meter_local.astimezone(_UTC)
        else:
            standard = meter_local
            if self.dst_enabled:
                shifted = meter_local - _dt.timedelta(minutes=self.dst_deviation)
                if self.is_dst(shifted):
                    standard = shifted
            utc = (standard + _dt.timedelta(minutes=self.time_zone)).replace(tzinfo=_UTC)
        return utc - self._offset

    def status(self, now: _dt.datetime) -> ClockStatus:
        flags = self.status_flags
        local = self.local_time(now)
        if local.utcoffset() != _dt.timedelta(minutes=-self.time_zone):
            flags |= ClockStatus.DAYLIGHT_SAVING_ACTIVE
        return flags

    def now_value(self, now: _dt.datetime) -> DateTime:
        """The time attribute as a DateTime (deviation and status filled in)."""
        return DateTime.from_datetime(self.local_time(now), clock_status=self.status(now))

    def set_time(self, now: _dt.datetime, meter_utc: _dt.datetime) -> None:
        """Make the clock show ``meter_utc`` at ``now``."""
        self._offset = meter_utc.astimezone(_UTC) - now.astimezone(_UTC)
        self.status_flags &= ~(ClockStatus.INVALID_VALUE | ClockStatus.DOUBTFUL_VALUE)
        if self._objects is not None:
            self._objects.time_changed(now)

    def _move(self, now: _dt.datetime, delta: _dt.timedelta) -> None:
        self.set_time(now, self.meter_utc(now) + delta)

    def _instant_of(self, value: DateTime) -> _dt.datetime:
        """A written date-time as an instant; without deviation it is local wall time."""
        if not value.is_fully_specified:
            raise Refused(DataAccessResult.OTHER_REASON, f"{value} is not a complete date-time")
        moment = value.to_datetime()
        if moment.tzinfo is not None:
            return moment
        return self.real_time(moment) + self._offset

    # -- attributes ------------------------------------------------------------------------

    def _read_2(self, now: _dt.datetime) -> Data:
        return self.now_value(now).to_bytes()

    def _read_4(self, now: _dt.datetime) -> Any:
        from dlmskit.axdr import Unsigned

        return Unsigned(int(self.status(now)) & 0xFF)

    def _write_2(self, value: Any, now: _dt.datetime) -> None:
        written = DateTime.from_bytes(value)  # validated: 12 octets
        self.set_time(now, self._instant_of(written))

    def _write_3(self, value: Any, now: _dt.datetime) -> None:
        if not -720 <= int(value) <= 840:
            raise Refused(DataAccessResult.OTHER_REASON, "time_zone beyond -720..840 minutes")
        self._values[3] = value

    def _write_7(self, value: Any, now: _dt.datetime) -> None:
        if not -120 <= int(value) <= 120:
            raise Refused(DataAccessResult.OTHER_REASON, "daylight_savings_deviation beyond ±120")
        self._values[7] = value

    def _changed(self, index: int, now: _dt.datetime) -> None:
        if index in (3, 5, 6, 7, 8) and self._objects is not None:
            self._objects.time_changed(now)

    # -- methods ---------------------------------------------------------------------------

    def _round_to(self, now: _dt.datetime, seconds: int) -> None:
        local = self.local_time(now)
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
        elapsed = (local - midnight).total_seconds()
        target = round(elapsed / seconds) * seconds  # nearest boundary (+/-)
        self._move(now, _dt.timedelta(seconds=target - elapsed))

    def _method_1(self, parameter: Any, now: _dt.datetime) -> Data:
        """adjust_to_quarter: to the nearest quarter of an hour."""
        self._round_to(now, 900)
        return None

    def _method_2(self, parameter: Any, now: _dt.datetime) -> Data:
        """adjust_to_measuring_period: to the nearest start of a measuring period."""
        if not 1 <= self.measuring_period <= 86400:
            raise Refused(ActionResult.OTHER_REASON, "no measuring period")
        self._round_to(now, self.measuring_period)
        return None

    def _method_3(self, parameter: Any, now: _dt.datetime) -> Data:
        """adjust_to_minute: to the nearest minute."""
        self._round_to(now, 60)
        return None

    def _method_4(self, parameter: Any, now: _dt.datetime) -> Data:
        """adjust_to_preset_time: to the preset time, if now is within its validity."""
        preset = self.preset
        if preset is None:
            raise Refused(ActionResult.OTHER_REASON, "no preset time")
        current = self.meter_utc(now)
        if not preset.valid_from <= current <= preset.valid_until:
            raise Refused(ActionResult.OTHER_REASON, "outside the preset validity interval")
        self.set_time(now, preset.preset)
        self.preset = None
        return None

    def _method_5(self, parameter: Any, now: _dt.datetime) -> Data:
        """preset_adjusting_time(preset_time, validity_interval_start, validity_interval_end)."""
        assert isinstance(parameter, tuple)
        try:
            preset, start, end = (self._instant_of(DATE_TIME.to_typed(item)) for item in parameter)
        except Refused as refusal:
            raise Refused(ActionResult.OTHER_REASON, refusal.reason) from None
        if start > end:
            raise Refused(ActionResult.OTHER_REASON, "validity interval ends before it starts")
        self.preset = PresetTime(preset, start, end)
        return None

    def _method_6(self, parameter: Any, now: _dt.datetime) -> Data:
        """shift_time(seconds -900..900)."""
        shift = int(parameter)
        if not -900 <= shift <= 900:
            raise Refused(ActionResult.OTHER_REASON, "shift_time takes -900..900 seconds")
        self._move(now, _dt.timedelta(seconds=shift))
        return None
