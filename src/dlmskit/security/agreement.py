"""Key establishment of security suites 1 and 2 (NIST SP 800-56A ECC CDH schemes).

* **Ephemeral Unified Model C(2e, 0s)** -- the key_agreement method of "Security setup":
  client (party U) and server (party V) each send ``key_data = Q_e || signature(key_id ||
  Q_e)``, signed with their digital signature key; both compute Z from their ephemeral
  private key and the other's ephemeral public key and derive the global key with
  ``OtherInfo = AlgorithmID || system-title(client) || system-title(server)``.
* **One-Pass Diffie-Hellman C(1e, 1s)** -- general-ciphering agreed-key 0x01: the originator
  (U) sends ``Q_e,U || signature(Q_e,U)``; Z = ECDH(ephemeral U, static key agreement key
  of the recipient V); ``OtherInfo = AlgorithmID || originator-system-title ||
  recipient-system-title``.
* **Static Unified Model C(0e, 2s)** -- general-ciphering agreed-key 0x02, empty key data:
  Z = ECDH(static U, static V); the transaction-id is the nonce: ``OtherInfo = AlgorithmID
  || originator-system-title || len(transaction-id) || transaction-id ||
  recipient-system-title``.

Checked against the Green Book's suite 1 test vectors (tests/security/test_greenbook_suite1.py).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from dlmskit.security import ecc
from dlmskit.security.control import (
    GlobalKeyId,
    IdentifiedKeyId,
    KeyAgreementScheme,
    SecuritySuite,
)
from dlmskit.security.envelope import SymmetricKeys
from dlmskit.security.errors import (
    SecurityConfigError,
    SecurityDecodeError,
    WrongKeyError,
)
from dlmskit.security.general import AgreedKey, GeneralCiphering, IdentifiedKey, WrappedKey
from dlmskit.security.keywrap import (
    decode_key_data_list,
    encode_key_data_list,
    unwrap_key,
    wrap_key,
)
from dlmskit.security.secret import Key

__all__ = [
    "EphemeralOffer",
    "answer_key_agreement",
    "ephemeral_agree",
    "ephemeral_offer",
    "finish_key_agreement",
    "general_ciphering_key",
    "identified_key",
    "key_agreement_request",
    "one_pass_originate",
    "one_pass_receive",
    "static_unified_originate",
    "static_unified_other_info",
    "static_unified_receive",
    "wrapped_key",
]


@dataclass(frozen=True, slots=True)
class EphemeralOffer:
    """One party's half of the Ephemeral Unified Model: the ephemeral private key it keeps
    and the ``key_data`` it sends."""

    suite: SecuritySuite
    key_id: GlobalKeyId
    private_key: ecc.PrivateKey = dataclasses.field(repr=False)
    key_data: bytes = dataclasses.field(repr=False)


def _split_signed_point(
    data: bytes, suite: SecuritySuite, what: str
) -> tuple[ecc.PublicKey, bytes, bytes]:
    n = ecc.coordinate_length(suite)
    if len(data) != 4 * n:
        raise SecurityDecodeError(
            f"{what}: a {2 * n}-octet public key and a {2 * n}-octet signature, found "
            f"{len(data)} octets",
            0,
        )
    point = data[: 2 * n]
    return ecc.public_key_from_bytes(point, suite), point, data[2 * n :]


def ephemeral_offer(
    suite: SecuritySuite | int, key_id: GlobalKeyId | int, signing_key: ecc.PrivateKey
) -> EphemeralOffer:
    """Generate an ephemeral key pair and sign ``key_id || Q_e`` with ``signing_key``."""
    s = SecuritySuite(suite)
    kid = GlobalKeyId(key_id)
    private = ecc.generate_private_key(s)
    point = ecc.public_key_to_bytes(private)
    signature = ecc.ecdsa_sign(signing_key, bytes((int(kid),)) + point, s)
    return EphemeralOffer(s, kid, private, point + signature)


def ephemeral_agree(
    offer: EphemeralOffer,
    peer_key_data: bytes,
    peer_signing_key: ecc.PublicKey,
    *,
    client_system_title: bytes,
    server_system_title: bytes,
    algorithm_id: bytes | None = None,
) -> Key:
    """Check the peer's signed ephemeral key and derive the agreed key. Both parties call
    this with the same (client, server) system titles."""
    peer, point, signature = _split_signed_point(peer_key_data, offer.suite, "key_data")
    ecc.ecdsa_verify(peer_signing_key, bytes((int(offer.key_id),)) + point, signature, offer.suite)
    z = ecc.ecdh(offer.private_key, peer)
    return ecc.kdf_key(
        z,
        offer.suite,
        party_u_info=client_system_title,
        party_v_info=server_system_title,
        algorithm_id=algorithm_id,
    )


def key_agreement_request(
    suite: SecuritySuite | int,
    key_ids: Iterable[GlobalKeyId | int],
    signing_key: ecc.PrivateKey,
) -> tuple[bytes, dict[GlobalKeyId, EphemeralOffer]]:
    """The client side: the key_agreement method parameter for ``key_ids`` and the offers
    to keep until the server answers."""
    offers = {GlobalKeyId(k): ephemeral_offer(suite, k, signing_key) for k in key_ids}
    if not offers:
        raise SecurityConfigError("name at least one key to agree on")
    return encode_key_data_list([(k, o.key_data) for k, o in offers.items()]), offers


def answer_key_agreement(
    suite: SecuritySuite | int,
    request: bytes,
    *,
    client_signing_key: ecc.PublicKey,
    server_signing_key: ecc.PrivateKey,
    client_system_title: bytes,
    server_system_title: bytes,
    algorithm_id: bytes | None = None,
) -> tuple[bytes, dict[GlobalKeyId, Key]]:
    """The meter side of key_agreement: check the client's signed ephemeral keys, answer
    with its own, and return the agreed keys (install them only once the response left)."""
    s = SecuritySuite(suite)
    answer: list[tuple[GlobalKeyId, bytes]] = []
    keys: dict[GlobalKeyId, Key] = {}
    for kid, data in decode_key_data_list(request):
        if kid in keys:
            raise SecurityDecodeError(f"key {kid.name} once, found twice", 0)
        offer = ephemeral_offer(s, kid, server_signing_key)
        keys[kid] = ephemeral_agree(
            offer,
            data,
            client_signing_key,
            client_system_title=client_system_title,
            server_system_title=server_system_title,
            algorithm_id=algorithm_id,
        )
        answer.append((kid, offer.key_data))
    return encode_key_data_list(answer), keys


def finish_key_agreement(
    offers: Mapping[GlobalKeyId, EphemeralOffer],
    response: bytes,
    *,
    server_signing_key: ecc.PublicKey,
    client_system_title: bytes,
    server_system_title: bytes,
    algorithm_id: bytes | None = None,
) -> dict[GlobalKeyId, Key]:
    """The client side, after the server's response: the agreed keys."""
    keys: dict[GlobalKeyId, Key] = {}
    for kid, data in decode_key_data_list(response):
        offer = offers.get(kid)
        if offer is None or kid in keys:
            raise SecurityDecodeError(f"an answer for a key that was offered, found {kid.name}", 0)
        keys[kid] = ephemeral_agree(
            offer,
            data,
            server_signing_key,
            client_system_title=client_system_title,
            server_system_title=server_system_title,
            algorithm_id=algorithm_id,
        )
    if set(keys) != set(offers):
        raise SecurityDecodeError("an answer for every key offered", 0)
    return keys


