"""Wrappers that keep keys, passwords and challenges out of logs, exceptions and ``repr``.

A :class:`Secret` holds bytes that must not be shown: its ``repr`` and ``str`` say only how
long it is, equality is constant-time, and the bytes come out only through
:meth:`Secret.reveal`, so every place that uses them is easy to find. :class:`Key` is a
secret of a symmetric key length (16 or 32 octets).
"""

from __future__ import annotations

import hmac
import secrets
from typing import Final

from dlmskit.security.errors import SecurityConfigError

__all__ = ["KEY_LENGTHS", "Key", "Secret", "reveal"]

KEY_LENGTHS: Final = (16, 32)


class Secret:
    """Bytes that must never be displayed: a password, an HLS secret, a challenge, a shared
    secret. ``repr`` shows the length only."""

    __slots__ = ("_value",)
    _value: bytes

    def __init__(self, value: bytes | bytearray | memoryview | Secret) -> None:
        if isinstance(value, Secret):
            value = value._value
        if not isinstance(value, (bytes, bytearray, memoryview)):
            raise SecurityConfigError(
                f"a {type(self).__name__} is made from bytes, not {type(value).__name__}"
            )
        object.__setattr__(self, "_value", bytes(value))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def reveal(self) -> bytes:
        """The secret bytes. Every call site is a place where the secret is used."""
        return self._value

    def __len__(self) -> int:
        return len(self._value)

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Secret):
            return NotImplemented
        return hmac.compare_digest(self._value, other._value)

    def __hash__(self) -> int:
        return hash((type(self).__name__, len(self._value)))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(<{len(self._value)} bytes, redacted>)"

    __str__ = __repr__

    def __reduce__(self) -> tuple[type[Secret], tuple[bytes]]:
        return (type(self), (self._value,))

    @classmethod
    def from_hex(cls, text: str) -> Secret:
        return cls(bytes.fromhex(text))


class Key(Secret):
    """A symmetric key: 16 octets (AES-128, security suites 0 and 1) or 32 octets
    (AES-256, security suite 2)."""

    __slots__ = ()

    def __init__(self, value: bytes | bytearray | memoryview | Secret) -> None:
        super().__init__(value)
        if len(self._value) not in KEY_LENGTHS:
            raise SecurityConfigError(
                f"a key is 16 or 32 octets long, this one has {len(self._value)}"
            )

    @classmethod
    def generate(cls, length: int = 16) -> Key:
        """A fresh random key from :mod:`secrets`."""
        if length not in KEY_LENGTHS:
            raise SecurityConfigError(f"a key is 16 or 32 octets long, not {length}")
        return cls(secrets.token_bytes(length))

    @classmethod
    def from_hex(cls, text: str) -> Key:
        return cls(bytes.fromhex(text))


def reveal(value: bytes | Secret) -> bytes:
    """The bytes of a secret given either wrapped or plain (plain bytes pass through)."""
    if isinstance(value, Secret):
        return value.reveal()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise SecurityConfigError(f"expected bytes or a Secret, not {type(value).__name__}")
