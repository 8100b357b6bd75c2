"""Every non-ciphered and ciphered-container APDU of the shared vectors (layers ``apdu``,
``llc+apdu`` after the LLC bytes, ``wrapper+apdu`` after the 8-octet wrapper header) decodes
to the fields its entry states and encodes back byte for byte.

Sources: ``normative.json`` (Green Book examples, DLMS UA CTT stimuli) and ``realworld.json``
(toreamun/amshan HAN pushes of Aidon, Kaifa and Kamstrup meters; u9n/dlms-cosem Green Book
encodings; xdom/jdlms captures). HDLC-framed vectors belong to the link layer's tests.
"""

from __future__ import annotations

from typing import Any

import pytest

from _vectors import by_id, params
from dlmskit import apdu
from dlmskit.apdu import (
    AARE,
    AARQ,
    RLRE,
    RLRQ,
    AcseServiceUser,
    ActionRequestNormal,
    ActionResponseNormal,
    ActionResult,
    ApduDecodeError,
    ApplicationContextName,
    AssociationResult,
    CipheredApdu,
    CipheredTag,
    ConfirmedServiceError,
    Conformance,
    DataNotification,
    ErrorService,
    GetRequestNormal,
    GetRequestWithList,
    GetResponseWithList,
    InitiateRequest,
    InitiateResponse,
    MechanismName,
    ReleaseRequestReason,
    ReleaseResponseReason,
    ServiceClass,
    ServiceErrorType,
    SetRequestNormal,
    UnknownChoiceError,
)
from dlmskit.apdu.xdlms import Initiate
from dlmskit.cosem import DateTime, Obis

LAYERS = ("apdu", "llc+apdu", "wrapper+apdu")


def apdu_bytes(entry: dict[str, Any]) -> bytes:
    raw = bytes.fromhex(entry["hex"])
    if entry["layer"] == "llc+apdu":
        assert raw[:3] in (b"\xe6\xe7\x00", b"\xe6\xe6\x00")
        return raw[3:]
    if entry["layer"] == "wrapper+apdu":
        return raw[8:]
    return raw


def _is_ctt_negative(entry: dict[str, Any]) -> bool:
    return entry["id"] in {
        "ctt-get-unknown-request-type",
        "ctt-get-missing-elements",
        "ctt-set-unknown-type",
        "ctt-set-missing-data",
    }


@pytest.mark.parametrize("entry", params("normative", *LAYERS) + params("realworld", *LAYERS))
def test_decodes_and_encodes_back(entry: dict[str, Any]) -> None:
    raw = apdu_bytes(entry)
    if _is_ctt_negative(entry):
        with pytest.raises(ApduDecodeError):  # details in the test_ctt_* tests below
            apdu.decode(raw)
        return
    decoded = apdu.decode(raw)
    assert decoded.encode() == raw
    assert apdu.decode(decoded.encode()) == decoded


# -- field by field -----------------------------------------------------------------------------


def _decode(file: str, vector_id: str) -> Any:
    return apdu.decode(apdu_bytes(by_id(file, vector_id)))


def test_green_book_initiate_request() -> None:
    request = _decode("normative", "gb-xdlms-initiate-request")
    assert request == InitiateRequest(
        proposed_conformance=Conformance.from_octets(bytes.fromhex("007e1f")),
        client_max_receive_pdu_size=1200,
        proposed_dlms_version_number=6,
        dedicated_key=None,
        response_allowed=True,
        proposed_quality_of_service=None,
    )


def test_initiate_request_with_dedicated_key() -> None:
    request = _decode("realworld", "dlmscosem-initiate-request-dedicated-key")
    assert isinstance(request, InitiateRequest)
    assert request.dedicated_key == bytes.fromhex("00112233445566778899AABBCCDDEEFF")
    assert request.response_allowed
    assert request.proposed_quality_of_service is None
    assert request.proposed_dlms_version_number == 6
    assert request.proposed_conformance.octets() == bytes.fromhex("007E1F")
    assert request.client_max_receive_pdu_size == 1200
    assert "0011223344" not in repr(request)  # the key stays out of repr


def test_rlrq_rlre() -> None:
    assert _decode("normative", "gb-rlrq") == RLRQ(ReleaseRequestReason.NORMAL)
    assert _decode("normative", "gb-rlre") == RLRE(ReleaseResponseReason.NORMAL)


