"""Service-specific glo-/ded- APDUs and general-glo/ded-ciphering: the Green Book examples,
every tag, every suite, the errors, and hostile input."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from _security_material import AK, EK, GB_KEYS, GET_CLOCK, ST_BC614E, h, suite_keys
from dlmskit.errors import DlmsError, RemoteProtocolError
from dlmskit.security import (
    GENERAL_DED_CIPHERING,
    GENERAL_GLO_CIPHERING,
    AuthenticationTagError,
    InsufficientProtectionError,
    Key,
    KeySet,
    Protection,
    ReplayError,
    ReplayGuard,
    SecurityConfigError,
    SecurityControl,
    SecurityDecodeError,
    SecurityError,
    SecuritySuite,
    SymmetricKeys,
    SystemTitleMismatchError,
    UnsupportedSecurityError,
    WrongKeyError,
    decrypt,
    ded_tag,
    encrypt,
    glo_tag,
    is_ciphered_tag,
    plain_tag,
)
from dlmskit.security.envelope import DEDICATED_TAGS, GLOBAL_TAGS

_D = DEDICATED_TAGS

# Green Book: glo-get-request, authenticated and encrypted (SC 0x30), IC 0x01234567
GB_GLO_GET = h("C81E3001234567411312FF935A47566827C467BC7D825C3BE4A77C3FCC056B6B")
# the same APDU authenticated only (SC 0x10): the information in clear, then the GMAC tag
GB_GLO_GET_AUTH = h("C81E1001234567C0010000080000010000FF0200" + "06725D910F9221D263877516")
# ... and encrypted only (SC 0x20): no tag
GB_GLO_GET_ENC = h("C8122001234567411312FF935A47566827C467BC")


@pytest.mark.parametrize(
    ("sc", "expected"),
    [(0x30, GB_GLO_GET), (0x10, GB_GLO_GET_AUTH), (0x20, GB_GLO_GET_ENC)],
    ids=["authenticated-encrypted", "authenticated", "encrypted"],
)
def test_green_book_glo_get_request(sc: int, expected: bytes) -> None:
    apdu = encrypt(
        0xC8,
        GET_CLOCK,
        security=sc,
        system_title=ST_BC614E,
        invocation_counter=0x01234567,
        keys=GB_KEYS,
    )
    assert apdu == expected
    out = decrypt(expected, keys=GB_KEYS, system_title=ST_BC614E)
    assert out.plaintext == GET_CLOCK
    assert (out.tag, out.security, out.invocation_counter) == (0xC8, sc, 0x01234567)
    assert out.key_set is KeySet.UNICAST


def test_protection_follows_the_received_byte_not_the_keys() -> None:
    # The same keys (EK and AK configured) decipher all three kinds: only the received SC
    # decides what is checked and what is deciphered.
    assert decrypt(GB_GLO_GET_ENC, keys=GB_KEYS, system_title=ST_BC614E).plaintext == GET_CLOCK
    assert decrypt(GB_GLO_GET_AUTH, keys=GB_KEYS, system_title=ST_BC614E).plaintext == GET_CLOCK
    # encryption only has no tag: a modified byte changes the plaintext, nothing detects it
    tampered = bytearray(GB_GLO_GET_ENC)
    tampered[-1] ^= 1
    out = decrypt(bytes(tampered), keys=GB_KEYS, system_title=ST_BC614E)
    assert out.plaintext != GET_CLOCK and out.protection == Protection.ENCRYPTED
    # which is why a policy can require more
    with pytest.raises(InsufficientProtectionError):
        decrypt(
            GB_GLO_GET_ENC, keys=GB_KEYS, system_title=ST_BC614E, require=Protection.AUTHENTICATED
        )
    with pytest.raises(InsufficientProtectionError):
        decrypt(
            GB_GLO_GET_AUTH,
            keys=GB_KEYS,
            system_title=ST_BC614E,
            require=Protection.AUTHENTICATED_ENCRYPTED,
        )


def test_authentication_key_absent_is_not_in_the_aad() -> None:
    keys = SymmetricKeys(unicast=Key(EK))
    apdu = encrypt(
        0xC8, GET_CLOCK, security=0x30, system_title=ST_BC614E, invocation_counter=1, keys=keys
    )
    assert decrypt(apdu, keys=keys, system_title=ST_BC614E).plaintext == GET_CLOCK
    with pytest.raises(AuthenticationTagError):  # the other side uses an AK: differs
        decrypt(apdu, keys=GB_KEYS, system_title=ST_BC614E)


def test_tag_tables() -> None:
    assert glo_tag(0xC0) == 0xC8 and ded_tag(0xC0) == 0xD0
    assert glo_tag(0x01) == 0x21 and glo_tag(0x08) == 0x28  # glo-initiateRequest/Response
    assert ded_tag(0x01) == 0x41 and ded_tag(0x18) == 0x58
    assert glo_tag(0xC7) == 0xCF and ded_tag(0xC7) == 0xD7
    for plain, ciphered in GLOBAL_TAGS.items():
        assert plain_tag(ciphered) == plain and is_ciphered_tag(ciphered)
    for plain, ciphered in DEDICATED_TAGS.items():
        assert plain_tag(ciphered) == plain
    assert is_ciphered_tag(GENERAL_GLO_CIPHERING) and is_ciphered_tag(GENERAL_DED_CIPHERING)
    assert not is_ciphered_tag(0xC0) and plain_tag(0xC0) is None
    with pytest.raises(SecurityConfigError):
        glo_tag(0x60)  # AARQ has no ciphered form
    with pytest.raises(SecurityConfigError):
        ded_tag(0xDB)


ALL_TAGS = sorted(set(GLOBAL_TAGS.values()) | set(_D.values()) | {0xDB, 0xDC})


@pytest.mark.parametrize("suite", list(SecuritySuite))
@pytest.mark.parametrize("tag", ALL_TAGS, ids=lambda t: f"0x{t:02x}")
@pytest.mark.parametrize("sc_bits", [0x10, 0x20, 0x30])
def test_every_tag_and_suite_round_trips(suite: SecuritySuite, tag: int, sc_bits: int) -> None:
    keys = suite_keys(suite)
    sc = SecurityControl(sc_bits | int(suite))
    plaintext = bytes([(tag + i) & 0xFF for i in range(200)])  # long form length
    apdu = encrypt(
        tag, plaintext, security=sc, system_title=ST_BC614E, invocation_counter=7, keys=keys
    )
    assert apdu[0] == tag
    out = decrypt(apdu, keys=keys, system_title=ST_BC614E)
    assert out.plaintext == plaintext and out.security == sc and out.invocation_counter == 7
    dedicated = tag in _D.values() or tag == GENERAL_DED_CIPHERING
    assert out.key_set is (KeySet.DEDICATED if dedicated else KeySet.UNICAST)
    if tag in (GENERAL_GLO_CIPHERING, GENERAL_DED_CIPHERING):
        assert apdu[1:10] == b"\x08" + ST_BC614E
        assert decrypt(apdu, keys=keys).system_title == ST_BC614E  # carried: no need to pass it


def test_broadcast_key_set() -> None:
    keys = suite_keys(SecuritySuite.SUITE_0)
    sc = SecurityControl(0x70)
    apdu = encrypt(
        0xCA, GET_CLOCK, security=sc, system_title=ST_BC614E, invocation_counter=3, keys=keys
    )
    out = decrypt(apdu, keys=keys, system_title=ST_BC614E)
    assert out.key_set is KeySet.BROADCAST
    unicast_only = dataclasses.replace(keys, broadcast=None)
    with pytest.raises(WrongKeyError):
        decrypt(apdu, keys=unicast_only, system_title=ST_BC614E)
    with pytest.raises(SecurityConfigError):  # dedicated ciphering has no key set
        encrypt(
            0xD0, GET_CLOCK, security=0x70, system_title=ST_BC614E, invocation_counter=1, keys=keys
        )
    forged = bytearray(
        encrypt(
            0xD0, GET_CLOCK, security=0x30, system_title=ST_BC614E, invocation_counter=1, keys=keys
        )
    )
    forged[2] |= 0x40
    with pytest.raises(SecurityDecodeError):
        decrypt(bytes(forged), keys=keys, system_title=ST_BC614E)


def test_dedicated_key_missing_is_a_wrong_key() -> None:
    keys = suite_keys(SecuritySuite.SUITE_0)
    apdu = encrypt(
        0xD4, GET_CLOCK, security=0x30, system_title=ST_BC614E, invocation_counter=1, keys=keys
    )
    with pytest.raises(WrongKeyError):
        decrypt(apdu, keys=keys.with_dedicated(None), system_title=ST_BC614E)


def test_suite_mismatch_is_a_wrong_key() -> None:
    k2 = suite_keys(SecuritySuite.SUITE_2)
    apdu = encrypt(
        0xCC, GET_CLOCK, security=0x32, system_title=ST_BC614E, invocation_counter=1, keys=k2
    )
    with pytest.raises(WrongKeyError):
        decrypt(apdu, keys=suite_keys(SecuritySuite.SUITE_0), system_title=ST_BC614E)
    with pytest.raises(SecurityConfigError):
        encrypt(
            0xCC, GET_CLOCK, security=0x30, system_title=ST_BC614E, invocation_counter=1, keys=k2
        )
    with pytest.raises(SecurityConfigError):
        SymmetricKeys(suite=SecuritySuite.SUITE_2, unicast=Key(EK))


def test_tampered_tag() -> None:
    for i in range(1, 13):
        bad = bytearray(GB_GLO_GET)
        bad[-i] ^= 0x80
        with pytest.raises(AuthenticationTagError) as info:
            decrypt(bytes(bad), keys=GB_KEYS, system_title=ST_BC614E)
        assert isinstance(info.value, RemoteProtocolError)


def test_tampered_header_or_ciphertext() -> None:
    for i in range(2, len(GB_GLO_GET) - 12):  # SC, IC and ciphertext bytes
        bad = bytearray(GB_GLO_GET)
        bad[i] ^= 0x01
        with pytest.raises(SecurityError):
            decrypt(bytes(bad), keys=GB_KEYS, system_title=ST_BC614E)


def test_wrong_block_cipher_or_authentication_key() -> None:
    # AES-GCM cannot tell a wrong key from a modified APDU: the tag error says both.
    for keys in (
        SymmetricKeys(unicast=Key(bytes(16)), authentication=Key(AK)),
        SymmetricKeys(unicast=Key(EK), authentication=Key(bytes(16))),
    ):
        with pytest.raises(AuthenticationTagError, match="keys or the sender's system title"):
            decrypt(GB_GLO_GET, keys=keys, system_title=ST_BC614E)


def test_wrong_system_title() -> None:
    other = h("4d4d4d0000000002")
    # not carried: the IV differs, the tag fails
    with pytest.raises(AuthenticationTagError):
        decrypt(GB_GLO_GET, keys=GB_KEYS, system_title=other)
    # carried in general-glo-ciphering: named for what it is
    apdu = encrypt(
        0xDB, GET_CLOCK, security=0x30, system_title=ST_BC614E, invocation_counter=5, keys=GB_KEYS
    )
    with pytest.raises(SystemTitleMismatchError):
        decrypt(apdu, keys=GB_KEYS, system_title=other)


def test_replayed_counter() -> None:
    guard = ReplayGuard()
    first = encrypt(
        0xCC, GET_CLOCK, security=0x30, system_title=ST_BC614E, invocation_counter=0, keys=GB_KEYS
    )
    assert (
        decrypt(first, keys=GB_KEYS, system_title=ST_BC614E, replay=guard).invocation_counter == 0
    )
    with pytest.raises(ReplayError) as info:
        decrypt(first, keys=GB_KEYS, system_title=ST_BC614E, replay=guard)
    assert (info.value.invocation_counter, info.value.lowest_acceptable) == (0, 1)
    later = encrypt(
        0xCC, GET_CLOCK, security=0x30, system_title=ST_BC614E, invocation_counter=10, keys=GB_KEYS
    )
    decrypt(later, keys=GB_KEYS, system_title=ST_BC614E, replay=guard)
    older = encrypt(
        0xCC, GET_CLOCK, security=0x30, system_title=ST_BC614E, invocation_counter=9, keys=GB_KEYS
    )
    with pytest.raises(ReplayError):
        decrypt(older, keys=GB_KEYS, system_title=ST_BC614E, replay=guard)


def test_counter_advances_only_after_verification() -> None:
    guard = ReplayGuard()
    bad = bytearray(
        encrypt(
            0xCC,
            GET_CLOCK,
            security=0x30,
            system_title=ST_BC614E,
            invocation_counter=1000,
            keys=GB_KEYS,
        )
    )
    bad[-1] ^= 1
    with pytest.raises(AuthenticationTagError):
        decrypt(bytes(bad), keys=GB_KEYS, system_title=ST_BC614E, replay=guard)
    assert guard.lowest_acceptable == 0  # a forged high counter does not lock the peer out


def test_compression_is_refused_honestly() -> None:
    with pytest.raises(SecurityConfigError):
        encrypt(
            0xDB,
            GET_CLOCK,
            security=0xB0,
            system_title=ST_BC614E,
            invocation_counter=1,
            keys=GB_KEYS,
        )
    apdu = bytearray(
        encrypt(
            0xDB,
            GET_CLOCK,
            security=0x30,
            system_title=ST_BC614E,
            invocation_counter=1,
            keys=GB_KEYS,
        )
    )
    apdu[11] |= 0x80
    with pytest.raises(UnsupportedSecurityError):
        decrypt(bytes(apdu), keys=GB_KEYS)


def test_no_protection_is_not_a_ciphered_apdu() -> None:
    with pytest.raises(SecurityConfigError):
        encrypt(
            0xC8,
            GET_CLOCK,
            security=0x00,
            system_title=ST_BC614E,
            invocation_counter=1,
            keys=GB_KEYS,
        )
    with pytest.raises(SecurityDecodeError):
        decrypt(h("C80E0001234567") + GET_CLOCK[:7], keys=GB_KEYS, system_title=ST_BC614E)


@pytest.mark.parametrize(
    ("apdu", "offset"),
    [
        (b"", 0),
        (b"\xc0\x00", 0),  # not a ciphered tag
        (b"\xc8", 1),  # no length
        (b"\xc8\x1f" + GB_GLO_GET[2:], 1),  # length past the end
        (GB_GLO_GET + b"\x00", 1),  # trailing octet
        (b"\xc8\x04\x30\x01\x23\x45", 2),  # no room for the security header
        (b"\xc8\x0a\x30\x01\x23\x45\x67" + b"\x00" * 5, 7),  # no room for the tag
        (b"\xc8\x85\x00\x00\x00\x00\x00", 1),  # 5 length octets
        (b"\xdb\x07" + ST_BC614E, 1),  # 7-octet system title
        (b"\xdb\x08" + ST_BC614E, 10),  # nothing after the system title
    ],
)
def test_malformed(apdu: bytes, offset: int) -> None:
    with pytest.raises(SecurityDecodeError) as info:
        decrypt(apdu, keys=GB_KEYS, system_title=ST_BC614E)
    assert info.value.offset == offset
    assert isinstance(info.value, SecurityError) and isinstance(info.value, RemoteProtocolError)


def test_misuse_is_local() -> None:
    with pytest.raises(SecurityConfigError):
        decrypt(GB_GLO_GET, keys=GB_KEYS)  # service-specific: the sender's title is needed
    with pytest.raises(SecurityConfigError):
        encrypt(
            0xC0,
            GET_CLOCK,
            security=0x30,
            system_title=ST_BC614E,
            invocation_counter=1,
            keys=GB_KEYS,
        )
    with pytest.raises(SecurityConfigError):
        encrypt(
            0xC8,
            GET_CLOCK,
            security=0x30,
            system_title=b"short",
            invocation_counter=1,
            keys=GB_KEYS,
        )
    with pytest.raises(SecurityConfigError):
        encrypt(
            0xC8,
            GET_CLOCK,
            security=0x30,
            system_title=ST_BC614E,
            invocation_counter=0xFFFFFFFF,
            keys=GB_KEYS,
        )


# -- hostile input -------------------------------------------------------------------------

KEYSETS = [GB_KEYS, suite_keys(SecuritySuite.SUITE_0), suite_keys(SecuritySuite.SUITE_2)]


def _decrypt_or_typed_error(data: bytes) -> None:
    for keys in KEYSETS:
        try:
            out = decrypt(data, keys=keys, system_title=ST_BC614E, replay=ReplayGuard())
        except SecurityError as exc:
            assert isinstance(exc, DlmsError)
            assert str(exc)
        else:
            assert isinstance(out.plaintext, bytes)


@given(st.binary(max_size=300))
def test_random_bytes(data: bytes) -> None:
    _decrypt_or_typed_error(data)


@given(st.sampled_from(ALL_TAGS), st.binary(max_size=200))
def test_random_bytes_after_a_ciphered_tag(tag: int, rest: bytes) -> None:
    _decrypt_or_typed_error(bytes([tag]) + rest)


def _seeds() -> list[bytes]:
    out = [GB_GLO_GET, GB_GLO_GET_AUTH, GB_GLO_GET_ENC]
    for tag in (0xDB, 0xDC, 0xD4):
        out.append(
            encrypt(
                tag,
                GET_CLOCK * 12,
                security=0x30,
                system_title=ST_BC614E,
                invocation_counter=9,
                keys=KEYSETS[1],
            )
        )
    return out


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(_seeds())))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "cut", "insert", "delete"]))
        if kind == "cut":
            del data[draw(st.integers(0, len(data))) :]
        elif not data:
            continue
        elif kind == "flip":
            i = draw(st.integers(0, len(data) - 1))
            data[i] = draw(st.integers(0, 255))
        elif kind == "insert":
            data.insert(draw(st.integers(0, len(data))), draw(st.integers(0, 255)))
        else:
            del data[draw(st.integers(0, len(data) - 1))]
    return bytes(data)


@given(mutated())
def test_mutated_real_apdus(data: bytes) -> None:
    _decrypt_or_typed_error(data)
