"""Link layers as the translator reads them: strictly, with the offset of every unit.

A live link (:mod:`dlmskit.link`) skips garbage and discards bad frames, as the standards
require of a station. A translator must do the opposite: input that fails a check is
reported, never skipped or decoded as if valid. So every reader here stops at the first
fault with a :class:`~dlmskit.translator.errors.TranslationError` that says where.

The reassemblers (:class:`HdlcAssembler`, M-Bus through
:class:`~dlmskit.link.mbus.DlmsMBusAssembler`) are shared with the push listener, which
reads lenient frame streams but joins segments the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

from dlmskit.link.hdlc.frame import (
    FLAG,
    MIN_FRAME_LENGTH,
    Frame,
    FrameType,
    HdlcAddress,
    HdlcFrameError,
    decode_frame,
    decode_parameters,
    parse_frmr_info,
)
from dlmskit.link.llc import (
    IEC432_DL_DATA,
    LLC_COMMAND,
    LLC_RESPONSE,
)
from dlmskit.link.mbus import CI_DLMS_MAX, CI_FINAL, MBusFrame
from dlmskit.link.wrapper import HEADER_LENGTH, Wpdu, WrapperError, decode_datagram
from dlmskit.translator.errors import TranslationError

__all__ = [
    "HdlcAssembler",
    "LinkUnit",
    "MBusAssembler",
    "address_json",
    "frame_json",
    "mbus_json",
    "read_hdlc",
    "read_mbus",
    "read_wrapper",
    "split_llc",
    "wpdu_json",
]


@dataclass(frozen=True, slots=True)
class LinkUnit:
    """One unit of a link layer found in the input: an HDLC frame, a WPDU, an M-Bus frame.

    ``fields`` is its description as JSON-ready values; ``obj`` the typed value
    (:class:`~dlmskit.link.hdlc.Frame`, :class:`~dlmskit.link.wrapper.Wpdu`,
    :class:`~dlmskit.link.mbus.MBusFrame`)."""

    kind: str
    offset: int
    length: int
    fields: dict[str, Any] = field(hash=False, compare=False)
    obj: Any = field(hash=False, compare=False)


# -- HDLC ---------------------------------------------------------------------------------------


def address_json(address: HdlcAddress, raw: bytes) -> dict[str, Any]:
    out: dict[str, Any] = {"upper": address.upper}
    if address.lower is not None:
        out["lower"] = address.lower
    out["size"] = address.size
    out["hex"] = raw.hex()
    return out


def _frame_name(frame: Frame) -> str:
    kind = frame.type
    return kind.name if kind is not None else f"undefined (0x{frame.control:02x})"


def frame_json(frame: Frame, raw: bytes, flags: bool) -> dict[str, Any]:
    """The description of one frame; ``raw`` is the frame as it was in the input."""
    body = raw[1:-1] if flags else raw
    dst_size, src_size = frame.destination.size, frame.source.size
    header_end = 2 + dst_size + src_size + 1
    out: dict[str, Any] = {
        "frame": _frame_name(frame),
        "format": f"{(body[0] << 8) | body[1]:04x}",
        "length_field": ((body[0] & 0x07) << 8) | body[1],
        "segmented": frame.segmented,
        "destination": address_json(frame.destination, body[2 : 2 + dst_size]),
        "source": address_json(frame.source, body[2 + dst_size : 2 + dst_size + src_size]),
        "control": f"{frame.control:02x}",
        "poll_final": frame.poll_final,
    }
    kind = frame.type
    if kind is FrameType.I:
        out["ns"] = frame.ns
    if kind is not None and kind.numbered:
        out["nr"] = frame.nr
    if frame.info:
        out["hcs"] = body[header_end : header_end + 2].hex()
    out["fcs"] = body[-2:].hex()
    out["info_length"] = len(frame.info)
    if frame.info and kind in (FrameType.SNRM, FrameType.UA):
        proposal = decode_parameters(frame.info)
        out["parameters"] = {
            "max_info_field_length_transmit": proposal.max_info_tx,
            "max_info_field_length_receive": proposal.max_info_rx,
            "window_size_transmit": proposal.window_tx,
            "window_size_receive": proposal.window_rx,
        }
    if kind is FrameType.FRMR and frame.info:
        rejected, vs, vr, reasons = parse_frmr_info(frame.info)
        out["frmr"] = {
            "rejected_control": f"{rejected:02x}",
            "vs": vs,
            "vr": vr,
            "reasons": [r.name for r in type(reasons) if r in reasons],
        }
    return out


_DEFECT_WORDS: Final = {
    "TOO_SHORT": "the frame is too short",
    "FORMAT": "the frame format is not type 3 (0xA)",
    "LENGTH": "the length field does not match the frame",
    "ADDRESS": "an address field is not 1, 2 or 4 bytes",
    "HCS": "the header check sequence (HCS) is wrong",
    "FCS": "the frame check sequence (FCS) is wrong",
    "PARAMETERS": "the parameter negotiation field is malformed",
    "FRMR_INFO": "the FRMR information field is malformed",
}


def _frame_error(exc: HdlcFrameError, base: int, number: int) -> TranslationError:
    words = _DEFECT_WORDS.get(exc.defect.name, exc.defect.value)
    return TranslationError(f"HDLC frame {number}: {words}", offset=base + exc.offset, layer="hdlc")


def _check_frame_extras(frame: Frame, at: int, number: int) -> None:
    """Checks a frame must pass beyond its checksums: a parameter field that parses."""
    try:
        if frame.info and frame.type in (FrameType.SNRM, FrameType.UA):
            decode_parameters(frame.info)
        if frame.type is FrameType.FRMR and frame.info:
            parse_frmr_info(frame.info)
    except HdlcFrameError as exc:
        raise _frame_error(exc, at, number) from exc


def read_hdlc(data: bytes) -> list[LinkUnit]:
    """Every frame of ``data``: frames with flags (shared closing/opening flags and repeated
    flags allowed), or frames without flags back to back. Anything else is an error."""
    if not data:
        raise TranslationError("no bytes", offset=0, layer="hdlc")
    if data[0] == FLAG:
        return _read_flagged(data)
    return _read_unflagged(data)


def _read_flagged(data: bytes) -> list[LinkUnit]:
    units: list[LinkUnit] = []
    n = len(data)
    pos = 0
    while pos < n:
        if data[pos] != FLAG:
            raise TranslationError(
                f"an opening flag 7E, found {data[pos]:02x} after frame {len(units)}",
                offset=pos,
                layer="hdlc",
            )
        while pos + 1 < n and data[pos + 1] == FLAG:
            pos += 1  # inter-frame fill
        if pos + 1 == n:
            break  # the closing flag of the last frame (or a lone flag)
        if pos + 3 > n:
            raise TranslationError(
                "a frame format field, found the end of the input", offset=pos + 1, layer="hdlc"
            )
        number = len(units) + 1
        fmt = data[pos + 1]
        if fmt >> 4 != 0xA:
            raise TranslationError(
                f"HDLC frame {number}: the frame format is not type 3 (found {fmt:02x})",
                offset=pos + 1,
                layer="hdlc",
            )
        length = ((fmt & 0x07) << 8) | data[pos + 2]
        end = pos + 1 + length  # the closing flag
        if length < MIN_FRAME_LENGTH:
            raise TranslationError(
                f"HDLC frame {number}: a length of {length} is too short for a frame",
                offset=pos + 1,
                layer="hdlc",
            )
        if end >= n:
            raise TranslationError(
                f"HDLC frame {number} is truncated: its length field says {length} bytes, "
                f"{n - pos - 1} follow the opening flag",
                offset=pos,
                layer="hdlc",
            )
        if data[end] != FLAG:
            raise TranslationError(
                f"HDLC frame {number}: no closing flag after the {length} bytes its length "
                f"field announces (found {data[end]:02x})",
                offset=end,
                layer="hdlc",
            )
        try:
            frame = decode_frame(data[pos + 1 : end], flags=False)
        except HdlcFrameError as exc:
            raise _frame_error(exc, pos + 1, number) from exc
        _check_frame_extras(frame, pos, number)
        raw = data[pos : end + 1]
        units.append(LinkUnit("hdlc", pos, len(raw), frame_json(frame, raw, True), frame))
        pos = end  # the closing flag may open the next frame
    return units


def _read_unflagged(data: bytes) -> list[LinkUnit]:
    units: list[LinkUnit] = []
    n = len(data)
    pos = 0
    while pos < n:
        number = len(units) + 1
        if pos + 2 > n:
            raise TranslationError(
                "a frame format field, found the end of the input", offset=pos, layer="hdlc"
            )
        if data[pos] >> 4 != 0xA:
            raise TranslationError(
                f"HDLC frame {number}: the frame format is not type 3 (found {data[pos]:02x})",
                offset=pos,
                layer="hdlc",
            )
        length = ((data[pos] & 0x07) << 8) | data[pos + 1]
        if length < MIN_FRAME_LENGTH:
            raise TranslationError(
                f"HDLC frame {number}: a length of {length} is too short for a frame",
                offset=pos,
                layer="hdlc",
            )
        if pos + length > n:
            raise TranslationError(
                f"HDLC frame {number} is truncated: its length field says {length} bytes, "
                f"{n - pos} are there",
                offset=pos,
                layer="hdlc",
            )
        try:
            frame = decode_frame(data[pos : pos + length], flags=False)
        except HdlcFrameError as exc:
            raise _frame_error(exc, pos, number) from exc
        _check_frame_extras(frame, pos, number)
        raw = data[pos : pos + length]
        units.append(LinkUnit("hdlc", pos, length, frame_json(frame, raw, False), frame))
        pos += length
    return units


@dataclass(slots=True)
class _Pending:
    units: list[int]
    parts: list[bytes]
    next_ns: int | None


class HdlcAssembler:
    """Joins the information fields of segmented I and UI frames (segmentation bit set on
    all but the last), per direction (source and destination address).

    :meth:`add` returns ``(unit indexes, information)`` when a message is complete, None
    while segments are pending, and raises :class:`TranslationError` for an I frame out of
    sequence. ``max_size`` bounds a message."""

    def __init__(self, *, max_size: int = 16 * 1024 * 1024) -> None:
        self.max_size = max_size
        self._pending: dict[tuple[HdlcAddress, HdlcAddress], _Pending] = {}

    def add(self, index: int, frame: Frame) -> tuple[list[int], bytes] | None:
        kind = frame.type
        if kind not in (FrameType.I, FrameType.UI) or not (frame.info or frame.segmented):
            return None
        key = (frame.source, frame.destination)
        pending = self._pending.get(key)
        if (
            pending is not None
            and kind is FrameType.I
            and pending.next_ns is not None
            and frame.ns != pending.next_ns
        ):
            del self._pending[key]
            raise TranslationError(
                f"HDLC segment out of sequence: N(S)={frame.ns}, expected "
                f"N(S)={pending.next_ns} after frame {pending.units[-1] + 1}",
                layer="hdlc",
            )
        if pending is None:
            pending = _Pending([], [], None)
        pending.units.append(index)
        pending.parts.append(frame.info)
        pending.next_ns = (frame.ns + 1) % 8 if kind is FrameType.I else None
        if sum(len(p) for p in pending.parts) > self.max_size:
            self._pending.pop(key, None)
            raise TranslationError(
                f"a segmented HDLC message exceeds {self.max_size} bytes", layer="hdlc"
            )
        if frame.segmented:
            self._pending[key] = pending
            return None
        self._pending.pop(key, None)
        return pending.units, b"".join(pending.parts)

    def incomplete(self) -> list[list[int]]:
        """The unit indexes of messages whose last segment has not come."""
        return [p.units for p in self._pending.values()]

    def reset(self) -> None:
        self._pending.clear()


def split_llc(info: bytes) -> tuple[str | None, bytes]:
    """``(llc, apdu)``: ``"command"`` (E6 E6 00), ``"response"`` (E6 E7 00) or None."""
    head = info[:3]
    if head == LLC_COMMAND:
        return "command", info[3:]
    if head == LLC_RESPONSE:
        return "response", info[3:]
    return None, info


# -- wrapper ------------------------------------------------------------------------------------


def wpdu_json(wpdu: Wpdu) -> dict[str, Any]:
    return {
        "version": 1,
        "source_wport": wpdu.source,
        "destination_wport": wpdu.destination,
        "apdu_length": len(wpdu.apdu),
    }


def read_wrapper(data: bytes) -> list[LinkUnit]:
    """Every WPDU of ``data`` (one, or a TCP stream of several)."""
    units: list[LinkUnit] = []
    n = len(data)
    pos = 0
    if not data:
        raise TranslationError("no bytes", offset=0, layer="wrapper")
    while pos < n:
        number = len(units) + 1
        if n - pos < HEADER_LENGTH:
            raise TranslationError(
                f"WPDU {number}: an 8-byte wrapper header, {n - pos} bytes are left",
                offset=pos,
                layer="wrapper",
            )
        length = (data[pos + 6] << 8) | data[pos + 7]
        end = pos + HEADER_LENGTH + length
        if end > n:
            raise TranslationError(
                f"WPDU {number} is truncated: its header says {length} APDU bytes, "
                f"{n - pos - HEADER_LENGTH} follow",
                offset=pos + 6,
                layer="wrapper",
            )
        try:
            wpdu = decode_datagram(data[pos:end])
        except WrapperError as exc:
            raise TranslationError(
                f"WPDU {number}: {exc.expected}", offset=pos + exc.offset, layer="wrapper"
            ) from exc
        units.append(LinkUnit("wrapper", pos, end - pos, wpdu_json(wpdu), wpdu))
        pos = end
    return units


def looks_like_wrapper(data: bytes) -> bool:
    """True when ``data`` is one or more whole WPDUs (version 1, lengths adding up)."""
    pos, n = 0, len(data)
    if n < HEADER_LENGTH:
        return False
    while pos < n:
        if n - pos < HEADER_LENGTH or data[pos] != 0 or data[pos + 1] != 1:
            return False
        pos += HEADER_LENGTH + ((data[pos + 6] << 8) | data[pos + 7])
    return pos == n


# -- M-Bus --------------------------------------------------------------------------------------


def mbus_json(frame: MBusFrame) -> dict[str, Any]:
    if frame.ci is None:
        return {"frame": "short", "c": f"{frame.c:02x}", "a": frame.a}
    out: dict[str, Any] = {
        "frame": "long",
        "c": f"{frame.c:02x}",
        "a": frame.a,
        "ci": f"{frame.ci:02x}",
        "l_field": len(frame.data) + 3,
    }
    if frame.ci <= CI_DLMS_MAX:
        out["dlms_segment"] = frame.ci & 0x0F
        out["final_segment"] = bool(frame.ci & CI_FINAL)
        if len(frame.data) >= 2:
            out["source_tsap"] = frame.data[0]
            out["destination_tsap"] = frame.data[1]
    return out


def read_mbus(data: bytes) -> list[LinkUnit]:
    """Every M-Bus frame of ``data``: long frames, short frames and single E5 characters."""
    units: list[LinkUnit] = []
    n = len(data)
    pos = 0
    if not data:
        raise TranslationError("no bytes", offset=0, layer="mbus")
    while pos < n:
        number = len(units) + 1
        start = data[pos]
        if start == 0xE5:
            units.append(LinkUnit("mbus", pos, 1, {"frame": "ack"}, None))
            pos += 1
            continue
        if start == 0x10:
            if n - pos < 5:
                raise TranslationError(
                    f"M-Bus frame {number}: a short frame is 5 bytes, {n - pos} are left",
                    offset=pos,
                    layer="mbus",
                )
            c, a, cs, stop = data[pos + 1 : pos + 5]
            if (c + a) & 0xFF != cs:
                raise TranslationError(
                    f"M-Bus frame {number}: checksum {cs:02x} wrong (sum is {(c + a) & 0xFF:02x})",
                    offset=pos + 3,
                    layer="mbus",
                )
            if stop != 0x16:
                raise TranslationError(
                    f"M-Bus frame {number}: stop byte 16, found {stop:02x}",
                    offset=pos + 4,
                    layer="mbus",
                )
            frame = MBusFrame(c, a, None)
            units.append(LinkUnit("mbus", pos, 5, mbus_json(frame), frame))
            pos += 5
            continue
        if start != 0x68:
            raise TranslationError(
                f"M-Bus frame {number}: a start byte 68 (long), 10 (short) or E5, "
                f"found {start:02x}",
                offset=pos,
                layer="mbus",
            )
        if n - pos < 4:
            raise TranslationError(
                f"M-Bus frame {number}: a 4-byte long-frame header, {n - pos} bytes are left",
                offset=pos,
                layer="mbus",
            )
        length = data[pos + 1]
        if data[pos + 2] != length or data[pos + 3] != 0x68:
            raise TranslationError(
                f"M-Bus frame {number}: the header must repeat the length and the start byte "
                f"(68 L L 68), found {data[pos : pos + 4].hex()}",
                offset=pos,
                layer="mbus",
            )
        if length < 3:
            raise TranslationError(
                f"M-Bus frame {number}: a long frame holds C, A and CI (L >= 3), L is {length}",
                offset=pos + 1,
                layer="mbus",
            )
        end = pos + 4 + length + 2
        if end > n:
            raise TranslationError(
                f"M-Bus frame {number} is truncated: L says {length} bytes, "
                f"{max(n - pos - 4, 0)} follow the header",
                offset=pos,
                layer="mbus",
            )
        body = data[pos + 4 : pos + 4 + length]
        if sum(body) & 0xFF != data[end - 2]:
            raise TranslationError(
                f"M-Bus frame {number}: checksum {data[end - 2]:02x} wrong "
                f"(sum is {sum(body) & 0xFF:02x})",
                offset=end - 2,
                layer="mbus",
            )
        if data[end - 1] != 0x16:
            raise TranslationError(
                f"M-Bus frame {number}: stop byte 16, found {data[end - 1]:02x}",
                offset=end - 1,
                layer="mbus",
            )
        frame = MBusFrame(body[0], body[1], body[2], bytes(body[3:]))
        units.append(LinkUnit("mbus", pos, end - pos, mbus_json(frame), frame))
        pos = end
    return units


@dataclass(slots=True)
class _MBusPending:
    units: list[int]
    parts: list[bytes]
    key: tuple[int, int, int, int]
    next_segment: int


class MBusAssembler:
    """Joins the DLMS segments of M-Bus long frames (CI 0x00..0x1F: bit 4 final, bits 0-3 the
    segment counter, data = source TSAP, destination TSAP, a piece of the APDU) strictly: a
    segment out of order is an error, not a silent restart."""

    def __init__(self, *, max_size: int = 0xFFFF) -> None:
        self.max_size = max_size
        self._pending: _MBusPending | None = None

    def add(self, index: int, frame: MBusFrame) -> tuple[list[int], int, int, bytes] | None:
        """``(unit indexes, source TSAP, destination TSAP, APDU)`` at the final segment."""
        if frame.ci is None or frame.ci > CI_DLMS_MAX:
            return None
        if len(frame.data) < 2:
            raise TranslationError(
                "an M-Bus DLMS segment starts with source and destination TSAP", layer="mbus"
            )
        segment, final = frame.ci & 0x0F, bool(frame.ci & CI_FINAL)
        key = (frame.data[0], frame.data[1], frame.c, frame.a)
        pending = self._pending
        if segment == 0:
            if pending is not None:
                self._pending = None
                raise TranslationError(
                    f"M-Bus frame {index + 1} starts a new DLMS message before the one of "
                    f"frame {pending.units[0] + 1} ended",
                    layer="mbus",
                )
            pending = _MBusPending([], [], key, 0)
        elif pending is None:
            raise TranslationError(
                f"M-Bus frame {index + 1} is DLMS segment {segment} without segment 0 before it",
                layer="mbus",
            )
        elif segment != pending.next_segment or key != pending.key:
            self._pending = None
            raise TranslationError(
                f"M-Bus frame {index + 1} is DLMS segment {segment} of another message or out of "
                f"order (expected segment {pending.next_segment})",
                layer="mbus",
            )
        pending.units.append(index)
        pending.parts.append(frame.data[2:])
        pending.next_segment = (segment + 1) % 16
        if sum(len(p) for p in pending.parts) > self.max_size:
            self._pending = None
            raise TranslationError(f"an M-Bus DLMS message exceeds {self.max_size} bytes")
        if not final:
            self._pending = pending
            return None
        self._pending = None
        return pending.units, key[0], key[1], b"".join(pending.parts)

    def incomplete(self) -> list[int] | None:
        return None if self._pending is None else list(self._pending.units)

    def reset(self) -> None:
        self._pending = None


def split_iec432(data: bytes) -> tuple[dict[str, Any], bytes]:
    """The IEC 61334-4-32 LLC header (``90 DA SA``) and the APDU behind it."""
    if len(data) < 3:
        raise TranslationError(
            "a 3-byte IEC 61334-4-32 LLC header (90 DA SA)", offset=len(data), layer="iec432"
        )
    if data[0] != IEC432_DL_DATA:
        raise TranslationError(
            f"the DL-Data byte 90 of an IEC 61334-4-32 LLC header, found {data[0]:02x}",
            offset=0,
            layer="iec432",
        )
    return {"destination_lsap": data[1], "source_lsap": data[2]}, data[3:]
