"""The meter's association machine serving data: GET, SET, ACTION in every variant, block
transfer both ways, general block transfer, ACCESS, selective access, refusals as values."""

from __future__ import annotations

from typing import Any

import pytest

from _meter import (
    CLOCK,
    ENERGY,
    NOW,
    PASSWORD,
    POWER,
    PROFILE,
    SERIAL,
    ask,
    associate,
    device,
    iip,
    meter,
)
from dlmskit import apdu, axdr
from dlmskit.apdu import (
    AccessRequest,
    AccessRequestAction,
    AccessRequestGet,
    AccessRequestGetWithSelection,
    AccessRequestSet,
    AccessResponse,
    ActionRequestNextPblock,
    ActionRequestNormal,
    ActionRequestWithList,
    ActionResponseNextPblock,
    ActionResponseNormal,
    ActionResponseWithList,
    ActionResponseWithPblock,
    ActionResult,
    AttributeWithSelection,
    Conformance,
    CosemAttributeDescriptor,
    CosemMethodDescriptor,
    DataAccessResult,
    EntryDescriptor,
    ExceptionResponse,
    GeneralBlockTransfer,
    GetRequestNext,
    GetRequestNormal,
    GetRequestWithList,
    GetResponseNormal,
    GetResponseWithDatablock,
    GetResponseWithList,
    LongInvokeIdAndPriority,
    MechanismName,
    RangeDescriptor,
    SetRequestNormal,
    SetRequestWithList,
    SetResponseDatablock,
    SetResponseLastDatablock,
    SetResponseLastDatablockWithList,
    SetResponseWithList,
)
from dlmskit.apdu.blocks import (
    BlockReassembler,
    action_request_blocks,
    action_request_with_list_blocks,
    set_request_blocks,
    set_request_with_list_blocks,
)
from dlmskit.apdu.gbt import GbtReassembler, split
from dlmskit.association.server import LN_CONFORMANCE, InternalError, ServerAssociation
from dlmskit.axdr import DoubleLongUnsigned, Integer, Long, VisibleString
from dlmskit.cosem import DateTime

NOT_ALLOWED = ExceptionResponse(
    apdu.StateError.SERVICE_NOT_ALLOWED, apdu.ExceptionServiceError.OPERATION_NOT_POSSIBLE
)
NOT_SUPPORTED = ExceptionResponse(
    apdu.StateError.SERVICE_NOT_ALLOWED, apdu.ExceptionServiceError.SERVICE_NOT_SUPPORTED
)


def attribute(class_id: int, ln: str, index: int) -> CosemAttributeDescriptor:
    return CosemAttributeDescriptor(class_id, ln, index)


def get(machine: ServerAssociation, class_id: int, ln: str, index: int, **kw: Any) -> Any:
    return ask(machine, GetRequestNormal(iip(), attribute(class_id, ln, index), **kw))


def reader_with(max_pdu: int = 0xFFFF, conformance: int = int(LN_CONFORMANCE)) -> ServerAssociation:
    machine = meter(32)
    associate(
        machine,
        mechanism=MechanismName.LOW,
        value=PASSWORD,
        max_pdu=max_pdu,
        conformance=conformance,
    )
    return machine


def public() -> ServerAssociation:
    machine = meter(16)
    associate(machine)
    return machine


# -- GET ---------------------------------------------------------------------------------------


def test_get_values_equal_the_model() -> None:
    machine = public()
    assert get(machine, 3, ENERGY, 2).result == DoubleLongUnsigned(1234)
    assert get(machine, 1, SERIAL, 2).result == VisibleString("DLK0001234")
    clock = get(machine, 8, CLOCK, 2).result
    assert DateTime.from_bytes(clock).to_datetime() == NOW
    assert machine.events() and not any(isinstance(e, InternalError) for e in machine.events())


def test_fast_and_general_get_paths_answer_the_same() -> None:
    fast = public()
    slow = public()
    request = GetRequestNormal(iip(5), attribute(3, ENERGY, 2))
    plain = fast.receive(request.encode(), NOW)
    # the same request with an (empty) access-selection flag spelled out through the codec
    other = slow.receive(bytes.fromhex("c001c5000301000108 00ff0200".replace(" ", "")), NOW)
    assert plain == other == [GetResponseNormal(iip(5), DoubleLongUnsigned(1234)).encode()]


