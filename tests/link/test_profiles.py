"""The other profiles: wrapper (IEC 62056-47), mode E (IEC 62056-21), DLMS over wired M-Bus,
the LLC headers; vectors, documented examples and Hypothesis."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from _vectors import by_id
from dlmskit.errors import DecodeError, LocalProtocolError
from dlmskit.link.errors import LinkStateError
from dlmskit.link.llc import (
    LLC_COMMAND,
    LLC_RESPONSE,
    Iec432Header,
    LlcRole,
    add_iec432_header,
    parse_iec432_header,
    split_llc,
)
from dlmskit.link.mbus import (
    DlmsMBusAssembler,
    MBusFrame,
    MBusReader,
    encode_long_frame,
    segment_apdu,
)
from dlmskit.link.mode_e import (
    BaudRateChange,
    Identification,
    IdentificationReceived,
    ModeEClient,
    ModeEFailed,
    ModeEServer,
    RequestReceived,
    ack_message,
    parse_identification,
    request_message,
)
from dlmskit.link.wrapper import (
    Wpdu,
    WrapperError,
    WrapperReader,
    decode_datagram,
    encode_wpdu,
)

# -- wrapper --------------------------------------------------------------------------------


def test_wrapper_udp_vector() -> None:
    entry = by_id("realworld", "dlmscosem-udp-ggc-datanotification")
    raw = bytes.fromhex(entry["hex"])
    wpdu = decode_datagram(raw)
    asserted = entry["expected"]["source_asserts"]["wrapper"]
    assert (wpdu.source, wpdu.destination, len(wpdu.apdu)) == (
        asserted["source_wport"],
        asserted["destination_wport"],
        asserted["length"],
    )
    assert wpdu.apdu[0] == 0xDB  # general-glo-ciphering
    assert wpdu.encode() == raw


def test_wrapper_stream_reassembly() -> None:
    messages = [Wpdu(16, 1, bytes(i % 256 for i in range(n))) for n in (0, 1, 300, 5)]
    stream = b"".join(m.encode() for m in messages)
    for size in (1, 3, 8, 9, 1000):
        reader = WrapperReader()
        got = []
        for i in range(0, len(stream), size):
            got += reader.feed(stream[i : i + size])
        assert got == messages and reader.pending == 0


def test_wrapper_guards() -> None:
    with pytest.raises(WrapperError):
        decode_datagram(encode_wpdu(1, 1, b"abc") + b"x")  # trailing byte
    with pytest.raises(WrapperError):
        decode_datagram(encode_wpdu(1, 1, b"abc")[:-1])
    with pytest.raises(WrapperError):
        decode_datagram(b"\x00\x02" + encode_wpdu(1, 1, b"")[2:])  # version 2
    with pytest.raises(WrapperError):
        decode_datagram(encode_wpdu(1, 1, bytes(100)), max_length=99)
    reader = WrapperReader(max_length=1000)
    with pytest.raises(WrapperError):
        reader.feed(encode_wpdu(1, 1, bytes(10))[:6] + b"\xff\xff")  # refused before buffering
    with pytest.raises(LinkStateError):
        reader.feed(b"")
    with pytest.raises(LocalProtocolError):
        encode_wpdu(1, 1, bytes(0x10000))
    with pytest.raises(LocalProtocolError):
        Wpdu(0x10000, 1, b"")


@given(st.lists(st.binary(max_size=50), max_size=20))
def test_wrapper_reader_random(chunks: list[bytes]) -> None:
    reader = WrapperReader(max_length=200)
    try:
        for chunk in chunks:
            for wpdu in reader.feed(chunk):
                assert len(wpdu.apdu) <= 200
            assert reader.pending < 8 + 200 + 50
    except (DecodeError, LinkStateError):
        pass


@given(st.binary(max_size=300))
def test_wrapper_datagram_random(data: bytes) -> None:
    with contextlib.suppress(DecodeError):
        decode_datagram(data)


# -- LLC ------------------------------------------------------------------------------------


def test_llc_headers() -> None:
    assert split_llc(LLC_COMMAND + b"\x60") == (LlcRole.COMMAND, b"\x60")
    assert split_llc(LLC_RESPONSE + b"\x61") == (LlcRole.RESPONSE, b"\x61")
    assert split_llc(b"\x0f\x00") == (None, b"\x0f\x00")
    entry = by_id("realworld", "amshan-aidon-no-list1")  # layer llc+apdu
    role, apdu = split_llc(bytes.fromhex(entry["hex"]))
    assert role is LlcRole.RESPONSE and apdu[0] == 0x0F
    pdu = add_iec432_header(Iec432Header(1, 16), b"\xc0\x01")
    assert pdu == b"\x90\x01\x10\xc0\x01"
    assert parse_iec432_header(pdu) == (Iec432Header(1, 16), b"\xc0\x01")
    for bad in (b"", b"\x90\x01", b"\xe6\xe6\x00"):
        with pytest.raises(DecodeError):
            parse_iec432_header(bad)


# -- mode E ---------------------------------------------------------------------------------


def test_mode_e_messages() -> None:
    assert request_message() == b"/?!\r\n"
    assert request_message("12345678") == b"/?12345678!\r\n"
    assert ack_message("5") == b"\x06252\r\n"
    ident = parse_identification(b"/LGZ5\\2ZMD3104407.B36\r\n")
    assert (ident.manufacturer, ident.baudrate, ident.enhanced, ident.identification) == (
        "LGZ",
        9600,
        "2",
        "ZMD3104407.B36",
    )
    assert ident.supports_hdlc and not ident.fast_reaction
    assert parse_identification(b"/ISk5\\2MT382-1004").fast_reaction
    assert not parse_identification(b"/ABC4XYZ\r\n").supports_hdlc
    # parity bit set (7E1 read at 8N1) is masked away
    assert parse_identification(bytes(b | 0x80 for b in b"/LGZ5\\2X\r\n")).baudrate == 9600
    for bad in (b"LGZ5\\2", b"/LG", b"/123", b"/LGZA\\2x"):  # mode B letter is not mode E
        with pytest.raises(DecodeError):
            parse_identification(bad)


def test_mode_e_client_and_server_with_echo() -> None:
    meter = ModeEServer(Identification("KFM", "5", "MA309", "2", False))
    client = ModeEClient()
    client.start(0.0)
    request = client.data_to_send()
    assert request == b"/?!\r\n"
    assert meter.receive_data(request, 0.1) == [RequestReceived("")]
    # the optical head echoes the request before the identification arrives
    events = client.receive_data(request + meter.data_to_send(), 0.2)
    assert isinstance(events[0], IdentificationReceived)
    assert events[-1] == BaudRateChange(9600)
    ack = client.data_to_send()
    assert ack == b"\x06252\r\n"
    assert meter.receive_data(ack, 0.3) == [BaudRateChange(9600)]
    assert client.receive_data(b"\x7e\xa0", 0.4) == []  # HDLC now


def test_mode_e_speed_cap_retries_and_refusal() -> None:
    meter = ModeEServer(Identification("KFM", "6", "X", "2", False))
    client = ModeEClient(max_baudrate=4800, response_timeout=1.0, max_retries=1)
    client.start(0.0)
    meter.receive_data(client.data_to_send(), 0.0)
    events = client.receive_data(meter.data_to_send(), 0.1)
    assert events[-1] == BaudRateChange(4800)
    assert client.data_to_send() == b"\x06242\r\n"
    # no answer: one retry, then failure
    lonely = ModeEClient(response_timeout=1.0, max_retries=1)
    lonely.start(0.0)
    lonely.data_to_send()
    assert lonely.handle_timer(1.0) == [] and lonely.data_to_send() == b"/?!\r\n"
    assert lonely.handle_timer(2.0) == [ModeEFailed("no identification from the meter")]
    # a meter without \2 cannot do mode E
    old = ModeEClient()
    old.start(0.0)
    events = old.receive_data(b"/ABC5IEC1107METER\r\n", 0.1)
    assert isinstance(events[-1], ModeEFailed)
    # the meter refuses a speed above its own
    assert meter.receive_data(b"\x06262\r\n", 0.0) == [BaudRateChange(19200)]
    slow = ModeEServer(Identification("KFM", "3", "X", "2", False))
    assert isinstance(slow.receive_data(b"\x06252\r\n", 0.0)[0], ModeEFailed)


@given(st.lists(st.binary(max_size=60), max_size=10))
def test_mode_e_random_bytes(chunks: list[bytes]) -> None:
    client = ModeEClient()
    client.start(0.0)
    meter = ModeEServer(Identification("KFM", "5", "X", "2", False))
    for i, chunk in enumerate(chunks):
        client.receive_data(chunk, float(i))
        meter.receive_data(chunk, float(i))
        client.handle_timer(float(i))
        assert len(client._lines.buf) <= 128


# -- M-Bus ------------------------------------------------------------------------------------

# Documented example of the Tirol customer interface (TINETZ/IKB, Kaifa and Honeywell meters;
# public walk-through of the grid operators' specification): two M-Bus segments, CI 00 and 11,
# carrying one general-glo-ciphering data-notification. The APDU joined from both segments is
# given by the same document.
TIROL_FRAMES = bytes.fromhex(
    "68FAFA6853FF000167DB084B464D10100000238201092100295B9AEFC1546E644A2C9E32EDD42CBD0F1B94"
    "5B194D086885C4D8DF86DD52CB5B448854A6D548D5D270739B2A169D05B013F9015070089D3C5FA45CA05E"
    "92309A645CC83D7DA40FBC8F4CF9C225AFA69A25FF0B2AC9C2744550ABA53CE9143FD10B0AD85FD30BD6B6"
    "DFFEE65F8204DC9C5067CA73B62E299A39D50AA730B2B9AE3836BC2F3490FB41BE5B6F930D84952976369D"
    "D7DABBB5A4354AECA1D2486CFF2EB0C6206380BA501D122AF75D716D3092C3960506A15E06FAB0EE5B7DFA"
    "3C2CDF0CAFD051B88E44B8B9FB8865F20CB89D1143CDC7EFEB07FB4C4898E764E9E3A32DDC3D1F0F166826"
    "266853FF110167B46961CE962B2C78050C96598C7E4D26658043F9CBCA78189BD01B139F8AE0F7391116"
)
TIROL_APDU = bytes.fromhex(
    "DB084B464D10100000238201092100295B9AEFC1546E644A2C9E32EDD42CBD0F1B945B194D086885C4D8DF"
    "86DD52CB5B448854A6D548D5D270739B2A169D05B013F9015070089D3C5FA45CA05E92309A645CC83D7DA4"
    "0FBC8F4CF9C225AFA69A25FF0B2AC9C2744550ABA53CE9143FD10B0AD85FD30BD6B6DFFEE65F8204DC9C50"
    "67CA73B62E299A39D50AA730B2B9AE3836BC2F3490FB41BE5B6F930D84952976369DD7DABBB5A4354AECA1"
    "D2486CFF2EB0C6206380BA501D122AF75D716D3092C3960506A15E06FAB0EE5B7DFA3C2CDF0CAFD051B88E"
    "44B8B9FB8865F20CB89D1143CDC7EFEB07FB4C4898E764E9E3A32DDC3D1FB46961CE962B2C78050C96598C"
    "7E4D26658043F9CBCA78189BD01B139F8AE0F739"
)


def test_mbus_austrian_push_two_segments() -> None:
    frames = MBusReader().feed(TIROL_FRAMES)
    assert [(f.c, f.a, f.ci) for f in frames] == [(0x53, 0xFF, 0x00), (0x53, 0xFF, 0x11)]
    assembler = DlmsMBusAssembler()
    assert assembler.feed(frames[0]) is None
    message = assembler.feed(frames[1])
    assert message is not None
    assert (message.source_tsap, message.destination_tsap) == (0x01, 0x67)
    assert message.apdu == TIROL_APDU
    # our segmenter makes the same frames from the APDU (L=250, 245 APDU bytes per frame)
    assert b"".join(segment_apdu(TIROL_APDU, 0x01, 0x67, max_length=250)) == TIROL_FRAMES


def test_mbus_reader_garbage_bad_checksum_and_short_frames() -> None:
    bad = bytearray(TIROL_FRAMES)
    bad[100] ^= 1
    reader = MBusReader()
    frames = reader.feed(b"\xe5\x00\x68\x10\x40\xfe\x3e\x16" + bytes(bad))
    assert [f.ci for f in frames] == [None, 0x11]  # SND_NKE short frame, then segment 2 only
    assert frames[0] == MBusFrame(0x40, 0xFE, None) and reader.acks == 1
    assembler = DlmsMBusAssembler()
    assert assembler.feed(frames[1]) is None  # an orphan final segment is not a message
    single = segment_apdu(b"\x0f\x00\x00\x00\x01", 1, 0x67)
    (frame,) = MBusReader().feed(b"".join(single))
    assert frame.ci == 0x10
    message = assembler.feed(frame)
    assert message is not None and message.apdu == b"\x0f\x00\x00\x00\x01"


def test_mbus_restart_and_limits() -> None:
    frames = [MBusReader().feed(f)[0] for f in segment_apdu(bytes(1000), 1, 2, max_length=100)]
    assembler = DlmsMBusAssembler()
    assert assembler.feed(frames[0]) is None
    assert assembler.feed(frames[0]) is None  # counter 0 again: restart
    results = [assembler.feed(f) for f in frames[1:]]
    assert results[-1] is not None and results[-1].apdu == bytes(1000)
    small = DlmsMBusAssembler(max_length=300)
    assert all(small.feed(f) is None for f in frames) and small.dropped == 1
    with pytest.raises(LocalProtocolError):
        segment_apdu(bytes(4001), 1, 2)  # 17 frames of 250
    with pytest.raises(LocalProtocolError):
        encode_long_frame(0x53, 0xFF, 0, bytes(253))


@given(st.lists(st.binary(max_size=80), max_size=20))
def test_mbus_random(chunks: list[bytes]) -> None:
    reader = MBusReader()
    assembler = DlmsMBusAssembler()
    for chunk in chunks:
        for frame in reader.feed(chunk):
            with contextlib.suppress(DecodeError):
                assembler.feed(frame)
    assert len(reader._buf) <= 80 + 260


@given(st.data())
def test_mbus_mutated_real_frames(data: st.DataObject) -> None:
    raw = bytearray(TIROL_FRAMES)
    for _ in range(data.draw(st.integers(1, 3))):
        i = data.draw(st.integers(0, len(raw) - 1))
        raw[i] = data.draw(st.integers(0, 255))
    assembler = DlmsMBusAssembler()
    for frame in MBusReader().feed(bytes(raw)):
        message = assembler.feed(frame)
        if message is not None:
            assert len(message.apdu) <= len(TIROL_APDU) + 5
