"""A-XDR encoding and decoding of COSEM ``Data`` (IEC 62056-6-2, IEC 61334-6).

Decoding makes one pass over the input with a 256-entry dispatch table. Any bytes give a
value or a :class:`~dlmskit.errors.DecodeError` carrying the offset and what was expected:
lengths and element counts are checked against the bytes that are there before anything is
allocated, and nesting is bounded.

Arrays whose elements repeat one byte layout -- the rows of a Profile Generic buffer -- take
a fast path: the layout of the first element becomes a :mod:`struct` format, the following
rows are unpacked in C with :func:`struct.iter_unpack`, their constant bytes (tags, lengths)
are checked column by column, and values are built column by column with ``map``. A row that
does not fit the layout falls back to the general decoder, so the result is always the one
the general decoder gives. Encoding has the mirror path: rows of one shape are packed by a
function compiled for it, one struct call per row, with the general encoder taking any row
that does not fit (so bytes and errors are the general encoder's). :func:`encode_chunks` gives
a long array's encoding piece by piece, encoded as the pieces are taken.

``strict=True`` additionally refuses the encodings that decode but that :func:`encode` would
not produce (a length in a longer form than needed, a boolean other than 0x00/0x01, a
bit-string whose unused bits are not zero, utf8-string octets that are no UTF-8). For every
input that strict decoding accepts, ``encode(decode(b)) == b``.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Callable, Iterator
from itertools import islice, repeat
from typing import Any, Final

from dlmskit.axdr.types import (
    CLASS_OF,
    DONT_CARE,
    INTEGER_TYPES,
    ArrayDesc,
    Bcd,
    BitString,
    CompactArray,
    Data,
    DataType,
    DontCare,
    DoubleLong,
    DoubleLongUnsigned,
    Enum,
    Float32,
    Float64,
    Integer,
    Long,
    Long64,
    Long64Unsigned,
    LongUnsigned,
    StructureDesc,
    TypeDesc,
    Unsigned,
    Utf8String,
    VisibleString,
    _IntData,
    type_of,
)
from dlmskit.cosem.dates import Date, DateTime, Time
from dlmskit.errors import DecodeError, EncodeError

__all__ = [
    "DEFAULT_MAX_DEPTH",
    "decode",
    "decode_elements",
    "decode_length",
    "decode_prefix",
    "encode",
    "encode_chunks",
    "encode_into",
    "encode_length",
]

#: How deeply arrays and structures may nest before input is refused.
DEFAULT_MAX_DEPTH: Final = 64

_LAYER = "A-XDR"

_int_new = int.__new__
_str_new = str.__new__

_U16 = struct.Struct(">H")
_F32 = struct.Struct(">f")
_U32 = struct.Struct(">I")

# -- lengths -------------------------------------------------------------------------------


def encode_length(length: int) -> bytes:
    """The A-XDR length: one octet below 128, else 0x80+n followed by n octets."""
    if length < 0x80:
        if length < 0:
            raise EncodeError(f"a length cannot be negative ({length})")
        return bytes((length,))
    size = (length.bit_length() + 7) // 8
    if size > 4:
        raise EncodeError(f"a length of {length} needs more than 4 octets")
    return bytes((0x80 | size,)) + length.to_bytes(size, "big")


def decode_length(
    data: bytes | bytearray | memoryview, offset: int = 0, *, strict: bool = False
) -> tuple[int, int]:
    """Decode an A-XDR length at ``offset``; return it and the offset after it."""
    buf = bytes(data) if not isinstance(data, bytes) else data
    return _length(buf, offset, len(buf), strict)


def _length(buf: bytes, pos: int, end: int, strict: bool) -> tuple[int, int]:
    if pos >= end:
        raise DecodeError("a length octet, found end of input", pos, layer=_LAYER)
    first = buf[pos]
    if first < 0x80:
        return first, pos + 1
    size = first & 0x7F
    if size == 0 or size > 8:
        raise DecodeError(
            f"a length of 1..8 octets in the long form, found 0x{first:02x}", pos, layer=_LAYER
        )
    if pos + 1 + size > end:
        raise DecodeError(f"{size} length octets, found end of input", pos, layer=_LAYER)
    length = int.from_bytes(buf[pos + 1 : pos + 1 + size], "big")
    if strict and (length < 0x80 or buf[pos + 1] == 0):
        raise DecodeError(f"the shortest form of the length {length} (strict)", pos, layer=_LAYER)
    return length, pos + 1 + size


# -- decoding ------------------------------------------------------------------------------

_Decoder = Callable[[bytes, int, int, int, bool], tuple[Any, int]]
_TABLE: list[_Decoder | None] = [None] * 256


def _need(pos: int, size: int, end: int, what: str) -> None:
    if pos + size > end:
        plural = "" if size == 1 else "s"
        raise DecodeError(
            f"{size} octet{plural} of {what}, found {max(end - pos, 0)}", pos, layer=_LAYER
        )


def _fixed_decoder(cls: type[_IntData]) -> _Decoder:
    unpack_from = cls.STRUCT.unpack_from
    size = cls.STRUCT.size
    name = DataType(cls.TAG).type_name

    def dec(buf: bytes, pos: int, end: int, depth: int, strict: bool) -> tuple[Any, int]:
        if pos + size > end:
            _need(pos, size, end, name)
        return _int_new(cls, unpack_from(buf, pos)[0]), pos + size

    return dec


for _cls in INTEGER_TYPES:
    _TABLE[_cls.TAG] = _fixed_decoder(_cls)


def _dec_null(buf: bytes, pos: int, end: int, depth: int, strict: bool) -> tuple[Any, int]:
    return None, pos


def _dec_dont_care(buf: bytes, pos: int, end: int, depth: int, strict: bool) -> tuple[Any, int]:
    return DONT_CARE, pos


def _dec_boolean(buf: bytes, pos: int, end: int, depth: int, strict: bool) -> tuple[Any, int]:
    if pos >= end:
        _need(pos, 1, end, "boolean")
    octet = buf[pos]
    if strict and octet > 1:
        raise DecodeError(f"boolean 0x00 or 0x01 (strict), found 0x{octet:02x}", pos, layer=_LAYER)
    return octet != 0, pos + 1


def _dec_octet_string(buf: bytes, pos: int, end: int, depth: int, strict: bool) -> tuple[Any, int]:
    length, pos = _length(buf, pos, end, strict)
    stop = pos + length
    if stop > end:
        _need(pos, length, end, "octet-string")
    return buf[pos:stop], stop


def _dec_visible_string(
    buf: bytes, pos: int, end: int, depth: int, strict: bool
) -> tuple[Any, int]:
    length, pos = _length(buf, pos, end, strict)
    stop = pos + length
    if stop > end:
        _need(pos, length, end, "visible-string")
    return _str_new(VisibleString, buf[pos:stop].decode("latin-1")), stop


def _dec_utf8_string(buf: bytes, pos: int, end: int, depth: int, strict: bool) -> tuple[Any, int]:
    length, pos = _length(buf, pos, end, strict)
    stop = pos + length
    if stop > end:
        _need(pos, length, end, "utf8-string")
    raw = buf[pos:stop]
    try:
        text = raw.decode("utf-8", "strict" if strict else "surrogateescape")
    except UnicodeDecodeError as exc:
        raise DecodeError(
            f"UTF-8 octets (strict): {exc.reason}", pos + exc.start, layer=_LAYER
        ) from None
    return _str_new(Utf8String, text), stop


def _dec_bit_string(buf: bytes, pos: int, end: int, depth: int, strict: bool) -> tuple[Any, int]:
    start = pos
    nbits, pos = _length(buf, pos, end, strict)
    size = (nbits + 7) // 8
    stop = pos + size
    if stop > end:
        _need(pos, size, end, "bit-string")
    raw = buf[pos:stop]
    if strict and nbits % 8 and raw[-1] & ((1 << (8 - nbits % 8)) - 1):
        raise DecodeError("bit-string whose unused bits are zero (strict)", start, layer=_LAYER)
    bits = format(int.from_bytes(raw, "big"), f"0{size * 8}b")[:nbits] if size else ""
    return _str_new(BitString, bits), stop


def _dec_float32(buf: bytes, pos: int, end: int, depth: int, strict: bool) -> tuple[Any, int]:
    if pos + 4 > end:
        _need(pos, 4, end, "float32")
    value = _F32.unpack_from(buf, pos)[0]
    if value != value:
        return Float32.from_bits(_U32.unpack_from(buf, pos)[0]), pos + 4
    return float.__new__(Float32, value), pos + 4


def _dec_float64(buf: bytes, pos: int, end: int, depth: int, strict: bool) -> tuple[Any, int]:
    if pos + 8 > end:
        _need(pos, 8, end, "float64")
    return float.__new__(Float64, struct.unpack_from(">d", buf, pos)[0]), pos + 8


def _date_decoder(cls: type[DateTime] | type[Date] | type[Time], name: str) -> _Decoder:
    size = cls.SIZE
    from_bytes = cls.from_bytes

    def dec(buf: bytes, pos: int, end: int, depth: int, strict: bool) -> tuple[Any, int]:
        if pos + size > end:
            _need(pos, size, end, name)
        return from_bytes(buf[pos : pos + size]), pos + size

    return dec


def _count(buf: bytes, pos: int, end: int, strict: bool, what: str) -> tuple[int, int]:
    count, after = _length(buf, pos, end, strict)
    if count > end - after:
        raise DecodeError(
            f"{count} {what} elements, but only {end - after} octets follow", pos, layer=_LAYER
        )
    return count, after


def _dec_structure(buf: bytes, pos: int, end: int, depth: int, strict: bool) -> tuple[Any, int]:
    if depth <= 0:
        raise DecodeError("nesting within the depth limit", pos - 1, layer=_LAYER)
    count, pos = _count(buf, pos, end, strict, "structure")
    items: list[Any] = []
    append = items.append
    table = _TABLE
    depth -= 1
    for _ in range(count):
        if pos >= end:
            _need(pos, 1, end, "a Data type tag")
        handler = table[buf[pos]]
        if handler is None:
            raise _bad_tag(buf, pos)
        value, pos = handler(buf, pos + 1, end, depth, strict)
        append(value)
    return tuple(items), pos


def _dec_array(buf: bytes, pos: int, end: int, depth: int, strict: bool) -> tuple[Any, int]:
    if depth <= 0:
        raise DecodeError("nesting within the depth limit", pos - 1, layer=_LAYER)
    count, pos = _count(buf, pos, end, strict, "array")
    return _elements(buf, pos, end, count, depth - 1, strict, partial=False)


def _elements(
    buf: bytes, pos: int, end: int, count: int, depth: int, strict: bool, *, partial: bool
) -> tuple[list[Any], int]:
    """Decode ``count`` tagged values at ``pos`` (the elements of an array), with the fast
    path for rows of one layout. ``partial``: stop before the first element that is not
    complete or not valid, instead of raising (for elements that are still arriving)."""
    items: list[Any] = []
    append = items.append
    table = _TABLE
    done = 0
    chunk = _FAST_FIRST_CHUNK
    skip = 0  # elements to decode before the next try of the fast path
    backoff = 1
    while done < count:
        start = pos
        try:
            if pos >= end:
                _need(pos, 1, end, "a Data type tag")
            handler = table[buf[pos]]
            if handler is None:
                raise _bad_tag(buf, pos)
            value, pos = handler(buf, pos + 1, end, depth, strict)
        except DecodeError:
            if partial:
                return items, start
            raise
        append(value)
        done += 1
        left = count - done
        if left < _FAST_MIN_ROWS:
            continue
        if skip:
            skip -= 1
            continue
        # The element just decoded shows a layout; take as many following rows as fit it.
        layout = _layout_of(value, buf, start, pos)
        taken = 0
        while layout is not None and left >= _FAST_MIN_ROWS:
            rows = layout.decode_rows(buf, pos, end, min(chunk, left), strict)
            if rows:
                items.extend(rows)
                taken += len(rows)
                pos += len(rows) * layout.size
                done += len(rows)
                left -= len(rows)
            if len(rows) < chunk:
                chunk = _FAST_FIRST_CHUNK
                break
            chunk = min(chunk * 2, _FAST_MAX_CHUNK)
        if taken:
            backoff = 1
        else:
            # Rows of changing shape: try less and less often, so they cost little extra.
            skip = backoff
            backoff = min(backoff * 2, _FAST_MAX_BACKOFF)
    return items, pos


def _bad_tag(buf: bytes, pos: int) -> DecodeError:
    return DecodeError(f"a Data type tag, found 0x{buf[pos]:02x}", pos, layer=_LAYER)


# -- compact-array ---------------------------------------------------------------------------

_FIXED_SIZE: Final[dict[DataType, int]] = {
    DataType.NULL_DATA: 0,
    DataType.DONT_CARE: 0,
    DataType.BOOLEAN: 1,
    DataType.DOUBLE_LONG: 4,
    DataType.DOUBLE_LONG_UNSIGNED: 4,
    DataType.BCD: 1,
    DataType.INTEGER: 1,
    DataType.LONG: 2,
    DataType.UNSIGNED: 1,
    DataType.LONG_UNSIGNED: 2,
    DataType.LONG64: 8,
    DataType.LONG64_UNSIGNED: 8,
    DataType.ENUM: 1,
    DataType.FLOAT32: 4,
    DataType.FLOAT64: 8,
    DataType.DATE_TIME: 12,
    DataType.DATE: 5,
    DataType.TIME: 4,
}


def _decode_desc(buf: bytes, pos: int, end: int, depth: int, strict: bool) -> tuple[TypeDesc, int]:
    if depth <= 0:
        raise DecodeError("type description nesting within the depth limit", pos, layer=_LAYER)
    if pos >= end:
        _need(pos, 1, end, "a type description tag")
    tag = buf[pos]
    if tag == DataType.ARRAY:
        _need(pos + 1, 2, end, "an array description's element count")
        count = _U16.unpack_from(buf, pos + 1)[0]
        element, pos = _decode_desc(buf, pos + 3, end, depth - 1, strict)
        return ArrayDesc(count, element), pos
    if tag == DataType.STRUCTURE:
        count, after = _count(buf, pos + 1, end, strict, "structure description")
        elements = []
        for _ in range(count):
            element, after = _decode_desc(buf, after, end, depth - 1, strict)
            elements.append(element)
        return StructureDesc(tuple(elements)), after
    if tag == DataType.COMPACT_ARRAY or _TABLE[tag] is None:
        raise DecodeError(f"a simple type in a type description, found 0x{tag:02x}", pos)
    return DataType(tag), pos + 1


def _desc_size(desc: TypeDesc) -> int | None:
    """Octets of one element of this description, None when it varies."""
    if isinstance(desc, DataType):
        return _FIXED_SIZE.get(desc)
    if isinstance(desc, ArrayDesc):
        if desc.count == 0:
            return 0
        inner = _desc_size(desc.element)
        return None if inner is None else inner * desc.count
    total = 0
    for element in desc.elements:
        size = _desc_size(element)
        if size is None:
            return None
        total += size
    return total


_COMPACT_MAX_VALUES_PER_OCTET: Final = 64
_COMPACT_VALUES_SLACK: Final = 4096


def _desc_min_size(desc: TypeDesc) -> int:
    """The fewest octets one element of this description can take (at least 1 when
    :func:`_desc_size` is not 0)."""
    if isinstance(desc, DataType):
        return _FIXED_SIZE.get(desc, 1)
    if isinstance(desc, ArrayDesc):
        return _desc_min_size(desc.element) * desc.count
    return sum(_desc_min_size(element) for element in desc.elements)


def _desc_values(desc: TypeDesc) -> int:
    """How many Python values one element of this description makes."""
    if isinstance(desc, DataType):
        return 1
    if isinstance(desc, ArrayDesc):
        return 1 + _desc_values(desc.element) * desc.count
    return 1 + sum(_desc_values(element) for element in desc.elements)


def _decode_untagged(
    desc: TypeDesc, buf: bytes, pos: int, end: int, depth: int, strict: bool
) -> tuple[Any, int]:
    if isinstance(desc, DataType):
        handler = _TABLE[desc]
        assert handler is not None  # descriptions only hold valid tags
        return handler(buf, pos, end, depth, strict)
    if depth <= 0:
        raise DecodeError("nesting within the depth limit", pos, layer=_LAYER)
    items = []
    if isinstance(desc, ArrayDesc):
        for _ in range(desc.count):
            value, pos = _decode_untagged(desc.element, buf, pos, end, depth - 1, strict)
            items.append(value)
        return items, pos
    for element in desc.elements:
        value, pos = _decode_untagged(element, buf, pos, end, depth - 1, strict)
        items.append(value)
    return tuple(items), pos


def _dec_compact_array(buf: bytes, pos: int, end: int, depth: int, strict: bool) -> tuple[Any, int]:
    if depth <= 0:
        raise DecodeError("nesting within the depth limit", pos - 1, layer=_LAYER)
    desc, pos = _decode_desc(buf, pos, end, depth, strict)
    length, pos = _length(buf, pos, end, strict)
    stop = pos + length
    if stop > end:
        _need(pos, length, end, "compact-array contents")
    size = _desc_size(desc)
    if size == 0:
        if length:
            raise DecodeError(
                "no contents for a compact-array of zero-size elements", pos, layer=_LAYER
            )
        return CompactArray(desc, ()), stop
    if size is not None and length % size:
        raise DecodeError(
            f"compact-array contents a multiple of {size} octets, found {length}",
            pos,
            layer=_LAYER,
        )
    # A description can make many values of few octets (arrays of null-data); bound them.
    values = _desc_values(desc) * (length // _desc_min_size(desc))
    if values > _COMPACT_MAX_VALUES_PER_OCTET * length + _COMPACT_VALUES_SLACK:
        raise DecodeError(
            f"a compact-array description that makes at most "
            f"{_COMPACT_MAX_VALUES_PER_OCTET} values per octet, found {values} values "
            f"in {length} octets",
            pos,
            layer=_LAYER,
        )
    elements = []
    while pos < stop:
        value, pos = _decode_untagged(desc, buf, pos, stop, depth - 1, strict)
        elements.append(value)
    return CompactArray(desc, elements), stop


_TABLE[DataType.NULL_DATA] = _dec_null
_TABLE[DataType.ARRAY] = _dec_array
_TABLE[DataType.STRUCTURE] = _dec_structure
_TABLE[DataType.BOOLEAN] = _dec_boolean
_TABLE[DataType.BIT_STRING] = _dec_bit_string
_TABLE[DataType.OCTET_STRING] = _dec_octet_string
_TABLE[DataType.VISIBLE_STRING] = _dec_visible_string
_TABLE[DataType.UTF8_STRING] = _dec_utf8_string
_TABLE[DataType.COMPACT_ARRAY] = _dec_compact_array
_TABLE[DataType.FLOAT32] = _dec_float32
_TABLE[DataType.FLOAT64] = _dec_float64
_TABLE[DataType.DATE_TIME] = _date_decoder(DateTime, "date-time")
_TABLE[DataType.DATE] = _date_decoder(Date, "date")
_TABLE[DataType.TIME] = _date_decoder(Time, "time")
_TABLE[DataType.DONT_CARE] = _dec_dont_care


# -- the fast path for rows of one layout ---------------------------------------------------

_FAST_MIN_ROWS: Final = 4
_FAST_FIRST_CHUNK: Final = 16
_FAST_MAX_CHUNK: Final = 4096
_FAST_MAX_BACKOFF: Final = 64

# struct codes of the fixed-size types a layout may hold, and how to build their values
_FIELD_CODE: Final[dict[type, str]] = {
    DoubleLong: "i",
    DoubleLongUnsigned: "I",
    Integer: "b",
    Long: "h",
    Unsigned: "B",
    LongUnsigned: "H",
    Long64: "q",
    Long64Unsigned: "Q",
    Enum: "B",
    Bcd: "B",
    Float64: "d",
    Float32: "f",
    bool: "B",
}

_Column = list[Any]
# A builder takes the unpacked columns and the number of rows, and returns the values of
# one node of the layout, one per row.
_Builder = Callable[[list[tuple[Any, ...]], int], _Column]


class _Layout:
    """The byte layout of one array element: a struct format for its values, and the
    constant octets (tags, lengths) that every row of this layout repeats."""

    __slots__ = ("bool_columns", "build", "consts", "fields", "float32_columns", "size", "struct")

    def __init__(
        self,
        fmt: str,
        consts: list[tuple[int, int]],
        build: _Builder,
        bool_columns: list[int],
        float32_columns: list[int],
        fields: int,
    ) -> None:
        self.struct = struct.Struct(">" + fmt)
        self.size = self.struct.size
        self.consts = consts
        self.build = build
        self.bool_columns = bool_columns
        self.float32_columns = float32_columns
        self.fields = fields

    def decode_rows(self, buf: bytes, pos: int, end: int, limit: int, strict: bool) -> _Column:
        """Decode up to ``limit`` rows at ``pos`` that have this layout; stop at the first
        that does not (the general decoder takes it)."""
        size = self.size
        count = min(limit, (end - pos) // size)
        if count <= 0:
            return []
        view = memoryview(buf)[pos : pos + count * size]
        good = count
        for offset, expected in self.consts:
            # Every size-th octet from offset: one constant octet of each row.
            octets = bytes(view[offset : good * size : size])
            if octets.count(expected) != good:
                good = next(i for i, v in enumerate(octets) if v != expected)
                if good == 0:
                    return []
        if good != count:
            view = view[: good * size]
        columns: list[tuple[Any, ...]] = (
            list(zip(*self.struct.iter_unpack(view), strict=True)) if self.fields else []
        )
        cut = good
        if strict:
            for index in self.bool_columns:
                column = columns[index]
                if column.count(0) + column.count(1) != good:
                    cut = min(cut, next(i for i, v in enumerate(column) if v > 1))
        for index in self.float32_columns:
            # A NaN may carry a payload that the struct round trip would lose.
            if any(map(math.isnan, columns[index])):
                cut = min(cut, next(i for i, v in enumerate(columns[index]) if v != v))
        if cut == 0:
            return []
        if cut != good:
            columns = [column[:cut] for column in columns]
        return self.build(columns, cut)


def _layout_of(value: Any, buf: bytes, start: int, stop: int) -> _Layout | None:
    """Compile the layout of one decoded element, or None when it has variable parts that a
    struct format cannot check (bit-strings, utf8-strings, compact arrays)."""
    parts: list[str] = []
    consts: list[tuple[int, int]] = []
    bools: list[int] = []
    floats: list[int] = []
    pos = start
    fields = 0

    def const(size: int) -> None:
        nonlocal pos
        consts.extend((pos - start + i, buf[pos + i]) for i in range(size))
        parts.append(f"{size}x")
        pos += size

    def field(code: str, size: int) -> int:
        nonlocal pos, fields
        parts.append(code)
        pos += size
        fields += 1
        return fields - 1

    def header_size(at: int) -> int:
        first = buf[at + 1]
        return 2 if first < 0x80 else 2 + (first & 0x7F)

    def walk(node: Any) -> _Builder | None:
        cls = node.__class__
        if cls is tuple or cls is list:
            const(header_size(pos))
            children = []
            for item in node:
                child = walk(item)
                if child is None:
                    return None
                children.append(child)
            return _container_builder(cls, children)
        if node is None or cls is DontCare:
            const(1)
            return _constant_builder(node)
        code = _FIELD_CODE.get(cls)
        if code is not None:
            const(1)
            index = field(code, struct.calcsize(">" + code))
            if cls is bool:
                bools.append(index)
                return _bool_builder(index)
            if cls is Float32:
                floats.append(index)
            return _scalar_builder(index, cls)
        if cls is bytes or cls is VisibleString:
            const(header_size(pos))
            return _string_builder(field(f"{len(node)}s", len(node)), cls)
        if cls is DateTime or cls is Date or cls is Time:
            const(1)
            return _date_builder(field(f"{cls.SIZE}s", cls.SIZE), cls)
        return None

    build = walk(value)
    if build is None or pos != stop:
        return None
    return _Layout("".join(parts), consts, build, bools, floats, fields)


def _container_builder(cls: type, children: list[_Builder]) -> _Builder:
    if cls is tuple:

        def build(columns: list[tuple[Any, ...]], count: int) -> _Column:
            if not children:
                return [()] * count
            return list(zip(*[child(columns, count) for child in children], strict=True))

    else:

        def build(columns: list[tuple[Any, ...]], count: int) -> _Column:
            if not children:
                return [[] for _ in range(count)]
            parts = [child(columns, count) for child in children]
            return list(map(list, zip(*parts, strict=True)))

    return build


def _constant_builder(value: Any) -> _Builder:
    def build(columns: list[tuple[Any, ...]], count: int) -> _Column:
        return [value] * count

    return build


def _scalar_builder(index: int, cls: type) -> _Builder:
    octet_values = _OCTET_VALUES.get(cls)
    if octet_values is not None:
        # a one-octet type: its 256 values made once (a status column repeats a few)
        lookup = octet_values.__getitem__

        def build_octets(columns: list[tuple[Any, ...]], count: int) -> _Column:
            return list(map(lookup, columns[index]))

        return build_octets
    new = int.__new__ if issubclass(cls, int) else float.__new__

    def build(columns: list[tuple[Any, ...]], count: int) -> _Column:
        return list(map(new, repeat(cls, count), columns[index]))

    return build


def _octet_values(cls: type[_IntData]) -> list[Any]:
    """The 256 values of a one-octet integer type, indexed by value (a negative value of a
    signed type indexes from the end, as Python lists do)."""
    values = [_int_new(cls, v) for v in range(cls.MIN, cls.MAX + 1)]
    return values if cls.MIN == 0 else values[-cls.MIN :] + values[: -cls.MIN]


_OCTET_VALUES: Final[dict[type, list[Any]]] = {
    cls: _octet_values(cls) for cls in INTEGER_TYPES if cls.STRUCT.size == 1
}


def _bool_builder(index: int) -> _Builder:
    def build(columns: list[tuple[Any, ...]], count: int) -> _Column:
        return list(map(bool, columns[index]))

    return build


def _string_builder(index: int, cls: type) -> _Builder:
    if cls is bytes:

        def build(columns: list[tuple[Any, ...]], count: int) -> _Column:
            return list(columns[index])

    else:

        def build(columns: list[tuple[Any, ...]], count: int) -> _Column:
            texts = map(bytes.decode, columns[index], repeat("latin-1", count))
            return list(map(_str_new, repeat(VisibleString, count), texts))

    return build


def _date_builder(index: int, cls: type[DateTime] | type[Date] | type[Time]) -> _Builder:
    if cls is DateTime:

        def build_date_times(columns: list[tuple[Any, ...]], count: int) -> _Column:
            return DateTime.many_from_bytes(columns[index])

        return build_date_times

    def build(columns: list[tuple[Any, ...]], count: int) -> _Column:
        return list(map(cls.from_bytes, columns[index]))

    return build


# -- public decoding API ---------------------------------------------------------------------


def _as_bytes(data: bytes | bytearray | memoryview) -> bytes:
    if isinstance(data, bytes):
        return data
    if isinstance(data, bytearray | memoryview):
        return bytes(data)
    raise TypeError(f"A-XDR decodes bytes, not {type(data).__name__}")


def decode_prefix(
    data: bytes | bytearray | memoryview,
    offset: int = 0,
    *,
    end: int | None = None,
    strict: bool = False,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> tuple[Data, int]:
    """Decode one tagged ``Data`` value at ``offset``; return it and the offset after it.

    Bytes after the value are left alone (for decoders of APDUs that carry Data inside).
    Offsets in errors are offsets into ``data``.
    """
    buf = _as_bytes(data)
    stop = len(buf) if end is None else min(end, len(buf))
    if offset >= stop:
        raise DecodeError("a Data type tag, found end of input", offset, layer=_LAYER)
    handler = _TABLE[buf[offset]]
    if handler is None:
        raise _bad_tag(buf, offset)
    value: Data
    value, pos = handler(buf, offset + 1, stop, max_depth, strict)
    return value, pos


def decode_elements(
    data: bytes | bytearray | memoryview,
    offset: int,
    count: int,
    *,
    end: int | None = None,
    strict: bool = False,
    max_depth: int = DEFAULT_MAX_DEPTH,
    partial: bool = False,
) -> tuple[list[Data], int]:
    """Decode up to ``count`` consecutive tagged values at ``offset`` -- the elements of an
    array whose header was read apart, e.g. the rows of a profile buffer arriving block by
    block -- with the fast path for rows of one layout. Return them and the offset after.

    ``partial=True`` stops before the first element that is incomplete or invalid instead of
    raising, so a caller can feed more octets and continue from the returned offset (and tell
    a truncated buffer at its end by decoding the rest without ``partial``).
    """
    buf = _as_bytes(data)
    stop = len(buf) if end is None else min(end, len(buf))
    if count < 0:
        raise ValueError("a count of elements cannot be negative")
    values: list[Data]
    values, pos = _elements(buf, offset, stop, count, max_depth - 1, strict, partial=partial)
    return values, pos


def decode(
    data: bytes | bytearray | memoryview,
    *,
    strict: bool = False,
    max_depth: int = DEFAULT_MAX_DEPTH,
) -> Data:
    """Decode exactly one tagged ``Data`` value; trailing bytes are an error."""
    buf = _as_bytes(data)
    value, pos = decode_prefix(buf, 0, strict=strict, max_depth=max_depth)
    if pos != len(buf):
        raise DecodeError(
            f"end of input after one Data value, found {len(buf) - pos} more octets",
            pos,
            layer=_LAYER,
        )
    return value


# -- encoding --------------------------------------------------------------------------------

_Encoder = Callable[[Any, bytearray, int], None]
_ENCODERS: dict[type, _Encoder] = {}


def _enc_int(value: _IntData, out: bytearray, depth: int) -> None:
    cls = value.__class__
    if not cls.MIN <= value <= cls.MAX:  # a subclass may have skipped the constructor
        raise EncodeError(f"{cls.__name__} must be {cls.MIN}..{cls.MAX}, not {int(value)}")
    out.append(cls.TAG)
    out += cls.STRUCT.pack(value)


def _enc_null(value: None, out: bytearray, depth: int) -> None:
    out.append(0)


def _enc_dont_care(value: DontCare, out: bytearray, depth: int) -> None:
    out.append(0xFF)


def _enc_bool(value: bool, out: bytearray, depth: int) -> None:
    out += b"\x03\x01" if value else b"\x03\x00"


def _enc_octet_string(value: bytes, out: bytearray, depth: int) -> None:
    out.append(DataType.OCTET_STRING)
    out += encode_length(len(value))
    out += value


def _enc_visible_string(value: str, out: bytearray, depth: int) -> None:
    try:
        raw = value.encode("latin-1")
    except UnicodeEncodeError:
        raise EncodeError(
            "a visible-string carries single octets: characters up to U+00FF"
        ) from None
    out.append(DataType.VISIBLE_STRING)
    out += encode_length(len(raw))
    out += raw


def _enc_utf8_string(value: str, out: bytearray, depth: int) -> None:
    try:
        raw = value.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        raise EncodeError("utf8-string holds a surrogate that is no escaped octet") from None
    out.append(DataType.UTF8_STRING)
    out += encode_length(len(raw))
    out += raw


def _enc_bit_string(value: BitString, out: bytearray, depth: int) -> None:
    if value.strip("01"):
        raise EncodeError(f"a bit-string holds only '0' and '1', not {str.__str__(value)!r}")
    out.append(DataType.BIT_STRING)
    out += encode_length(len(value))
    out += BitString.to_bytes(value)


def _enc_float32(value: Float32, out: bytearray, depth: int) -> None:
    out.append(DataType.FLOAT32)
    if value != value:
        out += _U32.pack(value.bits)
        return
    try:
        out += _F32.pack(value)
    except (OverflowError, struct.error):
        raise EncodeError(f"{float(value)!r} is out of float32 range") from None


def _enc_float64(value: Float64, out: bytearray, depth: int) -> None:
    out.append(DataType.FLOAT64)
    out += struct.pack(">d", value)


def _date_encoder(tag: DataType) -> _Encoder:
    def enc(value: DateTime | Date | Time, out: bytearray, depth: int) -> None:
        out.append(tag)
        out += value.to_bytes()

    return enc


def _enc_sequence(tag: DataType) -> _Encoder:
    def enc(value: list[Any] | tuple[Any, ...], out: bytearray, depth: int) -> None:
        if depth <= 0:
            raise EncodeError("data nested deeper than the depth limit")
        out.append(tag)
        out += encode_length(len(value))
        _encode_items(value, 0, len(value), out, depth - 1)

    return enc


def _encode_items(
    value: list[Any] | tuple[Any, ...], start: int, stop: int, out: bytearray, depth: int
) -> None:
    """Encode ``value[start:stop]`` (elements of an array or structure) into ``out``; rows
    of one layout through the encoder compiled for it, the others one by one."""
    encoders = _ENCODERS
    rows = _rows_encoder(value, start, stop, depth)
    index = start
    while index < stop:
        if rows is not None:
            index = rows(value, index, stop, out)
            if index >= stop:
                return
        item = value[index]
        try:
            encoder = encoders.get(item.__class__) or _encoder_for(item)
            encoder(item, out, depth)
        except EncodeError as exc:
            raise EncodeError(exc.reason, path=f"[{index}]{exc.path}") from None
        index += 1


# -- encoding rows of one layout fast ----------------------------------------------------------
#
# The rows of a Profile Generic buffer are structures of scalars with the same types in every
# row. An array of them encodes through a function compiled for the first row's shape, which
# packs a row's tags, lengths and values with one struct call. A row of another shape, or
# with a value the struct format refuses (out of range), takes the general encoder, so output
# and errors are always the general encoder's.

#: Shorter arrays are not worth a compiled encoder.
_ROWS_MIN: Final = 8
#: The struct codes of the scalar types a compiled row may hold (floats are left out: a NaN
#: payload must be kept exactly, which the general encoder does).
_ROW_CODE: Final[dict[type, str]] = {
    cls: code for cls, code in _FIELD_CODE.items() if cls is not Float32 and cls is not Float64
}
_DATE_TAG: Final[dict[type, DataType]] = {
    DateTime: DataType.DATE_TIME,
    Date: DataType.DATE,
    Time: DataType.TIME,
}
_RowEncoder = Callable[[Any, int, int, bytearray], int]
_ROW_ENCODERS: dict[tuple[Any, ...], _RowEncoder] = {}
_ROW_ENCODERS_MAX: Final = 256


def _row_shape(row: tuple[Any, ...]) -> tuple[Any, ...] | None:
    """The shape of a flat structure: per element its class, with an octet-string's length;
    None when an element is of a type the compiled encoder does not take."""
    shape: list[Any] = []
    for item in row:
        cls = item.__class__
        if cls is bytes:
            shape.append((bytes, len(item)))
        elif cls in _ROW_CODE or item is None or cls is DateTime or cls is Date or cls is Time:
            shape.append(cls)
        else:
            return None
    return tuple(shape)


def _rows_encoder(
    value: list[Any] | tuple[Any, ...], start: int, stop: int, depth: int
) -> _RowEncoder | None:
    if stop - start < _ROWS_MIN or depth <= 0:
        return None
    first = value[start]
    if first.__class__ is not tuple or not first:
        return None
    shape = _row_shape(first)
    if shape is None:
        return None
    try:
        return _ROW_ENCODERS[shape]
    except KeyError:
        pass
    if len(_ROW_ENCODERS) >= _ROW_ENCODERS_MAX:
        _ROW_ENCODERS.clear()
    encoder = _ROW_ENCODERS[shape] = _compile_row_encoder(shape)
    return encoder


def _compile_row_encoder(shape: tuple[Any, ...]) -> _RowEncoder:
    """``encode_rows(rows, start, stop, out)``: append rows ``start..stop-1`` while they have
    this shape and the struct format takes their values; return the index where it stopped.
    The source is built from the shape's fixed codes and integers only."""
    codes = ["B"] * (1 + len(encode_length(len(shape))))
    args = [str(DataType.STRUCTURE.value)] + [str(octet) for octet in encode_length(len(shape))]
    checks = []
    namespace: dict[str, Any] = {"_error": struct.error, "_islice": islice}
    for index, kind in enumerate(shape):
        name = f"v{index}"
        if kind.__class__ is tuple:  # an octet-string of a fixed length
            size = kind[1]
            header = encode_length(size)
            codes += ["B"] * (1 + len(header)) + [f"{size}s"]
            args += [str(DataType.OCTET_STRING.value)] + [str(octet) for octet in header] + [name]
            checks.append(f"{name}.__class__ is not bytes or len({name}) != {size}")
        elif kind is type(None):
            codes.append("B")
            args.append(str(DataType.NULL_DATA.value))
            checks.append(f"{name} is not None")
        elif kind is DateTime or kind is Date or kind is Time:
            namespace[f"_c{index}"] = kind
            codes += ["B", f"{kind.SIZE}s"]
            args += [str(_DATE_TAG[kind].value), f"{name}.to_bytes()"]
            checks.append(f"{name}.__class__ is not _c{index}")
        else:
            namespace[f"_c{index}"] = kind
            codes += ["B", _ROW_CODE[kind]]
            tag = DataType.BOOLEAN if kind is bool else kind.TAG
            args += [str(tag.value), name]
            checks.append(f"{name}.__class__ is not _c{index}")
    namespace["_pack"] = struct.Struct(">" + "".join(codes)).pack
    names = ", ".join(f"v{i}" for i in range(len(shape)))
    source = (
        "def encode_rows(rows, index, stop, out):\n"
        "    for row in _islice(rows, index, stop):\n"
        f"        if row.__class__ is not tuple or len(row) != {len(shape)}:\n"
        "            return index\n"
        f"        {names}, = row\n"
        f"        if {' or '.join(checks)}:\n"
        "            return index\n"
        "        try:\n"
        f"            out += _pack({', '.join(args)})\n"
        "        except _error:\n"
        "            return index\n"
        "        index += 1\n"
        "    return index\n"
    )
    exec(source, namespace)  # built from type codes and integers only
    encoder: _RowEncoder = namespace["encode_rows"]
    return encoder


