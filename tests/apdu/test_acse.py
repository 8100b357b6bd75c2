"""ACSE APDUs: the Green Book encodings built from fields, every AARQ/AARE field, BER long
forms, CTT stimuli with unused fields, and refusals with offsets."""

from __future__ import annotations

import pytest

from dlmskit import apdu
from dlmskit.apdu import (
    AARE,
    AARQ,
    ACSE_AUTHENTICATION,
    RLRE,
    RLRQ,
    AcseServiceProvider,
    AcseServiceUser,
    ApduDecodeError,
    ApplicationContextName,
    AssociationResult,
    AuthenticationValue,
    BerBitString,
    CipheredApdu,
    CipheredTag,
    ConfirmedServiceError,
    Conformance,
    ErrorService,
    InitiateRequest,
    InitiateResponse,
    MechanismName,
    Oid,
    ReleaseRequestReason,
    ServiceErrorType,
    UnknownChoiceError,
)
from dlmskit.apdu.xdlms import Initiate
from dlmskit.errors import EncodeError

CONFORMANCE_007E1F = Conformance.from_octets(bytes.fromhex("007e1f"))
GB_AARQ = "601DA109060760857405080101BE10040E01000000065F1F0400007E1F04B0"


def test_green_book_aarq_encoding() -> None:
    """LN, no security, conformance 007E1F, max PDU 1200 (Green Book / issue 3)."""
    aarq = AARQ(
        ApplicationContextName.LOGICAL_NAME,
        InitiateRequest(CONFORMANCE_007E1F, client_max_receive_pdu_size=1200),
    )
    assert aarq.encode().hex().upper() == GB_AARQ
    assert apdu.decode(bytes.fromhex(GB_AARQ)) == aarq


def test_green_book_lls_aarq_encoding() -> None:
    aarq = AARQ(
        ApplicationContextName.LOGICAL_NAME,
        InitiateRequest(CONFORMANCE_007E1F, 1200),
        sender_acse_requirements=ACSE_AUTHENTICATION,
        mechanism_name=MechanismName.LOW,
        calling_authentication_value=AuthenticationValue(b"12345678"),
    )
    assert aarq.encode().hex() == (
        "6036a109060760857405080101"
        "8a020780"
        "8b0760857405080201"
        "ac0a80083132333435363738"
        "be10040e01000000065f1f0400007e1f04b0"
    )


def test_green_book_ciphered_aarq_layout() -> None:
    content = bytes(43)
    aarq = AARQ(
        ApplicationContextName.LOGICAL_NAME_WITH_CIPHERING,
        CipheredApdu(CipheredTag.GLO_INITIATE_REQUEST, 0x30, 0x01234567, content),
        calling_ap_title=bytes.fromhex("4d4d4d0000bc614e"),
        sender_acse_requirements=ACSE_AUTHENTICATION,
        mechanism_name=MechanismName.LOW,
        calling_authentication_value=AuthenticationValue(b"12345678"),
    )
    raw = aarq.encode()
    assert raw.hex().startswith(
        "6066a109060760857405080103a60a04084d4d4d0000bc614e8a0207808b0760857405080201"
        "ac0a80083132333435363738be34043221303001234567"
    )


def test_green_book_aare_encoding() -> None:
    aare = AARE(
        AssociationResult.ACCEPTED,
        AcseServiceUser.NULL,
        ApplicationContextName.LOGICAL_NAME,
        InitiateResponse(Conformance.from_octets(bytes.fromhex("00501f")), 500),
    )
    assert aare.encode().hex() == (
        "6129a109060760857405080101a203020100a305a103020100be10040e0800065f1f040000501f01f40007"
    )


def test_aare_refusing_the_dlms_version() -> None:
    aare = AARE(
        AssociationResult.REJECTED_PERMANENT,
        AcseServiceUser.NO_REASON_GIVEN,
        user_information=ConfirmedServiceError(
            ErrorService.INITIATE_ERROR, ServiceErrorType.INITIATE, Initiate.DLMS_VERSION_TOO_LOW
        ),
    )
    assert aare.encode().hex() == (
        "611fa109060760857405080101a203020101a305a103020101be0604040e010601"
    )


def test_aare_acse_service_provider_diagnostic() -> None:
    aare = AARE(AssociationResult.REJECTED_TRANSIENT, AcseServiceProvider.NO_COMMON_ACSE_VERSION)
    raw = aare.encode()
    assert raw.hex() == "6117a109060760857405080101a203020102a305a203020102"
    decoded = apdu.decode(raw)
    assert isinstance(decoded, AARE)
    assert decoded.result_source_diagnostic is AcseServiceProvider.NO_COMMON_ACSE_VERSION
    assert decoded.user_information is None


