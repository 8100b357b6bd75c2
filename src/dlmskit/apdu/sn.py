"""Short name (SN) referencing services (IEC 62056-5-3, from IEC 61334-4-41):
ReadRequest (5), ReadResponse (12), WriteRequest (6), WriteResponse (13),
UnconfirmedWriteRequest (22) and InformationReportRequest (24).

Variables are named by Variable-Access-Specification:

====================================  =========================================================
:class:`VariableName` [2]              the short name (base name + attribute offset)
:class:`ParameterizedAccess` [4]       a name with a selector and parameters (selective access,
                                       method invocation by read/write)
:class:`BlockNumberAccess` [5]         ReadRequest: asks for the next block of a long response
:class:`ReadDataBlockAccess` [6]       ReadRequest: a block of long parameters
:class:`WriteDataBlockAccess` [7]      WriteRequest: this write is a block; raw data in the data
====================================  =========================================================

Object names (short names) are Integer16 in the ASN.1 and kept here as unsigned 16-bit
values, as base names are written (0xFA00).

InformationReportRequest's current-time (GeneralizedTime OPTIONAL) is read and written as
deployed implementations do: an octet-string of the 12 octets of a COSEM date-time, the
empty octet-string (``00``) when absent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from dlmskit.apdu._codec import Apdu, Reader, check_bytes, check_uint, put_data, put_octet_string
from dlmskit.apdu._ln import check_data_list, check_result, put_data_list, read_data_list
from dlmskit.apdu.common import DataAccessResult
from dlmskit.axdr import encode_length, type_of
from dlmskit.cosem import DateTime
from dlmskit.errors import EncodeError

if TYPE_CHECKING:
    from dlmskit.axdr import Data

__all__ = [
    "BlockNumberAccess",
    "BlockNumberResult",
    "DataBlockResult",
    "InformationReportRequest",
    "ParameterizedAccess",
    "ReadDataBlockAccess",
    "ReadRequest",
    "ReadResponse",
    "UnconfirmedWriteRequest",
    "VariableAccessSpecification",
    "VariableName",
    "WriteDataBlockAccess",
    "WriteRequest",
    "WriteResponse",
]


@dataclass(frozen=True, slots=True)
class VariableName:
    """variable-name [2]: a short name."""

    name: int
    CHOICE: ClassVar[int] = 2

    def __post_init__(self) -> None:
        check_uint("short name", self.name, 16)

    def encode_into(self, out: bytearray) -> None:
        out.append(self.CHOICE)
        out += self.name.to_bytes(2, "big")


@dataclass(frozen=True, slots=True)
class ParameterizedAccess:
    """parameterized-access [4]: a short name, a selector and its parameter."""

    name: int
    selector: int
    parameter: Data
    CHOICE: ClassVar[int] = 4

    def __post_init__(self) -> None:
        check_uint("short name", self.name, 16)
        check_uint("selector", self.selector, 8)
        type_of(self.parameter)

    def encode_into(self, out: bytearray) -> None:
        out.append(self.CHOICE)
        out += self.name.to_bytes(2, "big")
        out.append(self.selector)
        put_data(out, self.parameter, "parameter")


@dataclass(frozen=True, slots=True)
class BlockNumberAccess:
    """block-number-access [5]: the number of the block to send next."""

    block_number: int
    CHOICE: ClassVar[int] = 5

    def __post_init__(self) -> None:
        check_uint("block number", self.block_number, 16)

    def encode_into(self, out: bytearray) -> None:
        out.append(self.CHOICE)
        out += self.block_number.to_bytes(2, "big")


@dataclass(frozen=True, slots=True)
class ReadDataBlockAccess:
    """read-data-block-access [6]: a block of the parameters of a long read."""

    last_block: bool
    block_number: int
    raw_data: bytes
    CHOICE: ClassVar[int] = 6

    def __post_init__(self) -> None:
        _check_block(self.last_block, self.block_number, self.raw_data)

    def encode_into(self, out: bytearray) -> None:
        out.append(self.CHOICE)
        out.append(1 if self.last_block else 0)
        out += self.block_number.to_bytes(2, "big")
        put_octet_string(out, self.raw_data)


@dataclass(frozen=True, slots=True)
class WriteDataBlockAccess:
    """write-data-block-access [7]: this write carries a block (its raw data in the data)."""

    last_block: bool
    block_number: int
    CHOICE: ClassVar[int] = 7

    def __post_init__(self) -> None:
        _check_block(self.last_block, self.block_number, b"")

    def encode_into(self, out: bytearray) -> None:
        out.append(self.CHOICE)
        out.append(1 if self.last_block else 0)
        out += self.block_number.to_bytes(2, "big")


VariableAccessSpecification = (
    VariableName
    | ParameterizedAccess
    | BlockNumberAccess
    | ReadDataBlockAccess
    | WriteDataBlockAccess
)
_SPECIFICATIONS = (
    VariableName,
    ParameterizedAccess,
    BlockNumberAccess,
    ReadDataBlockAccess,
    WriteDataBlockAccess,
)


def _check_block(last_block: object, block_number: int, raw_data: object) -> None:
    if not isinstance(last_block, bool):
        raise EncodeError(f"last block must be a bool, not {last_block!r}")
    check_uint("block number", block_number, 16)
    check_bytes("raw data", raw_data)


def _read_specification(r: Reader) -> VariableAccessSpecification:
    at = r.pos
    choice = r.u8("the Variable-Access-Specification choice")
    if choice == 2:
        return VariableName(r.u16("variable-name"))
    if choice == 4:
        name = r.u16("variable-name")
        selector = r.u8("selector")
        return ParameterizedAccess(name, selector, r.data("parameter"))
    if choice == 5:
        return BlockNumberAccess(r.u16("block-number"))
    if choice == 6:
        last = r.boolean("last-block")
        number = r.u16("block-number")
        return ReadDataBlockAccess(last, number, r.octet_string("raw-data"))
    if choice == 7:
        last = r.boolean("last-block")
        return WriteDataBlockAccess(last, r.u16("block-number"))
    r.unknown_choice("Variable-Access-Specification", choice, at)


def _check_specifications(items: object) -> None:
    if not isinstance(items, tuple) or not all(isinstance(i, _SPECIFICATIONS) for i in items):
        raise EncodeError("variables must be a tuple of Variable-Access-Specification")


def _put_specifications(out: bytearray, items: tuple[VariableAccessSpecification, ...]) -> None:
    out += encode_length(len(items))
    for item in items:
        item.encode_into(out)


def _read_specifications(r: Reader) -> tuple[VariableAccessSpecification, ...]:
    count = r.count("variable access specifications", 3)
    return tuple(_read_specification(r) for _ in range(count))


@dataclass(frozen=True, slots=True)
class ReadRequest(Apdu):
    """ReadRequest: the variables to read."""

    variables: tuple[VariableAccessSpecification, ...]
    TAG: ClassVar[int] = 5

    def __post_init__(self) -> None:
        _check_specifications(self.variables)

    def encode(self) -> bytes:
        out = bytearray((self.TAG,))
        _put_specifications(out, self.variables)
        return bytes(out)

    @classmethod
    def read(cls, r: Reader) -> ReadRequest:
        r.u8("tag")
        return cls(_read_specifications(r))


@dataclass(frozen=True, slots=True)
class DataBlockResult:
    """data-block-result [2] of ReadResponse: one block of a long read."""

    last_block: bool
    block_number: int
    raw_data: bytes
    CHOICE: ClassVar[int] = 2

    def __post_init__(self) -> None:
        _check_block(self.last_block, self.block_number, self.raw_data)


@dataclass(frozen=True, slots=True)
class BlockNumberResult:
    """block-number of ReadResponse [3] and WriteResponse [2]: the block acknowledged."""

    block_number: int

    def __post_init__(self) -> None:
        check_uint("block number", self.block_number, 16)


@dataclass(frozen=True, slots=True)
class ReadResponse(Apdu):
    """ReadResponse: one result per variable -- Data, a DataAccessResult, a
    :class:`DataBlockResult` or a :class:`BlockNumberResult`."""

    results: tuple[Any, ...]  # Data | DataAccessResult | DataBlockResult | BlockNumberResult
    TAG: ClassVar[int] = 12

    def __post_init__(self) -> None:
        if not isinstance(self.results, tuple):
            raise EncodeError("results must be a tuple")
        for result in self.results:
            if not isinstance(result, DataBlockResult | BlockNumberResult):
                check_result(result)

    def encode(self) -> bytes:
        out = bytearray((self.TAG,))
        out += encode_length(len(self.results))
        for index, result in enumerate(self.results):
            if isinstance(result, DataAccessResult):
                out += bytes((1, result))
            elif isinstance(result, DataBlockResult):
                out.append(2)
                out.append(1 if result.last_block else 0)
                out += result.block_number.to_bytes(2, "big")
                put_octet_string(out, result.raw_data)
            elif isinstance(result, BlockNumberResult):
                out.append(3)
                out += result.block_number.to_bytes(2, "big")
            else:
                out.append(0)
                put_data(out, result, f"result [{index}]")
        return bytes(out)

    @classmethod
    def read(cls, r: Reader) -> ReadResponse:
        r.u8("tag")
        count = r.count("read results", 2)
        results: list[Any] = []
        for _ in range(count):
            at = r.pos
            choice = r.u8("the ReadResponse choice")
            if choice == 0:
                results.append(r.data("data"))
            elif choice == 1:
                results.append(DataAccessResult(r.u8("data-access-error")))
            elif choice == 2:
                last = r.boolean("last-block")
                number = r.u16("block-number")
                results.append(DataBlockResult(last, number, r.octet_string("raw-data")))
            elif choice == 3:
                results.append(BlockNumberResult(r.u16("block-number")))
            else:
                r.unknown_choice("ReadResponse", choice, at)
        return cls(tuple(results))


class _WriteBase(Apdu):
    __slots__ = ()
    variables: tuple[VariableAccessSpecification, ...]
    values: tuple[Data, ...]

    def _check(self) -> None:
        _check_specifications(self.variables)
        check_data_list(self.values, "values")

    def encode(self) -> bytes:
        out = bytearray((self.TAG,))
        _put_specifications(out, self.variables)
        put_data_list(out, self.values, "value")
        return bytes(out)


@dataclass(frozen=True, slots=True)
class WriteRequest(_WriteBase):
    """WriteRequest: variables and one value each."""

    variables: tuple[VariableAccessSpecification, ...]
    values: tuple[Data, ...]
    TAG: ClassVar[int] = 6

    def __post_init__(self) -> None:
        self._check()

    @classmethod
    def read(cls, r: Reader) -> WriteRequest:
        r.u8("tag")
        variables = _read_specifications(r)
        return cls(variables, read_data_list(r, "list-of-data"))


@dataclass(frozen=True, slots=True)
class UnconfirmedWriteRequest(_WriteBase):
    """UnconfirmedWriteRequest: as WriteRequest, without response."""

    variables: tuple[VariableAccessSpecification, ...]
    values: tuple[Data, ...]
    TAG: ClassVar[int] = 22

    def __post_init__(self) -> None:
        self._check()

    @classmethod
    def read(cls, r: Reader) -> UnconfirmedWriteRequest:
        r.u8("tag")
        variables = _read_specifications(r)
        return cls(variables, read_data_list(r, "list-of-data"))


@dataclass(frozen=True, slots=True)
class WriteResponse(Apdu):
    """WriteResponse: one result per variable -- a DataAccessResult (``SUCCESS`` is the
    success [0] choice, the others data-access-error [1]) or a :class:`BlockNumberResult`.

    A data-access-error carrying the value 0 decodes as ``SUCCESS`` and is written back as
    the success choice.
    """

    results: tuple[DataAccessResult | BlockNumberResult, ...]
    TAG: ClassVar[int] = 13

    def __post_init__(self) -> None:
        if not isinstance(self.results, tuple) or not all(
            isinstance(r, DataAccessResult | BlockNumberResult) for r in self.results
        ):
            raise EncodeError("results must be a tuple of DataAccessResult or BlockNumberResult")

    def encode(self) -> bytes:
        out = bytearray((self.TAG,))
        out += encode_length(len(self.results))
        for result in self.results:
            if isinstance(result, BlockNumberResult):
                out.append(2)
                out += result.block_number.to_bytes(2, "big")
            elif result == DataAccessResult.SUCCESS:
                out.append(0)
            else:
                out += bytes((1, result))
        return bytes(out)

    @classmethod
    def read(cls, r: Reader) -> WriteResponse:
        r.u8("tag")
        count = r.count("write results", 1)
        results: list[DataAccessResult | BlockNumberResult] = []
        for _ in range(count):
            at = r.pos
            choice = r.u8("the WriteResponse choice")
            if choice == 0:
                results.append(DataAccessResult.SUCCESS)
            elif choice == 1:
                results.append(DataAccessResult(r.u8("data-access-error")))
            elif choice == 2:
                results.append(BlockNumberResult(r.u16("block-number")))
            else:
                r.unknown_choice("WriteResponse", choice, at)
        return cls(tuple(results))


def _time_octets(value: object) -> bytes:
    if isinstance(value, DateTime):
        return value.to_bytes()
    check_bytes("current time", value)
    return value  # type: ignore[return-value]


@dataclass(frozen=True, slots=True)
class InformationReportRequest(Apdu):
    """InformationReportRequest: unsolicited values of SN variables, with an optional time
    (octets of a COSEM date-time, or a :class:`~dlmskit.cosem.DateTime`; ``b""`` if absent)."""

    variables: tuple[VariableAccessSpecification, ...]
    values: tuple[Data, ...]
    current_time: bytes = b""
    TAG: ClassVar[int] = 24

    def __post_init__(self) -> None:
        _check_specifications(self.variables)
        check_data_list(self.values, "values")
        object.__setattr__(self, "current_time", _time_octets(self.current_time))

    @property
    def timestamp(self) -> DateTime | None:
        if len(self.current_time) != 12:
            return None
        return DateTime.from_bytes(self.current_time)

    def encode(self) -> bytes:
        out = bytearray((self.TAG,))
        put_octet_string(out, self.current_time)
        _put_specifications(out, self.variables)
        put_data_list(out, self.values, "value")
        return bytes(out)

    @classmethod
    def read(cls, r: Reader) -> InformationReportRequest:
        r.u8("tag")
        current_time = r.octet_string("current-time")
        variables = _read_specifications(r)
        return cls(variables, read_data_list(r, "list-of-data"), current_time)
