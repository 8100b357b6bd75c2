"""OBIS codes (IEC 62056-6-1): the six value groups A-F that name every COSEM object.

An :class:`Obis` is an immutable 6-tuple of ints 0..255. It parses the usual written forms::

    Obis.parse("1-0:1.8.0*255")   # IEC 62056-6-1 notation
    Obis.parse("1-0:1.8.0")       # F omitted: 255
    Obis.parse("1.0.1.8.0.255")   # dotted, as most tools print it
    Obis.parse(b"\\x01\\x00\\x01\\x08\\x00\\xff")   # the 6 octets of a logical name

and prints them back (:meth:`Obis.__str__`, :attr:`Obis.dotted`, :attr:`Obis.short`).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from dlmskit.errors import DlmsError

__all__ = ["Obis", "ObisError"]


class ObisError(DlmsError, ValueError):
    """Text or bytes that are no OBIS code."""


_IEC = re.compile(r"^\s*(\d{1,3})-(\d{1,3}):(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:[*.&](\d{1,3}))?\s*$")
_DOTTED = re.compile(r"^\s*(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\s*$")
_HEX = re.compile(r"^\s*(?:0x)?([0-9a-fA-F]{12})\s*$")


class _ObisFields(NamedTuple):
    a: int
    b: int
    c: int
    d: int
    e: int
    f: int


class Obis(_ObisFields):
    """An OBIS code: value groups A (medium), B (channel), C (quantity), D (processing),
    E (classification, e.g. tariff) and F (billing period / storage); each 0..255."""

    __slots__ = ()

    def __new__(cls, a: int, b: int, c: int, d: int, e: int, f: int = 255) -> Obis:
        for name, value in zip("abcdef", (a, b, c, d, e, f), strict=True):
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 255:
                raise ObisError(f"OBIS value group {name.upper()} must be 0..255, not {value!r}")
        return super().__new__(cls, a, b, c, d, e, f)

    @classmethod
    def parse(cls, value: str | bytes | bytearray | memoryview | Obis) -> Obis:
        """Parse any of the written forms, or the 6 octets of a logical name."""
        if isinstance(value, Obis):
            return value
        if isinstance(value, bytes | bytearray | memoryview):
            return cls.from_bytes(value)
        if not isinstance(value, str):
            raise ObisError(f"an OBIS code is text or 6 bytes, not {type(value).__name__}")
        match = _IEC.match(value) or _DOTTED.match(value)
        if match:
            groups = [255 if g is None else int(g) for g in match.groups()]
            return cls(*groups)
        match = _HEX.match(value)
        if match:
            return cls.from_bytes(bytes.fromhex(match.group(1)))
        raise ObisError(
            f"not an OBIS code: {value!r} (expected e.g. '1-0:1.8.0*255', '1-0:1.8.0' "
            "or '1.0.1.8.0.255')"
        )

    @classmethod
    def from_bytes(cls, data: bytes | bytearray | memoryview) -> Obis:
        if len(data) != 6:
            raise ObisError(f"a logical name is 6 octets, not {len(data)}")
        return cls(*bytes(data))

    def to_bytes(self) -> bytes:
        return bytes(self)

    def __bytes__(self) -> bytes:
        return bytes((self.a, self.b, self.c, self.d, self.e, self.f))

    def __str__(self) -> str:
        """IEC 62056-6-1 notation, ``A-B:C.D.E*F``."""
        return f"{self.a}-{self.b}:{self.c}.{self.d}.{self.e}*{self.f}"

    def __repr__(self) -> str:
        return f"Obis('{self}')"

    @property
    def dotted(self) -> str:
        """``A.B.C.D.E.F``, the form most DLMS tools print."""
        return ".".join(str(v) for v in self)

    @property
    def short(self) -> str:
        """``A-B:C.D.E`` when F is 255 (the current value), else the full notation."""
        if self.f == 255:
            return f"{self.a}-{self.b}:{self.c}.{self.d}.{self.e}"
        return str(self)

    @property
    def description(self) -> str | None:
        """A plain-words description of the commonly used codes, or None when unknown."""
        from dlmskit.cosem.obis_names import describe

        return describe(self)
