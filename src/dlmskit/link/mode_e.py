"""IEC 62056-21 protocol mode E: the opening sequence that leads to HDLC on a local port.

At 300 baud, 7 data bits, even parity, 1 stop bit (7E1):

1. client -> meter: request ``/?`` [device address] ``!`` CR LF;
2. meter -> client: identification ``/XXXZ\\W<identification>`` CR LF -- ``XXX`` the
   manufacturer's FLAG ID (a lower-case third letter means the meter reacts within 20 ms), ``Z``
   the highest baud rate (``0``..``6`` = 300, 600, 1200, 2400, 4800, 9600, 19200 baud), and the
   escape ``\\2`` (enhanced identification character 2: binary mode, HDLC, is available);
3. client -> meter: acknowledgement/option select ``ACK V Z Y`` CR LF with ``V`` = ``2`` (HDLC
   protocol procedure), ``Z`` the baud rate chosen, ``Y`` = ``2`` (binary mode);
4. both switch to ``Z`` baud, 8N1, and HDLC starts (SNRM from the client).

An optical head that echoes what the client sends is tolerated (the echo of the request is not
an identification). Received characters are masked to 7 bits, so a port left at 8N1 that sees
the parity bit still reads the message. The machines are sans-IO like the HDLC stations;
:class:`BaudRateChange` tells the asyncio layer when to switch the port (after what was sent
has left it).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from dlmskit.errors import LocalProtocolError
from dlmskit.link.errors import FrameError, LinkStateError

__all__ = [
    "BAUD_RATES",
    "BaudRateChange",
    "Identification",
    "IdentificationReceived",
    "ModeEClient",
    "ModeEFailed",
    "ModeEServer",
    "RequestReceived",
    "ack_message",
    "parse_identification",
    "request_message",
]

BAUD_RATES = {"0": 300, "1": 600, "2": 1200, "3": 2400, "4": 4800, "5": 9600, "6": 19200}
ACK = 0x06
HDLC_PROCEDURE = "2"  # protocol control character V
BINARY_MODE = "2"  # mode control character Y
ENHANCED_HDLC = "2"  # enhanced identification character W
MAX_LINE = 128  # request and identification are far shorter; longer lines are noise


@dataclass(frozen=True, slots=True)
class Identification:
    manufacturer: str  # the three-letter FLAG ID as sent
    baud_char: str
    identification: str  # the rest, after the escape sequence
    enhanced: str | None  # the W of "\\W", "2" for HDLC
    fast_reaction: bool  # third letter lower case: 20 ms reaction time

    @property
    def baudrate(self) -> int:
        return BAUD_RATES[self.baud_char]

    @property
    def supports_hdlc(self) -> bool:
        return self.enhanced == ENHANCED_HDLC

    def encode(self) -> bytes:
        escape = f"\\{self.enhanced}" if self.enhanced is not None else ""
        return f"/{self.manufacturer}{self.baud_char}{escape}{self.identification}\r\n".encode(
            "ascii"
        )


def request_message(address: str = "") -> bytes:
    if len(address) > 32 or not all(c.isalnum() or c == " " for c in address):
        raise LocalProtocolError("a device address is up to 32 letters, digits or spaces")
    return f"/?{address}!\r\n".encode("ascii")


def ack_message(baud_char: str) -> bytes:
    if baud_char not in BAUD_RATES:
        raise LocalProtocolError(f"baud rate character must be 0..6, got {baud_char!r}")
    return bytes((ACK,)) + f"{HDLC_PROCEDURE}{baud_char}{BINARY_MODE}\r\n".encode("ascii")


def parse_identification(line: bytes) -> Identification:
    """Parse ``/XXXZ[\\W]ident`` (CR LF optional); :class:`FrameError` if it is not one."""
    text = bytes(b & 0x7F for b in line).decode("ascii").rstrip("\r\n")
    if len(text) < 5 or text[0] != "/":
        raise FrameError("identification message '/XXXZ...'", 0, layer="iec62056-21")
    manufacturer, baud_char, rest = text[1:4], text[4], text[5:]
    if not manufacturer.isalpha():
        raise FrameError("three-letter manufacturer ID", 1, layer="iec62056-21")
    if baud_char not in BAUD_RATES:
        raise FrameError(
            f"baud rate character 0..6 for mode E (got {baud_char!r})", 4, layer="iec62056-21"
        )
    enhanced = None
    if len(rest) >= 2 and rest[0] == "\\":
        enhanced, rest = rest[1], rest[2:]
    return Identification(manufacturer, baud_char, rest, enhanced, manufacturer[2].islower())


class Event:
    __slots__ = ()


@dataclass(frozen=True, slots=True)
class IdentificationReceived(Event):
    identification: Identification


@dataclass(frozen=True, slots=True)
class RequestReceived(Event):
    address: str


@dataclass(frozen=True, slots=True)
class BaudRateChange(Event):
    """Switch the port to ``baudrate`` 8N1 once what was sent has left it; HDLC follows."""

    baudrate: int


@dataclass(frozen=True, slots=True)
class ModeEFailed(Event):
    reason: str


class _Lines:
    def __init__(self) -> None:
        self.buf = bytearray()

    def feed(self, data: bytes) -> list[bytes]:
        self.buf += bytes(b & 0x7F for b in data)
        lines: list[bytes] = []
        while True:
            end = self.buf.find(b"\n")
            if end < 0:
                if len(self.buf) > MAX_LINE:
                    del self.buf[:-MAX_LINE]
                return lines
            line = bytes(self.buf[: end + 1])
            del self.buf[: end + 1]
            if len(line) <= MAX_LINE:
                lines.append(line)


class ModeEClient:
    """The client's side of the opening sequence.

    ``max_baudrate`` caps the speed chosen (the meter's own maximum otherwise);
    ``response_timeout`` and ``max_retries`` govern the wait for the identification.
    """

    class State(enum.Enum):
        IDLE = "idle"
        REQUESTED = "request sent"
        DONE = "switched to HDLC"
        FAILED = "failed"

    def __init__(
        self,
        address: str = "",
        *,
        max_baudrate: int | None = None,
        response_timeout: float = 1.5,
        max_retries: int = 2,
    ) -> None:
        self.request = request_message(address)
        self.max_baudrate = max_baudrate
        self.response_timeout = response_timeout
        self.max_retries = max_retries
        self.state = ModeEClient.State.IDLE
        self.identification: Identification | None = None
        self._lines = _Lines()
        self._out = bytearray()
        self._deadline: float | None = None
        self._retries = 0

    def start(self, now: float) -> None:
        if self.state is not ModeEClient.State.IDLE:
            raise LinkStateError(f"mode E already {self.state.value}")
        self.state = ModeEClient.State.REQUESTED
        self._out += self.request
        self._deadline = now + self.response_timeout

    def data_to_send(self) -> bytes:
        data = bytes(self._out)
        self._out.clear()
        return data

    def get_timer(self) -> float | None:
        return self._deadline

    def handle_timer(self, now: float) -> list[Event]:
        if self._deadline is None or now < self._deadline:
            return []
        if self._retries < self.max_retries:
            self._retries += 1
            self._out += self.request
            self._deadline = now + self.response_timeout
            return []
        self._deadline = None
        self.state = ModeEClient.State.FAILED
        return [ModeEFailed("no identification from the meter")]

    def receive_data(self, data: bytes, now: float) -> list[Event]:
        if self.state is not ModeEClient.State.REQUESTED:
            return []  # after the switch the bytes belong to HDLC
        events: list[Event] = []
        for line in self._lines.feed(data):
            start = line.find(b"/")
            if start < 0 or line[start:] == self.request:
                continue  # noise, or the optical head's echo of our request
            try:
                ident = parse_identification(line[start:])
            except FrameError:
                continue
            events.append(IdentificationReceived(ident))
            self._deadline = None
            self.identification = ident
            if not ident.supports_hdlc:
                self.state = ModeEClient.State.FAILED
                events.append(ModeEFailed(f"meter {ident.manufacturer} offers no mode E (\\2)"))
                return events
            baud_char = ident.baud_char
            if self.max_baudrate is not None:
                allowed = [c for c, b in BAUD_RATES.items() if b <= self.max_baudrate]
                baud_char = min(baud_char, max(allowed))
            self._out += ack_message(baud_char)
            self.state = ModeEClient.State.DONE
            events.append(BaudRateChange(BAUD_RATES[baud_char]))
            return events
        return events


class ModeEServer:
    """The meter's side: answers the request with ``identification`` and switches on the ACK.

    ``address`` (if given) must match the request's device address (an empty address in the
    request is accepted too, as on a point-to-point optical port).
    """

    def __init__(self, identification: Identification, *, address: str = "") -> None:
        if not identification.supports_hdlc:
            raise LocalProtocolError("a mode E identification carries \\2")
        self.identification = identification
        self.address = address
        self._lines = _Lines()
        self._out = bytearray()
        self.switched = False

    def data_to_send(self) -> bytes:
        data = bytes(self._out)
        self._out.clear()
        return data

    def receive_data(self, data: bytes, now: float) -> list[Event]:
        if self.switched:
            return []
        events: list[Event] = []
        for line in self._lines.feed(data):
            start = line.find(b"/?")
            if start >= 0 and line.endswith(b"!\r\n"):
                address = line[start + 2 : -3].decode("ascii", "replace")
                if address and self.address and address != self.address:
                    continue
                events.append(RequestReceived(address))
                self._out += self.identification.encode()
                continue
            ack = line.find(bytes((ACK,)))
            if ack >= 0 and len(line) - ack >= 6:
                v, z, y = chr(line[ack + 1]), chr(line[ack + 2]), chr(line[ack + 3])
                if v == HDLC_PROCEDURE and y == BINARY_MODE and z in BAUD_RATES:
                    if BAUD_RATES[z] > self.identification.baudrate:
                        events.append(ModeEFailed(f"client asked for {BAUD_RATES[z]} baud"))
                        continue
                    self.switched = True
                    events.append(BaudRateChange(BAUD_RATES[z]))
                    return events
        return events
