"""General block transfer: the APDU and the reassembler's rules (restart on block 1,
repetitions, lost blocks, orphan last blocks, windows, limits)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dlmskit import apdu
from dlmskit.apdu import BlockTransferError, GbtReassembler, GeneralBlockTransfer
from dlmskit.apdu.gbt import split
from dlmskit.errors import EncodeError


def block(
    number: int, data: bytes = b"x", *, last: bool = False, streaming: bool = False
) -> GeneralBlockTransfer:
    return GeneralBlockTransfer(number, 0, data, last, streaming, 1)


def test_apdu_wire_layout() -> None:
    gbt = GeneralBlockTransfer(1, 0, b"\xc0\x01", last_block=True, streaming=False, window=1)
    assert gbt.encode().hex() == "e0810001000002c001"
    assert apdu.decode(gbt.encode()) == gbt
    streaming = GeneralBlockTransfer(
        0x1234, 0x0102, b"", last_block=False, streaming=True, window=63
    )
    assert streaming.encode().hex() == "e07f1234010200"
    assert streaming.block_control == 0x7F
    assert apdu.decode(streaming.encode()) == streaming
    with pytest.raises(EncodeError):
        GeneralBlockTransfer(1, 0, window=64)
    with pytest.raises(EncodeError):
        GeneralBlockTransfer(0x10000, 0)


def test_in_order_transfer() -> None:
    receiver = GbtReassembler()
    assert receiver.add(block(1, b"ab")).complete is None
    status = receiver.add(block(2, b"cd"))
    assert (status.complete, status.acknowledge, status.missing) == (None, 2, ())
    done = receiver.add(block(3, b"e", last=True))
    assert done.complete == b"abcde"
    assert done.acknowledge == 3
    assert not receiver.in_progress


def test_single_block_transfer() -> None:
    assert GbtReassembler().add(block(1, b"all", last=True)).complete == b"all"


def test_restart_when_block_one_reappears() -> None:
    receiver = GbtReassembler()
    receiver.add(block(1, b"old-"))
    receiver.add(block(2, b"old-"))
    status = receiver.add(block(1, b"new-"))
    assert status.restarted
    assert status.acknowledge == 1
    assert receiver.add(block(2, b"data", last=True)).complete == b"new-data"


def test_repeated_block_is_reported_and_ignored() -> None:
    receiver = GbtReassembler()
    receiver.add(block(1, b"a"))
    receiver.add(block(2, b"b"))
    status = receiver.add(block(2, b"b"))
    assert status.duplicate
    assert status.complete is None
    assert receiver.add(block(3, b"c", last=True)).complete == b"abc"


def test_repeated_block_with_other_content_is_refused() -> None:
    receiver = GbtReassembler()
    receiver.add(block(1, b"a"))
    receiver.add(block(2, b"b"))
    with pytest.raises(BlockTransferError, match="other content"):
        receiver.add(block(2, b"B"))


def test_lost_blocks_are_detected_and_filled() -> None:
    receiver = GbtReassembler(window=8)
    receiver.add(block(1, b"1", streaming=True))
    receiver.add(block(3, b"3", streaming=True))
    status = receiver.add(block(5, b"5", last=True))
    assert status.complete is None
    assert status.missing == (2, 4)
    assert status.acknowledge == 1
    assert status.window_end
    status = receiver.add(block(2, b"2"))
    assert (status.acknowledge, status.missing) == (3, (4,))
    assert receiver.add(block(4, b"4")).complete == b"12345"


def test_late_block_one_fills_the_gap() -> None:
    """Block 1 lost in a streamed window and sent again: not a restart."""
    receiver = GbtReassembler(window=4)
    receiver.add(block(2, b"2", streaming=True))
    status = receiver.add(block(3, b"3", streaming=False))
    assert (status.acknowledge, status.missing, status.window_end) == (0, (1,), True)
    done = receiver.add(block(1, b"1"))
    assert not done.restarted
    assert done.acknowledge == 3
    assert receiver.add(block(4, b"4", last=True)).complete == b"1234"


def test_last_block_without_predecessors_is_refused() -> None:
    with pytest.raises(BlockTransferError, match="without any of its predecessors"):
        GbtReassembler().add(block(3, last=True))


def test_block_after_the_last_block_is_refused() -> None:
    receiver = GbtReassembler(window=8)
    receiver.add(block(1))
    receiver.add(block(3, last=True))
    with pytest.raises(BlockTransferError, match="after the last block 3"):
        receiver.add(block(4))


def test_last_block_before_a_higher_block_is_refused() -> None:
    receiver = GbtReassembler(window=8)
    receiver.add(block(1))
    receiver.add(block(4))
    with pytest.raises(BlockTransferError, match="before block 4"):
        receiver.add(block(3, last=True))


def test_block_beyond_the_window_is_refused() -> None:
    receiver = GbtReassembler(window=2)
    receiver.add(block(1))
    receiver.add(block(3))
    with pytest.raises(BlockTransferError, match="beyond the window"):
        receiver.add(block(5))


def test_block_zero() -> None:
    receiver = GbtReassembler()
    receiver.add(block(1))
    ack_only = receiver.add(GeneralBlockTransfer(0, 0, b""))
    assert ack_only.acknowledge == 1
    with pytest.raises(BlockTransferError, match="block number 0"):
        receiver.add(block(0, b"data"))


def test_size_limit() -> None:
    receiver = GbtReassembler(max_size=5)
    receiver.add(block(1, b"abc"))
    with pytest.raises(BlockTransferError, match="exceed 5"):
        receiver.add(block(2, b"def"))
    assert not receiver.in_progress


def test_split_fits_and_reassembles() -> None:
    payload = bytes(range(256)) * 20
    blocks = split(payload, 200, window=4, streaming=True)
    assert all(len(b.encode()) <= 200 for b in blocks)
    assert len(blocks[0].encode()) in (199, 200)
    assert [b.block_number for b in blocks] == list(range(1, len(blocks) + 1))
    assert [b.last_block for b in blocks] == [False] * (len(blocks) - 1) + [True]
    assert all(b.streaming for b in blocks[:-1]) and not blocks[-1].streaming
    receiver = GbtReassembler(window=len(blocks))
    results = [receiver.add(apdu.decode(b.encode())) for b in blocks]  # type: ignore[arg-type]
    assert results[-1].complete == payload
    with pytest.raises(EncodeError):
        split(payload, 7)
    assert split(b"", 20)[0].block_data == b""


@given(
    st.binary(min_size=1, max_size=3000),
    st.integers(12, 300),
    st.randoms(use_true_random=False),
)
def test_any_order_within_the_window_reassembles(payload: bytes, size: int, rnd: object) -> None:
    blocks = split(payload, size)
    receiver = GbtReassembler(window=63)
    complete = None
    for start in range(0, len(blocks), 63):
        window = blocks[start : start + 63]
        order = list(window)
        rnd.shuffle(order)  # type: ignore[attr-defined]
        if order[0].last_block and order[0].block_number != 1 and not receiver.in_progress:
            order.append(order.pop(0))  # an orphan last block would be refused
        for item in order:
            status = receiver.add(item)
            complete = status.complete or complete
    assert complete == payload
