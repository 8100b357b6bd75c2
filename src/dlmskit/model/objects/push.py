"""Push setup (class_id 40, versions 0-2): what a push sends, to where, and when.

push builds the data of a DataNotification from push_object_list -- a structure with one
element per entry: the attribute's value (attribute 0: the whole object as a structure of
its attributes; a data_index above 0: that element), null-data where a value cannot be read.
Entries of version 1 and 2 may restrict a Profile generic buffer by date or entry and (2)
select its columns. The result is a :class:`PushEvent` in the registry's events: the
notification body and everything the session needs to send it (destination, transport,
message encoding, retries). Framing it as an APDU is the session's job.

Outside every communication window a push waits: the event is emitted when the next window
opens (get_timer says when).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Any

from dlmskit.axdr import Data, DoubleLongUnsigned, LongUnsigned
from dlmskit.cosem import DateTime, Obis
from dlmskit.cosem.dates import DateTimeError
from dlmskit.model.objects.base import CosemObject, ObjectEvent, Refused
from dlmskit.model.objects.timeutil import SEARCH_DAYS, next_occurrence, occurrences_between
from dlmskit.model.results import ActionResult

__all__ = ["PushEvent", "PushSetup"]


@dataclass(frozen=True, slots=True)
class PushEvent(ObjectEvent):
    """A push to send: the DataNotification body and how to send it."""

    body: Data
    #: The meter's time for the notification's date-time field.
    date_time: DateTime
    transport_service: int
    destination: bytes
    message: int
    #: The sender starts after a random delay of up to this many seconds.
    randomisation_start_interval: int
    number_of_retries: int
    #: long-unsigned seconds (v0, v1) or (min, exponent, max) (v2).
    repetition_delay: Any
    #: v1 and later: the client SAP to push to, and the port setup to use.
    client_sap: int | None = None
    port_reference: Obis | None = None


class PushSetup(CosemObject):
    CLASS_ID = 40

    def __init__(self, logical_name: Any, **values: Any) -> None:
        self.pending: list[_dt.datetime] = []
        self._due: _dt.datetime | None = None
        super().__init__(logical_name, **values)

    # -- building the body -----------------------------------------------------------------

    def _value_of(self, entry: Any, now: _dt.datetime) -> Any:
        class_id, ln, attribute, data_index = (
            int(entry[0]),
            entry[1],
            int(entry[2]),
            int(entry[3]),
        )
        restriction = entry[4] if len(entry) > 4 else None
        columns = list(entry[5]) if len(entry) > 5 else []
        objects = self.objects
        if class_id == 7 and attribute == 2 and (restriction is not None or columns):
            profile = objects.find(ln, 7)
            if profile is None:
                return None
            return self._restricted_buffer(profile, restriction, columns, now)
        try:
            return objects.read(class_id, ln, attribute, now, data_index)
        except Refused:
            return None

    def _restricted_buffer(
        self, profile: Any, restriction: Any, columns: list[Any], now: _dt.datetime
    ) -> Any:
        kind = int(restriction[0]) if restriction is not None else 0
        value = restriction[1] if restriction is not None else None
        try:
            if kind == 1 and isinstance(value, tuple):
                clock_column = next(
                    (c for c in profile.columns if int(c[0]) == 8 and int(c[2]) == 2), None
                )
                if clock_column is None:
                    return None
                return profile.read_by_range((clock_column, value[0], value[1], columns), now)
            if kind == 2 and isinstance(value, tuple):
                rows = profile.read_by_entry(
                    (
                        DoubleLongUnsigned(int(value[0])),
                        DoubleLongUnsigned(int(value[1])),
                        LongUnsigned(0),
                        LongUnsigned(0),
                    )
                )
            else:
                rows = profile.rows
            if columns:
                keep = [profile._column_of(c) for c in columns]
                rows = [tuple(row[i] for i in keep) for row in rows]
            return list(rows)
        except Refused:
            return None

    def build_body(self, now: _dt.datetime) -> Data:
        """The DataNotification body: one element per push_object_list entry."""
        return tuple(self._value_of(entry, now) for entry in self._values[2])

    def make_event(self, now: _dt.datetime) -> PushEvent:
        transport, destination, message = self._values[3]
        version = self.version
        return PushEvent(
            self.logical_name,
            now,
            body=self.build_body(now),
            date_time=DateTime.from_datetime(self.objects.meter_time(now)),
            transport_service=int(transport),
            destination=bytes(destination),
            message=int(message),
            randomisation_start_interval=int(self._values[5]),
            number_of_retries=int(self._values[6]),
            repetition_delay=self._values[7],
            client_sap=int(self._values[9]) if version >= 1 else None,
            port_reference=Obis.from_bytes(self._values[8]) if version >= 1 else None,
        )

    # -- communication windows ---------------------------------------------------------------

    def _windows(self) -> list[tuple[DateTime, DateTime]]:
        out = []
        for start, end in self._values[4]:
            try:
                out.append((DateTime.from_bytes(start), DateTime.from_bytes(end)))
            except DateTimeError:
                continue
        return out

    def in_window(self, now: _dt.datetime) -> bool:
        """Whether pushing is allowed now (no windows: always)."""
        windows = self._windows()
        if not windows:
            return True
        local = self.objects.meter_time(now).replace(tzinfo=None)
        for start, end in windows:
            opened = _last_occurrence(start, local)
            if opened is None:
                continue
            closes = next_occurrence(end, end, opened)
            if closes is not None and local <= closes:
                return True
        return False

    def next_window(self, now: _dt.datetime) -> _dt.datetime | None:
        local = self.objects.meter_time(now).replace(tzinfo=None)
        starts = [t for s, _ in self._windows() if (t := next_occurrence(s, s, local)) is not None]
        return self.objects.real_time(min(starts)) if starts else None

    def push(self, now: _dt.datetime) -> PushEvent | None:
        """Push now if a window is open (the event is returned and emitted), else wait for
        the next window (get_timer)."""
        if self.in_window(now):
            event = self.make_event(now)
            self.emit(event)
            return event
        self.pending.append(now)
        if self._due is None:
            self._due = self.next_window(now)
        return None

    def get_timer(self, now: _dt.datetime) -> _dt.datetime | None:
        return self._due if self.pending else None

    def handle_timer(self, now: _dt.datetime) -> None:
        if not self.pending:
            return
        if self.in_window(now):
            self.pending.clear()
            self._due = None
            self.emit(self.make_event(now))
        else:
            self._due = self.next_window(now)

    def time_changed(self, now: _dt.datetime) -> None:
        if self.pending:
            self._due = self.next_window(now)

    def _method_1(self, parameter: Any, now: _dt.datetime) -> Any:
        """push."""
        self.push(now)
        return None

    def _method_2(self, parameter: Any, now: _dt.datetime) -> Any:
        """reset (version 2): drop pending pushes."""
        if self.version < 2:
            raise Refused(ActionResult.OBJECT_UNDEFINED)
        self.pending.clear()
        self._due = None
        return None

    def confirm(self, now: _dt.datetime) -> None:
        """The destination confirmed a push (version 2): last_confirmation_date_time."""
        if self.version >= 2:
            self._values[13] = DateTime.from_datetime(self.objects.meter_time(now)).to_bytes()


def _last_occurrence(pattern: DateTime, local: _dt.datetime) -> _dt.datetime | None:
    """The latest time at or before ``local`` that a date-time pattern names (within 4 years)."""
    if pattern.is_fully_specified:
        moment = pattern.to_datetime().replace(tzinfo=None)
        return moment if moment <= local else None
    start = local - _dt.timedelta(days=SEARCH_DAYS)
    found = occurrences_between(pattern, pattern, start, local, limit=1)
    return found[-1] if found else None