@pytest.mark.parametrize(
    ("class_id", "ln", "index", "result"),
    [
        (3, "1-0:2.8.0", 2, DataAccessResult.OBJECT_UNDEFINED),  # no such object
        (3, POWER, 2, DataAccessResult.OBJECT_UNDEFINED),  # exists, not visible to client 16
        (1, ENERGY, 2, DataAccessResult.OBJECT_CLASS_INCONSISTENT),
        (3, ENERGY, 9, DataAccessResult.READ_WRITE_DENIED),  # no such attribute: no rights
        (15, "0-0:40.0.0", 7, DataAccessResult.READ_WRITE_DENIED),  # the secret
    ],
)
def test_get_refusals_are_results(
    class_id: int, ln: str, index: int, result: DataAccessResult
) -> None:
    machine = public()
    assert get(machine, class_id, ln, index).result is result
    assert get(machine, 3, ENERGY, 2).result == DoubleLongUnsigned(1234)  # still usable


def test_current_association_is_the_one_in_use() -> None:
    machine = public()
    object_list = get(machine, 15, "0-0:40.0.0", 2).result
    names = [bytes(e[2]) for e in object_list]
    assert bytes([0, 0, 40, 0, 0, 255]) in names
    assert bytes([0, 0, 40, 0, 1, 255]) not in names  # shown as the current association
    partners = get(machine, 15, "0-0:40.0.0", 3).result
    assert (int(partners[0]), int(partners[1])) == (16, 1)
    other = reader_with()
    names = [bytes(e[2]) for e in get(other, 15, "0-0:40.0.0", 2).result]
    assert len(names) == 6


def test_get_with_list() -> None:
    machine = public()
    request = GetRequestWithList(
        iip(),
        (
            AttributeWithSelection(attribute(3, ENERGY, 2)),
            AttributeWithSelection(attribute(3, "1-0:2.8.0", 2)),
            AttributeWithSelection(attribute(3, ENERGY, 3)),
        ),
    )
    answer = ask(machine, request)
    assert isinstance(answer, GetResponseWithList)
    assert answer.results[0] == DoubleLongUnsigned(1234)
    assert answer.results[1] is DataAccessResult.OBJECT_UNDEFINED
    assert answer.results[2] == (Integer(0), axdr.Enum(30))


def _long_get(machine: ServerAssociation, first: Any) -> bytes:
    joined = BlockReassembler()
    answer = first
    while True:
        assert isinstance(answer, GetResponseWithDatablock), answer
        result = joined.add_get_response(answer)
        if answer.last_block:
            assert isinstance(result, bytes)
            return result
        answer = ask(machine, GetRequestNext(iip(), answer.block_number))


def test_long_get_in_datablocks_within_the_client_pdu_size() -> None:
    machine = reader_with(max_pdu=64)
    out = machine.receive(GetRequestNormal(iip(), attribute(7, PROFILE, 2)).encode(), NOW)
    assert len(out[0]) <= 64
    raw = _long_get(machine, apdu.decode(out[0]))
    rows = axdr.decode(raw)
    assert rows == machine.objects.get(7, PROFILE, 2, now=NOW).value
    assert len(rows) == 8


def test_long_get_wrong_block_number_and_no_get_in_progress() -> None:
    machine = reader_with(max_pdu=64)
    first = ask(machine, GetRequestNormal(iip(), attribute(7, PROFILE, 2)))
    assert isinstance(first, GetResponseWithDatablock) and first.block_number == 1
    wrong = ask(machine, GetRequestNext(iip(), 7))
    assert wrong.result is DataAccessResult.DATA_BLOCK_NUMBER_INVALID
    none = ask(machine, GetRequestNext(iip(), 1))
    assert none.result is DataAccessResult.NO_LONG_GET_IN_PROGRESS


def _rows_with_a_defect(count: int, bad: int) -> list[Any]:
    stamp = DateTime.from_datetime(NOW).to_bytes()
    rows: list[Any] = [(stamp, DoubleLongUnsigned(i)) for i in range(count)]
    # a model defect: a value out of its type's range (made without the constructor's check)
    rows[bad] = (stamp, int.__new__(DoubleLongUnsigned, -1))
    return rows


