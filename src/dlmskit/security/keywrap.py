"""Key transfer: AES key wrap (RFC 3394) with the master key (KEK).

The "Security setup" methods ``global_key_transfer`` (version 0) and ``key_transfer``
(version 1) take ``array key_transfer_data`` where ``key_transfer_data ::= structure
{key_id: enum, key_wrapped: octet-string}``; each wrapped key is the new key wrapped with
the current master key. A wrapped 128-bit key is 24 octets, a 256-bit key 40 octets.
The unwrap integrity check detects a wrong KEK or an altered wrapped key.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap, aes_key_wrap

from dlmskit import axdr
from dlmskit.errors import DecodeError
from dlmskit.security.control import GlobalKeyId, SecuritySuite
from dlmskit.security.errors import SecurityConfigError, SecurityDecodeError, WrongKeyError
from dlmskit.security.secret import Key, reveal

__all__ = [
    "decode_key_data_list",
    "encode_key_data_list",
    "key_transfer_request",
    "receive_key_transfer",
    "unwrap_key",
    "wrap_key",
]


def wrap_key(kek: Key | bytes, key: Key | bytes) -> bytes:
    """RFC 3394 AES key wrap of ``key`` with ``kek``."""
    k = reveal(kek)
    if len(k) not in (16, 32):
        raise SecurityConfigError(f"a key encrypting key is 16 or 32 octets, not {len(k)}")
    plain = reveal(key)
    if len(plain) < 16 or len(plain) % 8:
        raise SecurityConfigError("a wrapped key is a multiple of 8 octets, at least 16")
    return aes_key_wrap(k, plain)


def unwrap_key(kek: Key | bytes, wrapped: bytes) -> Key:
    """RFC 3394 AES key unwrap; a wrong KEK or altered data raises :class:`WrongKeyError`."""
    k = reveal(kek)
    if len(k) not in (16, 32):
        raise SecurityConfigError(f"a key encrypting key is 16 or 32 octets, not {len(k)}")
    if len(wrapped) not in (24, 40):
        raise WrongKeyError(
            f"a wrapped key is 24 or 40 octets (a 16- or 32-octet key), not {len(wrapped)}"
        )
    try:
        return Key(aes_key_unwrap(k, bytes(wrapped)))
    except InvalidUnwrap:
        raise WrongKeyError(
            "the wrapped key fails the RFC 3394 integrity check: wrong key encrypting key "
            "or altered data"
        ) from None


def encode_key_data_list(items: Sequence[tuple[GlobalKeyId | int, bytes]]) -> bytes:
    """``array structure {key_id: enum, octet-string}`` -- the parameter of key_transfer
    (wrapped keys) and key_agreement (key agreement data)."""
    if not items:
        raise SecurityConfigError("the key data list is empty")
    value: list[axdr.Data] = []
    for key_id, data in items:
        kid = GlobalKeyId(key_id)
        value.append((axdr.Enum(int(kid)), bytes(data)))
    return axdr.encode(value)


def decode_key_data_list(data: bytes) -> list[tuple[GlobalKeyId, bytes]]:
    """Parse ``array structure {key_id: enum, octet-string}``."""
    try:
        value = axdr.decode(bytes(data))
    except DecodeError as exc:
        raise SecurityDecodeError(exc.expected, exc.offset) from None
    if not isinstance(value, list) or not value:
        raise SecurityDecodeError("a non-empty array of key data structures", 0)
    out: list[tuple[GlobalKeyId, bytes]] = []
    for item in value:
        if (
            not isinstance(item, tuple)
            or len(item) != 2
            or not isinstance(item[0], axdr.Enum)
            or not isinstance(item[1], bytes)
        ):
            raise SecurityDecodeError("structure {key_id: enum, octet-string}", 0)
        try:
            kid = GlobalKeyId(int(item[0]))
        except ValueError:
            raise SecurityDecodeError(f"a key_id 0..3, found {int(item[0])}", 0) from None
        out.append((kid, item[1]))
    return out


def key_transfer_request(kek: Key | bytes, keys: Mapping[GlobalKeyId, Key | bytes]) -> bytes:
    """The client side: the method parameter that installs ``keys`` (wrapped with ``kek``)."""
    return encode_key_data_list([(kid, wrap_key(kek, key)) for kid, key in keys.items()])


def receive_key_transfer(
    kek: Key | bytes, data: bytes, suite: SecuritySuite | int = SecuritySuite.SUITE_0
) -> dict[GlobalKeyId, Key]:
    """The meter side: unwrap every key of a key_transfer parameter. All keys are checked
    before any is returned, so a failure installs nothing."""
    s = SecuritySuite(suite)
    out: dict[GlobalKeyId, Key] = {}
    for kid, wrapped in decode_key_data_list(data):
        key = unwrap_key(kek, wrapped)
        if len(key) != s.key_length:
            raise WrongKeyError(
                f"key {kid.name} unwraps to {len(key)} octets; suite {int(s)} needs {s.key_length}"
            )
        if kid in out:
            raise SecurityDecodeError(f"key {kid.name} once, found twice", 0)
        out[kid] = key
    return out
