"""Every named defect of MeterQuirks: off, the meter behaves; on, the defect shows -- each at
the point of the meter that consults it. (The conformance suite switches them on one at a
time to prove its test cases catch them.)"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from typing import Any

import pytest

from _meter import (
    NOW,
    PASSWORD,
    SecureClient,
    aarq,
    ask,
    associate,
    iip,
    meter,
)
from dlmskit import apdu, axdr
from dlmskit.apdu import (
    AARE,
    RLRE,
    RLRQ,
    AcseServiceUser,
    ActionRequestNormal,
    AssociationResult,
    Conformance,
    CosemAttributeDescriptor,
    CosemMethodDescriptor,
    DataAccessResult,
    EntryDescriptor,
    ExceptionResponse,
    GetRequestNormal,
    GetResponseWithDatablock,
    InitiateResponse,
    MechanismName,
    SetRequestNormal,
)
from dlmskit.association import MeterQuirks
from dlmskit.association.server import ServerAssociation, ServerState
from dlmskit.axdr import DoubleLongUnsigned, Long
from dlmskit.security import AuthenticationError

CLOCK_ZONE = CosemAttributeDescriptor(8, "0-0:1.0.0", 3)
ENERGY = CosemAttributeDescriptor(3, "1-0:1.8.0", 2)
PROFILE = CosemAttributeDescriptor(7, "1-0:99.1.0", 2)


def public(quirks: MeterQuirks, **kwargs: Any) -> ServerAssociation:
    machine = meter(16, quirks=quirks)
    associate(machine, **kwargs)
    return machine


def reader(quirks: MeterQuirks, **kwargs: Any) -> ServerAssociation:
    machine = meter(32, quirks=quirks)
    associate(machine, mechanism=MechanismName.LOW, value=PASSWORD, **kwargs)
    return machine


def secure(quirks: MeterQuirks) -> tuple[ServerAssociation, SecureClient]:
    machine = meter(1, quirks=quirks)
    client = SecureClient(machine)
    client.associate()
    client.authenticate()
    return machine, client


# each scenario returns True when the defect shows


def wrong_aare_diagnostic(q: MeterQuirks) -> bool:
    from dlmskit.apdu import ApplicationContextName

    answer = associate(meter(16, quirks=q), context=ApplicationContextName.SHORT_NAME)
    assert answer.result is AssociationResult.REJECTED_PERMANENT
    return answer.result_source_diagnostic is AcseServiceUser.NO_REASON_GIVEN


def dlms_version_not_checked(q: MeterQuirks) -> bool:
    stimulus = "601da109060760857405080101be10040e01000000075f1f040060fe9fffff"
    answer = ask(meter(16, quirks=q), bytes.fromhex(stimulus))
    return answer.result is AssociationResult.ACCEPTED


def pdu_size_not_checked(q: MeterQuirks) -> bool:
    return associate(meter(16, quirks=q), max_pdu=11).result is AssociationResult.ACCEPTED


def lls_any_password(q: MeterQuirks) -> bool:
    answer = associate(meter(32, quirks=q), mechanism=MechanismName.LOW, value=b"nope")
    return answer.result is AssociationResult.ACCEPTED


def hls_reply_not_verified(q: MeterQuirks) -> bool:
    machine = meter(1, quirks=q)
    client = SecureClient(machine)
    client.associate()
    method = CosemMethodDescriptor(15, "0-0:40.0.0", 1)
    client.request(ActionRequestNormal(iip(), method, bytes(17)))
    return machine.state is ServerState.ASSOCIATED


def hls_wrong_response(q: MeterQuirks) -> bool:
    machine = meter(1, quirks=q)
    client = SecureClient(machine)
    client.associate()
    reply = client.authenticate()
    try:
        client.check_f_ctos(reply.return_parameters)
    except AuthenticationError:
        return True
    return False


def fixed_challenge(q: MeterQuirks) -> bool:
    first = SecureClient(meter(1, quirks=q))
    first.associate()
    second = SecureClient(meter(1, quirks=q))
    second.associate()
    return first.stoc == second.stoc


def conformance_not_negotiated(q: MeterQuirks) -> bool:
    answer = associate(meter(16, quirks=q), conformance=int(Conformance.GET))
    assert isinstance(answer.user_information, InitiateResponse)
    return answer.user_information.negotiated_conformance != Conformance.GET


def access_rights_ignored(q: MeterQuirks) -> bool:
    answer = ask(public(q), SetRequestNormal(iip(), CLOCK_ZONE, Long(60)))
    return answer.result is DataAccessResult.SUCCESS


def conformance_not_enforced(q: MeterQuirks) -> bool:
    machine = reader(q, conformance=int(Conformance.GET))
    answer = ask(machine, SetRequestNormal(iip(), CLOCK_ZONE, Long(60)))
    return not isinstance(answer, ExceptionResponse)


def policy_not_enforced(q: MeterQuirks) -> bool:
    machine, _ = secure(q)
    answer = ask(machine, GetRequestNormal(iip(), ENERGY))
    return not isinstance(answer, ExceptionResponse)  # served (its answer ciphered)


def replayed_counter_accepted(q: MeterQuirks) -> bool:
    machine, client = secure(q)
    sent = client.ciphering.protect(GetRequestNormal(iip(), ENERGY).encode())
    machine.receive(sent, NOW)
    again = machine.receive(sent, NOW)[0]
    return not isinstance(apdu.decode(again), ExceptionResponse)


def wrong_attribute_type(q: MeterQuirks) -> bool:
    answer = ask(public(q), GetRequestNormal(iip(), ENERGY))
    return type(answer.result) is not DoubleLongUnsigned


def selective_access_ignored(q: MeterQuirks) -> bool:
    request = GetRequestNormal(iip(), PROFILE, EntryDescriptor(1, 2).to_access())
    answer = ask(reader(q), request)
    return len(answer.result) != 2


def pdu_size_exceeded(q: MeterQuirks) -> bool:
    out = reader(q, max_pdu=64).receive(GetRequestNormal(iip(), PROFILE).encode(), NOW)
    return len(out[0]) > 64


def block_numbers_from_zero(q: MeterQuirks) -> bool:
    answer = ask(reader(q, max_pdu=64), GetRequestNormal(iip(), PROFILE))
    assert isinstance(answer, GetResponseWithDatablock)
    return answer.block_number == 0


def wrong_invoke_id(q: MeterQuirks) -> bool:
    answer = ask(public(q), GetRequestNormal(iip(5), ENERGY))
    return answer.invoke_id_and_priority.invoke_id != 5


def exception_for_missing_object(q: MeterQuirks) -> bool:
    missing = CosemAttributeDescriptor(3, "1-0:2.8.0", 2)
    return isinstance(ask(public(q), GetRequestNormal(iip(), missing)), ExceptionResponse)


def unprotected_responses(q: MeterQuirks) -> bool:
    _, client = secure(q)
    out = client.send(GetRequestNormal(iip(), ENERGY))
    return out[0][0] == 0xC4


def release_ignored(q: MeterQuirks) -> bool:
    machine = public(q)
    out = machine.receive(RLRQ().encode(), NOW)
    if out:
        assert isinstance(apdu.decode(out[0]), RLRE)
    return not out and machine.state is ServerState.ASSOCIATED


def inactivity_timeout_ignored(q: MeterQuirks) -> bool:
    from _running import Background
    from dlmskit.link.wrapper import encode_wpdu
    from dlmskit.server import LogicalDevice, Meter, MeterServer, SingleMeter

    meter_ = Meter([LogicalDevice(1, meter(16).objects, [meter(16).settings])], quirks=q)

    async def run() -> bool:
        server = MeterServer(SingleMeter(meter_), clock=lambda: NOW, inactivity_timeout=0.2)
        port = (await server.serve_tcp("127.0.0.1", 0)).sockets[0].getsockname()[1]
        reader_, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(encode_wpdu(16, 1, aarq().encode()))  # associate, then silence
        await reader_.read(100)  # the AARE
        try:
            closed = await asyncio.wait_for(reader_.read(100), 1.0) == b""
        except TimeoutError:
            closed = False
        writer.close()
        await server.close()
        return not closed

    background = Background()
    try:
        result: bool = background.run(run())
        return result
    finally:
        background.stop()


def wrapper_ports_swapped(q: MeterQuirks) -> bool:
    from dlmskit.link.wrapper import WrapperReader, encode_wpdu
    from dlmskit.server import LogicalDevice, Meter, SingleMeter
    from dlmskit.server.meter_server import MeterServer, _WrapperSession

    meter_ = Meter([LogicalDevice(1, meter(16).objects, [meter(16).settings])], quirks=q)
    session = _WrapperSession(MeterServer(SingleMeter(meter_), clock=lambda: NOW))
    answer = WrapperReader().feed(session.feed(encode_wpdu(16, 1, aarq().encode())))[0]
    session.close()
    return (answer.source, answer.destination) == (16, 1)


def _hdlc_exchange(q: MeterQuirks, frames: list[bytes]) -> list[Any]:
    """Send HDLC frames to a meter with quirks ``q`` over HDLC on TCP, one at a time; the
    frames it answers to each (an empty list: no answer)."""
    from _running import Background
    from dlmskit.link.hdlc import FrameReader
    from dlmskit.server import LogicalDevice, Meter, MeterServer, SingleMeter

    meter_ = Meter([LogicalDevice(1, meter(16).objects, [meter(16).settings])], quirks=q)

    async def run() -> list[Any]:
        server = MeterServer(SingleMeter(meter_), clock=lambda: NOW)
        port = (await server.serve_hdlc_tcp("127.0.0.1", 0)).sockets[0].getsockname()[1]
        reader_, writer = await asyncio.open_connection("127.0.0.1", port)
        frames_reader = FrameReader(inter_octet_timeout=None)
        answers = []
        for frame in frames:
            writer.write(frame)
            try:
                data = await asyncio.wait_for(reader_.read(4096), 0.3)
            except TimeoutError:
                data = b""
            answers.append(frames_reader.feed(data))
        writer.close()
        await server.close()
        return answers

    background = Background()
    try:
        result: list[Any] = background.run(run())
        return result
    finally:
        background.stop()


def _snrm(*, bad_hcs: bool = False) -> bytes:
    """SNRM from client 16 to logical device 1; with ``bad_hcs`` its HCS wrong (FCS right)."""
    from dlmskit.link.hdlc import Frame, FrameType, HdlcAddress, HdlcParameters
    from dlmskit.link.hdlc import encode_parameters as parameters
    from dlmskit.link.hdlc.crc import crc16_x25

    snrm = Frame.make(
        FrameType.SNRM,
        HdlcAddress.server(1),
        HdlcAddress.client(16),
        info=parameters(HdlcParameters()),
    )
    raw = bytearray(snrm.encode())
    if bad_hcs:
        raw[6] ^= 0xFF  # the HCS; then the FCS made right over it
        fcs = crc16_x25(bytes(raw[1:-3]))
        raw[-3:-1] = bytes((fcs & 0xFF, fcs >> 8))
    return bytes(raw)


def hdlc_bad_hcs_accepted(q: MeterQuirks) -> bool:
    from dlmskit.link.hdlc import Frame, FrameType, HdlcAddress

    disc = Frame.make(FrameType.DISC, HdlcAddress.server(1), HdlcAddress.client(16)).encode()
    _, answer = _hdlc_exchange(q, [disc, _snrm(bad_hcs=True)])
    return any(f.type is FrameType.UA for f in answer)


def hdlc_sequence_not_checked(q: MeterQuirks) -> bool:
    from dlmskit.link.hdlc import Frame, FrameType, HdlcAddress

    server, client = HdlcAddress.server(1), HdlcAddress.client(16)
    out_of_sequence = Frame(server, client, 0x12, b"\xe6\xe6\x00" + aarq().encode()).encode()
    _, answer = _hdlc_exchange(q, [_snrm(), out_of_sequence])
    return any(f.type is FrameType.I for f in answer)


SCENARIOS: dict[str, Callable[[MeterQuirks], bool]] = {
    name: globals()[name] for name in MeterQuirks.names()
}


def test_every_quirk_has_a_scenario() -> None:
    assert set(SCENARIOS) == set(MeterQuirks.names())
    assert len(SCENARIOS) >= 15


@pytest.mark.parametrize("name", MeterQuirks.names())
def test_quirk_off_behaves_and_on_shows_the_defect(name: str) -> None:
    scenario = SCENARIOS[name]
    assert scenario(MeterQuirks()) is False, f"{name}: a correct meter shows the defect"
    assert scenario(MeterQuirks.of(name)) is True, f"{name}: the defect does not show"


def test_quirks_are_named_and_listed() -> None:
    quirks = MeterQuirks.of("access_rights_ignored", "wrong_invoke_id")
    assert quirks.active() == ("access_rights_ignored", "wrong_invoke_id")
    assert dataclasses.replace(quirks, wrong_invoke_id=False).active() == ("access_rights_ignored",)
    with pytest.raises(ValueError, match="no such quirk"):
        MeterQuirks.of("does_not_exist")


def test_the_defects_are_only_where_they_are_named() -> None:
    """A meter with one defect still answers everything else correctly."""
    machine = public(MeterQuirks.of("wrong_invoke_id"))
    answer = ask(machine, GetRequestNormal(iip(), ENERGY))
    assert answer.result == DoubleLongUnsigned(1234)
    assert axdr.encode(answer.result) == axdr.encode(DoubleLongUnsigned(1234))
    assert isinstance(ask(meter(16), aarq()), AARE)