def test_long_get_is_encoded_as_its_blocks_go_out(monkeypatch: pytest.MonkeyPatch) -> None:
    """The blocks before a row that does not encode are sent as they are asked for (the meter
    did not encode the whole value first); the block where the defect lies says other-reason
    and ends the transfer, and the defect is reported as an internal error."""
    machine = reader_with(max_pdu=256)
    rows = _rows_with_a_defect(200, 150)
    monkeypatch.setattr(machine.objects[PROFILE], "_read_2", lambda now: rows)
    answer = ask(machine, GetRequestNormal(iip(), attribute(7, PROFILE, 2)))
    sent = bytearray()
    while isinstance(answer.result, bytes):
        assert not answer.last_block
        sent += answer.result
        answer = ask(machine, GetRequestNext(iip(), answer.block_number))
    assert answer.last_block and answer.result is DataAccessResult.OTHER_REASON
    assert answer.block_number > 10  # blocks of the rows before the defect went out first
    assert sent[:3] == b"\x01\x81\xc8"  # an array of 200
    assert axdr.encode(rows[:150])[3:].startswith(sent[3:])
    assert any(isinstance(e, InternalError) for e in machine.events())
    after = ask(machine, GetRequestNext(iip(), answer.block_number))
    assert after.result is DataAccessResult.NO_LONG_GET_IN_PROGRESS


def test_long_get_in_blocks_equals_the_encoded_value(monkeypatch: pytest.MonkeyPatch) -> None:
    machine = reader_with(max_pdu=300)
    rows = _rows_with_a_defect(500, 0)[1:]
    monkeypatch.setattr(machine.objects[PROFILE], "_read_2", lambda now: rows)
    first = ask(machine, GetRequestNormal(iip(), attribute(7, PROFILE, 2)))
    assert _long_get(machine, first) == axdr.encode(rows)


