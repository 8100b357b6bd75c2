"""Small A-XDR readers for the security envelopes (lengths and octet-strings), raising
:class:`SecurityDecodeError` with absolute offsets."""

from __future__ import annotations

from dlmskit.axdr import encode_length
from dlmskit.security.errors import SecurityDecodeError

__all__ = ["encode_length", "octet_string", "read_length", "read_octet_string"]


def read_length(data: bytes, pos: int, end: int) -> tuple[int, int]:
    """An A-XDR length at ``pos``; returns (length, offset after it). The length is checked
    against the bytes that remain before ``end``."""
    if pos >= end:
        raise SecurityDecodeError("a length, found end of input", pos)
    first = data[pos]
    if first < 0x80:
        length, after = first, pos + 1
    else:
        size = first & 0x7F
        if size == 0 or size > 4:
            raise SecurityDecodeError(f"a length of 1..4 octets, found 0x{first:02x}", pos)
        if pos + 1 + size > end:
            raise SecurityDecodeError(f"{size} length octets, found end of input", pos)
        length = int.from_bytes(data[pos + 1 : pos + 1 + size], "big")
        after = pos + 1 + size
    if length > end - after:
        raise SecurityDecodeError(
            f"{length} octets as the length says, only {end - after} remain", pos
        )
    return length, after


def read_octet_string(data: bytes, pos: int, end: int) -> tuple[bytes, int]:
    """A length-prefixed octet string at ``pos``; returns (value, offset after it)."""
    length, after = read_length(data, pos, end)
    return data[after : after + length], after + length


def octet_string(value: bytes) -> bytes:
    """A-XDR length || value."""
    return encode_length(len(value)) + value
