"""The asyncio client: one meter, one link, one association at a time.

>>> import asyncio
>>> from dlmskit import Client
>>> async def read() -> None:                                   # doctest: +SKIP
...     async with Client("tcp://127.0.0.1:4059") as meter:
...         energy = await meter.get("1-0:1.8.0", 2)            # Quantity('12345.678', kWh)
...         clock = await meter.get("0-0:1.0.0", 2)             # a COSEM DateTime
...         async for row in meter.profile("1-0:99.1.0", start=day, end=next_day):
...             print(row.timestamp, row.values)

:class:`Client` opens the link named by a connection string (see
:mod:`dlmskit.client.target`), establishes the association with the mechanism and
security asked (optionally reading the meter's invocation counter over the public client
first), and serves ``get``/``get_many``/``set``/``action`` by OBIS code and attribute or
method index. Values come back typed through :mod:`dlmskit.model`: scaler and unit applied
where the class defines them (scaler_unit read once per object and cached), enums named,
date-times as :class:`~dlmskit.cosem.DateTime`. A meter's refusal of one attribute is its
:class:`~dlmskit.apdu.DataAccessResult` in the place of the value; a refusal of the whole
request is the :class:`~dlmskit.apdu.ExceptionResponse` or
:class:`~dlmskit.apdu.ConfirmedServiceError` it sent.

``close`` (and leaving ``async with``) releases the association and disconnects the link on
every path -- after an error, a time-out or a cancellation too. Pushes that arrive
meanwhile wait in :attr:`Client.pushes`.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import AsyncGenerator, Callable, Iterable, Sequence
from itertools import repeat
from typing import Any, Final, cast

from dlmskit._gc import paused as collector_paused
from dlmskit.apdu import (
    ABSENT,
    Absent,
    ActionResponseItem,
    AttributeWithSelection,
    ConfirmedServiceError,
    CosemAttributeDescriptor,
    CosemMethodDescriptor,
    DataAccessResult,
    ExceptionResponse,
    ParameterizedAccess,
    SelectiveAccessDescriptor,
    VariableName,
)
from dlmskit.apdu.xdlms import ExceptionServiceError
from dlmskit.association.ciphering import SecurityContext
from dlmskit.association.client import (
    ActionDone,
    Associated,
    AssociationRejected,
    ClientAssociation,
    ClientSettings,
    DataBlock,
    Event,
    GetDone,
    Negotiated,
    Progress,
    PushReceived,
    ReadDone,
    Released,
    RequestRefused,
    SetDone,
    State,
    WriteDone,
)
from dlmskit.association.quirks import ClientQuirks
from dlmskit.axdr import Data
from dlmskit.client.errors import (
    AssociationRefusedError,
    ClientStateError,
    RequestTimeoutError,
    UnknownObjectError,
)
from dlmskit.client.links import Link, open_link
from dlmskit.client.objects import ObjectInfo, parse_object_list, parse_sn_object_list
from dlmskit.client.profile import (
    ProfileProgress,
    ProfileRow,
    RowStream,
    column_batch_typer,
    make_profile_row,
    select_columns,
    selective_access,
)
from dlmskit.client.state import CounterFiles
from dlmskit.client.target import Target
from dlmskit.cosem import DateTime, Obis, ScalerUnit
from dlmskit.errors import DlmsError, LocalProtocolError, RemoteProtocolError
from dlmskit.link.errors import LinkTimeoutError
from dlmskit.link.hdlc.events import StationSettings
from dlmskit.model import UnknownClassError, get_class
from dlmskit.model.schema import SCALER_UNIT, Choice, Scaled, Schema, SchemaError, TypeContext
from dlmskit.model.typed import Column, ScalerTable
from dlmskit.security import Credentials, Mechanism, Secret

__all__ = ["Client", "Trace"]

_log = logging.getLogger("dlmskit.client")

#: ``trace(direction, layer, data)``: ``"tx"`` or ``"rx"``, the layer (``"apdu"``) and the
#: octets, for every APDU sent or received (the shape of the command line's trace hook).
Trace = Callable[[str, str, bytes], None]
ProgressCallback = Callable[[ProfileProgress], None]

CURRENT_ASSOCIATION_LN: Final = Obis(0, 0, 40, 0, 0, 255)
PUBLIC_CLIENT: Final = 16
DEFAULT_COUNTER_OBIS: Final = Obis(0, 0, 43, 1, 0, 255)
_TERMINAL: Final = (
    GetDone,
    SetDone,
    ActionDone,
    ReadDone,
    WriteDone,
    RequestRefused,
    Associated,
    AssociationRejected,
    Released,
)
#: Short-name offset of method 1 from an object's base name, per class (IEC 62056-6-2 SN
#: referencing; the same in Gurux's getActionInfo and pydlms's sn_methods tables).
SN_METHOD_OFFSETS: Final = {
    3: 0x28,
    4: 0x38,
    5: 0x48,
    6: 0x30,
    7: 0x58,
    8: 0x60,
    9: 0x20,
    11: 0x10,
    12: 0x20,
    15: 0x60,
    17: 0x20,
    18: 0x40,
    20: 0x50,
    40: 0x38,
    42: 0x60,
    64: 0x30,
    70: 0x20,
}
_SN_SECURITY_SETUP_V0: Final = 0x28

Refusal = DataAccessResult | ExceptionResponse | ConfirmedServiceError


def _obis(value: Obis | str | bytes) -> Obis:
    try:
        return Obis.parse(value)
    except (ValueError, TypeError) as exc:
        raise LocalProtocolError(f"not a logical name: {value!r} ({exc})") from None


def _has_scaled(schema: Schema) -> bool:
    if isinstance(schema, Scaled):
        return True
    if isinstance(schema, Choice):
        return any(_has_scaled(o) for o in schema.options)
    return False


class Client:
    """An asyncio DLMS/COSEM client for one meter (see the module documentation).

    ``target``: a connection string (``tcp://``, ``udp://``, ``hdlc+tcp://``,
    ``hdlc+udp://``, ``serial://``) or a :class:`Target`; ``client_address``,
    ``server_address`` (logical device), ``physical_address``, ``address_size``,
    ``baudrate``, ``mode_e`` complete it. Authentication: ``mechanism`` with ``password``
    (LLS, and the HLS secret of mechanisms 2/3/4/6) or ``credentials``, and the client's
    ``system_title`` (HLS-SHA256 and ECDSA without ciphering); ciphering: ``security`` (a
    :class:`SecurityContext`, which holds the system title), ``dedicated_key``.
    ``settings`` gives every association setting at once instead (the individual options
    then must be left out).

    ``state_dir``: where the invocation counters live (see
    :mod:`dlmskit.client.state`; ``False`` keeps them in memory -- tests only).
    ``read_invocation_counter``: read the meter's view of our counter over the public
    client first (True: at 0-0:43.1.0.255, or an OBIS code). ``timeout`` (seconds for each
    answer), ``retries`` (time-outs before giving up; GET and READ only, or every request
    with ``retry_writes``), ``quirks``, ``trace`` (every APDU in and out), ``hdlc``
    (:class:`~dlmskit.link.hdlc.events.StationSettings`).
    """

    def __init__(
        self,
        target: str | Target,
        *,
        client_address: int | None = None,
        server_address: int | None = None,
        physical_address: int | None = None,
        address_size: int | None = None,
        baudrate: int | None = None,
        mode_e: bool | None = None,
        mechanism: Mechanism | int | None = None,
        password: bytes | str | Secret | None = None,
        credentials: Credentials | None = None,
        security: SecurityContext | None = None,
        dedicated_key: bool | bytes = False,
        system_title: bytes | None = None,
        short_names: bool | None = None,
        settings: ClientSettings | None = None,
        quirks: ClientQuirks | None = None,
        state_dir: str | Any = None,
        read_invocation_counter: bool | str | Obis = False,
        timeout: float = 10.0,
        retries: int = 1,
        retry_writes: bool = False,
        hdlc: StationSettings | None = None,
        trace: Trace | None = None,
    ) -> None:
        options = {
            "client_address": client_address,
            "server_address": server_address,
            "physical_address": physical_address,
            "address_size": address_size,
            "baudrate": baudrate,
            "mode_e": mode_e,
        }
        if isinstance(target, Target):
            given = {k: v for k, v in options.items() if v is not None}
            self.target = dataclasses.replace(target, **given) if given else target  # type: ignore[arg-type]
        else:
            self.target = Target.parse(target, **options)
        if settings is None:
            if isinstance(password, str):
                password = password.encode()
            if credentials is None:
                credentials = Credentials(secret=Secret(password) if password else None)
            elif password is not None:
                raise LocalProtocolError("give the password or credentials, not both")
            settings = ClientSettings(
                short_names=bool(short_names),
                mechanism=Mechanism(int(mechanism or 0)),
                credentials=credentials,
                security=security,
                dedicated_key=dedicated_key,
                system_title=system_title if security is None else None,
                quirks=quirks or ClientQuirks(),
            )
        elif (
            any(
                v is not None and v is not False
                for v in (mechanism, password, credentials, security, short_names, quirks)
            )
            or dedicated_key
            or system_title is not None
        ):
            raise LocalProtocolError("give settings, or the individual association options")
        self.settings = settings
        self.quirks = settings.quirks
        self.timeout = timeout
        self.retries = retries
        self.retry_writes = retry_writes
        self.hdlc = hdlc
        self.trace = trace
        self.pushes: asyncio.Queue[PushReceived] = asyncio.Queue()
        self._read_counter = read_invocation_counter
        self._counters = None if state_dir is False else CounterFiles(state_dir)
        counter = replay = None
        if settings.security is not None and self._counters is not None:
            key = settings.security.keys.unicast
            if key is not None:
                counter = self._counters.counter(settings.security.system_title, key)
                if not settings.quirks.meter_counter_restarts:
                    replay = self._counters.replay_guard(settings.security.system_title, key)
        self.association = ClientAssociation(settings, counter=counter, replay=replay)
        self._link: Link | None = None
        self._lock = asyncio.Lock()
        self._objects: list[ObjectInfo] | None = None
        self._by_name: dict[Obis, ObjectInfo] = {}
        self._scalers: dict[tuple[int, Obis], ScalerUnit | None] = {}
        self._capture: dict[Obis, tuple[list[Column], int | None]] = {}

    def __repr__(self) -> str:
        return f"<Client {self.target.describe()} {self.association.state.value}>"

    # -- connection --------------------------------------------------------------------------

    @property
    def negotiated(self) -> Negotiated | None:
        return self.association.negotiated

    @property
    def connected(self) -> bool:
        return self._link is not None and self.association.state is State.ASSOCIATED

    @property
    def link(self) -> Link | None:
        return self._link

    async def __aenter__(self) -> Client:
        await self.connect()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def connect(self, link: Link | None = None) -> Negotiated:
        """Open the link (or take ``link``, already open) and establish the association;
        AssociationRefusedError when the meter refuses (the link is closed again)."""
        if self._link is not None:
            raise ClientStateError("already connected")
        if self._read_counter:
            await self._sync_invocation_counter()
        if link is None:
            link = await open_link(self.target, timeout=self.timeout, hdlc=self.hdlc)
        self._link = link
        try:
            event = await self._associate()
            if (
                isinstance(event, AssociationRejected)
                and self._counter_hint(event)
                and self.association.state is State.IDLE
            ):
                event = await self._associate()  # once more, with the counter it expects
            if isinstance(event, AssociationRejected):
                raise AssociationRefusedError(event)
            assert isinstance(event, Associated)
            _log.info("associated with %s: %r", self.target.describe(), event.negotiated)
            return event.negotiated
        except BaseException:
            await self._drop()
            raise

    async def _associate(self) -> Event:
        return await self._exchange(self.association.associate, retry=True)

    def _counter_hint(self, event: AssociationRejected) -> bool:
        """A meter that refuses our invocation counter and says which one it expects: move
        ours there (never back) and say whether to try again."""
        error = event.error
        ciphering = self.association.ciphering
        if (
            isinstance(error, ExceptionResponse)
            and error.service_error == ExceptionServiceError.INVOCATION_COUNTER_ERROR
            and error.invocation_counter is not None
            and ciphering is not None
        ):
            return ciphering.counter.advance_to(error.invocation_counter + 1)
        return False

    async def _sync_invocation_counter(self) -> None:
        """Read the meter's invocation counter for our key over the public client, and never
        send less than one above it."""
        ciphering = self.association.ciphering
        if ciphering is None:
            raise LocalProtocolError("reading the invocation counter needs a security context")
        obis = (
            DEFAULT_COUNTER_OBIS if self._read_counter is True else _obis(self._read_counter)  # type: ignore[arg-type]
        )
        public = Client(
            dataclasses.replace(self.target, client_address=PUBLIC_CLIENT),
            settings=ClientSettings(short_names=self.settings.short_names),
            state_dir=False,
            timeout=self.timeout,
            retries=self.retries,
            hdlc=self.hdlc,
            trace=self.trace,
        )
        async with public:
            value = await public.get(obis, 2, class_id=1, typed=False)
        if isinstance(value, int) and not isinstance(value, bool):
            ciphering.counter.advance_to(int(value) + 1)
            _log.info("the meter's invocation counter is %d", int(value))
        else:
            raise RemoteProtocolError(f"the invocation counter at {obis} reads {value!r}")

    async def close(self) -> None:
        """Release the association (RLRQ) and disconnect; never raises. Safe to call twice
        and after any failure."""
        if self._link is None:
            return
        try:
            state = self.association.state
            if state is State.AWAITING_RESPONSE:
                self.association.cancel()
            if self.association.state is State.ASSOCIATED:
                try:
                    await asyncio.wait_for(self._release(), timeout=min(self.timeout, 5.0))
                except (DlmsError, TimeoutError, OSError) as exc:
                    _log.info("release: %s", exc)
        except BaseException as exc:  # a cancellation while closing still closes the link
            _log.debug("closing: %r", exc)
            await self._drop()
            if isinstance(exc, asyncio.CancelledError):
                raise
            return
        await self._drop()

    async def _release(self) -> None:
        self.association.release()
        events = self.association.take_events()
        if any(isinstance(e, Released) for e in events):
            return
        await self._exchange(lambda: None, retry=False, started=True)

    async def _drop(self) -> None:
        link, self._link = self._link, None
        if self.association.state is not State.IDLE:
            self.association.abort()
        if link is not None:
            await link.close()

    # -- the exchange loop -----------------------------------------------------------------

    async def _flush(self) -> None:
        assert self._link is not None
        for apdu in self.association.data_to_send():
            if self.trace is not None:
                self.trace("tx", "apdu", apdu)
            await self._link.send(apdu)

    def _require_link(self) -> Link:
        if self._link is None:
            raise ClientStateError("not connected (use connect() or async with)")
        return self._link

    async def _exchange(
        self,
        start: Callable[[], Any],
        *,
        retry: bool,
        started: bool = False,
        on_event: Callable[[Event], None] | None = None,
    ) -> Event:
        """Start a request on the association, send, and receive until it ends."""
        async for event in self._events(start, retry=retry, started=started):
            if isinstance(event, _TERMINAL):
                return event
            if on_event is not None:
                on_event(event)
        raise RemoteProtocolError("the exchange ended without an answer")  # pragma: no cover

    async def _events(
        self, start: Callable[[], Any], *, retry: bool, started: bool = False
    ) -> AsyncGenerator[Event, None]:
        link = self._require_link()
        if not started:
            start()
        await self._flush()
        attempts = 0
        while True:
            try:
                apdu = await link.receive(self.timeout)
            except LinkTimeoutError as exc:
                if retry and attempts < self.retries:
                    attempts += 1
                    _log.info("no answer in %s s: asking again (%d)", self.timeout, attempts)
                    self.association.retry()
                    await self._flush()
                    continue
                if self.association.state is State.AWAITING_RESPONSE:
                    self.association.cancel()
                raise RequestTimeoutError(f"no answer from the meter: {exc}") from exc
            if self.trace is not None:
                self.trace("rx", "apdu", apdu)
            events = self.association.receive_apdu(apdu)
            await self._flush()
            done = False
            for event in events:
                if isinstance(event, PushReceived):
                    self.pushes.put_nowait(event)
                    continue
                yield event
                if isinstance(event, _TERMINAL):
                    done = True
            if done:
                return

    # -- objects and classes ----------------------------------------------------------------

    async def objects(self, *, refresh: bool = False) -> list[ObjectInfo]:
        """The object list of the current association, with access rights (cached)."""
        if self._objects is not None and not refresh:
            return self._objects
        if self.settings.short_names:
            raw = await self._sn_read_raw(0xFA00 + 8)
            objects = parse_sn_object_list(raw)
        else:
            raw = await self._get_raw(15, CURRENT_ASSOCIATION_LN, 2)
            if isinstance(raw, Refusal):
                raise RemoteProtocolError(f"the meter refuses the object list: {raw!r}")
            objects = parse_object_list(raw)
        self._objects = objects
        self._by_name = {o.logical_name: o for o in objects}
        return objects

    async def find(self, logical_name: Obis | str | bytes) -> ObjectInfo:
        """The object list entry of a logical name (the list is read once)."""
        name = _obis(logical_name)
        if name == CURRENT_ASSOCIATION_LN and not self.settings.short_names:
            found = self._by_name.get(name)
            return found or ObjectInfo(15, 0, name)
        if self._objects is None:
            await self.objects()
        found = self._by_name.get(name)
        if found is None:
            raise UnknownObjectError(f"{name} is not in the meter's object list")
        return found

    async def _class_of(self, name: Obis, class_id: int | None) -> tuple[int, int | None]:
        if class_id is not None:
            known = self._by_name.get(name)
            return class_id, known.version if known and known.class_id == class_id else None
        info = await self.find(name)
        return info.class_id, info.version

    # -- raw services ------------------------------------------------------------------------

    async def _locked(self, start: Callable[[], Any], *, retry: bool) -> Event:
        async with self._lock:
            return await self._exchange(start, retry=retry)

    async def _get_raw(
        self,
        class_id: int,
        name: Obis,
        attribute: int,
        selection: SelectiveAccessDescriptor | None = None,
    ) -> Any:
        descriptor = CosemAttributeDescriptor(class_id, name, attribute)
        event = await self._locked(lambda: self.association.get(descriptor, selection), retry=True)
        if isinstance(event, RequestRefused):
            return event.error
        assert isinstance(event, GetDone)
        return event.results[0]

    async def _get_many_raw(self, items: Sequence[AttributeWithSelection]) -> list[Any]:
        event = await self._locked(lambda: self.association.get_many(items), retry=True)
        if isinstance(event, RequestRefused):
            return [event.error] * len(items)
        assert isinstance(event, GetDone)
        return list(event.results)

    async def _sn_base(self, name: Obis) -> tuple[int, int, int]:
        info = await self.find(name)
        if info.base_name is None:
            raise UnknownObjectError(f"{name} has no base name in the SN object list")
        return info.base_name, info.class_id, info.version

    async def _sn_read_raw(self, short_name: int, selector: int = 0, parameter: Data = None) -> Any:
        variable: Any = (
            VariableName(short_name)
            if not selector and parameter is None
            else ParameterizedAccess(short_name, selector, parameter)
        )
        event = await self._locked(lambda: self.association.read([variable]), retry=True)
        if isinstance(event, RequestRefused):
            return event.error
        assert isinstance(event, ReadDone)
        return event.results[0]

    # -- typing ------------------------------------------------------------------------------

    def _needs_scaler(self, class_id: int, version: int | None, attribute: int) -> bool:
        if self.quirks.scaler_unit_absent:
            return False
        try:
            definition = get_class(class_id, version)
            schema = definition.attribute(attribute).schema
        except UnknownClassError:
            return False
        scaler = definition.scaler_attribute
        return scaler is not None and attribute != scaler and _has_scaled(schema)

    def _typed(
        self, class_id: int, version: int | None, name: Obis, attribute: int, raw: Any
    ) -> Any:
        if isinstance(raw, Refusal):
            return raw
        try:
            definition = get_class(class_id, version)
            schema = definition.attribute(attribute).schema
        except UnknownClassError:
            return raw
        scaler_unit = self._scalers.get((class_id, name))
        context = TypeContext(scaler_unit) if scaler_unit is not None else TypeContext()
        try:
            return schema.to_typed(raw, context)
        except SchemaError:
            return raw  # a value that does not fit its class is shown as the meter sent it

    def _store_scaler(self, class_id: int, name: Obis, raw: Any) -> None:
        try:
            self._scalers[(class_id, name)] = SCALER_UNIT.to_typed(raw)
        except SchemaError:
            self._scalers[(class_id, name)] = None

    # -- the services --------------------------------------------------------------------

    async def get(
        self,
        logical_name: Obis | str | bytes,
        attribute: int = 2,
        *,
        class_id: int | None = None,
        selection: SelectiveAccessDescriptor | None = None,
        typed: bool = True,
    ) -> Any:
        """Read one attribute: the typed value, or the meter's refusal (a
        DataAccessResult, or the exception-response / confirmed-service-error)."""
        results = await self.get_many(
            [(logical_name, attribute)],
            class_ids=None if class_id is None else [class_id],
            selections=None if selection is None else [selection],
            typed=typed,
        )
        return results[0]

    async def get_many(
        self,
        items: Iterable[tuple[Obis | str | bytes, int] | tuple[int, Obis | str | bytes, int]],
        *,
        class_ids: Sequence[int | None] | None = None,
        selections: Sequence[SelectiveAccessDescriptor | None] | None = None,
        typed: bool = True,
    ) -> list[Any]:
        """Read several attributes at once (with-list requests split to fit the negotiated
        PDU); ``items`` are ``(logical_name, attribute)`` or ``(class_id, logical_name,
        attribute)``. One result per item, in order."""
        wanted: list[tuple[int | None, Obis, int]] = []
        for item in items:
            if len(item) == 3:
                cid, ln, attr = item
                wanted.append((int(cid), _obis(ln), int(attr)))
            elif len(item) == 2:
                ln, attr = item
                wanted.append((None, _obis(ln), int(attr)))
            else:
                raise LocalProtocolError(f"not an attribute reference: {item!r}")
        if class_ids is not None:
            wanted = [
                (c if c is not None else w[0], w[1], w[2])
                for c, w in zip(class_ids, wanted, strict=True)
            ]
        picks: list[SelectiveAccessDescriptor | None] = (
            list(selections) if selections is not None else [None] * len(wanted)
        )
        if len(picks) != len(wanted):
            raise LocalProtocolError("one selection (or None) per item")
        resolved = [(await self._class_of(ln, cid), ln, attr) for cid, ln, attr in wanted]
        if self.settings.short_names:
            return await self._sn_get_many(resolved, picks, typed)
        scalers: list[tuple[int, Obis, int]] = []
        if typed:
            for (cid, version), ln, attr in resolved:
                if (cid, ln) in self._scalers or not self._needs_scaler(cid, version, attr):
                    continue
                definition = get_class(cid, version)
                assert definition.scaler_attribute is not None
                ref = (cid, ln, definition.scaler_attribute)
                if ref not in scalers:
                    scalers.append(ref)
        requests = [
            AttributeWithSelection(CosemAttributeDescriptor(cid, ln, attr), pick)
            for ((cid, _), ln, attr), pick in zip(resolved, picks, strict=True)
        ]
        requests += [
            AttributeWithSelection(CosemAttributeDescriptor(cid, ln, attr))
            for cid, ln, attr in scalers
        ]
        raw = await self._get_many_raw(requests)
        for (cid, ln, _), value in zip(scalers, raw[len(resolved) :], strict=True):
            self._store_scaler(cid, ln, value)
        values = raw[: len(resolved)]
        if not typed:
            return values
        return [
            self._typed(cid, version, ln, attr, value)
            for ((cid, version), ln, attr), value in zip(resolved, values, strict=True)
        ]

    async def type_values(
        self,
        items: Iterable[tuple[int | None, Obis | str | bytes, int]],
        raws: Sequence[Any],
    ) -> list[Any]:
        """Type raw values read earlier (``typed=False``): ``items`` are ``(class_id or
        None, logical_name, attribute)``; scaler_units not known yet are read first."""
        wanted = [(cid, _obis(ln), int(attr)) for cid, ln, attr in items]
        resolved = [(await self._class_of(ln, cid), ln, attr) for cid, ln, attr in wanted]
        missing = []
        for (cid, version), ln, attr in resolved:
            if (cid, ln) in self._scalers or not self._needs_scaler(cid, version, attr):
                continue
            definition = get_class(cid, version)
            assert definition.scaler_attribute is not None
            if (cid, ln, definition.scaler_attribute) not in missing:
                missing.append((cid, ln, definition.scaler_attribute))
        if missing:
            for (cid, ln, _), raw in zip(
                missing, await self.get_many(missing, typed=False), strict=True
            ):
                self._store_scaler(cid, ln, raw)
        return [
            self._typed(cid, version, ln, attr, raw)
            for ((cid, version), ln, attr), raw in zip(resolved, raws, strict=True)
        ]

    async def _sn_get_many(
        self,
        resolved: list[tuple[tuple[int, int | None], Obis, int]],
        picks: list[SelectiveAccessDescriptor | None],
        typed: bool,
    ) -> list[Any]:
        out = []
        for ((cid, version), ln, attr), pick in zip(resolved, picks, strict=True):
            base, _, _ = await self._sn_base(ln)
            address = base + 8 * (attr - 1)
            if pick is None:
                value = await self._sn_read_raw(address)
            else:
                value = await self._sn_read_raw(
                    address, pick.access_selector, pick.access_parameters
                )
            if typed and self._needs_scaler(cid, version, attr) and (cid, ln) not in self._scalers:
                definition = get_class(cid, version)
                assert definition.scaler_attribute is not None
                scaler = await self._sn_read_raw(base + 8 * (definition.scaler_attribute - 1))
                self._store_scaler(cid, ln, scaler)
            out.append(self._typed(cid, version, ln, attr, value) if typed else value)
        return out

    def _raw_value(self, class_id: int, version: int | None, attribute: int, value: Any) -> Data:
        """A typed value (Quantity, DateTime, enum, ...) back to A-XDR for writing."""
        try:
            schema = get_class(class_id, version).attribute(attribute).schema
        except UnknownClassError:
            return value  # type: ignore[no-any-return]
        try:
            return schema.from_typed(value)  # type: ignore[no-any-return]
        except SchemaError as exc:
            raise LocalProtocolError(f"cannot write {value!r}: {exc}") from None

    async def set(
        self,
        logical_name: Obis | str | bytes,
        attribute: int,
        value: Any,
        *,
        class_id: int | None = None,
        selection: SelectiveAccessDescriptor | None = None,
    ) -> DataAccessResult | ExceptionResponse | ConfirmedServiceError:
        """Write one attribute (a typed value is converted back with the class's schema);
        returns the meter's result."""
        name = _obis(logical_name)
        cid, version = await self._class_of(name, class_id)
        raw = self._raw_value(cid, version, attribute, value)
        if self.settings.short_names:
            base, _, _ = await self._sn_base(name)
            variable = VariableName(base + 8 * (attribute - 1))
            event = await self._locked(
                lambda: self.association.write([variable], [raw]), retry=self.retry_writes
            )
            if isinstance(event, RequestRefused):
                return event.error
            assert isinstance(event, WriteDone)
            return event.results[0]
        descriptor = CosemAttributeDescriptor(cid, name, attribute)
        event = await self._locked(
            lambda: self.association.set(descriptor, raw, selection), retry=self.retry_writes
        )
        if isinstance(event, RequestRefused):
            return event.error
        assert isinstance(event, SetDone)
        return event.results[0]

    async def action(
        self,
        logical_name: Obis | str | bytes,
        method: int,
        parameters: Data | Absent = ABSENT,
        *,
        class_id: int | None = None,
        typed: bool = True,
    ) -> ActionResponseItem | ExceptionResponse | ConfirmedServiceError:
        """Invoke a method; returns the meter's result and return parameters (typed with
        the class's return schema when there is one)."""
        name = _obis(logical_name)
        cid, version = await self._class_of(name, class_id)
        if self.settings.short_names:
            return await self._sn_action(name, cid, version, method, parameters)
        descriptor = CosemMethodDescriptor(cid, name, method)
        event = await self._locked(
            lambda: self.association.action(descriptor, parameters), retry=self.retry_writes
        )
        if isinstance(event, RequestRefused):
            return event.error
        assert isinstance(event, ActionDone)
        item = event.results[0]
        if typed and item.return_parameters is not ABSENT:
            with contextlib.suppress(UnknownClassError, SchemaError):
                returns = get_class(cid, version).method(method).returns
                if returns is not None and not isinstance(item.return_parameters, Refusal):
                    typed_value = returns.to_typed(item.return_parameters)
                    item = dataclasses.replace(item, return_parameters=typed_value)
        return item

    async def _sn_action(
        self, name: Obis, class_id: int, version: int | None, method: int, parameters: Any
    ) -> ActionResponseItem | ExceptionResponse | ConfirmedServiceError:
        offset = SN_METHOD_OFFSETS.get(class_id)
        if class_id == 64 and version == 0:
            offset = _SN_SECURITY_SETUP_V0
        if offset is None:
            raise LocalProtocolError(
                f"the short-name offset of the methods of class {class_id} is not known here"
            )
        base, _, _ = await self._sn_base(name)
        param = None if parameters is ABSENT else parameters
        value = await self._sn_read_raw(base + offset + 8 * (method - 1), 0, param)
        if isinstance(value, ExceptionResponse | ConfirmedServiceError):
            return value
        if isinstance(value, DataAccessResult):
            from dlmskit.apdu import ActionResult

            return ActionResponseItem(ActionResult(int(value)))
        return ActionResponseItem(return_parameters=value)

    # -- profile generic ---------------------------------------------------------------------

    async def capture_objects(self, logical_name: Obis | str | bytes) -> list[Column]:
        """The columns of a Profile generic (capture_objects, read once)."""
        columns, _ = await self._profile_setup(_obis(logical_name))
        return columns

    async def _profile_setup(self, name: Obis) -> tuple[list[Column], int | None]:
        known = self._capture.get(name)
        if known is not None:
            return known
        raw_columns, period = await self.get_many([(7, name, 3), (7, name, 4)], typed=False)
        if isinstance(raw_columns, Refusal):
            raise RemoteProtocolError(f"{name}: capture_objects cannot be read ({raw_columns!r})")
        if not isinstance(raw_columns, list):
            raise RemoteProtocolError(f"{name}: capture_objects is no array")
        try:
            columns = [Column.of(c) for c in raw_columns]
        except LocalProtocolError as exc:
            raise RemoteProtocolError(f"{name}: {exc}") from None
        capture_period = int(period) if isinstance(period, int) and period > 0 else None
        self._capture[name] = (columns, capture_period)
        return columns, capture_period

    async def _column_scalers(self, columns: Sequence[Column]) -> ScalerTable:
        missing = []
        for column in columns:
            key = (column.class_id, column.logical_name)
            version = None
            known = self._by_name.get(column.logical_name)
            if known is not None and known.class_id == column.class_id:
                version = known.version
            if key in self._scalers or not self._needs_scaler(
                column.class_id, version, column.attribute_index
            ):
                continue
            definition = get_class(column.class_id, version)
            assert definition.scaler_attribute is not None
            ref = (column.class_id, column.logical_name, definition.scaler_attribute)
            if ref not in missing:
                missing.append(ref)
        if missing:
            raws = await self.get_many(missing, typed=False)
            for (cid, ln, _), raw in zip(missing, raws, strict=True):
                self._store_scaler(cid, ln, raw)
        scalers = {ln: su for (_, ln), su in self._scalers.items() if su is not None}
        versions = {
            c.class_id: self._by_name[c.logical_name].version
            for c in columns
            if c.logical_name in self._by_name
        }
        return ScalerTable(scalers, versions)

    async def profile(
        self,
        logical_name: Obis | str | bytes,
        *,
        start: Any = None,
        end: Any = None,
        from_entry: int | None = None,
        to_entry: int | None = None,
        columns: Sequence[Any] | None = None,
        progress: ProgressCallback | None = None,
        typed: bool = True,
    ) -> AsyncGenerator[ProfileRow, None]:
        """The rows of a Profile generic buffer, one by one as they arrive: by date range
        (``start``/``end``: aware datetimes or COSEM DateTimes), by entry range
        (``from_entry``/``to_entry``, from 1; 0 is the last) or all of it; ``columns``
        picks capture objects (1-based positions, logical names, or Columns). Rows whose
        clock the meter left out (null-data, as compressed profiles do) get the previous
        row's time plus the capture period."""
        name = _obis(logical_name)
        all_columns, period = await self._profile_setup(name)
        chosen = select_columns(all_columns, columns)
        access, keep = selective_access(
            all_columns,
            chosen,
            start=start,
            end=end,
            from_entry=from_entry,
            to_entry=to_entry,
        )
        out_columns = tuple(all_columns[i] for i in chosen)
        wanted: Callable[[Any], bool] | None = None
        if self.quirks.selective_access_ignored and access is not None:
            # the meter sends everything: ask for everything and choose here
            wanted = _row_filter(all_columns, period, start, end, from_entry, to_entry)
            access, keep = None, list(chosen)
        sent_columns = _sent_columns(all_columns, chosen, access)
        table = await self._column_scalers(out_columns) if typed else ScalerTable()
        typers = [(column_batch_typer(c, table), i) for c, i in zip(out_columns, keep, strict=True)]
        descriptor = CosemAttributeDescriptor(7, name, 2)
        stream = RowStream()
        counts = {"rows": 0, "octets": 0, "blocks": 0}
        previous: list[DateTime | None] = [None]
        clock_at = next(
            (
                i
                for i, c in enumerate(out_columns)
                if c.class_id == CLOCK_CLASS_ID and c.attribute_index == 2
            ),
            None,
        )

        def rows_out(raw_rows: Sequence[Data]) -> list[ProfileRow]:
            if not raw_rows:
                return []
            width = len(sent_columns)
            if set(map(type, raw_rows)) != {tuple} or set(
                map(len, cast(Sequence[tuple[Data, ...]], raw_rows))
            ) != {width}:
                raise RemoteProtocolError(f"a buffer entry is no structure of {width} values")
            if wanted is not None:
                raw_rows = [row for row in raw_rows if wanted(row)]
                if not raw_rows:
                    return []
            # typed column by column: a block holds thousands of rows of a few columns
            sent = list(zip(*raw_rows, strict=True))
            columns: list[Sequence[Any]] = (
                [typer(sent[i]) for typer, i in typers] if typed else [sent[i] for i in keep]
            )
            values: list[tuple[Any, ...]] = (
                list(zip(*columns, strict=True)) if columns else [()] * len(raw_rows)
            )
            if clock_at is not None:
                stamps = columns[clock_at]
                if set(map(type, stamps)) == {DateTime}:
                    previous[0] = stamps[-1]
                else:
                    for index, stamp in enumerate(stamps):
                        if stamp.__class__ is DateTime:
                            previous[0] = stamp
                        elif stamp is None:  # the meter left it out: a period after the last
                            values[index] = _fill_clock(
                                values[index], out_columns, previous, period
                            )
            result = list(map(make_profile_row, values, repeat(out_columns)))
            counts["rows"] += len(result)
            return result

        def report(done: bool = False) -> None:
            if progress is not None:
                progress(ProfileProgress(counts["rows"], counts["octets"], counts["blocks"], done))

        begin: Callable[[], Any]
        if self.settings.short_names:
            base, _, _ = await self._sn_base(name)
            variable: Any = (
                VariableName(base + 8)
                if access is None
                else ParameterizedAccess(base + 8, access.access_selector, access.access_parameters)
            )
            begin = lambda: self.association.read([variable])  # noqa: E731
        else:
            begin = lambda: self.association.get(descriptor, access, stream=True)  # noqa: E731
        async with self._lock:
            events = self._events(begin, retry=True)
            try:
                async for event in events:
                    if isinstance(event, DataBlock):
                        counts["octets"] += len(event.data)
                        counts["blocks"] += 1
                        with collector_paused():  # rows are acyclic: see dlmskit._gc
                            rows = rows_out(stream.feed(event.data))
                        for row in rows:
                            yield row
                        report()
                    elif isinstance(event, Progress):
                        continue
                    elif isinstance(event, GetDone | ReadDone):
                        if isinstance(event, GetDone) and event.streamed:
                            with collector_paused():
                                rows = rows_out(stream.close())
                            for row in rows:
                                yield row
                        else:
                            buffer = event.results[0]
                            if isinstance(buffer, Refusal):
                                raise _refused(name, buffer)
                            if not isinstance(buffer, list):
                                raise RemoteProtocolError(f"{name}: the buffer is no array")
                            with collector_paused():
                                rows = rows_out(buffer)
                            for row in rows:
                                yield row
                        report(done=True)
                        return
                    elif isinstance(event, RequestRefused):
                        raise _refused(name, event.error)
            finally:
                await events.aclose()
                if self.association.state is State.AWAITING_RESPONSE:
                    self.association.cancel()  # the consumer stopped early


class ProfileRefusedError(DlmsError):
    """The meter refused to read the profile buffer (its DataAccessResult or error)."""

    def __init__(self, name: Obis, refusal: Any) -> None:
        self.refusal = refusal
        super().__init__(f"{name}: the meter refuses the buffer read: {refusal!r}")


def _refused(name: Obis, refusal: Any) -> ProfileRefusedError:
    return ProfileRefusedError(name, refusal)


def _sent_columns(
    columns: Sequence[Column], chosen: Sequence[int], access: SelectiveAccessDescriptor | None
) -> list[Column]:
    """The columns the meter sends for this access."""
    if access is None:
        return list(columns)
    if access.access_selector == 1:
        selected = access.access_parameters[3]  # type: ignore[index]
        if not selected:
            return list(columns)
        ordered = sorted(set(chosen))
        return [columns[i] for i in ordered]
    params = access.access_parameters
    low, high = int(params[2]), int(params[3])  # type: ignore[index,arg-type]
    if low == 1 and high == 0:
        return list(columns)
    return list(columns[low - 1 : high])


def _row_filter(
    columns: Sequence[Column],
    period: int | None,
    start: Any,
    end: Any,
    from_entry: int | None,
    to_entry: int | None,
) -> Callable[[Any], bool]:
    """Which rows of a whole buffer a date or entry range asks for (quirk
    ``selective_access_ignored``)."""
    import datetime as _dt

    seen = [0]
    if start is None and end is None:
        first = from_entry or 1
        last = to_entry or 0

        def by_entry(row: Any) -> bool:
            seen[0] += 1
            return seen[0] >= first and (not last or seen[0] <= last)

        return by_entry

    def instant(value: Any) -> _dt.datetime | None:
        if isinstance(value, DateTime):
            value = value.to_datetime()
        return value if isinstance(value, _dt.datetime) else None

    low, high = instant(start), instant(end)
    clock = next(
        (i for i, c in enumerate(columns) if c.class_id == 8 and c.attribute_index == 2), 0
    )
    last_time: list[_dt.datetime | None] = [None]

    def by_time(row: Any) -> bool:
        raw = row[clock]
        stamp: _dt.datetime | None = None
        try:
            if isinstance(raw, bytes) and len(raw) == 12:
                stamp = DateTime.from_bytes(raw).to_datetime()
            elif isinstance(raw, DateTime):
                stamp = raw.to_datetime()
            elif raw is None and last_time[0] is not None and period:
                stamp = last_time[0] + _dt.timedelta(seconds=period)
        except DlmsError:
            stamp = None
        last_time[0] = stamp
        if stamp is None:
            return False
        return (low is None or stamp >= low) and (high is None or stamp <= high)

    return by_time


CLOCK_CLASS_ID: Final = 8


def _fill_clock(
    values: Sequence[Any],
    columns: Sequence[Column],
    previous: list[DateTime | None],
    period: int | None,
) -> tuple[Any, ...]:
    out = list(values)
    for i, column in enumerate(columns):
        if column.class_id != CLOCK_CLASS_ID or column.attribute_index != 2:
            continue
        value = out[i]
        if isinstance(value, DateTime):
            previous[0] = value
        elif value is None and previous[0] is not None and period:
            try:
                import datetime as _dt

                stamp = previous[0].to_datetime() + _dt.timedelta(seconds=period)
                filled = DateTime.from_datetime(stamp)
                out[i] = filled
                previous[0] = filled
            except DlmsError:
                pass
        break
    return tuple(out)
