"""The asyncio meter server: meters behind the wrapper (TCP, UDP) and HDLC (TCP, serial).

The glue is kept short: every connection feeds the sans-IO machines (the wrapper reader or
the HDLC secondary station of :mod:`dlmskit.link`, and the association machines of
:class:`~dlmskit.server.device.MeterConnection`) and writes what they answer.

>>> async def main():                                      # doctest: +SKIP
...     server = MeterServer(SingleMeter(meter))
...     await server.serve_tcp("127.0.0.1", 4059)           # IEC 62056-47 wrapper
...     await server.serve_hdlc_tcp("127.0.0.1", 4060)      # HDLC over TCP
...     await server.wait_closed()

Per connection: memory is bounded (the wrapper's 16-bit length, the HDLC station's
information field and window, the association's block reassembly, at most
:data:`~dlmskit.server.device.MAX_ASSOCIATIONS_PER_CONNECTION` associations), a connection
that stays silent for ``inactivity_timeout`` seconds is closed, and at most
``max_connections`` are served at once (more are closed on arrival).

Objects' timers (profile captures, schedules, pushes) run for the meters in use; the pushes
they emit (:class:`~dlmskit.model.objects.PushEvent`) are sent as data-notifications to
their destination (``host:port`` over TCP or UDP, in the wrapper).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as _dt
import logging
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import Any, Final, Protocol

from dlmskit.io.base import StreamTransport, Transport
from dlmskit.io.udp import UdpEndpoint
from dlmskit.link.errors import LinkLostError, LinkStateError
from dlmskit.link.hdlc.events import ApduReceived, Disconnected, Event, StationSettings
from dlmskit.link.hdlc.reader import FrameReader
from dlmskit.link.hdlc.station import SecondaryStation
from dlmskit.link.wrapper import WrapperError, WrapperReader, decode_datagram, encode_wpdu
from dlmskit.model.enums import TransportService
from dlmskit.model.objects import ObjectEvent, PushEvent
from dlmskit.server.device import LogicalDevice, Meter, MeterConnection

__all__ = ["Directory", "MeterServer", "SingleMeter"]

Session = Callable[[Transport], Awaitable[None]]

_log = logging.getLogger("dlmskit.server")

#: Wrapper APDUs are at most this long (the 16-bit length field): the per-connection bound.
MAX_WRAPPER_APDU: Final = 0xFFFF
#: UDP peers remembered at once (each holds its associations); the oldest is forgotten.
MAX_UDP_PEERS: Final = 1024


def _utc_now() -> _dt.datetime:
    return _dt.datetime.now(_dt.UTC)


class Directory(Protocol):
    """Which meter answers which address (one meter, or many behind one port)."""

    def by_wport(self, wport: int) -> tuple[Meter, int] | None:
        """The meter and logical device SAP a wrapper destination wPort reaches."""

    def by_hdlc(self, physical_address: int | None) -> Meter | None:
        """The meter an HDLC lower (physical) address reaches (None: one-byte addresses)."""

    def hdlc_address(self, meter: Meter) -> int | None:
        """The lower HDLC address the meter answers to (None: one-byte server addresses)."""

    def acquire(self, meter: Meter) -> None:
        """A connection starts using ``meter``."""

    def release(self, meter: Meter) -> None:
        """A connection to ``meter`` ended."""


class SingleMeter:
    """One meter: wPort = logical device SAP; HDLC with ``physical_address`` (None: the
    meter takes one-byte server addresses, as on an optical port)."""

    def __init__(self, meter: Meter, *, physical_address: int | None = None) -> None:
        self.meter = meter
        self.physical_address = physical_address

    def by_wport(self, wport: int) -> tuple[Meter, int] | None:
        if wport in self.meter.logical_devices:
            return self.meter, wport
        return None

    def by_hdlc(self, physical_address: int | None) -> Meter | None:
        return self.meter if physical_address == self.physical_address else None

    def hdlc_address(self, meter: Meter) -> int | None:
        return self.physical_address

    def acquire(self, meter: Meter) -> None:
        return

    def release(self, meter: Meter) -> None:
        return


class MeterServer:
    """Serves the meters of a :class:`Directory` on any number of endpoints.

    ``clock`` gives ``now`` (aware); ``hdlc`` the HDLC station settings (its
    ``inactivity_timeout`` returns an idle link to NDM); ``inactivity_timeout`` closes a silent
    connection; ``max_connections`` bounds the connections served at once.
    """

    def __init__(
        self,
        directory: Directory,
        *,
        clock: Callable[[], _dt.datetime] = _utc_now,
        inactivity_timeout: float | None = 120.0,
        max_connections: int = 2000,
        hdlc: StationSettings | None = None,
        push_timeout: float = 10.0,
    ) -> None:
        self.directory = directory
        self.clock = clock
        self.inactivity_timeout = inactivity_timeout
        self.max_connections = max_connections
        self.hdlc_settings = hdlc or StationSettings()
        self.push_timeout = push_timeout
        self.connections = 0
        self._servers: list[asyncio.Server] = []
        self._endpoints: list[UdpEndpoint] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self._protocols: set[_WrapperProtocol] = set()
        self._active: dict[int, tuple[Meter, int]] = {}  # id(meter) -> (meter, users)
        self._ticker: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._closed = asyncio.Event()

    # -- endpoints ----------------------------------------------------------------------------

    async def serve_tcp(self, host: str, port: int) -> asyncio.Server:
        """The wrapper over TCP (IEC 62056-47)."""
        loop = asyncio.get_running_loop()
        server = await loop.create_server(lambda: _WrapperProtocol(self), host, port)
        return self._started(server, "wrapper/TCP")

    async def serve_hdlc_tcp(self, host: str, port: int) -> asyncio.Server:
        """HDLC (IEC 62056-46) over TCP, as a serial-to-TCP gateway would carry it."""
        server = await asyncio.start_server(self._accept(self._hdlc_session), host, port)
        return self._started(server, "HDLC/TCP")

    async def serve_udp(self, host: str, port: int) -> UdpEndpoint:
        """The wrapper over UDP: one APDU per datagram."""
        endpoint = await UdpEndpoint.bind(host, port)
        self._endpoints.append(endpoint)
        self._spawn(self._udp_loop(endpoint))
        self._start_ticker()
        _log.info("serving wrapper/UDP on %s:%d", *endpoint.address)
        return endpoint

    async def serve_hdlc_serial(self, url: str, *, baudrate: int = 9600) -> None:
        """HDLC on a serial port (a socat pseudo-terminal in the tests); runs until the port
        closes or the server does."""
        from dlmskit.io.serial import SerialTransport

        transport = await SerialTransport.open(url, baudrate=baudrate)
        self._start_ticker()
        _log.info("serving HDLC on serial port %s at %d baud", url, baudrate)
        self._spawn(self._serial_loop(transport))

    async def _serial_loop(self, transport: StreamTransport) -> None:
        # a serial line stays: silence does not close it (the HDLC station's own inactivity
        # time-out returns an idle link to NDM); a new session takes the next frames
        try:
            while True:
                await self._hdlc_session(transport, close_when_idle=False)
        finally:
            await transport.close()

    def _started(self, server: asyncio.Server, kind: str) -> asyncio.Server:
        self._servers.append(server)
        self._start_ticker()
        for sock in server.sockets:
            _log.info("serving %s on %s", kind, sock.getsockname()[:2])
        return server

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        task: asyncio.Task[None] = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def close(self) -> None:
        """Stop serving: close the endpoints and every connection."""
        for server in self._servers:
            server.close()
        for endpoint in self._endpoints:
            endpoint.close()
        for protocol in list(self._protocols):
            protocol.close()
        tasks = list(self._tasks)
        if self._ticker is not None:
            tasks.append(self._ticker)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        for server in self._servers:
            with contextlib.suppress(Exception):
                await server.wait_closed()
        self._closed.set()

    async def wait_closed(self) -> None:
        await self._closed.wait()

    async def __aenter__(self) -> MeterServer:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # -- meters in use and their timers ------------------------------------------------------

    def _use(self, meter: Meter) -> None:
        self.directory.acquire(meter)
        entry = self._active.get(id(meter))
        self._active[id(meter)] = (meter, 1 if entry is None else entry[1] + 1)
        self._wake.set()

    def _unuse(self, meter: Meter) -> None:
        entry = self._active.get(id(meter))
        if entry is None:
            return
        if entry[1] <= 1:
            del self._active[id(meter)]
        else:
            self._active[id(meter)] = (meter, entry[1] - 1)
        self.directory.release(meter)

    def keep_running(self, meter: Meter) -> None:
        """Run ``meter``'s timers (and send its pushes) even with no connection to it."""
        self._use(meter)

    def _start_ticker(self) -> None:
        if self._ticker is None:
            self._ticker = asyncio.ensure_future(self._tick())

    async def _tick(self) -> None:
        while True:
            now = self.clock()
            soonest: float = 60.0
            for meter, _users in list(self._active.values()):
                timer = meter.get_timer(now)
                if timer is not None and timer <= now:
                    self._dispatch_events(meter.handle_timer(now), now)
                    timer = meter.get_timer(now)
                if timer is not None:
                    soonest = min(soonest, max(0.0, (timer - now).total_seconds()))
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(max(soonest, 0.01)):
                    await self._wake.wait()

    def _dispatch_events(
        self, events: list[tuple[LogicalDevice, ObjectEvent]], now: _dt.datetime
    ) -> None:
        for device, event in events:
            if isinstance(event, PushEvent):
                self._spawn(self._push(device, event, now))
            else:
                _log.debug("logical device %d: %s", device.sap, type(event).__name__)

    def _after_requests(self, connection: MeterConnection) -> None:
        """After a SET or an ACTION: send the pushes it caused, and let the timers be looked
        at again (it may have moved one). GETs change nothing and cost nothing here."""
        if not connection.modified:
            return
        connection.modified = False
        events = connection.meter.drain_events()
        if events:
            self._dispatch_events(events, self.clock())
        self._wake.set()

    # -- pushes ---------------------------------------------------------------------------------

    async def _push(self, device: LogicalDevice, event: PushEvent, now: _dt.datetime) -> None:
        client = event.client_sap if event.client_sap is not None else 102
        association = device.open(client)
        if association is not None:
            apdu = association.data_notification(event.body, now, date_time=event.date_time)
        else:
            from dlmskit.apdu import DataNotification, LongInvokeIdAndPriority

            apdu = DataNotification(
                LongInvokeIdAndPriority(0), event.body, event.date_time.to_bytes()
            ).encode()
        try:
            text = event.destination.decode("ascii")
            host, _, port_text = text.rpartition(":")
            port = int(port_text)
        except (UnicodeDecodeError, ValueError):
            _log.warning(
                "push %s: destination %r is no host:port", event.logical_name, event.destination
            )
            return
        wpdu = encode_wpdu(device.sap, client, apdu)
        for attempt in range(1 + max(0, event.number_of_retries)):
            try:
                async with asyncio.timeout(self.push_timeout):
                    if event.transport_service == TransportService.UDP:
                        endpoint = await UdpEndpoint.bind("0.0.0.0", 0)
                        try:
                            endpoint.send_to(wpdu, (host, port))
                        finally:
                            endpoint.close()
                    else:
                        _reader, writer = await asyncio.open_connection(host, port)
                        writer.write(wpdu)
                        await writer.drain()
                        writer.close()
                        with contextlib.suppress(OSError):
                            await writer.wait_closed()
                _log.debug("push %s sent to %s (%d octets)", event.logical_name, text, len(apdu))
                return
            except (OSError, TimeoutError, LinkLostError) as exc:
                _log.info(
                    "push %s to %s failed (attempt %d): %s",
                    event.logical_name,
                    text,
                    attempt + 1,
                    exc,
                )
                delay = event.repetition_delay
                await asyncio.sleep(float(delay) if isinstance(delay, int) else 1.0)

    # -- connections ------------------------------------------------------------------------

    def _accept(
        self, session: Session
    ) -> Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]:
        async def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            transport = StreamTransport(reader, writer)
            if self.connections >= self.max_connections:
                _log.warning("connection refused: %d connections served", self.connections)
                await transport.close()
                return
            self.connections += 1
            task: Any = asyncio.current_task()
            if task is not None:
                self._tasks.add(task)
            try:
                await session(transport)
            except (LinkLostError, ConnectionError, TimeoutError):
                pass
            except asyncio.CancelledError:
                # the server is closing: end this connection quietly (asyncio's stream
                # callback would log a cancelled handler as an error)
                pass
            finally:
                self.connections -= 1
                if task is not None:
                    self._tasks.discard(task)
                await transport.close()

        return on_connect

    def _timeout(self, meter: Meter | None) -> float | None:
        if meter is not None and meter.quirks.inactivity_timeout_ignored:
            return None
        return self.inactivity_timeout

    async def _receive(self, transport: Transport, timeout: float | None) -> bytes:
        if timeout is None:
            return await transport.receive()
        async with asyncio.timeout(timeout):
            return await transport.receive()

    async def _udp_loop(self, endpoint: UdpEndpoint) -> None:
        peers: dict[tuple[str, int], dict[int, MeterConnection]] = {}
        while True:
            try:
                data, peer = await endpoint.receive_from()
            except LinkLostError:
                return
            try:
                wpdu = decode_datagram(data)
            except WrapperError:
                continue
            found = self.directory.by_wport(wpdu.destination)
            if found is None:
                continue
            meter, sap = found
            held = peers.pop(peer, None) or {}
            peers[peer] = held  # most recent last
            if len(peers) > MAX_UDP_PEERS:
                oldest = next(iter(peers))
                for forgotten in peers.pop(oldest).values():
                    forgotten.close()
                    self._unuse(forgotten.meter)
            connection = held.get(id(meter))
            if connection is None:
                connection = held[id(meter)] = MeterConnection(meter)
                self._use(meter)
            for reply in connection.receive(wpdu.source, sap, wpdu.apdu, self.clock()):
                endpoint.send_to(encode_wpdu(wpdu.destination, wpdu.source, reply), peer)
            self._after_requests(connection)

    async def _hdlc_session(self, transport: Transport, *, close_when_idle: bool = True) -> None:
        loop = asyncio.get_running_loop()
        pending = bytearray()
        meter: Meter | None = None
        station: SecondaryStation | None = None
        peek = FrameReader(inter_octet_timeout=None)
        limit = self.inactivity_timeout if close_when_idle else None
        deadline = None if limit is None else loop.time() + limit
        # find the meter: the lower address of the first frame addressed to one of ours
        while meter is None:
            timeout = None if deadline is None else max(0.0, deadline - loop.time())
            try:
                data = await self._receive(transport, timeout)
            except TimeoutError:
                return
            if len(pending) + len(data) > 4 * 2048:
                del pending[: len(pending) + len(data) - 4 * 2048]
            pending += data
            for frame in peek.feed(data, loop.time()):
                meter = self.directory.by_hdlc(frame.destination.lower)
                if meter is not None:
                    break
        connection = MeterConnection(meter)
        self._use(meter)
        settings = self.hdlc_settings
        if meter.quirks.hdlc_bad_hcs_accepted or meter.quirks.hdlc_sequence_not_checked:
            settings = dataclasses.replace(
                settings,
                hcs_checked=not meter.quirks.hdlc_bad_hcs_accepted,
                sequence_checked=not meter.quirks.hdlc_sequence_not_checked,
            )
        station = SecondaryStation(
            meter.logical_devices, self.directory.hdlc_address(meter), settings
        )
        receiving: asyncio.Future[bytes] | None = None
        try:
            events = station.receive_data(bytes(pending), loop.time())
            last = loop.time()
            while True:
                self._hdlc_events(station, connection, events, loop.time())
                out = station.data_to_send()
                if out:
                    await transport.send(out)
                self._after_requests(connection)
                timer = station.get_timer()
                limit = self._timeout(meter) if close_when_idle else None
                idle_at = None if limit is None else last + limit
                wake = min((t for t in (timer, idle_at) if t is not None), default=None)
                if receiving is None:
                    receiving = asyncio.ensure_future(transport.receive())
                timeout = None if wake is None else max(0.0, wake - loop.time())
                done, _ = await asyncio.wait({receiving}, timeout=timeout)
                now = loop.time()
                events = []
                if receiving in done:
                    data = receiving.result()  # LinkLostError ends the session
                    receiving = None
                    last = now
                    events += station.receive_data(data, now)
                if timer is not None and now >= timer:
                    events += station.handle_timer(now)
                if idle_at is not None and now >= idle_at and receiving is not None:
                    _log.debug("HDLC connection idle: closed")
                    return
        finally:
            if receiving is not None:
                receiving.cancel()
            connection.close()
            self._unuse(meter)

    def _hdlc_events(
        self,
        station: SecondaryStation,
        connection: MeterConnection,
        events: Sequence[Event],
        now: float,
    ) -> None:
        for event in events:
            if isinstance(event, ApduReceived):
                client, server = event.client.upper, event.server.upper
                replies = connection.receive(client, server, event.apdu, self.clock())
                if event.unnumbered:
                    continue  # broadcasts and unconfirmed UI: never answered
                if replies:
                    for reply in replies:
                        station.send_apdu(reply, now, client=client, logical_device=server)
                else:
                    station.acknowledge(now, client=client, logical_device=server)
            elif isinstance(event, Disconnected):
                connection.close(event.client.upper, event.server.upper)


