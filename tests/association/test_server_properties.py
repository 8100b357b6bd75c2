"""Whatever a client sends, the meter's association machine answers with APDUs (or nothing for
an unconfirmed service) and never raises; it never meets an internal error; a well-behaved
request afterwards is still served. Random bytes and mutated real requests, in every state
(idle, authenticating, associated with and without ciphering)."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from _meter import (
    NOW,
    PASSWORD,
    SecureClient,
    aarq,
    associate,
    iip,
    meter,
)
from dlmskit import apdu
from dlmskit.apdu import (
    ActionRequestNormal,
    AttributeWithSelection,
    CosemAttributeDescriptor,
    CosemMethodDescriptor,
    EntryDescriptor,
    GetRequestNext,
    GetRequestNormal,
    GetRequestWithList,
    MechanismName,
    SetRequestNormal,
)
from dlmskit.association.server import InternalError, ServerAssociation, ServerState
from dlmskit.axdr import DoubleLongUnsigned, Integer, Long, VisibleString

SEEDS = [
    aarq().encode(),
    aarq(mechanism=MechanismName.LOW, value=PASSWORD).encode(),
    GetRequestNormal(iip(), CosemAttributeDescriptor(8, "0-0:1.0.0", 2)).encode(),
    GetRequestNormal(
        iip(), CosemAttributeDescriptor(7, "1-0:99.1.0", 2), EntryDescriptor(1, 3).to_access()
    ).encode(),
    GetRequestNext(iip(), 1).encode(),
    GetRequestWithList(
        iip(),
        (
            AttributeWithSelection(CosemAttributeDescriptor(3, "1-0:1.8.0", 2)),
            AttributeWithSelection(CosemAttributeDescriptor(15, "0-0:40.0.0", 2)),
        ),
    ).encode(),
    SetRequestNormal(iip(), CosemAttributeDescriptor(8, "0-0:1.0.0", 3), Long(60)).encode(),
    SetRequestNormal(
        iip(), CosemAttributeDescriptor(1, "0-0:96.1.0", 2), VisibleString("x" * 40)
    ).encode(),
    ActionRequestNormal(iip(), CosemMethodDescriptor(7, "1-0:99.1.0", 2), Integer(0)).encode(),
    ActionRequestNormal(iip(), CosemMethodDescriptor(15, "0-0:40.0.0", 1), b"\x10" * 17).encode(),
    apdu.AccessRequest(
        apdu.LongInvokeIdAndPriority(1, apdu.ServiceClass.CONFIRMED),
        (apdu.AccessRequestGet(CosemAttributeDescriptor(3, "1-0:1.8.0", 2)),),
        (None,),
    ).encode(),
    apdu.GeneralBlockTransfer(1, 0, b"\xc0\x01\xc1\x00\x08", False, False, 2).encode(),
    apdu.ReadRequest((apdu.VariableName(0xFA08),)).encode(),
    apdu.RLRQ().encode(),
    bytes.fromhex("c004c1000f0000280000ff0100"),
    bytes.fromhex("c101c1000f0000280000"),
    bytes.fromhex("601da10906075f857504070203be10040e01000000065f1f04007c1ba0ffff"),
    SecureClient(meter(1)).aarq().encode(),  # ciphered context, HLS-GMAC, glo-initiate
    SecureClient(meter(1), dedicated_key=bytes(16)).aarq().encode(),
]


@st.composite
def mutated(draw: Any) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "cut", "insert", "length"]))
        if kind == "flip" and data:
            i = draw(st.integers(0, len(data) - 1))
            data[i] = draw(st.integers(0, 255))
        elif kind == "cut" and data:
            del data[draw(st.integers(0, len(data) - 1)) :]
        elif kind == "insert":
            i = draw(st.integers(0, len(data)))
            data[i:i] = draw(st.binary(min_size=1, max_size=8))
        elif kind == "length" and len(data) > 2:
            data[1] = draw(st.sampled_from([0x00, 0x7F, 0x80, 0x81, 0x82, 0x84, 0xFF]))
    return bytes(data)


requests = st.one_of(st.binary(max_size=64), mutated())


def _states() -> list[ServerAssociation]:
    idle = meter(16)
    associated = meter(16)
    associate(associated)
    reader = meter(32)
    associate(reader, mechanism=MechanismName.LOW, value=PASSWORD, max_pdu=64)
    authenticating = meter(1)
    SecureClient(authenticating).associate()
    secure = meter(1)
    client = SecureClient(secure)
    client.associate()
    client.authenticate()
    pre_established = meter(102)
    return [idle, associated, reader, authenticating, secure, pre_established]


def _check(machine: ServerAssociation, data: bytes) -> None:
    out = machine.receive(data, NOW)
    assert isinstance(out, list) and all(isinstance(o, bytes) and o for o in out)
    for answer in out:
        apdu.decode(answer)  # every answer is a well-formed APDU
    assert not any(isinstance(e, InternalError) for e in machine.events())


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(requests, min_size=1, max_size=6))
def test_any_bytes_in_any_state_are_answered(sequence: list[bytes]) -> None:
    for machine in _states():
        for data in sequence:
            _check(machine, data)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(requests, min_size=1, max_size=4))
def test_the_association_stays_usable(sequence: list[bytes]) -> None:
    machine = meter(16)
    associate(machine)
    for data in sequence:
        _check(machine, data)
    if machine.state is ServerState.ASSOCIATED:
        request = GetRequestNormal(iip(), CosemAttributeDescriptor(3, "1-0:1.8.0", 2))
        answer = apdu.decode(machine.receive(request.encode(), NOW)[0])
        assert isinstance(answer, apdu.GetResponseNormal)
        assert answer.result == DoubleLongUnsigned(1234)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=80))
def test_ciphered_garbage_is_refused(noise: bytes) -> None:
    machine = meter(1)
    client = SecureClient(machine)
    client.associate()
    client.authenticate()
    for tag in (0xC8, 0xCB, 0xD0, 0xDB, 0xDC, 0x21):
        _check(machine, bytes((tag, len(noise))) + noise)
    request = GetRequestNormal(iip(), CosemAttributeDescriptor(3, "1-0:1.8.0", 2))
    answer = apdu.decode(client.open(client.send(request)[0]))
    assert isinstance(answer, apdu.GetResponseNormal)
