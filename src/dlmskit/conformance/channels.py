"""How the suite talks to the IUT: connections, and strict raw channels under test control.

* :class:`Connection` -- a connection string, read by :class:`dlmskit.client.Target`:
  ``tcp://host:port`` and ``udp://host:port`` (IEC 62056-47 wrapper), ``hdlc+tcp://`` and
  ``hdlc+udp://host:port``, ``serial:///dev/ttyUSB0?baud=9600`` (HDLC).
* :class:`HdlcProbe` -- a primary station whose every frame the test case chooses: it sends
  frames built with :mod:`dlmskit.link.hdlc.frame` (or raw bytes, for frames broken on
  purpose), receives the meter's frames through a :class:`~dlmskit.link.hdlc.FrameReader`, and
  runs the numbered exchange for APDUs with window 1 -- checking, as it goes, what the meter
  must do: N(S) and N(R) in sequence, the final bit, the negotiated information field length,
  the LLC header.
* :class:`WrapperProbe` -- WPDUs (or raw bytes) to the meter, checked WPDUs back.

Both report the IUT's protocol violations as :class:`~dlmskit.conformance.cases.Failed` and
end quietly (None) where the test case asks for an answer that does not come: whether silence
is right is the test case's decision.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from dlmskit.client.target import Target
from dlmskit.conformance.cases import Failed, Inconclusive
from dlmskit.conformance.iut import ProfileKind, Timeouts
from dlmskit.conformance.trace import RecordingTransport
from dlmskit.errors import DlmsError
from dlmskit.io.base import Transport
from dlmskit.link.errors import LinkLostError
from dlmskit.link.hdlc.events import LinkParameters
from dlmskit.link.hdlc.frame import (
    Frame,
    FrameType,
    HdlcAddress,
    HdlcFrameError,
    HdlcParameters,
    decode_parameters,
    encode_parameters,
)
from dlmskit.link.hdlc.reader import FrameReader
from dlmskit.link.llc import LLC_COMMAND, LLC_RESPONSE
from dlmskit.link.wrapper import HEADER_LENGTH, Wpdu, encode_wpdu

__all__ = [
    "ApduChannel",
    "Connection",
    "HdlcProbe",
    "WrapperProbe",
]


@dataclass(frozen=True, slots=True)
class Connection:
    """Where the IUT is and which profile reaches it: a connection string as the client reads
    it (:class:`dlmskit.client.Target`; the addresses it may carry are what discovery uses --
    the test cases take theirs from the IUT description)."""

    target: Target
    text: str

    @classmethod
    def parse(cls, text: str, **options: Any) -> Connection:
        return cls(Target.parse(text, **options), text)

    @property
    def profile(self) -> ProfileKind:
        return ProfileKind(self.target.link)

    @property
    def datagrams(self) -> bool:
        return self.target.transport == "udp"

    @property
    def host(self) -> str:
        return self.target.host

    @property
    def port(self) -> int:
        return self.target.port

    async def open(self) -> Transport:
        """A new transport to the IUT (a new TCP connection, a new UDP socket, the port)."""
        from dlmskit.client.links import open_transport

        return await open_transport(self.target, timeout=10.0)

    def __str__(self) -> str:
        return self.text


class ApduChannel(Protocol):
    """What the application-layer tests need from a link: APDUs out, APDUs back."""

    @property
    def closed(self) -> bool: ...

    async def send_apdu(self, apdu: bytes, *, note: str = "") -> None: ...

    async def receive_apdu(self, timeout: float | None = None) -> bytes | None: ...

    async def request(
        self, apdu: bytes, *, note: str = "", timeout: float | None = None
    ) -> bytes | None: ...

    async def close(self) -> None: ...


class _Receiver:
    """Reads chunks from a transport with a deadline; remembers a lost link."""

    def __init__(self, transport: RecordingTransport, clock: Callable[[], float]) -> None:
        self.transport = transport
        self.clock = clock
        self.closed = False

    async def chunk(self, deadline: float) -> bytes | None:
        if self.closed:
            return None
        remaining = deadline - self.clock()
        if remaining <= 0:
            return None
        try:
            async with asyncio.timeout(remaining):
                return await self.transport.receive()
        except TimeoutError:
            return None
        except (LinkLostError, OSError):
            self.closed = True
            self.transport.trace.note("the IUT closed the connection")
            return None


class HdlcProbe:
    """A primary station whose frames the test case controls (see the module docstring).

    ``client`` and ``server`` are the addresses written into the frames; frames from the
    meter to other addresses are ignored (on a shared line they are someone else's).
    """

    def __init__(
        self,
        transport: RecordingTransport,
        client: HdlcAddress,
        server: HdlcAddress,
        timeouts: Timeouts,
        clock: Callable[[], float],
    ) -> None:
        self.transport = transport
        self.client = client
        self.server = server
        self.timeouts = timeouts
        self.clock = clock
        self.reader = FrameReader(inter_octet_timeout=None)
        self.frames: deque[Frame] = deque()
        self._rx = _Receiver(transport, clock)
        #: the parameters in force after the last UA (the client's view)
        self.parameters = LinkParameters()
        self.vs = 0  # N(S) of our next I frame
        self.vr = 0  # N(S) expected in the meter's next I frame

    @property
    def closed(self) -> bool:
        return self._rx.closed

    # -- frames ----------------------------------------------------------------------------
    def frame(
        self,
        kind: FrameType,
        *,
        info: bytes = b"",
        poll: bool = True,
        ns: int | None = None,
        nr: int | None = None,
        segmented: bool = False,
        server: HdlcAddress | None = None,
        client: HdlcAddress | None = None,
    ) -> Frame:
        """A frame from our client to the server (other addresses when given)."""
        return Frame.make(
            kind,
            self.server if server is None else server,
            self.client if client is None else client,
            poll_final=poll,
            ns=self.vs if ns is None else ns,
            nr=self.vr if nr is None else nr,
            info=info,
            segmented=segmented,
        )

    async def send(self, frame: Frame | bytes, note: str = "") -> None:
        data = frame.encode() if isinstance(frame, Frame) else bytes(frame)
        self.transport.next_note = note
        try:
            await self.transport.send(data)
        except (LinkLostError, OSError) as exc:
            raise Inconclusive(f"the connection to the IUT was lost while sending: {exc}") from None

    async def receive(self, timeout: float | None = None) -> Frame | None:
        """The next frame from the meter to our client address, or None (time-out, lost)."""
        deadline = self.clock() + (self.timeouts.response if timeout is None else timeout)
        while True:
            while self.frames:
                frame = self.frames.popleft()
                if frame.destination == self.client:
                    return frame
            data = await self._rx.chunk(deadline)
            if data is None:
                return None
            self.frames.extend(self.reader.feed(data))

    async def collect(self, duration: float | None = None) -> list[Frame]:
        """Every frame to our client during ``duration`` (default: the silence time)."""
        deadline = self.clock() + (self.timeouts.silence if duration is None else duration)
        found: list[Frame] = []
        while True:
            frame = await self.receive(max(0.0, deadline - self.clock()))
            if frame is None:
                return found
            found.append(frame)

    async def command(
        self, frame: Frame | bytes, note: str = "", timeout: float | None = None
    ) -> Frame | None:
        """Send a frame, return the first frame answering it (or None)."""
        await self.send(frame, note)
        return await self.receive(timeout)

    async def drain(self) -> None:
        """Forget frames already received and the bytes half-read."""
        self.frames.clear()
        self.reader.flush()

    # -- link management -------------------------------------------------------------------
    def snrm(self, parameters: HdlcParameters | None = None) -> Frame:
        info = b"" if parameters is None else encode_parameters(parameters)
        return self.frame(FrameType.SNRM, info=info)

    async def connect(
        self, parameters: HdlcParameters | None = None, note: str = "SNRM"
    ) -> LinkParameters:
        """SNRM, UA: the link in NRM. A meter that does not accept it ends the test case
        INCONCLUSIVE (the step under test comes after)."""
        answer = await self.command(self.snrm(parameters), note)
        if answer is None:
            raise Inconclusive("no answer to SNRM: the link could not be set up")
        if answer.type is not FrameType.UA:
            raise Inconclusive(f"SNRM answered with {answer.describe()}, not UA")
        return self.accept_ua(answer, parameters)

    def accept_ua(self, ua: Frame, proposed: HdlcParameters | None) -> LinkParameters:
        """Take the parameters of a UA (as the meter states them) and reset the numbering.
        The meter must not state more than was proposed (IEC 62056-46 6.4.4.4.3.2)."""
        try:
            theirs = decode_parameters(ua.info)
        except HdlcFrameError as exc:
            raise Failed(f"the UA's parameter field is malformed: {exc}") from None
        tx, rx, wtx, wrx = theirs.with_defaults()
        mine = proposed or HdlcParameters()
        # the meter's transmit is our receive
        if tx > mine.max_info_rx or wtx > mine.window_rx:
            raise Failed(
                f"the UA states max info transmit {tx}, window transmit {wtx}: more than the "
                f"{mine.max_info_rx} / {mine.window_rx} the client can receive"
            )
        self.parameters = LinkParameters(
            max_info_tx=min(rx, mine.max_info_tx),
            max_info_rx=tx,
            window_tx=min(wrx, mine.window_tx),
            window_rx=wtx,
        )
        self.vs = self.vr = 0
        return self.parameters

    async def disconnect(self) -> Frame | None:
        answer = await self.command(self.frame(FrameType.DISC), "DISC")
        self.vs = self.vr = 0
        return answer

    # -- the numbered exchange -------------------------------------------------------------
    async def send_apdu(self, apdu: bytes, *, note: str = "", llc: bool = True) -> None:
        """Send an APDU in I frames of the negotiated length, one frame per poll (window 1);
        every segment but the last must be acknowledged with RR."""
        payload = (LLC_COMMAND if llc else b"") + apdu
        size = self.parameters.max_info_tx
        chunks = [payload[i : i + size] for i in range(0, len(payload), size)] or [b""]
        for index, chunk in enumerate(chunks):
            last = index == len(chunks) - 1
            frame = self.frame(FrameType.I, info=chunk, segmented=not last)
            await self.send(frame, note if index == 0 else f"{note} (segment {index + 1})")
            self.vs = (self.vs + 1) % 8
            if last:
                return
            answer = await self.receive()
            if answer is None:
                raise Failed(f"no RR after segment {index + 1} of a segmented APDU")
            if answer.type is not FrameType.RR:
                raise Failed(f"segment {index + 1} answered with {answer.describe()}, not RR")
            if answer.nr != self.vs:
                raise Failed(
                    f"RR after segment {index + 1} has N(R)={answer.nr}, expected {self.vs}"
                )

    async def receive_apdu(self, timeout: float | None = None) -> bytes | None:
        """The meter's answer: I frames checked and joined (RR polls for the next segment).
        None when no I frame comes in time; an RR with nothing is "no answer" too."""
        parts: list[bytes] = []
        while True:
            frame = await self.receive(timeout)
            if frame is None:
                if parts:
                    raise Failed("the meter stopped in the middle of a segmented APDU")
                return None
            kind = frame.type
            if kind is FrameType.RR and not parts:
                return None  # the meter acknowledged without answering
            if kind is not FrameType.I:
                raise Failed(f"{frame.describe()} received where the answer was expected")
            self._check_i(frame)
            parts.append(frame.info)
            self.vr = (self.vr + 1) % 8
            if not frame.segmented:
                break
            if frame.poll_final:
                await self.send(self.frame(FrameType.RR), "RR: next segment")
        data = b"".join(parts)
        if data[:3] != LLC_RESPONSE:
            raise Failed(
                f"the answer does not start with the LLC header E6 E7 00: {data[:3].hex()}"
            )
        return data[3:]

    def _check_i(self, frame: Frame) -> None:
        if frame.ns != self.vr:
            raise Failed(f"the meter's I frame has N(S)={frame.ns}, expected {self.vr}")
        if frame.nr != self.vs:
            raise Failed(f"the meter's I frame has N(R)={frame.nr}, expected {self.vs}")
        if not frame.poll_final:
            raise Failed("the meter sent an I frame without the final bit with window 1")
        if len(frame.info) > self.parameters.max_info_rx:
            raise Failed(
                f"the meter sent an information field of {len(frame.info)} bytes, more than "
                f"the negotiated {self.parameters.max_info_rx}"
            )

    async def request(
        self, apdu: bytes, *, note: str = "", timeout: float | None = None
    ) -> bytes | None:
        await self.send_apdu(apdu, note=note)
        return await self.receive_apdu(timeout)

    async def close(self) -> None:
        with contextlib.suppress(LinkLostError, OSError):
            await self.transport.close()


class WrapperProbe:
    """WPDUs to the meter and checked WPDUs back (TCP stream or UDP datagrams)."""

    def __init__(
        self,
        transport: RecordingTransport,
        client_wport: int,
        server_wport: int,
        timeouts: Timeouts,
        clock: Callable[[], float],
        *,
        datagrams: bool = False,
    ) -> None:
        self.transport = transport
        self.client_wport = client_wport
        self.server_wport = server_wport
        self.timeouts = timeouts
        self.clock = clock
        self.datagrams = datagrams
        self._rx = _Receiver(transport, clock)
        self._buffer = bytearray()
        self._ready: deque[Wpdu] = deque()

    @property
    def closed(self) -> bool:
        return self._rx.closed

    async def send_raw(self, data: bytes, note: str = "") -> None:
        self.transport.next_note = note
        try:
            await self.transport.send(bytes(data))
        except (LinkLostError, OSError):
            self._rx.closed = True
            self.transport.trace.note("the IUT closed the connection")

    async def send_apdu(self, apdu: bytes, *, note: str = "") -> None:
        await self.send_raw(encode_wpdu(self.client_wport, self.server_wport, apdu), note)

    def _cut(self, final: bool) -> None:
        buf = self._buffer
        while len(buf) >= HEADER_LENGTH:
            version = int.from_bytes(buf[0:2], "big")
            if version != 1:
                raise Failed(f"the meter sent a WPDU with version {version}")
            length = int.from_bytes(buf[6:8], "big")
            end = HEADER_LENGTH + length
            if end > len(buf):
                if final:
                    raise Failed(f"the meter's datagram is shorter than its WPDU length {length}")
                return
            source = int.from_bytes(buf[2:4], "big")
            destination = int.from_bytes(buf[4:6], "big")
            self._ready.append(Wpdu(source, destination, bytes(buf[HEADER_LENGTH:end])))
            del buf[:end]
            if final and buf:
                raise Failed("the meter's datagram holds bytes after its WPDU")
        if final and buf:
            raise Failed("the meter sent a datagram shorter than a WPDU header")

    async def receive(self, timeout: float | None = None) -> Wpdu | None:
        deadline = self.clock() + (self.timeouts.response if timeout is None else timeout)
        while not self._ready:
            data = await self._rx.chunk(deadline)
            if data is None:
                return None
            self._buffer += data
            self._cut(final=self.datagrams)
        return self._ready.popleft()

    async def receive_apdu(self, timeout: float | None = None) -> bytes | None:
        wpdu = await self.receive(timeout)
        if wpdu is None:
            return None
        if (wpdu.source, wpdu.destination) != (self.server_wport, self.client_wport):
            raise Failed(
                f"the answer goes from wPort {wpdu.source} to {wpdu.destination}, expected "
                f"{self.server_wport} to {self.client_wport}"
            )
        return wpdu.apdu

    async def collect(self, duration: float | None = None) -> list[Wpdu]:
        deadline = self.clock() + (self.timeouts.silence if duration is None else duration)
        found: list[Wpdu] = []
        while True:
            wpdu = await self.receive(max(0.0, deadline - self.clock()))
            if wpdu is None:
                return found
            found.append(wpdu)

    async def request(
        self, apdu: bytes, *, note: str = "", timeout: float | None = None
    ) -> bytes | None:
        await self.send_apdu(apdu, note=note)
        return await self.receive_apdu(timeout)

    async def close(self) -> None:
        with contextlib.suppress(LinkLostError, OSError, DlmsError):
            await self.transport.close()