def one_pass_originate(
    suite: SecuritySuite | int,
    *,
    recipient_key: ecc.PublicKey,
    signing_key: ecc.PrivateKey,
    originator_system_title: bytes,
    recipient_system_title: bytes,
    algorithm_id: bytes | None = None,
) -> tuple[Key, AgreedKey]:
    """C(1e, 1s) as the originator: a fresh block cipher key for one general-ciphering APDU
    and the agreed-key key-info that lets the recipient derive it. ``recipient_key`` is the
    recipient's static key agreement public key (from its certificate)."""
    s = SecuritySuite(suite)
    private = ecc.generate_private_key(s)
    point = ecc.public_key_to_bytes(private)
    signature = ecc.ecdsa_sign(signing_key, point, s)
    key = ecc.kdf_key(
        ecc.ecdh(private, recipient_key),
        s,
        party_u_info=originator_system_title,
        party_v_info=recipient_system_title,
        algorithm_id=algorithm_id,
    )
    return key, AgreedKey(KeyAgreementScheme.ONE_PASS_DIFFIE_HELLMAN, point + signature)


def one_pass_receive(
    suite: SecuritySuite | int,
    agreed: AgreedKey,
    *,
    own_key: ecc.PrivateKey,
    originator_signing_key: ecc.PublicKey,
    originator_system_title: bytes,
    recipient_system_title: bytes,
    algorithm_id: bytes | None = None,
) -> Key:
    """C(1e, 1s) as the recipient: check the originator's signed ephemeral key and derive
    the block cipher key. ``own_key`` is our static key agreement private key."""
    s = SecuritySuite(suite)
    if agreed.scheme is not KeyAgreementScheme.ONE_PASS_DIFFIE_HELLMAN:
        raise SecurityConfigError("the agreed-key is not one-pass Diffie-Hellman")
    peer, point, signature = _split_signed_point(agreed.key_ciphered_data, s, "key-ciphered-data")
    ecc.ecdsa_verify(originator_signing_key, point, signature, s)
    return ecc.kdf_key(
        ecc.ecdh(own_key, peer),
        s,
        party_u_info=originator_system_title,
        party_v_info=recipient_system_title,
        algorithm_id=algorithm_id,
    )


