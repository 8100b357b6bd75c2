"""Many simulated meters in one process: built on first use, persisted, evicted when idle.

A meter that no connection has asked for costs nothing but its number: the model specs, the
class table and the generators' tables are shared, and a meter's objects are made from its
index when a client first reaches it (a few tens of milliseconds). When its last connection
ends, its changed values and counters are written to the state directory; beyond
``max_resident`` idle meters the least recently used are dropped from memory and rebuilt,
state restored, when asked for again.

Addressing (the pool is the :class:`~dlmskit.server.meter_server.Directory` of the server):

* one port for all meters: wrapper wPort ``first_wport + index`` reaches the management
  logical device (SAP 1) of meter ``index``; HDLC physical address ``first_physical + index``
  reaches meter ``index`` (every logical device by its upper address);
* one port per meter: :meth:`MeterPool.view` gives the directory of one meter, where wPorts
  are the logical device SAPs.
"""

from __future__ import annotations

import datetime as _dt
import logging
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any

from dlmskit.errors import LocalProtocolError
from dlmskit.server.device import Meter
from dlmskit.simulator.model import ModelSpec, build_meter
from dlmskit.simulator.state import MeterState, baseline, restore, snapshot

__all__ = ["MeterPool", "MeterView", "SimulatedClock"]

_log = logging.getLogger("dlmskit.simulator")


class SimulatedClock:
    """The simulation's ``now``: real time (``start`` None), or time that starts at ``start``
    and runs ``speed`` times as fast as real time."""

    def __init__(self, start: _dt.datetime | None = None, speed: float = 1.0) -> None:
        if start is not None and start.tzinfo is None:
            raise LocalProtocolError("the simulated start time must be aware (UTC offset)")
        if speed <= 0:
            raise LocalProtocolError("the speed of simulated time is positive")
        self.start = start
        self.speed = speed
        self._origin = time.monotonic()
        self._real_origin = _dt.datetime.now(_dt.UTC)

    def __call__(self) -> _dt.datetime:
        elapsed = (time.monotonic() - self._origin) * self.speed
        base = self.start if self.start is not None else self._real_origin
        if self.start is None and self.speed == 1.0:
            return _dt.datetime.now(_dt.UTC)
        return base + _dt.timedelta(seconds=elapsed)


class _Resident:
    __slots__ = ("base", "index", "meter", "state", "users")

    def __init__(self, index: int, meter: Meter, state: MeterState | None, base: Any) -> None:
        self.index = index
        self.meter = meter
        self.state = state
        self.base = base
        self.users = 0


class MeterPool:
    """``count`` meters of one model; see the module documentation for addressing."""

    def __init__(
        self,
        spec: ModelSpec,
        count: int = 1,
        *,
        clock: Any = None,
        state_dir: str | Path | None = None,
        first_wport: int = 1,
        first_physical: int = 0x10,
        max_resident: int = 1024,
    ) -> None:
        if count < 1:
            raise LocalProtocolError("a pool holds at least one meter")
        if first_wport < 1 or first_wport + count - 1 > 0xFFFF:
            raise LocalProtocolError(
                "wPorts first_wport .. first_wport + count - 1 must be 1..65535"
            )
        if first_physical < 0x10 or first_physical + count - 1 > 0x3FFD:
            raise LocalProtocolError("physical addresses must lie in 16..16381")
        self.spec = spec
        self.count = count
        self.clock = clock if clock is not None else SimulatedClock()
        self.state_dir = Path(state_dir) if state_dir is not None else None
        self.first_wport = first_wport
        self.first_physical = first_physical
        self.max_resident = max_resident
        self._resident: OrderedDict[int, _Resident] = OrderedDict()
        self._by_meter: dict[int, _Resident] = {}

    def __len__(self) -> int:
        return self.count

    @property
    def resident(self) -> int:
        """How many meters are built now."""
        return len(self._resident)

    def meter(self, index: int) -> Meter:
        """Meter ``index``, built (and its state restored) if it is not in memory."""
        if not 0 <= index < self.count:
            raise LocalProtocolError(f"meter {index} is not in the pool of {self.count}")
        entry = self._resident.get(index)
        if entry is not None:
            self._resident.move_to_end(index)
            return entry.meter
        serial, _ = self.spec.identity(index)
        state = MeterState(self.state_dir / serial) if self.state_dir is not None else None
        meter = build_meter(
            self.spec,
            index,
            now=self.clock(),
            stores=state.store if state is not None else None,
        )
        base = baseline(meter)
        if state is not None:
            data = state.load_values()
            if data is not None:
                restore(meter, data)
                _log.debug("meter %s continues from its saved state", serial)
        entry = _Resident(index, meter, state, base)
        self._resident[index] = entry
        self._by_meter[id(meter)] = entry
        self._evict()
        return meter

    def save(self, meter: Meter) -> None:
        """Write a meter's changed values and counters to its state directory."""
        entry = self._by_meter.get(id(meter))
        if entry is None or entry.state is None:
            return
        entry.state.save_values(snapshot(meter, entry.base))
        entry.state.flush()

    def save_all(self) -> None:
        for entry in list(self._resident.values()):
            self.save(entry.meter)

    def _evict(self) -> None:
        while len(self._resident) > self.max_resident:
            victim = next((e for e in self._resident.values() if e.users == 0), None)
            if victim is None:
                return
            self.save(victim.meter)
            del self._resident[victim.index]
            del self._by_meter[id(victim.meter)]

    # -- Directory -------------------------------------------------------------------------------

    def by_wport(self, wport: int) -> tuple[Meter, int] | None:
        index = wport - self.first_wport
        if not 0 <= index < self.count:
            return None
        return self.meter(index), 1

    def by_hdlc(self, physical_address: int | None) -> Meter | None:
        if physical_address is None:
            return None
        index = physical_address - self.first_physical
        if not 0 <= index < self.count:
            return None
        return self.meter(index)

    def hdlc_address(self, meter: Meter) -> int | None:
        entry = self._by_meter.get(id(meter))
        return None if entry is None else self.first_physical + entry.index

    def acquire(self, meter: Meter) -> None:
        entry = self._by_meter.get(id(meter))
        if entry is not None:
            entry.users += 1

    def release(self, meter: Meter) -> None:
        entry = self._by_meter.get(id(meter))
        if entry is None:
            return
        entry.users = max(0, entry.users - 1)
        if entry.users == 0:
            self.save(meter)
            self._evict()

    def view(self, index: int) -> MeterView:
        """The directory of meter ``index`` alone (one port per meter)."""
        return MeterView(self, index)


class MeterView:
    """One meter of a pool as a directory: wPorts are its logical device SAPs; HDLC with the
    model's physical address (None: one-byte server addresses)."""

    def __init__(self, pool: MeterPool, index: int) -> None:
        self.pool = pool
        self.index = index

    def by_wport(self, wport: int) -> tuple[Meter, int] | None:
        meter = self.pool.meter(self.index)
        return (meter, wport) if wport in meter.logical_devices else None

    def by_hdlc(self, physical_address: int | None) -> Meter | None:
        if physical_address != self.pool.spec.physical_address:
            return None
        return self.pool.meter(self.index)

    def hdlc_address(self, meter: Meter) -> int | None:
        return self.pool.spec.physical_address

    def acquire(self, meter: Meter) -> None:
        self.pool.acquire(meter)

    def release(self, meter: Meter) -> None:
        self.pool.release(meter)
