"""The value types of the COSEM ``Data`` CHOICE (IEC 62056-6-2 / 5-3).

Each A-XDR data type has one Python type, and a decoded value keeps its type, so it encodes
back to the same bytes. Where a Python built-in is unambiguous the type *is* that built-in:
``None``, ``bool``, ``bytes`` (octet-string), ``list`` (array) and ``tuple`` (structure); the
names :data:`Array`, :data:`Structure` and :data:`OctetString` are those built-ins. Integers,
floats and strings come in several A-XDR types, so they are thin subclasses of ``int``,
``float`` and ``str`` that behave as users expect (``DoubleLongUnsigned(280) + 1 == 281``):

=================  ==========  =================================  =========================
type name          tag         Python type                        notes
=================  ==========  =================================  =========================
null-data          0           ``None``
array              1           ``list``
structure          2           ``tuple``
boolean            3           ``bool``
bit-string         4           :class:`BitString` (str of 0/1)
double-long        5           :class:`DoubleLong` (int)          int32
double-long-uns.   6           :class:`DoubleLongUnsigned` (int)  uint32
octet-string       9           ``bytes``
visible-string     10          :class:`VisibleString` (str)       octets as Latin-1
utf8-string        12          :class:`Utf8String` (str)
bcd                13          :class:`Bcd` (int)                 one octet
integer            15          :class:`Integer` (int)             int8
long               16          :class:`Long` (int)                int16
unsigned           17          :class:`Unsigned` (int)            uint8
long-unsigned      18          :class:`LongUnsigned` (int)        uint16
compact-array      19          :class:`CompactArray`
long64             20          :class:`Long64` (int)              int64
long64-unsigned    21          :class:`Long64Unsigned` (int)      uint64
enum               22          :class:`Enum` (int)                uint8
float32            23          :class:`Float32` (float)
float64            24          :class:`Float64` (float)
date-time          25          :class:`~dlmskit.cosem.DateTime`
date               26          :class:`~dlmskit.cosem.Date`
time               27          :class:`~dlmskit.cosem.Time`
dont-care          255         :data:`DONT_CARE`
=================  ==========  =================================  =========================

Constructors check ranges, so an out-of-range value fails where it is made. Equality is that
of the built-in (``Unsigned(5) == Long(5)``); compare typed JSON (:func:`~dlmskit.axdr.to_json`)
where the A-XDR type matters too.
"""

from __future__ import annotations

import enum
import math
import operator
import struct
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Final, TypeAlias

from dlmskit.cosem.dates import Date, DateTime, Time
from dlmskit.errors import EncodeError

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = [
    "DONT_CARE",
    "INTEGER_TAGS",
    "INTEGER_TYPES",
    "Array",
    "ArrayDesc",
    "Bcd",
    "BitString",
    "CompactArray",
    "Data",
    "DataType",
    "DontCare",
    "DoubleLong",
    "DoubleLongUnsigned",
    "Enum",
    "Float32",
    "Float64",
    "Integer",
    "Long",
    "Long64",
    "Long64Unsigned",
    "LongUnsigned",
    "OctetString",
    "Structure",
    "StructureDesc",
    "TypeDesc",
    "Unsigned",
    "Utf8String",
    "VisibleString",
    "type_of",
]


class DataType(enum.IntEnum):
    """The tags of the ``Data`` CHOICE; :attr:`name_` is the Blue Book type name."""

    NULL_DATA = 0
    ARRAY = 1
    STRUCTURE = 2
    BOOLEAN = 3
    BIT_STRING = 4
    DOUBLE_LONG = 5
    DOUBLE_LONG_UNSIGNED = 6
    OCTET_STRING = 9
    VISIBLE_STRING = 10
    UTF8_STRING = 12
    BCD = 13
    INTEGER = 15
    LONG = 16
    UNSIGNED = 17
    LONG_UNSIGNED = 18
    COMPACT_ARRAY = 19
    LONG64 = 20
    LONG64_UNSIGNED = 21
    ENUM = 22
    FLOAT32 = 23
    FLOAT64 = 24
    DATE_TIME = 25
    DATE = 26
    TIME = 27
    DONT_CARE = 255

    @property
    def type_name(self) -> str:
        """The Blue Book name, as used for keys of the typed JSON form: ``"long-unsigned"``."""
        return _TYPE_NAMES[self]

    @classmethod
    def from_type_name(cls, name: str) -> DataType:
        try:
            return _BY_TYPE_NAME[name]
        except KeyError:
            raise EncodeError(f"unknown A-XDR type name {name!r}") from None


_TYPE_NAMES: Final = {t: t.name.lower().replace("_", "-") for t in DataType}
_TYPE_NAMES[DataType.UTF8_STRING] = "utf8-string"
_BY_TYPE_NAME: Final = {v: k for k, v in _TYPE_NAMES.items()}


