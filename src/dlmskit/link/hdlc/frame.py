"""HDLC frames of IEC 62056-46 (frame format type 3).

A frame on the wire::

    7E | format (2) | destination (1, 2 or 4) | source (1, 2 or 4) | control (1)
       | [HCS (2) | information (n)] | FCS (2) | 7E

* **format**: ``1010 S LLLLLLLLLLL`` -- type 3 (``0xA``), the segmentation bit ``S`` and an
  11-bit length counting every byte between the flags (so frames up to 2047 bytes).
* **addresses**: 7 bits per byte, the least significant bit of a byte set only on the last one.
  A client address is one byte; a server address is the upper HDLC address (logical device)
  alone on one byte, or upper and lower (physical device) on two bytes (7 + 7 bits) or four
  bytes (14 + 14 bits). Three bytes is invalid.
* **control**: I ``RRRPSSS0``, RR ``RRRP0001``, RNR ``RRRP0101``, and the unnumbered SNRM
  ``0x83``, DISC ``0x43``, UA ``0x63``, DM ``0x0F``, FRMR ``0x87``, UI ``0x03`` (P/F bit
  ``0x10``).
* **HCS** (header check sequence) is present only when there is an information field; HCS and
  FCS are CRC-16/X.25 sent least significant byte first. HDLC here uses no byte stuffing: 0x7E
  and 0x7D bytes inside a frame are data, the length field delimits the frame.

SNRM and UA may carry the parameter negotiation field: format identifier 0x81, group 0x80, group
length, then parameters 0x05 max information field length transmit, 0x06 ... receive, 0x07 window
size transmit, 0x08 ... receive, each as ``id, length, big-endian value`` (1, 2 or 4 bytes seen in
the field). Absent parameters take the defaults 128 bytes and window 1. Values are stated from the
sender's point of view.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from dlmskit.errors import LocalProtocolError
from dlmskit.link.errors import FrameError
from dlmskit.link.hdlc.crc import crc16_x25

__all__ = [
    "DEFAULT_MAX_INFO",
    "DEFAULT_WINDOW",
    "FLAG",
    "MAX_FRAME_LENGTH",
    "MAX_INFO_LENGTH",
    "MAX_WINDOW",
    "MIN_INFO_LENGTH",
    "Frame",
    "FrameDefect",
    "FrameType",
    "HdlcAddress",
    "HdlcFrameError",
    "HdlcParameters",
    "ParameterProposal",
    "decode_frame",
    "decode_parameters",
    "encode_parameters",
    "frmr_info",
    "parse_frmr_info",
]

FLAG = 0x7E
FORMAT_TYPE_3 = 0xA
MAX_FRAME_LENGTH = 0x7FF  # 11-bit length field
MIN_FRAME_LENGTH = 7  # format 2 + destination 1 + source 1 + control 1 + FCS 2
DEFAULT_MAX_INFO = 128
DEFAULT_WINDOW = 1
MIN_INFO_LENGTH = 32  # IEC HDLC setup (class 23) range of max_info_length: 32..2030
MAX_INFO_LENGTH = 2030
MAX_WINDOW = 7

_SEGMENTATION_BIT = 0x0800
_PF = 0x10


class FrameType(enum.IntEnum):
    """The command/response of a control field, with P/F, N(R) and N(S) bits at zero."""

    I = 0x00  # noqa: E741 - the standard's name
    RR = 0x01
    RNR = 0x05
    SNRM = 0x83
    DISC = 0x43
    UA = 0x63
    DM = 0x0F
    FRMR = 0x87
    UI = 0x03

    @property
    def numbered(self) -> bool:
        """I frames and supervisory frames carry N(R) (and I frames N(S))."""
        return self in (FrameType.I, FrameType.RR, FrameType.RNR)

    @property
    def may_carry_info(self) -> bool:
        """Frame types whose information field is allowed by IEC 62056-46."""
        return self in (FrameType.I, FrameType.UI, FrameType.SNRM, FrameType.UA, FrameType.FRMR)


_UNNUMBERED = {
    t.value: t
    for t in (
        FrameType.SNRM,
        FrameType.DISC,
        FrameType.UA,
        FrameType.DM,
        FrameType.FRMR,
        FrameType.UI,
    )
}


def frame_type_of(control: int) -> FrameType | None:
    """The frame type of a control byte, or None for an undefined command."""
    if control & 0x01 == 0:
        return FrameType.I
    if control & 0x0F == 0x01:
        return FrameType.RR
    if control & 0x0F == 0x05:
        return FrameType.RNR
    return _UNNUMBERED.get(control & ~_PF & 0xFF)


class FrameDefect(enum.Enum):
    """Why bytes were not a valid frame (the standard says: discard it)."""

    TOO_SHORT = "too short"
    FORMAT = "not frame format type 3"
    LENGTH = "length field does not match the bytes between the flags"
    ADDRESS = "address field not 1, 2 or 4 bytes"
    HCS = "header check sequence wrong"
    FCS = "frame check sequence wrong"
    PARAMETERS = "parameter negotiation field malformed"
    FRMR_INFO = "FRMR information field malformed"


class HdlcFrameError(FrameError):
    """Bytes that are not a valid HDLC frame; ``defect`` says which check failed."""

    def __init__(self, defect: FrameDefect, offset: int) -> None:
        self.defect = defect
        super().__init__(defect.value, offset, layer="hdlc")


@dataclass(frozen=True, slots=True)
class HdlcAddress:
    """An HDLC address: ``upper`` alone (client addresses, one-byte server addresses) or the
    server's ``upper`` (logical device) and ``lower`` (physical device) HDLC addresses.

    ``size`` is the number of bytes on the wire: 1 (upper <= 0x7F, no lower), 2 (7 + 7 bits) or
    4 (14 + 14 bits). Use :meth:`client` and :meth:`server` to get the smallest size.
    """

    upper: int
    lower: int | None = None
    size: int = 1

    def __post_init__(self) -> None:
        if self.size == 1:
            ok = self.lower is None and 0 <= self.upper <= 0x7F
        elif self.size == 2:
            ok = self.lower is not None and 0 <= self.upper <= 0x7F and 0 <= self.lower <= 0x7F
        elif self.size == 4:
            ok = self.lower is not None and 0 <= self.upper <= 0x3FFF and 0 <= self.lower <= 0x3FFF
        else:
            ok = False
        if not ok:
            raise LocalProtocolError(
                f"invalid HDLC address upper={self.upper} lower={self.lower} size={self.size}"
            )

    @classmethod
    def client(cls, address: int) -> HdlcAddress:
        """A client address (one byte, 0..0x7F; 0x10 is the public client)."""
        return cls(address, None, 1)

    @classmethod
    def server(cls, upper: int, lower: int | None = None) -> HdlcAddress:
        """A server address in the smallest encoding that holds it."""
        if lower is None:
            return cls(upper, None, 1)
        size = 2 if upper <= 0x7F and lower <= 0x7F else 4
        return cls(upper, lower, size)

    def encode(self) -> bytes:
        if self.size == 1:
            return bytes(((self.upper << 1) | 1,))
        lower = self.lower if self.lower is not None else 0
        if self.size == 2:
            return bytes((self.upper << 1, (lower << 1) | 1))
        return bytes(
            (
                (self.upper >> 7) << 1,
                (self.upper & 0x7F) << 1,
                (lower >> 7) << 1,
                ((lower & 0x7F) << 1) | 1,
            )
        )

    def __str__(self) -> str:
        return str(self.upper) if self.lower is None else f"{self.upper}/{self.lower}"


def _decode_address(data: bytes, offset: int, end: int) -> tuple[HdlcAddress, int]:
    start = offset
    while offset < end and offset - start < 4:
        if data[offset] & 1:
            break
        offset += 1
    else:
        raise HdlcFrameError(FrameDefect.ADDRESS, start)
    size = offset - start + 1
    raw = data[start : offset + 1]
    if size == 1:
        return HdlcAddress(raw[0] >> 1, None, 1), offset + 1
    if size == 2:
        return HdlcAddress(raw[0] >> 1, raw[1] >> 1, 2), offset + 1
    if size == 4:
        upper = ((raw[0] >> 1) << 7) | (raw[1] >> 1)
        lower = ((raw[2] >> 1) << 7) | (raw[3] >> 1)
        return HdlcAddress(upper, lower, 4), offset + 1
    raise HdlcFrameError(FrameDefect.ADDRESS, start)


@dataclass(frozen=True, slots=True)
class Frame:
    """One HDLC frame. ``control`` is the raw control byte (an undefined command keeps its
    value, ``type`` is then None); ``info`` is the information field (LLC header included)."""

    destination: HdlcAddress
    source: HdlcAddress
    control: int
    info: bytes = b""
    segmented: bool = False

    def __post_init__(self) -> None:
        if not 0 <= self.control <= 0xFF:
            raise LocalProtocolError(f"control byte out of range: {self.control}")
        length = 2 + self.destination.size + self.source.size + 1 + 2
        if self.info:
            length += 2 + len(self.info)
        if length > MAX_FRAME_LENGTH:
            raise LocalProtocolError(
                f"frame of {length} bytes exceeds the 11-bit length field ({MAX_FRAME_LENGTH})"
            )

    # -- constructors -------------------------------------------------------------------
    @classmethod
    def make(
        cls,
        frame_type: FrameType,
        destination: HdlcAddress,
        source: HdlcAddress,
        *,
        poll_final: bool = True,
        ns: int = 0,
        nr: int = 0,
        info: bytes = b"",
        segmented: bool = False,
    ) -> Frame:
        """A frame of a defined type; N(S)/N(R) are taken modulo nothing: they must be 0..7."""
        if not (0 <= ns <= 7 and 0 <= nr <= 7):
            raise LocalProtocolError(f"sequence numbers must be 0..7, got N(S)={ns} N(R)={nr}")
        if info and not frame_type.may_carry_info:
            raise LocalProtocolError(f"{frame_type.name} frames carry no information field")
        if segmented and frame_type not in (FrameType.I, FrameType.UI):
            raise LocalProtocolError("only I and UI frames can be segmented")
        control = int(frame_type)
        if frame_type is FrameType.I:
            control = (nr << 5) | (ns << 1)
        elif frame_type in (FrameType.RR, FrameType.RNR):
            control |= nr << 5
        if poll_final:
            control |= _PF
        return cls(destination, source, control, bytes(info), segmented)

    # -- views ---------------------------------------------------------------------------
    @property
    def type(self) -> FrameType | None:
        return frame_type_of(self.control)

    @property
    def poll_final(self) -> bool:
        return bool(self.control & _PF)

    @property
    def ns(self) -> int:
        """N(S) of an I frame."""
        return (self.control >> 1) & 0x07

    @property
    def nr(self) -> int:
        """N(R) of an I, RR or RNR frame."""
        return (self.control >> 5) & 0x07

    def encode(self) -> bytes:
        """The frame with its opening and closing flags."""
        dst = self.destination.encode()
        src = self.source.encode()
        info = self.info
        length = 2 + len(dst) + len(src) + 1 + 2 + (2 + len(info) if info else 0)
        fmt = 0xA000 | length | (_SEGMENTATION_BIT if self.segmented else 0)
        out = bytearray((FLAG, fmt >> 8, fmt & 0xFF))
        out += dst
        out += src
        out.append(self.control)
        if info:
            hcs = crc16_x25(memoryview(out)[1:])
            out += bytes((hcs & 0xFF, hcs >> 8))
            out += info
        fcs = crc16_x25(memoryview(out)[1:])
        out += bytes((fcs & 0xFF, fcs >> 8, FLAG))
        return bytes(out)

    def describe(self) -> str:
        """A short human-readable line, e.g. ``I N(S)=0 N(R)=1 P 16->1/17 34 bytes``."""
        kind = self.type
        name = kind.name if kind is not None else f"undefined(0x{self.control:02X})"
        parts = [name]
        if kind is FrameType.I:
            parts.append(f"N(S)={self.ns}")
        if kind is not None and kind.numbered:
            parts.append(f"N(R)={self.nr}")
        if self.poll_final:
            parts.append("P/F")
        if self.segmented:
            parts.append("S")
        parts.append(f"{self.source}->{self.destination}")
        if self.info:
            parts.append(f"{len(self.info)} bytes")
        return " ".join(parts)


def decode_frame(
    data: bytes | bytearray | memoryview, *, flags: bool | None = None, check_hcs: bool = True
) -> Frame:
    """Decode one frame, given with or without its flags (``flags=None``: detect them).

    Raises :class:`HdlcFrameError` (with the failed check in ``defect``) for anything that is
    not a valid frame: the caller discards it, as IEC 62056-46 requires. An undefined control
    byte is *not* a decoding error (the frame is valid; the station answers it with FRMR).
    ``check_hcs=False`` skips the header check sequence -- a defect, for fault injection only
    (:attr:`~dlmskit.link.hdlc.events.StationSettings.hcs_checked`).
    """
    buf = bytes(data)
    base = 0
    if flags is None:
        flags = len(buf) >= 2 and buf[0] == FLAG and buf[-1] == FLAG and (buf[1] >> 4) == 0xA
    if flags:
        if len(buf) < 2 or buf[0] != FLAG or buf[-1] != FLAG:
            raise HdlcFrameError(FrameDefect.FORMAT, 0)
        buf = buf[1:-1]
        base = 1
    n = len(buf)
    if n < MIN_FRAME_LENGTH:
        raise HdlcFrameError(FrameDefect.TOO_SHORT, base)
    fmt = (buf[0] << 8) | buf[1]
    if fmt >> 12 != FORMAT_TYPE_3:
        raise HdlcFrameError(FrameDefect.FORMAT, base)
    if fmt & 0x7FF != n:
        raise HdlcFrameError(FrameDefect.LENGTH, base)
    destination, pos = _decode_address(buf, 2, n - 3)
    source, pos = _decode_address(buf, pos, n - 3)
    control = buf[pos]
    pos += 1
    rest = n - pos
    info = b""
    if rest > 2:
        if rest < 4:
            raise HdlcFrameError(FrameDefect.LENGTH, base + pos)
        hcs = crc16_x25(buf[:pos])
        if check_hcs and (buf[pos] != hcs & 0xFF or buf[pos + 1] != hcs >> 8):
            raise HdlcFrameError(FrameDefect.HCS, base + pos)
        info = buf[pos + 2 : n - 2]
    fcs = crc16_x25(buf[: n - 2])
    if buf[n - 2] != fcs & 0xFF or buf[n - 1] != fcs >> 8:
        raise HdlcFrameError(FrameDefect.FCS, base + n - 2)
    return Frame(destination, source, control, info, bool(fmt & _SEGMENTATION_BIT))


# -- parameter negotiation (SNRM / UA information field) ------------------------------------

_FORMAT_ID = 0x81
_GROUP_HDLC = 0x80
_PARAM_MAX_INFO_TX = 0x05
_PARAM_MAX_INFO_RX = 0x06
_PARAM_WINDOW_TX = 0x07
_PARAM_WINDOW_RX = 0x08


@dataclass(frozen=True, slots=True)
class HdlcParameters:
    """The four negotiated HDLC parameters, from the point of view of the station they
    describe: what it transmits (``*_tx``) and what it can receive (``*_rx``)."""

    max_info_tx: int = DEFAULT_MAX_INFO
    max_info_rx: int = DEFAULT_MAX_INFO
    window_tx: int = DEFAULT_WINDOW
    window_rx: int = DEFAULT_WINDOW

    def __post_init__(self) -> None:
        for name in ("max_info_tx", "max_info_rx"):
            value = getattr(self, name)
            if not MIN_INFO_LENGTH <= value <= MAX_INFO_LENGTH:
                raise LocalProtocolError(
                    f"{name} must be {MIN_INFO_LENGTH}..{MAX_INFO_LENGTH}, got {value}"
                )
        for name in ("window_tx", "window_rx"):
            value = getattr(self, name)
            if not 1 <= value <= MAX_WINDOW:
                raise LocalProtocolError(f"{name} must be 1..{MAX_WINDOW}, got {value}")

    @property
    def is_default(self) -> bool:
        return self == HdlcParameters()


@dataclass(frozen=True, slots=True)
class ParameterProposal:
    """Parameters as found in an SNRM or UA information field; None where absent."""

    max_info_tx: int | None = None
    max_info_rx: int | None = None
    window_tx: int | None = None
    window_rx: int | None = None

    def with_defaults(self) -> tuple[int, int, int, int]:
        """``(max_info_tx, max_info_rx, window_tx, window_rx)`` with absent ones defaulted."""
        return (
            DEFAULT_MAX_INFO if self.max_info_tx is None else self.max_info_tx,
            DEFAULT_MAX_INFO if self.max_info_rx is None else self.max_info_rx,
            DEFAULT_WINDOW if self.window_tx is None else self.window_tx,
            DEFAULT_WINDOW if self.window_rx is None else self.window_rx,
        )


def _value_bytes(value: int, minimum: int) -> bytes:
    width = minimum
    while value >= 1 << (8 * width):
        width *= 2
    return value.to_bytes(width, "big")


def encode_parameters(params: HdlcParameters) -> bytes:
    """The negotiation field ``81 80 len ...``: lengths on 1 byte when they fit (2 otherwise),
    window sizes on 4 bytes, as the common implementations send them."""
    body = bytearray()
    for ident, value, minimum in (
        (_PARAM_MAX_INFO_TX, params.max_info_tx, 1),
        (_PARAM_MAX_INFO_RX, params.max_info_rx, 1),
        (_PARAM_WINDOW_TX, params.window_tx, 4),
        (_PARAM_WINDOW_RX, params.window_rx, 4),
    ):
        raw = _value_bytes(value, minimum)
        body += bytes((ident, len(raw))) + raw
    return bytes((_FORMAT_ID, _GROUP_HDLC, len(body))) + bytes(body)


def decode_parameters(info: bytes | bytearray | memoryview) -> ParameterProposal:
    """Parse an SNRM/UA information field (empty: no parameters, all defaults).

    Unknown parameters inside the HDLC group and other groups (e.g. user data 0xF0) are
    skipped; values may be 1 to 4 bytes. Malformed fields raise :class:`HdlcFrameError` with
    defect ``PARAMETERS``; window sizes outside 1..7 and zero lengths are malformed.
    """
    data = bytes(info)
    if not data:
        return ParameterProposal()
    if data[0] != _FORMAT_ID:
        raise HdlcFrameError(FrameDefect.PARAMETERS, 0)
    found: dict[int, int] = {}
    pos = 1
    n = len(data)
    while pos < n:
        if pos + 2 > n:
            raise HdlcFrameError(FrameDefect.PARAMETERS, pos)
        group, group_len = data[pos], data[pos + 1]
        start = pos + 2
        end = start + group_len
        if end > n:
            raise HdlcFrameError(FrameDefect.PARAMETERS, pos + 1)
        if group == _GROUP_HDLC:
            p = start
            while p < end:
                if p + 2 > end:
                    raise HdlcFrameError(FrameDefect.PARAMETERS, p)
                ident, length = data[p], data[p + 1]
                if not 1 <= length <= 4 or p + 2 + length > end:
                    raise HdlcFrameError(FrameDefect.PARAMETERS, p + 1)
                value = int.from_bytes(data[p + 2 : p + 2 + length], "big")
                if ident in (_PARAM_WINDOW_TX, _PARAM_WINDOW_RX) and not 1 <= value <= MAX_WINDOW:
                    raise HdlcFrameError(FrameDefect.PARAMETERS, p + 2)
                if ident in (_PARAM_MAX_INFO_TX, _PARAM_MAX_INFO_RX) and value == 0:
                    raise HdlcFrameError(FrameDefect.PARAMETERS, p + 2)
                found[ident] = value
                p += 2 + length
        pos = end
    return ParameterProposal(
        found.get(_PARAM_MAX_INFO_TX),
        found.get(_PARAM_MAX_INFO_RX),
        found.get(_PARAM_WINDOW_TX),
        found.get(_PARAM_WINDOW_RX),
    )


# -- FRMR information field (ISO/IEC 13239, modulo 8) ----------------------------------------


class RejectReason(enum.IntFlag):
    """The FRMR reason bits W X Y Z (bits 17..20 of the field, sent first = least significant)."""

    W = 0x01  # control field undefined or not implemented
    X = 0x02  # information field not permitted with this command (W is set too)
    Y = 0x04  # information field longer than the negotiated maximum
    Z = 0x08  # invalid N(R)


def frmr_info(rejected_control: int, vs: int, vr: int, reasons: RejectReason) -> bytes:
    """The three-byte FRMR information field: the rejected control byte; ``V(R) C/R V(S) 0``
    (V(S) in bits 2..4, V(R) in bits 6..8 as in a control field); ``0000 Z Y X W``. The C/R bit
    is 1 as the rejected frame was a command."""
    return bytes((rejected_control & 0xFF, (vr << 5) | 0x10 | (vs << 1), int(reasons)))


def parse_frmr_info(info: bytes) -> tuple[int, int, int, RejectReason]:
    """``(rejected_control, V(S), V(R), reasons)`` of an FRMR information field."""
    if len(info) < 3:
        raise HdlcFrameError(FrameDefect.FRMR_INFO, 0)
    return info[0], (info[1] >> 1) & 7, (info[1] >> 5) & 7, RejectReason(info[2] & 0x0F)
