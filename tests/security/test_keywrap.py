"""Key transfer: RFC 3394 vectors and a key_transfer round trip client -> meter."""

from __future__ import annotations

import contextlib

import pytest
from cryptography.hazmat.primitives.keywrap import aes_key_unwrap
from hypothesis import given
from hypothesis import strategies as st

from _security_material import h
from dlmskit.security import (
    GlobalKeyId,
    Key,
    SecurityConfigError,
    SecurityDecodeError,
    SecurityError,
    SecuritySuite,
    WrongKeyError,
)
from dlmskit.security.keywrap import (
    decode_key_data_list,
    encode_key_data_list,
    key_transfer_request,
    receive_key_transfer,
    unwrap_key,
    wrap_key,
)


@pytest.mark.parametrize(
    ("kek", "key", "wrapped"),
    [
        (  # RFC 3394 4.1: 128 bits of key data with a 128-bit KEK
            "000102030405060708090A0B0C0D0E0F",
            "00112233445566778899AABBCCDDEEFF",
            "1FA68B0A8112B447AEF34BD8FB5A7B829D3E862371D2CFE5",
        ),
        (  # RFC 3394 4.6: 256 bits of key data with a 256-bit KEK
            "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F",
            "00112233445566778899AABBCCDDEEFF000102030405060708090A0B0C0D0E0F",
            "28C9F404C4B810F4CBCCB35CFB87F8263F5786E2D80ED326CBC7F0E71A99F43BFB988B9B7A02DD21",
        ),
    ],
)
def test_rfc_3394(kek: str, key: str, wrapped: str) -> None:
    assert wrap_key(Key(h(kek)), Key(h(key))) == h(wrapped)
    assert unwrap_key(Key(h(kek)), h(wrapped)) == Key(h(key))


def test_wrong_kek_or_altered_data() -> None:
    kek, key = Key.generate(), Key.generate()
    wrapped = wrap_key(kek, key)
    with pytest.raises(WrongKeyError):
        unwrap_key(Key.generate(), wrapped)
    bad = bytearray(wrapped)
    bad[5] ^= 1
    with pytest.raises(WrongKeyError):
        unwrap_key(kek, bytes(bad))
    with pytest.raises(WrongKeyError):
        unwrap_key(kek, wrapped[:16])
    with pytest.raises(SecurityConfigError):
        wrap_key(b"short", key)


@pytest.mark.parametrize("suite", list(SecuritySuite))
def test_key_transfer_round_trip(suite: SecuritySuite) -> None:
    kek = Key.generate(suite.key_length)
    new = {
        GlobalKeyId.UNICAST_ENCRYPTION: Key.generate(suite.key_length),
        GlobalKeyId.AUTHENTICATION: Key.generate(suite.key_length),
        GlobalKeyId.MASTER: Key.generate(suite.key_length),
    }
    request = key_transfer_request(kek, new)
    # array of structure {enum, octet-string}
    assert request[:2] == b"\x01\x03" and request[2:6] == b"\x02\x02\x16\x00"
    received = receive_key_transfer(kek, request, suite)
    assert received == new
    # cryptography's own unwrap agrees with what went on the wire
    for kid, wrapped in decode_key_data_list(request):
        assert aes_key_unwrap(kek.reveal(), wrapped) == new[kid].reveal()
    with pytest.raises(WrongKeyError):
        receive_key_transfer(Key.generate(suite.key_length), request, suite)


def test_key_transfer_refuses_a_key_of_the_wrong_suite_and_duplicates() -> None:
    kek = Key.generate(16)
    request = key_transfer_request(kek, {GlobalKeyId.UNICAST_ENCRYPTION: Key.generate(16)})
    kek32 = Key.generate(32)
    with pytest.raises(WrongKeyError):
        receive_key_transfer(kek, request, SecuritySuite.SUITE_2)
    twice = encode_key_data_list(
        [(0, wrap_key(kek, Key.generate())), (0, wrap_key(kek, Key.generate()))]
    )
    with pytest.raises(SecurityDecodeError):
        receive_key_transfer(kek, twice)
    assert len(wrap_key(kek32, Key.generate(32))) == 40


@pytest.mark.parametrize(
    "data",
    [
        b"",
        h("0100"),  # empty array
        h("0101020116000900"),  # empty octet-string is still well formed; check the key id
        h("010102021604090100"),  # key_id 4
        h("0101020109010016"),  # wrong order
        h("0101020216000901"),  # truncated
        h("09020000"),  # not an array
    ],
)
def test_malformed_key_data(data: bytes) -> None:
    with pytest.raises(SecurityError):
        receive_key_transfer(Key.generate(), data)


@given(st.binary(max_size=120))
def test_random_key_data(data: bytes) -> None:
    with contextlib.suppress(SecurityError):
        receive_key_transfer(Key(bytes(16)), data)