# -- integers --------------------------------------------------------------------------------


class _IntData(int):
    """An A-XDR integer type: an int with a fixed range."""

    __slots__ = ()
    TAG: ClassVar[DataType]
    MIN: ClassVar[int]
    MAX: ClassVar[int]
    STRUCT: ClassVar[struct.Struct]

    def __new__(cls, value: Any = 0) -> Any:
        if isinstance(value, float | str | bytes) or value is None:
            raise EncodeError(f"{cls.__name__} takes an integer, not {type(value).__name__}")
        number = operator.index(value)
        if not cls.MIN <= number <= cls.MAX:
            raise EncodeError(f"{cls.__name__} must be {cls.MIN}..{cls.MAX}, not {number}")
        return int.__new__(cls, number)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({int(self)})"

    __str__ = int.__repr__


def _int_type(name: str, tag: DataType, fmt: str, doc: str) -> type[_IntData]:
    codec = struct.Struct(">" + fmt)
    bits = codec.size * 8
    signed = fmt.islower()
    lo, hi = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, (1 << bits) - 1)
    return type(
        name,
        (_IntData,),
        {
            "__slots__": (),
            "__doc__": doc,
            "__module__": __name__,
            "__qualname__": name,
            "TAG": tag,
            "MIN": lo,
            "MAX": hi,
            "STRUCT": codec,
        },
    )


if TYPE_CHECKING:
    # Give type checkers real classes; the runtime ones are made by _int_type below.
    class DoubleLong(_IntData): ...

    class DoubleLongUnsigned(_IntData): ...

    class Integer(_IntData): ...

    class Long(_IntData): ...

    class Unsigned(_IntData): ...

    class LongUnsigned(_IntData): ...

    class Long64(_IntData): ...

    class Long64Unsigned(_IntData): ...

    class Enum(_IntData): ...

    class Bcd(_IntData): ...

else:
    DoubleLong = _int_type("DoubleLong", DataType.DOUBLE_LONG, "i", "double-long: int32")
    DoubleLongUnsigned = _int_type(
        "DoubleLongUnsigned", DataType.DOUBLE_LONG_UNSIGNED, "I", "double-long-unsigned: uint32"
    )
    Integer = _int_type("Integer", DataType.INTEGER, "b", "integer: int8")
    Long = _int_type("Long", DataType.LONG, "h", "long: int16")
    Unsigned = _int_type("Unsigned", DataType.UNSIGNED, "B", "unsigned: uint8")
    LongUnsigned = _int_type("LongUnsigned", DataType.LONG_UNSIGNED, "H", "long-unsigned: uint16")
    Long64 = _int_type("Long64", DataType.LONG64, "q", "long64: int64")
    Long64Unsigned = _int_type(
        "Long64Unsigned", DataType.LONG64_UNSIGNED, "Q", "long64-unsigned: uint64"
    )
    Enum = _int_type("Enum", DataType.ENUM, "B", "enum: one octet, 0..255")
    Bcd = _int_type("Bcd", DataType.BCD, "B", "bcd: one octet of two BCD digits, kept as 0..255")


# -- floats ----------------------------------------------------------------------------------

_F32 = struct.Struct(">f")
_U32 = struct.Struct(">I")
_F64 = struct.Struct(">d")
_U64 = struct.Struct(">Q")


class Float32(float):
    """float32. The value is the exact double of the single-precision number.

    A NaN keeps its 32 bits (payload and signalling bit) so it encodes back unchanged:
    build one with :meth:`from_bits`.
    """

    __slots__ = ("_nan_bits",)
    TAG: ClassVar[DataType] = DataType.FLOAT32

    def __new__(cls, value: Any = 0.0) -> Float32:
        if isinstance(value, str | bytes) or value is None:
            raise EncodeError(f"Float32 takes a number, not {type(value).__name__}")
        number = float(value)
        if math.isfinite(number):
            try:
                # Round to single precision; a value beyond its range is an error.
                number = _F32.unpack(_F32.pack(number))[0]
            except (OverflowError, struct.error):
                raise EncodeError(f"{number!r} is out of float32 range") from None
        return float.__new__(cls, number)

    @classmethod
    def from_bits(cls, bits: int) -> Float32:
        """The float32 with these 32 bits (IEEE 754 binary32)."""
        raw = _U32.pack(bits)
        value: Float32 = float.__new__(cls, _F32.unpack(raw)[0])
        if value != value:
            object.__setattr__(value, "_nan_bits", bits)
        return value

    @property
    def bits(self) -> int:
        """The 32 bits of this value as sent on the wire."""
        if self != self:
            return getattr(self, "_nan_bits", 0x7FC00000)
        return int(_U32.unpack(_F32.pack(self))[0])

    def __repr__(self) -> str:
        if self != self and self.bits != 0x7FC00000:
            return f"Float32.from_bits(0x{self.bits:08x})"
        return f"Float32({float.__repr__(self)})"

    __str__ = float.__repr__