def test_rlre_with_ciphered_user_information() -> None:
    rlre = _decode("realworld", "dlmscosem-rlre-ciphered")
    assert isinstance(rlre, RLRE)
    assert rlre.reason is ReleaseResponseReason.NORMAL
    info = rlre.user_information
    assert isinstance(info, CipheredApdu)
    assert info.tag is CipheredTag.GLO_INITIATE_RESPONSE
    assert info.security_control == 0x30
    assert info.invocation_counter == 0x01234567


def test_aarq_ln_no_security() -> None:
    aarq = _decode("realworld", "dlmscosem-aarq-ln-nosec")
    assert isinstance(aarq, AARQ)
    assert aarq.context is ApplicationContextName.LOGICAL_NAME
    assert aarq.mechanism is None
    assert aarq.calling_authentication_value is None
    info = aarq.user_information
    assert isinstance(info, InitiateRequest)
    assert info.proposed_conformance == (
        Conformance.PRIORITY_MGMT_SUPPORTED
        | Conformance.ATTRIBUTE0_SUPPORTED_WITH_GET
        | Conformance.BLOCK_TRANSFER_WITH_GET_OR_READ
        | Conformance.BLOCK_TRANSFER_WITH_SET_OR_WRITE
        | Conformance.BLOCK_TRANSFER_WITH_ACTION
        | Conformance.MULTIPLE_REFERENCES
        | Conformance.GET
        | Conformance.SET
        | Conformance.SELECTIVE_ACCESS
        | Conformance.EVENT_NOTIFICATION
        | Conformance.ACTION
    )
    assert info.client_max_receive_pdu_size == 1200
    assert info.proposed_dlms_version_number == 6


@pytest.mark.parametrize(
    ("vector_id", "mechanism", "secret"),
    [
        ("dlmscosem-aarq-ln-lls", MechanismName.LOW, b"12345678"),
        ("dlmscosem-aarq-ln-hls-gmac", MechanismName.HIGH_GMAC, b"K56iVagY"),
    ],
)
def test_aarq_authentication(vector_id: str, mechanism: MechanismName, secret: bytes) -> None:
    aarq = _decode("realworld", vector_id)
    assert isinstance(aarq, AARQ)
    assert aarq.mechanism is mechanism
    assert aarq.sender_acse_requirements is not None
    assert aarq.sender_acse_requirements.bit(0)
    assert aarq.calling_authentication_value is not None
    assert aarq.calling_authentication_value.value == secret
    assert secret.decode() not in repr(aarq)  # passwords and challenges stay out of repr


def test_aarq_ciphered_lls() -> None:
    aarq = _decode("realworld", "dlmscosem-aarq-ciphered-lls")
    assert isinstance(aarq, AARQ)
    assert aarq.context is ApplicationContextName.LOGICAL_NAME_WITH_CIPHERING
    assert aarq.calling_ap_title == bytes.fromhex("4D4D4D0000BC614E")
    assert aarq.mechanism is MechanismName.LOW
    assert aarq.calling_authentication_value is not None
    assert aarq.calling_authentication_value.value == b"12345678"
    info = aarq.user_information
    assert isinstance(info, CipheredApdu)
    assert info.tag is CipheredTag.GLO_INITIATE_REQUEST
    assert info.plain_tag == InitiateRequest.TAG
    assert info.security_control == 0x30
    assert info.invocation_counter == 0x01234567
    assert len(info.ciphered_content) == 0x30 - 5


def test_aare_accepted() -> None:
    aare = _decode("realworld", "dlmscosem-aare-accepted")
    assert isinstance(aare, AARE)
    assert aare.result is AssociationResult.ACCEPTED
    assert aare.result_source_diagnostic is AcseServiceUser.NULL
    info = aare.user_information
    assert isinstance(info, InitiateResponse)
    assert info.negotiated_conformance.octets() == bytes.fromhex("00501F")
    assert info.server_max_receive_pdu_size == 500
    assert info.negotiated_dlms_version_number == 6
    assert info.negotiated_quality_of_service is None
    assert info.vaa_name == 0x0007


def test_aare_rejected_application_context() -> None:
    aare = _decode("realworld", "dlmscosem-aare-rejected-app-context")
    assert isinstance(aare, AARE)
    assert aare.result is AssociationResult.REJECTED_PERMANENT
    assert aare.result_source_diagnostic is AcseServiceUser.APPLICATION_CONTEXT_NAME_NOT_SUPPORTED
    assert isinstance(aare.user_information, InitiateResponse)


