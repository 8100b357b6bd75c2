"""xDLMS: the conformance block (bit 0 = most significant bit of the first octet),
InitiateRequest/Response options, every ConfirmedServiceError choice, ExceptionResponse."""

from __future__ import annotations

import re
from typing import Any

import pytest

from _vectors import by_id
from dlmskit import apdu
from dlmskit.apdu import (
    ApduDecodeError,
    ConfirmedServiceError,
    Conformance,
    ErrorService,
    ExceptionResponse,
    ExceptionServiceError,
    InitiateRequest,
    InitiateResponse,
    ServiceErrorType,
    StateError,
    UnknownChoiceError,
)
from dlmskit.apdu.xdlms import (
    Access,
    ApplicationReference,
    Definition,
    HardwareResource,
    Initiate,
    LoadDataSet,
    ServiceErrorCode,
    Task,
    VdeStateError,
)
from dlmskit.errors import EncodeError


def test_conformance_vector() -> None:
    """normative.json gb-conformance-007e1f: the named bits set by 5F1F 04 00 007E1F."""
    vector = by_id("normative", "gb-conformance-007e1f")
    raw = bytes.fromhex(vector["hex"])
    assert raw[:4] == bytes.fromhex("5f1f0400")
    block = Conformance.from_octets(raw[4:])
    expected = {}
    for text in vector["expected"]["bits_set"]:
        match = re.fullmatch(r"(.+) \((\d+)\)", text)
        assert match
        expected[int(match.group(2))] = match.group(1)
    got = {flag.bit_number: flag.name for flag in Conformance if flag in block}
    assert sorted(got) == sorted(expected)
    for bit, name in expected.items():
        assert got[bit].lower().replace("_", "-") == name.replace("attribute0", "attribute0")


def test_all_24_bits_are_named() -> None:
    flags = list(Conformance)
    assert len(flags) == 24
    assert sorted(flag.bit_number for flag in flags) == list(range(24))
    assert Conformance.RESERVED_ZERO.octets() == b"\x80\x00\x00"
    assert Conformance.ACTION.octets() == b"\x00\x00\x01"
    assert Conformance.GET.bit_number == 19
    assert Conformance.GENERAL_BLOCK_TRANSFER.bit_number == 2
    assert Conformance.DELTA_VALUE_ENCODING.bit_number == 6
    assert Conformance.from_bit_numbers(19, 20, 23) == (
        Conformance.GET | Conformance.SET | Conformance.ACTION
    )
    with pytest.raises(EncodeError):
        Conformance.from_bit_numbers(24)


def test_initiate_request_options() -> None:
    base = InitiateRequest(Conformance.GET, 0xFFFF)
    assert base.encode().hex() == "01000000065f1f040000001 0ffff".replace(" ", "")
    refused = InitiateRequest(Conformance.GET, 512, response_allowed=False)
    assert refused.encode().hex() == "0100010000065f1f0400000010 0200".replace(" ", "")
    qos = InitiateRequest(Conformance.GET, 512, proposed_quality_of_service=-1)
    assert qos.encode().hex() == "01000001ff065f1f04000000100200"
    key = InitiateRequest(Conformance.GET, 512, dedicated_key=bytes(range(16)))
    assert key.encode().hex().startswith("010110000102030405060708090a0b0c0d0e0f0000")
    for request in (base, refused, qos, key):
        assert apdu.decode(request.encode()) == request


def test_response_allowed_given_explicitly_as_true() -> None:
    """BOOLEAN DEFAULT TRUE may also be sent present (01 01): it decodes, and encodes in the
    default form."""
    decoded = apdu.decode(bytes.fromhex("010001010006 5f1f0400000010 0200".replace(" ", "")))
    assert isinstance(decoded, InitiateRequest)
    assert decoded.response_allowed is True
    assert decoded.encode().hex() == "01000000065f1f04000000100200"


def test_initiate_response() -> None:
    response = InitiateResponse(Conformance(0x00501F), 500, negotiated_quality_of_service=5)
    assert response.encode().hex() == "080105065f1f040000501f01f40007"
    assert apdu.decode(response.encode()) == response
    sn = InitiateResponse(Conformance(0x180220), 2400, vaa_name=0xFA00)
    assert sn.encode().hex() == "0800065f1f04001802200960fa00"


