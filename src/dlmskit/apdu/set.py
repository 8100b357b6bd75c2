"""SET service APDUs (logical name referencing): SET-Request (0xC1) and SET-Response (0xC5).

==============================================  ===============================================
request                                         response
==============================================  ===============================================
:class:`SetRequestNormal` (1)                    :class:`SetResponseNormal` (1)
:class:`SetRequestWithFirstDatablock` (2)        :class:`SetResponseDatablock` (2)
:class:`SetRequestWithDatablock` (3)             :class:`SetResponseLastDatablock` (3)
:class:`SetRequestWithList` (4)                  :class:`SetResponseLastDatablockWithList` (4)
:class:`SetRequestWithListAndFirstDatablock` (5) :class:`SetResponseWithList` (5)
==============================================  ===============================================

The datablock variants carry a DataBlock-SA (``last_block``, ``block_number``, ``raw_data``):
the raw data of all blocks together is the A-XDR encoding of the value (or of the list of
values); see :mod:`dlmskit.apdu.blocks` to split and join them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Final

from dlmskit.apdu._codec import Apdu, Reader, check_uint, put_data
from dlmskit.apdu._ln import (
    AttributeWithSelection,
    check_attribute_list,
    check_block,
    check_descriptor,
    check_iip,
    check_selection,
    choice_reader,
    put_attribute_list,
    put_block,
    put_data_list,
    put_selection,
    read_attribute_list,
    read_block,
    read_data_list,
    read_selection,
)
from dlmskit.apdu.common import (
    CosemAttributeDescriptor,
    DataAccessResult,
    InvokeIdAndPriority,
    SelectiveAccessDescriptor,
    result_enum,
)
from dlmskit.axdr import encode_length, type_of
from dlmskit.errors import EncodeError

if TYPE_CHECKING:
    from dlmskit.axdr import Data

__all__ = [
    "SetRequest",
    "SetRequestNormal",
    "SetRequestWithDatablock",
    "SetRequestWithFirstDatablock",
    "SetRequestWithList",
    "SetRequestWithListAndFirstDatablock",
    "SetResponse",
    "SetResponseDatablock",
    "SetResponseLastDatablock",
    "SetResponseLastDatablockWithList",
    "SetResponseNormal",
    "SetResponseWithList",
]

SET_REQUEST: Final = 0xC1
SET_RESPONSE: Final = 0xC5


class _Request(Apdu):
    __slots__ = ()
    TAG: ClassVar[int] = SET_REQUEST
    CHOICE: ClassVar[int]


class _Response(Apdu):
    __slots__ = ()
    TAG: ClassVar[int] = SET_RESPONSE
    CHOICE: ClassVar[int]


def _head(apdu: _Request | _Response, iip: InvokeIdAndPriority) -> bytearray:
    return bytearray((apdu.TAG, apdu.CHOICE, iip.to_byte()))


def _check_results(results: object) -> tuple[DataAccessResult, ...]:
    if not isinstance(results, tuple):
        raise EncodeError("results must be a tuple of DataAccessResult")
    return tuple(result_enum(DataAccessResult, "result", r) for r in results)


def _put_results(out: bytearray, results: tuple[DataAccessResult, ...]) -> None:
    out += encode_length(len(results))
    out += bytes(results)


def _read_results(r: Reader) -> tuple[DataAccessResult, ...]:
    count = r.count("Data-Access-Results", 1)
    return tuple(DataAccessResult(octet) for octet in r.take(count, "Data-Access-Results"))


@dataclass(frozen=True, slots=True)
class SetRequestNormal(_Request):
    """set-request-normal: one attribute, optional selective access, the value."""

    invoke_id_and_priority: InvokeIdAndPriority
    attribute: CosemAttributeDescriptor
    value: Data
    access_selection: SelectiveAccessDescriptor | None = None

    CHOICE: ClassVar[int] = 1

    def __post_init__(self) -> None:
        check_iip(self.invoke_id_and_priority)
        check_descriptor(self.attribute, CosemAttributeDescriptor)
        check_selection(self.access_selection)
        type_of(self.value)

    def encode(self) -> bytes:
        out = _head(self, self.invoke_id_and_priority)
        self.attribute.encode_into(out)
        put_selection(out, self.access_selection)
        put_data(out, self.value, "value")
        return bytes(out)

    @classmethod
    def read_body(cls, r: Reader, iip: InvokeIdAndPriority) -> SetRequestNormal:
        attribute = CosemAttributeDescriptor.read(r)
        selection = read_selection(r)
        return cls(iip, attribute, r.data("value"), selection)


@dataclass(frozen=True, slots=True)
class SetRequestWithFirstDatablock(_Request):
    """set-request-with-first-datablock: the attribute and the first block of its value."""

    invoke_id_and_priority: InvokeIdAndPriority
    attribute: CosemAttributeDescriptor
    last_block: bool
    block_number: int
    raw_data: bytes
    access_selection: SelectiveAccessDescriptor | None = None

    CHOICE: ClassVar[int] = 2

    def __post_init__(self) -> None:
        check_iip(self.invoke_id_and_priority)
        check_descriptor(self.attribute, CosemAttributeDescriptor)
        check_selection(self.access_selection)
        check_block(self.last_block, self.block_number, self.raw_data)

    def encode(self) -> bytes:
        out = _head(self, self.invoke_id_and_priority)
        self.attribute.encode_into(out)
        put_selection(out, self.access_selection)
        put_block(out, self.last_block, self.block_number, self.raw_data)
        return bytes(out)

    @classmethod
    def read_body(cls, r: Reader, iip: InvokeIdAndPriority) -> SetRequestWithFirstDatablock:
        attribute = CosemAttributeDescriptor.read(r)
        selection = read_selection(r)
        last, number, raw = read_block(r)
        return cls(iip, attribute, last, number, raw, selection)


@dataclass(frozen=True, slots=True)
class SetRequestWithDatablock(_Request):
    """set-request-with-datablock: a following block of the value."""

    invoke_id_and_priority: InvokeIdAndPriority
    last_block: bool
    block_number: int
    raw_data: bytes

    CHOICE: ClassVar[int] = 3

    def __post_init__(self) -> None:
        check_iip(self.invoke_id_and_priority)
        check_block(self.last_block, self.block_number, self.raw_data)

    def encode(self) -> bytes:
        out = _head(self, self.invoke_id_and_priority)
        put_block(out, self.last_block, self.block_number, self.raw_data)
        return bytes(out)

    @classmethod
    def read_body(cls, r: Reader, iip: InvokeIdAndPriority) -> SetRequestWithDatablock:
        return cls(iip, *read_block(r))


@dataclass(frozen=True, slots=True)
class SetRequestWithList(_Request):
    """set-request-with-list: several attributes and one value each."""

    invoke_id_and_priority: InvokeIdAndPriority
    attributes: tuple[AttributeWithSelection, ...]
    values: tuple[Data, ...]

    CHOICE: ClassVar[int] = 4

    def __post_init__(self) -> None:
        check_iip(self.invoke_id_and_priority)
        check_attribute_list(self.attributes)
        if not isinstance(self.values, tuple):
            raise EncodeError("values must be a tuple of Data")
        for value in self.values:
            type_of(value)

    def encode(self) -> bytes:
        out = _head(self, self.invoke_id_and_priority)
        put_attribute_list(out, self.attributes)
        put_data_list(out, self.values, "value")
        return bytes(out)

    @classmethod
    def read_body(cls, r: Reader, iip: InvokeIdAndPriority) -> SetRequestWithList:
        attributes = read_attribute_list(r)
        return cls(iip, attributes, read_data_list(r, "values"))


@dataclass(frozen=True, slots=True)
class SetRequestWithListAndFirstDatablock(_Request):
    """set-request-with-list-and-first-datablock: the attributes and the first block of the
    encoded list of values."""

    invoke_id_and_priority: InvokeIdAndPriority
    attributes: tuple[AttributeWithSelection, ...]
    last_block: bool
    block_number: int
    raw_data: bytes

    CHOICE: ClassVar[int] = 5

    def __post_init__(self) -> None:
        check_iip(self.invoke_id_and_priority)
        check_attribute_list(self.attributes)
        check_block(self.last_block, self.block_number, self.raw_data)

    def encode(self) -> bytes:
        out = _head(self, self.invoke_id_and_priority)
        put_attribute_list(out, self.attributes)
        put_block(out, self.last_block, self.block_number, self.raw_data)
        return bytes(out)

    @classmethod
    def read_body(cls, r: Reader, iip: InvokeIdAndPriority) -> SetRequestWithListAndFirstDatablock:
        attributes = read_attribute_list(r)
        return cls(iip, attributes, *read_block(r))


@dataclass(frozen=True, slots=True)
class SetResponseNormal(_Response):
    """set-response-normal: the result."""

    invoke_id_and_priority: InvokeIdAndPriority
    result: DataAccessResult = DataAccessResult.SUCCESS

    CHOICE: ClassVar[int] = 1

    def __post_init__(self) -> None:
        check_iip(self.invoke_id_and_priority)
        object.__setattr__(self, "result", result_enum(DataAccessResult, "result", self.result))

    def encode(self) -> bytes:
        out = _head(self, self.invoke_id_and_priority)
        out.append(self.result)
        return bytes(out)

    @classmethod
    def read_body(cls, r: Reader, iip: InvokeIdAndPriority) -> SetResponseNormal:
        return cls(iip, DataAccessResult(r.u8("result")))


@dataclass(frozen=True, slots=True)
class SetResponseDatablock(_Response):
    """set-response-datablock: acknowledges a block, asks for the next."""

    invoke_id_and_priority: InvokeIdAndPriority
    block_number: int

    CHOICE: ClassVar[int] = 2

    def __post_init__(self) -> None:
        check_iip(self.invoke_id_and_priority)
        check_uint("block number", self.block_number, 32)

    def encode(self) -> bytes:
        out = _head(self, self.invoke_id_and_priority)
        out += self.block_number.to_bytes(4, "big")
        return bytes(out)

    @classmethod
    def read_body(cls, r: Reader, iip: InvokeIdAndPriority) -> SetResponseDatablock:
        return cls(iip, r.u32("block-number"))


@dataclass(frozen=True, slots=True)
class SetResponseLastDatablock(_Response):
    """set-response-last-datablock: the result after the last block."""

    invoke_id_and_priority: InvokeIdAndPriority
    result: DataAccessResult
    block_number: int

    CHOICE: ClassVar[int] = 3

    def __post_init__(self) -> None:
        check_iip(self.invoke_id_and_priority)
        object.__setattr__(self, "result", result_enum(DataAccessResult, "result", self.result))
        check_uint("block number", self.block_number, 32)

    def encode(self) -> bytes:
        out = _head(self, self.invoke_id_and_priority)
        out.append(self.result)
        out += self.block_number.to_bytes(4, "big")
        return bytes(out)

    @classmethod
    def read_body(cls, r: Reader, iip: InvokeIdAndPriority) -> SetResponseLastDatablock:
        result = DataAccessResult(r.u8("result"))
        return cls(iip, result, r.u32("block-number"))


@dataclass(frozen=True, slots=True)
class SetResponseLastDatablockWithList(_Response):
    """set-response-last-datablock-with-list: one result per attribute, after the last block."""

    invoke_id_and_priority: InvokeIdAndPriority
    results: tuple[DataAccessResult, ...]
    block_number: int

    CHOICE: ClassVar[int] = 4

    def __post_init__(self) -> None:
        check_iip(self.invoke_id_and_priority)
        object.__setattr__(self, "results", _check_results(self.results))
        check_uint("block number", self.block_number, 32)

    def encode(self) -> bytes:
        out = _head(self, self.invoke_id_and_priority)
        _put_results(out, self.results)
        out += self.block_number.to_bytes(4, "big")
        return bytes(out)

    @classmethod
    def read_body(cls, r: Reader, iip: InvokeIdAndPriority) -> SetResponseLastDatablockWithList:
        results = _read_results(r)
        return cls(iip, results, r.u32("block-number"))


@dataclass(frozen=True, slots=True)
class SetResponseWithList(_Response):
    """set-response-with-list: one result per attribute."""

    invoke_id_and_priority: InvokeIdAndPriority
    results: tuple[DataAccessResult, ...]

    CHOICE: ClassVar[int] = 5

    def __post_init__(self) -> None:
        check_iip(self.invoke_id_and_priority)
        object.__setattr__(self, "results", _check_results(self.results))

    def encode(self) -> bytes:
        out = _head(self, self.invoke_id_and_priority)
        _put_results(out, self.results)
        return bytes(out)

    @classmethod
    def read_body(cls, r: Reader, iip: InvokeIdAndPriority) -> SetResponseWithList:
        return cls(iip, _read_results(r))


SetRequest = (
    SetRequestNormal
    | SetRequestWithFirstDatablock
    | SetRequestWithDatablock
    | SetRequestWithList
    | SetRequestWithListAndFirstDatablock
)
SetResponse = (
    SetResponseNormal
    | SetResponseDatablock
    | SetResponseLastDatablock
    | SetResponseLastDatablockWithList
    | SetResponseWithList
)

read_set_request = choice_reader(
    "SET-Request",
    {
        c.CHOICE: c
        for c in (
            SetRequestNormal,
            SetRequestWithFirstDatablock,
            SetRequestWithDatablock,
            SetRequestWithList,
            SetRequestWithListAndFirstDatablock,
        )
    },
)
read_set_response = choice_reader(
    "SET-Response",
    {
        c.CHOICE: c
        for c in (
            SetResponseNormal,
            SetResponseDatablock,
            SetResponseLastDatablock,
            SetResponseLastDatablockWithList,
            SetResponseWithList,
        )
    },
)
