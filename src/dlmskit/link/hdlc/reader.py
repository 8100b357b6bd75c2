"""A stream reader that cuts HDLC frames out of received bytes.

Frames are delimited by their length field, never by scanning for flags: 0x7E and 0x7D bytes
inside an information field are data (IEC 62056-46 uses no byte stuffing). The reader:

* skips garbage before a frame and between frames, and repeated flags (inter-frame fill);
* accepts a flag shared as the closing flag of one frame and the opening flag of the next;
* waits for the bytes a frame's length field announces, then checks the closing flag, HCS and
  FCS; a candidate that fails is discarded and the search resumes one byte after its opening
  flag, so a frame hidden behind a corrupted one is not lost;
* gives up on a truncated frame as soon as a complete valid frame is found inside the span it
  claims (frames do not overlap), when the line stays silent for the inter-octet time-out
  (:meth:`get_timer` / :meth:`handle_timer`), or when the caller says the data ended
  (:meth:`flush`); the bytes after its opening flag are searched again. (The one input this
  misreads is a frame whose information field itself holds a complete valid HDLC frame, cut
  short: the inner frame is then taken.)

The buffer never holds more than one maximal frame (2049 bytes) plus what one ``feed`` brought.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from dlmskit.link.hdlc.frame import (
    FLAG,
    MAX_FRAME_LENGTH,
    MIN_FRAME_LENGTH,
    Frame,
    HdlcFrameError,
    decode_frame,
)

__all__ = ["FrameReader", "ReaderStats"]

_log = logging.getLogger("dlmskit.link.hdlc")


@dataclass(slots=True)
class ReaderStats:
    """Counters of what the reader saw (for diagnostics)."""

    frames: int = 0
    discarded_frames: int = 0  # candidates with a bad closing flag, HCS, FCS or address
    truncated_frames: int = 0  # candidates given up on by time-out or flush
    garbage_bytes: int = 0  # bytes outside any frame (flags of inter-frame fill excluded)


class FrameReader:
    """Feed received bytes, get complete valid frames.

    ``inter_octet_timeout`` (seconds) is how long a partly received frame may wait for its next
    byte; ``None`` disables the timer (then only :meth:`flush` ends a truncated frame).
    """

    def __init__(self, *, inter_octet_timeout: float | None = 1.0, check_hcs: bool = True) -> None:
        self.check_hcs = check_hcs  # False only to inject the defect "bad HCS accepted"
        self._buf = bytearray()
        self._base = 0  # stream offset of _buf[0]
        self._candidate = -1  # stream offset of the incomplete frame being waited for
        self._look = 0  # stream offset from which the look-ahead still has to search
        self._last_rx: float | None = None
        self.inter_octet_timeout = inter_octet_timeout
        self.stats = ReaderStats()

    @property
    def pending(self) -> int:
        """Bytes held that may still become (part of) a frame."""
        return len(self._buf)

    def feed(self, data: bytes | bytearray | memoryview, now: float | None = None) -> list[Frame]:
        """Add received bytes; return the frames that are now complete and valid, in order."""
        if data:
            if (
                now is not None
                and self._last_rx is not None
                and self.inter_octet_timeout is not None
                and now - self._last_rx > self.inter_octet_timeout
                and self._buf
            ):
                self._expire()  # the line was silent longer than the inter-octet time-out
            self._buf += data
            self._last_rx = now
        return self._scan(final=False)

    def flush(self) -> list[Frame]:
        """The data ended (end of a capture, link closed): resolve what is held. A truncated
        frame is dropped and the bytes after its opening flag are searched again."""
        frames = self._scan(final=True)
        self._buf.clear()
        self._last_rx = None
        return frames

    def get_timer(self) -> float | None:
        """When the partly received frame times out, or None."""
        buf = self._buf
        if self.inter_octet_timeout is None or self._last_rx is None or not buf:
            return None
        if buf.count(FLAG) == len(buf):
            return None  # only a flag kept as a possible opening flag: nothing half-received
        return self._last_rx + self.inter_octet_timeout

    def handle_timer(self, now: float) -> list[Frame]:
        """Give up on a frame whose bytes stopped coming; returns frames found behind it."""
        deadline = self.get_timer()
        if deadline is None or now < deadline:
            return []
        frames = self._scan(final=True)
        self._last_rx = now if self._buf else None
        return frames

    def _expire(self) -> None:
        """Drop what was held before a silence: a lone flag, or a frame that never ended."""
        if self._buf.count(FLAG) != len(self._buf):
            self.stats.truncated_frames += 1
        self._buf.clear()

    def _scan(self, *, final: bool) -> list[Frame]:
        buf = self._buf
        frames: list[Frame] = []
        pos = 0
        n = len(buf)
        stats = self.stats
        while True:
            start = buf.find(FLAG, pos)
            if start < 0:
                stats.garbage_bytes += n - pos
                pos = n
                break
            stats.garbage_bytes += start - pos
            # skip inter-frame fill: a run of flags, keep the last one as the opening flag
            while start + 1 < n and buf[start + 1] == FLAG:
                start += 1
            if start + 2 >= n:
                pos = start  # need the format field
                if final:
                    pos = n
                break
            if buf[start + 1] >> 4 != 0xA:
                pos = start + 1  # not an opening flag: search on
                continue
            length = ((buf[start + 1] & 0x07) << 8) | buf[start + 2]
            if length < MIN_FRAME_LENGTH or length > MAX_FRAME_LENGTH:
                stats.discarded_frames += 1
                pos = start + 1
                continue
            end = start + 1 + length  # index of the closing flag
            if end >= n:
                if final:
                    stats.truncated_frames += 1
                    _log.debug(
                        "hdlc: truncated frame dropped (%d of %d bytes)", n - start, length + 2
                    )
                    pos = start + 1
                    continue
                if self._candidate != self._base + start:
                    self._candidate = self._base + start
                    self._look = self._candidate + 1
                later = self._complete_frame_after(max(start + 1, self._look - self._base))
                if later is not None:
                    # a complete valid frame starts inside the span this candidate claims:
                    # the candidate was noise or a frame cut short (frames do not overlap)
                    stats.discarded_frames += 1
                    stats.garbage_bytes += later - start
                    pos = later
                    continue
                pos = start
                break
            if buf[end] != FLAG:
                stats.discarded_frames += 1
                pos = start + 1
                continue
            try:
                frame = decode_frame(
                    memoryview(buf)[start + 1 : end], flags=False, check_hcs=self.check_hcs
                )
            except HdlcFrameError as exc:
                stats.discarded_frames += 1
                if _log.isEnabledFor(logging.DEBUG):
                    _log.debug(
                        "hdlc: frame discarded (%s): %s",
                        exc.defect.value,
                        bytes(buf[start : end + 1]).hex(),
                    )
                pos = start + 1
                continue
            stats.frames += 1
            frames.append(frame)
            pos = end  # the closing flag may open the next frame
        if pos:
            del buf[:pos]
            self._base += pos
        # only a flag and nothing else left: keep it (it may open the next frame)
        return frames

    def _complete_frame_after(self, pos: int) -> int | None:
        """Index of the opening flag of the first complete, valid frame at or after ``pos``.
        Remembers (in ``_look``) where a later call must search again: at the first candidate
        that may still complete, so every byte is examined a bounded number of times."""
        buf = self._buf
        n = len(buf)
        pending: int | None = None
        while True:
            start = buf.find(FLAG, pos)
            if start < 0 or start + 2 >= n:
                resume = n - 2 if start < 0 else start
                self._look = self._base + (pending if pending is not None else max(resume, 0))
                return None
            pos = start + 1
            if buf[start + 1] >> 4 != 0xA:
                continue
            end = start + 1 + (((buf[start + 1] & 0x07) << 8) | buf[start + 2])
            if end >= n:
                if pending is None:
                    pending = start
                continue
            if buf[end] != FLAG:
                continue
            try:
                decode_frame(
                    memoryview(buf)[start + 1 : end], flags=False, check_hcs=self.check_hcs
                )
            except HdlcFrameError:
                continue
            return start