class Float64(float):
    """float64 (IEEE 754 binary64); NaN payloads survive because Python keeps all 64 bits."""

    __slots__ = ()
    TAG: ClassVar[DataType] = DataType.FLOAT64

    def __new__(cls, value: Any = 0.0) -> Float64:
        if isinstance(value, str | bytes) or value is None:
            raise EncodeError(f"Float64 takes a number, not {type(value).__name__}")
        return float.__new__(cls, float(value))

    @classmethod
    def from_bits(cls, bits: int) -> Float64:
        return float.__new__(cls, _F64.unpack(_U64.pack(bits))[0])

    @property
    def bits(self) -> int:
        return int(_U64.unpack(_F64.pack(self))[0])

    def __repr__(self) -> str:
        return f"Float64({float.__repr__(self)})"

    __str__ = float.__repr__


# -- strings ---------------------------------------------------------------------------------


class VisibleString(str):
    """visible-string. Its octets are read as Latin-1, so any octets survive a round trip."""

    __slots__ = ()
    TAG: ClassVar[DataType] = DataType.VISIBLE_STRING

    def __new__(cls, value: Any = "") -> VisibleString:
        if not isinstance(value, str):
            raise EncodeError(f"VisibleString takes str, not {type(value).__name__}")
        if not value.isascii() and max(map(ord, value)) > 0xFF:
            raise EncodeError("a visible-string carries single octets: characters up to U+00FF")
        return str.__new__(cls, value)

    def __repr__(self) -> str:
        return f"VisibleString({str.__repr__(self)})"


class Utf8String(str):
    """utf8-string. Octets that are no valid UTF-8 are kept as lone surrogates (PEP 383)."""

    __slots__ = ()
    TAG: ClassVar[DataType] = DataType.UTF8_STRING

    def __new__(cls, value: Any = "") -> Utf8String:
        if not isinstance(value, str):
            raise EncodeError(f"Utf8String takes str, not {type(value).__name__}")
        return str.__new__(cls, value)

    def __repr__(self) -> str:
        return f"Utf8String({str.__repr__(self)})"


class BitString(str):
    """bit-string, as a str of ``'0'`` and ``'1'``; ``len()`` is the number of bits.

    Bit 0 is the first character: the most significant bit of the first octet.
    """

    __slots__ = ()
    TAG: ClassVar[DataType] = DataType.BIT_STRING

    def __new__(cls, value: Any = "") -> BitString:
        if not isinstance(value, str):
            if isinstance(value, bytes | bytearray | int):
                raise EncodeError(
                    "BitString takes a str of 0 and 1 (use BitString.from_bytes for octets)"
                )
            value = "".join("1" if bit else "0" for bit in value)
        if value.strip("01"):
            raise EncodeError(f"a BitString holds only '0' and '1', not {value!r}")
        return str.__new__(cls, value)

    @classmethod
    def from_bytes(cls, data: bytes, length: int | None = None) -> BitString:
        """The first ``length`` bits of ``data`` (all of them when None)."""
        total = len(data) * 8
        if length is None:
            length = total
        if not 0 <= length <= total:
            raise EncodeError(f"{length} bits do not fit in {len(data)} octets")
        bits = format(int.from_bytes(data, "big"), f"0{total}b") if data else ""
        return str.__new__(cls, bits[:length])

    def to_bytes(self) -> bytes:
        """The octets, padded with zero bits."""
        n = len(self)
        if not n:
            return b""
        size = (n + 7) // 8
        return int(self.ljust(size * 8, "0"), 2).to_bytes(size, "big")

    def __repr__(self) -> str:
        return f"BitString('{self!s}')"

    def __str__(self) -> str:
        return str.__str__(self)

    def bit(self, index: int) -> bool:
        return self[index] == "1"


# -- containers ------------------------------------------------------------------------------


#: array: a ``list`` of elements (that the Blue Book wants of one type).
Array: Final = list
#: structure: a ``tuple`` of elements of any types.
Structure: Final = tuple
#: octet-string: ``bytes`` (logical names, date-times in profiles and keys travel as these).
OctetString: Final = bytes


class DontCare:
    """dont-care (tag 255): a value without content. Use the singleton :data:`DONT_CARE`."""

    __slots__ = ()
    TAG: ClassVar[DataType] = DataType.DONT_CARE
    _instance: ClassVar[DontCare | None] = None

    def __new__(cls) -> DontCare:
        if cls._instance is None:
            cls._instance = object.__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "DONT_CARE"

    def __reduce__(self) -> str:
        return "DONT_CARE"


