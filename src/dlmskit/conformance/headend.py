"""Head-end conformance: a reference meter that watches what a head-end (a client) sends.

The suite serves the reference meter simulator (:mod:`dlmskit.simulator`, or any
:class:`~dlmskit.server.Meter`) behind a recording relay on the endpoint the head-end is told
to use -- ``tcp://HOST:PORT`` (wrapper) or ``hdlc+tcp://HOST:PORT``. Every byte either way is
kept in a :class:`~dlmskit.conformance.trace.Trace` (direction ``IN`` is what the head-end
sent, ``OUT`` what the meter answered). When the head-end is done (it closed its connections,
or the time is up), :func:`analyse` cuts the traffic into APDUs per connection and
association, deciphers what the IUT description holds keys for, and the head-end test cases
(:mod:`dlmskit.conformance.plans.headend`) judge it: well-formed AARQs, the negotiated PDU
size and conformance respected, block transfer followed, invocation counters increasing,
associations released.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as _dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from dlmskit import apdu as a
from dlmskit.apdu import AARE, AARQ, RLRE, RLRQ, Conformance, InitiateRequest, InitiateResponse
from dlmskit.cli.endpoints import Endpoint
from dlmskit.conformance.iut import AssociationSpec, Iut, ProfileKind
from dlmskit.conformance.trace import Direction, Trace
from dlmskit.errors import DlmsError, LocalProtocolError
from dlmskit.link.hdlc.frame import Frame, FrameType
from dlmskit.link.hdlc.reader import FrameReader
from dlmskit.link.llc import split_llc
from dlmskit.link.wrapper import WrapperReader
from dlmskit.security import (
    GENERAL_DED_CIPHERING,
    SecurityError,
    SymmetricKeys,
    decrypt,
    is_ciphered_tag,
)
from dlmskit.security.envelope import DEDICATED_TAGS

__all__ = ["AssociationLog", "Capture", "Message", "analyse", "capture_head_end"]

_log = logging.getLogger("dlmskit.conformance")
_DEDICATED = frozenset(DEDICATED_TAGS.values()) | {GENERAL_DED_CIPHERING}


@dataclass(slots=True)
class Message:
    """One APDU of the captured traffic, as sent and (when ciphered and the keys are known)
    deciphered."""

    channel: int
    time: float
    from_head_end: bool
    raw: bytes
    plain: bytes | None = None  # the plain APDU (raw itself when not ciphered)
    apdu: a.Apdu | None = None
    error: str = ""
    security_control: int | None = None
    invocation_counter: int | None = None
    system_title: bytes | None = None
    dedicated: bool = False
    client: int | None = None  # the head-end's address (wPort, or HDLC client address)

    @property
    def ciphered(self) -> bool:
        return bool(self.raw) and is_ciphered_tag(self.raw[0])

    @property
    def label(self) -> str:
        kind = type(self.apdu).__name__ if self.apdu is not None else f"0x{self.raw[:1].hex()}"
        return f"connection {self.channel} at {self.time:.3f} s: {kind}"


@dataclass(slots=True)
class AssociationLog:
    """One association a head-end opened (from its AARQ to its release or the end)."""

    channel: int
    client: int | None
    aarq: Message
    aare: Message | None = None
    spec: AssociationSpec | None = None
    requests: list[Message] = field(default_factory=list)
    responses: list[Message] = field(default_factory=list)
    rlrq: Message | None = None
    rlre: Message | None = None

    @property
    def accepted(self) -> bool:
        return isinstance(self.aare_apdu, AARE) and self.aare_apdu.result == 0

    @property
    def aare_apdu(self) -> AARE | None:
        found = None if self.aare is None else self.aare.apdu
        return found if isinstance(found, AARE) else None

    @property
    def initiate_response(self) -> InitiateResponse | None:
        aare = self.aare_apdu
        if aare is None:
            return None
        info = aare.user_information
        if isinstance(info, InitiateResponse):
            return info
        found = _inner(None if self.aare is None else self.aare.plain)
        return found if isinstance(found, InitiateResponse) else None

    @property
    def initiate_request(self) -> InitiateRequest | None:
        aarq = self.aarq.apdu
        if not isinstance(aarq, AARQ):
            return None
        if isinstance(aarq.user_information, InitiateRequest):
            return aarq.user_information
        found = _inner(self.aarq.plain)
        return found if isinstance(found, InitiateRequest) else None

    @property
    def negotiated(self) -> Conformance | None:
        response = self.initiate_response
        return None if response is None else response.negotiated_conformance


def _inner(plain: bytes | None) -> a.Apdu | None:
    """The xDLMS APDU deciphered from an AARQ/AARE's ciphered user-information (kept in
    ``plain``)."""
    if plain is None:
        return None
    try:
        return a.decode(plain)
    except DlmsError:
        return None


@dataclass(slots=True)
class Capture:
    """What the relay saw: the trace, and per connection the HDLC frames and APDUs."""

    trace: Trace
    profile: ProfileKind
    connections: int = 0
    messages: list[Message] = field(default_factory=list)
    frames: dict[int, list[tuple[bool, Frame]]] = field(default_factory=dict)
    associations: list[AssociationLog] = field(default_factory=list)
    closed: set[int] = field(default_factory=set)


class _Relay:
    """Relays one head-end connection to the meter, recording both directions."""

    def __init__(self, trace: Trace, framing: str, target: tuple[str, int]) -> None:
        self.trace = trace
        self.framing = framing
        self.target = target
        self.finished = 0
        self.opened = 0
        self.changed = asyncio.Event()

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        channel = self.trace.channel(self.framing)
        self.opened += 1
        self.trace.note(f"connection {channel} from the head-end")
        try:
            meter_reader, meter_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            self.finished += 1
            self.changed.set()
            return

        async def pump(
            source: asyncio.StreamReader, sink: asyncio.StreamWriter, direction: Direction
        ) -> None:
            with contextlib.suppress(ConnectionError, OSError):
                while data := await source.read(4096):
                    self.trace.record(channel, direction, data)
                    sink.write(data)
                    await sink.drain()
            with contextlib.suppress(ConnectionError, OSError):
                sink.close()

        try:
            await asyncio.gather(
                pump(reader, meter_writer, Direction.IN),
                pump(meter_reader, writer, Direction.OUT),
            )
        finally:
            self.trace.note(f"connection {channel} closed")
            self.finished += 1
            self.changed.set()


async def capture_head_end(
    endpoint: Endpoint,
    meter: object,
    *,
    sessions: int = 1,
    timeout: float = 60.0,
    hdlc_settings: object | None = None,
    on_ready: Callable[[int], None] | None = None,
    clock: Callable[[], _dt.datetime] | None = None,
) -> Trace:
    """Serve ``meter`` (a :class:`dlmskit.server.Meter`) behind a recording relay on
    ``endpoint`` until ``sessions`` head-end connections have come and gone, or ``timeout``
    seconds passed; returns the trace. ``on_ready`` gets the port listened on."""
    from dlmskit.link.hdlc import StationSettings
    from dlmskit.server import MeterServer, SingleMeter

    if endpoint.transport != "tcp" or endpoint.framing not in ("wrapper", "hdlc"):
        raise LocalProtocolError(
            "the reference meter listens on tcp:// (wrapper) or hdlc+tcp:// only"
        )
    loop = asyncio.get_running_loop()
    trace = Trace(loop.time, endpoint.framing)
    options: dict[str, object] = {}
    if clock is not None:
        options["clock"] = clock
    server = MeterServer(
        SingleMeter(meter),  # type: ignore[arg-type]
        hdlc=hdlc_settings if isinstance(hdlc_settings, StationSettings) else None,
        **options,  # type: ignore[arg-type]
    )
    if endpoint.framing == "wrapper":
        inner = await server.serve_tcp("127.0.0.1", 0)
    else:
        inner = await server.serve_hdlc_tcp("127.0.0.1", 0)
    target = inner.sockets[0].getsockname()[:2]
    relay = _Relay(trace, trace._framing.value, (str(target[0]), int(target[1])))
    listener = await asyncio.start_server(relay.handle, endpoint.host, endpoint.port)
    port = int(listener.sockets[0].getsockname()[1])
    if on_ready is not None:
        on_ready(port)
    try:
        async with asyncio.timeout(timeout):
            while relay.finished < sessions:
                relay.changed.clear()
                await relay.changed.wait()
    except TimeoutError:
        trace.note(f"time is up ({timeout:g} s)")
    finally:
        listener.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(listener.wait_closed(), 2)
        await server.close()
    return trace


# -- analysis ---------------------------------------------------------------------------------


def _apdus(trace: Trace, profile: ProfileKind, capture: Capture) -> None:
    """Cut the recorded bytes into APDUs (and HDLC frames) per connection and direction."""
    readers: dict[tuple[int, bool], object] = {}
    parts: dict[tuple[int, bool], list[bytes]] = {}
    for crossing in trace._crossings:
        if not crossing.data:
            if crossing.note.endswith("closed"):
                capture.closed.add(int(crossing.note.split()[1]))
            continue
        key = (crossing.channel, crossing.direction is Direction.IN)
        capture.connections = max(capture.connections, crossing.channel)
        if profile is ProfileKind.WRAPPER:
            reader = readers.setdefault(key, WrapperReader())
            assert isinstance(reader, WrapperReader)
            try:
                wpdus = reader.feed(crossing.data)
            except DlmsError as exc:
                capture.messages.append(
                    Message(crossing.channel, crossing.time, key[1], b"", error=str(exc))
                )
                continue
            for wpdu in wpdus:
                client = wpdu.source if key[1] else wpdu.destination
                capture.messages.append(
                    Message(crossing.channel, crossing.time, key[1], wpdu.apdu, client=client)
                )
            continue
        frame_reader = readers.setdefault(key, FrameReader(inter_octet_timeout=None))
        assert isinstance(frame_reader, FrameReader)
        for frame in frame_reader.feed(crossing.data):
            capture.frames.setdefault(crossing.channel, []).append((key[1], frame))
            if frame.type not in (FrameType.I, FrameType.UI):
                continue
            chunks = parts.setdefault(key, [])
            chunks.append(frame.info)
            if frame.segmented:
                continue
            joined = b"".join(chunks)
            chunks.clear()
            _, payload = split_llc(joined)
            client = frame.source.upper if key[1] else frame.destination.upper
            capture.messages.append(
                Message(crossing.channel, crossing.time, key[1], payload, client=client)
            )


def _keys(spec: AssociationSpec | None) -> SymmetricKeys | None:
    if spec is None or spec.security is None or spec.security.encryption_key is None:
        return None
    return SymmetricKeys(
        unicast=spec.security.encryption_key,
        authentication=spec.security.authentication_key,
        suite=spec.security.suite,
    )


def _open(message: Message, keys: SymmetricKeys | None, titles: dict[bool, bytes | None]) -> None:
    """Decode a message, deciphering it when it is ciphered and the keys are known."""
    raw = message.raw
    if not raw:
        return
    if not is_ciphered_tag(raw[0]):
        message.plain = raw
    else:
        message.dedicated = raw[0] in _DEDICATED
        try:
            container = a.decode(raw)
            message.security_control = getattr(container, "security_control", None)
            message.invocation_counter = getattr(container, "invocation_counter", None)
            carried = getattr(container, "system_title", None)
            if carried:
                message.system_title = carried
        except DlmsError:
            pass
        if keys is not None and not message.dedicated:
            sender = message.system_title or titles.get(message.from_head_end)
            try:
                deciphered = decrypt(raw, keys=keys, system_title=sender)
                message.plain = deciphered.plaintext
            except (DlmsError, SecurityError) as exc:
                message.error = f"cannot decipher: {exc}"
    data = message.plain if message.plain is not None else raw
    try:
        message.apdu = a.decode(data)
    except DlmsError as exc:
        message.error = message.error or f"undecodable APDU: {exc}"


def analyse(trace: Trace, profile: ProfileKind, iut: Iut) -> Capture:
    """Cut the traffic into associations with their requests and responses."""
    capture = Capture(trace, profile)
    _apdus(trace, profile, capture)
    current: dict[int, AssociationLog] = {}
    titles: dict[int, dict[bool, bytes | None]] = {}
    by_client = {s.client: s for s in iut.associations}
    for message in capture.messages:
        log = current.get(message.channel)
        spec = None if log is None else log.spec
        chan_titles = titles.setdefault(message.channel, {True: None, False: None})
        raw = message.raw
        if message.from_head_end and raw[:1] == b"\x60":
            _open(message, None, chan_titles)
            aarq = message.apdu
            client = message.client
            spec = by_client.get(client) if client is not None else None
            if isinstance(aarq, AARQ):
                chan_titles[True] = aarq.calling_ap_title
                info = aarq.user_information
                keys = _keys(spec)
                if info is not None and not isinstance(info, InitiateRequest) and keys:
                    try:
                        message.plain = decrypt(
                            info.encode(), keys=keys, system_title=aarq.calling_ap_title
                        ).plaintext
                    except (DlmsError, SecurityError) as exc:
                        message.error = f"cannot decipher the InitiateRequest: {exc}"
            log = AssociationLog(message.channel, client, message, spec=spec)
            capture.associations.append(log)
            current[message.channel] = log
            continue
        if log is None:
            _open(message, None, chan_titles)
            continue
        if not message.from_head_end and raw[:1] == b"\x61" and log.aare is None:
            _open(message, None, chan_titles)
            aare = message.apdu
            if isinstance(aare, AARE):
                chan_titles[False] = aare.responding_ap_title
                info = aare.user_information
                keys = _keys(spec)
                if info is not None and not isinstance(info, InitiateResponse) and keys:
                    with contextlib.suppress(DlmsError, SecurityError):
                        message.plain = decrypt(
                            info.encode(), keys=keys, system_title=aare.responding_ap_title
                        ).plaintext
            log.aare = message
            continue
        _open(message, _keys(spec), chan_titles)
        if message.from_head_end:
            if isinstance(message.apdu, RLRQ):
                log.rlrq = message
            else:
                log.requests.append(message)
        elif isinstance(message.apdu, RLRE):
            log.rlre = message
            current.pop(message.channel, None)
        else:
            log.responses.append(message)
    return capture
