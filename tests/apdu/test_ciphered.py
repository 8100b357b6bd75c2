"""Ciphered APDU containers: the Green Book glo-get-request, general-glo-ciphering from a real
DLMS/UDP push, every service-specific tag, the general APDUs, and bad input."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from _vectors import by_id
from dlmskit import apdu
from dlmskit.apdu import (
    AgreedKey,
    ApduDecodeError,
    CipheredApdu,
    CipheredTag,
    GeneralCiphering,
    GeneralDedCiphering,
    GeneralGloCiphering,
    GeneralSigning,
    IdentifiedKey,
    KekId,
    KeyId,
    UnknownChoiceError,
    WrappedKey,
)
from dlmskit.errors import EncodeError


def test_green_book_glo_get_request() -> None:
    """normative.json gb-gcm-glo-get-request: C8 1E 30 01234567 ciphertext||tag."""
    vector = by_id("normative", "gb-gcm-glo-get-request")
    raw = bytes.fromhex(vector["hex"])
    expected = vector["expected"]
    decoded = apdu.decode(raw)
    assert isinstance(decoded, CipheredApdu)
    assert decoded.tag is CipheredTag.GLO_GET_REQUEST
    assert not decoded.tag.dedicated
    assert decoded.plain_tag == 0xC0
    assert decoded.security_control == 0x30
    assert decoded.invocation_counter == int(expected["invocation_counter"], 16)
    assert decoded.ciphered_content == bytes.fromhex(expected["ciphertext"] + expected["tag"])
    assert decoded.security_header == bytes.fromhex("3001234567")
    assert decoded.encode() == raw


def test_green_book_glo_get_request_built() -> None:
    """The same APDU built from its parts (Green Book facts, no vector file needed)."""
    content = bytes.fromhex("411312ff935a47566827c467bc7d825c3be4a77c3fcc056b6b")
    built = CipheredApdu(CipheredTag.glo(0xC0), 0x30, 0x01234567, content)
    assert built.encode().hex() == "c81e3001234567" + content.hex()


def test_udp_general_glo_ciphering_data_notification() -> None:
    """realworld.json dlmscosem-udp-ggc-datanotification: 8-byte wrapper + DB ..."""
    vector = by_id("realworld", "dlmscosem-udp-ggc-datanotification")
    raw = bytes.fromhex(vector["hex"])[8:]
    decoded = apdu.decode(raw)
    assert isinstance(decoded, GeneralGloCiphering)
    assert decoded.system_title.hex() == vector["expected"]["source_asserts"]["system_title_hex"]
    assert decoded.security_control == 0x30
    assert decoded.invocation_counter == 485
    assert decoded.encode() == raw


@pytest.mark.parametrize("tag", list(CipheredTag))
def test_every_service_specific_tag_round_trips(tag: CipheredTag) -> None:
    built = CipheredApdu(tag, 0x31, 0xFFFFFFFF, b"\x01" * 200)
    raw = built.encode()
    assert raw[0] == tag
    assert raw[1:3] == b"\x81\xcd"  # 205 = 5 + 200, long-form A-XDR length
    assert apdu.decode(raw) == built
    kind = CipheredTag.ded if tag.dedicated else CipheredTag.glo
    assert kind(tag.plain_tag) is tag


@pytest.mark.parametrize(
    ("tag", "plain", "service"),
    [
        (CipheredTag.GLO_INITIATE_REQUEST, 0x01, "initiate-request"),
        (CipheredTag.DED_INITIATE_REQUEST, 0x01, "initiate-request"),
        (CipheredTag.GLO_INITIATE_RESPONSE, 0x08, "initiate-response"),
        (CipheredTag.GLO_CONFIRMED_SERVICE_ERROR, 0x0E, "confirmed-service-error"),
        (CipheredTag.DED_INFORMATION_REPORT_REQUEST, 0x18, "information-report-request"),
        (CipheredTag.GLO_GET_REQUEST, 0xC0, "get-request"),
        (CipheredTag.GLO_EVENT_NOTIFICATION_REQUEST, 0xC2, "event-notification-request"),
        (CipheredTag.GLO_ACTION_RESPONSE, 0xC7, "action-response"),
        (CipheredTag.DED_GET_REQUEST, 0xC0, "get-request"),
        (CipheredTag.DED_ACTION_RESPONSE, 0xC7, "action-response"),
    ],
)
def test_tag_mapping(tag: CipheredTag, plain: int, service: str) -> None:
    assert tag.plain_tag == plain
    assert tag.service == service
    assert tag.value in (plain + 32, plain + 64, plain + 8, plain + 16)


def test_no_ciphered_form_is_an_encode_error() -> None:
    with pytest.raises(EncodeError):
        CipheredTag.glo(0xE0)  # general-block-transfer has no service-specific ciphered form
    with pytest.raises(EncodeError):
        CipheredApdu(0xC0, 0x30, 1, b"")  # type: ignore[arg-type]
    with pytest.raises(EncodeError):
        CipheredApdu(CipheredTag.GLO_GET_REQUEST, 0x130, 1, b"")
    with pytest.raises(EncodeError):
        CipheredApdu(CipheredTag.GLO_GET_REQUEST, 0x30, 1 << 32, b"")


def test_content_shorter_than_the_security_header() -> None:
    with pytest.raises(ApduDecodeError) as info:
        apdu.decode(bytes.fromhex("c8043001020304"))
    assert info.value.offset == 2
    assert info.value.apdu_tag == 0xC8


def test_truncated_content() -> None:
    with pytest.raises(ApduDecodeError) as info:
        apdu.decode(bytes.fromhex("c81e300123456741"))
    assert info.value.offset == 1


def test_general_ded_ciphering() -> None:
    built = GeneralDedCiphering(b"MMM\x00\x00\xbc\x61\x4e", 0x30, 7, b"\xaa" * 16)
    raw = built.encode()
    assert raw.hex().startswith("dc084d4d4d0000bc614e15300000000")
    assert apdu.decode(raw) == built


@pytest.mark.parametrize(
    "key_info",
    [
        None,
        IdentifiedKey(KeyId.GLOBAL_BROADCAST_ENCRYPTION_KEY),
        WrappedKey(KekId.MASTER_KEY, b"\x11" * 24),
        AgreedKey(b"\x01", b"\x22" * 64),
    ],
)
def test_general_ciphering(key_info: IdentifiedKey | WrappedKey | AgreedKey | None) -> None:
    built = GeneralCiphering(
        transaction_id=b"\x00" * 7 + b"\x01",
        originator_system_title=b"ORIGINAT",
        recipient_system_title=b"RECIPIEN",
        date_time=b"",
        other_information=b"",
        key_info=key_info,
        security_control=0x31,
        invocation_counter=0x01020304,
        ciphered_content=b"\x99" * 20,
    )
    raw = built.encode()
    decoded = apdu.decode(raw)
    assert decoded == built
    assert raw[0] == 0xDD
    # the five addressing fields are length-prefixed octet-strings
    assert raw[1:10] == b"\x08" + b"\x00" * 7 + b"\x01"


def test_general_ciphering_wire_layout() -> None:
    built = GeneralCiphering(b"\x01", b"A", b"B", b"", b"", IdentifiedKey(), 0x30, 1, b"\x02")
    assert built.encode().hex() == "dd010101410142000001000006300000000102"


def test_general_ciphering_unknown_key_info_choice() -> None:
    raw = bytes.fromhex("dd0101014101420000010306300000000102")
    with pytest.raises(UnknownChoiceError) as info:
        apdu.decode(raw)
    assert info.value.choice == 3
    assert info.value.offset == 10


def test_general_signing() -> None:
    inner = CipheredApdu(CipheredTag.GLO_GET_REQUEST, 0x30, 1, b"\x01" * 17).encode()
    built = GeneralSigning(b"\x01" * 8, b"ORIGINAT", b"", b"", b"", inner, b"\x5a" * 64)
    raw = built.encode()
    decoded = apdu.decode(raw)
    assert decoded == built
    assert isinstance(decoded, GeneralSigning)
    assert apdu.decode(decoded.content) == CipheredApdu(
        CipheredTag.GLO_GET_REQUEST, 0x30, 1, b"\x01" * 17
    )


@given(
    st.sampled_from(list(CipheredTag)),
    st.integers(0, 255),
    st.integers(0, 2**32 - 1),
    st.binary(max_size=300),
)
def test_service_specific_round_trip(tag: CipheredTag, sc: int, ic: int, content: bytes) -> None:
    built = CipheredApdu(tag, sc, ic, content)
    assert apdu.decode(built.encode()) == built
