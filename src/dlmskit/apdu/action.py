"""ACTION service APDUs (logical name referencing): ACTION-Request (0xC3), ACTION-Response
(0xC7).

=================================================  ======================================
request                                            response
=================================================  ======================================
:class:`ActionRequestNormal` (1)                    :class:`ActionResponseNormal` (1)
:class:`ActionRequestNextPblock` (2)                :class:`ActionResponseWithPblock` (2)
:class:`ActionRequestWithList` (3)                  :class:`ActionResponseWithList` (3)
:class:`ActionRequestWithFirstPblock` (4)           :class:`ActionResponseNextPblock` (4)
:class:`ActionRequestWithListAndFirstPblock` (5)
:class:`ActionRequestWithPblock` (6)
=================================================  ======================================

Method invocation parameters and return parameters are OPTIONAL Data: :data:`ABSENT`
when not present (``None`` is the null-data value, which is present).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Final

from dlmskit.apdu._codec import Apdu, Reader, check_uint, put_data
from dlmskit.apdu._ln import (
    check_block,
    check_data_list,
    check_descriptor,
    check_iip,
    check_result,
    choice_reader,
    put_block,
    put_data_list,
    put_result,
    read_block,
    read_data_list,
    read_result,
)
from dlmskit.apdu.common import (
    ABSENT,
    Absent,
    ActionResult,
    CosemMethodDescriptor,
    InvokeIdAndPriority,
    result_enum,
)
from dlmskit.axdr import encode_length, type_of
from dlmskit.errors import EncodeError

if TYPE_CHECKING:
    from dlmskit.axdr import Data

__all__ = [
    "ActionRequest",
    "ActionRequestNextPblock",
    "ActionRequestNormal",
    "ActionRequestWithFirstPblock",
    "ActionRequestWithList",
    "ActionRequestWithListAndFirstPblock",
    "ActionRequestWithPblock",
    "ActionResponse",
    "ActionResponseItem",
    "ActionResponseNextPblock",
    "ActionResponseNormal",
    "ActionResponseWithList",
    "ActionResponseWithPblock",
]

ACTION_REQUEST: Final = 0xC3
ACTION_RESPONSE: Final = 0xC7


class _Request(Apdu):
    __slots__ = ()
    TAG: ClassVar[int] = ACTION_REQUEST
    CHOICE: ClassVar[int]


class _Response(Apdu):
    __slots__ = ()
    TAG: ClassVar[int] = ACTION_RESPONSE
    CHOICE: ClassVar[int]


def _head(apdu: _Request | _Response, iip: InvokeIdAndPriority) -> bytearray:
    return bytearray((apdu.TAG, apdu.CHOICE, iip.to_byte()))


def _check_methods(methods: object) -> None:
    if not isinstance(methods, tuple) or not all(
        isinstance(m, CosemMethodDescriptor) for m in methods
    ):
        raise EncodeError("methods must be a tuple of CosemMethodDescriptor")


def _put_methods(out: bytearray, methods: tuple[CosemMethodDescriptor, ...]) -> None:
    out += encode_length(len(methods))
    for method in methods:
        method.encode_into(out)


def _read_methods(r: Reader) -> tuple[CosemMethodDescriptor, ...]:
    count = r.count("method descriptors", 9)
    return tuple(CosemMethodDescriptor.read(r) for _ in range(count))


@dataclass(frozen=True, slots=True)
class ActionRequestNormal(_Request):
    """action-request-normal: one method, with or without invocation parameters."""

    invoke_id_and_priority: InvokeIdAndPriority
    method: CosemMethodDescriptor
    parameters: Data | Absent = ABSENT

    CHOICE: ClassVar[int] = 1

    def __post_init__(self) -> None:
        check_iip(self.invoke_id_and_priority)
        check_descriptor(self.method, CosemMethodDescriptor, "method")
        if self.parameters is not ABSENT:
            type_of(self.parameters)

    def encode(self) -> bytes:
        out = _head(self, self.invoke_id_and_priority)
        self.method.encode_into(out)
        if self.parameters is ABSENT:
            out.append(0)
        else:
            out.append(1)
            put_data(out, self.parameters, "method invocation parameters")
        return bytes(out)

    @classmethod
    def read_body(cls, r: Reader, iip: InvokeIdAndPriority) -> ActionRequestNormal:
        method = CosemMethodDescriptor.read(r)
        if r.optional("method-invocation-parameters"):
            return cls(iip, method, r.data("method-invocation-parameters"))
        return cls(iip, method)


@dataclass(frozen=True, slots=True)
class ActionRequestNextPblock(_Request):
    """action-request-next-pblock: asks for the next block of the response."""

    invoke_id_and_priority: InvokeIdAndPriority
    block_number: int

    CHOICE: ClassVar[int] = 2

    def __post_init__(self) -> None:
        check_iip(self.invoke_id_and_priority)
        check_uint("block number", self.block_number, 32)

    def encode(self) -> bytes:
        return bytes(_head(self, self.invoke_id_and_priority)) + self.block_number.to_bytes(
            4, "big"
        )

    @classmethod
    def read_body(cls, r: Reader, iip: InvokeIdAndPriority) -> ActionRequestNextPblock:
        return cls(iip, r.u32("block-number"))


@dataclass(frozen=True, slots=True)
class ActionRequestWithList(_Request):
    """action-request-with-list: several methods, one parameter each (null-data if none)."""

    invoke_id_and_priority: InvokeIdAndPriority
    methods: tuple[CosemMethodDescriptor, ...]
    parameters: tuple[Data, ...]

    CHOICE: ClassVar[int] = 3

    def __post_init__(self) -> None:
        check_iip(self.invoke_id_and_priority)
        _check_methods(self.methods)
        check_data_list(self.parameters, "parameters")

    def encode(self) -> bytes:
        out = _head(self, self.invoke_id_and_priority)
        _put_methods(out, self.methods)
        put_data_list(out, self.parameters, "method invocation parameters")
        return bytes(out)

    @classmethod
    def read_body(cls, r: Reader, iip: InvokeIdAndPriority) -> ActionRequestWithList:
        methods = _read_methods(r)
        return cls(iip, methods, read_data_list(r, "method-invocation-parameters"))


@dataclass(frozen=True, slots=True)
class ActionRequestWithFirstPblock(_Request):
    """action-request-with-first-pblock: the method and the first block of its parameters."""

    invoke_id_and_priority: InvokeIdAndPriority
    method: CosemMethodDescriptor
    last_block: bool
    block_number: int
    raw_data: bytes

    CHOICE: ClassVar[int] = 4

    def __post_init__(self) -> None:
        check_iip(self.invoke_id_and_priority)
        check_descriptor(self.method, CosemMethodDescriptor, "method")
        check_block(self.last_block, self.block_number, self.raw_data)

    def encode(self) -> bytes:
        out = _head(self, self.invoke_id_and_priority)
        self.method.encode_into(out)
        put_block(out, self.last_block, self.block_number, self.raw_data)
        return bytes(out)

    @classmethod
    def read_body(cls, r: Reader, iip: InvokeIdAndPriority) -> ActionRequestWithFirstPblock:
        method = CosemMethodDescriptor.read(r)
        return cls(iip, method, *read_block(r))


@dataclass(frozen=True, slots=True)
class ActionRequestWithListAndFirstPblock(_Request):
    """action-request-with-list-and-first-pblock: the methods and the first block of the
    encoded list of parameters."""

    invoke_id_and_priority: InvokeIdAndPriority
    methods: tuple[CosemMethodDescriptor, ...]
    last_block: bool
    block_number: int
    raw_data: bytes

    CHOICE: ClassVar[int] = 5

    def __post_init__(self) -> None:
        check_iip(self.invoke_id_and_priority)
        _check_methods(self.methods)
        check_block(self.last_block, self.block_number, self.raw_data)

    def encode(self) -> bytes:
        out = _head(self, self.invoke_id_and_priority)
        _put_methods(out, self.methods)
        put_block(out, self.last_block, self.block_number, self.raw_data)
        return bytes(out)

    @classmethod
    def read_body(cls, r: Reader, iip: InvokeIdAndPriority) -> ActionRequestWithListAndFirstPblock:
        methods = _read_methods(r)
        return cls(iip, methods, *read_block(r))


@dataclass(frozen=True, slots=True)
class ActionRequestWithPblock(_Request):
    """action-request-with-pblock: a following block of the parameters."""

    invoke_id_and_priority: InvokeIdAndPriority
    last_block: bool
    block_number: int
    raw_data: bytes

    CHOICE: ClassVar[int] = 6

    def __post_init__(self) -> None:
        check_iip(self.invoke_id_and_priority)
        check_block(self.last_block, self.block_number, self.raw_data)

    def encode(self) -> bytes:
        out = _head(self, self.invoke_id_and_priority)
        put_block(out, self.last_block, self.block_number, self.raw_data)
        return bytes(out)

    @classmethod
    def read_body(cls, r: Reader, iip: InvokeIdAndPriority) -> ActionRequestWithPblock:
        return cls(iip, *read_block(r))


@dataclass(frozen=True, slots=True)
class ActionResponseItem:
    """Action-Response-With-Optional-Data: the result and optional return parameters
    (Data, or a DataAccessResult; :data:`ABSENT` when there are none)."""

    result: ActionResult = ActionResult.SUCCESS
    return_parameters: Any = ABSENT  # Data | DataAccessResult | Absent

    def __post_init__(self) -> None:
        object.__setattr__(self, "result", result_enum(ActionResult, "result", self.result))
        if self.return_parameters is not ABSENT:
            check_result(self.return_parameters, "return parameters")

    def encode_into(self, out: bytearray) -> None:
        out.append(self.result)
        if self.return_parameters is ABSENT:
            out.append(0)
        else:
            out.append(1)
            put_result(out, self.return_parameters, "return parameters")

    @classmethod
    def read(cls, r: Reader) -> ActionResponseItem:
        result = ActionResult(r.u8("action-result"))
        if r.optional("return-parameters"):
            return cls(result, read_result(r, "return-parameters"))
        return cls(result)


@dataclass(frozen=True, slots=True)
class ActionResponseNormal(_Response):
    """action-response-normal: the result and optional return parameters."""

    invoke_id_and_priority: InvokeIdAndPriority
    result: ActionResult = ActionResult.SUCCESS
    return_parameters: Any = ABSENT  # Data | DataAccessResult | Absent

    CHOICE: ClassVar[int] = 1

    def __post_init__(self) -> None:
        check_iip(self.invoke_id_and_priority)
        object.__setattr__(self, "result", result_enum(ActionResult, "result", self.result))
        if self.return_parameters is not ABSENT:
            check_result(self.return_parameters, "return parameters")

    @property
    def item(self) -> ActionResponseItem:
        return ActionResponseItem(self.result, self.return_parameters)

    def encode(self) -> bytes:
        out = _head(self, self.invoke_id_and_priority)
        self.item.encode_into(out)
        return bytes(out)

    @classmethod
    def read_body(cls, r: Reader, iip: InvokeIdAndPriority) -> ActionResponseNormal:
        item = ActionResponseItem.read(r)
        return cls(iip, item.result, item.return_parameters)


@dataclass(frozen=True, slots=True)
class ActionResponseWithPblock(_Response):
    """action-response-with-pblock: one block of the encoded response."""

    invoke_id_and_priority: InvokeIdAndPriority
    last_block: bool
    block_number: int
    raw_data: bytes

    CHOICE: ClassVar[int] = 2

    def __post_init__(self) -> None:
        check_iip(self.invoke_id_and_priority)
        check_block(self.last_block, self.block_number, self.raw_data)

    def encode(self) -> bytes:
        out = _head(self, self.invoke_id_and_priority)
        put_block(out, self.last_block, self.block_number, self.raw_data)
        return bytes(out)

    @classmethod
    def read_body(cls, r: Reader, iip: InvokeIdAndPriority) -> ActionResponseWithPblock:
        return cls(iip, *read_block(r))


@dataclass(frozen=True, slots=True)
class ActionResponseWithList(_Response):
    """action-response-with-list: one result (and optional return parameters) per method."""

    invoke_id_and_priority: InvokeIdAndPriority
    results: tuple[ActionResponseItem, ...]

    CHOICE: ClassVar[int] = 3

    def __post_init__(self) -> None:
        check_iip(self.invoke_id_and_priority)
        if not isinstance(self.results, tuple) or not all(
            isinstance(i, ActionResponseItem) for i in self.results
        ):
            raise EncodeError("results must be a tuple of ActionResponseItem")

    def encode(self) -> bytes:
        out = _head(self, self.invoke_id_and_priority)
        out += encode_length(len(self.results))
        for item in self.results:
            item.encode_into(out)
        return bytes(out)

    @classmethod
    def read_body(cls, r: Reader, iip: InvokeIdAndPriority) -> ActionResponseWithList:
        count = r.count("action results", 2)
        return cls(iip, tuple(ActionResponseItem.read(r) for _ in range(count)))


@dataclass(frozen=True, slots=True)
class ActionResponseNextPblock(_Response):
    """action-response-next-pblock: acknowledges a block of the parameters, asks for more."""

    invoke_id_and_priority: InvokeIdAndPriority
    block_number: int

    CHOICE: ClassVar[int] = 4

    def __post_init__(self) -> None:
        check_iip(self.invoke_id_and_priority)
        check_uint("block number", self.block_number, 32)

    def encode(self) -> bytes:
        return bytes(_head(self, self.invoke_id_and_priority)) + self.block_number.to_bytes(
            4, "big"
        )

    @classmethod
    def read_body(cls, r: Reader, iip: InvokeIdAndPriority) -> ActionResponseNextPblock:
        return cls(iip, r.u32("block-number"))


ActionRequest = (
    ActionRequestNormal
    | ActionRequestNextPblock
    | ActionRequestWithList
    | ActionRequestWithFirstPblock
    | ActionRequestWithListAndFirstPblock
    | ActionRequestWithPblock
)
ActionResponse = (
    ActionResponseNormal
    | ActionResponseWithPblock
    | ActionResponseWithList
    | ActionResponseNextPblock
)

read_action_request = choice_reader(
    "ACTION-Request",
    {
        c.CHOICE: c
        for c in (
            ActionRequestNormal,
            ActionRequestNextPblock,
            ActionRequestWithList,
            ActionRequestWithFirstPblock,
            ActionRequestWithListAndFirstPblock,
            ActionRequestWithPblock,
        )
    },
)
read_action_response = choice_reader(
    "ACTION-Response",
    {
        c.CHOICE: c
        for c in (
            ActionResponseNormal,
            ActionResponseWithPblock,
            ActionResponseWithList,
            ActionResponseNextPblock,
        )
    },
)
