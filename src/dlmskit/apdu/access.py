"""ACCESS service APDUs (IEC 62056-5-3): access-request (0xD9) and access-response (0xDA).

One ACCESS request carries a list of GET, SET and ACTION specifications and one list of data
(the values to set, the method parameters; null-data for a GET); the response carries the
list of data (read values, return parameters) and one result per specification.

Both have a long-invoke-id-and-priority and a date-time OCTET STRING (empty when absent).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from dlmskit.apdu._codec import Apdu, Reader, check_bytes, put_octet_string
from dlmskit.apdu._ln import (
    check_data_list,
    check_descriptor,
    put_data_list,
    read_data_list,
)
from dlmskit.apdu.common import (
    ActionResult,
    CosemAttributeDescriptor,
    CosemMethodDescriptor,
    DataAccessResult,
    LongInvokeIdAndPriority,
    SelectiveAccessDescriptor,
    result_enum,
)
from dlmskit.axdr import encode_length
from dlmskit.errors import EncodeError

if TYPE_CHECKING:
    from dlmskit.axdr import Data

__all__ = [
    "AccessRequest",
    "AccessRequestAction",
    "AccessRequestGet",
    "AccessRequestGetWithSelection",
    "AccessRequestSet",
    "AccessRequestSetWithSelection",
    "AccessRequestSpecification",
    "AccessResponse",
    "AccessResponseAction",
    "AccessResponseGet",
    "AccessResponseSet",
    "AccessResponseSpecification",
]


@dataclass(frozen=True, slots=True)
class AccessRequestGet:
    """access-request-get [1]."""

    attribute: CosemAttributeDescriptor
    CHOICE: ClassVar[int] = 1

    def __post_init__(self) -> None:
        check_descriptor(self.attribute, CosemAttributeDescriptor)

    def encode_into(self, out: bytearray) -> None:
        out.append(self.CHOICE)
        self.attribute.encode_into(out)


@dataclass(frozen=True, slots=True)
class AccessRequestSet:
    """access-request-set [2]."""

    attribute: CosemAttributeDescriptor
    CHOICE: ClassVar[int] = 2

    def __post_init__(self) -> None:
        check_descriptor(self.attribute, CosemAttributeDescriptor)

    def encode_into(self, out: bytearray) -> None:
        out.append(self.CHOICE)
        self.attribute.encode_into(out)


@dataclass(frozen=True, slots=True)
class AccessRequestAction:
    """access-request-action [3]."""

    method: CosemMethodDescriptor
    CHOICE: ClassVar[int] = 3

    def __post_init__(self) -> None:
        check_descriptor(self.method, CosemMethodDescriptor, "method")

    def encode_into(self, out: bytearray) -> None:
        out.append(self.CHOICE)
        self.method.encode_into(out)


@dataclass(frozen=True, slots=True)
class AccessRequestGetWithSelection:
    """access-request-get-with-selection [4]."""

    attribute: CosemAttributeDescriptor
    access_selection: SelectiveAccessDescriptor
    CHOICE: ClassVar[int] = 4

    def __post_init__(self) -> None:
        check_descriptor(self.attribute, CosemAttributeDescriptor)
        check_descriptor(self.access_selection, SelectiveAccessDescriptor, "access selection")

    def encode_into(self, out: bytearray) -> None:
        out.append(self.CHOICE)
        self.attribute.encode_into(out)
        self.access_selection.encode_into(out)


@dataclass(frozen=True, slots=True)
class AccessRequestSetWithSelection:
    """access-request-set-with-selection [5]."""

    attribute: CosemAttributeDescriptor
    access_selection: SelectiveAccessDescriptor
    CHOICE: ClassVar[int] = 5

    def __post_init__(self) -> None:
        check_descriptor(self.attribute, CosemAttributeDescriptor)
        check_descriptor(self.access_selection, SelectiveAccessDescriptor, "access selection")

    def encode_into(self, out: bytearray) -> None:
        out.append(self.CHOICE)
        self.attribute.encode_into(out)
        self.access_selection.encode_into(out)


AccessRequestSpecification = (
    AccessRequestGet
    | AccessRequestSet
    | AccessRequestAction
    | AccessRequestGetWithSelection
    | AccessRequestSetWithSelection
)
_SPECIFICATIONS = (
    AccessRequestGet,
    AccessRequestSet,
    AccessRequestAction,
    AccessRequestGetWithSelection,
    AccessRequestSetWithSelection,
)


def _read_specification(r: Reader) -> AccessRequestSpecification:
    at = r.pos
    choice = r.u8("the Access-Request-Specification choice")
    if choice in (1, 2):
        attribute = CosemAttributeDescriptor.read(r)
        return AccessRequestGet(attribute) if choice == 1 else AccessRequestSet(attribute)
    if choice == 3:
        return AccessRequestAction(CosemMethodDescriptor.read(r))
    if choice in (4, 5):
        attribute = CosemAttributeDescriptor.read(r)
        selection = SelectiveAccessDescriptor.read(r)
        if choice == 4:
            return AccessRequestGetWithSelection(attribute, selection)
        return AccessRequestSetWithSelection(attribute, selection)
    r.unknown_choice("Access-Request-Specification", choice, at)


def _check_specifications(items: object) -> None:
    if not isinstance(items, tuple) or not all(isinstance(i, _SPECIFICATIONS) for i in items):
        raise EncodeError("specifications must be a tuple of Access-Request-Specification")


def _put_specifications(out: bytearray, items: tuple[AccessRequestSpecification, ...]) -> None:
    out += encode_length(len(items))
    for item in items:
        item.encode_into(out)


def _read_specifications(r: Reader) -> tuple[AccessRequestSpecification, ...]:
    count = r.count("access request specifications", 10)
    return tuple(_read_specification(r) for _ in range(count))


def _check_long_iip(value: object) -> None:
    if not isinstance(value, LongInvokeIdAndPriority):
        raise EncodeError(
            f"long-invoke-id-and-priority must be a LongInvokeIdAndPriority, not {value!r}"
        )


@dataclass(frozen=True, slots=True)
class AccessRequest(Apdu):
    """access-request: specifications and the list of data that goes with them."""

    long_invoke_id_and_priority: LongInvokeIdAndPriority
    specifications: tuple[AccessRequestSpecification, ...]
    data: tuple[Data, ...]
    date_time: bytes = b""

    TAG: ClassVar[int] = 0xD9

    def __post_init__(self) -> None:
        _check_long_iip(self.long_invoke_id_and_priority)
        _check_specifications(self.specifications)
        check_data_list(self.data, "data")
        check_bytes("date-time", self.date_time)

    def encode(self) -> bytes:
        out = bytearray((self.TAG,))
        out += self.long_invoke_id_and_priority.to_int().to_bytes(4, "big")
        put_octet_string(out, self.date_time)
        _put_specifications(out, self.specifications)
        put_data_list(out, self.data, "data")
        return bytes(out)

    @classmethod
    def read(cls, r: Reader) -> AccessRequest:
        r.u8("tag")
        iip = LongInvokeIdAndPriority.from_int(r.u32("long-invoke-id-and-priority"))
        date_time = r.octet_string("date-time")
        specifications = _read_specifications(r)
        data = read_data_list(r, "access-request-list-of-data")
        return cls(iip, specifications, data, date_time)


@dataclass(frozen=True, slots=True)
class AccessResponseGet:
    """access-response-get [1]."""

    result: DataAccessResult = DataAccessResult.SUCCESS
    CHOICE: ClassVar[int] = 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "result", result_enum(DataAccessResult, "result", self.result))


@dataclass(frozen=True, slots=True)
class AccessResponseSet:
    """access-response-set [2]."""

    result: DataAccessResult = DataAccessResult.SUCCESS
    CHOICE: ClassVar[int] = 2

    def __post_init__(self) -> None:
        object.__setattr__(self, "result", result_enum(DataAccessResult, "result", self.result))


@dataclass(frozen=True, slots=True)
class AccessResponseAction:
    """access-response-action [3]."""

    result: ActionResult = ActionResult.SUCCESS
    CHOICE: ClassVar[int] = 3

    def __post_init__(self) -> None:
        object.__setattr__(self, "result", result_enum(ActionResult, "result", self.result))


AccessResponseSpecification = AccessResponseGet | AccessResponseSet | AccessResponseAction


def _read_response_specification(r: Reader) -> AccessResponseSpecification:
    at = r.pos
    choice = r.u8("the Access-Response-Specification choice")
    if choice == 1:
        return AccessResponseGet(DataAccessResult(r.u8("result")))
    if choice == 2:
        return AccessResponseSet(DataAccessResult(r.u8("result")))
    if choice == 3:
        return AccessResponseAction(ActionResult(r.u8("result")))
    r.unknown_choice("Access-Response-Specification", choice, at)


@dataclass(frozen=True, slots=True)
class AccessResponse(Apdu):
    """access-response: optionally the request's specifications again, the list of data and
    one result per specification."""

    long_invoke_id_and_priority: LongInvokeIdAndPriority
    data: tuple[Data, ...]
    results: tuple[AccessResponseSpecification, ...]
    request_specifications: tuple[AccessRequestSpecification, ...] | None = None
    date_time: bytes = b""

    TAG: ClassVar[int] = 0xDA

    def __post_init__(self) -> None:
        _check_long_iip(self.long_invoke_id_and_priority)
        check_data_list(self.data, "data")
        if not isinstance(self.results, tuple) or not all(
            isinstance(i, AccessResponseGet | AccessResponseSet | AccessResponseAction)
            for i in self.results
        ):
            raise EncodeError("results must be a tuple of Access-Response-Specification")
        if self.request_specifications is not None:
            _check_specifications(self.request_specifications)
        check_bytes("date-time", self.date_time)

    def encode(self) -> bytes:
        out = bytearray((self.TAG,))
        out += self.long_invoke_id_and_priority.to_int().to_bytes(4, "big")
        put_octet_string(out, self.date_time)
        if self.request_specifications is None:
            out.append(0)
        else:
            out.append(1)
            _put_specifications(out, self.request_specifications)
        put_data_list(out, self.data, "data")
        out += encode_length(len(self.results))
        for item in self.results:
            out.append(item.CHOICE)
            out.append(item.result)
        return bytes(out)

    @classmethod
    def read(cls, r: Reader) -> AccessResponse:
        r.u8("tag")
        iip = LongInvokeIdAndPriority.from_int(r.u32("long-invoke-id-and-priority"))
        date_time = r.octet_string("date-time")
        specifications = (
            _read_specifications(r) if r.optional("access-request-specification") else None
        )
        data = read_data_list(r, "access-response-list-of-data")
        count = r.count("access response specifications", 2)
        results = tuple(_read_response_specification(r) for _ in range(count))
        return cls(iip, data, results, specifications, date_time)
