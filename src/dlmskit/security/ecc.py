"""Elliptic curve primitives of security suites 1 (P-256, SHA-256) and 2 (P-384, SHA-384).

* public keys travel as FE2OS(x) || FE2OS(y) (64 or 96 octets, no 0x04 prefix);
* ECDSA signatures travel in the plain format R || S, each left-padded to the curve's order
  length (64 or 96 octets) -- not DER;
* the ECDH shared secret Z is FE2OS(x) of the product point;
* the KDF is the NIST SP 800-56A concatenation KDF (single step, hash = the suite's hash):
  ``K = H(counter || Z || OtherInfo)`` with ``OtherInfo = AlgorithmID || PartyUInfo ||
  PartyVInfo``, keeping the leftmost ``keydatalen`` bits (128 for suite 1, 256 for suite 2).

All primitives come from ``cryptography``.
"""

from __future__ import annotations

import hashlib
from typing import Final

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from dlmskit.security.control import SecuritySuite
from dlmskit.security.errors import SecurityConfigError, SecurityDecodeError, SignatureError
from dlmskit.security.secret import Key, Secret

__all__ = [
    "PrivateKey",
    "PublicKey",
    "concat_kdf",
    "coordinate_length",
    "curve_of",
    "ecdh",
    "ecdsa_sign",
    "ecdsa_verify",
    "generate_private_key",
    "kdf_key",
    "private_key_from_bytes",
    "private_key_to_bytes",
    "public_key_from_bytes",
    "public_key_to_bytes",
    "signature_length",
    "suite_of_key",
]

PrivateKey = ec.EllipticCurvePrivateKey
PublicKey = ec.EllipticCurvePublicKey

_CURVES: Final[dict[SecuritySuite, type[ec.EllipticCurve]]] = {
    SecuritySuite.SUITE_1: ec.SECP256R1,
    SecuritySuite.SUITE_2: ec.SECP384R1,
}
_COORD: Final = {SecuritySuite.SUITE_1: 32, SecuritySuite.SUITE_2: 48}


def _ecc_suite(suite: SecuritySuite | int) -> SecuritySuite:
    s = SecuritySuite(suite)
    if s is SecuritySuite.SUITE_0:
        raise SecurityConfigError("security suite 0 has no public key algorithms")
    return s


def curve_of(suite: SecuritySuite | int) -> ec.EllipticCurve:
    return _CURVES[_ecc_suite(suite)]()


def coordinate_length(suite: SecuritySuite | int) -> int:
    """Octets of one coordinate (and of R and S): 32 for P-256, 48 for P-384."""
    return _COORD[_ecc_suite(suite)]


def signature_length(suite: SecuritySuite | int) -> int:
    return 2 * coordinate_length(suite)


def _hash(suite: SecuritySuite) -> hashes.HashAlgorithm:
    return hashes.SHA384() if suite is SecuritySuite.SUITE_2 else hashes.SHA256()


def suite_of_key(key: PrivateKey | PublicKey) -> SecuritySuite:
    """The suite whose curve ``key`` is on."""
    name = key.curve.name
    if name == "secp256r1":
        return SecuritySuite.SUITE_1
    if name == "secp384r1":
        return SecuritySuite.SUITE_2
    raise SecurityConfigError(f"curve {name} belongs to no DLMS/COSEM security suite")


def _check_curve(key: PrivateKey | PublicKey, suite: SecuritySuite) -> None:
    if suite_of_key(key) is not suite:
        raise SecurityConfigError(
            f"the key is on {key.curve.name}, security suite {int(suite)} uses "
            f"{curve_of(suite).name}"
        )


def generate_private_key(suite: SecuritySuite | int) -> PrivateKey:
    """A fresh key pair on the suite's curve."""
    return ec.generate_private_key(curve_of(suite))


def public_key_to_bytes(key: PublicKey | PrivateKey) -> bytes:
    """FE2OS(x) || FE2OS(y)."""
    pub = key.public_key() if isinstance(key, ec.EllipticCurvePrivateKey) else key
    point = pub.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return point[1:]


def public_key_from_bytes(data: bytes, suite: SecuritySuite | int, *, offset: int = 0) -> PublicKey:
    """A public key from x || y (or the SEC1 uncompressed form 04 || x || y). A point that is
    not on the curve raises :class:`SecurityDecodeError` (``offset`` locates it in a larger
    message)."""
    s = _ecc_suite(suite)
    size = 2 * _COORD[s]
    if len(data) == size:
        point = b"\x04" + bytes(data)
    elif len(data) == size + 1 and data[0] == 4:
        point = bytes(data)
    else:
        raise SecurityDecodeError(
            f"a {size}-octet public key on {curve_of(s).name}, found {len(data)} octets", offset
        )
    try:
        return ec.EllipticCurvePublicKey.from_encoded_point(curve_of(s), point)
    except ValueError:
        raise SecurityDecodeError(f"a point on {curve_of(s).name}", offset) from None