DONT_CARE: Final = DontCare()


# -- compact array ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ArrayDesc:
    """The description of an array inside a compact-array: ``count`` elements of a type."""

    count: int
    element: TypeDesc

    def __post_init__(self) -> None:
        if not isinstance(self.count, int) or not 0 <= self.count <= 0xFFFF:
            raise EncodeError(f"an array description counts 0..65535 elements, not {self.count}")
        _check_desc(self.element)


@dataclass(frozen=True, slots=True)
class StructureDesc:
    """The description of a structure inside a compact-array."""

    elements: tuple[TypeDesc, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "elements", tuple(self.elements))
        for element in self.elements:
            _check_desc(element)


#: A TypeDescription (IEC 62056-6-2): a simple type, or an array or structure of them.
TypeDesc: TypeAlias = "DataType | ArrayDesc | StructureDesc"

_NOT_IN_DESC = frozenset({DataType.ARRAY, DataType.STRUCTURE, DataType.COMPACT_ARRAY})


def _check_desc(desc: object) -> None:
    if isinstance(desc, ArrayDesc | StructureDesc):
        return
    if not isinstance(desc, DataType) or desc in _NOT_IN_DESC:
        raise EncodeError(
            f"{desc!r} is no type description (a simple DataType, ArrayDesc or StructureDesc)"
        )


@dataclass(frozen=True, slots=True)
class CompactArray:
    """compact-array: elements of one described type, encoded without their tags."""

    description: TypeDesc
    elements: tuple[Data, ...] = ()

    TAG: ClassVar[DataType] = DataType.COMPACT_ARRAY

    def __init__(self, description: TypeDesc, elements: Iterable[Data] = ()) -> None:
        _check_desc(description)
        object.__setattr__(self, "description", description)
        object.__setattr__(self, "elements", tuple(elements))


#: Any value of the COSEM Data CHOICE.
Data: TypeAlias = (
    "bool | list[Data] | tuple[Data, ...] | BitString | DoubleLong | DoubleLongUnsigned"
    " | bytes | VisibleString | Utf8String | Bcd | Integer | Long | Unsigned"
    " | LongUnsigned | CompactArray | Long64 | Long64Unsigned | Enum | Float32 | Float64"
    " | DateTime | Date | Time | DontCare | None"
)

_TYPE_BY_CLASS: Final[dict[type, DataType]] = {
    type(None): DataType.NULL_DATA,
    bool: DataType.BOOLEAN,
    list: DataType.ARRAY,
    tuple: DataType.STRUCTURE,
    bytes: DataType.OCTET_STRING,
    DateTime: DataType.DATE_TIME,
    Date: DataType.DATE,
    Time: DataType.TIME,
}
#: The integer types (each an int subclass with ``MIN``, ``MAX`` and a ``STRUCT`` codec).
INTEGER_TYPES: Final[tuple[type[_IntData], ...]] = (
    DoubleLong,
    DoubleLongUnsigned,
    Integer,
    Long,
    Unsigned,
    LongUnsigned,
    Long64,
    Long64Unsigned,
    Enum,
    Bcd,
)
#: Their tags.
INTEGER_TAGS: Final = frozenset(cls.TAG for cls in INTEGER_TYPES)

_OTHER_CLASSES: tuple[Any, ...] = (
    BitString,
    VisibleString,
    Utf8String,
    CompactArray,
    Float32,
    Float64,
    DontCare,
)
for _cls in (*INTEGER_TYPES, *_OTHER_CLASSES):
    _TYPE_BY_CLASS[_cls] = _cls.TAG

#: The Python class of each tag, for building values of a known type.
CLASS_OF: Final[dict[DataType, type]] = {v: k for k, v in _TYPE_BY_CLASS.items()}


def type_of(value: object) -> DataType:
    """The A-XDR type of a value.

    Plain ``int``, ``str`` and ``float`` are ambiguous and refused (wrap them: ``Unsigned(5)``,
    ``VisibleString("..")``); so are subclasses of ``list``, ``tuple`` and ``bytes`` (a
    NamedTuple is no structure by accident). Subclasses of the dlmskit types are accepted.
    """
    cls = value.__class__
    found = _TYPE_BY_CLASS.get(cls)
    if found is not None:
        return found
    for base in cls.__mro__[1:]:
        found = _TYPE_BY_CLASS.get(base)
        if found is not None and base not in (list, tuple, bytes, bool):
            return found
    raise EncodeError(
        f"a {cls.__name__} has no A-XDR type; wrap it in one of the dlmskit.axdr types "
        "(e.g. Unsigned(5), LongUnsigned(5), VisibleString('..')) or use bytes for an "
        "octet-string, a list for an array, a tuple for a structure"
    )
