"""LN and SN service APDUs, every variant, with their wire bytes written out from the
IEC 62056-5-3 ASN.1 (A-XDR: CHOICE = one tag octet, OPTIONAL = a 00/01 flag, SEQUENCE OF =
a count)."""

from __future__ import annotations

from typing import Any

import pytest

from dlmskit import apdu
from dlmskit.apdu import (
    ABSENT,
    AccessRequest,
    AccessRequestAction,
    AccessRequestGet,
    AccessRequestGetWithSelection,
    AccessRequestSet,
    AccessRequestSetWithSelection,
    AccessResponse,
    AccessResponseAction,
    AccessResponseGet,
    AccessResponseSet,
    ActionRequestNextPblock,
    ActionRequestNormal,
    ActionRequestWithFirstPblock,
    ActionRequestWithList,
    ActionRequestWithListAndFirstPblock,
    ActionRequestWithPblock,
    ActionResponseItem,
    ActionResponseNextPblock,
    ActionResponseNormal,
    ActionResponseWithList,
    ActionResponseWithPblock,
    ActionResult,
    ApduDecodeError,
    AttributeWithSelection,
    BlockNumberAccess,
    BlockNumberResult,
    CaptureObjectDefinition,
    CosemAttributeDescriptor,
    CosemMethodDescriptor,
    DataAccessResult,
    DataBlockResult,
    DataNotification,
    EntryDescriptor,
    EventNotificationRequest,
    GetRequestNext,
    GetRequestNormal,
    GetRequestWithList,
    GetResponseNormal,
    GetResponseWithDatablock,
    GetResponseWithList,
    InformationReportRequest,
    InvokeIdAndPriority,
    LongInvokeIdAndPriority,
    ParameterizedAccess,
    Priority,
    RangeDescriptor,
    ReadDataBlockAccess,
    ReadRequest,
    ReadResponse,
    SelectiveAccessDescriptor,
    ServiceClass,
    SetRequestNormal,
    SetRequestWithDatablock,
    SetRequestWithFirstDatablock,
    SetRequestWithList,
    SetRequestWithListAndFirstDatablock,
    SetResponseDatablock,
    SetResponseLastDatablock,
    SetResponseLastDatablockWithList,
    SetResponseNormal,
    SetResponseWithList,
    UnconfirmedWriteRequest,
    UnknownChoiceError,
    VariableName,
    WriteDataBlockAccess,
    WriteRequest,
    WriteResponse,
)
from dlmskit.apdu.errors import AccessParameterError
from dlmskit.axdr import DoubleLongUnsigned, LongUnsigned, Unsigned
from dlmskit.cosem import DateTime, Obis
from dlmskit.errors import EncodeError

IIP = InvokeIdAndPriority(1)  # 0xC1: high priority, confirmed, invoke id 1
CLOCK = CosemAttributeDescriptor(8, Obis.parse("0.0.1.0.0.255"), 2)
CLOCK_HEX = "00080000010000ff02"
DISCONNECT = CosemMethodDescriptor(70, Obis.parse("0.0.96.3.10.255"), 1)
DISCONNECT_HEX = "0046000060030aff01"
ENTRY = EntryDescriptor(1, 10, 1, 0).to_access()
ENTRY_HEX = "0202040600000001060000000a120001120000"