def static_unified_other_info(
    suite: SecuritySuite | int,
    *,
    transaction_id: bytes,
    originator_system_title: bytes,
    recipient_system_title: bytes,
    algorithm_id: bytes | None = None,
) -> bytes:
    """OtherInfo of C(0e, 2s): AlgorithmID || ID_U || Datalen || transaction-id || ID_V."""
    s = SecuritySuite(suite)
    if not 0 < len(transaction_id) < 256:
        raise SecurityConfigError("the transaction-id (the nonce) is 1..255 octets")
    alg = s.gcm_algorithm_id if algorithm_id is None else algorithm_id
    return (
        alg
        + originator_system_title
        + bytes((len(transaction_id),))
        + transaction_id
        + recipient_system_title
    )


def _static_key(
    suite: SecuritySuite,
    own: ecc.PrivateKey,
    peer: ecc.PublicKey,
    other_info: bytes,
) -> Key:
    return Key(ecc.concat_kdf(ecc.ecdh(own, peer), other_info, suite))


def static_unified_originate(
    suite: SecuritySuite | int,
    *,
    own_key: ecc.PrivateKey,
    recipient_key: ecc.PublicKey,
    transaction_id: bytes,
    originator_system_title: bytes,
    recipient_system_title: bytes,
    algorithm_id: bytes | None = None,
) -> tuple[Key, AgreedKey]:
    """C(0e, 2s) as the originator: the block cipher key and the (empty) agreed-key. Use a
    fresh ``transaction_id`` per message: it is the nonce that makes the key differ."""
    s = SecuritySuite(suite)
    info = static_unified_other_info(
        s,
        transaction_id=transaction_id,
        originator_system_title=originator_system_title,
        recipient_system_title=recipient_system_title,
        algorithm_id=algorithm_id,
    )
    return _static_key(s, own_key, recipient_key, info), AgreedKey(
        KeyAgreementScheme.STATIC_UNIFIED_MODEL
    )


