"""Service-specific block transfer: split a long value into datablocks that fit the
negotiated maximum PDU size, and put the blocks of a long value back together.

Splitting (each APDU's encoding, header included, is at most ``max_pdu_size`` octets;
``reserve`` keeps room for what ciphering adds -- 5 octets of security header, 12 of
authentication tag and up to 5 of tag and length -- so that the ciphered APDU fits too):

* :func:`get_response_blocks` -- GET-Response-With-Datablock (the server's long read;
  :func:`get_response_room` is what one block carries, for cutting blocks as data comes);
* :func:`set_request_blocks`, :func:`set_request_with_list_blocks` -- SET-Request with
  first datablock / with datablock (the client's long write);
* :func:`action_request_blocks`, :func:`action_request_with_list_blocks` -- ACTION-Request
  with first pblock / with pblock;
* :func:`action_response_blocks` -- ACTION-Response-With-Pblock;
* :func:`read_response_blocks` -- SN ReadResponse data-block-results.

``data`` is always the encoded value: the A-XDR ``Data`` for a single attribute, the
``SEQUENCE OF Get-Data-Result`` (count and results) for GET with list, the
``SEQUENCE OF Data`` for SET and ACTION with list, the encoded
Action-Response-With-Optional-Data (or its list) for ACTION responses. Block numbers start
at 1.

Reassembling: :class:`BlockReassembler` takes the blocks in order (block numbers 1, 2, ...)
and returns the joined raw data at the last one; :meth:`BlockReassembler.add_get_response`
handles GET-Response-With-Datablock, including the data-access-result a server sends to
abort a long GET (returned as the value, not raised).
"""

from __future__ import annotations

from typing import Final

from dlmskit.apdu._codec import check_bytes, check_uint
from dlmskit.apdu.action import (
    ActionRequestWithFirstPblock,
    ActionRequestWithListAndFirstPblock,
    ActionRequestWithPblock,
    ActionResponseWithPblock,
)
from dlmskit.apdu.common import (
    CosemAttributeDescriptor,
    CosemMethodDescriptor,
    DataAccessResult,
    InvokeIdAndPriority,
    SelectiveAccessDescriptor,
)
from dlmskit.apdu.errors import BlockTransferError
from dlmskit.apdu.get import AttributeWithSelection, GetResponseWithDatablock
from dlmskit.apdu.set import (
    SetRequestWithDatablock,
    SetRequestWithFirstDatablock,
    SetRequestWithListAndFirstDatablock,
)
from dlmskit.apdu.sn import DataBlockResult, ReadResponse
from dlmskit.axdr import encode_length
from dlmskit.errors import EncodeError

__all__ = [
    "CIPHERING_OVERHEAD",
    "BlockReassembler",
    "action_request_blocks",
    "action_request_with_list_blocks",
    "action_response_blocks",
    "get_response_blocks",
    "get_response_room",
    "read_response_blocks",
    "set_request_blocks",
    "set_request_with_list_blocks",
]

#: What a service-specific ciphered APDU adds at most: tag, 5 length octets, security
#: control, invocation counter and a 12-octet authentication tag.
CIPHERING_OVERHEAD: Final = 1 + 5 + 5 + 12
#: Default upper bound of reassembled data.
DEFAULT_MAX_SIZE: Final = 16 * 1024 * 1024


def _room(limit: int, fixed: int) -> int:
    """The most raw-data octets n with ``fixed + len(length(n)) + n <= limit``."""
    room = limit - fixed - 1
    while room > 0 and fixed + len(encode_length(room)) + room > limit:
        room -= 1
    if room <= 0:
        raise EncodeError(f"a PDU of {limit} octets leaves no room for raw data")
    return room


def _cut(data: bytes, first_room: int, room: int) -> list[bytes]:
    check_bytes("data", data)
    pieces = [data[:first_room]]
    pieces += [data[i : i + room] for i in range(first_room, len(data), room)]
    if len(pieces) > 0xFFFFFFFF:  # pragma: no cover - 4 G blocks
        raise EncodeError("too many blocks")
    return pieces


def _limit(max_pdu_size: int, reserve: int) -> int:
    check_uint("max PDU size", max_pdu_size, 32)
    check_uint("reserve", reserve, 32)
    return max_pdu_size - reserve