@pytest.mark.parametrize(
    "raw",
    [
        "010000000600000400007e1f04b0",  # not 5F 1F
        "01000000065f1f0300007e1f04b0",  # length 3
        "01000000065f1f0408007e1f04b0",  # 8 unused bits
        "01020000065f1f0400007e1f04b0",  # presence flag 2
    ],
)
def test_bad_initiate_requests(raw: str) -> None:
    with pytest.raises(ApduDecodeError):
        apdu.decode(bytes.fromhex(raw))


_VALUE_ENUMS: dict[ServiceErrorType, Any] = {
    ServiceErrorType.APPLICATION_REFERENCE: ApplicationReference,
    ServiceErrorType.HARDWARE_RESOURCE: HardwareResource,
    ServiceErrorType.VDE_STATE_ERROR: VdeStateError,
    ServiceErrorType.SERVICE: ServiceErrorCode,
    ServiceErrorType.DEFINITION: Definition,
    ServiceErrorType.ACCESS: Access,
    ServiceErrorType.INITIATE: Initiate,
    ServiceErrorType.LOAD_DATA_SET: LoadDataSet,
    ServiceErrorType.TASK: Task,
    ServiceErrorType.OTHER: int,
}


@pytest.mark.parametrize("service", list(ErrorService))
@pytest.mark.parametrize("error", list(ServiceErrorType))
def test_every_confirmed_service_error_choice(
    service: ErrorService, error: ServiceErrorType
) -> None:
    value = ConfirmedServiceError(service, error, 2)
    raw = value.encode()
    assert raw == bytes((0x0E, service, error, 2))
    decoded = apdu.decode(raw)
    assert decoded == value
    assert isinstance(decoded, ConfirmedServiceError)
    assert type(decoded.value) is _VALUE_ENUMS[error]


def test_confirmed_service_error_names() -> None:
    value = apdu.decode(bytes.fromhex("0e06050 2".replace(" ", "")))
    assert value == ConfirmedServiceError(
        ErrorService.WRITE, ServiceErrorType.ACCESS, Access.OBJECT_ACCESS_INVALID
    )
    assert apdu.decode(bytes.fromhex("0e050306")).value.name == "UNKNOWN_6"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("raw", "what", "choice", "offset"),
    [
        ("0e000601", "ConfirmedServiceError", 0, 1),
        ("0e140601", "ConfirmedServiceError", 20, 1),
        ("0e010801", "ServiceError", 8, 2),
        ("0e010b01", "ServiceError", 11, 2),
    ],
)
def test_unknown_service_error_choices(raw: str, what: str, choice: int, offset: int) -> None:
    with pytest.raises(UnknownChoiceError) as info:
        apdu.decode(bytes.fromhex(raw))
    assert (info.value.what, info.value.choice, info.value.offset) == (what, choice, offset)
    assert info.value.apdu_tag == 0x0E


def test_exception_response() -> None:
    plain = ExceptionResponse(
        StateError.SERVICE_NOT_ALLOWED, ExceptionServiceError.SERVICE_NOT_SUPPORTED
    )
    assert plain.encode().hex() == "d80102"
    counter = ExceptionResponse(
        StateError.SERVICE_NOT_ALLOWED, ExceptionServiceError.INVOCATION_COUNTER_ERROR, 0x1234
    )
    assert counter.encode().hex() == "d8010600001234"
    for value in (plain, counter):
        assert apdu.decode(value.encode()) == value
    old_style = apdu.decode(bytes.fromhex("d80106"))
    assert old_style == ExceptionResponse(
        StateError.SERVICE_NOT_ALLOWED, ExceptionServiceError.INVOCATION_COUNTER_ERROR
    )
    assert old_style.encode().hex() == "d80106"
    with pytest.raises(ApduDecodeError):
        apdu.decode(bytes.fromhex("d8010600"))  # a counter cut short
    with pytest.raises(ApduDecodeError):
        apdu.decode(bytes.fromhex("d8010200"))  # only error 6 carries a value
    with pytest.raises(EncodeError):
        ExceptionResponse(StateError.SERVICE_UNKNOWN, ExceptionServiceError.OTHER_REASON, 1)
    assert ExceptionResponse(StateError(9), ExceptionServiceError(9)).encode().hex() == "d80909"