def test_every_aarq_field() -> None:
    aarq = AARQ(
        ApplicationContextName.SHORT_NAME_WITH_CIPHERING,
        InitiateRequest(CONFORMANCE_007E1F, 1200, dedicated_key=bytes(16)),
        calling_ap_title=b"ABCDEFGH",
        sender_acse_requirements=ACSE_AUTHENTICATION,
        mechanism_name=MechanismName.HIGH_ECDSA,
        calling_authentication_value=AuthenticationValue(
            b"\x01\x02", bitstring=True, unused_bits=3
        ),
        calling_ae_qualifier=b"certificate",
        calling_ap_invocation_id=-129,
        calling_ae_invocation_id=1,
        called_ap_title=b"SERVER01",
        called_ae_qualifier=b"D",
        called_ap_invocation_id=0,
        called_ae_invocation_id=300,
        implementation_information=b"dlmskit",
        protocol_version=BerBitString.from_bits("1"),
    )
    raw = aarq.encode()
    assert raw[:2].hex() == "6081"  # long form: the content exceeds 127 octets
    tags = []
    pos = 3
    while pos < len(raw):
        tags.append(raw[pos])
        pos += 2 + raw[pos + 1]
    assert tags == [
        0x80,
        0xA1,
        0xA2,
        0xA3,
        0xA4,
        0xA5,
        0xA6,
        0xA7,
        0xA8,
        0xA9,
        0x8A,
        0x8B,
        0xAC,
        0x9D,
        0xBE,
    ]
    assert "80 02 07 80".replace(" ", "") in raw.hex()  # protocol-version version1
    assert "a80402 02ff7f".replace(" ", "") in raw.hex()  # -129 in two's complement
    assert "a50402 02012c".replace(" ", "") in raw.hex()  # 300
    assert "ac05 8103 030102".replace(" ", "") in raw.hex()  # bitstring authentication value
    decoded = apdu.decode(raw)
    assert decoded == aarq
    assert isinstance(decoded, AARQ)
    assert decoded.mechanism is MechanismName.HIGH_ECDSA
    assert decoded.context is ApplicationContextName.SHORT_NAME_WITH_CIPHERING


def test_every_aare_field() -> None:
    aare = AARE(
        AssociationResult.ACCEPTED,
        AcseServiceUser.AUTHENTICATION_REQUIRED,
        ApplicationContextName.LOGICAL_NAME,
        InitiateResponse(CONFORMANCE_007E1F, 1024),
        responding_ap_title=b"SERVERST",
        responder_acse_requirements=ACSE_AUTHENTICATION,
        mechanism_name=MechanismName.HIGH_GMAC,
        responding_authentication_value=AuthenticationValue(b"P6wRJ21F"),
        responding_ae_qualifier=b"cert",
        responding_ap_invocation_id=7,
        responding_ae_invocation_id=8,
        implementation_information=b"meter",
        protocol_version=BerBitString.from_bits("1"),
    )
    raw = aare.encode()
    decoded = apdu.decode(raw)
    assert decoded == aare
    assert "a40a0408" + b"SERVERST".hex() in raw.hex()
    assert "aa0a8008" + b"P6wRJ21F".hex() in raw.hex()
    assert "890760857405080205" in raw.hex()


@pytest.mark.parametrize("mechanism", list(MechanismName))
def test_mechanism_names(mechanism: MechanismName) -> None:
    assert str(mechanism.oid) == f"2.16.756.5.8.2.{mechanism.value}"
    assert mechanism.oid.content().hex() == f"608574050802{mechanism.value:02x}"
    assert MechanismName.of(mechanism.oid) is mechanism


@pytest.mark.parametrize("context", list(ApplicationContextName))
def test_application_context_names(context: ApplicationContextName) -> None:
    assert str(context.oid) == f"2.16.756.5.8.1.{context.value}"
    assert ApplicationContextName.of(context.oid) is context


def test_unknown_mechanism_and_context_are_kept() -> None:
    aarq = AARQ(Oid.parse("1.2.840.10045.4.3.2"), mechanism_name=Oid.parse("2.16.756.5.8.2.9"))
    decoded = apdu.decode(aarq.encode())
    assert isinstance(decoded, AARQ)
    assert decoded.context is None
    assert decoded.mechanism is None
    assert str(decoded.mechanism_name) == "2.16.756.5.8.2.9"
    assert str(decoded.application_context_name) == "1.2.840.10045.4.3.2"


def _tlv(tag: str, content: bytes, size: int) -> bytes:
    """A TLV whose length is written in the long form with ``size`` length octets."""
    return bytes.fromhex(tag) + bytes((0x80 | size,)) + len(content).to_bytes(size, "big") + content


def test_long_form_lengths_everywhere() -> None:
    """The Green Book AARQ with every BER length in a long form decodes to the same AARQ;
    it encodes back in the shortest form."""
    context = _tlv("a1", _tlv("06", bytes.fromhex("60857405080101"), 2), 1)
    initiate = bytes.fromhex("01000000065f1f0400007e1f04b0")
    user = _tlv("be", _tlv("04", initiate, 3), 4)
    long_form = _tlv("60", context + user, 2)
    decoded = apdu.decode(long_form)
    assert decoded.encode() == bytes.fromhex(GB_AARQ)


