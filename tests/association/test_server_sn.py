"""Short name referencing: a logical device whose association object is an Association SN
serves Read, Write and UnconfirmedWrite by base name + attribute offset, methods by their
class's method offset, the current association at 0xFA00, long reads in data blocks."""

from __future__ import annotations

import datetime as dt

import pytest

from dlmskit import apdu, axdr
from dlmskit.apdu import (
    AARE,
    ApplicationContextName,
    AssociationResult,
    BlockNumberAccess,
    ConfirmedServiceError,
    Conformance,
    DataAccessResult,
    DataBlockResult,
    InitiateRequest,
    InitiateResponse,
    ParameterizedAccess,
    ReadRequest,
    ReadResponse,
    UnconfirmedWriteRequest,
    VariableName,
    WriteRequest,
    WriteResponse,
)
from dlmskit.association.server import (
    SN_CONFORMANCE,
    AssociationSettings,
    ServerAssociation,
    ServerState,
)
from dlmskit.axdr import DoubleLongUnsigned, Integer, Long, LongUnsigned
from dlmskit.cosem import ScalerUnit, Unit
from dlmskit.model.objects import AssociationSN, Clock, CosemObjects, ProfileGeneric, Register

NOW = dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.UTC)
CLOCK_BASE, ENERGY_BASE, PROFILE_BASE = 0x0100, 0x0200, 0x0300


def sn_meter(max_pdu: int = 0xFFFF) -> ServerAssociation:
    clock = Clock()
    energy = Register(
        "1-0:1.8.0", value=DoubleLongUnsigned(777), scaler_unit=ScalerUnit(0, Unit.WATT_HOUR)
    )
    profile = ProfileGeneric(
        "1-0:99.1.0",
        capture_objects=[
            (LongUnsigned(8), bytes([0, 0, 1, 0, 0, 255]), Integer(2), LongUnsigned(0)),
            (LongUnsigned(3), bytes([1, 0, 1, 8, 0, 255]), Integer(2), LongUnsigned(0)),
        ],
        profile_entries=DoubleLongUnsigned(100),
    )
    association = AssociationSN(
        base_names={"0-0:1.0.0": CLOCK_BASE, "1-0:1.8.0": ENERGY_BASE, "1-0:99.1.0": PROFILE_BASE}
    )
    objects = CosemObjects([clock, energy, profile, association])
    for minutes in range(30):
        profile.capture(NOW - dt.timedelta(minutes=15 * (30 - minutes)))
    machine = ServerAssociation(objects, AssociationSettings(16))
    aarq = apdu.AARQ(
        ApplicationContextName.SHORT_NAME, InitiateRequest(Conformance(SN_CONFORMANCE), max_pdu)
    )
    answer = apdu.decode(machine.receive(aarq.encode(), NOW)[0])
    assert isinstance(answer, AARE) and answer.result is AssociationResult.ACCEPTED
    assert isinstance(answer.user_information, InitiateResponse)
    assert answer.user_information.vaa_name == 0xFA00
    return machine


def read(machine: ServerAssociation, *variables: object) -> ReadResponse:
    out = machine.receive(ReadRequest(tuple(variables)).encode(), NOW)  # type: ignore[arg-type]
    answer = apdu.decode(out[0])
    assert isinstance(answer, ReadResponse)
    return answer


def test_read_by_short_name() -> None:
    machine = sn_meter()
    answer = read(
        machine,
        VariableName(ENERGY_BASE + 8),  # value
        VariableName(ENERGY_BASE + 16),  # scaler_unit
        VariableName(CLOCK_BASE + 16),  # time_zone
        VariableName(0x4000),  # nothing there
    )
    assert answer.results[0] == DoubleLongUnsigned(777)
    assert answer.results[1] == (Integer(0), axdr.Enum(30))
    assert answer.results[2] == Long(0)
    assert answer.results[3] is DataAccessResult.OBJECT_UNDEFINED


