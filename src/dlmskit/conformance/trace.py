"""The line traffic of a test case: every byte sent and received, with its decoded view.

A :class:`Trace` collects :class:`TrafficRecord` entries: the bytes of one send or one
receive exactly as they crossed the transport, the time since the test case started, and the
decoded view -- HDLC frames (:mod:`dlmskit.link.hdlc.frame`) or wrapper PDUs
(:mod:`dlmskit.link.wrapper`) and the APDUs inside them (:mod:`dlmskit.apdu`), joined across
segments. What the suite sends on purpose broken (a frame with a bad HCS) is decoded on its own
and shown as what is wrong with it; what is received is cut into frames by a stream reader, so
a frame spread over several reads is shown once, when it is complete.

:class:`RecordingTransport` wraps any :class:`~dlmskit.io.base.Transport` and records into a
trace. Secrets stay out: APDUs are shown through their own ``repr``-free renderer, which
never prints an authentication value or a dedicated key.
"""

from __future__ import annotations

import dataclasses
import enum
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from dlmskit.errors import DlmsError
from dlmskit.io.base import Transport
from dlmskit.link.hdlc.frame import Frame, FrameType, HdlcFrameError, decode_frame
from dlmskit.link.hdlc.reader import FrameReader
from dlmskit.link.llc import split_llc
from dlmskit.link.wrapper import HEADER_LENGTH

__all__ = [
    "Direction",
    "RecordingTransport",
    "Trace",
    "TrafficRecord",
    "describe_apdu",
]

MAX_RENDER: Final = 2000


class Direction(enum.Enum):
    """Seen from the conformance tool: ``OUT`` goes to the IUT, ``IN`` comes from it."""

    OUT = "out"
    IN = "in"


@dataclass(frozen=True, slots=True)
class TrafficRecord:
    time: float  # seconds since the test case started
    direction: Direction
    data: bytes
    decoded: tuple[str, ...] = ()
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "time": round(self.time, 6),
            "direction": self.direction.value,
            "hex": self.data.hex().upper(),
            "decoded": list(self.decoded),
            "note": self.note,
        }


class _Framing(enum.Enum):
    HDLC = "hdlc"
    WRAPPER = "wrapper"
    APDU = "apdu"  # bare APDUs (a transport that carries whole APDUs)


