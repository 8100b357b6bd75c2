"""general-ciphering with every key-info and general-signing: round trips between the two
sides, the AAD, tampering, and hostile input."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from _security_material import GET_CLOCK, ST_000001, ST_BC614E, h, suite_keys
from dlmskit.errors import DlmsError
from dlmskit.security import (
    AgreedKey,
    AuthenticationTagError,
    GeneralCiphering,
    GeneralSigning,
    IdentifiedKey,
    IdentifiedKeyId,
    InsufficientProtectionError,
    KeyAgreementScheme,
    Protection,
    ReplayError,
    ReplayGuard,
    SecurityConfigError,
    SecurityDecodeError,
    SecurityError,
    SecuritySuite,
    SignatureError,
    SymmetricKeys,
    SystemTitleMismatchError,
    UnsupportedSecurityError,
    WrappedKey,
    WrongKeyError,
    agreement,
    ecc,
    open_general_ciphering,
    seal_general_ciphering,
    sign_general,
    verify_general_signing,
)

CLIENT, SERVER = ST_BC614E, ST_000001
TID = h("0000000000000001")


def _uk(keys: SymmetricKeys) -> bytes:
    assert keys.unicast is not None
    return keys.unicast.reveal()


def _seal(keys: SymmetricKeys, key: bytes, info: object, sc: int = 0x30, **kw: object) -> bytes:
    return seal_general_ciphering(
        GET_CLOCK,
        security=sc | int(keys.suite),
        key=key,
        authentication_key=keys.authentication,
        invocation_counter=kw.pop("ic", 0),
        transaction_id=TID,
        originator_system_title=CLIENT,
        recipient_system_title=SERVER,
        key_info=info,
        **kw,
    )


@pytest.mark.parametrize("suite", list(SecuritySuite))
@pytest.mark.parametrize("sc", [0x10, 0x20, 0x30])
@pytest.mark.parametrize("key_id", list(IdentifiedKeyId))
def test_identified_key(suite: SecuritySuite, sc: int, key_id: IdentifiedKeyId) -> None:
    keys = suite_keys(suite)
    info = IdentifiedKey(key_id)
    key = agreement.identified_key(keys, info)
    apdu = _seal(keys, key.reveal(), info, sc, date_time=b"\x07\xe8", other_information=b"x")
    gc = GeneralCiphering.from_bytes(apdu)
    assert gc.key_info == info and gc.date_time == b"\x07\xe8" and gc.to_bytes() == apdu
    found = agreement.general_ciphering_key(gc, keys=keys)
    opened = open_general_ciphering(
        gc, key=found, authentication_key=keys.authentication, recipient_system_title=SERVER
    )
    assert opened.plaintext == GET_CLOCK and opened.security == sc | int(suite)


@pytest.mark.parametrize("suite", list(SecuritySuite))
def test_wrapped_key(suite: SecuritySuite) -> None:
    keys = suite_keys(suite)
    key, info = agreement.wrapped_key(keys)
    assert len(info.key_ciphered_data) == suite.key_length + 8
    apdu = _seal(keys, key.reveal(), info)
    gc = GeneralCiphering.from_bytes(apdu)
    assert agreement.general_ciphering_key(gc, keys=keys) == key
    assert (
        open_general_ciphering(gc, key=key, authentication_key=keys.authentication).plaintext
        == GET_CLOCK
    )
    other_kek = dataclasses.replace(keys, master=keys.unicast)
    with pytest.raises(WrongKeyError, match="integrity"):
        agreement.general_ciphering_key(gc, keys=other_kek)
    with pytest.raises(WrongKeyError):
        agreement.general_ciphering_key(gc, keys=dataclasses.replace(keys, master=None))


@pytest.mark.parametrize("suite", [SecuritySuite.SUITE_1, SecuritySuite.SUITE_2])
def test_agreed_keys_end_to_end(suite: SecuritySuite) -> None:
    keys = SymmetricKeys(suite=suite, authentication=suite_keys(suite).authentication)
    c_sign, c_ka = ecc.generate_private_key(suite), ecc.generate_private_key(suite)
    s_ka = ecc.generate_private_key(suite)
    key, info = agreement.one_pass_originate(
        suite,
        recipient_key=s_ka.public_key(),
        signing_key=c_sign,
        originator_system_title=CLIENT,
        recipient_system_title=SERVER,
    )
    gc = GeneralCiphering.from_bytes(_seal(keys, key.reveal(), info))
    meter_key = agreement.general_ciphering_key(
        gc, keys=keys, key_agreement_key=s_ka, originator_signing_key=c_sign.public_key()
    )
    assert (
        open_general_ciphering(gc, key=meter_key, authentication_key=keys.authentication).plaintext
        == GET_CLOCK
    )
    key, info = agreement.static_unified_originate(
        suite,
        own_key=c_ka,
        recipient_key=s_ka.public_key(),
        transaction_id=TID,
        originator_system_title=CLIENT,
        recipient_system_title=SERVER,
    )
    gc = GeneralCiphering.from_bytes(_seal(keys, key.reveal(), info))
    meter_key = agreement.general_ciphering_key(
        gc, keys=keys, key_agreement_key=s_ka, originator_key_agreement_key=c_ka.public_key()
    )
    assert (
        open_general_ciphering(gc, key=meter_key, authentication_key=keys.authentication).plaintext
        == GET_CLOCK
    )
    with pytest.raises(SecurityConfigError):
        agreement.general_ciphering_key(gc, keys=keys, key_agreement_key=s_ka)


def test_header_fields_are_authenticated_with_their_lengths() -> None:
    keys = suite_keys(SecuritySuite.SUITE_0)
    apdu = _seal(keys, _uk(keys), IdentifiedKey(IdentifiedKeyId.GLOBAL_UNICAST_ENCRYPTION))
    gc = GeneralCiphering.from_bytes(apdu)
    assert gc.header == b"\x08" + TID + b"\x08" + CLIENT + b"\x08" + SERVER + b"\x00\x00"
    for field, value in (
        ("transaction_id", h("0000000000000002")),
        ("recipient_system_title", h("4d4d4d0000000002")),
        ("date_time", b"\x00"),
        ("other_information", b"\x00"),
    ):
        forged = dataclasses.replace(gc, **{field: value})
        with pytest.raises(AuthenticationTagError):
            open_general_ciphering(forged, key=_uk(keys), authentication_key=keys.authentication)
    # key-info is not in the AAD: changing it does not touch the tag
    other = dataclasses.replace(
        gc, key_info=IdentifiedKey(IdentifiedKeyId.GLOBAL_BROADCAST_ENCRYPTION)
    )
    assert (
        open_general_ciphering(
            other, key=_uk(keys), authentication_key=keys.authentication
        ).plaintext
        == GET_CLOCK
    )


def test_system_titles_and_replay() -> None:
    keys = suite_keys(SecuritySuite.SUITE_0)
    apdu = _seal(keys, _uk(keys), None, ic=5)
    with pytest.raises(SystemTitleMismatchError):
        open_general_ciphering(
            apdu,
            key=_uk(keys),
            authentication_key=keys.authentication,
            recipient_system_title=CLIENT,
        )
    with pytest.raises(SystemTitleMismatchError):
        open_general_ciphering(
            apdu,
            key=_uk(keys),
            authentication_key=keys.authentication,
            originator_system_title=SERVER,
        )
    guard = ReplayGuard()
    open_general_ciphering(
        apdu, key=_uk(keys), authentication_key=keys.authentication, replay=guard
    )
    with pytest.raises(ReplayError):
        open_general_ciphering(
            apdu, key=_uk(keys), authentication_key=keys.authentication, replay=guard
        )
    with pytest.raises(WrongKeyError):
        agreement.general_ciphering_key(GeneralCiphering.from_bytes(apdu), keys=keys)  # no key-info
    auth_only = _seal(keys, _uk(keys), None, 0x10)
    with pytest.raises(InsufficientProtectionError):
        open_general_ciphering(
            auth_only,
            key=_uk(keys),
            authentication_key=keys.authentication,
            require=Protection.ENCRYPTED,
        )


def test_key_info_wire_forms() -> None:
    assert IdentifiedKey(IdentifiedKeyId.GLOBAL_BROADCAST_ENCRYPTION).to_bytes() == h("0001")
    assert WrappedKey(b"\xaa" * 24).to_bytes() == h("010018") + b"\xaa" * 24
    assert AgreedKey(KeyAgreementScheme.STATIC_UNIFIED_MODEL).to_bytes() == h("02010200")
    with pytest.raises(SecurityConfigError):
        AgreedKey(KeyAgreementScheme.EPHEMERAL_UNIFIED_MODEL)
    head = b"\xdd" + b"\x00" * 5
    content = b"\x05\x30\x00\x00\x00\x00"
    assert GeneralCiphering.from_bytes(head + b"\x00" + content).key_info is None
    with pytest.raises(UnsupportedSecurityError):
        GeneralCiphering.from_bytes(head + h("0102010300") + content)  # key-parameters 3
    for bad, offset in (
        (head + b"\x02" + content, 6),  # presence flag 2
        (head + h("0103") + content, 7),  # choice 3
        (head + h("000002") + content, 8),  # key-id 2
        (head + h("010109") + content, 8),  # kek-id 9
        (head + h("01020201010100") + content, 8),  # key-parameters of 2 octets
        (head + b"\x00" + h("0430000000"), 7),  # ciphered-content shorter than SC || IC
        (head + b"\x00" + content + b"\x00", 13),  # trailing octet
        (b"\xdb" + head[1:], 0),
    ):
        with pytest.raises(SecurityDecodeError) as info:
            GeneralCiphering.from_bytes(bad)
        assert info.value.offset == offset, bad.hex()


@pytest.mark.parametrize("suite", [SecuritySuite.SUITE_1, SecuritySuite.SUITE_2])
def test_general_signing(suite: SecuritySuite) -> None:
    key = ecc.generate_private_key(suite)
    apdu = sign_general(
        GET_CLOCK,
        private_key=key,
        transaction_id=TID,
        originator_system_title=CLIENT,
        recipient_system_title=SERVER,
        date_time=b"\x01",
    )
    gs = GeneralSigning.from_bytes(apdu)
    assert gs.content == GET_CLOCK and len(gs.signature) == ecc.signature_length(suite)
    assert gs.to_bytes() == apdu
    assert gs.signed_data == apdu[1 : 1 + 9 + 9 + 9 + 2 + 1] + GET_CLOCK
    assert (
        verify_general_signing(
            apdu, public_key=key.public_key(), recipient_system_title=SERVER
        ).content
        == GET_CLOCK
    )
    for i in range(1, len(apdu) - len(gs.signature) - 2):
        bad = bytearray(apdu)
        bad[i] ^= 1
        with pytest.raises(SecurityError):
            verify_general_signing(bytes(bad), public_key=key.public_key())
    with pytest.raises(SignatureError):
        verify_general_signing(apdu, public_key=ecc.generate_private_key(suite).public_key())
    with pytest.raises(SystemTitleMismatchError):
        verify_general_signing(apdu, public_key=key.public_key(), recipient_system_title=CLIENT)
    with pytest.raises(SystemTitleMismatchError):
        verify_general_signing(apdu, public_key=key.public_key(), originator_system_title=SERVER)


def test_sign_then_encrypt() -> None:
    """The Green Book's multi-layer order: sign first, then cipher the signed APDU."""
    suite = SecuritySuite.SUITE_1
    keys = suite_keys(suite)
    signer = ecc.generate_private_key(suite)
    signed = sign_general(
        GET_CLOCK,
        private_key=signer,
        transaction_id=TID,
        originator_system_title=CLIENT,
        recipient_system_title=SERVER,
    )
    outer = seal_general_ciphering(
        signed,
        security=0x31,
        key=_uk(keys),
        authentication_key=keys.authentication,
        invocation_counter=1,
        transaction_id=TID,
        originator_system_title=CLIENT,
        recipient_system_title=SERVER,
        key_info=IdentifiedKey(IdentifiedKeyId.GLOBAL_UNICAST_ENCRYPTION),
    )
    inner = open_general_ciphering(
        outer, key=_uk(keys), authentication_key=keys.authentication
    ).plaintext
    assert verify_general_signing(inner, public_key=signer.public_key()).content == GET_CLOCK


