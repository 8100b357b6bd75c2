"""HDLC stations: one test per DLMS UA conformance test case of the data link layer (named after
it, see ../shared/CONFORMANCE.md), then the client/meter exchange: negotiation, segmentation,
windows, N(S)/N(R) recovery, retransmission, inactivity, logical devices."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlmskit.link.errors import LinkStateError
from dlmskit.link.hdlc import (
    ApduReceived,
    Connected,
    Disconnected,
    DisconnectReason,
    Frame,
    FrameReader,
    FrameType,
    HdlcAddress,
    HdlcParameters,
    LinkParameters,
    PrimaryStation,
    SecondaryStation,
    StationSettings,
    decode_frame,
    decode_parameters,
    encode_parameters,
)
from dlmskit.link.hdlc._state import (
    PRIMARY_TABLE,
    SECONDARY_TABLE,
    PrimaryInput,
    PrimaryState,
    SecondaryInput,
    SecondaryState,
)
from dlmskit.link.hdlc.frame import RejectReason, parse_frmr_info

CLIENT = HdlcAddress.client(16)
SERVER = HdlcAddress.server(1, 17)
AARQ = bytes.fromhex("601da109060760857405080101be10040e01000000065f1f0400001e1dffff")


class Meter:
    """A secondary station driven by raw frames, as the conformance tool drives a meter."""

    def __init__(self, settings: StationSettings | None = None, **kwargs: object) -> None:
        kwargs.setdefault("logical_devices", (1,))
        kwargs.setdefault("physical_address", 17)
        self.station = SecondaryStation(settings=settings, **kwargs)  # type: ignore[arg-type]
        self.now = 0.0
        self.events: list[object] = []

    def send(self, data: bytes | Frame) -> list[Frame]:
        raw = data.encode() if isinstance(data, Frame) else data
        self.now += 1.5  # each stimulus after a pause longer than the inter-octet time-out
        self.events += self.station.receive_data(raw, self.now)
        return FrameReader().feed(self.station.data_to_send())

    def cmd(self, kind: FrameType, **kw: object) -> list[Frame]:
        dst = kw.pop("dst", SERVER)
        src = kw.pop("src", CLIENT)
        return self.send(Frame.make(kind, dst, src, **kw))  # type: ignore[arg-type]

    def snrm(self, params: HdlcParameters | None = None) -> Frame:
        info = encode_parameters(params) if params else b""
        (ua,) = self.cmd(FrameType.SNRM, info=info)
        assert ua.type is FrameType.UA and ua.poll_final
        return ua

    def state(self, client: int = 16, ld: int = 1) -> SecondaryState:
        link = self.station.links.get((client, ld))
        return link.state if link else SecondaryState.NDM

    def answer_dm(self) -> bool:
        (reply,) = self.cmd(FrameType.DISC)
        return reply.type is FrameType.DM


def _frmr(frames: list[Frame]) -> RejectReason:
    (frame,) = frames
    assert frame.type is FrameType.FRMR
    return parse_frmr_info(frame.info)[3]


# -- the conformance test cases (ATS_DL names) ---------------------------------------------


def test_T_HDLC_FRAME_P1() -> None:
    """DISC, SNRM, then RR: the meter is in NRM and answers RR with N(R)=0 and F=1."""
    meter = Meter()
    assert meter.answer_dm()
    meter.snrm()
    (rr,) = meter.cmd(FrameType.RR, nr=0)
    assert rr.control == 0x11
    (ua,) = meter.cmd(FrameType.DISC)
    assert ua.type is FrameType.UA
    assert meter.answer_dm()  # now in NDM


def test_T_HDLC_FRAME_P2() -> None:
    """SNRM, then an SNRM with one CRC byte removed: ignored, the meter stays in NRM."""
    meter = Meter()
    meter.snrm()
    broken = Frame.make(FrameType.SNRM, SERVER, CLIENT).encode()
    assert meter.send(broken[:-2] + broken[-1:]) == []
    (rr,) = meter.cmd(FrameType.RR, nr=0)
    assert rr.control == 0x11


def test_T_HDLC_FRAME_P3() -> None:
    """SNRM, then silence: the inactivity time-out returns the meter to NDM."""
    meter = Meter(StationSettings(inactivity_timeout=120.0))
    meter.snrm()
    deadline = meter.station.get_timer()
    assert deadline is not None and deadline == pytest.approx(meter.now + 120.0)
    events = meter.station.handle_timer(deadline)
    assert [e.reason for e in events if isinstance(e, Disconnected)] == [
        DisconnectReason.INACTIVITY
    ]
    assert meter.station.data_to_send() == b""  # no frame on the time-out
    assert meter.answer_dm()


def test_T_HDLC_FRAME_N1() -> None:
    """DISC, then invalid frames (flags missing, too short, garbage): the meter stays in NDM."""
    meter = Meter()
    assert meter.answer_dm()
    snrm = Frame.make(FrameType.SNRM, SERVER, CLIENT).encode()
    for invalid in (snrm[1:], snrm[:-1], snrm[1:-1], b"\x7e\xa0\x03\x7e", b"\x7e\x7e", snrm[:5]):
        assert meter.send(invalid) == []
    meter.station.reader.flush()
    assert meter.state() is SecondaryState.NDM
    assert meter.answer_dm()


def test_T_HDLC_FRAME_N2() -> None:
    """DISC, invalid frames (bytes moved out of an SNRM), then SNRM: UA still comes back."""
    meter = Meter()
    assert meter.answer_dm()
    snrm = bytearray(
        Frame.make(
            FrameType.SNRM, SERVER, CLIENT, info=encode_parameters(HdlcParameters())
        ).encode()
    )
    while len(snrm) > 4:
        del snrm[3]
        assert meter.send(bytes(snrm)) == []
    meter.station.reader.flush()
    meter.snrm()


def test_T_HDLC_FRAME_N3() -> None:
    """DISC, an SNRM with a zeroed format byte (not a frame), DISC: the meter is in NDM."""
    meter = Meter()
    assert meter.answer_dm()
    snrm = bytearray(Frame.make(FrameType.SNRM, SERVER, CLIENT).encode())
    snrm[1] = 0
    assert meter.send(bytes(snrm)) == []
    assert meter.answer_dm()


def test_T_HDLC_FRAME_N4() -> None:
    """DISC, an SNRM whose length field is one too long, DISC: the meter is in NDM."""
    meter = Meter()
    assert meter.answer_dm()
    snrm = bytearray(Frame.make(FrameType.SNRM, SERVER, CLIENT).encode())
    snrm[2] += 1
    assert meter.send(bytes(snrm)) == []
    meter.station.reader.flush()
    assert meter.answer_dm()


def test_T_HDLC_FRAME_N5() -> None:
    """SNRM, then an undefined command: FRMR (W); SNRM initialises the link again."""
    meter = Meter()
    meter.snrm()
    undefined = Frame(SERVER, CLIENT, 0xFF)  # 0xFF: neither I, S nor a defined U command
    assert _frmr(meter.send(undefined)) == RejectReason.W
    # the frame-reject condition holds: a poll gets the same FRMR
    assert _frmr(meter.cmd(FrameType.RR, nr=0)) == RejectReason.W
    meter.snrm()
    (ua,) = meter.cmd(FrameType.DISC)
    assert ua.type is FrameType.UA


def test_T_HDLC_FRAME_N5_information_field_not_allowed() -> None:
    """A defined command that may not carry an information field (DISC with data): W and X."""
    meter = Meter()
    meter.snrm()
    disc_with_info = Frame(SERVER, CLIENT, 0x53, b"\x01\x02")
    assert _frmr(meter.send(disc_with_info)) == RejectReason.W | RejectReason.X


def test_T_HDLC_FRAME_N7() -> None:
    """DISC, then the SNRM of the CTT with a wrong HCS: discarded silently."""
    meter = Meter()
    assert meter.answer_dm()
    bad_hcs = bytes.fromhex("7ea01e032193724f818012050180060180070400000001080400000001533b7e")
    assert Meter(physical_address=None).send(bad_hcs) == []
    assert meter.send(bad_hcs) == []
    assert meter.answer_dm()


def test_T_HDLC_FRAME_N7_same_frame_with_good_hcs_is_answered() -> None:
    # the CTT's SNRM corrected (HCS CD3B): a valid SNRM to server 1 from client 16
    meter = Meter(physical_address=None)
    good = bytes.fromhex("7ea01e032193cd3b818012050180060180070400000001080400000001533b7e")
    (ua,) = meter.send(good)
    assert ua.type is FrameType.UA
    assert decode_parameters(ua.info).with_defaults() == (128, 128, 1, 1)


def test_T_HDLC_FRAME_N8() -> None:
    """DISC, an SNRM with a wrong FCS, DISC: the meter is in NDM."""
    meter = Meter()
    assert meter.answer_dm()
    snrm = bytearray(Frame.make(FrameType.SNRM, SERVER, CLIENT).encode())
    snrm[-2] ^= 0x55
    assert meter.send(bytes(snrm)) == []
    assert meter.answer_dm()


def test_T_HDLC_ADDRESS_N1() -> None:
    """A client address on two bytes: not a valid client, no answer."""
    meter = Meter()
    assert meter.send(bytes.fromhex("7ea00b0002040100219361807e")) == []  # the CTT's stimulus
    frame = Frame(SERVER, HdlcAddress(0, 16, 2), 0x93)
    assert meter.send(frame) == []
    assert meter.answer_dm()


def test_T_HDLC_ADDRESS_N4() -> None:
    """Unknown destination (another logical device, another physical address): no answer."""
    meter = Meter()
    assert meter.cmd(FrameType.SNRM, dst=HdlcAddress.server(16, 17)) == []
    assert meter.cmd(FrameType.SNRM, dst=HdlcAddress.server(1, 18)) == []
    assert meter.cmd(FrameType.SNRM, dst=HdlcAddress.server(2)) == []
    assert meter.state() is SecondaryState.NDM


def test_T_HDLC_ADDRESS_N7() -> None:
    """A server address on three bytes: invalid, no answer."""
    meter = Meter()
    assert meter.send(bytes.fromhex("7ea0090002052193afd07e")) == []
    assert meter.answer_dm()


def test_T_HDLC_NDM2NRM_P1() -> None:
    """SNRM proposing 2030-byte information fields: the meter takes what it supports."""
    big = Meter(StationSettings(max_info_tx=2030, max_info_rx=2030))
    ua = big.snrm(HdlcParameters(2030, 2030, 1, 1))
    assert decode_parameters(ua.info).with_defaults() == (2030, 2030, 1, 1)
    small = Meter(StationSettings(max_info_tx=512, max_info_rx=256))
    ua = small.snrm(HdlcParameters(2030, 2030, 1, 1))
    assert decode_parameters(ua.info).with_defaults() == (512, 256, 1, 1)


def test_T_HDLC_NDM2NRM_P2() -> None:
    """SNRM proposing window 4: the meter answers with min(4, its own)."""
    meter = Meter(StationSettings(window_tx=7, window_rx=7))
    ua = meter.snrm(HdlcParameters(128, 128, 4, 4))
    assert decode_parameters(ua.info).with_defaults() == (128, 128, 4, 4)
    meter = Meter(StationSettings(window_tx=2, window_rx=1))
    ua = meter.snrm(HdlcParameters(128, 128, 4, 4))
    assert decode_parameters(ua.info).with_defaults() == (128, 128, 2, 1)


def test_HDLC_2_snrm_without_information_field_means_defaults() -> None:
    meter = Meter(StationSettings(max_info_tx=2030, max_info_rx=2030, window_tx=7, window_rx=7))
    ua = meter.snrm()
    assert decode_parameters(ua.info).with_defaults() == (128, 128, 1, 1)


def test_T_HDLC_INFO_P1() -> None:
    """AARQ in one I frame, then AARQ segmented over several I frames (window 1)."""
    meter = Meter()
    meter.snrm()
    assert meter.cmd(FrameType.I, info=b"\xe6\xe6\x00" + AARQ) == []  # poll held for the answer
    assert meter.events[-1] == ApduReceived(CLIENT, SERVER, AARQ, b"\xe6\xe6\x00")
    meter.station.send_apdu(b"\x61\x00", meter.now)
    (aare,) = FrameReader().feed(meter.station.data_to_send())
    assert (aare.type, aare.ns, aare.nr, aare.info) == (FrameType.I, 0, 1, b"\xe6\xe7\x00\x61\x00")
    # segmented: 3 frames with S bit, each answered by RR asking for the next
    payload = b"\xe6\xe6\x00" + AARQ * 6
    chunks = [payload[i : i + 128] for i in range(0, len(payload), 128)]
    vs = 1
    for i, chunk in enumerate(chunks):
        last = i == len(chunks) - 1
        replies = meter.cmd(FrameType.I, ns=vs, nr=1, info=chunk, segmented=not last)
        vs = (vs + 1) % 8
        if not last:
            (rr,) = replies
            assert (rr.type, rr.nr) == (FrameType.RR, vs)
    assert meter.events[-1] == ApduReceived(CLIENT, SERVER, AARQ * 6, b"\xe6\xe6\x00")


def test_T_HDLC_INFO_N1() -> None:
    """An information field one byte longer than negotiated: FRMR (Y)."""
    meter = Meter()
    meter.snrm()
    assert _frmr(meter.cmd(FrameType.I, info=bytes(129))) == RejectReason.Y
    meter.snrm()  # SNRM recovers


def test_T_HDLC_INFO_N2() -> None:
    """After SNRM, RR with N(R)=1 acknowledges a frame never sent: FRMR (Z)."""
    meter = Meter()
    meter.snrm()
    (frmr,) = meter.send(Frame(SERVER, CLIENT, 0x31))
    assert frmr.type is FrameType.FRMR
    assert parse_frmr_info(frmr.info) == (0x31, 0, 0, RejectReason.Z)


def test_T_HDLC_INFO_N2_ctt_unknown_command_stimulus() -> None:
    """The CTT's 0x94 frame (CONFORMANCE.md calls it an unknown command; it is an I frame with
    N(S)=2, N(R)=4): DM in NDM, FRMR (Z: N(R)=4 acknowledges nothing sent) in NRM."""
    stimulus = bytes.fromhex("7ea01e032194724f818012050180060180070400000001080400000001533b7e")
    meter = Meter(physical_address=None)
    (dm,) = meter.send(stimulus)
    assert dm.type is FrameType.DM
    meter.cmd(FrameType.SNRM, dst=HdlcAddress.server(1))
    assert _frmr(meter.send(stimulus)) == RejectReason.Z


def test_T_HDLC_INFO_N3() -> None:
    """After SNRM, an I frame with N(S)=1 (0 expected): dropped, answered RR N(R)=0."""
    meter = Meter()
    meter.snrm()
    (rr,) = meter.send(Frame(SERVER, CLIENT, 0x12, b"\xe6\xe6\x00" + AARQ))
    assert rr.control == 0x11
    assert not any(isinstance(e, ApduReceived) for e in meter.events)


def test_T_HDLC_NDMOP_N1() -> None:
    """An AARQ (I frame) without SNRM first: DM."""
    meter = Meter()
    (dm,) = meter.cmd(FrameType.I, info=b"\xe6\xe6\x00" + AARQ)
    assert dm.type is FrameType.DM
    assert not meter.events


def test_repeated_i_frame_gets_the_answer_again() -> None:
    """Gurux HDLC test 101: the same I frame twice (its answer was lost): the meter repeats the
    answer and does not deliver the request twice."""
    meter = Meter()
    meter.snrm()
    request = Frame.make(FrameType.I, SERVER, CLIENT, info=b"\xe6\xe6\x00\xc0\x01")
    assert meter.send(request) == []
    meter.station.send_apdu(b"\xc4\x01", meter.now)
    (first,) = FrameReader().feed(meter.station.data_to_send())
    (again,) = meter.send(request)
    assert again == first
    assert sum(isinstance(e, ApduReceived) for e in meter.events) == 1


# -- state tables ---------------------------------------------------------------------------


def test_state_tables_are_complete_and_every_action_exists() -> None:
    for state, row in SECONDARY_TABLE.items():
        assert set(row) == set(SecondaryInput), state
        for action, _ in row.values():
            assert hasattr(SecondaryStation, "_do_" + action.name.lower()), action
    received = {
        PrimaryInput.UA,
        PrimaryInput.DM,
        PrimaryInput.FRMR,
        PrimaryInput.UI,
        PrimaryInput.NUMBERED,
        PrimaryInput.FINAL_CONTINUE,
        PrimaryInput.FINAL_DONE,
        PrimaryInput.UNEXPECTED,
    }
    for state, prow in PRIMARY_TABLE.items():
        assert received <= set(prow), state
        for action, _ in prow.values():
            assert hasattr(PrimaryStation, "_do_" + action.name.lower()), action


def test_user_call_not_allowed_in_state_is_one_error() -> None:
    client = PrimaryStation(16, SERVER)
    with pytest.raises(LinkStateError):
        client.send_apdu(b"\xc0", 0.0)
    with pytest.raises(LinkStateError):
        client.disconnect(0.0)
    with pytest.raises(LinkStateError):
        client.poll(0.0)
    client.connect(0.0)
    with pytest.raises(LinkStateError):
        client.connect(0.0)
    meter = SecondaryStation((1,), 17)
    with pytest.raises(LinkStateError):
        meter.send_apdu(b"\x01", 0.0)


# -- client and meter together ----------------------------------------------------------------


class Pair:
    """A client and a meter wired back to back (lossy on request)."""

    def __init__(
        self,
        client_settings: StationSettings | None = None,
        meter_settings: StationSettings | None = None,
        *,
        drop: set[int] | None = None,
        server: HdlcAddress = SERVER,
        logical_devices: tuple[int, ...] = (1,),
    ) -> None:
        self.client = PrimaryStation(16, server, client_settings)
        self.meter = SecondaryStation(logical_devices, server.lower, meter_settings)
        self.now = 0.0
        self.client_events: list[object] = []
        self.meter_events: list[object] = []
        self.drop = drop or set()  # indexes of frames (both directions) to lose
        self.frame_no = 0
        self.answer = lambda apdu: apdu[::-1]

    def _carry(self, data: bytes) -> bytes:
        kept = bytearray()
        for frame in FrameReader().feed(data):
            if self.frame_no not in self.drop:
                kept += frame.encode()
            self.frame_no += 1
        return bytes(kept)

    def run(self, limit: int = 10_000) -> None:
        for _ in range(limit):
            moved = False
            out = self.client.data_to_send()
            if out:
                moved = True
                for ev in self.meter.receive_data(self._carry(out), self.now):
                    self.meter_events.append(ev)
                    if isinstance(ev, ApduReceived) and not ev.unnumbered:
                        self.meter.send_apdu(
                            self.answer(ev.apdu),
                            self.now,
                            client=16,
                            logical_device=ev.server.upper,
                        )
            out = self.meter.data_to_send()
            if out:
                moved = True
                self.client_events += self.client.receive_data(self._carry(out), self.now)
            if not moved:
                if self.client.state in (PrimaryState.IDLE, PrimaryState.NDM):
                    return  # the exchange is over (the meter's inactivity timer is not run)
                timers = [t for t in (self.client.get_timer(), self.meter.get_timer()) if t]
                if not timers:
                    return
                self.now = max(self.now, min(timers))
                self.client_events += self.client.handle_timer(self.now)
                self.meter_events += self.meter.handle_timer(self.now)
        raise AssertionError("exchange did not settle")

    def connect(self) -> LinkParameters:
        self.client.connect(self.now)
        self.run()
        assert self.client.state is PrimaryState.IDLE
        connected = [e for e in self.client_events if isinstance(e, Connected)]
        return connected[-1].parameters

    def exchange(self, apdu: bytes) -> bytes:
        self.client.send_apdu(apdu, self.now)
        self.run()
        got = [e for e in self.client_events if isinstance(e, ApduReceived)]
        assert got, "no answer"
        return got[-1].apdu


BIG = StationSettings(max_info_tx=2030, max_info_rx=2030, window_tx=7, window_rx=7)


def test_negotiation_both_ways() -> None:
    pair = Pair(
        StationSettings(max_info_tx=1024, max_info_rx=512, window_tx=7, window_rx=3),
        StationSettings(max_info_tx=256, max_info_rx=2030, window_tx=2, window_rx=7),
    )
    assert pair.connect() == LinkParameters(1024, 256, 7, 2)
    link = pair.meter.links[(16, 1)]
    assert link.parameters == LinkParameters(256, 1024, 2, 7)


def test_segmented_10k_window_7_both_ways() -> None:
    pair = Pair(BIG, BIG)
    pair.connect()
    request = bytes(random.Random(1).randbytes(10_000))
    answer = pair.exchange(request)
    assert answer == request[::-1]
    frames = pair.frame_no
    assert frames < 20  # 5 frames out, 5 back, a handful of SNRM/UA/RR


def test_window_1_128_bytes() -> None:
    pair = Pair()
    pair.connect()
    request = bytes(range(256)) * 4
    assert pair.exchange(request) == request[::-1]


@pytest.mark.parametrize("lost", [2, 3, 4, 5, 6, 8, 10])
def test_recovery_from_lost_frames(lost: int) -> None:
    """Lose one frame anywhere in a windowed, segmented exchange: the answer still arrives once."""
    pair = Pair(
        StationSettings(
            max_info_tx=128, max_info_rx=128, window_tx=3, window_rx=3, response_timeout=1.0
        ),
        StationSettings(window_tx=3, window_rx=3),
        drop={lost},
    )
    pair.connect()
    request = bytes(random.Random(lost).randbytes(700))
    assert pair.exchange(request) == request[::-1]
    assert sum(isinstance(e, ApduReceived) for e in pair.meter_events) == 1


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 7),
    st.integers(1, 7),
    st.sampled_from([32, 128, 300, 2030]),
    st.integers(0, 5000),
    st.sets(st.integers(2, 40), max_size=3),
)
def test_exchange_survives_losses(
    w_client: int, w_meter: int, size: int, length: int, drop: set[int]
) -> None:
    s = StationSettings(
        max_info_tx=size,
        max_info_rx=size,
        window_tx=w_client,
        window_rx=w_client,
        response_timeout=1.0,
        max_retries=6,
    )
    m = StationSettings(max_info_tx=size, max_info_rx=size, window_tx=w_meter, window_rx=w_meter)
    pair = Pair(s, m, drop=drop)
    pair.connect() if 0 not in drop and 1 not in drop else None
    if pair.client.state is not PrimaryState.IDLE:
        return
    request = bytes(random.Random(length).randbytes(length))
    pair.client.send_apdu(request, pair.now)
    pair.run()
    answers = [e.apdu for e in pair.client_events if isinstance(e, ApduReceived)]
    if pair.client.state is PrimaryState.IDLE:
        assert answers == [request[::-1]]
    else:  # retries used up: reported, never a wrong answer
        assert pair.client.state is PrimaryState.NDM
        assert answers in ([], [request[::-1]])
    assert sum(isinstance(e, ApduReceived) for e in pair.meter_events) <= 1


def test_client_retries_then_gives_up() -> None:
    client = PrimaryStation(16, SERVER, StationSettings(response_timeout=2.0, max_retries=2))
    client.connect(0.0)
    first = client.data_to_send()
    assert decode_frame(first).type is FrameType.SNRM
    assert client.handle_timer(1.0) == [] and client.data_to_send() == b""
    assert client.handle_timer(2.0) == [] and client.data_to_send() == first
    assert client.handle_timer(4.0) == [] and client.data_to_send() == first
    (ev,) = client.handle_timer(6.0)
    assert isinstance(ev, Disconnected) and ev.reason is DisconnectReason.NO_RESPONSE
    assert client.state is PrimaryState.NDM


def test_client_sees_dm_frmr_and_disconnect() -> None:
    pair = Pair()
    pair.connect()
    pair.client.disconnect(pair.now)
    pair.run()
    assert pair.client_events[-1] == Disconnected(CLIENT, SERVER, DisconnectReason.LOCAL)
    # meter forgot the link (inactivity): the next request gets DM
    pair.connect()
    link = pair.meter.links[(16, 1)]
    pair.meter_events += pair.meter.handle_timer(link.inactivity_deadline or 0.0)
    pair.client.send_apdu(b"\xc0\x01", pair.now)
    pair.run()
    assert pair.client_events[-1] == Disconnected(CLIENT, SERVER, DisconnectReason.REMOTE_DM)
    # a meter that rejects our frame
    client = PrimaryStation(16, SERVER)
    client.connect(0.0)
    client.receive_data(Frame.make(FrameType.UA, CLIENT, SERVER).encode(), 0.0)
    frmr = Frame.make(FrameType.FRMR, CLIENT, SERVER, info=bytes((0x10, 0x30, 0x04)))
    (ev,) = client.receive_data(frmr.encode(), 0.1)
    assert isinstance(ev, Disconnected) and ev.reason is DisconnectReason.FRAME_REJECT
    assert "rejected control 0x10" in ev.detail


def test_client_ignores_echo_and_foreign_frames() -> None:
    """An optical head echoes what the client sends: the echo is not for the client."""
    client = PrimaryStation(16, SERVER)
    client.connect(0.0)
    snrm = client.data_to_send()
    assert client.receive_data(snrm, 0.0) == []
    assert client.state is PrimaryState.CONNECTING
    other = Frame.make(FrameType.UA, HdlcAddress.client(17), SERVER).encode()
    assert client.receive_data(other, 0.0) == []
    ua = Frame.make(FrameType.UA, CLIENT, SERVER).encode()
    (ev,) = client.receive_data(ua, 0.0)
    assert ev == Connected(CLIENT, SERVER, LinkParameters())


def test_several_logical_devices_behind_one_physical_address() -> None:
    meter = SecondaryStation((1, 2, 3), 17)
    clients = {ld: PrimaryStation(16, HdlcAddress.server(ld, 17)) for ld in (1, 3)}
    for ld, client in clients.items():
        client.connect(0.0)
        meter.receive_data(client.data_to_send(), 0.0)
        (ev,) = client.receive_data(meter.data_to_send(), 0.0)
        assert isinstance(ev, Connected)
        client.send_apdu(bytes((0xC0, ld)), 0.1)
        (req,) = meter.receive_data(client.data_to_send(), 0.1)
        assert isinstance(req, ApduReceived) and req.server.upper == ld
    # answers go to the right link by name
    for ld in (3, 1):
        meter.send_apdu(bytes((0xC4, ld)), 0.2, client=16, logical_device=ld)
        out = meter.data_to_send()
        (ans,) = clients[ld].receive_data(out, 0.2)
        assert isinstance(ans, ApduReceived) and ans.apdu == bytes((0xC4, ld))
        assert clients[4 - ld].receive_data(out, 0.2) == []  # the other LD's client ignores it
    assert {k: v.state for k, v in meter.links.items()} == {
        (16, 1): SecondaryState.NRM,
        (16, 3): SecondaryState.NRM,
    }


def test_broadcast_ui_and_push() -> None:
    meter = SecondaryStation((1,), 17)
    broadcast = Frame.make(
        FrameType.UI,
        HdlcAddress.server(0x7F, 0x7F),
        CLIENT,
        poll_final=False,
        info=b"\xe6\xe6\x00\xc2\x01",
    )
    (ev,) = meter.receive_data(broadcast.encode(), 0.0)
    assert isinstance(ev, ApduReceived) and ev.unnumbered and ev.apdu == b"\xc2\x01"
    assert meter.data_to_send() == b""  # a broadcast is never answered
    # a push longer than the information field: segmented UI frames, joined by the client
    meter.send_ui(bytes(300), 1.0, client=16, logical_device=1)
    client = PrimaryStation(16, SERVER)
    (push,) = client.receive_data(meter.data_to_send(), 1.0)
    assert isinstance(push, ApduReceived) and push.unnumbered and push.apdu == bytes(300)


def test_han_push_frame_reaches_a_client() -> None:
    """The real Kamstrup HAN frame: a UI frame a listening client takes as a push."""
    raw = bytes.fromhex(
        "7ea0e22b2113239ae6e7000f000000000c07e6011801123a32ff80000002190a0e4b616d73747275705f"
        "563030303109060101000005ff0a103537303635363733323635393034303709060101600101ff0a1236"
        "383431313338424e32343531303130393009060101010700ff060000033a09060101020700ff06000000"
        "0009060101030700ff060000006809060101040700ff06000000b0090601011f0700ff06000000ed0906"
        "0101330700ff060000005909060101470700ff060000004b09060101200700ff1200e809060101340700"
        "ff1200e909060101480700ff1200ec84467e"
    )
    listener = PrimaryStation(21, HdlcAddress.server(16))
    (ev,) = listener.receive_data(raw, 0.0)
    assert isinstance(ev, ApduReceived) and ev.unnumbered and ev.apdu[:1] == b"\x0f"
    assert ev.llc_header == b"\xe6\xe7\x00"


def test_meter_answers_rr_when_application_has_nothing() -> None:
    pair = Pair(StationSettings(response_timeout=5.0), StationSettings(response_hold=0.5))
    pair.connect()
    pair.answer = lambda apdu: b""
    pair.meter.send_apdu = lambda *a, **k: None  # type: ignore[method-assign]
    pair.client.send_apdu(b"\xc0\x01", pair.now)
    pair.run()
    assert pair.client.state is PrimaryState.IDLE  # RR after the hold: exchange done
    assert not [e for e in pair.client_events if isinstance(e, ApduReceived)]


def test_secondary_name_required_when_ambiguous() -> None:
    meter = SecondaryStation((1,), 17)
    with pytest.raises(LinkStateError):
        meter.send_apdu(b"\x00", 0.0)
    with pytest.raises(LinkStateError):
        meter.send_apdu(b"\x00", 0.0, client=16, logical_device=1)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.binary(max_size=80), max_size=15))
def test_stations_take_any_bytes(chunks: list[bytes]) -> None:
    """Random bytes and random valid-looking frames never break either station."""
    meter = SecondaryStation((1,), 17)
    client = PrimaryStation(16, SERVER)
    client.connect(0.0)
    now = 0.0
    for chunk in chunks:
        now += 0.3
        meter.receive_data(chunk, now)
        client.receive_data(chunk, now)
        meter.handle_timer(now)
        client.handle_timer(now)
        meter.data_to_send()
        client.data_to_send()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 255), st.binary(max_size=40), st.booleans()), max_size=25))
def test_meter_takes_any_frame_sequence(frames: list[tuple[int, bytes, bool]]) -> None:
    meter = SecondaryStation((1,), 17, StationSettings(max_info_rx=32, max_info_tx=32))
    now = 0.0
    for control, info, seg in frames:
        now += 0.1
        frame = Frame(SERVER, CLIENT, control, info, seg)
        meter.receive_data(frame.encode(), now)
        for reply in FrameReader().feed(meter.data_to_send()):
            assert reply.destination == CLIENT and reply.source == SERVER
        if random.random() < 0.1:
            meter.handle_timer(now + 200)


def test_gurux_client_talks_to_our_meter() -> None:
    """A second implementation as the client: gurux-dlms negotiates with our meter (2-byte
    values), sends an AARQ, reads the AARE (byte-identical to the real AARE frame of the
    dlms-cosem vector) and a 3000-byte answer in segmented frames, asking with RR. (gurux's own
    windowed receive fails with an UnboundLocalError in GXDLMSSettings.checkFrame, so it asks
    for window 1 here.)"""
    gurux = pytest.importorskip("gurux_dlms")
    from gurux_dlms.enums import Authentication, InterfaceType, RequestTypes

    client = gurux.GXDLMSClient(
        True,
        16,
        gurux.GXDLMSClient.getServerAddress(1, 17),
        Authentication.NONE,
        None,
        InterfaceType.HDLC,
    )
    client.hdlcSettings.windowSizeRX = 1
    client.hdlcSettings.windowSizeTX = 1
    client.hdlcSettings.maxInfoRX = client.hdlcSettings.maxInfoTX = 512
    meter = SecondaryStation(
        (1,), 17, StationSettings(max_info_tx=256, max_info_rx=256, window_tx=3, window_rx=3)
    )
    (connected,) = meter.receive_data(bytes(client.snrmRequest()), 0.0)
    assert connected.parameters == LinkParameters(256, 256, 1, 1)
    reply = gurux.GXReplyData()
    client.getData(gurux.GXByteBuffer(meter.data_to_send()), reply)
    client.parseUAResponse(reply.data)
    assert (client.hdlcSettings.maxInfoTX, client.hdlcSettings.windowSizeTX) == (256, 1)
    for frame in client.aarqRequest():
        events = meter.receive_data(bytes(frame), 0.1)
    (aarq,) = events
    assert isinstance(aarq, ApduReceived) and aarq.apdu[0] == 0x60
    aare = bytes.fromhex(
        "6129a109060760857405080101a203020100a305a103020100be10040e0800065f1f0400001e1d04c80007"
    )
    meter.send_apdu(aare, 0.2, client=16, logical_device=1)
    out = meter.data_to_send()
    assert out.hex().startswith("7ea0382102233034e7e6e700")  # the dlms-cosem AARE frame
    reply = gurux.GXReplyData()
    client.getData(gurux.GXByteBuffer(out), reply)
    client.parseAareResponse(reply.data)
    # a long answer: 3000 bytes in 256-byte frames, gurux polls with RR for each
    from gurux_dlms.objects import GXDLMSData

    (request,) = client.read(GXDLMSData("0.0.42.0.0.255"), 2)
    (got,) = meter.receive_data(bytes(request), 0.3)
    assert isinstance(got, ApduReceived) and got.apdu[0] == 0xC0
    answer = (
        bytes.fromhex("c401c1000982")
        + (2990).to_bytes(2, "big")
        + bytes(i % 251 for i in range(2990))
    )
    meter.send_apdu(answer, 0.4, client=16, logical_device=1)
    reply = gurux.GXReplyData()
    rounds = 0
    while True:
        out = meter.data_to_send()
        assert out, "meter stopped answering"
        client.getData(gurux.GXByteBuffer(out), reply)
        if not reply.moreData & RequestTypes.FRAME:
            break
        rounds += 1
        meter.receive_data(bytes(client.receiverReady(reply)), 0.5)
    assert rounds == 11  # 12 frames: eleven RRs for more
    assert bytes(reply.value) == bytes(i % 251 for i in range(2990))


def test_client_refuses_a_malformed_ua() -> None:
    client = PrimaryStation(16, SERVER)
    client.connect(0.0)
    ua = Frame.make(FrameType.UA, CLIENT, SERVER, info=bytes.fromhex("818003070109"))
    (ev,) = client.receive_data(ua.encode(), 0.1)
    assert isinstance(ev, Disconnected) and ev.reason is DisconnectReason.REFUSED
    assert "malformed" in ev.detail and client.state is PrimaryState.NDM


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 255),
            st.binary(max_size=40),
            st.booleans(),
            st.sampled_from(["connect", "send", "poll", "disc", "timer", "-"]),
        ),
        max_size=25,
    )
)
def test_client_takes_any_frame_sequence(steps: list[tuple[int, bytes, bool, str]]) -> None:
    """Any frames from the meter's address, mixed with user calls and timers: the client
    reports events or refuses the call with LinkStateError, nothing else."""
    client = PrimaryStation(16, SERVER, StationSettings(response_timeout=1.0))
    now = 0.0
    for control, info, seg, action in steps:
        now += 0.4
        try:
            if action == "connect":
                client.connect(now)
            elif action == "send":
                client.send_apdu(info, now)
            elif action == "poll":
                client.poll(now)
            elif action == "disc":
                client.disconnect(now)
        except LinkStateError:
            pass
        if action == "timer":
            client.handle_timer(now + 1.0)
        client.receive_data(Frame(CLIENT, SERVER, control, info, seg).encode(), now)
        for frame in FrameReader().feed(client.data_to_send()):
            assert frame.destination == SERVER and frame.source == CLIENT


# -- injected defects (for the conformance suite's fault tests) --------------------------------


def test_defect_hcs_not_checked_takes_a_frame_with_a_wrong_hcs() -> None:
    """hcs_checked=False: the CTT's SNRM with a wrong HCS is taken (as a defective meter
    would); its FCS is still checked."""
    frame = Frame.make(
        FrameType.SNRM, HdlcAddress.server(1), CLIENT, info=encode_parameters(HdlcParameters())
    )
    raw = bytearray(frame.encode())
    raw[6] ^= 0xFF  # the HCS
    from dlmskit.link.hdlc.crc import crc16_x25

    fcs = crc16_x25(bytes(raw[1:-3]))
    raw[-3:-1] = bytes((fcs & 0xFF, fcs >> 8))
    assert Meter(physical_address=None).send(bytes(raw)) == []
    defective = Meter(StationSettings(hcs_checked=False), physical_address=None)
    (ua,) = defective.send(bytes(raw))
    assert ua.type is FrameType.UA
    bad_fcs = bytes(raw[:-3]) + bytes((raw[-3] ^ 1, raw[-2], 0x7E))
    assert Meter(StationSettings(hcs_checked=False), physical_address=None).send(bad_fcs) == []


def test_defect_sequence_not_checked_serves_an_i_frame_out_of_sequence() -> None:
    """sequence_checked=False: the I frame with N(S)=1 is delivered (T_HDLC_INFO_N3 fails)."""
    meter = Meter(StationSettings(sequence_checked=False))
    meter.snrm()
    meter.send(Frame(SERVER, CLIENT, 0x12, b"\xe6\xe6\x00" + AARQ))
    assert any(isinstance(e, ApduReceived) and e.apdu == AARQ for e in meter.events)