class _ApduJoiner:
    """Joins I/UI information fields across segments into APDUs."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def add(self, frame: Frame) -> bytes | None:
        if frame.type not in (FrameType.I, FrameType.UI):
            return None
        self.parts.append(frame.info)
        if frame.segmented:
            return None
        data = b"".join(self.parts)
        self.parts = []
        return data


class _Decoder:
    """Decodes one direction of a connection's traffic."""

    def __init__(self, framing: _Framing, *, stream: bool) -> None:
        self.framing = framing
        self.stream = stream  # IN: a byte stream to cut; OUT: each send is decoded alone
        self.reader = FrameReader(inter_octet_timeout=None)
        self.joiner = _ApduJoiner()
        self.buffer = bytearray()

    def decode(self, data: bytes) -> list[str]:
        try:
            if self.framing is _Framing.HDLC:
                return self._hdlc(data)
            if self.framing is _Framing.WRAPPER:
                return self._wrapper(data)
            return [describe_apdu(data)]
        except DlmsError as exc:  # the decoders raise only the library's errors
            return [f"undecodable: {exc}"]

    # -- HDLC ------------------------------------------------------------------------------
    def _hdlc(self, data: bytes) -> list[str]:
        if not self.stream:
            try:
                frames = [decode_frame(data)]
            except HdlcFrameError as exc:
                # a stimulus broken on purpose, or several frames in one send
                frames = FrameReader(inter_octet_timeout=None).feed(data)
                if not frames:
                    return [f"invalid HDLC frame: {exc.defect.value}"]
        else:
            frames = self.reader.feed(data)
            if not frames:
                return ["(part of a frame)"] if self.reader.pending else ["(no frame)"]
        lines = []
        for frame in frames:
            lines.append(f"HDLC {frame.describe()}")
            joined = self.joiner.add(frame)
            if joined is not None:
                role, payload = split_llc(joined)
                prefix = "" if role is None else f"LLC {joined[:3].hex(' ').upper()} "
                if payload:
                    lines.append(f"  {prefix}{describe_apdu(payload)}")
        return lines

    # -- wrapper ---------------------------------------------------------------------------
    def _wrapper(self, data: bytes) -> list[str]:
        if not self.stream:
            return self._wpdus(bytearray(data), final=True)
        self.buffer += data
        lines = self._wpdus(self.buffer, final=False)
        return lines or ["(part of a WPDU)"]

    def _wpdus(self, buf: bytearray, *, final: bool) -> list[str]:
        lines = []
        while len(buf) >= HEADER_LENGTH:
            version = int.from_bytes(buf[0:2], "big")
            source = int.from_bytes(buf[2:4], "big")
            destination = int.from_bytes(buf[4:6], "big")
            length = int.from_bytes(buf[6:8], "big")
            if version != 1:
                lines.append(
                    f"invalid WPDU: version {version} (wPort {source}->{destination}, "
                    f"length {length}); {len(buf)} bytes not decoded"
                )
                del buf[:]
                break
            end = HEADER_LENGTH + length
            if end > len(buf):
                if final:
                    lines.append(
                        f"WPDU {source}->{destination} length {length}, only "
                        f"{len(buf) - HEADER_LENGTH} bytes follow"
                    )
                    del buf[:]
                break
            lines.append(f"WPDU {source}->{destination} length {length}")
            apdu_bytes = bytes(buf[HEADER_LENGTH:end])
            if apdu_bytes:
                lines.append(f"  {describe_apdu(apdu_bytes)}")
            del buf[:end]
        if final and buf:
            lines.append(f"{len(buf)} bytes that are no WPDU header")
            del buf[:]
        return lines


@dataclass(frozen=True, slots=True)
class _Crossing:
    """What crossed the line, as it crossed (decoded only when the traffic is asked for)."""

    time: float
    channel: int
    direction: Direction
    data: bytes = dataclasses.field(repr=False)
    note: str = ""