def private_key_from_bytes(data: bytes | Secret, suite: SecuritySuite | int) -> PrivateKey:
    """A private key from its scalar d (big-endian, the coordinate length)."""
    s = _ecc_suite(suite)
    raw = data.reveal() if isinstance(data, Secret) else bytes(data)
    if len(raw) != _COORD[s]:
        raise SecurityConfigError(f"a private key on {curve_of(s).name} is {_COORD[s]} octets")
    try:
        return ec.derive_private_key(int.from_bytes(raw, "big"), curve_of(s))
    except ValueError:
        raise SecurityConfigError("the private key scalar is out of range") from None


def private_key_to_bytes(key: PrivateKey) -> Secret:
    """The scalar d, as a :class:`Secret` (explicit key export)."""
    s = suite_of_key(key)
    return Secret(key.private_numbers().private_value.to_bytes(_COORD[s], "big"))


def ecdsa_sign(private_key: PrivateKey, data: bytes, suite: SecuritySuite | int) -> bytes:
    """ECDSA over ``data`` with the suite's hash; the plain-format signature R || S."""
    s = _ecc_suite(suite)
    _check_curve(private_key, s)
    r, sv = decode_dss_signature(private_key.sign(data, ec.ECDSA(_hash(s))))
    n = _COORD[s]
    return r.to_bytes(n, "big") + sv.to_bytes(n, "big")


def ecdsa_verify(
    public_key: PublicKey, data: bytes, signature: bytes, suite: SecuritySuite | int
) -> None:
    """Raise :class:`SignatureError` unless ``signature`` (R || S) signs ``data``."""
    s = _ecc_suite(suite)
    _check_curve(public_key, s)
    n = _COORD[s]
    if len(signature) != 2 * n:
        raise SignatureError(f"an ECDSA signature on {curve_of(s).name} is {2 * n} octets")
    r = int.from_bytes(signature[:n], "big")
    sv = int.from_bytes(signature[n:], "big")
    if r == 0 or sv == 0:
        raise SignatureError("the ECDSA signature does not verify (r or s is zero)")
    try:
        public_key.verify(encode_dss_signature(r, sv), data, ec.ECDSA(_hash(s)))
    except InvalidSignature:
        raise SignatureError("the ECDSA signature does not verify") from None


def ecdh(private_key: PrivateKey, public_key: PublicKey) -> Secret:
    """The shared secret Z = FE2OS(x) of ECC CDH (the cofactor of P-256/P-384 is 1)."""
    if private_key.curve.name != public_key.curve.name:
        raise SecurityConfigError("the two keys are on different curves")
    return Secret(private_key.exchange(ec.ECDH(), public_key))


def concat_kdf(
    z: bytes | Secret, other_info: bytes, suite: SecuritySuite | int, length: int | None = None
) -> bytes:
    """NIST SP 800-56A concatenation KDF: H(counter || Z || OtherInfo) for counter = 1, 2...,
    concatenated and cut to ``length`` octets (default: the suite's key length)."""
    s = _ecc_suite(suite)
    size = s.key_length if length is None else length
    if size <= 0:
        raise SecurityConfigError("the derived key length must be positive")
    zb = z.reveal() if isinstance(z, Secret) else bytes(z)
    algorithm = hashlib.sha384 if s is SecuritySuite.SUITE_2 else hashlib.sha256
    out = bytearray()
    counter = 1
    while len(out) < size:
        out += algorithm(counter.to_bytes(4, "big") + zb + other_info).digest()
        counter += 1
    return bytes(out[:size])


def kdf_key(
    z: bytes | Secret,
    suite: SecuritySuite | int,
    *,
    party_u_info: bytes,
    party_v_info: bytes,
    algorithm_id: bytes | None = None,
) -> Key:
    """The symmetric key derived from Z with OtherInfo = AlgorithmID || PartyUInfo ||
    PartyVInfo (AlgorithmID defaults to the suite's AES-GCM algorithm id)."""
    s = _ecc_suite(suite)
    alg = s.gcm_algorithm_id if algorithm_id is None else algorithm_id
    return Key(concat_kdf(z, alg + party_u_info + party_v_info, s))