def test_long_value_that_does_not_encode_is_refused_whole_under_gbt(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Under general block transfer the response is ciphered and cut as one APDU, so a
    defect anywhere refuses the whole GET."""
    conformance = int(LN_CONFORMANCE) & ~int(Conformance.BLOCK_TRANSFER_WITH_GET_OR_READ)
    machine = reader_with(max_pdu=256, conformance=conformance)
    monkeypatch.setattr(
        machine.objects[PROFILE], "_read_2", lambda now: _rows_with_a_defect(200, 150)
    )
    answer = ask(machine, GetRequestNormal(iip(), attribute(7, PROFILE, 2)))
    assert answer == GetResponseNormal(iip(), DataAccessResult.OTHER_REASON)
    assert any(isinstance(e, InternalError) for e in machine.events())


def test_long_get_without_block_transfer_is_refused_as_a_result() -> None:
    conformance = int(LN_CONFORMANCE) & ~int(
        Conformance.BLOCK_TRANSFER_WITH_GET_OR_READ | Conformance.GENERAL_BLOCK_TRANSFER
    )
    machine = reader_with(max_pdu=64, conformance=conformance)
    answer = ask(machine, GetRequestNormal(iip(), attribute(7, PROFILE, 2)))
    assert answer == GetResponseNormal(iip(), DataAccessResult.OTHER_REASON)


def test_selective_access_by_range_and_by_entry() -> None:
    machine = reader_with()
    start = DateTime.from_datetime(NOW.replace(hour=11, minute=0))
    end = DateTime.from_datetime(NOW.replace(hour=11, minute=30))
    by_range = RangeDescriptor(
        apdu.CaptureObjectDefinition(8, CLOCK, 2), start.to_bytes(), end.to_bytes(), ()
    ).to_access()
    rows = get(machine, 7, PROFILE, 2, access_selection=by_range).result
    assert [DateTime.from_bytes(r[0]).to_datetime().minute for r in rows] == [0, 15, 30]
    by_entry = EntryDescriptor(2, 3, 2, 2).to_access()
    rows = get(machine, 7, PROFILE, 2, access_selection=by_entry).result
    assert rows == [(DoubleLongUnsigned(1010),), (DoubleLongUnsigned(1020),)]
    wrong = apdu.SelectiveAccessDescriptor(2, Integer(1))
    assert (
        get(machine, 7, PROFILE, 2, access_selection=wrong).result
        is DataAccessResult.TYPE_UNMATCHED
    )


def test_selective_access_needs_its_conformance_bit() -> None:
    machine = reader_with(conformance=int(LN_CONFORMANCE) & ~int(Conformance.SELECTIVE_ACCESS))
    selection = EntryDescriptor(1, 1).to_access()
    assert get(machine, 7, PROFILE, 2, access_selection=selection) == NOT_SUPPORTED


def test_unconfirmed_get_gets_no_answer() -> None:
    machine = public()
    request = GetRequestNormal(
        apdu.InvokeIdAndPriority(1, apdu.ServiceClass.UNCONFIRMED), attribute(3, ENERGY, 2)
    )
    assert machine.receive(request.encode(), NOW) == []


# -- SET ---------------------------------------------------------------------------------------


def test_set_and_its_refusals() -> None:
    machine = reader_with()
    assert ask(machine, SetRequestNormal(iip(), attribute(8, CLOCK, 3), Long(-60))).result is (
        DataAccessResult.SUCCESS
    )
    assert int(machine.objects[CLOCK].value(3)) == -60
    assert ask(machine, SetRequestNormal(iip(), attribute(8, CLOCK, 3), Integer(1))).result is (
        DataAccessResult.TYPE_UNMATCHED
    )
    assert ask(
        machine, SetRequestNormal(iip(), attribute(3, ENERGY, 2), DoubleLongUnsigned(1))
    ).result is (DataAccessResult.READ_WRITE_DENIED)
    assert int(machine.objects[ENERGY].value(2)) == 1234
    public_client = public()
    assert ask(public_client, SetRequestNormal(iip(), attribute(8, CLOCK, 3), Long(0))).result is (
        DataAccessResult.READ_WRITE_DENIED
    )


def test_set_with_list() -> None:
    machine = reader_with()
    request = SetRequestWithList(
        iip(),
        (
            AttributeWithSelection(attribute(8, CLOCK, 3)),
            AttributeWithSelection(attribute(3, ENERGY, 2)),
        ),
        (Long(60), DoubleLongUnsigned(0)),
    )
    answer = ask(machine, request)
    assert answer == SetResponseWithList(
        iip(), (DataAccessResult.SUCCESS, DataAccessResult.READ_WRITE_DENIED)
    )


def test_set_with_datablocks() -> None:
    machine = reader_with()
    value = VisibleString("X" * 300)
    blocks = set_request_blocks(iip(), attribute(1, SERIAL, 2), axdr.encode(value), 64)
    assert len(blocks) > 3
    for block in blocks[:-1]:
        assert ask(machine, block) == SetResponseDatablock(iip(), block.block_number)
    last = ask(machine, blocks[-1])
    assert last == SetResponseLastDatablock(
        iip(), DataAccessResult.SUCCESS, blocks[-1].block_number
    )
    assert machine.objects[SERIAL].value(2) == value


def test_set_with_list_and_datablocks() -> None:
    machine = reader_with()
    values = (VisibleString("Y" * 100), Long(-120))
    raw = axdr.encode_length(2) + b"".join(axdr.encode(v) for v in values)
    targets = (
        AttributeWithSelection(attribute(1, SERIAL, 2)),
        AttributeWithSelection(attribute(8, CLOCK, 3)),
    )
    blocks = set_request_with_list_blocks(iip(), targets, raw, 64)
    for block in blocks[:-1]:
        assert isinstance(ask(machine, block), SetResponseDatablock)
    last = ask(machine, blocks[-1])
    assert last == SetResponseLastDatablockWithList(
        iip(), (DataAccessResult.SUCCESS, DataAccessResult.SUCCESS), blocks[-1].block_number
    )


def test_set_datablock_out_of_order_and_without_transfer() -> None:
    machine = reader_with()
    blocks = set_request_blocks(
        iip(), attribute(1, SERIAL, 2), axdr.encode(VisibleString("Z" * 200)), 64
    )
    ask(machine, blocks[0])
    answer = ask(machine, blocks[2])
    assert answer.result is DataAccessResult.DATA_BLOCK_NUMBER_INVALID
    answer = ask(machine, blocks[1])
    assert answer.result is DataAccessResult.NO_LONG_SET_IN_PROGRESS


# -- ACTION ------------------------------------------------------------------------------------


def _reset(ln: str = ENERGY) -> CosemMethodDescriptor:
    return CosemMethodDescriptor(3, ln, 1)


def test_action_and_refusals() -> None:
    objects = device()
    machine = meter(32, objects=objects)
    associate(machine, mechanism=MechanismName.LOW, value=PASSWORD)
    # the reader has read-only rights on the energy register: reset refused
    answer = ask(machine, ActionRequestNormal(iip(), _reset(), Integer(0)))
    assert answer.result is ActionResult.READ_WRITE_DENIED
    capture = CosemMethodDescriptor(7, PROFILE, 2)
    answer = ask(machine, ActionRequestNormal(iip(), capture, Integer(0)))
    assert answer == ActionResponseNormal(iip(), ActionResult.SUCCESS)
    missing = ask(
        machine, ActionRequestNormal(iip(), CosemMethodDescriptor(3, "1-0:2.8.0", 1), Integer(0))
    )
    assert missing.result is ActionResult.OBJECT_UNDEFINED


def test_action_with_list_and_pblocks() -> None:
    machine = reader_with()
    capture = CosemMethodDescriptor(7, PROFILE, 2)
    answer = ask(
        machine, ActionRequestWithList(iip(), (capture, _reset()), (Integer(0), Integer(0)))
    )
    assert isinstance(answer, ActionResponseWithList)
    assert [i.result for i in answer.results] == [
        ActionResult.SUCCESS,
        ActionResult.READ_WRITE_DENIED,
    ]
    blocks = action_request_blocks(iip(), capture, axdr.encode(Integer(0)) + b"", 64)
    assert len(blocks) == 1
    long_param = axdr.encode(VisibleString("p" * 120))
    blocks = action_request_blocks(iip(), capture, long_param, 64)
    for block in blocks[:-1]:
        assert ask(machine, block) == ActionResponseNextPblock(iip(), block.block_number)
    last = ask(machine, blocks[-1])
    # the capture method takes an integer: a string parameter is type-unmatched
    assert isinstance(last, ActionResponseNormal) and last.result is ActionResult.TYPE_UNMATCHED
    raw = axdr.encode_length(2) + axdr.encode(Integer(0)) + axdr.encode(Integer(0))
    blocks2 = action_request_with_list_blocks(iip(), (capture, capture), raw, 40)
    for block in blocks2[:-1]:
        assert isinstance(ask(machine, block), ActionResponseNextPblock)
    answer = ask(machine, blocks2[-1])
    assert isinstance(answer, ActionResponseWithList)
    assert [i.result for i in answer.results] == [ActionResult.SUCCESS] * 2


def test_long_action_response_in_pblocks() -> None:
    from _meter import SecureClient
    from dlmskit.model.objects import SecurityServices, SecuritySetup

    objects = device()
    csr = bytes(range(256)) * 2
    objects.add(
        SecuritySetup(
            "0-0:43.0.0", version=1, services=SecurityServices(certificate_request=lambda kind: csr)
        )
    )
    machine = meter(1, objects=objects)
    client = SecureClient(machine)
    client.associate()
    client.authenticate()
    machine.client_max_pdu = 128  # as if the client had proposed 128
    method = CosemMethodDescriptor(64, "0-0:43.0.0", 5)
    answer = client.request(ActionRequestNormal(iip(), method, axdr.Enum(0)))
    joined = b""
    while True:
        assert isinstance(answer, ActionResponseWithPblock), answer
        joined += answer.raw_data
        if answer.last_block:
            break
        answer = client.request(ActionRequestNextPblock(iip(), answer.block_number))
    item = (
        ActionResponseNormal.read_body
    )  # the joined data is one Action-Response-With-Optional-Data
    assert item is not None
    assert joined[:2] == b"\x00\x01"  # success, return parameters present
    assert axdr.decode(joined[3:]) == csr


# -- ACCESS ------------------------------------------------------------------------------------


def test_access_request() -> None:
    machine = reader_with()
    request = AccessRequest(
        LongInvokeIdAndPriority(7, apdu.ServiceClass.CONFIRMED),
        (
            AccessRequestGet(attribute(3, ENERGY, 2)),
            AccessRequestSet(attribute(8, CLOCK, 3)),
            AccessRequestAction(CosemMethodDescriptor(7, PROFILE, 2)),
            AccessRequestGetWithSelection(
                attribute(7, PROFILE, 2), EntryDescriptor(1, 1).to_access()
            ),
            AccessRequestGet(attribute(3, "1-0:2.8.0", 2)),
        ),
        (None, Long(-60), Integer(0), None, None),
    )
    answer = ask(machine, request)
    assert isinstance(answer, AccessResponse)
    assert answer.data[0] == DoubleLongUnsigned(1234)
    assert len(answer.data[3]) == 1
    assert [r.result for r in answer.results] == [
        DataAccessResult.SUCCESS,
        DataAccessResult.SUCCESS,
        ActionResult.SUCCESS,
        DataAccessResult.SUCCESS,
        DataAccessResult.OBJECT_UNDEFINED,
    ]
    assert int(machine.objects[CLOCK].value(3)) == -60


# -- general block transfer --------------------------------------------------------------------


def test_general_block_transfer_both_ways() -> None:
    machine = reader_with(max_pdu=64)
    request = GetRequestNormal(iip(), attribute(7, PROFILE, 2)).encode()
    blocks = split(request, 12, window=1)
    assert len(blocks) > 1
    out: list[bytes] = []
    for block in blocks:
        out = machine.receive(block.encode(), NOW)
    received = GbtReassembler()
    answer: bytes | None = None
    while answer is None:
        assert len(out) == 1
        block = apdu.decode(out[0])
        assert isinstance(block, GeneralBlockTransfer) and len(out[0]) <= 64
        status = received.add(block)
        answer = status.complete
        if answer is None:
            ack = GeneralBlockTransfer(0, status.acknowledge, b"", False, False, 1)
            out = machine.receive(ack.encode(), NOW)
    response = apdu.decode(answer)
    assert isinstance(response, GetResponseNormal)
    assert response.result == machine.objects.get(7, PROFILE, 2, now=NOW).value


def test_general_block_transfer_window_of_four() -> None:
    machine = reader_with(max_pdu=40)
    request = GetRequestNormal(iip(), attribute(7, PROFILE, 2)).encode()
    block = GeneralBlockTransfer(1, 0, request, True, False, 4)
    out = machine.receive(block.encode(), NOW)
    assert len(out) == 4
    flags = [apdu.decode(o) for o in out]
    assert [b.streaming for b in flags] == [True, True, True, False]  # type: ignore[attr-defined]
    # acknowledge only two: blocks 3.. come again
    again = machine.receive(GeneralBlockTransfer(0, 2, b"", False, False, 4).encode(), NOW)
    assert [apdu.decode(o).block_number for o in again] == [3, 4, 5, 6]  # type: ignore[attr-defined]


# -- hostile but well-framed requests ----------------------------------------------------------


@pytest.mark.parametrize(
    "hex_request",
    [
        "c004c1000f0000280000ff0100",  # T_APPL_DATA_LN_N1: unknown GET type
        "c001c1000028000100",  # missing elements
        "c106c1000f0000280000ff010009060000280000ff",  # T_APPL_DATA_LN_N3
        "c101c1000f0000280000",
        "c3",
        "d9",
        "",
        "ff00",
        "c4010100",  # a response sent to the meter
        "0f00000000",
    ],
)
def test_malformed_requests_get_an_exception_response_and_the_association_stays(
    hex_request: str,
) -> None:
    machine = public()
    out = machine.receive(bytes.fromhex(hex_request), NOW)
    assert len(out) == 1 and isinstance(apdu.decode(out[0]), ExceptionResponse)
    assert get(machine, 3, ENERGY, 2).result == DoubleLongUnsigned(1234)
    assert not any(isinstance(e, InternalError) for e in machine.events())


def test_request_longer_than_the_server_pdu_size() -> None:
    machine = public()
    huge = SetRequestNormal(iip(), attribute(1, SERIAL, 2), VisibleString("x" * 2000)).encode()
    answer = apdu.decode(machine.receive(huge, NOW)[0])
    assert answer == ExceptionResponse(
        apdu.StateError.SERVICE_NOT_ALLOWED, apdu.ExceptionServiceError.PDU_TOO_LONG
    )


def test_long_set_transfer_is_bounded() -> None:
    machine = reader_with()
    from dlmskit.apdu import SetRequestWithDatablock, SetRequestWithFirstDatablock

    ask(
        machine,
        SetRequestWithFirstDatablock(iip(), attribute(1, SERIAL, 2), False, 1, b"\x0a" * 500),
    )
    number = 2
    answer: Any = None
    for number in range(2, 400):
        answer = ask(machine, SetRequestWithDatablock(iip(), False, number, b"x" * 1000))
        if not isinstance(answer, SetResponseDatablock):
            break
    assert isinstance(answer, SetResponseLastDatablock)
    assert answer.result is DataAccessResult.DATA_BLOCK_NUMBER_INVALID
    assert number < 400