class Trace:
    """The traffic of one test case; ``clock`` gives the time (seconds, monotonic).

    Recording only keeps the bytes; :attr:`records` decodes them the first time it is read
    (a run that writes no report never spends the time), with every secret the trace was
    told of masked and every ciphered APDU shown deciphered.
    """

    def __init__(self, clock: Callable[[], float], framing: str = "hdlc") -> None:
        self.clock = clock
        self.start = clock()
        self._framing = _Framing(framing)
        self._channels: dict[int, _Framing] = {}
        self._crossings: list[_Crossing] = []
        self._secrets: set[bytes] = set()
        self._plain: dict[bytes, bytes] = {}
        self._records: list[TrafficRecord] | None = None

    def deciphered(self, ciphered: bytes, plain: bytes) -> None:
        """Show the plain APDU beside a ciphered one wherever that crosses the line (the
        suite knows the keys; the meter's answers are deciphered after they arrived)."""
        if len(ciphered) >= 8 and ciphered not in self._plain:
            self._plain[bytes(ciphered)] = bytes(plain)
            self._records = None

    def redact(self, secret: bytes) -> None:
        """Mask these bytes (a password, a challenge, an HLS response) wherever they cross
        the line, before or after this call: in the hex as ``2A`` octets, in the decoded
        view as ``<redacted>``. Secrets shorter than 4 octets are not masked in the hex (they
        would match too much else); the decoded view never shows authentication values."""
        if secret and bytes(secret) not in self._secrets:
            self._secrets.add(bytes(secret))
            self._records = None

    def _mask(self, data: bytes, decoded: tuple[str, ...]) -> tuple[bytes, tuple[str, ...], bool]:
        masked = False
        for secret in sorted(self._secrets, key=len, reverse=True):
            if len(secret) < 4 or secret not in data:
                continue
            data = data.replace(secret, b"*" * len(secret))
            masked = True
            lines = []
            for line in decoded:
                for form in (secret.hex().upper(), secret.hex()):
                    line = line.replace(form, "<redacted>")
                lines.append(line)
            decoded = tuple(lines)
        return data, decoded, masked

    def channel(self, framing: str | None = None) -> int:
        """A new connection within the test (its own stream state); returns its number."""
        number = len(self._channels) + 1
        self._channels[number] = self._framing if framing is None else _Framing(framing)
        return number

    def record(self, channel: int, direction: Direction, data: bytes, note: str = "") -> None:
        self._crossings.append(
            _Crossing(self.clock() - self.start, channel, direction, bytes(data), note)
        )
        self._records = None

    def note(self, text: str) -> None:
        """A line in the traffic without bytes (a connection opened or closed, a pause)."""
        self.record(0, Direction.OUT, b"", text)

    @property
    def records(self) -> list[TrafficRecord]:
        """Every crossing decoded, in order (computed on first use after a change)."""
        if self._records is None:
            self._records = self._decode()
        return self._records

    def _decode(self) -> list[TrafficRecord]:
        decoders = {
            number: (_Decoder(kind, stream=False), _Decoder(kind, stream=True))
            for number, kind in self._channels.items()
        }
        out = []
        for crossing in self._crossings:
            if not crossing.data:
                out.append(TrafficRecord(crossing.time, crossing.direction, b"", (), crossing.note))
                continue
            out_decoder, in_decoder = decoders[crossing.channel]
            decoder = out_decoder if crossing.direction is Direction.OUT else in_decoder
            decoded = tuple(decoder.decode(crossing.data))
            decoded += tuple(
                f"  deciphered: {describe_apdu(plain)}"
                for ciphered, plain in self._plain.items()
                if ciphered in crossing.data
            )
            shown, decoded, masked = self._mask(crossing.data, decoded)
            note = crossing.note
            if masked:
                note = f"{note} (secret octets shown as 2A)".strip()
            out.append(TrafficRecord(crossing.time, crossing.direction, shown, decoded, note))
        return out


class RecordingTransport(Transport):
    """A transport that records what passes through it into a :class:`Trace`."""

    def __init__(self, inner: Transport, trace: Trace, framing: str | None = None) -> None:
        self.inner = inner
        self.trace = trace
        self.channel = trace.channel(framing)
        self.next_note = ""

    async def send(self, data: bytes) -> None:
        note, self.next_note = self.next_note, ""
        self.trace.record(self.channel, Direction.OUT, data, note)
        await self.inner.send(data)

    async def receive(self) -> bytes:
        data = await self.inner.receive()
        self.trace.record(self.channel, Direction.IN, data)
        return data

    async def close(self) -> None:
        await self.inner.close()


# -- APDU rendering ----------------------------------------------------------------------------


def describe_apdu(data: bytes) -> str:
    """One line for an APDU: its name and its fields in the project's typed JSON (the
    translator's view, :mod:`dlmskit.translator`), authentication values and keys hidden."""
    from dlmskit.translator import Layer, TranslationError, translate
    from dlmskit.translator.jsonview import message_to_json

    try:
        translation = translate(data, layer=Layer.APDU)
    except (TranslationError, DlmsError) as exc:
        return f"undecodable APDU ({len(data)} bytes): {exc}"
    lines = []
    for message in translation.messages:
        view = dict(message_to_json(message)["apdu"])
        name = str(view.pop("apdu", "apdu"))
        view.pop("tag", None)
        lines.append(f"{name} {json.dumps(view, separators=(',', ':'), ensure_ascii=False)}")
    text = "; ".join(lines) or f"no APDU in {len(data)} bytes"
    return text if len(text) <= MAX_RENDER else text[: MAX_RENDER - 3] + "..."
