"""Service-specific block transfer: every split APDU fits the negotiated PDU size, the blocks
are numbered from 1 with only the last flagged, and the reassembler gives back the value."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dlmskit import apdu, axdr
from dlmskit.apdu import (
    AttributeWithSelection,
    BlockTransferError,
    CosemAttributeDescriptor,
    CosemMethodDescriptor,
    DataAccessResult,
    EntryDescriptor,
    GetResponseWithDatablock,
    InvokeIdAndPriority,
    ReadResponse,
)
from dlmskit.apdu.blocks import (
    CIPHERING_OVERHEAD,
    BlockReassembler,
    action_request_blocks,
    action_request_with_list_blocks,
    action_response_blocks,
    get_response_blocks,
    read_response_blocks,
    set_request_blocks,
    set_request_with_list_blocks,
)
from dlmskit.cosem import Obis
from dlmskit.errors import EncodeError

IIP = InvokeIdAndPriority(3)
BUFFER = CosemAttributeDescriptor(7, Obis.parse("1.0.99.1.0.255"), 2)
IMAGE = CosemMethodDescriptor(18, Obis.parse("0.0.44.0.0.255"), 2)


def _check(blocks: list[object], limit: int) -> bytes:
    """Every APDU fits, numbering is 1..n, only the last is last; returns the joined data."""
    joined = BlockReassembler()
    result = None
    for index, item in enumerate(blocks, 1):
        raw = item.encode()  # type: ignore[attr-defined]
        assert len(raw) <= limit
        decoded = apdu.decode(raw)
        assert decoded == item
        assert decoded.block_number == index  # type: ignore[attr-defined]
        assert decoded.last_block == (index == len(blocks))  # type: ignore[attr-defined]
        result = joined.add(index, decoded.last_block, decoded.raw_data)  # type: ignore[attr-defined]
    assert isinstance(result, bytes)
    return result


@given(st.binary(max_size=5000), st.integers(40, 2048))
def test_every_splitter_fits_and_joins(data: bytes, limit: int) -> None:
    attributes = (AttributeWithSelection(BUFFER, EntryDescriptor().to_access()),)
    for blocks in (
        get_response_blocks(IIP, data, limit),
        set_request_blocks(
            IIP, BUFFER, data, limit, access_selection=EntryDescriptor().to_access()
        ),
        set_request_with_list_blocks(IIP, attributes, data, limit),
        action_request_blocks(IIP, IMAGE, data, limit),
        action_request_with_list_blocks(IIP, (IMAGE, IMAGE), data, limit),
        action_response_blocks(IIP, data, limit),
    ):
        assert _check(blocks, limit) == data  # type: ignore[arg-type]


def test_blocks_fill_the_pdu() -> None:
    data = bytes(10_000)
    blocks = get_response_blocks(IIP, data, 1024)
    assert all(len(b.encode()) == 1024 for b in blocks[:-1])
    blocks = get_response_blocks(IIP, data, 1024, reserve=CIPHERING_OVERHEAD)
    assert all(len(b.encode()) == 1024 - CIPHERING_OVERHEAD for b in blocks[:-1])


def test_small_data_is_one_block() -> None:
    (only,) = get_response_blocks(IIP, b"\x11\x05", 1024)
    assert only.encode().hex() == "c402c3010000000100021105"
    (first,) = set_request_blocks(IIP, BUFFER, b"", 1024)
    assert first.last_block and first.raw_data == b""


def test_too_small_a_pdu() -> None:
    with pytest.raises(EncodeError):
        get_response_blocks(IIP, b"x", 10)


def test_reassembler_refuses_out_of_order_blocks() -> None:
    joined = BlockReassembler()
    joined.add(1, False, b"a")
    assert joined.expected_block_number == 2
    assert joined.last_block_number == 1
    with pytest.raises(BlockTransferError, match="block 3 received, block 2 expected"):
        joined.add(3, True, b"c")
    assert joined.expected_block_number == 1  # reset, ready for a new transfer
    with pytest.raises(BlockTransferError):
        joined.add(2, False, b"b")


def test_reassembler_size_limit() -> None:
    joined = BlockReassembler(max_size=3)
    joined.add(1, False, b"ab")
    with pytest.raises(BlockTransferError, match="exceed 3"):
        joined.add(2, True, b"cd")


def test_aborted_get_returns_the_result() -> None:
    joined = BlockReassembler()
    assert joined.add_get_response(GetResponseWithDatablock(IIP, False, 1, b"ab")) is None
    aborted = GetResponseWithDatablock(IIP, True, 2, DataAccessResult.LONG_GET_ABORTED)
    assert joined.add_get_response(aborted) is DataAccessResult.LONG_GET_ABORTED
    assert joined.expected_block_number == 1


def test_sn_read_response_blocks() -> None:
    data = bytes(range(256)) * 10
    blocks = read_response_blocks(data, 300)
    joined = BlockReassembler()
    out = None
    for index, response in enumerate(blocks, 1):
        raw = response.encode()
        assert len(raw) <= 300
        decoded = apdu.decode(raw)
        assert isinstance(decoded, ReadResponse)
        (result,) = decoded.results
        assert result.block_number == index
        out = joined.add(result.block_number, result.last_block, result.raw_data)
    assert out == data


def test_profile_buffer_of_ten_thousand_rows() -> None:
    """The 10,000-row load profile of the benchmarks, split for a 1024-octet PDU and read
    back from the wire bytes of each GET-Response-With-Datablock."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    try:
        from bench_axdr import make_buffer
    finally:
        sys.path.pop(0)
    data, expected = make_buffer()
    wire = [b.encode() for b in get_response_blocks(IIP, data, 1024)]
    joined = BlockReassembler()
    result: object = None
    for raw in wire:
        response = apdu.decode(raw)
        assert isinstance(response, GetResponseWithDatablock)
        result = joined.add_get_response(response)
    assert isinstance(result, bytes)
    rows = axdr.decode(result)
    assert isinstance(rows, list)
    assert [(bytes(r[0]), int(r[1]), int(r[2])) for r in rows] == expected  # type: ignore[index, call-overload]
