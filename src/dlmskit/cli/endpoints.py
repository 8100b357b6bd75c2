"""Connection strings: ``tcp://host:4059`` and friends (pure parsing, no I/O).

=====================================  ======================================================
``tcp://HOST:PORT``                    wrapper (IEC 62056-47) over TCP
``udp://HOST:PORT``                    wrapper over UDP
``hdlc+tcp://HOST:PORT``               HDLC frames over TCP (a serial-to-network bridge)
``serial:///dev/ttyUSB0?baud=9600``    HDLC over a serial port (also ``hdlc+serial://``)
``mbus+serial:///dev/ttyUSB0?baud=2400``  DLMS over wired M-Bus on a serial port
=====================================  ======================================================

Serial options: ``baud`` (default 9600 for HDLC, 2400 for M-Bus), ``parity`` (``N``, ``E``
or ``O``; default N for HDLC, E for M-Bus), ``bits`` (7 or 8). IPv6 hosts go in brackets
(``tcp://[::1]:4059``). Pure and free of the command line's dependencies, so the client (a
later part of issue 8) can share it -- or move it into :mod:`dlmskit.io`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final
from urllib.parse import parse_qs, urlsplit

from dlmskit.errors import LocalProtocolError

__all__ = ["Endpoint", "EndpointError", "parse_endpoint"]


class EndpointError(LocalProtocolError):
    """A connection string that cannot be used."""


_SCHEMES: Final = {
    "tcp": ("tcp", "wrapper"),
    "udp": ("udp", "wrapper"),
    "hdlc+tcp": ("tcp", "hdlc"),
    "serial": ("serial", "hdlc"),
    "hdlc+serial": ("serial", "hdlc"),
    "mbus+serial": ("serial", "mbus"),
    "mbus": ("serial", "mbus"),
}


@dataclass(frozen=True, slots=True)
class Endpoint:
    """Where to listen or connect: ``transport`` (tcp, udp, serial) and ``framing``
    (wrapper, hdlc, mbus); ``host``/``port`` or ``path`` and the serial settings."""

    transport: str
    framing: str
    host: str = ""
    port: int = 0
    path: str = ""
    baudrate: int = 9600
    parity: str = "N"
    byte_size: int = 8

    def __str__(self) -> str:
        scheme = {
            ("tcp", "wrapper"): "tcp",
            ("udp", "wrapper"): "udp",
            ("tcp", "hdlc"): "hdlc+tcp",
            ("serial", "hdlc"): "serial",
            ("serial", "mbus"): "mbus+serial",
        }[self.transport, self.framing]
        if self.transport == "serial":
            return f"{scheme}://{self.path} ({self.baudrate} baud {self.byte_size}{self.parity}1)"
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{scheme}://{host}:{self.port}"


def parse_endpoint(text: str) -> Endpoint:
    """Parse a connection string; :class:`EndpointError` says what is wrong."""
    if "://" not in text:
        raise EndpointError(
            f"{text!r} is no connection string: use tcp://HOST:PORT, udp://HOST:PORT, "
            "hdlc+tcp://HOST:PORT, serial:///dev/ttyX?baud=9600 or mbus+serial:///dev/ttyX"
        )
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme not in _SCHEMES:
        raise EndpointError(f"unknown scheme {scheme!r}; one of: {', '.join(_SCHEMES)}")
    transport, framing = _SCHEMES[scheme]
    if transport == "serial":
        path = (parts.netloc + parts.path) if parts.netloc else parts.path
        if not path:
            raise EndpointError(f"{text!r} names no serial port (serial:///dev/ttyUSB0)")
        query = parse_qs(parts.query)
        unknown = set(query) - {"baud", "parity", "bits"}
        if unknown:
            raise EndpointError(f"unknown serial option(s): {', '.join(sorted(unknown))}")
        default_baud, default_parity = (2400, "E") if framing == "mbus" else (9600, "N")
        try:
            baud = int(query.get("baud", [str(default_baud)])[0])
            bits = int(query.get("bits", ["8"])[0])
        except ValueError:
            raise EndpointError("baud and bits are numbers") from None
        parity = query.get("parity", [default_parity])[0].upper()
        if parity not in ("N", "E", "O") or bits not in (7, 8) or baud <= 0:
            raise EndpointError("serial settings: parity N, E or O; bits 7 or 8; baud above 0")
        return Endpoint(transport, framing, path=path, baudrate=baud, parity=parity, byte_size=bits)
    try:
        port = parts.port
    except ValueError:
        raise EndpointError(f"{text!r} has no valid port") from None
    host = parts.hostname or ""
    if port is None or not host:
        raise EndpointError(f"{text!r} needs a host and a port ({scheme}://HOST:PORT)")
    return Endpoint(transport, framing, host=host, port=port)