def get_response_blocks(
    invoke_id_and_priority: InvokeIdAndPriority,
    data: bytes,
    max_pdu_size: int,
    *,
    reserve: int = 0,
) -> list[GetResponseWithDatablock]:
    """GET-Response-With-Datablock APDUs carrying ``data``."""
    room = get_response_room(max_pdu_size, reserve=reserve)
    pieces = _cut(data, room, room)
    last = len(pieces) - 1
    return [
        GetResponseWithDatablock(invoke_id_and_priority, i == last, i + 1, piece)
        for i, piece in enumerate(pieces)
    ]


def get_response_room(max_pdu_size: int, *, reserve: int = 0) -> int:
    """How many raw-data octets one GET-Response-With-Datablock of at most ``max_pdu_size``
    octets carries (for a sender that cuts blocks as its data is encoded)."""
    # C4 02 iid last block-number(4) choice(0) length raw
    return _room(_limit(max_pdu_size, reserve), 9)


def set_request_blocks(
    invoke_id_and_priority: InvokeIdAndPriority,
    attribute: CosemAttributeDescriptor,
    data: bytes,
    max_pdu_size: int,
    *,
    access_selection: SelectiveAccessDescriptor | None = None,
    reserve: int = 0,
) -> list[SetRequestWithFirstDatablock | SetRequestWithDatablock]:
    """SET-Request-With-First-Datablock, then SET-Request-With-Datablock APDUs."""
    limit = _limit(max_pdu_size, reserve)
    first = SetRequestWithFirstDatablock(
        invoke_id_and_priority, attribute, False, 1, b"", access_selection
    )
    fixed = len(first.encode()) - 1  # without the raw-data length octet
    pieces = _cut(data, _room(limit, fixed), _room(limit, 8))
    last = len(pieces) - 1
    blocks: list[SetRequestWithFirstDatablock | SetRequestWithDatablock] = [
        SetRequestWithFirstDatablock(
            invoke_id_and_priority, attribute, last == 0, 1, pieces[0], access_selection
        )
    ]
    blocks += [
        SetRequestWithDatablock(invoke_id_and_priority, i == last, i + 1, piece)
        for i, piece in enumerate(pieces[1:], 1)
    ]
    return blocks


def set_request_with_list_blocks(
    invoke_id_and_priority: InvokeIdAndPriority,
    attributes: tuple[AttributeWithSelection, ...],
    data: bytes,
    max_pdu_size: int,
    *,
    reserve: int = 0,
) -> list[SetRequestWithListAndFirstDatablock | SetRequestWithDatablock]:
    """SET-Request-With-List-And-First-Datablock, then SET-Request-With-Datablock APDUs;
    ``data`` is the encoded SEQUENCE OF Data of the values."""
    limit = _limit(max_pdu_size, reserve)
    first = SetRequestWithListAndFirstDatablock(invoke_id_and_priority, attributes, False, 1, b"")
    fixed = len(first.encode()) - 1
    pieces = _cut(data, _room(limit, fixed), _room(limit, 8))
    last = len(pieces) - 1
    blocks: list[SetRequestWithListAndFirstDatablock | SetRequestWithDatablock] = [
        SetRequestWithListAndFirstDatablock(
            invoke_id_and_priority, attributes, last == 0, 1, pieces[0]
        )
    ]
    blocks += [
        SetRequestWithDatablock(invoke_id_and_priority, i == last, i + 1, piece)
        for i, piece in enumerate(pieces[1:], 1)
    ]
    return blocks


def action_request_blocks(
    invoke_id_and_priority: InvokeIdAndPriority,
    method: CosemMethodDescriptor,
    data: bytes,
    max_pdu_size: int,
    *,
    reserve: int = 0,
) -> list[ActionRequestWithFirstPblock | ActionRequestWithPblock]:
    """ACTION-Request-With-First-Pblock, then ACTION-Request-With-Pblock APDUs; ``data`` is
    the encoded method invocation parameters."""
    limit = _limit(max_pdu_size, reserve)
    first = ActionRequestWithFirstPblock(invoke_id_and_priority, method, False, 1, b"")
    pieces = _cut(data, _room(limit, len(first.encode()) - 1), _room(limit, 8))
    last = len(pieces) - 1
    blocks: list[ActionRequestWithFirstPblock | ActionRequestWithPblock] = [
        ActionRequestWithFirstPblock(invoke_id_and_priority, method, last == 0, 1, pieces[0])
    ]
    blocks += [
        ActionRequestWithPblock(invoke_id_and_priority, i == last, i + 1, piece)
        for i, piece in enumerate(pieces[1:], 1)
    ]
    return blocks


