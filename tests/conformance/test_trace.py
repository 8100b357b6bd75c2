"""The line traffic: every send and receive kept byte for byte, decoded with dlmskit.link and
dlmskit.apdu (frames cut from the stream, segments joined), broken stimuli named, secrets
masked."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from dlmskit.apdu import (
    AARQ,
    ACSE_AUTHENTICATION,
    AuthenticationValue,
    Conformance,
    InitiateRequest,
    MechanismName,
)
from dlmskit.conformance.plans.hdlc import raw_frame
from dlmskit.conformance.trace import Direction, Trace, describe_apdu
from dlmskit.link.hdlc.frame import Frame, FrameType, HdlcAddress
from dlmskit.link.wrapper import encode_wpdu

CLIENT = HdlcAddress.client(16)
SERVER = HdlcAddress.server(1)
GET = bytes.fromhex("c001c100080000010000ff0200")


def _clock() -> float:
    return 0.0


def test_hdlc_frames_cut_from_chunks_and_segments_joined() -> None:
    trace = Trace(_clock, "hdlc")
    channel = trace.channel()
    payload = b"\xe6\xe7\x00" + GET
    first = Frame.make(FrameType.I, CLIENT, SERVER, info=payload[:8], segmented=True).encode()
    second = Frame.make(FrameType.I, CLIENT, SERVER, ns=1, info=payload[8:]).encode()
    stream = first + second
    trace.record(channel, Direction.IN, stream[:5])
    trace.record(channel, Direction.IN, stream[5 : len(first) + 3])
    trace.record(channel, Direction.IN, stream[len(first) + 3 :])
    assert trace.records[0].decoded == ("(part of a frame)",)
    assert trace.records[1].decoded[0].startswith("HDLC I N(S)=0")
    assert trace.records[2].decoded[0].startswith("HDLC I N(S)=1")
    assert "get-request-normal" in trace.records[2].decoded[1]
    assert "0-0:1.0.0*255" in trace.records[2].decoded[1]
    assert b"".join(r.data for r in trace.records) == stream


def test_a_broken_stimulus_is_named() -> None:
    trace = Trace(_clock, "hdlc")
    channel = trace.channel()
    trace.record(
        channel,
        Direction.OUT,
        raw_frame(b"\x03", b"\x21", 0x93, b"\x81\x80\x00", bad_hcs=True),
        "bad",
    )
    (record,) = trace.records
    assert record.decoded == ("invalid HDLC frame: header check sequence wrong",)
    assert record.note == "bad"


def test_wrapper_pdus_decoded_and_broken_headers_named() -> None:
    trace = Trace(_clock, "wrapper")
    channel = trace.channel()
    wpdu = encode_wpdu(16, 1, GET)
    trace.record(channel, Direction.OUT, wpdu)
    assert trace.records[0].decoded[0] == f"WPDU 16->1 length {len(GET)}"
    bad = b"\x00\x02" + wpdu[2:]
    trace.record(channel, Direction.OUT, bad)
    assert trace.records[1].decoded[0].startswith("invalid WPDU: version 2")
    trace.record(channel, Direction.IN, wpdu[:10])
    trace.record(channel, Direction.IN, wpdu[10:] + wpdu)
    assert trace.records[2].decoded == ("(part of a WPDU)",)
    assert trace.records[3].decoded.count(f"WPDU 16->1 length {len(GET)}") == 2


def test_secrets_are_masked_even_after_the_fact() -> None:
    password = b"top-secret-pw"
    aarq = AARQ(
        user_information=InitiateRequest(Conformance.GET),
        sender_acse_requirements=ACSE_AUTHENTICATION,
        mechanism_name=MechanismName.LOW,
        calling_authentication_value=AuthenticationValue(password),
    ).encode()
    trace = Trace(_clock, "wrapper")
    channel = trace.channel()
    trace.record(channel, Direction.OUT, encode_wpdu(16, 1, aarq))
    trace.redact(password)  # told later, as with the meter's challenge
    trace.record(channel, Direction.OUT, encode_wpdu(16, 1, aarq))
    for record in trace.records:
        assert password not in record.data
        assert b"*" * len(password) in record.data
        assert password.hex() not in " ".join(record.decoded).lower()
        assert "secret octets" in record.note
    assert password.hex() not in describe_apdu(aarq) and '"redacted":true' in describe_apdu(aarq)


@given(st.binary(max_size=300), st.integers(1, 40))
def test_any_bytes_decode_to_lines(data: bytes, step: int) -> None:
    for framing in ("hdlc", "wrapper", "apdu"):
        trace = Trace(_clock, framing)
        channel = trace.channel()
        for direction in Direction:
            for i in itertools.count(0, step):
                if i >= len(data):
                    break
                trace.record(channel, direction, data[i : i + step])
        assert all(isinstance(line, str) for r in trace.records for line in r.decoded)


@given(
    st.lists(st.tuples(st.booleans(), st.binary(max_size=120)), max_size=12),
    st.sampled_from(["hdlc", "wrapper"]),
)
def test_head_end_analysis_takes_any_traffic(
    chunks: list[tuple[bool, bytes]], framing: str
) -> None:
    """Whatever a head-end sends (and the meter answers), the analysis cuts and decodes it
    without an exception of its own."""
    from dlmskit.conformance import reference_iut
    from dlmskit.conformance.headend import analyse
    from dlmskit.conformance.iut import ProfileKind

    trace = Trace(_clock, framing)
    channel = trace.channel()
    prefix = encode_wpdu(16, 1, b"\x60\x00") if framing == "wrapper" else b""
    for from_head_end, data in chunks:
        trace.record(channel, Direction.IN if from_head_end else Direction.OUT, prefix + data)
    capture = analyse(trace, ProfileKind(framing), reference_iut())
    assert capture.connections <= 1