CASES: list[tuple[Any, str]] = [
    # GET
    (GetRequestNormal(IIP, CLOCK), "c001c1" + CLOCK_HEX + "00"),
    (GetRequestNormal(IIP, CLOCK, ENTRY), "c001c1" + CLOCK_HEX + "01" + ENTRY_HEX),
    (GetRequestNext(IIP, 5), "c002c100000005"),
    (
        GetRequestWithList(
            IIP, (AttributeWithSelection(CLOCK), AttributeWithSelection(CLOCK, ENTRY))
        ),
        "c003c102" + CLOCK_HEX + "00" + CLOCK_HEX + "01" + ENTRY_HEX,
    ),
    (GetResponseNormal(IIP, LongUnsigned(7)), "c401c100120007"),
    (GetResponseNormal(IIP, DataAccessResult.OBJECT_UNDEFINED), "c401c10104"),
    (GetResponseWithDatablock(IIP, False, 1, b"\x01\x02"), "c402c1000000000100020102"),
    (
        GetResponseWithDatablock(IIP, True, 2, DataAccessResult.LONG_GET_ABORTED),
        "c402c101000000020 10f".replace(" ", ""),
    ),
    (
        GetResponseWithList(IIP, (None, DataAccessResult.READ_WRITE_DENIED, Unsigned(1))),
        "c403c10300000103001101",
    ),
    # SET
    (SetRequestNormal(IIP, CLOCK, Unsigned(3)), "c101c1" + CLOCK_HEX + "00" + "1103"),
    (
        SetRequestNormal(IIP, CLOCK, Unsigned(3), ENTRY),
        "c101c1" + CLOCK_HEX + "01" + ENTRY_HEX + "1103",
    ),
    (
        SetRequestWithFirstDatablock(IIP, CLOCK, False, 1, b"\xaa"),
        "c102c1" + CLOCK_HEX + "00" + "000000000101aa",
    ),
    (SetRequestWithDatablock(IIP, True, 2, b"\xbb"), "c103c1010000000201bb"),
    (
        SetRequestWithList(IIP, (AttributeWithSelection(CLOCK),), (Unsigned(1),)),
        "c104c101" + CLOCK_HEX + "00" + "011101",
    ),
    (
        SetRequestWithListAndFirstDatablock(
            IIP, (AttributeWithSelection(CLOCK),), False, 1, b"\x01"
        ),
        "c105c101" + CLOCK_HEX + "00" + "00000000010101",
    ),
    (SetResponseNormal(IIP), "c501c100"),
    (SetResponseNormal(IIP, DataAccessResult.TYPE_UNMATCHED), "c501c10c"),
    (SetResponseDatablock(IIP, 3), "c502c100000003"),
    (SetResponseLastDatablock(IIP, DataAccessResult.SUCCESS, 4), "c503c10000000004"),
    (
        SetResponseLastDatablockWithList(
            IIP, (DataAccessResult.SUCCESS, DataAccessResult.OTHER_REASON), 4
        ),
        "c504c10200fa00000004",
    ),
    (SetResponseWithList(IIP, (DataAccessResult.SUCCESS,)), "c505c10100"),
    # ACTION
    (ActionRequestNormal(IIP, DISCONNECT), "c301c1" + DISCONNECT_HEX + "00"),
    (ActionRequestNormal(IIP, DISCONNECT, None), "c301c1" + DISCONNECT_HEX + "0100"),
    (ActionRequestNormal(IIP, DISCONNECT, Unsigned(0)), "c301c1" + DISCONNECT_HEX + "011100"),
    (ActionRequestNextPblock(IIP, 2), "c302c100000002"),
    (
        ActionRequestWithList(IIP, (DISCONNECT, DISCONNECT), (None, Unsigned(1))),
        "c303c102" + DISCONNECT_HEX * 2 + "02001101",
    ),
    (
        ActionRequestWithFirstPblock(IIP, DISCONNECT, False, 1, b"\x09"),
        "c304c1" + DISCONNECT_HEX + "00000000010109",
    ),
    (
        ActionRequestWithListAndFirstPblock(IIP, (DISCONNECT,), True, 1, b""),
        "c305c101" + DISCONNECT_HEX + "010000000100",
    ),
    (ActionRequestWithPblock(IIP, True, 2, b"\x01\x02"), "c306c10100000002020102"),
    (ActionResponseNormal(IIP), "c701c10000"),
    (ActionResponseNormal(IIP, ActionResult.SUCCESS, None), "c701c100010000"),
    (
        ActionResponseNormal(IIP, ActionResult.SUCCESS, DataAccessResult.HARDWARE_FAULT),
        "c701c100010101",
    ),
    (ActionResponseNormal(IIP, ActionResult.OBJECT_UNAVAILABLE), "c701c10b00"),
    (ActionResponseWithPblock(IIP, False, 1, b"\x07"), "c702c100000000010107"),
    (
        ActionResponseWithList(
            IIP, (ActionResponseItem(), ActionResponseItem(ActionResult.SUCCESS, Unsigned(2)))
        ),
        "c703c10200000001001102",
    ),
    (ActionResponseNextPblock(IIP, 9), "c704c100000009"),
    # notifications
    (
        DataNotification(LongInvokeIdAndPriority(7), DoubleLongUnsigned(280)),
        "0f00000007000600000118",
    ),
    (
        EventNotificationRequest(CLOCK, Unsigned(1)),
        "c200" + CLOCK_HEX + "1101",
    ),
    (
        EventNotificationRequest(CLOCK, Unsigned(1), bytes(12)),
        "c2010c" + "00" * 12 + CLOCK_HEX + "1101",
    ),
    # SN
    (ReadRequest((VariableName(0xFA00), BlockNumberAccess(2))), "050202fa00050002"),
    (
        ReadRequest((ParameterizedAccess(0x6000, 2, EntryDescriptor().to_data()),)),
        "050104600002" + ENTRY_HEX[2:].replace("060000000a", "0600000000"),
    ),
    (ReadRequest((ReadDataBlockAccess(True, 1, b"\x01"),)), "0501060100010101"),
    (
        ReadResponse(
            (
                Unsigned(5),
                DataAccessResult.OBJECT_UNAVAILABLE,
                DataBlockResult(False, 1, b"\xff"),
                BlockNumberResult(3),
            )
        ),
        "0c04001105010b0200000101ff030003",
    ),
    (WriteRequest((VariableName(0x10),), (Unsigned(1),)), "0601020010011101"),
    (
        WriteRequest((WriteDataBlockAccess(False, 1),), (b"\x01",)),
        "06010700000101090101",
    ),
    (
        WriteResponse(
            (DataAccessResult.SUCCESS, DataAccessResult.READ_WRITE_DENIED, BlockNumberResult(2))
        ),
        "0d03000103020002",
    ),
    (UnconfirmedWriteRequest((VariableName(0x10),), (Unsigned(1),)), "1601020010011101"),
    (InformationReportRequest((VariableName(0x10),), (Unsigned(1),)), "180001020010011101"),
    (
        InformationReportRequest((VariableName(0x10),), (None,), bytes(12)),
        "180c" + "00" * 12 + "010200100100",
    ),
    # ACCESS
    (
        AccessRequest(
            LongInvokeIdAndPriority(1, ServiceClass.CONFIRMED, Priority.HIGH),
            (
                AccessRequestGet(CLOCK),
                AccessRequestSet(CLOCK),
                AccessRequestAction(DISCONNECT),
                AccessRequestGetWithSelection(CLOCK, ENTRY),
                AccessRequestSetWithSelection(CLOCK, ENTRY),
            ),
            (None, Unsigned(1), None, None, Unsigned(2)),
        ),
        "d9"
        "c0000001"
        "00"
        "05"
        "01"
        + CLOCK_HEX
        + "02"
        + CLOCK_HEX
        + "03"
        + DISCONNECT_HEX
        + "04"
        + CLOCK_HEX
        + ENTRY_HEX
        + "05"
        + CLOCK_HEX
        + ENTRY_HEX
        + "05"
        "00"
        "1101"
        "00"
        "00"
        "1102",
    ),
    (
        AccessResponse(
            LongInvokeIdAndPriority(1),
            (Unsigned(9), None),
            (
                AccessResponseGet(),
                AccessResponseSet(DataAccessResult.TYPE_UNMATCHED),
                AccessResponseAction(),
            ),
        ),
        "da00000001000002110900030100020c0300",
    ),
    (
        AccessResponse(
            LongInvokeIdAndPriority(1),
            (),
            (AccessResponseGet(),),
            (AccessRequestGet(CLOCK),),
            bytes(12),
        ),
        "da000000010c" + "00" * 12 + "010101" + CLOCK_HEX + "00010100",
    ),
]