# -- hostile input -------------------------------------------------------------------------


def _seeds() -> list[bytes]:
    keys = suite_keys(SecuritySuite.SUITE_0)
    signer = ecc.generate_private_key(SecuritySuite.SUITE_1)
    key, info = agreement.wrapped_key(keys)
    return [
        _seal(keys, _uk(keys), IdentifiedKey(IdentifiedKeyId.GLOBAL_UNICAST_ENCRYPTION)),
        _seal(keys, key.reveal(), info),
        sign_general(
            GET_CLOCK,
            private_key=signer,
            transaction_id=TID,
            originator_system_title=CLIENT,
            recipient_system_title=SERVER,
        ),
    ]


SEEDS = _seeds()
KEYS0 = suite_keys(SecuritySuite.SUITE_0)


def _handle(data: bytes) -> None:
    for parse in (GeneralCiphering.from_bytes, GeneralSigning.from_bytes):
        try:
            parse(data)
        except SecurityError as exc:
            assert isinstance(exc, DlmsError)
    try:
        gc = GeneralCiphering.from_bytes(data)
        key = agreement.general_ciphering_key(gc, keys=KEYS0)
        open_general_ciphering(gc, key=key, authentication_key=KEYS0.authentication)
    except SecurityError:
        pass


@given(st.binary(max_size=200))
def test_random_bytes(data: bytes) -> None:
    _handle(data)
    _handle(b"\xdd" + data)
    _handle(b"\xdf" + data)


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 4))):
        if not data:
            break
        i = draw(st.integers(0, len(data) - 1))
        op = draw(st.sampled_from(["flip", "cut", "drop"]))
        if op == "flip":
            data[i] = draw(st.integers(0, 255))
        elif op == "cut":
            del data[i:]
        else:
            del data[i]
    return bytes(data)


@given(mutated())
def test_mutated(data: bytes) -> None:
    _handle(data)