def _enc_compact_array(value: CompactArray, out: bytearray, depth: int) -> None:
    if depth <= 0:
        raise EncodeError("data nested deeper than the depth limit")
    desc = value.description
    if value.elements and _desc_size(desc) == 0:
        raise EncodeError("a compact-array of zero-size elements cannot say how many there are")
    contents = bytearray()
    for index, element in enumerate(value.elements):
        try:
            _encode_untagged(desc, element, contents, depth - 1)
        except EncodeError as exc:
            raise EncodeError(exc.reason, path=f"[{index}]{exc.path}") from None
    out.append(DataType.COMPACT_ARRAY)
    _encode_desc(desc, out)
    out += encode_length(len(contents))
    out += contents


def _encode_desc(desc: TypeDesc, out: bytearray) -> None:
    if isinstance(desc, ArrayDesc):
        out.append(DataType.ARRAY)
        out += _U16.pack(desc.count)
        _encode_desc(desc.element, out)
    elif isinstance(desc, StructureDesc):
        out.append(DataType.STRUCTURE)
        out += encode_length(len(desc.elements))
        for element in desc.elements:
            _encode_desc(element, out)
    else:
        out.append(desc)


def _encode_untagged(desc: TypeDesc, value: Any, out: bytearray, depth: int) -> None:
    if isinstance(desc, DataType):
        actual = type_of(value)
        if actual != desc:
            raise EncodeError(
                f"compact-array element of type {actual.type_name}, described as {desc.type_name}"
            )
        tagged = bytearray()
        _encoder_for(value)(value, tagged, depth)
        out += tagged[1:]  # the description stands for the tag
        return
    if depth <= 0:
        raise EncodeError("data nested deeper than the depth limit")
    if isinstance(desc, ArrayDesc):
        if value.__class__ is not list or len(value) != desc.count:
            raise EncodeError(f"compact-array element must be an array (list) of {desc.count}")
        items: tuple[TypeDesc, ...] = (desc.element,) * desc.count
    else:
        if value.__class__ is not tuple or len(value) != len(desc.elements):
            raise EncodeError(
                f"compact-array element must be a structure (tuple) of {len(desc.elements)}"
            )
        items = desc.elements
    for index, (item_desc, item) in enumerate(zip(items, value, strict=True)):
        try:
            _encode_untagged(item_desc, item, out, depth - 1)
        except EncodeError as exc:
            raise EncodeError(exc.reason, path=f"[{index}]{exc.path}") from None