@pytest.mark.parametrize(
    ("value", "hex_"), CASES, ids=lambda v: type(v).__name__ if not isinstance(v, str) else ""
)
def test_wire_bytes(value: Any, hex_: str) -> None:
    raw = bytes.fromhex(hex_)
    assert value.encode().hex() == raw.hex()
    assert apdu.decode(raw) == value


def test_absent_and_null_parameters_differ() -> None:
    absent = ActionRequestNormal(IIP, DISCONNECT)
    null = ActionRequestNormal(IIP, DISCONNECT, None)
    assert absent.parameters is ABSENT
    assert absent != null
    assert repr(ABSENT) == "ABSENT"


@pytest.mark.parametrize(
    ("raw", "what", "choice"),
    [
        ("c004c1", "GET-Request", 4),
        ("c000c1", "GET-Request", 0),
        ("c404c1", "GET-Response", 4),
        ("c106c1", "SET-Request", 6),
        ("c506c1", "SET-Response", 6),
        ("c307c1", "ACTION-Request", 7),
        ("c705c1", "ACTION-Response", 5),
        ("c401c102", "Get-Data-Result", 2),
        ("c402c1000000000102", "DataBlock-G result", 2),
        ("c701c10001 02".replace(" ", ""), "return-parameters", 2),
        ("0501030001", "Variable-Access-Specification", 3),
        ("0c010400", "ReadResponse", 4),
        ("0d0103", "WriteResponse", 3),
        ("d9000000010001060000000000000000000000", "Access-Request-Specification", 6),
    ],
)
def test_unknown_choices(raw: str, what: str, choice: int) -> None:
    with pytest.raises(UnknownChoiceError) as info:
        apdu.decode(bytes.fromhex(raw))
    assert (info.value.what, info.value.choice) == (what, choice)
    assert info.value.apdu_tag == int(raw[:2], 16)