def test_four_octet_length() -> None:
    raw = bytes.fromhex("628400000003800100")
    assert apdu.decode(raw) == RLRQ(ReleaseRequestReason.NORMAL)


def test_ctt_unused_fields_with_dummy_values() -> None:
    """T_APPL_OPEN_5 (CONFORMANCE.md 1.4): called AP title / AE qualifier / AP and AE
    invocation ids and calling AP invocation id present with dummy values -- they must
    decode (and be ignored by the server)."""
    raw = bytes.fromhex(
        "6036A109060760857405080101A203040144A303040144A403020100A503020100A803020100"
        "BE10040E01000000065F1F040060FE9FFFFF"
    )
    aarq = apdu.decode(raw)
    assert isinstance(aarq, AARQ)
    assert aarq.called_ap_title == b"\x44"
    assert aarq.called_ae_qualifier == b"\x44"
    assert aarq.called_ap_invocation_id == 0
    assert aarq.called_ae_invocation_id == 0
    assert aarq.calling_ap_invocation_id == 0
    assert aarq.context is ApplicationContextName.LOGICAL_NAME
    assert aarq.encode() == raw


def test_release_apdus() -> None:
    assert RLRQ().encode().hex() == "6203800100"
    assert RLRQ(None).encode().hex() == "6200"
    assert apdu.decode(bytes.fromhex("6200")) == RLRQ(None)
    assert RLRE(None).encode().hex() == "6300"
    urgent = RLRQ(ReleaseRequestReason.URGENT, InitiateRequest(CONFORMANCE_007E1F, 1200))
    raw = urgent.encode()
    assert raw.hex() == "6215800101be10040e01000000065f1f0400007e1f04b0"
    assert apdu.decode(raw) == urgent
    assert apdu.decode(bytes.fromhex("6203800140")) == RLRQ(ReleaseRequestReason(0x40))


def test_authentication_value_is_never_shown() -> None:
    secret = AuthenticationValue(b"s3cr3t-password")
    aarq = AARQ(calling_authentication_value=secret, mechanism_name=MechanismName.LOW)
    assert "s3cr3t" not in repr(aarq)
    assert "s3cr3t" not in str(aarq)
    assert repr(secret) == "AuthenticationValue(<15 octets, charstring, hidden>)"
    with pytest.raises(AttributeError):
        secret.bitstring = True


@pytest.mark.parametrize(
    ("raw", "offset", "words"),
    [
        ("6080", 1, "indefinite"),
        ("6085000000000000", 1, "1..4 octets"),
        ("601e" + GB_AARQ[4:], 1, "30 octets of AARQ, found 29"),
        ("601d" + GB_AARQ[4:] + "00", 1, "end where its length says"),
        ("6003800100", 5, "application-context-name of the AARQ, which is mandatory"),
        ("6000", 2, "application-context-name"),
        ("6005a1030401ff", 4, "OBJECT IDENTIFIER"),
        ("600da1090607608574050801018c00", 13, "context primitive [12]"),
        ("6016a109060760857405080101a109060760857405080101", 13, "once"),
        ("600ca10906076085740508010180", 14, "length of protocol_version"),
        ("6008a1060604608574ff", 9, "bit 8 clear"),
        ("600aa1080606608574050880", 11, "leading 0x80"),
        ("6011a109060760857405080101be0404020100", 19, "response-allowed"),
        ("6010a109060760857405080101be03040101", 18, "dedicated-key"),
        ("6014a109060760857405080101be0704050e01060100", 21, "end of the APDU"),
        ("600fa109060760857405080101a20201", 1, "15 octets of AARQ"),
    ],
)
def test_refusals(raw: str, offset: int, words: str) -> None:
    with pytest.raises(ApduDecodeError) as info:
        apdu.decode(bytes.fromhex(raw))
    assert info.value.apdu_tag == 0x60
    assert info.value.offset == offset, info.value
    assert words in str(info.value)


def test_unknown_user_information_apdu_is_a_choice_error() -> None:
    raw = bytes.fromhex("6011a109060760857405080101be040402c001")
    with pytest.raises(UnknownChoiceError) as info:
        apdu.decode(raw)
    assert info.value.choice == 0xC0
    assert info.value.offset == 17


def test_construction_is_checked() -> None:
    with pytest.raises(EncodeError):
        AARQ(user_information=RLRQ())  # type: ignore[arg-type]
    with pytest.raises(EncodeError):
        AARQ(calling_ap_title="MMM00001")  # type: ignore[arg-type]
    with pytest.raises(EncodeError):
        AARQ(user_information=CipheredApdu(CipheredTag.GLO_GET_REQUEST, 0x30, 1, b""))
    with pytest.raises(EncodeError):
        AARE(result_source_diagnostic=3)  # type: ignore[arg-type]
    with pytest.raises(EncodeError):
        AuthenticationValue(b"", bitstring=True, unused_bits=1)
    with pytest.raises(EncodeError):
        Oid((3, 1))
    with pytest.raises(EncodeError):
        Oid((1, 40))
    assert Oid((2, 999, 3)).content().hex() == "883703"
