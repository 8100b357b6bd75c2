"""The HDLC primary station (client) and secondary station (meter), sans-IO.

Both follow the same pattern (aioquic's): received bytes go to :meth:`receive_data` and come
back as events; user calls (``connect``, ``send_apdu``, ...) queue frames; :meth:`data_to_send`
hands over the bytes to put on the line; :meth:`get_timer` says when :meth:`handle_timer` must
run. ``now`` is passed in everywhere, in seconds on any monotonic clock. The transitions are
those of :mod:`dlmskit.link.hdlc._state`.

Numbered transfer: APDUs longer than the negotiated information field are cut into I frames with
the segmentation bit; up to ``window`` frames go out before the poll/final bit hands the turn
over. Each side checks N(S) (an out-of-sequence frame is dropped and the poll answered with RR
carrying the expected N(R), so the sender goes back) and N(R) (frames not acknowledged after a
poll are sent again). After a response time-out the client polls with RR (checkpointing): the
meter then repeats what the client did not get, or tells it with N(R) what it did not get.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterable

from dlmskit.link.errors import LinkStateError
from dlmskit.link.hdlc._state import (
    PRIMARY_TABLE,
    SECONDARY_TABLE,
    PrimaryInput,
    PrimaryState,
    SecondaryInput,
    SecondaryState,
)
from dlmskit.link.hdlc.events import (
    ApduReceived,
    Connected,
    Disconnected,
    DisconnectReason,
    Event,
    LinkParameters,
    StationSettings,
)
from dlmskit.link.hdlc.frame import (
    Frame,
    FrameType,
    HdlcAddress,
    HdlcFrameError,
    RejectReason,
    decode_parameters,
    encode_parameters,
    frmr_info,
    parse_frmr_info,
)
from dlmskit.link.hdlc.reader import FrameReader
from dlmskit.link.llc import LLC_COMMAND, LLC_RESPONSE, split_llc

__all__ = ["PrimaryStation", "SecondaryStation"]

_log = logging.getLogger("dlmskit.link.hdlc")

ALL_STATION_1 = 0x7F
ALL_STATION_2 = 0x3FFF


class _Numbered:
    """Send and receive state of the numbered (I frame) exchange of one link."""

    def __init__(self, params: LinkParameters) -> None:
        self.params = params
        self.acked = 0  # N(S) of the oldest frame not acknowledged
        self.unacked: list[tuple[bytes, bool]] = []  # sent, not acknowledged: (info, segmented)
        self.queue: deque[tuple[bytes, bool]] = deque()  # not sent yet
        self.vr = 0  # V(R): N(S) expected next
        self.rx_parts: list[bytes] = []
        self.rx_segmented = False  # the last accepted frame had the segmentation bit
        self.rx_error = False  # an out-of-sequence frame was dropped since the last poll
        self.peer_busy = False

    @property
    def sending(self) -> bool:
        return bool(self.unacked or self.queue)

    def nr_valid(self, nr: int) -> bool:
        return (nr - self.acked) % 8 <= len(self.unacked)

    def ack(self, nr: int) -> bool:
        count = (nr - self.acked) % 8
        if count > len(self.unacked):
            return False
        del self.unacked[:count]
        self.acked = nr
        return True

    def accept(self, frame: Frame) -> bytes | None:
        """Take an I frame; the complete APDU when this frame ends one, else None."""
        if frame.ns != self.vr:
            self.rx_error = True
            return None
        self.vr = (self.vr + 1) % 8
        self.rx_parts.append(frame.info)
        self.rx_segmented = frame.segmented
        if frame.segmented:
            return None
        apdu = b"".join(self.rx_parts)
        self.rx_parts = []
        return apdu

    def enqueue(self, payload: bytes) -> None:
        size = self.params.max_info_tx
        chunks = [payload[i : i + size] for i in range(0, len(payload), size)] or [b""]
        last = len(chunks) - 1
        self.queue.extend((chunk, i != last) for i, chunk in enumerate(chunks))

    def window(self, destination: HdlcAddress, source: HdlcAddress) -> list[Frame]:
        """Frames to send now: every unacknowledged one again, then new ones up to the window;
        the poll/final bit on the last."""
        while self.queue and len(self.unacked) < self.params.window_tx:
            self.unacked.append(self.queue.popleft())
        frames = []
        last = len(self.unacked) - 1
        for i, (info, segmented) in enumerate(self.unacked):
            frames.append(
                Frame.make(
                    FrameType.I,
                    destination,
                    source,
                    poll_final=i == last,
                    ns=(self.acked + i) % 8,
                    nr=self.vr,
                    info=info,
                    segmented=segmented,
                )
            )
        return frames

    def rr(self, destination: HdlcAddress, source: HdlcAddress) -> Frame:
        return Frame.make(FrameType.RR, destination, source, poll_final=True, nr=self.vr)


def _negotiate(mine: StationSettings, theirs: tuple[int, int, int, int]) -> LinkParameters:
    """The parameters a station uses given its own limits and the peer's statement (the peer's
    transmit is our receive and the other way round)."""
    their_tx, their_rx, their_wtx, their_wrx = theirs
    return LinkParameters(
        max_info_tx=min(mine.max_info_tx, their_rx),
        max_info_rx=min(mine.max_info_rx, their_tx),
        window_tx=min(mine.window_tx, their_wrx),
        window_rx=min(mine.window_rx, their_wtx),
    )


class _UiAssembler:
    """Joins segmented UI frames per (source, destination)."""

    def __init__(self) -> None:
        self._parts: dict[tuple[HdlcAddress, HdlcAddress], list[bytes]] = {}

    def add(self, frame: Frame) -> bytes | None:
        key = (frame.source, frame.destination)
        parts = self._parts.setdefault(key, [])
        parts.append(frame.info)
        if sum(len(p) for p in parts) > 0x10000 * 4:  # bound memory on a stream of S-bits
            del self._parts[key]
            return None
        if frame.segmented:
            return None
        del self._parts[key]
        return b"".join(parts)


def _strip(info: bytes, use_llc: bool) -> tuple[bytes, bytes]:
    if not use_llc:
        return b"", info
    role, apdu = split_llc(info)
    if role is None:
        return b"", info
    return info[:3], apdu


class _Base:
    def __init__(self, settings: StationSettings) -> None:
        self.settings = settings
        self.reader = FrameReader(
            inter_octet_timeout=settings.inter_octet_timeout, check_hcs=settings.hcs_checked
        )
        self._out = bytearray()
        self._ui = _UiAssembler()

    def data_to_send(self) -> bytes:
        """The bytes to put on the line now (and forget)."""
        data = bytes(self._out)
        self._out.clear()
        return data

    def _send(self, frame: Frame) -> None:
        if _log.isEnabledFor(logging.DEBUG):
            _log.debug("hdlc tx %s", frame.describe())
        self._out += frame.encode()

    def _ui_frames(
        self, apdu: bytes, destination: HdlcAddress, source: HdlcAddress, max_info: int
    ) -> list[Frame]:
        chunks = [apdu[i : i + max_info] for i in range(0, len(apdu), max_info)] or [b""]
        last = len(chunks) - 1
        return [
            Frame.make(
                FrameType.UI, destination, source, poll_final=False, info=chunk, segmented=i != last
            )
            for i, chunk in enumerate(chunks)
        ]


class PrimaryStation(_Base):
    """The client side of one HDLC link to one server address.

    >>> client = PrimaryStation(client=16, server=HdlcAddress.server(1, 17))
    >>> client.connect(now=0.0)
    >>> client.data_to_send().hex()
    '7ea0200223219310bd818014050200800602008007040000000108040000000111d17e'
    """

    def __init__(
        self,
        client: int | HdlcAddress,
        server: HdlcAddress,
        settings: StationSettings | None = None,
    ) -> None:
        super().__init__(settings or StationSettings())
        self.client = client if isinstance(client, HdlcAddress) else HdlcAddress.client(client)
        self.server = server
        self.state = PrimaryState.NDM
        self.parameters = LinkParameters()
        self._link = _Numbered(self.parameters)
        self._deadline: float | None = None
        self._retries = 0
        self._last_command: Frame | None = None
        self._pending_apdu = b""
        self._events: list[Event] = []

    # -- user calls ----------------------------------------------------------------------
    def connect(self, now: float) -> None:
        """Send SNRM (with the negotiation field unless ``send_parameters`` is off)."""
        self._apply(PrimaryInput.CONNECT, now)

    def disconnect(self, now: float) -> None:
        """Send DISC; :class:`Disconnected` follows on UA or DM (or after the retries)."""
        self._apply(PrimaryInput.DISCONNECT, now)

    def send_apdu(self, apdu: bytes, now: float) -> None:
        """Send an APDU (LLC header added), segmented and windowed as negotiated. Allowed when
        the client holds the turn (state IDLE)."""
        self._pending_apdu = bytes(apdu)
        self._apply(PrimaryInput.SEND_APDU, now)

    def poll(self, now: float) -> None:
        """Give the turn to the meter with RR (to collect an answer the meter had not ready)."""
        self._apply(PrimaryInput.POLL, now)

    def send_ui(self, apdu: bytes, now: float) -> None:
        """Send an APDU in UI frames (no acknowledgement), e.g. a broadcast."""
        self._pending_apdu = bytes(apdu)
        self._apply(PrimaryInput.SEND_UI, now)

    # -- drivers -------------------------------------------------------------------------
    def receive_data(self, data: bytes, now: float) -> list[Event]:
        for frame in self.reader.feed(data, now):
            self._on_frame(frame, now)
        return self._take_events()

    def handle_timer(self, now: float) -> list[Event]:
        for frame in self.reader.handle_timer(now):
            self._on_frame(frame, now)
        if self._deadline is not None and now >= self._deadline:
            self._deadline = None
            if self._retries < self.settings.max_retries:
                self._retries += 1
                self._apply(PrimaryInput.TIMEOUT, now)
            else:
                self._apply(PrimaryInput.TIMEOUT_EXHAUSTED, now)
        return self._take_events()

    def get_timer(self) -> float | None:
        timers = [t for t in (self._deadline, self.reader.get_timer()) if t is not None]
        return min(timers) if timers else None

    # -- internals -----------------------------------------------------------------------
    def _take_events(self) -> list[Event]:
        events, self._events = self._events, []
        return events

    def _apply(self, what: PrimaryInput, now: float, frame: Frame | None = None) -> None:
        row = PRIMARY_TABLE[self.state]
        if what not in row:
            raise LinkStateError(f"cannot {what.value} in state {self.state.name}")
        action, new_state = row[what]
        _log.debug(
            "hdlc client %s: %s -> %s (%s)", self.state.name, what.name, new_state.name, action.name
        )
        self.state = new_state
        getattr(self, "_do_" + action.name.lower())(now, frame)

    def _arm(self, now: float, *, fresh: bool) -> None:
        if fresh:
            self._retries = 0
        self._deadline = now + self.settings.response_timeout

    def _command(self, frame: Frame, now: float) -> None:
        self._last_command = frame
        self._send(frame)
        self._arm(now, fresh=True)

    # actions
    def _do_send_snrm(self, now: float, frame: Frame | None) -> None:
        info = encode_parameters(self.settings.proposal) if self.settings.send_parameters else b""
        self._command(Frame.make(FrameType.SNRM, self.server, self.client, info=info), now)

    def _do_send_disc(self, now: float, frame: Frame | None) -> None:
        self._command(Frame.make(FrameType.DISC, self.server, self.client), now)

    def _do_resend(self, now: float, frame: Frame | None) -> None:
        if self._last_command is not None:
            self._send(self._last_command)
        self._arm(now, fresh=False)

    def _do_accept_ua(self, now: float, frame: Frame | None) -> None:
        assert frame is not None
        self._deadline = None
        try:
            theirs = decode_parameters(frame.info).with_defaults()
        except HdlcFrameError as exc:
            # a UA we cannot read: the link is not usable; say so, and leave the meter's NRM
            # to its inactivity time-out (or to our next SNRM)
            self.state = PrimaryState.NDM
            self._end(DisconnectReason.REFUSED, f"malformed UA parameters: {exc}")
            return
        # a bare SNRM proposed the defaults
        mine = self.settings if self.settings.send_parameters else StationSettings()
        self.parameters = _negotiate(mine, theirs)
        self._link = _Numbered(self.parameters)
        self._events.append(Connected(self.client, self.server, self.parameters))

    def _end(self, reason: DisconnectReason, detail: str = "") -> None:
        self._deadline = None
        self._link = _Numbered(self.parameters)
        self._events.append(Disconnected(self.client, self.server, reason, detail))

    def _do_refused(self, now: float, frame: Frame | None) -> None:
        self._end(DisconnectReason.REFUSED)

    def _do_fail(self, now: float, frame: Frame | None) -> None:
        self._end(DisconnectReason.NO_RESPONSE, f"{self.settings.max_retries} retries")

    def _do_closed(self, now: float, frame: Frame | None) -> None:
        if frame is None:
            self._end(DisconnectReason.NO_RESPONSE, "no answer to DISC")
        else:
            self._end(DisconnectReason.LOCAL)

    def _do_peer_disconnected(self, now: float, frame: Frame | None) -> None:
        self._end(DisconnectReason.REMOTE_DM)

    def _do_rejected(self, now: float, frame: Frame | None) -> None:
        detail = ""
        if frame is not None:
            try:
                control, vs, vr, reasons = parse_frmr_info(frame.info)
                detail = f"rejected control 0x{control:02X}, V(S)={vs} V(R)={vr}, {reasons!r}"
            except HdlcFrameError:
                detail = f"FRMR information field {frame.info.hex()}"
        self._end(DisconnectReason.FRAME_REJECT, detail)

    def _do_transmit(self, now: float, frame: Frame | None) -> None:
        payload = self._pending_apdu
        self._link.enqueue(LLC_COMMAND + payload if self.settings.llc else payload)
        for f in self._link.window(self.server, self.client):
            self._send(f)
        self._arm(now, fresh=True)

    def _do_send_poll(self, now: float, frame: Frame | None) -> None:
        self._send(self._link.rr(self.server, self.client))
        self._arm(now, fresh=True)

    def _do_checkpoint(self, now: float, frame: Frame | None) -> None:
        self._send(self._link.rr(self.server, self.client))
        self._arm(now, fresh=False)

    def _do_send_ui(self, now: float, frame: Frame | None) -> None:
        payload = self._pending_apdu
        payload = LLC_COMMAND + payload if self.settings.llc else payload
        for f in self._ui_frames(payload, self.server, self.client, self.parameters.max_info_tx):
            self._send(f)

    def _do_deliver_ui(self, now: float, frame: Frame | None) -> None:
        assert frame is not None
        data = self._ui.add(frame)
        if data is not None:
            header, apdu = _strip(data, self.settings.llc)
            self._events.append(ApduReceived(self.client, self.server, apdu, header, True))

    def _do_ignore(self, now: float, frame: Frame | None) -> None:
        if frame is not None:
            _log.debug("hdlc client ignores %s in %s", frame.describe(), self.state.name)

    def _do_accumulate(self, now: float, frame: Frame | None) -> None:
        self._arm(now, fresh=True)  # the meter is talking: restart the response timer

    def _do_continue(self, now: float, frame: Frame | None) -> None:
        link = self._link
        if link.peer_busy:
            self._arm(now, fresh=False)  # the meter is busy: poll again after the time-out
        elif link.unacked or (link.queue and not (link.rx_error or link.rx_segmented)):
            link.rx_error = False
            for f in link.window(self.server, self.client):  # go back to N(R), or go on
                self._send(f)
            self._arm(now, fresh=True)
        else:
            link.rx_error = False
            self._send(link.rr(self.server, self.client))  # ask for (the rest of) the answer
            self._arm(now, fresh=True)

    def _do_complete(self, now: float, frame: Frame | None) -> None:
        self._deadline = None

    def _on_frame(self, frame: Frame, now: float) -> None:
        if (
            frame.destination != self.client
            or frame.source.upper != self.server.upper
            or (
                frame.source.lower != self.server.lower
                and self.server.lower is not None
                and frame.source.lower is not None
            )
        ):
            # not for us: another client's traffic, or the echo of our own frame
            _log.debug("hdlc client: frame for someone else dropped: %s", frame.describe())
            return
        kind = frame.type
        if kind is FrameType.UA:
            self._apply(PrimaryInput.UA, now, frame)
        elif kind is FrameType.DM:
            self._apply(PrimaryInput.DM, now, frame)
        elif kind is FrameType.FRMR:
            self._apply(PrimaryInput.FRMR, now, frame)
        elif kind is FrameType.UI:
            self._apply(PrimaryInput.UI, now, frame)
        elif kind is not None and kind.numbered:
            self._apply(self._classify_numbered(frame), now, frame)
        else:
            self._apply(PrimaryInput.UNEXPECTED, now, frame)

    def _classify_numbered(self, frame: Frame) -> PrimaryInput:
        """Take an I/RR/RNR frame into the link state and say what it means for the exchange.
        Frames outside an exchange (state not AWAITING) change nothing."""
        if self.state is not PrimaryState.AWAITING:
            return PrimaryInput.NUMBERED
        link = self._link
        if not link.ack(frame.nr):
            _log.warning("hdlc client: meter sent N(R)=%d outside the window, ignored", frame.nr)
        kind = frame.type
        link.peer_busy = kind is FrameType.RNR
        if kind is FrameType.I:
            apdu = link.accept(frame)
            if apdu is not None:
                header, payload = _strip(apdu, self.settings.llc)
                self._events.append(ApduReceived(self.client, self.server, payload, header))
        if not frame.poll_final:
            return PrimaryInput.NUMBERED
        if link.rx_error or link.rx_segmented or link.peer_busy or link.sending:
            return PrimaryInput.FINAL_CONTINUE
        return PrimaryInput.FINAL_DONE


class _SecondaryLink:
    """One data link between a client address and a logical device of the meter."""

    def __init__(self, client: HdlcAddress, server: HdlcAddress) -> None:
        self.client = client
        self.server = server  # the address as the client wrote it (answers use the same form)
        self.state = SecondaryState.NDM
        self.parameters = LinkParameters()
        self.numbered = _Numbered(self.parameters)
        self.inactivity_deadline: float | None = None
        self.hold_deadline: float | None = None  # poll kept while the application answers
        self.frmr: bytes = b""


class SecondaryStation(_Base):
    """The meter side: one physical device with one or more logical devices.

    ``logical_devices`` are the upper HDLC addresses served (1 is the management logical
    device); ``physical_address`` is the lower HDLC address (``None``: the meter takes frames
    with a one-byte server address, as on an optical port). Frames for other addresses are
    ignored; frames to the all-station address are taken only as UI (no answer to a broadcast).
    """

    def __init__(
        self,
        logical_devices: Iterable[int] = (1,),
        physical_address: int | None = None,
        settings: StationSettings | None = None,
    ) -> None:
        super().__init__(settings or StationSettings())
        self.logical_devices = frozenset(logical_devices)
        self.physical_address = physical_address
        self.links: dict[tuple[int, int], _SecondaryLink] = {}
        self._events: list[Event] = []

    # -- user calls ----------------------------------------------------------------------
    def send_apdu(
        self,
        apdu: bytes,
        now: float,
        *,
        client: int | None = None,
        logical_device: int | None = None,
    ) -> None:
        """Answer on a link (LLC header added, segmented, windowed). Without ``client`` and
        ``logical_device`` the answer goes to the one link waiting for an answer."""
        link = self._find_link(client, logical_device)
        if link.state is not SecondaryState.NRM:
            raise LinkStateError(f"cannot send on a link in state {link.state.name}")
        payload = LLC_RESPONSE + apdu if self.settings.llc else bytes(apdu)
        link.numbered.enqueue(payload)
        if link.hold_deadline is not None:
            link.hold_deadline = None
            self._respond(link)

    def acknowledge(
        self, now: float, *, client: int | None = None, logical_device: int | None = None
    ) -> None:
        """The application has no answer (unconfirmed service): give the poll back with RR."""
        link = self._find_link(client, logical_device)
        if link.hold_deadline is not None:
            link.hold_deadline = None
            self._respond(link)

    def send_ui(self, apdu: bytes, now: float, *, client: int, logical_device: int) -> None:
        """Send an APDU in UI frames (a push), in any mode."""
        key = (client, logical_device)
        link = self.links.get(key)
        if link is not None:
            server, max_info = link.server, link.parameters.max_info_tx
        else:
            lower = self.physical_address
            server = HdlcAddress.server(logical_device, lower)
            max_info = self.settings.max_info_tx
        payload = LLC_RESPONSE + apdu if self.settings.llc else bytes(apdu)
        for frame in self._ui_frames(payload, HdlcAddress.client(client), server, max_info):
            self._send(frame)

    def _find_link(self, client: int | None, logical_device: int | None) -> _SecondaryLink:
        if client is not None and logical_device is not None:
            link = self.links.get((client, logical_device))
            if link is None:
                raise LinkStateError(f"no link from client {client} to {logical_device}")
            return link
        waiting = [lk for lk in self.links.values() if lk.hold_deadline is not None]
        if len(waiting) != 1:
            raise LinkStateError(
                f"{len(waiting)} links wait for an answer: name client and logical_device"
            )
        return waiting[0]

    # -- drivers -------------------------------------------------------------------------
    def receive_data(self, data: bytes, now: float) -> list[Event]:
        for frame in self.reader.feed(data, now):
            self._on_frame(frame, now)
        return self._take_events()

    def handle_timer(self, now: float) -> list[Event]:
        for frame in self.reader.handle_timer(now):
            self._on_frame(frame, now)
        for link in list(self.links.values()):
            if link.hold_deadline is not None and now >= link.hold_deadline:
                link.hold_deadline = None
                self._respond(link)
            if link.inactivity_deadline is not None and now >= link.inactivity_deadline:
                link.inactivity_deadline = None
                self._apply(link, SecondaryInput.INACTIVITY, None, now)
        return self._take_events()

    def get_timer(self) -> float | None:
        timers = [t for t in (self.reader.get_timer(),) if t is not None]
        for link in self.links.values():
            timers += [t for t in (link.hold_deadline, link.inactivity_deadline) if t is not None]
        return min(timers) if timers else None

    def _take_events(self) -> list[Event]:
        events, self._events = self._events, []
        return events

    # -- frame handling ------------------------------------------------------------------
    def _accepts(self, destination: HdlcAddress) -> bool | None:
        """True: for one of our logical devices; None: a broadcast to us; False: not ours."""
        lower = destination.lower
        if lower is None:
            if self.physical_address is not None:
                return False
        else:
            all_lower = ALL_STATION_1 if destination.size == 2 else ALL_STATION_2
            if lower != self.physical_address and lower != all_lower:
                return False
        all_upper = ALL_STATION_2 if destination.size == 4 else ALL_STATION_1
        if destination.upper == all_upper:
            return None
        return destination.upper in self.logical_devices

    def _on_frame(self, frame: Frame, now: float) -> None:
        if frame.source.size != 1 or frame.source.upper in (0, ALL_STATION_1):
            _log.debug("hdlc meter: frame with an invalid client address dropped")
            return
        accepted = self._accepts(frame.destination)
        if accepted is False:
            return
        if accepted is None:  # broadcast: UI only, never answered
            if frame.type is FrameType.UI:
                self._deliver_ui(frame, frame.source, frame.destination)
            return
        key = (frame.source.upper, frame.destination.upper)
        link = self.links.get(key)
        if link is None:
            link = self.links[key] = _SecondaryLink(frame.source, frame.destination)
        link.server = frame.destination
        if link.state is not SecondaryState.NDM and self.settings.inactivity_timeout is not None:
            link.inactivity_deadline = now + self.settings.inactivity_timeout
        self._apply(link, self._classify(link, frame), frame, now)

    def _classify(self, link: _SecondaryLink, frame: Frame) -> SecondaryInput:
        kind = frame.type
        if kind is None:
            return SecondaryInput.UNDEFINED
        if frame.info and not kind.may_carry_info:
            return SecondaryInput.UNDEFINED  # W and X
        if kind in (FrameType.UA, FrameType.DM, FrameType.FRMR):
            return SecondaryInput.UNEXPECTED_RESPONSE
        if kind is FrameType.SNRM:
            try:
                decode_parameters(frame.info)
            except HdlcFrameError:
                return SecondaryInput.SNRM_INVALID
            return SecondaryInput.SNRM
        if kind is FrameType.DISC:
            return SecondaryInput.DISC
        if kind is FrameType.UI:
            return SecondaryInput.UI
        if link.state is SecondaryState.NRM:
            if kind is FrameType.I and len(frame.info) > link.parameters.max_info_rx:
                return SecondaryInput.INFO_TOO_LONG
            if not link.numbered.nr_valid(frame.nr):
                return SecondaryInput.BAD_NR
        return {FrameType.I: SecondaryInput.I, FrameType.RR: SecondaryInput.RR}.get(
            kind, SecondaryInput.RNR
        )

    def _apply(
        self, link: _SecondaryLink, what: SecondaryInput, frame: Frame | None, now: float
    ) -> None:
        action, new_state = SECONDARY_TABLE[link.state][what]
        _log.debug(
            "hdlc meter %s->%s: %s %s -> %s (%s)",
            link.client,
            link.server,
            link.state.name,
            what.name,
            new_state.name,
            action.name,
        )
        old_state = link.state
        link.state = new_state
        if new_state is SecondaryState.NDM:
            link.inactivity_deadline = None
            link.hold_deadline = None
        elif old_state is SecondaryState.NDM and self.settings.inactivity_timeout is not None:
            link.inactivity_deadline = now + self.settings.inactivity_timeout
        handler = getattr(self, "_do_" + action.name.lower())
        handler(link, frame, now, what)

    def _reply(self, link: _SecondaryLink, kind: FrameType, info: bytes = b"") -> None:
        self._send(Frame.make(kind, link.client, link.server, poll_final=True, info=info))

    # actions
    def _do_accept_snrm(
        self, link: _SecondaryLink, frame: Frame | None, now: float, what: SecondaryInput
    ) -> None:
        assert frame is not None
        theirs = decode_parameters(frame.info).with_defaults()
        link.parameters = _negotiate(self.settings, theirs)
        link.numbered = _Numbered(link.parameters)
        link.hold_deadline = None
        link.frmr = b""
        self._reply(link, FrameType.UA, _encode_link_parameters(link.parameters))
        self._events.append(Connected(link.client, link.server, link.parameters))

    def _do_accept_disc(
        self, link: _SecondaryLink, frame: Frame | None, now: float, what: SecondaryInput
    ) -> None:
        self._reply(link, FrameType.UA)
        self._events.append(Disconnected(link.client, link.server, DisconnectReason.REMOTE_DISC))

    def _do_send_dm(
        self, link: _SecondaryLink, frame: Frame | None, now: float, what: SecondaryInput
    ) -> None:
        if frame is not None and frame.poll_final:
            self._reply(link, FrameType.DM)

    def _do_send_frmr(
        self, link: _SecondaryLink, frame: Frame | None, now: float, what: SecondaryInput
    ) -> None:
        assert frame is not None
        reasons = {
            SecondaryInput.INFO_TOO_LONG: RejectReason.Y,
            SecondaryInput.BAD_NR: RejectReason.Z,
        }.get(what, RejectReason.W)
        if what is SecondaryInput.UNDEFINED and frame.info and frame.type is not None:
            reasons = RejectReason.W | RejectReason.X
        n = link.numbered
        vs = (n.acked + len(n.unacked)) % 8
        link.frmr = frmr_info(frame.control, vs, n.vr, reasons)
        link.hold_deadline = None
        _log.info("hdlc meter: FRMR %s for control 0x%02X", reasons, frame.control)
        if frame.poll_final:
            self._reply(link, FrameType.FRMR, link.frmr)

    def _do_repeat_frmr(
        self, link: _SecondaryLink, frame: Frame | None, now: float, what: SecondaryInput
    ) -> None:
        if frame is not None and frame.poll_final:
            self._reply(link, FrameType.FRMR, link.frmr)

    def _do_drop_link(
        self, link: _SecondaryLink, frame: Frame | None, now: float, what: SecondaryInput
    ) -> None:
        link.numbered = _Numbered(link.parameters)
        self._events.append(Disconnected(link.client, link.server, DisconnectReason.INACTIVITY))

    def _do_deliver_ui(
        self, link: _SecondaryLink, frame: Frame | None, now: float, what: SecondaryInput
    ) -> None:
        assert frame is not None
        self._deliver_ui(frame, link.client, link.server)

    def _deliver_ui(self, frame: Frame, client: HdlcAddress, server: HdlcAddress) -> None:
        data = self._ui.add(frame)
        if data is not None:
            header, apdu = _strip(data, self.settings.llc)
            self._events.append(ApduReceived(client, server, apdu, header, True))

    def _do_ignore(
        self, link: _SecondaryLink, frame: Frame | None, now: float, what: SecondaryInput
    ) -> None:
        pass

    def _do_receive_i(
        self, link: _SecondaryLink, frame: Frame | None, now: float, what: SecondaryInput
    ) -> None:
        self._numbered(link, frame, now)

    _do_receive_rr = _do_receive_i
    _do_receive_rnr = _do_receive_i

    def _numbered(self, link: _SecondaryLink, frame: Frame | None, now: float) -> None:
        assert frame is not None
        n = link.numbered
        n.ack(frame.nr)  # validity checked by _classify
        n.peer_busy = frame.type is FrameType.RNR
        delivered = False
        if frame.type is FrameType.I:
            if not self.settings.sequence_checked:
                n.vr = frame.ns  # the injected defect: any N(S) is taken as the next one
            apdu = n.accept(frame)
            if apdu is not None:
                header, payload = _strip(apdu, self.settings.llc)
                self._events.append(ApduReceived(link.client, link.server, payload, header))
                delivered = True
        if not frame.poll_final:
            return
        if delivered or link.hold_deadline is not None:
            # keep the poll while the application prepares its answer (a repeated request or
            # poll meanwhile is dropped: the answer will follow)
            if delivered:
                link.hold_deadline = now + self.settings.response_hold
            return
        self._respond(link)

    def _respond(self, link: _SecondaryLink) -> None:
        """Answer the poll: our frames the client did not acknowledge (checkpointing), RR when
        the client must send (again), else the next window of our answer."""
        n = link.numbered
        if not n.peer_busy and (n.unacked or (n.queue and not (n.rx_error or n.rx_segmented))):
            n.rx_error = False
            for frame in n.window(link.client, link.server):
                self._send(frame)
            return
        n.rx_error = False
        self._send(Frame.make(FrameType.RR, link.client, link.server, poll_final=True, nr=n.vr))


def _encode_link_parameters(p: LinkParameters) -> bytes:
    """The UA negotiation field for the parameters in force (may be below the 32-byte minimum
    of a local proposal when the client asked for less)."""
    body = bytearray()
    for ident, value, minimum in (
        (5, p.max_info_tx, 1),
        (6, p.max_info_rx, 1),
        (7, p.window_tx, 4),
        (8, p.window_rx, 4),
    ):
        width = minimum
        while value >= 1 << (8 * width):
            width *= 2
        body += bytes((ident, width)) + value.to_bytes(width, "big")
    return bytes((0x81, 0x80, len(body))) + bytes(body)