def test_list_counts_are_checked_before_allocating() -> None:
    with pytest.raises(ApduDecodeError) as info:
        apdu.decode(bytes.fromhex("c403c184ffffffff00"))
    assert "4294967295 Get-Data-Results" in str(info.value)
    with pytest.raises(ApduDecodeError):
        apdu.decode(bytes.fromhex("c003c17f"))


def test_optional_flag_must_be_0_or_1() -> None:
    with pytest.raises(ApduDecodeError) as info:
        apdu.decode(bytes.fromhex("c001c1" + CLOCK_HEX + "02"))
    assert info.value.offset == 12


def test_range_descriptor() -> None:
    clock = CaptureObjectDefinition(8, Obis.parse("0.0.1.0.0.255"), 2)
    start = DateTime(2024, 1, 1, None, 0, 0, 0, 0, -60, None)
    described = RangeDescriptor(
        clock, start, DateTime(2024, 1, 2, None, 0, 0, 0, 0, -60, None), (clock,)
    )
    access = described.to_access()
    assert access.access_selector == 1
    assert access.range() == described
    with pytest.raises(AccessParameterError):
        access.entry()
    with pytest.raises(AccessParameterError):
        SelectiveAccessDescriptor(1, (Unsigned(1),)).range()
    with pytest.raises(AccessParameterError):
        SelectiveAccessDescriptor(2, (Unsigned(1),)).entry()
    with pytest.raises(AccessParameterError):
        SelectiveAccessDescriptor(
            2, (Unsigned(1), Unsigned(1), DoubleLongUnsigned(70000), Unsigned(1))
        ).entry()
    assert ENTRY.entry() == EntryDescriptor(1, 10, 1, 0)


