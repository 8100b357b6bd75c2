"""A meter as the server sees it: logical devices, their associations, the state they share.

Sans-IO: nothing here touches a socket or a clock.

* :class:`LogicalDevice` -- one logical device (a SAP): its object registry, the association
  settings per client SAP, and the security state those associations share: the meter's
  sending invocation counter per key (durable when a store factory is given) and the replay
  guard per client.
* :class:`Meter` -- the physical device: its logical devices by SAP, its quirks, its timers.
* :class:`MeterConnection` -- what one transport connection reaches: a
  :class:`~dlmskit.association.server.ServerAssociation` per (client SAP, logical device),
  made on the first APDU and bounded in number.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import logging
from collections.abc import Callable, Iterable, Mapping
from typing import Final

from dlmskit.apdu import AARE, AcseServiceUser, AssociationResult
from dlmskit.association.quirks import NO_QUIRKS, MeterQuirks
from dlmskit.association.server import AssociationSettings, ServerAssociation
from dlmskit.errors import LocalProtocolError
from dlmskit.model.objects import CosemObjects, ObjectEvent
from dlmskit.security import CounterStore, InvocationCounter, MemoryCounterStore, ReplayGuard

__all__ = ["LogicalDevice", "Meter", "MeterConnection", "StoreFactory"]

_log = logging.getLogger("dlmskit.server")

#: ``name -> durable store`` for invocation counters and replay guards (None: in memory).
StoreFactory = Callable[[str], CounterStore]

#: Associations one connection may hold at once (different client SAPs / logical devices).
MAX_ASSOCIATIONS_PER_CONNECTION: Final = 8


class LogicalDevice:
    """One logical device: a SAP, its objects and how each client SAP is served."""

    def __init__(
        self,
        sap: int,
        objects: CosemObjects,
        associations: Mapping[int, AssociationSettings] | Iterable[AssociationSettings],
        *,
        name: bytes = b"",
        stores: StoreFactory | None = None,
    ) -> None:
        if not 1 <= sap <= 0x3FFF:
            raise LocalProtocolError(f"a logical device SAP is 1..16383, not {sap}")
        self.sap = sap
        self.objects = objects
        items = associations.values() if isinstance(associations, Mapping) else associations
        self.associations: dict[int, AssociationSettings] = {}
        for settings in items:
            if settings.client_sap in self.associations:
                raise LocalProtocolError(f"client SAP {settings.client_sap} configured twice")
            objects_association = objects.find(settings.association)
            if objects_association is None:
                raise LocalProtocolError(
                    f"client {settings.client_sap}: no association object {settings.association}"
                )
            self.associations[settings.client_sap] = settings
        self.name = name
        self.stores = stores
        self._counters: dict[bytes, InvocationCounter] = {}
        self._replays: dict[int, ReplayGuard] = {}

    def __repr__(self) -> str:
        return f"<LogicalDevice {self.sap} clients {sorted(self.associations)}>"

    def _store(self, name: str) -> CounterStore:
        return self.stores(name) if self.stores is not None else MemoryCounterStore()

    def counter(self, client_sap: int) -> InvocationCounter | None:
        """The meter's sending invocation counter for the keys of this client's association:
        one per unicast key of the logical device, shared by every association using it."""
        settings = self.associations.get(client_sap)
        if settings is None or settings.security is None:
            return None
        unicast = settings.security.keys.unicast
        key = hashlib.sha256(unicast.reveal()).digest() if unicast is not None else b""
        counter = self._counters.get(key)
        if counter is None:
            # from 1, not 0: some clients (dlms-cosem) take a counter of 0 for a replay, and
            # skipping a value is allowed where reusing one is not
            counter = InvocationCounter(
                self._store(f"ld{self.sap}-client{client_sap}-sent"), start=1
            )
            self._counters[key] = counter
        return counter

    def replay_guard(self, client_sap: int) -> ReplayGuard:
        """The lowest invocation counter this client may use next (all its connections)."""
        guard = self._replays.get(client_sap)
        if guard is None:
            guard = ReplayGuard(self._store(f"ld{self.sap}-client{client_sap}-received"))
            self._replays[client_sap] = guard
        return guard

    def open(self, client_sap: int, *, quirks: MeterQuirks = NO_QUIRKS) -> ServerAssociation | None:
        """A new association machine for one connection of this client (None: the client
        SAP is not configured here)."""
        settings = self.associations.get(client_sap)
        if settings is None:
            return None
        return ServerAssociation(
            self.objects,
            settings,
            server_sap=self.sap,
            counter=self.counter(client_sap),
            replay=self.replay_guard(client_sap),
            quirks=quirks,
        )


class Meter:
    """A physical device: logical devices by SAP (1 is the management logical device)."""

    def __init__(
        self,
        logical_devices: Iterable[LogicalDevice],
        *,
        quirks: MeterQuirks = NO_QUIRKS,
        name: str = "meter",
    ) -> None:
        self.logical_devices: dict[int, LogicalDevice] = {}
        for device in logical_devices:
            if device.sap in self.logical_devices:
                raise LocalProtocolError(f"logical device SAP {device.sap} used twice")
            self.logical_devices[device.sap] = device
        if not self.logical_devices:
            raise LocalProtocolError("a meter has at least one logical device")
        self.quirks = quirks
        self.name = name

    def __repr__(self) -> str:
        return f"<Meter {self.name} logical devices {sorted(self.logical_devices)}>"

    def get_timer(self, now: _dt.datetime) -> _dt.datetime | None:
        """When the objects of some logical device next want :meth:`handle_timer`."""
        timers = [t for d in self.logical_devices.values() if (t := d.objects.get_timer(now))]
        return min(timers) if timers else None

    def handle_timer(self, now: _dt.datetime) -> list[tuple[LogicalDevice, ObjectEvent]]:
        """Run what is due; return the events the objects emitted (pushes, ...)."""
        events: list[tuple[LogicalDevice, ObjectEvent]] = []
        for device in self.logical_devices.values():
            device.objects.handle_timer(now)
            events += [(device, e) for e in device.objects.drain_events()]
        return events

    def drain_events(self) -> list[tuple[LogicalDevice, ObjectEvent]]:
        """Events emitted while serving requests (a push method invoked, ...)."""
        events: list[tuple[LogicalDevice, ObjectEvent]] = []
        for device in self.logical_devices.values():
            events += [(device, e) for e in device.objects.drain_events()]
        return events


class MeterConnection:
    """The associations one transport connection holds with a meter.

    :meth:`receive` routes an APDU by (client SAP, logical device SAP) to its association
    machine, made on first use. An APDU for an unknown logical device gets no answer (the
    wrapper and HDLC drop them too); an AARQ from an unconfigured client SAP gets an AARE
    refusal, anything else from it no answer.
    """

    def __init__(
        self, meter: Meter, *, max_associations: int = MAX_ASSOCIATIONS_PER_CONNECTION
    ) -> None:
        self.meter = meter
        self.max_associations = max_associations
        self.associations: dict[tuple[int, int], ServerAssociation] = {}
        #: a request changed something (a SET, an ACTION): timers and events to look at
        self.modified = False

    def association(self, client_sap: int, server_sap: int) -> ServerAssociation | None:
        key = (client_sap, server_sap)
        found = self.associations.get(key)
        if found is not None:
            return found
        device = self.meter.logical_devices.get(server_sap)
        if device is None or len(self.associations) >= self.max_associations:
            return None
        found = device.open(client_sap, quirks=self.meter.quirks)
        if found is not None:
            self.associations[key] = found
        return found

    def receive(
        self, client_sap: int, server_sap: int, apdu: bytes, now: _dt.datetime
    ) -> list[bytes]:
        association = self.association(client_sap, server_sap)
        if association is None:
            device = self.meter.logical_devices.get(server_sap)
            if device is not None and apdu[:1] == b"\x60":
                # a configured client beyond this connection's associations: try again later;
                # a client the logical device does not know: never
                known = client_sap in device.associations
                _log.debug(
                    "AARQ from client %d to %d refused: %s",
                    client_sap,
                    server_sap,
                    "too many associations" if known else "unconfigured client",
                )
                result = (
                    AssociationResult.REJECTED_TRANSIENT
                    if known
                    else AssociationResult.REJECTED_PERMANENT
                )
                return [AARE(result, AcseServiceUser.NO_REASON_GIVEN).encode()]
            _log.debug(
                "APDU from client %d to %d dropped: no such association", client_sap, server_sap
            )
            return []
        before = association.modifications
        replies = association.receive(apdu, now)
        if association.modifications != before:
            self.modified = True
        for event in association.events():  # (an internal error was logged where it happened)
            _log.debug("client %d -> %d: %r", client_sap, server_sap, event)
        return replies

    def close(self, client_sap: int | None = None, server_sap: int | None = None) -> None:
        """The link of one pair (or, without arguments, of all) went away."""
        for key, association in list(self.associations.items()):
            if client_sap is None or key == (client_sap, server_sap):
                association.close()
                del self.associations[key]