def action_request_with_list_blocks(
    invoke_id_and_priority: InvokeIdAndPriority,
    methods: tuple[CosemMethodDescriptor, ...],
    data: bytes,
    max_pdu_size: int,
    *,
    reserve: int = 0,
) -> list[ActionRequestWithListAndFirstPblock | ActionRequestWithPblock]:
    """ACTION-Request-With-List-And-First-Pblock, then ACTION-Request-With-Pblock APDUs;
    ``data`` is the encoded SEQUENCE OF Data of the parameters."""
    limit = _limit(max_pdu_size, reserve)
    first = ActionRequestWithListAndFirstPblock(invoke_id_and_priority, methods, False, 1, b"")
    pieces = _cut(data, _room(limit, len(first.encode()) - 1), _room(limit, 8))
    last = len(pieces) - 1
    blocks: list[ActionRequestWithListAndFirstPblock | ActionRequestWithPblock] = [
        ActionRequestWithListAndFirstPblock(
            invoke_id_and_priority, methods, last == 0, 1, pieces[0]
        )
    ]
    blocks += [
        ActionRequestWithPblock(invoke_id_and_priority, i == last, i + 1, piece)
        for i, piece in enumerate(pieces[1:], 1)
    ]
    return blocks


def action_response_blocks(
    invoke_id_and_priority: InvokeIdAndPriority,
    data: bytes,
    max_pdu_size: int,
    *,
    reserve: int = 0,
) -> list[ActionResponseWithPblock]:
    """ACTION-Response-With-Pblock APDUs."""
    room = _room(_limit(max_pdu_size, reserve), 8)
    pieces = _cut(data, room, room)
    last = len(pieces) - 1
    return [
        ActionResponseWithPblock(invoke_id_and_priority, i == last, i + 1, piece)
        for i, piece in enumerate(pieces)
    ]


def read_response_blocks(data: bytes, max_pdu_size: int, *, reserve: int = 0) -> list[ReadResponse]:
    """SN ReadResponse APDUs, each with one data-block-result (block numbers are 16-bit)."""
    # 0C count(1) choice(1) last(1) block-number(2) length raw
    room = _room(_limit(max_pdu_size, reserve), 6)
    pieces = _cut(data, room, room)
    if len(pieces) > 0xFFFF:
        raise EncodeError(f"{len(pieces)} blocks exceed the 16-bit block numbers of SN")
    last = len(pieces) - 1
    return [
        ReadResponse((DataBlockResult(i == last, i + 1, piece),)) for i, piece in enumerate(pieces)
    ]


class BlockReassembler:
    """Joins the raw data of datablocks received in order: block 1, 2, ..., the last.

    :meth:`add` returns the joined data at the last block and None before it; a block out
    of order raises :class:`~dlmskit.apdu.errors.BlockTransferError`. After the last block
    (or an error, or :meth:`reset`) it is ready for the next transfer.
    """

    def __init__(self, *, max_size: int = DEFAULT_MAX_SIZE) -> None:
        self.max_size = max_size
        self._parts: list[bytes] = []
        self._size = 0

    @property
    def expected_block_number(self) -> int:
        """The number of the block to receive next."""
        return len(self._parts) + 1

    @property
    def last_block_number(self) -> int:
        """The number of the last block received (0 if none): what a GET-Request-Next or
        SET/ACTION next-block acknowledgement carries."""
        return len(self._parts)

    def reset(self) -> None:
        self._parts = []
        self._size = 0

    def add(self, block_number: int, last_block: bool, raw_data: bytes) -> bytes | None:
        expected = len(self._parts) + 1
        if block_number != expected:
            self.reset()
            raise BlockTransferError(f"block {block_number} received, block {expected} expected")
        size = self._size + len(raw_data)
        if size > self.max_size:
            self.reset()
            raise BlockTransferError(f"the joined data would exceed {self.max_size} octets")
        self._parts.append(raw_data)
        self._size = size
        if not last_block:
            return None
        data = b"".join(self._parts)
        self.reset()
        return data

    def add_get_response(
        self, response: GetResponseWithDatablock
    ) -> bytes | DataAccessResult | None:
        """Take a GET-Response-With-Datablock: the joined data at the last block, the
        DataAccessResult if the server aborted the transfer, None while more follow."""
        if isinstance(response.result, DataAccessResult):
            self.reset()
            return response.result
        return self.add(response.block_number, response.last_block, response.result)
