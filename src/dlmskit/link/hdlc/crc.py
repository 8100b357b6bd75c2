"""CRC-16/X.25, the HCS and FCS of IEC 62056-46 HDLC frames (and of ISO/IEC 13239).

Polynomial 0x1021 reflected (0x8408), initial value 0xFFFF, final XOR 0xFFFF, transmitted least
significant byte first. Check value: ``crc16_x25(b"123456789") == 0x906E``.

Two implementations that give the same result:

* :func:`crc16_x25_update` -- table driven and incremental (the reference, 256-entry table);
* :func:`crc16_x25` -- the one used on frames: the reflected CRC of some bytes equals the
  bit-reversed non-reflected CRC-16/CCITT of the bit-reversed bytes, and both steps run in C
  (``bytes.translate`` and :func:`binascii.crc_hqx`), some 50 times faster than a Python loop.
"""

from __future__ import annotations

import binascii

__all__ = ["crc16_x25", "crc16_x25_update", "fcs_bytes"]

_POLY_REFLECTED = 0x8408


def _make_table() -> tuple[int, ...]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ _POLY_REFLECTED if crc & 1 else crc >> 1
        table.append(crc)
    return tuple(table)


_TABLE = _make_table()
# bit-reversal of each byte value, for bytes.translate
_REVERSE_BITS = bytes(int(f"{i:08b}"[::-1], 2) for i in range(256))


def crc16_x25_update(crc: int, data: bytes | bytearray | memoryview) -> int:
    """Feed ``data`` into a running register ``crc`` (start with 0xFFFF); the final CRC is the
    register XOR 0xFFFF. Table driven, one table lookup per byte."""
    table = _TABLE
    for byte in bytes(data):
        crc = (crc >> 8) ^ table[(crc ^ byte) & 0xFF]
    return crc


def crc16_x25(data: bytes | bytearray | memoryview) -> int:
    """CRC-16/X.25 of ``data`` as an integer (0x906E for ``b"123456789"``)."""
    value = binascii.crc_hqx(bytes(data).translate(_REVERSE_BITS), 0xFFFF)
    rev = _REVERSE_BITS
    return ((rev[value & 0xFF] << 8) | rev[value >> 8]) ^ 0xFFFF


def fcs_bytes(data: bytes | bytearray | memoryview) -> bytes:
    """The two check-sequence bytes of ``data`` as transmitted (least significant first)."""
    crc = crc16_x25(data)
    return bytes((crc & 0xFF, crc >> 8))
