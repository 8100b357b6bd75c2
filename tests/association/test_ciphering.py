"""The ciphering of an association: policy, counters, replay, dedicated key, peer title."""

from __future__ import annotations

import pytest

from dlmskit.association import Ciphering, SecurityContext
from dlmskit.security import (
    InsufficientProtectionError,
    InvocationCounter,
    MemoryCounterStore,
    Protection,
    ReplayError,
    SecurityConfigError,
    SecurityPolicy,
    SymmetricKeys,
)

EK = bytes.fromhex("000102030405060708090a0b0c0d0e0f")
AK = bytes.fromhex("d0d1d2d3d4d5d6d7d8d9dadbdcdddedf")
CLIENT_TITLE = bytes.fromhex("4d4d4d0000bc614e")
SERVER_TITLE = bytes.fromhex("4d4d4d0000000001")
KEYS = SymmetricKeys(unicast=EK, authentication=AK)
POLICY = SecurityPolicy.from_v0(3)


def _pair() -> tuple[Ciphering, Ciphering]:
    client = Ciphering(
        SecurityContext(KEYS, CLIENT_TITLE, POLICY), client=True, peer_system_title=SERVER_TITLE
    )
    server = Ciphering(
        SecurityContext(KEYS, SERVER_TITLE, POLICY), client=False, peer_system_title=CLIENT_TITLE
    )
    return client, server


def test_green_book_ciphered_get_request() -> None:
    counter = InvocationCounter(MemoryCounterStore(0x01234567))
    client = Ciphering(SecurityContext(KEYS, CLIENT_TITLE, POLICY), client=True, counter=counter)
    plain = bytes.fromhex("c0010000080000010000ff0200")
    assert client.protect(plain).hex() == (
        "c81e3001234567411312ff935a47566827c467bc7d825c3be4a77c3fcc056b6b"
    )
    assert counter.value == 0x01234568


def test_requests_and_responses_both_ways() -> None:
    client, server = _pair()
    request = bytes.fromhex("c0010000080000010000ff0200")
    got = server.unprotect(client.protect(request))
    assert got.plaintext == request and got.protection == Protection.AUTHENTICATED_ENCRYPTED
    response = bytes.fromhex("c401c1000600000118")
    assert client.unprotect(server.protect(response)).plaintext == response


def test_replayed_apdu_is_refused() -> None:
    client, server = _pair()
    sent = client.protect(bytes.fromhex("c0010000080000010000ff0200"))
    server.unprotect(sent)
    with pytest.raises(ReplayError):
        server.unprotect(sent)


def test_less_protection_than_the_policy_is_refused() -> None:
    client, server = _pair()
    weak = client.protect(
        bytes.fromhex("c0010000080000010000ff0200"), protection=Protection.AUTHENTICATED
    )
    with pytest.raises(InsufficientProtectionError):
        server.unprotect(weak)


def test_dedicated_key_and_general_ciphering() -> None:
    client, server = _pair()
    dedicated = bytes(range(100, 116))
    client.set_dedicated_key(dedicated)
    server.set_dedicated_key(dedicated)
    request = bytes.fromhex("c0010000080000010000ff0200")
    sent = client.protect(request)
    assert sent[0] == 0xD0  # ded-get-request
    assert server.unprotect(sent).plaintext == request
    general = Ciphering(
        SecurityContext(KEYS, CLIENT_TITLE, POLICY, general_ciphering=True), client=True
    )
    sent = general.protect(request, dedicated=False)
    assert sent[0] == 0xDB and sent[2:10] == CLIENT_TITLE
    assert server.unprotect(sent).plaintext == request
    with pytest.raises(SecurityConfigError):
        client.set_dedicated_key(b"short")


def test_repr_shows_no_key() -> None:
    client, _ = _pair()
    client.set_dedicated_key(bytes(range(100, 116)))
    text = repr(client)
    assert EK.hex() not in text and "646566" not in text


def test_general_ciphering_asked_for_one_apdu() -> None:
    client, server = _pair()
    exception_response = bytes.fromhex("d80102")  # no service-specific ciphered form
    with pytest.raises(SecurityConfigError):
        server.protect(exception_response)
    sent = server.protect(exception_response, general=True)
    assert sent[0] == 0xDB and sent[2:10] == SERVER_TITLE
    assert client.unprotect(sent).plaintext == exception_response
    request = bytes.fromhex("c0010000080000010000ff0200")
    general_client = Ciphering(
        SecurityContext(KEYS, CLIENT_TITLE, POLICY, general_ciphering=True), client=True
    )
    assert general_client.protect(request, general=False)[0] == 0xC8