def test_current_association_at_0xfa00() -> None:
    machine = sn_meter()
    object_list = read(machine, VariableName(0xFA00 + 8)).results[0]
    bases = {int(e[0]) & 0xFFFF: int(e[1]) for e in object_list}
    assert bases[CLOCK_BASE] == 8 and bases[ENERGY_BASE] == 3
    assert any(bytes(e[3]) == bytes([0, 0, 40, 0, 0, 255]) for e in object_list)


def test_write_and_method_by_write() -> None:
    machine = sn_meter()
    request = WriteRequest(
        (VariableName(CLOCK_BASE + 16), VariableName(ENERGY_BASE + 0x28)),  # time_zone; reset
        (Long(-60), Integer(0)),
    )
    answer = apdu.decode(machine.receive(request.encode(), NOW)[0])
    assert answer == WriteResponse((DataAccessResult.SUCCESS, DataAccessResult.SUCCESS))
    assert int(machine.objects["0-0:1.0.0"].value(3)) == -60
    assert read(machine, VariableName(ENERGY_BASE + 8)).results[0] == DoubleLongUnsigned(0)
    wrong = WriteRequest((VariableName(CLOCK_BASE + 16),), (Integer(1),))
    answer = apdu.decode(machine.receive(wrong.encode(), NOW)[0])
    assert answer == WriteResponse((DataAccessResult.TYPE_UNMATCHED,))


def test_unconfirmed_write_gets_no_answer() -> None:
    machine = sn_meter()
    request = UnconfirmedWriteRequest((VariableName(CLOCK_BASE + 16),), (Long(120),))
    assert machine.receive(request.encode(), NOW) == []
    assert int(machine.objects["0-0:1.0.0"].value(3)) == 120


def test_parameterized_access_is_selective_access() -> None:
    machine = sn_meter()
    entries = axdr.decode(axdr.encode(apdu.EntryDescriptor(2, 4).to_data()))
    answer = read(machine, ParameterizedAccess(PROFILE_BASE + 8, 2, entries))
    assert len(answer.results[0]) == 3


def test_long_read_in_data_blocks() -> None:
    machine = sn_meter(max_pdu=64)
    first = read(machine, VariableName(PROFILE_BASE + 8))
    block = first.results[0]
    assert isinstance(block, DataBlockResult) and block.block_number == 1
    joined = block.raw_data
    while not block.last_block:
        block = read(machine, BlockNumberAccess(block.block_number)).results[0]
        assert isinstance(block, DataBlockResult)
        joined += block.raw_data
    # the joined data is the ReadResponse's list of results
    decoded = apdu.decode(b"\x0c" + joined)
    assert isinstance(decoded, ReadResponse)
    assert decoded.results[0] == machine.objects.get(7, "1-0:99.1.0", 2, now=NOW).value


def test_sn_requests_outside_an_association_and_ln_requests_in_sn() -> None:
    machine = sn_meter()
    machine.receive(apdu.RLRQ().encode(), NOW)
    assert machine.state is ServerState.IDLE
    answer = apdu.decode(
        machine.receive(ReadRequest((VariableName(ENERGY_BASE + 8),)).encode(), NOW)[0]
    )
    assert isinstance(answer, ConfirmedServiceError)
    machine = sn_meter()
    get = bytes.fromhex("c001c100030100010800ff0200")
    assert isinstance(apdu.decode(machine.receive(get, NOW)[0]), apdu.ExceptionResponse)


@pytest.mark.parametrize(
    "data", [b"\x05", b"\x05\x01\x09", b"\x06\x01\x02\x01\x00", b"\x05\x81\xff"]
)
def test_malformed_sn_requests(data: bytes) -> None:
    machine = sn_meter()
    answer = apdu.decode(machine.receive(data, NOW)[0])
    assert isinstance(answer, ConfirmedServiceError)
    assert read(machine, VariableName(ENERGY_BASE + 8)).results[0] == DoubleLongUnsigned(777)
