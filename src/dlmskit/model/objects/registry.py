"""The objects of one logical device, by logical name: the interface through which objects
reach each other and a server reaches them all."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from dlmskit.axdr import Data
from dlmskit.cosem import Obis
from dlmskit.errors import DlmsError, LocalProtocolError
from dlmskit.model.objects.base import (
    ActionOutcome,
    CosemObject,
    GetResult,
    ObjectEvent,
    Refused,
)
from dlmskit.model.results import ActionResult, DataAccessResult

if TYPE_CHECKING:
    from dlmskit.model.objects.clock import Clock

__all__ = ["CLOCK_LN", "CosemObjects"]

#: The logical name of the clock object (IEC 62056-6-1).
CLOCK_LN = Obis(0, 0, 1, 0, 0, 255)

#: How deeply scripts may call scripts (a script that runs itself must not hang the server).
MAX_SCRIPT_DEPTH = 8


class CosemObjects:
    """A registry of :class:`CosemObject` by logical name.

    It is what objects use to reach each other (:meth:`read`, :meth:`write`, :meth:`invoke`),
    what a server calls (:meth:`get`, :meth:`set`, :meth:`action`, :meth:`get_timer`,
    :meth:`handle_timer`), and where objects leave their :attr:`events`.
    """

    def __init__(self, objects: Iterable[CosemObject] = ()) -> None:
        self._by_ln: dict[Obis, CosemObject] = {}
        self._by_octets: dict[bytes, CosemObject] = {}
        #: Events the objects emitted, oldest first; the server drains them.
        self.events: list[ObjectEvent] = []
        self.script_depth = 0
        for obj in objects:
            self.add(obj)

    # -- membership ------------------------------------------------------------------------

    def add(self, obj: CosemObject) -> CosemObject:
        if obj.logical_name in self._by_ln:
            raise LocalProtocolError(f"an object {obj.logical_name} is already registered")
        self._by_ln[obj.logical_name] = obj
        self._by_octets[obj.logical_name.to_bytes()] = obj
        obj.attach(self)
        return obj

    def remove(self, logical_name: Obis | str) -> CosemObject:
        obj = self._by_ln.pop(_ln(logical_name))
        del self._by_octets[obj.logical_name.to_bytes()]
        obj.attach(None)
        return obj

    def find(
        self, logical_name: Obis | str | bytes, class_id: int | None = None
    ) -> CosemObject | None:
        """The object with that logical name (and class), or None."""
        if type(logical_name) is bytes:
            obj = self._by_octets.get(logical_name)
        else:
            try:
                obj = self._by_ln.get(_ln(logical_name))
            except LocalProtocolError:
                return None
        if obj is None or (class_id is not None and obj.class_id != class_id):
            return None
        return obj

    def __getitem__(self, logical_name: Obis | str) -> CosemObject:
        obj = self.find(logical_name)
        if obj is None:
            raise KeyError(str(logical_name))
        return obj

    def __contains__(self, logical_name: object) -> bool:
        return isinstance(logical_name, Obis | str | bytes) and self.find(logical_name) is not None

    def __iter__(self) -> Iterator[CosemObject]:
        return iter(list(self._by_ln.values()))

    def __len__(self) -> int:
        return len(self._by_ln)

    def of_class(self, class_id: int) -> list[CosemObject]:
        return [o for o in self._by_ln.values() if o.class_id == class_id]

    def drain_events(self) -> list[ObjectEvent]:
        events, self.events = self.events, []
        return events

    # -- the server's services, addressed by class and logical name -------------------------

    def _target(
        self, class_id: int, logical_name: Obis | str | bytes
    ) -> CosemObject | DataAccessResult:
        obj = self.find(logical_name)
        if obj is None:
            return DataAccessResult.OBJECT_UNDEFINED
        if obj.class_id != class_id:
            return DataAccessResult.OBJECT_CLASS_INCONSISTENT
        return obj

    def get(
        self,
        class_id: int,
        logical_name: Obis | str | bytes,
        attribute: int,
        *,
        now: _dt.datetime,
        selector: int | None = None,
        parameters: Data = None,
    ) -> GetResult:
        obj = self._target(class_id, logical_name)
        if isinstance(obj, DataAccessResult):
            return GetResult(obj)
        return obj.get(attribute, now=now, selector=selector, parameters=parameters)

    def set(
        self,
        class_id: int,
        logical_name: Obis | str | bytes,
        attribute: int,
        value: Any,
        *,
        now: _dt.datetime,
        selector: int | None = None,
        parameters: Data = None,
    ) -> DataAccessResult:
        obj = self._target(class_id, logical_name)
        if isinstance(obj, DataAccessResult):
            return obj
        result = obj.set(attribute, value, now=now, selector=selector, parameters=parameters)
        if result is DataAccessResult.SUCCESS:
            self.poll(now)
        return result

    def action(
        self,
        class_id: int,
        logical_name: Obis | str | bytes,
        method: int,
        parameter: Data = None,
        *,
        now: _dt.datetime,
    ) -> ActionOutcome:
        obj = self._target(class_id, logical_name)
        if isinstance(obj, DataAccessResult):
            return ActionOutcome(ActionResult.from_access(obj))
        outcome = obj.action(method, parameter, now=now)
        if outcome.ok:
            self.poll(now)
        return outcome

    # -- what objects use among themselves ---------------------------------------------------

    def read(
        self,
        class_id: int,
        logical_name: Obis | str | bytes,
        attribute: int,
        now: _dt.datetime,
        data_index: int = 0,
    ) -> Data:
        """An attribute's value for another object (Refused when it cannot be had).

        ``attribute`` 0 is the whole object: a structure of all its attributes. A
        ``data_index`` above 0 picks that element (1-based) of an array or structure.
        """
        obj = self._target(class_id, logical_name)
        if isinstance(obj, DataAccessResult):
            raise Refused(obj, f"{logical_name!s}")
        if attribute == 0:
            values = []
            for index in range(1, obj.definition.attribute_count + 1):
                result = obj.get(index, now=now)
                values.append(result.value if result.ok else None)
            value: Data = tuple(values)
        else:
            result = obj.get(attribute, now=now)
            if not result.ok:
                raise Refused(result.result, f"{obj.logical_name} attribute {attribute}")
            value = result.value
        if data_index > 0:
            if not isinstance(value, list | tuple) or data_index > len(value):
                raise Refused(DataAccessResult.OTHER_REASON, f"no element {data_index}")
            value = value[data_index - 1]
        return value

    def write(
        self,
        class_id: int,
        logical_name: Obis | str | bytes,
        attribute: int,
        value: Any,
        now: _dt.datetime,
    ) -> DataAccessResult:
        obj = self._target(class_id, logical_name)
        if isinstance(obj, DataAccessResult):
            return obj
        return obj.set(attribute, value, now=now)

    def invoke(
        self,
        class_id: int,
        logical_name: Obis | str | bytes,
        method: int,
        parameter: Any,
        now: _dt.datetime,
    ) -> ActionOutcome:
        obj = self._target(class_id, logical_name)
        if isinstance(obj, DataAccessResult):
            return ActionOutcome(ActionResult.from_access(obj))
        return obj.action(method, parameter, now=now)

    def run_script(
        self, logical_name: Obis | str | bytes, selector: int, now: _dt.datetime
    ) -> ActionResult:
        """Run script ``selector`` of the Script table ``logical_name`` (for schedules,
        calendars, monitors). Script id 0 and an all-zero logical name mean "no script"."""
        try:
            ln = _ln(logical_name)
        except LocalProtocolError:
            return ActionResult.OTHER_REASON
        if ln == Obis(0, 0, 0, 0, 0, 0) or selector == 0:
            return ActionResult.SUCCESS
        from dlmskit.axdr import LongUnsigned

        return self.invoke(9, ln, 1, LongUnsigned(selector), now).result

    # -- time --------------------------------------------------------------------------------

    @property
    def clock(self) -> Clock | None:
        from dlmskit.model.objects.clock import Clock

        found = self._by_ln.get(CLOCK_LN)
        if isinstance(found, Clock):
            return found
        for obj in self._by_ln.values():
            if isinstance(obj, Clock):
                return obj
        return None

    def meter_time(self, now: _dt.datetime) -> _dt.datetime:
        """The meter's local time as an aware datetime (UTC when there is no clock)."""
        clock = self.clock
        if clock is None:
            return _aware(now)
        return clock.local_time(now)

    def real_time(self, meter_local: _dt.datetime) -> _dt.datetime:
        """The ``now`` at which the meter's clock shows ``meter_local`` (naive: local)."""
        clock = self.clock
        if clock is None:
            return meter_local if meter_local.tzinfo else meter_local.replace(tzinfo=_dt.UTC)
        return clock.real_time(meter_local)

    def get_timer(self, now: _dt.datetime) -> _dt.datetime | None:
        """The earliest time an object wants :meth:`handle_timer` (None: no timer)."""
        times = [t for obj in self._by_ln.values() if (t := obj.get_timer(now)) is not None]
        return min(times) if times else None

    def handle_timer(self, now: _dt.datetime) -> None:
        """Let every object do what is due at ``now``, then re-evaluate the monitors."""
        for obj in list(self._by_ln.values()):
            timer = obj.get_timer(now)
            if timer is not None and timer <= now:
                obj.handle_timer(now)
        self.poll(now)

    def poll(self, now: _dt.datetime) -> None:
        """Let monitors and limiters look at the values they watch."""
        for obj in list(self._by_ln.values()):
            obj.poll(now)

    def time_changed(self, now: _dt.datetime) -> None:
        for obj in list(self._by_ln.values()):
            obj.time_changed(now)


def _ln(value: Any) -> Obis:
    try:
        return Obis.parse(value)
    except DlmsError as exc:
        raise LocalProtocolError(str(exc)) from None


def _aware(now: _dt.datetime) -> _dt.datetime:
    if now.tzinfo is None:
        raise LocalProtocolError("now must be an aware datetime (e.g. datetime.now(UTC))")
    return now