for _cls in INTEGER_TYPES:
    _ENCODERS[_cls] = _enc_int
_ENCODERS[type(None)] = _enc_null
_ENCODERS[DontCare] = _enc_dont_care
_ENCODERS[bool] = _enc_bool
_ENCODERS[bytes] = _enc_octet_string
_ENCODERS[VisibleString] = _enc_visible_string
_ENCODERS[Utf8String] = _enc_utf8_string
_ENCODERS[BitString] = _enc_bit_string
_ENCODERS[Float32] = _enc_float32
_ENCODERS[Float64] = _enc_float64
_ENCODERS[DateTime] = _date_encoder(DataType.DATE_TIME)
_ENCODERS[Date] = _date_encoder(DataType.DATE)
_ENCODERS[Time] = _date_encoder(DataType.TIME)
_ENCODERS[list] = _enc_sequence(DataType.ARRAY)
_ENCODERS[tuple] = _enc_sequence(DataType.STRUCTURE)
_ENCODERS[CompactArray] = _enc_compact_array


def _encoder_for(value: Any) -> _Encoder:
    encoder = _ENCODERS.get(value.__class__)
    if encoder is not None:
        return encoder
    # A user subclass of one of the types encodes as that type.
    return _ENCODERS[CLASS_OF[type_of(value)]]


