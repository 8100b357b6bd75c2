"""The wrapper of IEC 62056-47 (Green Book "TCP-UDP/IP based communication profiles").

Every APDU travels behind an 8-byte header, all fields big-endian::

    version (2) = 0x0001 | source wPort (2) | destination wPort (2) | length (2) | APDU

Over TCP the header's length cuts the byte stream into APDUs (:class:`WrapperReader`); over UDP
each datagram holds exactly one WPDU (:func:`decode_datagram`). A length above ``max_length``
(what this side accepts, at most 0xFFFF) is refused before any byte of the APDU is buffered.
A stream whose header is broken cannot be resynchronised (there is no flag): the reader then
refuses everything after the error, and the connection must be closed.
"""

from __future__ import annotations

from dataclasses import dataclass

from dlmskit.errors import LocalProtocolError
from dlmskit.link.errors import FrameError, LinkStateError

__all__ = [
    "HEADER_LENGTH",
    "WRAPPER_VERSION",
    "Wpdu",
    "WrapperError",
    "WrapperReader",
    "decode_datagram",
    "encode_wpdu",
]

WRAPPER_VERSION = 1
HEADER_LENGTH = 8
MAX_APDU = 0xFFFF


class WrapperError(FrameError):
    """Bytes that are not a valid WPDU (bad version, too long, truncated datagram)."""

    def __init__(self, expected: str, offset: int) -> None:
        super().__init__(expected, offset, layer="wrapper")


@dataclass(frozen=True, slots=True)
class Wpdu:
    source: int  # source wPort (the sender's SAP: client address, or logical device)
    destination: int  # destination wPort
    apdu: bytes

    def __post_init__(self) -> None:
        if not (0 <= self.source <= 0xFFFF and 0 <= self.destination <= 0xFFFF):
            raise LocalProtocolError("wPorts are 16-bit values")
        if len(self.apdu) > MAX_APDU:
            raise LocalProtocolError(f"APDU of {len(self.apdu)} bytes exceeds the 16-bit length")

    def encode(self) -> bytes:
        return encode_wpdu(self.source, self.destination, self.apdu)


def encode_wpdu(source: int, destination: int, apdu: bytes) -> bytes:
    if not (0 <= source <= 0xFFFF and 0 <= destination <= 0xFFFF):
        raise LocalProtocolError("wPorts are 16-bit values")
    if len(apdu) > MAX_APDU:
        raise LocalProtocolError(f"APDU of {len(apdu)} bytes exceeds the 16-bit length field")
    header = (
        WRAPPER_VERSION.to_bytes(2, "big")
        + source.to_bytes(2, "big")
        + destination.to_bytes(2, "big")
        + len(apdu).to_bytes(2, "big")
    )
    return header + bytes(apdu)


def _header(data: bytes | bytearray, max_length: int) -> tuple[int, int, int]:
    version = (data[0] << 8) | data[1]
    if version != WRAPPER_VERSION:
        raise WrapperError(f"wrapper version 1 (got {version})", 0)
    length = (data[6] << 8) | data[7]
    if length > max_length:
        raise WrapperError(f"an APDU of at most {max_length} bytes (header says {length})", 6)
    return (data[2] << 8) | data[3], (data[4] << 8) | data[5], length


def decode_datagram(data: bytes | bytearray | memoryview, *, max_length: int = MAX_APDU) -> Wpdu:
    """Decode the one WPDU of a UDP datagram; the length must match the datagram exactly."""
    buf = bytes(data)
    if len(buf) < HEADER_LENGTH:
        raise WrapperError("an 8-byte wrapper header", len(buf))
    source, destination, length = _header(buf, max_length)
    if len(buf) - HEADER_LENGTH != length:
        raise WrapperError(
            f"{length} APDU bytes as the header says (datagram has {len(buf) - HEADER_LENGTH})",
            HEADER_LENGTH,
        )
    return Wpdu(source, destination, buf[HEADER_LENGTH:])


class WrapperReader:
    """Reassembles WPDUs from a TCP byte stream."""

    def __init__(self, *, max_length: int = MAX_APDU) -> None:
        if not 0 <= max_length <= MAX_APDU:
            raise LocalProtocolError("max_length must be 0..65535")
        self.max_length = max_length
        self._buf = bytearray()
        self._error: WrapperError | None = None

    @property
    def pending(self) -> int:
        return len(self._buf)

    def feed(self, data: bytes | bytearray | memoryview) -> list[Wpdu]:
        """Add received bytes; return the WPDUs now complete. After a broken header every call
        raises :class:`~dlmskit.link.errors.LinkStateError` (close the connection)."""
        if self._error is not None:
            raise LinkStateError(f"wrapper stream broken earlier: {self._error}")
        buf = self._buf
        buf += data
        out: list[Wpdu] = []
        pos = 0
        while len(buf) - pos >= HEADER_LENGTH:
            try:
                source, destination, length = _header(
                    buf[pos : pos + HEADER_LENGTH], self.max_length
                )
            except WrapperError as exc:
                self._error = exc
                del buf[:]
                raise
            end = pos + HEADER_LENGTH + length
            if end > len(buf):
                break
            out.append(Wpdu(source, destination, bytes(buf[pos + HEADER_LENGTH : end])))
            pos = end
        del buf[:pos]
        return out
