"""DLMS over wired M-Bus (EN 13757-2 link layer), as customer ports push it.

An M-Bus long frame::

    68 | L | L | 68 | C | A | CI | data (L - 3 bytes) | CS | 16

``L`` counts C, A, CI and the data; ``CS`` is the sum modulo 256 of C..data. The short frame
``10 C A CS 16`` and the single character ``E5`` (acknowledgement) also travel on the bus.

CI-fields 0x00..0x1F are reserved for DLMS. The DLMS transport behind them: bit 4 of the CI is
the final-segment flag, bits 0..3 a segment counter (modulo 16); the data starts with the source
and destination transport SAPs, then a piece of the APDU. Austrian customer ports (Kaifa MA309,
Sagemcom T210-D; documented by Netz NÖ, Salzburg Netz, TINETZ) push ``C=53 A=FF`` frames with
``CI=00`` (first of two) and ``CI=11`` (second, final), or ``CI=10`` for a single frame, and SAPs
``01 67``; the APDU is a general-glo-ciphering (``DB 08 ...``) data-notification.
"""

from __future__ import annotations

from dataclasses import dataclass

from dlmskit.errors import LocalProtocolError
from dlmskit.link.errors import FrameError

__all__ = [
    "DlmsMBusAssembler",
    "DlmsMessage",
    "MBusFrame",
    "MBusReader",
    "encode_long_frame",
    "segment_apdu",
]

START_LONG = 0x68
START_SHORT = 0x10
STOP = 0x16
SINGLE_ACK = 0xE5
CI_DLMS_MAX = 0x1F
CI_FINAL = 0x10


@dataclass(frozen=True, slots=True)
class MBusFrame:
    """A long frame (``ci`` and ``data`` set) or a short frame (``ci`` None, no data)."""

    c: int
    a: int
    ci: int | None
    data: bytes = b""

    def encode(self) -> bytes:
        if self.ci is None:
            return bytes((START_SHORT, self.c, self.a, (self.c + self.a) & 0xFF, STOP))
        return encode_long_frame(self.c, self.a, self.ci, self.data)


def encode_long_frame(c: int, a: int, ci: int, data: bytes) -> bytes:
    if not all(0 <= v <= 0xFF for v in (c, a, ci)):
        raise LocalProtocolError("C, A and CI are bytes")
    length = 3 + len(data)
    if length > 0xFF:
        raise LocalProtocolError(f"{len(data)} data bytes do not fit an M-Bus long frame")
    body = bytes((c, a, ci)) + bytes(data)
    return bytes((START_LONG, length, length, START_LONG)) + body + bytes((sum(body) & 0xFF, STOP))


class MBusReader:
    """Cuts M-Bus frames out of received bytes; garbage and frames with a wrong checksum or stop
    byte are skipped (the search resumes one byte after their start). Single ``E5``
    acknowledgements are counted, not returned."""

    def __init__(self) -> None:
        self._buf = bytearray()
        self.discarded = 0
        self.acks = 0

    def feed(self, data: bytes | bytearray | memoryview) -> list[MBusFrame]:
        buf = self._buf
        buf += data
        out: list[MBusFrame] = []
        pos = 0
        n = len(buf)
        while pos < n:
            b = buf[pos]
            if b == START_LONG:
                if n - pos < 4:
                    break
                length = buf[pos + 1]
                if buf[pos + 2] != length or buf[pos + 3] != START_LONG or length < 3:
                    pos += 1
                    continue
                end = pos + 4 + length + 2
                if end > n:
                    break
                body = buf[pos + 4 : pos + 4 + length]
                if buf[end - 1] != STOP or sum(body) & 0xFF != buf[end - 2]:
                    self.discarded += 1
                    pos += 1
                    continue
                out.append(MBusFrame(body[0], body[1], body[2], bytes(body[3:])))
                pos = end
            elif b == START_SHORT:
                if n - pos < 5:
                    break
                c, a, cs, stop = buf[pos + 1], buf[pos + 2], buf[pos + 3], buf[pos + 4]
                if stop == STOP and (c + a) & 0xFF == cs:
                    out.append(MBusFrame(c, a, None))
                    pos += 5
                else:
                    pos += 1
            else:
                if b == SINGLE_ACK:
                    self.acks += 1
                pos += 1
        del buf[:pos]
        return out


@dataclass(frozen=True, slots=True)
class DlmsMessage:
    source_tsap: int
    destination_tsap: int
    apdu: bytes
    c: int
    a: int


class DlmsMBusAssembler:
    """Joins the DLMS segments of consecutive long frames into APDUs.

    A message starts with segment counter 0 and ends with the final flag; a frame out of order
    (wrong counter, other SAPs) drops the partial message (and starts a new one if its counter is
    0). ``max_length`` bounds what one message may grow to.
    """

    def __init__(self, *, max_length: int = 0xFFFF) -> None:
        self.max_length = max_length
        self._parts: list[bytes] = []
        self._next = 0
        self._key: tuple[int, int, int, int] | None = None
        self.dropped = 0

    def feed(self, frame: MBusFrame) -> DlmsMessage | None:
        if frame.ci is None or frame.ci > CI_DLMS_MAX:
            return None  # not DLMS
        if len(frame.data) < 2:
            raise FrameError("source and destination TSAP after the CI-field", 7, layer="mbus")
        seq, final = frame.ci & 0x0F, bool(frame.ci & CI_FINAL)
        key = (frame.data[0], frame.data[1], frame.c, frame.a)
        if seq == 0:
            if self._parts:
                self.dropped += 1
            self._parts, self._key = [], key
        elif not self._parts or seq != self._next or key != self._key:
            if self._parts:
                self.dropped += 1
            self._parts, self._key = [], None
            return None
        self._parts.append(frame.data[2:])
        if sum(len(p) for p in self._parts) > self.max_length:
            self.dropped += 1
            self._parts, self._key = [], None
            return None
        self._next = (seq + 1) % 16
        if not final:
            return None
        apdu = b"".join(self._parts)
        self._parts, self._key = [], None
        return DlmsMessage(key[0], key[1], apdu, key[2], key[3])


def segment_apdu(
    apdu: bytes,
    source_tsap: int,
    destination_tsap: int,
    *,
    c: int = 0x53,
    a: int = 0xFF,
    max_length: int = 0xFF,
) -> list[bytes]:
    """Long frames carrying ``apdu``; ``max_length`` is the largest L-field (Austrian ports use
    250, so 245 APDU bytes per frame). At most 16 frames (the counter's range)."""
    if not 6 <= max_length <= 0xFF:
        raise LocalProtocolError("max_length (the L-field) must be 6..255")
    if not (0 <= source_tsap <= 0xFF and 0 <= destination_tsap <= 0xFF):
        raise LocalProtocolError("TSAPs are bytes")
    size = max_length - 5
    chunks = [apdu[i : i + size] for i in range(0, len(apdu), size)] or [b""]
    if len(chunks) > 16:
        raise LocalProtocolError(f"APDU of {len(apdu)} bytes needs more than 16 frames")
    last = len(chunks) - 1
    return [
        encode_long_frame(
            c, a, i | (CI_FINAL if i == last else 0), bytes((source_tsap, destination_tsap)) + chunk
        )
        for i, chunk in enumerate(chunks)
    ]
