"""Shared machinery of the APDU codecs: the base class, a bounds-checked reader, writers.

Not public API. Every read checks the bytes that are there before it takes or allocates
anything, and every failure is an :class:`~dlmskit.apdu.errors.ApduDecodeError` with the
absolute offset and the tag of the APDU being decoded.
"""

from __future__ import annotations

import dataclasses
import struct
from typing import TYPE_CHECKING, Any, ClassVar, NoReturn

from dlmskit.apdu.errors import ApduDecodeError, UnknownChoiceError
from dlmskit.axdr import decode_prefix, encode_into, encode_length
from dlmskit.errors import DecodeError, EncodeError

if TYPE_CHECKING:
    from dlmskit.axdr import Data

__all__ = ["Apdu", "Reader"]

_U16 = struct.Struct(">H")
_U32 = struct.Struct(">I")
_I16 = struct.Struct(">h")


class Apdu:
    """Base class of every APDU: a frozen slotted dataclass with ``TAG`` and :meth:`encode`."""

    __slots__ = ()
    #: The first octet of the encoding (the xDLMS-APDU or ACSE-APDU tag).
    TAG: ClassVar[int]

    def encode(self) -> bytes:  # pragma: no cover - every concrete APDU overrides it
        raise NotImplementedError

    def __bytes__(self) -> bytes:
        return self.encode()


class Reader:
    """A cursor over ``buf[pos:end]`` whose reads never run past ``end``."""

    __slots__ = ("buf", "end", "pos", "tag")

    def __init__(self, buf: bytes, pos: int = 0, end: int | None = None, tag: int | None = None):
        self.buf = buf
        self.pos = pos
        self.end = len(buf) if end is None else end
        self.tag = tag

    # -- failures --------------------------------------------------------------------------

    def fail(self, expected: str, at: int | None = None) -> NoReturn:
        raise ApduDecodeError(expected, self.pos if at is None else at, apdu_tag=self.tag)

    def unknown_choice(self, what: str, choice: int, at: int) -> NoReturn:
        raise UnknownChoiceError(what, choice, at, apdu_tag=self.tag)

    def need(self, size: int, what: str) -> None:
        if self.pos + size > self.end:
            self.fail(f"{size} octets of {what}, found {max(self.end - self.pos, 0)}")

    def done(self) -> None:
        """The APDU must end here."""
        if self.pos != self.end:
            self.fail(f"the end of the APDU, found {self.end - self.pos} more octets")

    @property
    def remaining(self) -> int:
        return self.end - self.pos

    # -- fixed-size fields -------------------------------------------------------------------

    def u8(self, what: str) -> int:
        pos = self.pos
        if pos >= self.end:
            self.fail(f"1 octet of {what}, found end of input")
        self.pos = pos + 1
        return self.buf[pos]

    def i8(self, what: str) -> int:
        value = self.u8(what)
        return value - 256 if value > 127 else value

    def u16(self, what: str) -> int:
        pos = self.pos
        if pos + 2 > self.end:
            self.need(2, what)
        self.pos = pos + 2
        value: int = _U16.unpack_from(self.buf, pos)[0]
        return value

    def i16(self, what: str) -> int:
        pos = self.pos
        if pos + 2 > self.end:
            self.need(2, what)
        self.pos = pos + 2
        value: int = _I16.unpack_from(self.buf, pos)[0]
        return value

    def u32(self, what: str) -> int:
        pos = self.pos
        if pos + 4 > self.end:
            self.need(4, what)
        self.pos = pos + 4
        value: int = _U32.unpack_from(self.buf, pos)[0]
        return value

    def take(self, size: int, what: str) -> bytes:
        pos = self.pos
        if pos + size > self.end:
            self.need(size, what)
        self.pos = pos + size
        return self.buf[pos : pos + size]

    def boolean(self, what: str) -> bool:
        """A-XDR BOOLEAN: 0x00 is FALSE, any other octet TRUE (as BER decoders read it)."""
        return self.u8(what) != 0

    def optional(self, what: str) -> bool:
        """The presence flag of an A-XDR OPTIONAL component: 0x00 absent, 0x01 present."""
        at = self.pos
        flag = self.u8(f"the presence flag of {what}")
        if flag > 1:
            self.fail(f"presence flag 0x00 or 0x01 of {what}, found 0x{flag:02x}", at)
        return flag == 1

    # -- variable-size fields ----------------------------------------------------------------

    def length(self, what: str) -> int:
        """An A-XDR length (short form, or 0x8n and n octets), checked against what follows."""
        at = self.pos
        first = self.u8(f"the length of {what}")
        if first < 0x80:
            length = first
        else:
            size = first & 0x7F
            if size == 0 or size > 4:
                self.fail(f"a length of {what} in 1..4 octets, found 0x{first:02x}", at)
            length = int.from_bytes(self.take(size, f"the length of {what}"), "big")
        return length

    def count(self, what: str, min_size: int = 1) -> int:
        """An element count; each element needs at least ``min_size`` octets, so a count larger
        than what could follow is refused before anything is allocated."""
        at = self.pos
        count = self.length(f"the number of {what}")
        if count * min_size > self.end - self.pos:
            self.fail(
                f"{count} {what}, but only {self.end - self.pos} octets follow",
                at,
            )
        return count

    def octet_string(self, what: str) -> bytes:
        """An A-XDR OCTET STRING: length, then the octets."""
        at = self.pos
        length = self.length(what)
        if self.pos + length > self.end:
            self.fail(
                f"an octet-string of {length} octets for {what}, found {self.end - self.pos}",
                at,
            )
        pos = self.pos
        self.pos = pos + length
        return self.buf[pos : pos + length]

    def data(self, what: str = "Data") -> Data:
        """One tagged A-XDR ``Data`` value."""
        try:
            value, self.pos = decode_prefix(self.buf, self.pos, end=self.end)
        except ApduDecodeError:
            raise
        except DecodeError as exc:
            raise ApduDecodeError(
                f"{exc.expected} (in {what})", exc.offset, layer=exc.layer, apdu_tag=self.tag
            ) from None
        return value