def encode_into(out: bytearray, value: Data, *, max_depth: int = DEFAULT_MAX_DEPTH) -> None:
    """Append the A-XDR encoding of ``value`` to ``out`` (for encoders of APDUs)."""
    start = len(out)
    try:
        _encoder_for(value)(value, out, max_depth)
    except EncodeError:
        del out[start:]
        raise


def encode(value: Data, *, max_depth: int = DEFAULT_MAX_DEPTH) -> bytes:
    """The A-XDR encoding of one ``Data`` value, with its tag."""
    out = bytearray()
    encode_into(out, value, max_depth=max_depth)
    return bytes(out)


#: How many elements of a long array or structure :func:`encode_chunks` encodes at a time.
_CHUNK_ELEMENTS: Final = 64


def encode_chunks(value: Data, size: int, *, max_depth: int = DEFAULT_MAX_DEPTH) -> Iterator[bytes]:
    """The A-XDR encoding of ``value`` in pieces of at least ``size`` octets (the last may be
    shorter), encoded as they are taken: a sender of a long array -- a profile buffer in
    datablocks -- sends its first block before the last row is encoded. Joined, the pieces
    are ``encode(value)``.

    The elements of a top-level array or structure are taken when the call is made (rows
    appended to a live list later are not sent); an element's own contents are read when it
    is encoded. An element that does not encode raises :class:`EncodeError` from the
    iterator, with its path, when its piece is taken; the pieces before it were good.
    """
    if size < 1:
        raise ValueError("pieces of at least one octet")
    if value.__class__ is not list and value.__class__ is not tuple:
        return iter((encode(value, max_depth=max_depth),))
    if max_depth <= 0:
        raise EncodeError("data nested deeper than the depth limit")
    tag = DataType.ARRAY if isinstance(value, list) else DataType.STRUCTURE
    return _chunks(tuple(value), tag, size, max_depth - 1)


def _chunks(items: tuple[Any, ...], tag: DataType, size: int, depth: int) -> Iterator[bytes]:
    out = bytearray((tag,))
    out += encode_length(len(items))
    count = len(items)
    for start in range(0, count, _CHUNK_ELEMENTS):
        _encode_items(items, start, min(start + _CHUNK_ELEMENTS, count), out, depth)
        if len(out) >= size:
            yield bytes(out)
            out.clear()
    if out:
        yield bytes(out)