def static_unified_receive(
    suite: SecuritySuite | int,
    *,
    own_key: ecc.PrivateKey,
    originator_key: ecc.PublicKey,
    transaction_id: bytes,
    originator_system_title: bytes,
    recipient_system_title: bytes,
    algorithm_id: bytes | None = None,
) -> Key:
    """C(0e, 2s) as the recipient."""
    s = SecuritySuite(suite)
    info = static_unified_other_info(
        s,
        transaction_id=transaction_id,
        originator_system_title=originator_system_title,
        recipient_system_title=recipient_system_title,
        algorithm_id=algorithm_id,
    )
    return _static_key(s, own_key, originator_key, info)


def wrapped_key(keys: SymmetricKeys) -> tuple[Key, WrappedKey]:
    """A fresh random block cipher key for one general-ciphering APDU, wrapped with the
    master key."""
    if keys.master is None:
        raise SecurityConfigError("no master key (KEK) is configured")
    key = Key.generate(keys.suite.key_length)
    return key, WrappedKey(wrap_key(keys.master, key))


def identified_key(keys: SymmetricKeys, key: IdentifiedKey) -> Key:
    """The global key an identified-key names."""
    if key.key_id is IdentifiedKeyId.GLOBAL_UNICAST_ENCRYPTION:
        chosen = keys.unicast
    else:
        chosen = keys.broadcast
    if chosen is None:
        raise WrongKeyError(f"no {key.key_id.name.lower().replace('_', ' ')} key is configured")
    return chosen


def general_ciphering_key(
    apdu: GeneralCiphering,
    *,
    keys: SymmetricKeys,
    key_agreement_key: ecc.PrivateKey | None = None,
    originator_signing_key: ecc.PublicKey | None = None,
    originator_key_agreement_key: ecc.PublicKey | None = None,
    algorithm_id: bytes | None = None,
) -> Key:
    """The recipient's block cipher key for a general-ciphering APDU, from its key-info:

    * identified-key: the global unicast or broadcast key of ``keys``;
    * wrapped-key: unwrapped with ``keys.master`` (a wrong KEK raises :class:`WrongKeyError`);
    * agreed-key one-pass: ``key_agreement_key`` (ours, static) and
      ``originator_signing_key`` to check the ephemeral key's signature;
    * agreed-key static unified: ``key_agreement_key`` and
      ``originator_key_agreement_key`` (the originator's static public key).

    Without key-info the APDU's key must be known from elsewhere: :class:`WrongKeyError`.
    """
    info = apdu.key_info
    suite = keys.suite
    if info is None:
        raise WrongKeyError("the general-ciphering APDU carries no key-info")
    if isinstance(info, IdentifiedKey):
        return identified_key(keys, info)
    if isinstance(info, WrappedKey):
        if keys.master is None:
            raise WrongKeyError("the key is wrapped but no master key (KEK) is configured")
        key = unwrap_key(keys.master, info.key_ciphered_data)
        if len(key) != suite.key_length:
            raise WrongKeyError(f"the unwrapped key does not fit security suite {int(suite)}")
        return key
    if key_agreement_key is None:
        raise SecurityConfigError("an agreed key needs our key agreement private key")
    if info.scheme is KeyAgreementScheme.ONE_PASS_DIFFIE_HELLMAN:
        if originator_signing_key is None:
            raise SecurityConfigError("one-pass DH needs the originator's signature public key")
        return one_pass_receive(
            suite,
            info,
            own_key=key_agreement_key,
            originator_signing_key=originator_signing_key,
            originator_system_title=apdu.originator_system_title,
            recipient_system_title=apdu.recipient_system_title,
            algorithm_id=algorithm_id,
        )
    if info.key_ciphered_data:
        raise SecurityDecodeError("empty key-ciphered-data for the static unified model", 0)
    if originator_key_agreement_key is None:
        raise SecurityConfigError(
            "the static unified model needs the originator's key agreement public key"
        )
    return static_unified_receive(
        suite,
        own_key=key_agreement_key,
        originator_key=originator_key_agreement_key,
        transaction_id=apdu.transaction_id,
        originator_system_title=apdu.originator_system_title,
        recipient_system_title=apdu.recipient_system_title,
        algorithm_id=algorithm_id,
    )