class _WrapperSession:
    """The wrapper over one TCP connection, sans-IO: bytes in, the bytes to answer out."""

    def __init__(self, server: MeterServer) -> None:
        self.server = server
        self.reader = WrapperReader(max_length=MAX_WRAPPER_APDU)
        self.connections: dict[int, MeterConnection] = {}  # id(meter) -> its associations

    @property
    def timeout(self) -> float | None:
        meter = next(iter(self.connections.values())).meter if self.connections else None
        return self.server._timeout(meter)

    def feed(self, data: bytes) -> bytes:
        """Answer the WPDUs ``data`` completes; WrapperError when the stream is broken."""
        server = self.server
        out = bytearray()
        for wpdu in self.reader.feed(data):
            found = server.directory.by_wport(wpdu.destination)
            if found is None:
                _log.debug("wrapper APDU for unknown wPort %d dropped", wpdu.destination)
                continue
            meter, sap = found
            held = self.connections.get(id(meter))
            if held is None:
                held = self.connections[id(meter)] = MeterConnection(meter)
                server._use(meter)
            replies = held.receive(wpdu.source, sap, wpdu.apdu, server.clock())
            swapped = meter.quirks.wrapper_ports_swapped
            for reply in replies:
                if swapped:
                    out += encode_wpdu(wpdu.source, wpdu.destination, reply)
                else:
                    out += encode_wpdu(wpdu.destination, wpdu.source, reply)
            server._after_requests(held)
        return bytes(out)

    def close(self) -> None:
        for connection in self.connections.values():
            connection.close()
            self.server._unuse(connection.meter)
        self.connections.clear()


