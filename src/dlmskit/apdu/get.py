"""GET service APDUs (logical name referencing): GET-Request (0xC0) and GET-Response (0xC4).

==============================================  ===========================================
request                                         response
==============================================  ===========================================
:class:`GetRequestNormal` (1)                    :class:`GetResponseNormal` (1)
:class:`GetRequestNext` (2)                      :class:`GetResponseWithDatablock` (2)
:class:`GetRequestWithList` (3)                  :class:`GetResponseWithList` (3)
==============================================  ===========================================

A Get-Data-Result is either the value (any ``Data``) or a :class:`DataAccessResult`: the
meter's refusal is a value in the response, not an exception.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Final

from dlmskit.apdu._codec import Apdu, Reader, check_uint, make, put_octet_string
from dlmskit.apdu._ln import (
    AttributeWithSelection,
    check_attribute_list,
    check_descriptor,
    check_iip,
    check_result,
    check_selection,
    choice_reader,
    put_attribute_list,
    put_result,
    put_selection,
    read_attribute_list,
    read_result,
    read_selection,
)
from dlmskit.apdu.common import (
    CosemAttributeDescriptor,
    DataAccessResult,
    InvokeIdAndPriority,
    SelectiveAccessDescriptor,
)
from dlmskit.axdr import encode_length
from dlmskit.errors import EncodeError

if TYPE_CHECKING:
    from dlmskit.axdr import Data

__all__ = [
    "AttributeWithSelection",
    "GetRequest",
    "GetRequestNext",
    "GetRequestNormal",
    "GetRequestWithList",
    "GetResponse",
    "GetResponseNormal",
    "GetResponseWithDatablock",
    "GetResponseWithList",
]

GET_REQUEST: Final = 0xC0
GET_RESPONSE: Final = 0xC4


class _Request(Apdu):
    __slots__ = ()
    TAG: ClassVar[int] = GET_REQUEST
    CHOICE: ClassVar[int]


class _Response(Apdu):
    __slots__ = ()
    TAG: ClassVar[int] = GET_RESPONSE
    CHOICE: ClassVar[int]


@dataclass(frozen=True, slots=True)
class GetRequestNormal(_Request):
    """get-request-normal: one attribute, optionally with selective access."""

    invoke_id_and_priority: InvokeIdAndPriority
    attribute: CosemAttributeDescriptor
    access_selection: SelectiveAccessDescriptor | None = None

    CHOICE: ClassVar[int] = 1

    def __post_init__(self) -> None:
        check_iip(self.invoke_id_and_priority)
        check_descriptor(self.attribute, CosemAttributeDescriptor)
        check_selection(self.access_selection)

    def encode(self) -> bytes:
        out = bytearray((self.TAG, self.CHOICE, self.invoke_id_and_priority.to_byte()))
        self.attribute.encode_into(out)
        put_selection(out, self.access_selection)
        return bytes(out)

    @classmethod
    def read_body(cls, r: Reader, iip: InvokeIdAndPriority) -> GetRequestNormal:
        attribute = CosemAttributeDescriptor.read(r)
        request: GetRequestNormal = make(cls, iip, attribute, read_selection(r))
        return request


@dataclass(frozen=True, slots=True)
class GetRequestNext(_Request):
    """get-request-next: the block number of the last block received."""

    invoke_id_and_priority: InvokeIdAndPriority
    block_number: int

    CHOICE: ClassVar[int] = 2

    def __post_init__(self) -> None:
        check_iip(self.invoke_id_and_priority)
        check_uint("block number", self.block_number, 32)

    def encode(self) -> bytes:
        return bytes(
            (self.TAG, self.CHOICE, self.invoke_id_and_priority.to_byte())
        ) + self.block_number.to_bytes(4, "big")

    @classmethod
    def read_body(cls, r: Reader, iip: InvokeIdAndPriority) -> GetRequestNext:
        return cls(iip, r.u32("block-number"))


@dataclass(frozen=True, slots=True)
class GetRequestWithList(_Request):
    """get-request-with-list: several attributes in one request."""

    invoke_id_and_priority: InvokeIdAndPriority
    attributes: tuple[AttributeWithSelection, ...]

    CHOICE: ClassVar[int] = 3

    def __post_init__(self) -> None:
        check_iip(self.invoke_id_and_priority)
        check_attribute_list(self.attributes)

    def encode(self) -> bytes:
        out = bytearray((self.TAG, self.CHOICE, self.invoke_id_and_priority.to_byte()))
        put_attribute_list(out, self.attributes)
        return bytes(out)

    @classmethod
    def read_body(cls, r: Reader, iip: InvokeIdAndPriority) -> GetRequestWithList:
        return cls(iip, read_attribute_list(r))


@dataclass(frozen=True, slots=True)
class GetResponseNormal(_Response):
    """get-response-normal: the value, or a DataAccessResult."""

    invoke_id_and_priority: InvokeIdAndPriority
    result: Data | DataAccessResult

    CHOICE: ClassVar[int] = 1

    def __post_init__(self) -> None:
        check_iip(self.invoke_id_and_priority)
        check_result(self.result)

    def encode(self) -> bytes:
        out = bytearray((self.TAG, self.CHOICE, self.invoke_id_and_priority.to_byte()))
        put_result(out, self.result)
        return bytes(out)

    @classmethod
    def read_body(cls, r: Reader, iip: InvokeIdAndPriority) -> GetResponseNormal:
        return cls(iip, read_result(r))


@dataclass(frozen=True, slots=True)
class GetResponseWithDatablock(_Response):
    """get-response-with-datablock (DataBlock-G): one block of the encoded value, or the
    DataAccessResult that ends the transfer."""

    invoke_id_and_priority: InvokeIdAndPriority
    last_block: bool
    block_number: int
    result: bytes | DataAccessResult

    CHOICE: ClassVar[int] = 2

    def __post_init__(self) -> None:
        check_iip(self.invoke_id_and_priority)
        check_uint("block number", self.block_number, 32)
        if not isinstance(self.result, bytes | DataAccessResult):
            raise EncodeError("result must be raw-data bytes or a DataAccessResult")

    @property
    def raw_data(self) -> bytes | None:
        return self.result if isinstance(self.result, bytes) else None

    def encode(self) -> bytes:
        out = bytearray(
            (self.TAG, self.CHOICE, self.invoke_id_and_priority.to_byte(), bool(self.last_block))
        )
        out += self.block_number.to_bytes(4, "big")
        if isinstance(self.result, bytes):
            out.append(0)
            put_octet_string(out, self.result)
        else:
            out.append(1)
            out.append(self.result)
        return bytes(out)

    @classmethod
    def read_body(cls, r: Reader, iip: InvokeIdAndPriority) -> GetResponseWithDatablock:
        last = r.boolean("last-block")
        number = r.u32("block-number")
        at = r.pos
        choice = r.u8("the DataBlock-G result choice")
        result: bytes | DataAccessResult
        if choice == 0:
            result = r.octet_string("raw-data")
        elif choice == 1:
            result = DataAccessResult(r.u8("data-access-result"))
        else:
            r.unknown_choice("DataBlock-G result", choice, at)
        response: GetResponseWithDatablock = make(cls, iip, last, number, result)
        return response


@dataclass(frozen=True, slots=True)
class GetResponseWithList(_Response):
    """get-response-with-list: one Get-Data-Result per requested attribute."""

    invoke_id_and_priority: InvokeIdAndPriority
    results: tuple[Data | DataAccessResult, ...]

    CHOICE: ClassVar[int] = 3

    def __post_init__(self) -> None:
        check_iip(self.invoke_id_and_priority)
        if not isinstance(self.results, tuple):
            raise EncodeError("results must be a tuple")
        for result in self.results:
            check_result(result)

    def encode(self) -> bytes:
        out = bytearray((self.TAG, self.CHOICE, self.invoke_id_and_priority.to_byte()))
        out += encode_length(len(self.results))
        for index, result in enumerate(self.results):
            put_result(out, result, f"result [{index}]")
        return bytes(out)

    @classmethod
    def read_body(cls, r: Reader, iip: InvokeIdAndPriority) -> GetResponseWithList:
        count = r.count("Get-Data-Results", 2)
        return cls(iip, tuple(read_result(r) for _ in range(count)))


GetRequest = GetRequestNormal | GetRequestNext | GetRequestWithList
GetResponse = GetResponseNormal | GetResponseWithDatablock | GetResponseWithList

read_get_request = choice_reader(
    "GET-Request", {c.CHOICE: c for c in (GetRequestNormal, GetRequestNext, GetRequestWithList)}
)
read_get_response = choice_reader(
    "GET-Response",
    {c.CHOICE: c for c in (GetResponseNormal, GetResponseWithDatablock, GetResponseWithList)},
)
