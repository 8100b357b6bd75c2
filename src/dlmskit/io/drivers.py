"""Run the sans-IO link machines over a transport (the asyncio glue, kept short).

* :class:`HdlcClient` / :func:`serve_hdlc` -- an HDLC primary / secondary station over any
  transport (serial, TCP, UDP);
* :class:`WrapperClient` / :func:`serve_wrapper` / :func:`serve_wrapper_udp` -- the IEC 62056-47
  wrapper over TCP or UDP.

The loop's clock (``loop.time()``) is the ``now`` given to the machines; their timers become the
time-outs of the waits here.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
from collections.abc import Awaitable, Callable
from typing import Protocol

from dlmskit.io.base import Transport
from dlmskit.io.serial import SerialTransport
from dlmskit.io.udp import UdpEndpoint
from dlmskit.link.errors import LinkLostError, LinkStateError, LinkTimeoutError
from dlmskit.link.hdlc._state import PrimaryState
from dlmskit.link.hdlc.events import (
    ApduReceived,
    Connected,
    Disconnected,
    DisconnectReason,
    Event,
    LinkParameters,
)
from dlmskit.link.hdlc.station import PrimaryStation, SecondaryStation
from dlmskit.link.mode_e import (
    BaudRateChange,
    Identification,
    ModeEClient,
    ModeEFailed,
    ModeEServer,
)
from dlmskit.link.wrapper import Wpdu, WrapperError, WrapperReader, decode_datagram, encode_wpdu

__all__ = [
    "HdlcClient",
    "WrapperClient",
    "mode_e_client",
    "mode_e_server",
    "serve_hdlc",
    "serve_wrapper",
    "serve_wrapper_udp",
]

_log = logging.getLogger("dlmskit.io")

Answer = Callable[[ApduReceived], "Awaitable[bytes | None] | bytes | None"]
WrapperAnswer = Callable[[Wpdu], "Awaitable[bytes | None] | bytes | None"]


class _Station(Protocol):
    def receive_data(self, data: bytes, now: float) -> list[Event]: ...
    def handle_timer(self, now: float) -> list[Event]: ...
    def get_timer(self) -> float | None: ...
    def data_to_send(self) -> bytes: ...


class _Pump:
    """Feeds a station from a transport and fires its timers; events go to ``on_events``."""

    def __init__(
        self, station: _Station, transport: Transport, on_events: Callable[[list[Event]], None]
    ) -> None:
        self.station = station
        self.transport = transport
        self.on_events = on_events
        self._wake = asyncio.Event()
        self.failure: BaseException | None = None

    def wake(self) -> None:
        self._wake.set()

    async def flush(self) -> None:
        data = self.station.data_to_send()
        if data:
            await self.transport.send(data)

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        receiving = asyncio.ensure_future(self.transport.receive())
        waking = asyncio.ensure_future(self._wake.wait())
        try:
            while True:
                deadline = self.station.get_timer()
                timeout = None if deadline is None else max(0.0, deadline - loop.time())
                done, _ = await asyncio.wait(
                    {receiving, waking}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
                )
                events: list[Event] = []
                if receiving in done:
                    data = receiving.result()  # LinkLostError ends the pump
                    events += self.station.receive_data(data, loop.time())
                    receiving = asyncio.ensure_future(self.transport.receive())
                if waking in done:
                    self._wake.clear()
                    waking = asyncio.ensure_future(self._wake.wait())
                deadline = self.station.get_timer()
                if deadline is not None and loop.time() >= deadline:
                    events += self.station.handle_timer(loop.time())
                await self.flush()
                if events:
                    self.on_events(events)
        except BaseException as exc:
            self.failure = exc
            raise
        finally:
            receiving.cancel()
            waking.cancel()


class HdlcClient:
    """A client link over a transport: ``connect``, ``request`` (an APDU, its answer),
    ``disconnect``. Pushes (UI frames) arrive in :attr:`pushes`."""

    def __init__(self, transport: Transport, station: PrimaryStation) -> None:
        self.transport = transport
        self.station = station
        self.pushes: asyncio.Queue[ApduReceived] = asyncio.Queue()
        self._events: asyncio.Queue[Event] = asyncio.Queue()
        self._pump = _Pump(station, transport, self._on_events)
        self._task: asyncio.Task[None] | None = None

    def _on_events(self, events: list[Event]) -> None:
        for event in events:
            if isinstance(event, ApduReceived) and event.unnumbered:
                self.pushes.put_nowait(event)
            else:
                self._events.put_nowait(event)

    def _start(self) -> None:
        if self._task is None:
            self._task = asyncio.ensure_future(self._pump.run())

    async def _act(self) -> None:
        await self._pump.flush()
        self._pump.wake()

    async def _next_event(self) -> Event:
        assert self._task is not None
        getter = asyncio.ensure_future(self._events.get())
        try:
            done, _ = await asyncio.wait({getter, self._task}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            if not getter.done():
                getter.cancel()
        if getter in done:
            return getter.result()
        exc = self._task.exception() if not self._task.cancelled() else None
        raise LinkLostError(f"link closed: {exc}") from exc

    @staticmethod
    def _raise_for(event: Disconnected) -> None:
        if event.reason is DisconnectReason.NO_RESPONSE:
            raise LinkTimeoutError(f"no response from {event.server}: {event.detail}")
        raise LinkLostError(f"{event.reason.value} {event.detail}".strip())

    async def connect(self) -> LinkParameters:
        self._start()
        self.station.connect(asyncio.get_running_loop().time())
        await self._act()
        while True:
            event = await self._next_event()
            if isinstance(event, Connected):
                return event.parameters
            if isinstance(event, Disconnected):
                self._raise_for(event)

    async def request(self, apdu: bytes) -> bytes:
        """Send an APDU and return the answering APDU."""
        await self.send(apdu)
        while True:
            event = await self._next_event()
            if isinstance(event, ApduReceived):
                return event.apdu
            if isinstance(event, Disconnected):
                self._raise_for(event)

    async def send(self, apdu: bytes) -> None:
        """Send an APDU (segmented and windowed as negotiated); the answer, or answers, come
        from :meth:`receive`."""
        self._start()
        self.station.send_apdu(apdu, asyncio.get_running_loop().time())
        await self._act()

    async def receive(self) -> ApduReceived:
        """The next APDU from the meter: an answer, or a push (``unnumbered``), whichever
        comes first. When the client holds the turn and nothing is queued, it polls the meter
        with RR first (a meter with more to send -- the next blocks of a general block
        transfer -- sends it then)."""
        self._start()
        if not self.pushes.empty():
            return self.pushes.get_nowait()
        if self._events.empty() and self.station.state is PrimaryState.IDLE:
            self.station.poll(asyncio.get_running_loop().time())
            await self._act()
        while True:
            assert self._task is not None
            getter = asyncio.ensure_future(self._events.get())
            pusher = asyncio.ensure_future(self.pushes.get())
            try:
                done, _ = await asyncio.wait(
                    {getter, pusher, self._task}, return_when=asyncio.FIRST_COMPLETED
                )
            finally:
                for waiter in (getter, pusher):
                    if not waiter.done():
                        waiter.cancel()
            if pusher in done:
                if getter in done:  # both: keep the answer for the next call
                    self._events.put_nowait(getter.result())
                return pusher.result()
            if getter not in done:
                exc = self._task.exception() if not self._task.cancelled() else None
                raise LinkLostError(f"link closed: {exc}") from exc
            event = getter.result()
            if isinstance(event, ApduReceived):
                return event
            if isinstance(event, Disconnected):
                self._raise_for(event)

    async def disconnect(self) -> None:
        try:
            self.station.disconnect(asyncio.get_running_loop().time())
        except LinkStateError:
            return
        await self._act()
        while True:
            event = await self._next_event()
            if isinstance(event, Disconnected):
                return

    async def aclose(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, LinkLostError):
                await self._task
        await self.transport.close()


async def serve_hdlc(station: SecondaryStation, transport: Transport, answer: Answer) -> None:
    """Run a meter station on a transport until the peer closes it. ``answer`` gets each APDU
    received and returns the answering APDU, or None for no answer (unconfirmed service)."""
    queue: asyncio.Queue[ApduReceived] = asyncio.Queue()

    def on_events(events: list[Event]) -> None:
        for event in events:
            if isinstance(event, ApduReceived) and not event.unnumbered:
                queue.put_nowait(event)

    pump = _Pump(station, transport, on_events)
    task = asyncio.ensure_future(pump.run())
    try:
        while True:
            getter = asyncio.ensure_future(queue.get())
            try:
                done, _ = await asyncio.wait({getter, task}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                if not getter.done():
                    getter.cancel()
            if getter not in done:
                break
            request = getter.result()
            reply = answer(request)
            if inspect.isawaitable(reply):
                reply = await reply
            now = asyncio.get_running_loop().time()
            if reply is None:
                station.acknowledge(
                    now, client=request.client.upper, logical_device=request.server.upper
                )
            else:
                station.send_apdu(
                    reply, now, client=request.client.upper, logical_device=request.server.upper
                )
            await pump.flush()
            pump.wake()
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, LinkLostError):
            await task


class WrapperClient:
    """A client over the wrapper (TCP stream or UDP datagrams)."""

    def __init__(
        self,
        transport: Transport,
        client_wport: int,
        server_wport: int,
        *,
        datagrams: bool = False,
        timeout: float = 10.0,
        max_length: int = 0xFFFF,
    ) -> None:
        self.transport = transport
        self.client_wport = client_wport
        self.server_wport = server_wport
        self.datagrams = datagrams
        self.timeout = timeout
        self.max_length = max_length
        self._reader = WrapperReader(max_length=max_length)
        self._ready: list[Wpdu] = []

    async def _receive(self) -> Wpdu:
        while not self._ready:
            data = await self.transport.receive()
            if self.datagrams:
                self._ready.append(decode_datagram(data, max_length=self.max_length))
            else:
                self._ready += self._reader.feed(data)
        return self._ready.pop(0)

    async def request(self, apdu: bytes) -> bytes:
        await self.send(apdu)
        return await self.receive()

    async def send(self, apdu: bytes) -> None:
        await self.transport.send(encode_wpdu(self.client_wport, self.server_wport, apdu))

    async def receive(self, timeout: float | None = None) -> bytes:
        """The next APDU from the meter's wPort to ours (an answer or a push); WPDUs between
        other wPorts are dropped. ``timeout`` None: :attr:`timeout`."""
        limit = self.timeout if timeout is None else timeout
        try:
            async with asyncio.timeout(limit):
                while True:
                    wpdu = await self._receive()
                    if (wpdu.source, wpdu.destination) == (self.server_wport, self.client_wport):
                        return wpdu.apdu
        except TimeoutError as exc:
            raise LinkTimeoutError(f"no answer in {limit} s") from exc

    async def aclose(self) -> None:
        await self.transport.close()


async def _reply(answer: WrapperAnswer, wpdu: Wpdu) -> bytes | None:
    reply = answer(wpdu)
    if inspect.isawaitable(reply):
        reply = await reply
    return reply


async def serve_wrapper(
    transport: Transport, answer: WrapperAnswer, *, max_length: int = 0xFFFF
) -> None:
    """Serve wrapper requests on a TCP stream until the peer closes it (or breaks framing)."""
    reader = WrapperReader(max_length=max_length)
    while True:
        try:
            data = await transport.receive()
            wpdus = reader.feed(data)
        except LinkLostError:
            return
        except WrapperError as exc:
            _log.warning("wrapper stream from a client broken (%s): closing it", exc)
            return
        for wpdu in wpdus:
            reply = await _reply(answer, wpdu)
            if reply is not None:
                await transport.send(encode_wpdu(wpdu.destination, wpdu.source, reply))


async def serve_wrapper_udp(endpoint: UdpEndpoint, answer: WrapperAnswer) -> None:
    """Serve wrapper requests arriving as datagrams; malformed datagrams are dropped."""
    while True:
        try:
            data, addr = await endpoint.receive_from()
        except LinkLostError:
            return
        try:
            wpdu = decode_datagram(data)
        except WrapperError:
            continue
        reply = await _reply(answer, wpdu)
        if reply is not None:
            endpoint.send_to(encode_wpdu(wpdu.destination, wpdu.source, reply), addr)


async def mode_e_client(
    transport: SerialTransport, machine: ModeEClient, *, switch_delay: float = 0.3
) -> Identification:
    """Run the IEC 62056-21 mode E opening on a serial port: 300 baud 7E1, identification,
    acknowledgement, then the port switched to the agreed speed at 8N1 (ready for HDLC).
    ``switch_delay`` gives the meter time to switch too before the first HDLC frame (bytes
    that arrive meanwhile, like a meter repeating the ACK at the new speed, are dropped)."""
    loop = asyncio.get_running_loop()
    await transport.reconfigure(baudrate=300, parity="E", byte_size=7)
    machine.start(loop.time())
    await transport.send(machine.data_to_send())
    while True:
        deadline = machine.get_timer()
        timeout = None if deadline is None else max(0.0, deadline - loop.time())
        try:
            async with asyncio.timeout(timeout):
                data = await transport.receive()
            events = machine.receive_data(data, loop.time())
        except TimeoutError:
            events = machine.handle_timer(loop.time())
        out = machine.data_to_send()
        if out:
            await transport.send(out)
        for event in events:
            if isinstance(event, BaudRateChange):
                # let the acknowledgement leave the line at 300 baud before switching: a port
                # reconfiguration flushes its buffers, and some adapters report "drained" while
                # bytes still sit in their FIFO
                await asyncio.sleep(len(out) * 10 / 300 + 0.02)
            if isinstance(event, ModeEFailed):
                if machine.state is ModeEClient.State.FAILED and machine.identification is None:
                    raise LinkTimeoutError(event.reason)
                raise LinkLostError(event.reason)
            if isinstance(event, BaudRateChange):
                await transport.reconfigure(baudrate=event.baudrate, parity="N", byte_size=8)
                await asyncio.sleep(switch_delay)
                assert machine.identification is not None
                return machine.identification


async def mode_e_server(transport: SerialTransport, machine: ModeEServer) -> int:
    """The meter's side of the mode E opening; returns the baud rate switched to."""
    await transport.reconfigure(baudrate=300, parity="E", byte_size=7)
    loop = asyncio.get_running_loop()
    while True:
        events = machine.receive_data(await transport.receive(), loop.time())
        out = machine.data_to_send()
        if out:
            await transport.send(out)
        for event in events:
            if isinstance(event, BaudRateChange):
                await transport.reconfigure(baudrate=event.baudrate, parity="N", byte_size=8)
                return event.baudrate