class _WrapperProtocol(asyncio.Protocol):
    """The asyncio side of a wrapper connection: received bytes to the session, its answer
    written back; an idle timer; reading paused while the peer does not read its answers
    (so a client that never reads cannot make the server buffer without bound)."""

    def __init__(self, server: MeterServer) -> None:
        self.server = server
        self.session: _WrapperSession | None = None
        self.transport: asyncio.Transport | None = None
        self._last = 0.0
        self._timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        server = self.server
        if server.connections >= server.max_connections:
            _log.warning("connection refused: %d connections served", server.connections)
            transport.close()
            return
        server.connections += 1
        server._protocols.add(self)
        self.session = _WrapperSession(server)
        self._last = asyncio.get_running_loop().time()
        self._arm()

    def _arm(self) -> None:
        session = self.session
        timeout = session.timeout if session is not None else None
        if timeout is not None:
            loop = asyncio.get_running_loop()
            self._timer = loop.call_at(self._last + timeout, self._check_idle)

    def _check_idle(self) -> None:
        self._timer = None
        session = self.session
        timeout = session.timeout if session is not None else None
        if timeout is None or self.transport is None:
            return
        if asyncio.get_running_loop().time() - self._last >= timeout:
            _log.debug("wrapper connection idle for %s s: closed", timeout)
            self.close()
        else:
            self._arm()

    def data_received(self, data: bytes) -> None:
        session = self.session
        if session is None or self.transport is None:
            return
        self._last = asyncio.get_running_loop().time()
        if self._timer is None:
            self._arm()
        try:
            out = session.feed(data)
        except (WrapperError, LinkStateError) as exc:
            _log.info("wrapper stream broken (%s): connection closed", exc)
            self.close()
            return
        if out:
            self.transport.write(out)

    def pause_writing(self) -> None:
        if self.transport is not None:
            self.transport.pause_reading()

    def resume_writing(self) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.resume_reading()

    def close(self) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self.session is not None:
            self.session.close()
            self.session = None
            self.server.connections -= 1
            self.server._protocols.discard(self)
        self.transport = None
