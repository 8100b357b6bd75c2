"""Data, Register, Extended register, Demand register, Register activation, and the
invocation counter objects (Data holding an unsigned 32-bit counter)."""

from __future__ import annotations

import datetime as _dt
from collections import deque
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from dlmskit.axdr import DoubleLongUnsigned
from dlmskit.cosem import DateTime
from dlmskit.errors import LocalProtocolError
from dlmskit.model.objects.base import CosemObject, Refused, same_type
from dlmskit.model.results import ActionResult, DataAccessResult
from dlmskit.model.schema import U32

__all__ = [
    "DataObject",
    "DemandRegister",
    "ExtendedRegister",
    "InvocationCounter",
    "Register",
    "RegisterActivation",
    "next_boundary",
]


def next_boundary(local: _dt.datetime, period: int) -> _dt.datetime:
    """The first multiple of ``period`` seconds after ``local`` (counted from local midnight
    for periods up to a day, from 1970-01-01 for longer ones)."""
    if period <= 0:
        raise LocalProtocolError("a period is at least one second")
    naive = local.replace(tzinfo=None)
    origin = (
        naive.replace(hour=0, minute=0, second=0, microsecond=0)
        if period <= 86400
        else _dt.datetime(1970, 1, 1)
    )
    elapsed = (naive - origin).total_seconds()
    steps = int(elapsed // period) + 1
    return origin + _dt.timedelta(seconds=steps * period)


class DataObject(CosemObject):
    """Data (class_id 1): one value of any type (an instance may narrow its schema)."""

    CLASS_ID = 1


class InvocationCounter(DataObject):
    """An invocation counter object (Data ``0-b:43.1.e.255``): a double-long-unsigned that
    only grows.

    Two ways to use it: as a *view* of the security layer's counter (``source`` returns its
    current value; reads show it, writes are refused), or standalone, where :meth:`use`
    hands out the next value and ``persist`` (when given) is called with the new value
    before it is handed out, so a value is never used twice after a restart. Writing a
    smaller value is refused.
    """

    def __init__(
        self,
        logical_name: Any = "0-0:43.1.0*255",
        *,
        value: int = 0,
        persist: Callable[[int], None] | None = None,
        source: Callable[[], int] | None = None,
        **values: Any,
    ) -> None:
        self.persist = persist
        self.source = source
        super().__init__(logical_name, schemas={2: U32}, value=value, **values)

    @property
    def counter(self) -> int:
        if self.source is not None:
            return int(self.source())
        return int(self._values[2])

    def _read_2(self, now: _dt.datetime) -> Any:
        return DoubleLongUnsigned(self.counter)

    def use(self) -> int:
        """The next invocation counter value (stored, and persisted, before it is returned)."""
        if self.source is not None:
            raise LocalProtocolError("this counter is a view: the security layer hands it out")
        current = self.counter
        if current >= DoubleLongUnsigned.MAX:
            raise LocalProtocolError("the invocation counter is exhausted: new keys are needed")
        if self.persist is not None:
            self.persist(current + 1)
        self._values[2] = DoubleLongUnsigned(current + 1)
        return current

    def _write_2(self, value: Any, now: _dt.datetime) -> None:
        if self.source is not None:
            raise Refused(DataAccessResult.READ_WRITE_DENIED, "the security layer owns it")
        if int(value) < self.counter:
            raise Refused(DataAccessResult.OTHER_REASON, "an invocation counter never goes back")
        if self.persist is not None:
            self.persist(int(value))
        self._values[2] = value


class Register(CosemObject):
    """Register (class_id 3): a value with its scaler and unit; reset sets it to zero."""

    CLASS_ID = 3

    def _method_1(self, parameter: Any, now: _dt.datetime) -> Any:
        self._values[2] = _zero_of(self._values[2])
        return None


def _zero_of(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return same_type(value, 0)
    if isinstance(value, float):
        return type(value)(0.0)
    return value if value is None else type(value)()


class ExtendedRegister(Register):
    """Extended register (class_id 4): a register with status and capture time.

    :meth:`update` is how a device model puts in a new value (capture_time follows).
    """

    CLASS_ID = 4

    def update(self, value: Any, now: _dt.datetime, status: Any = None) -> None:
        self.set_typed("value", value)
        if status is not None:
            self.set_typed("status", status)
        self._values[5] = self._meter_stamp(now)

    def _meter_stamp(self, now: _dt.datetime) -> bytes:
        local = self.objects.meter_time(now)
        return DateTime.from_datetime(local).to_bytes()

    def _method_1(self, parameter: Any, now: _dt.datetime) -> Any:
        self._values[2] = _zero_of(self._values[2])
        self._values[5] = self._meter_stamp(now)
        return None


class DemandRegister(CosemObject):
    """Demand register (class_id 5): the average of a quantity over periods.

    The device model feeds instantaneous values with :meth:`record` (each holds until the
    next). ``current_average_value`` is the integral since ``start_time_current`` divided by
    ``period``; at the end of each period it becomes part of ``last_average_value``, the
    average over the last ``number_of_periods`` periods (sliding demand when more than one).
    Periods end on multiples of ``period`` from local midnight, or when next_period is
    invoked.
    """

    CLASS_ID = 5
    READ_ONLY = frozenset({2, 3, 6, 7})

    def __init__(self, logical_name: Any, **values: Any) -> None:
        self._integral = Decimal(0)
        self._sample: tuple[_dt.datetime, Decimal] | None = None
        self._history: deque[Decimal] = deque(maxlen=1)
        self._period_start: _dt.datetime | None = None
        self._period_end: _dt.datetime | None = None
        super().__init__(logical_name, **values)

    def _init_defaults(self) -> None:
        from dlmskit.axdr import DoubleLong, LongUnsigned

        self._values[2] = DoubleLong(0)
        self._values[3] = DoubleLong(0)
        self._values[8] = DoubleLongUnsigned(900)
        self._values[9] = LongUnsigned(1)

    @property
    def period(self) -> int:
        return max(1, int(self._values[8]))

    @property
    def number_of_periods(self) -> int:
        return max(1, int(self._values[9]))

    def _stamp(self, moment: _dt.datetime) -> bytes:
        return DateTime.from_datetime(self.objects.meter_time(moment)).to_bytes()

    def _start(self, now: _dt.datetime) -> None:
        self._period_start = now
        local = self.objects.meter_time(now)
        self._period_end = self.objects.real_time(next_boundary(local, self.period))
        self._values[7] = self._stamp(now)
        self._integral = Decimal(0)
        if self._history.maxlen != self.number_of_periods:
            self._history = deque(self._history, maxlen=self.number_of_periods)

    def _integrate_to(self, moment: _dt.datetime) -> None:
        if self._sample is not None:
            since, value = self._sample
            if moment > since:
                self._integral += value * Decimal((moment - since).total_seconds())
                self._sample = (moment, value)

    def record(self, value: int | float | Decimal, now: _dt.datetime) -> None:
        """A new instantaneous value of the measured quantity (raw, before scaling)."""
        if self._period_start is None:
            self._start(now)
        self.handle_timer(now)
        self._integrate_to(now)
        self._sample = (now, Decimal(value))

    def _current(self, now: _dt.datetime) -> Decimal:
        integral = self._integral
        if self._sample is not None and now > self._sample[0]:
            integral += self._sample[1] * Decimal((now - self._sample[0]).total_seconds())
        return integral / self.period

    def _read_2(self, now: _dt.datetime) -> Any:
        self.handle_timer(now)
        return same_type(self._values[2], round(self._current(now)))

    def _close_period(self, end: _dt.datetime) -> None:
        self._integrate_to(end)
        self._history.append(self._integral)
        average = sum(self._history, Decimal(0)) / (self.period * len(self._history))
        self._values[3] = same_type(self._values[3], round(average))
        self._values[6] = self._stamp(end)
        self._start(end)

    def get_timer(self, now: _dt.datetime) -> _dt.datetime | None:
        return self._period_end

    def handle_timer(self, now: _dt.datetime) -> None:
        for _ in range(10_000):  # catch up with missed periods, boundedly
            if self._period_end is None or now < self._period_end:
                return
            self._close_period(self._period_end)

    def time_changed(self, now: _dt.datetime) -> None:
        if self._period_start is not None:
            local = self.objects.meter_time(now)
            self._period_end = self.objects.real_time(next_boundary(local, self.period))

    def _changed(self, index: int, now: _dt.datetime) -> None:
        if index in (8, 9):
            self._history = deque(maxlen=self.number_of_periods)
            self._start(now)

    def _method_1(self, parameter: Any, now: _dt.datetime) -> Any:
        """reset: both averages to zero, a new period starts now."""
        self._values[2] = same_type(self._values[2], 0)
        self._values[3] = same_type(self._values[3], 0)
        self._history.clear()
        self._start(now)
        return None

    def _method_2(self, parameter: Any, now: _dt.datetime) -> Any:
        """next_period: close the current period now and start the next."""
        if self._period_start is None:
            self._start(now)
        self._close_period(now)
        return None


class RegisterActivation(CosemObject):
    """Register activation (class_id 6): masks of registers, one of them active."""

    CLASS_ID = 6

    def _mask_names(self) -> list[bytes]:
        return [mask[0] for mask in self._values[3]]

    def _write_4(self, value: Any, now: _dt.datetime) -> None:
        if value not in self._mask_names():
            raise Refused(DataAccessResult.OTHER_REASON, "no mask of that name")
        self._values[4] = value

    def _write_3(self, value: Any, now: _dt.datetime) -> None:
        count = len(self._values[2])
        for mask in value:
            if any(not 1 <= int(i) <= count for i in mask[1]):
                raise Refused(DataAccessResult.OTHER_REASON, "a mask names no assigned register")
        self._values[3] = value

    def active_registers(self) -> list[tuple[int, bytes]]:
        """(class_id, logical_name) of the registers the active mask enables."""
        assigned = self._values[2]
        for name, indexes in self._values[3]:
            if name == self._values[4]:
                return [
                    (int(assigned[int(i) - 1][0]), assigned[int(i) - 1][1])
                    for i in indexes
                    if 1 <= int(i) <= len(assigned)
                ]
        return []

    def _method_1(self, parameter: Any, now: _dt.datetime) -> Any:
        """add_register(object_definition)."""
        if parameter in self._values[2]:
            raise Refused(ActionResult.OTHER_REASON, "register already assigned")
        self._values[2] = [*self._values[2], parameter]
        return None

    def _method_2(self, parameter: Any, now: _dt.datetime) -> Any:
        """add_mask(register_act_mask): a mask of an existing name is replaced."""
        count = len(self._values[2])
        if any(not 1 <= int(i) <= count for i in parameter[1]):
            raise Refused(ActionResult.OTHER_REASON, "the mask names no assigned register")
        masks = [m for m in self._values[3] if m[0] != parameter[0]]
        self._values[3] = [*masks, parameter]
        return None

    def _method_3(self, parameter: Any, now: _dt.datetime) -> Any:
        """delete_mask(mask_name)."""
        if parameter not in self._mask_names():
            raise Refused(ActionResult.OTHER_REASON, "no mask of that name")
        if parameter == self._values[4]:
            raise Refused(ActionResult.OTHER_REASON, "the active mask cannot be deleted")
        self._values[3] = [m for m in self._values[3] if m[0] != parameter]
        return None
