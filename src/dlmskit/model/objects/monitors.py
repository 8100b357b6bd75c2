"""Register monitor (class_id 21) and Limiter (class_id 71): watch a value, run scripts.

Both read the watched attribute through the registry whenever the server polls
(:meth:`~dlmskit.model.objects.CosemObjects.poll`, run after every successful SET and ACTION
and on every timer).
"""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal
from typing import Any

from dlmskit.cosem import DateTime
from dlmskit.cosem.dates import DateTimeError
from dlmskit.model.objects.base import CosemObject, Refused

__all__ = ["Limiter", "RegisterMonitor"]


def _as_number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float) and value == value and abs(value) != float("inf"):
        return Decimal(repr(value))
    return None


class RegisterMonitor(CosemObject):
    """Register monitor: when the monitored value crosses a threshold upwards the
    threshold's action_up script runs, downwards its action_down. The first reading only
    sets where the value is (a crossing needs two readings)."""

    CLASS_ID = 21

    def __init__(self, logical_name: Any, **values: Any) -> None:
        self._above: list[bool] | None = None
        super().__init__(logical_name, **values)

    def _changed(self, index: int, now: _dt.datetime) -> None:
        self._above = None

    def poll(self, now: _dt.datetime) -> None:
        class_id, ln, attribute = self._values[3]
        if not any(ln):
            return
        try:
            value = _as_number(self.objects.read(int(class_id), ln, int(attribute), now))
        except Refused:
            return
        if value is None:
            return
        thresholds = [_as_number(t) for t in self._values[2]]
        above = [t is not None and value > t for t in thresholds]
        previous, self._above = self._above, above
        if previous is None or len(previous) != len(above):
            return
        actions = list(self._values[4])
        for i, (was, now_above) in enumerate(zip(previous, above, strict=True)):
            if was == now_above or i >= len(actions):
                continue
            up, down = actions[i]
            script_ln, selector = up if now_above else down
            self.objects.run_script(script_ln, int(selector), now)


class Limiter(CosemObject):
    """Limiter: when the monitored value stays above the active threshold for
    min_over_threshold_duration seconds, action_over_threshold runs; when it then stays at
    or below it for min_under_threshold_duration, action_under_threshold runs. The active
    threshold is the emergency one while an emergency profile of the listed groups is in
    force (from its activation time, for its duration), else the normal one."""

    CLASS_ID = 71

    def __init__(self, logical_name: Any, **values: Any) -> None:
        self.over = False
        self._since: _dt.datetime | None = None
        super().__init__(logical_name, **values)

    def _emergency_window(self, now: _dt.datetime) -> tuple[_dt.datetime, _dt.datetime] | None:
        profile_id, activation, duration = self._values[8]
        if profile_id not in self._values[9]:
            return None
        try:
            start = DateTime.from_bytes(activation).to_datetime()
        except DateTimeError:
            return None
        start = self.objects.real_time(start)
        return start, start + _dt.timedelta(seconds=int(duration))

    def _update_threshold(self, now: _dt.datetime) -> None:
        window = self._emergency_window(now)
        active = window is not None and window[0] <= now < window[1]
        self._values[10] = active
        self._values[3] = self._values[5] if active else self._values[4]

    def get_timer(self, now: _dt.datetime) -> _dt.datetime | None:
        times = []
        if self._since is not None:
            wait = int(self._values[7] if self.over else self._values[6])
            times.append(self._since + _dt.timedelta(seconds=wait))
        window = self._emergency_window(now)
        if window is not None:
            times += [t for t in window if t > now]
        return min(times) if times else None

    def handle_timer(self, now: _dt.datetime) -> None:
        self.poll(now)

    def poll(self, now: _dt.datetime) -> None:
        self._update_threshold(now)
        class_id, ln, attribute = self._values[2]
        if not any(ln):
            return
        try:
            value = _as_number(self.objects.read(int(class_id), ln, int(attribute), now))
        except Refused:
            return
        threshold = _as_number(self._values[3])
        if value is None or threshold is None:
            return
        crossing = value > threshold if not self.over else value <= threshold
        if not crossing:
            self._since = None
            return
        if self._since is None:
            self._since = now
        wait = int(self._values[7] if self.over else self._values[6])
        if now - self._since >= _dt.timedelta(seconds=wait):
            self._since = None
            self.over = not self.over
            over_action, under_action = self._values[11]
            script_ln, selector = over_action if self.over else under_action
            self.objects.run_script(script_ln, int(selector), now)