# -- construction -------------------------------------------------------------------------------

_FIELD_DEFAULTS: dict[type, tuple[tuple[str, Any], ...]] = {}


def trusted(cls: type, values: dict[str, Any]) -> Any:
    """Build a frozen dataclass from values a decoder has already checked, without running
    ``__init__``/``__post_init__`` again (what the fast decoders of many-field APDUs use).
    Fields absent from ``values`` take their defaults; every field without one must be given.
    """
    spec = _FIELD_DEFAULTS.get(cls)
    if spec is None:
        spec = tuple((f.name, f.default) for f in dataclasses.fields(cls))
        _FIELD_DEFAULTS[cls] = spec
    obj: Any = object.__new__(cls)
    setter = object.__setattr__
    for name, default in spec:
        value = values.get(name, default)
        if value is dataclasses.MISSING:  # pragma: no cover - a decoder bug, not bad input
            raise TypeError(f"{cls.__name__}: no value for {name}")
        setter(obj, name, value)
    return obj


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def make(cls: type, *values: Any) -> Any:
    """Like :func:`trusted`, with every field given positionally, in declaration order."""
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = tuple(f.name for f in dataclasses.fields(cls))
        _FIELD_NAMES[cls] = names
    if len(values) != len(names):  # pragma: no cover - a decoder bug, not bad input
        raise TypeError(f"{cls.__name__} takes {len(names)} values, not {len(values)}")
    obj: Any = object.__new__(cls)
    setter = object.__setattr__
    for name, value in zip(names, values, strict=True):
        setter(obj, name, value)
    return obj


# -- writers ------------------------------------------------------------------------------------


def put_octet_string(out: bytearray, value: bytes) -> None:
    out += encode_length(len(value))
    out += value


def put_count(out: bytearray, count: int) -> None:
    out += encode_length(count)


def put_data(out: bytearray, value: Data, what: str = "") -> None:
    try:
        encode_into(out, value)
    except EncodeError as exc:
        if what:
            raise EncodeError(f"{what}: {exc.reason}", path=exc.path) from None
        raise


def check_uint(name: str, value: int, bits: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < (1 << bits):
        raise EncodeError(f"{name} must be an integer 0..{(1 << bits) - 1}, not {value!r}")


def check_int(name: str, value: int, bits: int) -> None:
    low, high = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise EncodeError(f"{name} must be an integer {low}..{high}, not {value!r}")


def check_bytes(name: str, value: object, size: int | None = None) -> None:
    if not isinstance(value, bytes):
        raise EncodeError(f"{name} must be bytes, not {type(value).__name__}")
    if size is not None and len(value) != size:
        raise EncodeError(f"{name} must be {size} octets, not {len(value)}")
