"""The BER (ITU-T X.690) that the ACSE APDUs use: tags, lengths, a few universal types.

Lengths are read in the short form and in the long form with 1 to 4 length octets
(``81 xx`` .. ``84 xx xx xx xx``), everywhere; the indefinite form (``80``) is refused,
DLMS never uses it. Lengths are written in the shortest form. Tags are read in both the
low-tag-number form and the high-tag-number form (``5F 1F`` is [APPLICATION 31]).

Values:

* :class:`Oid` -- an OBJECT IDENTIFIER, a tuple of arcs: ``Oid.parse("2.16.756.5.8.1.1")``.
* :class:`BerBitString` -- a BIT STRING kept as its octets and number of unused bits.
* INTEGER as Python ``int`` (two's complement, shortest form on output).

The reading functions take a :class:`~dlmskit.apdu._codec.Reader`, so every failure is an
:class:`~dlmskit.apdu.errors.ApduDecodeError` with its absolute offset.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Final

from dlmskit.apdu._codec import Reader
from dlmskit.errors import EncodeError

__all__ = [
    "BerBitString",
    "Oid",
    "TagClass",
    "encode_integer",
    "encode_length",
    "encode_tlv",
]

#: the longest long-form length accepted: 4 octets
MAX_LENGTH_OCTETS: Final = 4


class TagClass(enum.IntEnum):
    UNIVERSAL = 0
    APPLICATION = 1
    CONTEXT = 2
    PRIVATE = 3


class Oid(tuple[int, ...]):
    """An OBJECT IDENTIFIER: a tuple of non-negative arcs, at least two."""

    __slots__ = ()

    def __new__(cls, arcs: tuple[int, ...] | list[int]) -> Oid:
        arcs = tuple(arcs)
        if len(arcs) < 2:
            raise EncodeError(f"an object identifier has at least two arcs, not {arcs!r}")
        for arc in arcs:
            if isinstance(arc, bool) or not isinstance(arc, int) or arc < 0:
                raise EncodeError(f"object identifier arcs are integers >= 0, not {arc!r}")
        if arcs[0] > 2 or (arcs[0] < 2 and arcs[1] > 39):
            raise EncodeError(f"{'.'.join(map(str, arcs))} is no valid object identifier")
        return super().__new__(cls, arcs)

    @classmethod
    def parse(cls, text: str) -> Oid:
        try:
            return cls(tuple(int(part) for part in text.strip().split(".")))
        except ValueError:
            raise EncodeError(f"not an object identifier: {text!r}") from None

    def __str__(self) -> str:
        return ".".join(map(str, self))

    def __repr__(self) -> str:
        return f"Oid('{self}')"

    def content(self) -> bytes:
        """The contents octets of the BER encoding (without tag and length)."""
        known = _KNOWN_CONTENTS.get(self)
        if known is not None:
            return known
        out = bytearray()
        for arc in (self[0] * 40 + self[1], *self[2:]):
            chunk = [arc & 0x7F]
            arc >>= 7
            while arc:
                chunk.append(0x80 | (arc & 0x7F))
                arc >>= 7
            out += bytes(reversed(chunk))
        return bytes(out)

    @classmethod
    def from_content(cls, r: Reader, end: int) -> Oid:
        """Read the contents octets ``r.buf[r.pos:end]`` of an OBJECT IDENTIFIER."""
        start = r.pos
        if start >= end:
            r.fail("the contents of an object identifier, found none")
        content = r.take(end - start, "an object identifier")
        known = _KNOWN_OIDS.get(content)
        if known is not None:
            return known
        arcs: list[int] = []
        value = 0
        fresh = True
        for index, octet in enumerate(content):
            if fresh and octet == 0x80:
                r.fail("an object identifier arc without leading 0x80 padding", start + index)
            value = (value << 7) | (octet & 0x7F)
            if octet & 0x80:
                fresh = False
            else:
                arcs.append(value)
                value = 0
                fresh = True
        if not fresh:
            r.fail("the last octet of an object identifier arc (bit 8 clear)", end - 1)
        head = arcs[0]
        first = (head // 40, head % 40) if head < 80 else (2, head - 80)
        # The arcs are valid by construction; skip the checks of __new__.
        return tuple.__new__(cls, (*first, *arcs[1:]))


#: Identifiers used often (the DLMS contexts and mechanisms), by their contents octets, and
#: their contents octets by identifier.
_KNOWN_OIDS: dict[bytes, Oid] = {}
_KNOWN_CONTENTS: dict[tuple[int, ...], bytes] = {}


def remember_oid(oid: Oid) -> Oid:
    """Keep ``oid`` and its contents octets at hand (for frequent identifiers)."""
    content = oid.content()
    _KNOWN_OIDS[content] = oid
    _KNOWN_CONTENTS[oid] = content
    return oid


@dataclass(frozen=True, slots=True)
class BerBitString:
    """A BIT STRING: its octets and how many bits of the last octet are unused (0..7)."""

    octets: bytes
    unused_bits: int = 0

    def __post_init__(self) -> None:
        if not isinstance(self.octets, bytes):
            raise EncodeError(f"bit string octets must be bytes, not {type(self.octets).__name__}")
        if not isinstance(self.unused_bits, int) or not 0 <= self.unused_bits <= 7:
            raise EncodeError(f"unused bits must be 0..7, not {self.unused_bits!r}")
        if self.unused_bits and not self.octets:
            raise EncodeError("an empty bit string has no unused bits")

    @classmethod
    def from_bits(cls, bits: str) -> BerBitString:
        """From a string of '0' and '1', bit 0 first: ``from_bits("1")`` is ``07 80``."""
        if bits.strip("01"):
            raise EncodeError(f"a bit string holds only '0' and '1', not {bits!r}")
        size = (len(bits) + 7) // 8
        padded = bits.ljust(size * 8, "0")
        octets = int(padded, 2).to_bytes(size, "big") if size else b""
        return cls(octets, size * 8 - len(bits))

    @property
    def bits(self) -> str:
        """The bits as a string of '0' and '1', bit 0 first."""
        if not self.octets:
            return ""
        text = format(int.from_bytes(self.octets, "big"), f"0{len(self.octets) * 8}b")
        return text[: len(text) - self.unused_bits]

    def bit(self, index: int) -> bool:
        """Whether bit ``index`` (0 = most significant bit of the first octet) is set."""
        bits = self.bits
        return index < len(bits) and bits[index] == "1"

    def content(self) -> bytes:
        return bytes((self.unused_bits,)) + self.octets

    @classmethod
    def from_content(cls, r: Reader, end: int) -> BerBitString:
        at = r.pos
        if at >= end:
            r.fail("the unused-bits octet of a bit string, found none")
        unused = r.u8("the unused-bits octet of a bit string")
        if unused > 7 or (unused and r.pos == end):
            r.fail(f"a number of unused bits 0..7 (0 if empty), found {unused}", at)
        return cls(r.take(end - r.pos, "bit string octets"), unused)


# -- writing ------------------------------------------------------------------------------------


def encode_length(length: int) -> bytes:
    """A BER length in the shortest form."""
    if length < 0x80:
        return bytes((length,))
    size = (length.bit_length() + 7) // 8
    if size > MAX_LENGTH_OCTETS:
        raise EncodeError(f"a BER length of {length} needs more than {MAX_LENGTH_OCTETS} octets")
    return bytes((0x80 | size,)) + length.to_bytes(size, "big")


def encode_tlv(identifier: bytes | int, content: bytes) -> bytes:
    """Identifier octet(s), length, content."""
    head = bytes((identifier,)) if isinstance(identifier, int) else identifier
    return head + encode_length(len(content)) + content


def encode_integer(value: int) -> bytes:
    """The contents octets of an INTEGER: two's complement, shortest form."""
    bits = value.bit_length() if value >= 0 else (~value).bit_length()
    return value.to_bytes(bits // 8 + 1, "big", signed=True)


# -- reading ------------------------------------------------------------------------------------


_TAG_CLASSES: Final = tuple(TagClass)


def read_identifier(r: Reader, what: str) -> tuple[TagClass, bool, int]:
    """Read identifier octets; return (class, constructed, tag number)."""
    at = r.pos
    if at >= r.end:
        r.fail(f"the tag of {what}, found end of input")
    first = r.buf[at]
    r.pos = at + 1
    number = first & 0x1F
    if number == 0x1F:
        number = 0
        for count in range(5):
            octet = r.u8(f"the tag number of {what}")
            if count == 0 and octet == 0x80:
                r.fail(f"a tag number of {what} without leading 0x80 padding", r.pos - 1)
            number = (number << 7) | (octet & 0x7F)
            if not octet & 0x80:
                break
        else:
            r.fail(f"a tag number of {what} in at most 5 octets", at)
    return _TAG_CLASSES[first >> 6], bool(first & 0x20), number


def read_length(r: Reader, what: str, end: int | None = None) -> int:
    """Read a BER length (short or long form) and check that that many octets are there
    before ``end`` (the end of the enclosing element; default the end of the input)."""
    stop = r.end if end is None else end
    at = r.pos
    if at >= r.end:
        r.fail(f"1 octet of the length of {what}, found end of input")
    first = r.buf[at]
    r.pos = at + 1
    if first < 0x80:
        length = first
    else:
        size = first & 0x7F
        if size == 0:
            r.fail(f"a definite length of {what}, found the indefinite form 0x80", at)
        if size > MAX_LENGTH_OCTETS:
            r.fail(f"a length of {what} in 1..{MAX_LENGTH_OCTETS} octets, found 0x{first:02x}", at)
        length = int.from_bytes(r.take(size, f"the length of {what}"), "big")
    if length > stop - r.pos:
        r.fail(f"{length} octets of {what}, found {max(stop - r.pos, 0)}", at)
    return length


def read_integer(r: Reader, end: int, what: str) -> int:
    """The contents octets ``r.buf[r.pos:end]`` of an INTEGER."""
    if r.pos >= end:
        r.fail(f"the contents of the INTEGER {what}, found none")
    return int.from_bytes(r.take(end - r.pos, what), "big", signed=True)


def read_universal(r: Reader, end: int, tag: int, kind: str, what: str) -> int:
    """Inside an EXPLICIT element ending at ``end``: read a primitive universal element with
    tag number ``tag`` (a ``kind``, e.g. "OCTET STRING") that fills it exactly; return the end
    of its contents."""
    at = r.pos
    if at >= end:
        r.fail(f"the {kind} of {what}, found an empty element")
    tag_class, constructed, number = read_identifier(r, what)
    if tag_class is not TagClass.UNIVERSAL or constructed or number != tag:
        r.fail(f"the {kind} of {what} (universal tag {tag}), found another element", at)
    length = read_length(r, what, end)
    if r.pos + length != end:
        r.fail(f"the {kind} of {what} filling its element exactly", at)
    return end
