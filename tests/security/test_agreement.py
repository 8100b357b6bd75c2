"""Key agreement between our client side and our meter side, suites 1 and 2, checked against
cryptography's own ECDH and ConcatKDFHash."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.kdf.concatkdf import ConcatKDFHash

from _security_material import ST_000001, ST_BC614E
from dlmskit.security import (
    GlobalKeyId,
    SecurityDecodeError,
    SecuritySuite,
    SignatureError,
    agreement,
    ecc,
)
from dlmskit.security.keywrap import decode_key_data_list

CLIENT, SERVER = ST_BC614E, ST_000001
SUITES = [SecuritySuite.SUITE_1, SecuritySuite.SUITE_2]


def _reference_key(suite: SecuritySuite, z: bytes, other_info: bytes) -> bytes:
    algorithm = hashes.SHA384() if suite is SecuritySuite.SUITE_2 else hashes.SHA256()
    return ConcatKDFHash(algorithm=algorithm, length=suite.key_length, otherinfo=other_info).derive(
        z
    )


@pytest.mark.parametrize("suite", SUITES)
def test_ephemeral_unified_model_round_trip(suite: SecuritySuite) -> None:
    client_sign = ecc.generate_private_key(suite)
    server_sign = ecc.generate_private_key(suite)
    wanted = [GlobalKeyId.UNICAST_ENCRYPTION, GlobalKeyId.AUTHENTICATION, GlobalKeyId.MASTER]
    request, offers = agreement.key_agreement_request(suite, wanted, client_sign)
    items = decode_key_data_list(request)
    assert [k for k, _ in items] == wanted
    size = 4 * ecc.coordinate_length(suite)
    assert all(len(data) == size for _, data in items)  # Q (x || y) || signature (r || s)
    response, meter_keys = agreement.answer_key_agreement(
        suite,
        request,
        client_signing_key=client_sign.public_key(),
        server_signing_key=server_sign,
        client_system_title=CLIENT,
        server_system_title=SERVER,
    )
    client_keys = agreement.finish_key_agreement(
        offers,
        response,
        server_signing_key=server_sign.public_key(),
        client_system_title=CLIENT,
        server_system_title=SERVER,
    )
    assert client_keys == meter_keys and set(client_keys) == set(wanted)
    assert len({k.reveal() for k in client_keys.values()}) == 3  # fresh ephemeral keys each
    # the same key from cryptography's primitives: ECDH of the two ephemeral keys, then KDF
    server_points = dict(decode_key_data_list(response))
    for kid, offer in offers.items():
        peer = ecc.public_key_from_bytes(
            server_points[kid][: 2 * ecc.coordinate_length(suite)], suite
        )
        z = offer.private_key.exchange(ec.ECDH(), peer)
        expected = _reference_key(suite, z, suite.gcm_algorithm_id + CLIENT + SERVER)
        assert client_keys[kid].reveal() == expected


@pytest.mark.parametrize("suite", SUITES)
def test_ephemeral_unified_model_refuses_a_bad_signature(suite: SecuritySuite) -> None:
    client_sign = ecc.generate_private_key(suite)
    request, _ = agreement.key_agreement_request(suite, [0], client_sign)
    bad = bytearray(request)
    bad[-1] ^= 1  # last octet of the signature
    with pytest.raises(SignatureError):
        agreement.answer_key_agreement(
            suite,
            bytes(bad),
            client_signing_key=client_sign.public_key(),
            server_signing_key=ecc.generate_private_key(suite),
            client_system_title=CLIENT,
            server_system_title=SERVER,
        )
    impostor = ecc.generate_private_key(suite)  # signed by someone else
    with pytest.raises(SignatureError):
        agreement.answer_key_agreement(
            suite,
            request,
            client_signing_key=impostor.public_key(),
            server_signing_key=ecc.generate_private_key(suite),
            client_system_title=CLIENT,
            server_system_title=SERVER,
        )


def test_finish_refuses_unexpected_answers() -> None:
    suite = SecuritySuite.SUITE_1
    sign = ecc.generate_private_key(suite)
    request, offers = agreement.key_agreement_request(suite, [0, 2], sign)
    response, _ = agreement.answer_key_agreement(
        suite,
        request,
        client_signing_key=sign.public_key(),
        server_signing_key=sign,
        client_system_title=CLIENT,
        server_system_title=SERVER,
    )
    partial = {GlobalKeyId.UNICAST_ENCRYPTION: offers[GlobalKeyId.UNICAST_ENCRYPTION]}
    with pytest.raises(SecurityDecodeError):
        agreement.finish_key_agreement(
            partial,
            response,
            server_signing_key=sign.public_key(),
            client_system_title=CLIENT,
            server_system_title=SERVER,
        )
    one, _ = agreement.answer_key_agreement(
        suite,
        agreement.key_agreement_request(suite, [0], sign)[0],
        client_signing_key=sign.public_key(),
        server_signing_key=sign,
        client_system_title=CLIENT,
        server_system_title=SERVER,
    )
    with pytest.raises((SecurityDecodeError, SignatureError)):
        agreement.finish_key_agreement(
            offers,
            one,
            server_signing_key=sign.public_key(),
            client_system_title=CLIENT,
            server_system_title=SERVER,
        )


@pytest.mark.parametrize("suite", SUITES)
def test_one_pass_round_trip(suite: SecuritySuite) -> None:
    originator_sign = ecc.generate_private_key(suite)
    recipient_static = ecc.generate_private_key(suite)
    key, info = agreement.one_pass_originate(
        suite,
        recipient_key=recipient_static.public_key(),
        signing_key=originator_sign,
        originator_system_title=CLIENT,
        recipient_system_title=SERVER,
    )
    assert len(info.key_ciphered_data) == 4 * ecc.coordinate_length(suite)
    received = agreement.one_pass_receive(
        suite,
        info,
        own_key=recipient_static,
        originator_signing_key=originator_sign.public_key(),
        originator_system_title=CLIENT,
        recipient_system_title=SERVER,
    )
    assert received == key
    eph = ecc.public_key_from_bytes(
        info.key_ciphered_data[: 2 * ecc.coordinate_length(suite)], suite
    )
    z = recipient_static.exchange(ec.ECDH(), eph)
    assert key.reveal() == _reference_key(suite, z, suite.gcm_algorithm_id + CLIENT + SERVER)
    # another recipient title, another key (the titles are bound into the KDF)
    other = agreement.one_pass_receive(
        suite,
        info,
        own_key=recipient_static,
        originator_signing_key=originator_sign.public_key(),
        originator_system_title=CLIENT,
        recipient_system_title=CLIENT,
    )
    assert other != key


@pytest.mark.parametrize("suite", SUITES)
def test_static_unified_round_trip(suite: SecuritySuite) -> None:
    u = ecc.generate_private_key(suite)
    v = ecc.generate_private_key(suite)
    key1, info = agreement.static_unified_originate(
        suite,
        own_key=u,
        recipient_key=v.public_key(),
        transaction_id=b"\x00" * 7 + b"\x01",
        originator_system_title=CLIENT,
        recipient_system_title=SERVER,
    )
    assert info.key_ciphered_data == b""
    got = agreement.static_unified_receive(
        suite,
        own_key=v,
        originator_key=u.public_key(),
        transaction_id=b"\x00" * 7 + b"\x01",
        originator_system_title=CLIENT,
        recipient_system_title=SERVER,
    )
    assert got == key1
    key2, _ = agreement.static_unified_originate(
        suite,
        own_key=u,
        recipient_key=v.public_key(),
        transaction_id=b"\x00" * 7 + b"\x02",
        originator_system_title=CLIENT,
        recipient_system_title=SERVER,
    )
    assert key2 != key1  # the transaction-id is the nonce
    z = u.exchange(ec.ECDH(), v.public_key())
    info_bytes = suite.gcm_algorithm_id + CLIENT + b"\x08" + b"\x00" * 7 + b"\x01" + SERVER
    assert key1.reveal() == _reference_key(suite, z, info_bytes)
