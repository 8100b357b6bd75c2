"""What a simulated meter keeps across restarts: its state directory.

``<state dir>/<serial>/`` holds

* the meter's sending invocation counters (``*-sent.counter``): durable before use, as
  :class:`~dlmskit.security.FileCounterStore` writes them (a restarted meter never reuses an
  IV);
* the lowest invocation counter each client may use next (``*-received.counter``), written
  when the meter is released or the simulator stops (so replays stay refused after a
  restart);
* ``values.json``: what clients changed -- every writable attribute whose value differs from
  the model, the offsets of generated registers (a reset register stays reset), the clock's
  offset from real time, association secrets changed by change_HLS_secret.

Files are written atomically (temporary file, fsync, rename) and readable only by their
owner: they may hold secrets.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

from dlmskit.axdr import from_json, to_json
from dlmskit.errors import DlmsError
from dlmskit.model.classdef import Access
from dlmskit.model.objects import AssociationLN, AssociationSN, Clock, ProfileGeneric
from dlmskit.security import CounterStore, FileCounterStore
from dlmskit.server.device import Meter

__all__ = ["MeterState", "baseline", "restore", "snapshot"]

_log = logging.getLogger("dlmskit.simulator")
_VALUES = "values.json"


class _WriteBehindStore:
    """A counter kept in memory and written to its file on :meth:`flush` (replay guards:
    losing the last few after a crash only lets a replay of those through, it reuses no
    IV)."""

    def __init__(self, path: Path) -> None:
        self.file = FileCounterStore(path)
        self.value = self.file.load()
        self.dirty = False

    def load(self) -> int | None:
        return self.value

    def save(self, value: int) -> None:
        self.value = value
        self.dirty = True

    def flush(self) -> None:
        if self.dirty and self.value is not None:
            self.file.save(self.value)
            self.dirty = False


class MeterState:
    """The state directory of one simulated meter."""

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._guards: list[_WriteBehindStore] = []

    def store(self, name: str) -> CounterStore:
        """The store a logical device asks for (``ld1-client1-sent``, ...)."""
        path = self.directory / f"{name}.counter"
        if name.endswith("-sent"):
            return FileCounterStore(path)
        guard = _WriteBehindStore(path)
        self._guards.append(guard)
        return guard

    def flush(self) -> None:
        for guard in self._guards:
            guard.flush()

    def load_values(self) -> dict[str, Any] | None:
        path = self.directory / _VALUES
        try:
            data = json.loads(path.read_text("utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            _log.warning("state of %s not read (%s): the meter starts afresh", path, exc)
            return None
        return data if isinstance(data, dict) else None

    def save_values(self, data: dict[str, Any]) -> None:
        path = self.directory / _VALUES
        text = json.dumps(data, indent=1, sort_keys=True)
        fd, tmp = tempfile.mkstemp(prefix=".values.", dir=self.directory)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise


def _writable(obj: Any) -> list[int]:
    if isinstance(obj, ProfileGeneric):
        return [a.index for a in obj.definition.attributes if a.index not in (1, 2, 7)]
    return [a.index for a in obj.definition.attributes if a.index != 1 and a.access & Access.WRITE]


Baseline = dict[tuple[int, bytes], tuple[Any, ...]]


def baseline(meter: Meter) -> Baseline:
    """The model's values of every writable attribute (references, not copies: the objects
    replace their values, they do not change them in place), to compare against later."""
    out: Baseline = {}
    for sap, device in meter.logical_devices.items():
        for obj in device.objects:
            values = tuple(obj.value(i) for i in _writable(obj))
            if values:
                out[sap, bytes(obj.logical_name)] = values
    return out


def snapshot(meter: Meter, base: Baseline) -> dict[str, Any]:
    """What differs from the model now, as typed JSON."""
    devices: dict[str, Any] = {}
    for sap, device in meter.logical_devices.items():
        objects: dict[str, Any] = {}
        for obj in device.objects:
            ln = str(obj.logical_name)
            entry: dict[str, Any] = {}
            initial = base.get((sap, bytes(obj.logical_name)), ())
            changed = {
                str(i): to_json(obj.value(i))
                for i, first in zip(_writable(obj), initial, strict=False)
                if obj.value(i) != first
            }
            if changed:
                entry["attributes"] = changed
            offsets = getattr(obj, "_offsets", None)
            if offsets:
                entry["offsets"] = {str(k): v for k, v in offsets.items()}
            if isinstance(obj, Clock) and obj.offset:
                entry["clock_offset"] = obj.offset.total_seconds()
            if isinstance(obj, AssociationLN | AssociationSN) and obj.secret:
                entry["secret"] = obj.secret.hex()
            if entry:
                objects[ln] = entry
        devices[str(sap)] = objects
    return {"format": 1, "logical_devices": devices}


def restore(meter: Meter, data: dict[str, Any]) -> None:
    """Put a snapshot back (what does not fit the model any more is skipped, logged)."""
    import datetime as _dt

    for sap_text, objects in dict(data.get("logical_devices", {})).items():
        device = meter.logical_devices.get(int(sap_text))
        if device is None or not isinstance(objects, dict):
            continue
        for ln, entry in objects.items():
            obj = device.objects.find(ln)
            if obj is None or not isinstance(entry, dict):
                continue
            try:
                for index_text, value in dict(entry.get("attributes", {})).items():
                    obj.store(int(index_text), from_json(value))
                offsets = entry.get("offsets")
                if offsets and hasattr(obj, "_offsets"):
                    obj._offsets.update({int(k): float(v) for k, v in offsets.items()})
                if isinstance(obj, Clock) and "clock_offset" in entry:
                    obj._offset = _dt.timedelta(seconds=float(entry["clock_offset"]))
                if isinstance(obj, AssociationLN | AssociationSN) and "secret" in entry:
                    obj._secret = bytes.fromhex(entry["secret"])
            except (DlmsError, ValueError, TypeError) as exc:
                _log.warning("state of %s not restored: %s", ln, exc)