def test_aare_dlms_version_too_low() -> None:
    aare = _decode("realworld", "dlmscosem-aare-dlms-version-too-low")
    assert isinstance(aare, AARE)
    assert aare.result is AssociationResult.REJECTED_PERMANENT
    assert aare.result_source_diagnostic is AcseServiceUser.NO_REASON_GIVEN
    assert aare.user_information == ConfirmedServiceError(
        ErrorService.INITIATE_ERROR, ServiceErrorType.INITIATE, Initiate.DLMS_VERSION_TOO_LOW
    )


def test_aare_hls_gmac() -> None:
    aare = _decode("realworld", "dlmscosem-aare-hls-gmac")
    assert isinstance(aare, AARE)
    assert aare.result is AssociationResult.ACCEPTED
    assert aare.result_source_diagnostic is AcseServiceUser.AUTHENTICATION_REQUIRED
    assert aare.mechanism is MechanismName.HIGH_GMAC
    assert aare.responder_acse_requirements is not None
    assert aare.responder_acse_requirements.bit(0)
    assert aare.responding_authentication_value is not None
    assert aare.responding_authentication_value.value == bytes.fromhex("503677524A323146")


def test_aare_short_name_from_jdlms_capture() -> None:
    """jdlms-aare-sn-referencing (a real meter's SN AARE inside an HDLC I-frame; the source
    test only checks the HDLC frame). The BER lengths do not add up: user-information says
    ``04 0D`` (13 octets) but the InitiateResponse needs 14 -- its vaa-name ``FA 00`` ends one
    octet after the AARE's declared end (``61 28``: 42 octets; the information field has 43).
    The decoder must say so, precisely, instead of guessing; with the lengths corrected the
    AARE is an SN association, conformance bits 3, 4, 14, 18, PDU 2400, vaa-name 0xFA00."""
    entry = by_id("realworld", "jdlms-aare-sn-referencing")
    info = bytes.fromhex(entry["expected"]["verified_decode"]["information_field_hex"])
    with pytest.raises(ApduDecodeError) as caught:
        apdu.decode(info)
    assert caught.value.apdu_tag == AARE.TAG
    assert "42" in caught.value.expected
    repaired = bytearray(info)
    repaired[1] += 1  # AARE length
    repaired[info.index(b"\xbe\x0f") + 1] += 1  # user-information length
    repaired[info.index(b"\x04\x0d\x08") + 1] += 1  # its OCTET STRING length
    aare = apdu.decode(bytes(repaired))
    assert isinstance(aare, AARE)
    assert aare.context is ApplicationContextName.SHORT_NAME
    assert aare.result is AssociationResult.ACCEPTED
    response = aare.user_information
    assert isinstance(response, InitiateResponse)
    assert response.negotiated_conformance == Conformance.from_bit_numbers(3, 4, 14, 18)
    assert response.server_max_receive_pdu_size == 2400
    assert response.vaa_name == 0xFA00
    assert aare.encode() == bytes(repaired)


def test_get_request_normal() -> None:
    request = _decode("realworld", "dlmscosem-get-request-normal")
    assert isinstance(request, GetRequestNormal)
    iip = request.invoke_id_and_priority
    assert (iip.invoke_id, iip.confirmed, iip.high_priority, iip.to_byte()) == (1, True, True, 0xC1)
    assert request.attribute.class_id == 1
    assert request.attribute.instance_id == Obis(0, 0, 43, 1, 0, 255)
    assert request.attribute.attribute_id == 2
    assert request.access_selection is None


def test_get_request_with_list() -> None:
    request = _decode("realworld", "dlmscosem-get-request-with-list")
    assert isinstance(request, GetRequestWithList)
    assert request.invoke_id_and_priority.invoke_id == 1
    assert [
        (a.attribute.class_id, str(a.attribute.instance_id), a.attribute.attribute_id)
        for a in request.attributes
    ] == [(1, "0-0:42.0.0*255", 2), (8, "0-0:1.0.0*255", 2)]