def test_data_notification_date_time_forms() -> None:
    stamp = DateTime(2024, 5, 6, 1, 7, 8, 9, None, None, None)
    plain = DataNotification(LongInvokeIdAndPriority(), Unsigned(1), stamp)
    assert plain.encode().hex() == "0f000000000c" + stamp.to_bytes().hex() + "1101"
    tagged = DataNotification(LongInvokeIdAndPriority(), Unsigned(1), stamp, tagged_date_time=True)
    assert tagged.encode().hex() == "0f00000000090c" + stamp.to_bytes().hex() + "1101"
    for value in (plain, tagged):
        decoded = apdu.decode(value.encode())
        assert decoded == value
        assert decoded.timestamp == stamp  # type: ignore[attr-defined]
    with pytest.raises(EncodeError):
        DataNotification(LongInvokeIdAndPriority(), None, b"\x0c" + bytes(8))
    with pytest.raises(EncodeError):
        DataNotification(LongInvokeIdAndPriority(), None, b"\x01", tagged_date_time=True)
    with pytest.raises(ApduDecodeError):
        apdu.decode(bytes.fromhex("0f00000000090c0102"))  # tagged, cut short


def test_event_notification_gurux_time_form() -> None:
    """gurux-dlms writes the optional time as a tagged octet-string (09 0C ...) where the
    presence flag 01 belongs; it decodes, flagged, and encodes back the same way."""
    stamp = bytes(range(12))
    raw = bytes.fromhex("c2090c" + stamp.hex() + CLOCK_HEX + "1101")
    event = apdu.decode(raw)
    assert isinstance(event, EventNotificationRequest)
    assert event.time == stamp
    assert event.tagged_date_time
    assert event.encode() == raw
    with pytest.raises(ApduDecodeError):
        apdu.decode(bytes.fromhex("c2020c" + stamp.hex() + CLOCK_HEX + "1101"))


def test_write_response_data_access_error_success_is_normalised() -> None:
    decoded = apdu.decode(bytes.fromhex("0d010100"))
    assert decoded == WriteResponse((DataAccessResult.SUCCESS,))
    assert decoded.encode().hex() == "0d0100"


def test_construction_is_checked() -> None:
    with pytest.raises(EncodeError):
        GetRequestNormal(0xC1, CLOCK)  # type: ignore[arg-type]
    with pytest.raises(EncodeError):
        GetResponseNormal(IIP, 5)  # a plain int has no A-XDR type
    with pytest.raises(EncodeError):
        GetRequestNext(IIP, -1)
    with pytest.raises(EncodeError):
        CosemAttributeDescriptor(8, "0.0.1.0.0.256", 2)  # type: ignore[arg-type]
    with pytest.raises(EncodeError):
        CosemAttributeDescriptor(8, Obis.parse("0.0.1.0.0.255"), 128)
    with pytest.raises(EncodeError):
        SetResponseWithList(IIP, [DataAccessResult.SUCCESS])  # type: ignore[arg-type]
    with pytest.raises(EncodeError):
        InvokeIdAndPriority(16)
    with pytest.raises(EncodeError):
        LongInvokeIdAndPriority(1 << 24)
    assert CosemAttributeDescriptor(8, "0-0:1.0.0*255", 2) == CLOCK  # type: ignore[arg-type]


def test_invoke_id_and_priority_bits() -> None:
    assert InvokeIdAndPriority.from_byte(0xC1) == InvokeIdAndPriority(
        1, ServiceClass.CONFIRMED, Priority.HIGH
    )
    assert InvokeIdAndPriority.from_byte(0x81).service_class is ServiceClass.UNCONFIRMED
    assert InvokeIdAndPriority.from_byte(0x40).priority is Priority.NORMAL
    assert InvokeIdAndPriority.from_byte(0x30).reserved == 3
    assert all(InvokeIdAndPriority.from_byte(b).to_byte() == b for b in range(256))
    long = LongInvokeIdAndPriority.from_int(0xFF123456)
    assert (long.invoke_id, long.reserved, long.self_descriptive, long.break_on_error) == (
        0x123456,
        0xF,
        True,
        True,
    )
    assert (long.service_class, long.priority) == (ServiceClass.CONFIRMED, Priority.HIGH)
    assert long.to_int() == 0xFF123456
