"""The shared vectors (../shared/vectors): the Green Book examples reproduce byte for byte and
the ciphered real-meter APDUs decipher with their published keys."""

from __future__ import annotations

from typing import Any

import pytest

from _vectors import by_id, entries
from dlmskit.security import (
    Credentials,
    Key,
    SecurityControl,
    SymmetricKeys,
    decrypt,
    encrypt,
    respond,
)


def _keys(entry: dict[str, Any]) -> SymmetricKeys:
    k = entry["keys"]
    return SymmetricKeys(unicast=Key.from_hex(k["ek"]), authentication=Key.from_hex(k["ak"]))


def _user_information(acse: bytes) -> bytes:
    """The octet string inside the user-information [30] (BE) of an AARQ/AARE/RLRQ/RLRE."""
    assert acse[0] in (0x60, 0x61, 0x62, 0x63) and acse[1] < 0x80
    pos, end = 2, 2 + acse[1]
    assert end == len(acse)
    while pos < end:
        tag, length = acse[pos], acse[pos + 1]
        assert length < 0x80
        if tag == 0xBE:
            inner = acse[pos + 2 : pos + 2 + length]
            assert inner[0] == 0x04 and inner[1] == len(inner) - 2
            return inner[2:]
        pos += 2 + length
    raise AssertionError("no user-information")


def test_green_book_ciphered_get() -> None:
    entry = by_id("normative", "gb-gcm-glo-get-request")
    apdu = bytes.fromhex(entry["hex"])
    exp = entry["expected"]
    keys = _keys(entry)
    title = bytes.fromhex(entry["keys"]["system_title"])
    out = decrypt(apdu, keys=keys, system_title=title)
    assert out.plaintext.hex() == exp["plaintext"]
    assert out.security == SecurityControl(0x30) and out.invocation_counter == 0x01234567
    again = encrypt(
        apdu[0],
        out.plaintext,
        security=0x30,
        system_title=title,
        invocation_counter=0x01234567,
        keys=keys,
    )
    assert again == apdu
    assert apdu.hex().upper() == "C81E3001234567411312FF935A47566827C467BC7D825C3BE4A77C3FCC056B6B"
    assert apdu[-12:].hex() == exp["tag"] and apdu[7:-12].hex() == exp["ciphertext"]


def test_green_book_hls_gmac_pass_3() -> None:
    entry = by_id("normative", "gb-hls-gmac-pass3")
    exp = entry["expected"]
    f = respond(
        5,
        challenge=bytes.fromhex(exp["stoc_challenge"]),
        own_challenge=bytes.fromhex("4B35366956616759"),  # the example's CtoS
        credentials=Credentials(keys=_keys(entry)),
        own_system_title=bytes.fromhex(exp["client_system_title"]),
        invocation_counter=int(exp["invocation_counter"], 16),
    )
    assert f.hex() == entry["hex"]
    assert f[-12:].hex().upper() == "1A52FE7DD3E72748973C1E28" == exp["gmac_tag"].upper()


def test_glo_initiate_request_in_the_ciphered_aarq() -> None:
    entry = by_id("realworld", "dlmscosem-aarq-ciphered-lls")
    aarq = bytes.fromhex(entry["hex"])
    glo = _user_information(aarq)
    assert glo[0] == 0x21  # glo-initiateRequest
    keys, title = _keys(entry), bytes.fromhex(entry["keys"]["system_title"])
    out = decrypt(glo, keys=keys, system_title=title)
    assert out.plaintext.hex() == entry["expected"]["user_information"]["decrypts_to_hex"]
    # the plaintext is the Green Book InitiateRequest with a dedicated key
    assert out.plaintext == bytes.fromhex(
        by_id("realworld", "dlmscosem-initiate-request-dedicated-key")["hex"]
    )
    assert (
        encrypt(
            0x21,
            out.plaintext,
            security=out.security,
            system_title=title,
            invocation_counter=out.invocation_counter,
            keys=keys,
        )
        == glo
    )


def test_glo_initiate_response_in_the_ciphered_rlre() -> None:
    entry = by_id("realworld", "dlmscosem-rlre-ciphered")
    glo = _user_information(bytes.fromhex(entry["hex"]))
    assert glo[0] == 0x28  # glo-initiateResponse
    keys, title = _keys(entry), bytes.fromhex(entry["keys"]["system_title"])
    out = decrypt(glo, keys=keys, system_title=title)
    assert out.plaintext.hex() == entry["expected"]["decrypted_user_information_hex"]
    assert out.invocation_counter == 0x01234567
    assert (
        encrypt(
            0x28,
            out.plaintext,
            security=0x30,
            system_title=title,
            invocation_counter=out.invocation_counter,
            keys=keys,
        )
        == glo
    )


def test_udp_push_with_general_glo_ciphering() -> None:
    entry = by_id("realworld", "dlmscosem-udp-ggc-datanotification")
    frame = bytes.fromhex(entry["hex"])
    assert int.from_bytes(frame[6:8], "big") == len(frame) - 8  # DLMS/UDP wrapper header
    apdu = frame[8:]
    keys = _keys(entry)
    title = bytes.fromhex(entry["keys"]["system_title"])
    out = decrypt(apdu, keys=keys, system_title=title)  # the carried title must be this one
    assert out.plaintext.hex() == entry["expected"]["decrypted_apdu_hex"]
    assert out.plaintext[0] == 0x0F and out.invocation_counter == 485
    assert (
        encrypt(
            0xDB,
            out.plaintext,
            security=0x30,
            system_title=title,
            invocation_counter=485,
            keys=keys,
        )
        == apdu
    )


def test_green_book_ciphertext_and_tag() -> None:
    entry = by_id("realworld", "dlmscosem-glo-get-request-gb")
    body = bytes.fromhex(entry["hex"])
    apdu = bytes([0xC8, 5 + len(body), 0x30]) + (0x01234567).to_bytes(4, "big") + body
    out = decrypt(
        apdu, keys=_keys(entry), system_title=bytes.fromhex(entry["keys"]["system_title"])
    )
    assert out.plaintext.hex().upper() == entry["expected"]["source_asserts"]["plaintext"]


def test_hls_reply_inside_an_action_request_has_the_gmac_shape() -> None:
    entry = by_id("realworld", "dlmscosem-action-request-hls-reply")
    apdu = bytes.fromhex(entry["hex"])
    assert apdu[-19:-17] == b"\x09\x11"  # octet-string of 17 octets
    f = apdu[-17:]
    assert SecurityControl(f[0]) == SecurityControl.of(authenticated=True)
    # SC 10 | IC 00001A90 | 12-octet tag. (The vector's note reads the IC as 26 = 0x1A, one
    # octet off: the bytes are 10 00 00 1A 90 ..., i.e. IC 0x1A90.)
    assert int.from_bytes(f[1:5], "big") == 0x1A90
    assert len(f[5:]) == 12


def test_every_vector_with_keys_is_covered() -> None:
    covered = {
        "gb-gcm-glo-get-request",
        "gb-hls-gmac-pass3",
        "dlmscosem-aarq-ciphered-lls",
        "dlmscosem-rlre-ciphered",
        "dlmscosem-udp-ggc-datanotification",
        "dlmscosem-glo-get-request-gb",
    }
    with_keys = {
        e["id"] for name in ("normative", "realworld") for e in entries(name) if e.get("keys")
    }
    missing = with_keys - covered
    if missing:
        pytest.fail(f"vectors with keys not deciphered by a test: {sorted(missing)}")