def _plain(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return int(value) if isinstance(value, int) and not isinstance(value, bool) else value


def test_get_response_with_list() -> None:
    entry = by_id("realworld", "dlmscosem-get-response-with-list-compound")
    response = apdu.decode(apdu_bytes(entry))
    assert isinstance(response, GetResponseWithList)
    assert _plain(list(response.results)) == entry["expected"]["source_asserts"]["result"]


def test_get_request_range_descriptor() -> None:
    request = _decode("realworld", "dlmscosem-get-request-range-descriptor")
    assert isinstance(request, GetRequestNormal)
    assert (request.attribute.class_id, request.attribute.attribute_id) == (7, 2)
    assert request.attribute.instance_id == Obis.parse("1.0.99.1.0.255")
    selection = request.access_selection
    assert selection is not None
    assert selection.access_selector == 1
    described = selection.range()
    assert described.restricting_object.class_id == 8
    assert described.restricting_object.logical_name == Obis.parse("0-0:1.0.0*255")
    assert described.restricting_object.attribute_index == 2
    assert described.restricting_object.data_index == 0
    assert isinstance(described.from_value, bytes)
    start = DateTime.from_bytes(described.from_value)
    assert (start.year, start.month, start.day, start.hour, start.deviation) == (
        2017,
        10,
        1,
        0,
        -60,
    )
    end = DateTime.from_bytes(described.to_value)  # type: ignore[arg-type]
    assert (end.year, end.month, end.day, end.hour) == (2017, 10, 1, 1)
    assert described.selected_values == ()
    assert described.to_access() == selection


def test_set_request_clock() -> None:
    request = _decode("realworld", "dlmscosem-set-request-clock")
    assert isinstance(request, SetRequestNormal)
    assert request.invoke_id_and_priority.invoke_id == 1
    assert (request.attribute.class_id, str(request.attribute.instance_id)) == (8, "0-0:1.0.0*255")
    assert request.attribute.attribute_id == 2
    assert isinstance(request.value, bytes)
    clock = DateTime.from_bytes(request.value)
    assert (clock.year, clock.month, clock.day, clock.hour, clock.minute, clock.second) == (
        2021,
        1,
        24,
        14,
        48,
        57,
    )
    assert clock.deviation == -60


def test_action_request_hls_reply() -> None:
    request = _decode("realworld", "dlmscosem-action-request-hls-reply")
    assert isinstance(request, ActionRequestNormal)
    iip = request.invoke_id_and_priority
    assert (iip.invoke_id, iip.confirmed, iip.high_priority) == (0, True, True)
    assert (request.method.class_id, str(request.method.instance_id), request.method.method_id) == (
        15,
        "0-0:40.0.0*255",
        1,
    )
    assert request.parameters == bytes.fromhex("1000001a90e6d2221fa2fd85eed61acc22")


def test_action_response_with_data() -> None:
    response = _decode("realworld", "dlmscosem-action-response-with-data")
    assert isinstance(response, ActionResponseNormal)
    assert response.result is ActionResult.SUCCESS
    assert response.invoke_id_and_priority.invoke_id == 0
    assert response.return_parameters == bytes.fromhex("1000001afde8857b728a3499106aa665d1")


# -- data-notification pushes ---------------------------------------------------------------------


def _simplify(value: Any) -> Any:
    """The research decoder's body_simplified projection of a Data value."""
    if isinstance(value, list | tuple):
        return [_simplify(v) for v in value]
    if isinstance(value, bytes):
        if len(value) == 6:
            return "OBIS:" + Obis.from_bytes(value).dotted
        if len(value) == 12:
            return "DT:" + DateTime.from_bytes(value).to_datetime().isoformat()
        return value.decode("latin-1")
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value)
    return value


_ENCODINGS = {
    "absent(00)": (0, False),
    "octet-string(0C+12)": (12, False),
    "tagged-data(09 0C+12)": (12, True),
}


