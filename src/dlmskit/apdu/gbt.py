"""General block transfer (IEC 62056-5-3): the general-block-transfer APDU (0xE0), a sender's
splitter and a receiver's reassembler.

The APDU::

    E0 | block-control | block-number (2) | block-number-ack (2) | block-data (octet-string)

block-control: bit 7 last-block, bit 6 streaming, bits 0-5 window (the number of blocks the
sender of this APDU can receive in one window).

Any xDLMS APDU (plain or ciphered) is carried as the concatenated block-data of blocks
1, 2, ... N, the last flagged ``last_block``. :func:`split` cuts an encoded APDU into such
blocks. :class:`GbtReassembler` takes the blocks a peer sends and follows the rules of the
standard's GBT procedure:

* block 1 starts a transfer; block 1 arriving again while one is in progress starts it
  over (the peer restarted), and the blocks held so far are dropped (block 1 arriving late,
  after blocks 2.. of a window whose first block was lost, fills the gap instead);
* a block already held arriving again is a repetition: ignored, and reported
  (:attr:`GbtStatus.duplicate`); a repetition with other content is a protocol error;
* a block beyond the one received next is accepted, and the blocks between are reported
  lost (:attr:`GbtStatus.missing`) so the receiver can ask for them with the
  block-number-ack of its next APDU (:attr:`GbtStatus.acknowledge` -- the highest block
  received without a gap);
* the APDU is handed out only when blocks 1..N are all there; a last block arriving when no
  transfer is in progress (its predecessors never seen) is refused, as are blocks after the
  last block, a second, different last block, and block number 0 carrying data.

Refusals raise :class:`~dlmskit.apdu.errors.BlockTransferError`; the caller decides whether
to abort the transfer (the reassembler stays usable: :meth:`GbtReassembler.reset`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import ClassVar, Final

from dlmskit.apdu._codec import Apdu, Reader, check_bytes, check_uint, put_octet_string
from dlmskit.apdu.errors import BlockTransferError
from dlmskit.axdr import encode_length
from dlmskit.errors import EncodeError

__all__ = ["GbtReassembler", "GbtStatus", "GeneralBlockTransfer", "split"]

logger = logging.getLogger("dlmskit.apdu")

_LAST: Final = 0x80
_STREAMING: Final = 0x40
_WINDOW: Final = 0x3F
#: The APDU header before block-data: tag, block-control, block-number, block-number-ack.
_HEADER: Final = 6
#: The largest window block-control can advertise.
MAX_WINDOW: Final = 63
#: Default upper bound of a reassembled APDU (the block numbers also bound it: 65535 blocks).
DEFAULT_MAX_SIZE: Final = 16 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class GeneralBlockTransfer(Apdu):
    """general-block-transfer: one block of a long APDU, and/or an acknowledgement."""

    block_number: int
    block_number_ack: int
    block_data: bytes = b""
    last_block: bool = False
    streaming: bool = False
    window: int = 1

    TAG: ClassVar[int] = 0xE0

    def __post_init__(self) -> None:
        check_uint("block number", self.block_number, 16)
        check_uint("block number ack", self.block_number_ack, 16)
        check_bytes("block data", self.block_data)
        if not isinstance(self.last_block, bool) or not isinstance(self.streaming, bool):
            raise EncodeError("last block and streaming must be bools")
        check_uint("window", self.window, 6)

    @property
    def block_control(self) -> int:
        return (
            (_LAST if self.last_block else 0)
            | (_STREAMING if self.streaming else 0)
            | (self.window)
        )

    def encode(self) -> bytes:
        out = bytearray((self.TAG, self.block_control))
        out += self.block_number.to_bytes(2, "big")
        out += self.block_number_ack.to_bytes(2, "big")
        put_octet_string(out, self.block_data)
        return bytes(out)

    @classmethod
    def read(cls, r: Reader) -> GeneralBlockTransfer:
        r.u8("tag")
        control = r.u8("block-control")
        number = r.u16("block-number")
        ack = r.u16("block-number-ack")
        data = r.octet_string("block-data")
        return cls(
            number,
            ack,
            data,
            bool(control & _LAST),
            bool(control & _STREAMING),
            control & _WINDOW,
        )


def split(
    apdu: bytes,
    max_apdu_size: int,
    *,
    first_block_number: int = 1,
    block_number_ack: int = 0,
    window: int = 1,
    streaming: bool = False,
) -> list[GeneralBlockTransfer]:
    """Cut an encoded APDU into general-block-transfer APDUs of at most ``max_apdu_size``
    octets each (header and length included). ``streaming`` sets the streaming bit on
    every block but the last; ``window`` is the window this side advertises."""
    check_bytes("apdu", apdu)
    room = _room(max_apdu_size)
    blocks = [apdu[i : i + room] for i in range(0, len(apdu), room)] or [b""]
    if first_block_number + len(blocks) - 1 > 0xFFFF:
        raise EncodeError(
            f"{len(blocks)} blocks from block {first_block_number} exceed block number 65535"
        )
    last = len(blocks) - 1
    return [
        GeneralBlockTransfer(
            first_block_number + i,
            block_number_ack,
            block,
            i == last,
            streaming and i != last,
            window,
        )
        for i, block in enumerate(blocks)
    ]


def _room(max_apdu_size: int) -> int:
    """The most block-data octets that fit an APDU of ``max_apdu_size`` octets."""
    room = max_apdu_size - _HEADER - 1
    while room > 0 and room + len(encode_length(room)) + _HEADER > max_apdu_size:
        room -= 1
    if room <= 0:
        raise EncodeError(f"an APDU of {max_apdu_size} octets leaves no room for block data")
    return room


@dataclass(frozen=True, slots=True)
class GbtStatus:
    """What one received block did to the transfer."""

    #: the reassembled APDU, once blocks 1..N are all there
    complete: bytes | None = None
    #: the highest block number received without a gap (the block-number-ack to send)
    acknowledge: int = 0
    #: block numbers known to be missing (before the highest one received)
    missing: tuple[int, ...] = ()
    #: the block was already held (a repetition) and was ignored
    duplicate: bool = False
    #: block 1 arrived while a transfer was in progress, which started over
    restarted: bool = False
    #: the peer ended its window (streaming bit clear): it waits for an acknowledgement
    window_end: bool = False


class GbtReassembler:
    """Collects the blocks of one general block transfer at a time (sans-IO, no timers).

    ``window`` is the receive window this side advertised: a block numbered beyond the
    last block acknowledged plus the window is refused, which also bounds the work per
    block. ``max_size`` bounds the reassembled APDU.
    """

    def __init__(self, *, window: int = MAX_WINDOW, max_size: int = DEFAULT_MAX_SIZE) -> None:
        check_uint("window", window, 6)
        if window == 0:
            raise EncodeError("a receive window holds at least one block")
        self.window = window
        self.max_size = max_size
        self._blocks: dict[int, bytes] = {}
        self._size = 0
        self._last: int | None = None
        self._acknowledge = 0
        self._highest = 0

    @property
    def in_progress(self) -> bool:
        return bool(self._blocks)

    @property
    def acknowledge(self) -> int:
        """The highest block number received without a gap."""
        return self._acknowledge

    def reset(self) -> None:
        """Drop the transfer in progress."""
        self._blocks.clear()
        self._size = 0
        self._last = None
        self._acknowledge = 0
        self._highest = 0

    def add(self, block: GeneralBlockTransfer) -> GbtStatus:
        """Take one received general-block-transfer APDU."""
        number = block.block_number
        window_end = not block.streaming
        if number == 0:
            if block.block_data:
                raise BlockTransferError("block number 0 carries data")
            return GbtStatus(acknowledge=self._acknowledge, window_end=window_end)
        restarted = False
        if number == 1 and 1 in self._blocks:
            logger.debug("GBT: block 1 again, the transfer starts over")
            self.reset()
            restarted = True
        if not self._blocks and number != 1 and block.last_block:
            raise BlockTransferError(f"last block {number} arrived without any of its predecessors")
        held = self._blocks.get(number)
        if held is not None:
            if held != block.block_data:
                raise BlockTransferError(f"block {number} repeated with other content")
            logger.debug("GBT: block %d repeated", number)
            return self._status(duplicate=True, window_end=window_end)
        if self._last is not None and number > self._last:
            raise BlockTransferError(f"block {number} after the last block {self._last}")
        if number > self._acknowledge + self.window:
            raise BlockTransferError(
                f"block {number} beyond the window: {self._acknowledge} acknowledged, "
                f"window {self.window}"
            )
        if block.last_block:
            if number < self._highest:
                raise BlockTransferError(
                    f"last block {number} before block {self._highest} already received"
                )
            self._last = number
        if self._size + len(block.block_data) > self.max_size:
            size = self._size + len(block.block_data)
            self.reset()
            raise BlockTransferError(
                f"the reassembled APDU would exceed {self.max_size} octets ({size})"
            )
        self._blocks[number] = block.block_data
        self._size += len(block.block_data)
        self._highest = max(self._highest, number)
        while self._acknowledge + 1 in self._blocks:
            self._acknowledge += 1
        if self._last is not None and self._acknowledge == self._last:
            data = b"".join(self._blocks[i] for i in range(1, self._last + 1))
            acknowledge = self._acknowledge
            self.reset()
            return GbtStatus(
                complete=data,
                acknowledge=acknowledge,
                restarted=restarted,
                window_end=window_end,
            )
        return self._status(restarted=restarted, window_end=window_end)

    def _status(
        self, *, duplicate: bool = False, restarted: bool = False, window_end: bool = False
    ) -> GbtStatus:
        missing = tuple(
            i for i in range(self._acknowledge + 1, self._highest) if i not in self._blocks
        )
        return GbtStatus(None, self._acknowledge, missing, duplicate, restarted, window_end)