@pytest.mark.parametrize("entry", params("realworld", "llc+apdu"))
def test_data_notification_pushes(entry: dict[str, Any]) -> None:
    expected = entry["expected"]["verified_decode"]["data_notification"]
    push = apdu.decode(apdu_bytes(entry))
    assert isinstance(push, DataNotification)
    iip = push.long_invoke_id_and_priority
    assert f"{iip.to_int():08x}" == expected["long_invoke_id_and_priority_hex"]
    size, tagged = _ENCODINGS[expected["datetime_field_encoding"]]
    assert (len(push.date_time), push.tagged_date_time) == (size, tagged)
    if expected["datetime"] is None:
        assert push.timestamp is None
    else:
        stamp = push.timestamp
        assert stamp is not None
        fields = expected["datetime"]
        assert (stamp.year, stamp.month, stamp.day, stamp.day_of_week) == (
            fields["year"],
            fields["month"],
            fields["day"],
            fields["weekday"],
        )
        assert (stamp.hour, stamp.minute, stamp.second) == (
            fields["hour"],
            fields["minute"],
            fields["second"],
        )
        assert stamp.deviation is None  # all these pushes leave it unspecified (0x8000)
    body = push.body
    assert isinstance(body, list | tuple)
    assert _simplify(body) == expected["body_simplified"]


def test_aidon_invoke_id_and_priority_bits() -> None:
    """0x40000000: invoke id 0, bit 30 (service class) set = confirmed, priority normal,
    continue on error, not self-descriptive (see the vector's notes on amshan's reading)."""
    push = _decode("realworld", "amshan-aidon-no-list1")
    iip = push.long_invoke_id_and_priority
    assert iip.invoke_id == 0
    assert iip.service_class is ServiceClass.CONFIRMED
    assert iip.priority == 0
    assert not iip.self_descriptive
    assert not iip.break_on_error


def test_kaifa_tagged_date_time_quirk() -> None:
    push = _decode("realworld", "amshan-kaifa-no-list1")
    assert push.tagged_date_time
    assert push.timestamp is not None
    assert push.timestamp.to_datetime().isoformat() == "2019-02-04T23:52:22"
    assert push.body == (push.body[0],)
    assert push.body[0] == 5852


# -- CTT stimuli --------------------------------------------------------------------------------


def test_ctt_aarq_wrong_application_context_still_decodes() -> None:
    """T_APPL_OPEN_5: the server must answer rejected-permanent /
    application-context-name-not-supported, so the AARQ must decode with its unknown
    context kept."""
    aarq = _decode("normative", "ctt-aarq-wrong-app-context")
    assert isinstance(aarq, AARQ)
    assert aarq.context is None
    assert str(aarq.application_context_name) == "2.15.757.4.7.2.3"
    assert isinstance(aarq.user_information, InitiateRequest)


@pytest.mark.parametrize(
    ("vector_id", "version", "pdu_size"),
    [("ctt-aarq-dlms-version-7", 7, 0xFFFF), ("ctt-aarq-pdu-size-11", 6, 11)],
)
def test_ctt_aarq_refusable_initiate_requests(vector_id: str, version: int, pdu_size: int) -> None:
    """T_APPL_OPEN_12 and _14: well-formed; the server refuses them by their values."""
    aarq = _decode("normative", vector_id)
    assert isinstance(aarq, AARQ)
    assert aarq.context is ApplicationContextName.LOGICAL_NAME
    request = aarq.user_information
    assert isinstance(request, InitiateRequest)
    assert request.proposed_dlms_version_number == version
    assert request.client_max_receive_pdu_size == pdu_size


@pytest.mark.parametrize(
    ("vector_id", "apdu_tag", "offset", "choice"),
    [
        ("ctt-get-unknown-request-type", 0xC0, 1, 4),
        ("ctt-set-unknown-type", 0xC1, 1, 6),
    ],
)
def test_ctt_unknown_request_types(vector_id: str, apdu_tag: int, offset: int, choice: int) -> None:
    """T_APPL_DATA_LN_N1/N3: an unknown GET/SET request type is an UnknownChoiceError that
    still names the service, so the server can answer with an exception-response."""
    with pytest.raises(UnknownChoiceError) as info:
        _decode("normative", vector_id)
    assert (info.value.apdu_tag, info.value.offset, info.value.choice) == (apdu_tag, offset, choice)


@pytest.mark.parametrize(
    ("vector_id", "apdu_tag"),
    [("ctt-get-missing-elements", 0xC0), ("ctt-set-missing-data", 0xC1)],
)
def test_ctt_missing_elements(vector_id: str, apdu_tag: int) -> None:
    """T_APPL_DATA_LN_N1/N3: the request ends inside the logical name (offset 5, after tag,
    request type, invoke id and class id)."""
    with pytest.raises(ApduDecodeError) as info:
        _decode("normative", vector_id)
    assert (info.value.apdu_tag, info.value.offset) == (apdu_tag, 5)
    assert "instance-id" in info.value.expected
