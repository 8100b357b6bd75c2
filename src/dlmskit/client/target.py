"""Where a meter is: one connection string, plus addresses as options.

==================================  ===========================================================
``tcp://host:4059``                 the IEC 62056-47 wrapper over TCP (port 4059 by default)
``udp://host:4059``                 the wrapper over UDP
``hdlc+tcp://host:port``            HDLC over TCP (a serial-to-TCP converter, a simulator)
``hdlc+udp://host:port``            HDLC over UDP
``serial:///dev/ttyUSB0?baud=9600`` HDLC over a serial port; ``mode_e=1`` starts with the
                                    IEC 62056-21 mode E opening (optical probes, 300 baud)
==================================  ===========================================================

Query parameters (the options of :class:`Target` override none of them silently: a value
given both ways must agree): ``client`` (client address / wPort, 16 = public client),
``server`` (the logical device: server upper HDLC address or server wPort, 1 =
management), ``physical`` (server lower HDLC address), ``address_size`` (1, 2 or 4 bytes
of the HDLC server address), ``baud``, ``mode_e``, ``device`` (the mode E device
address).

>>> t = Target.parse("hdlc+tcp://127.0.0.1:4061?server=1&physical=17")
>>> t.link, t.host, t.port, t.server_address, t.physical_address
('hdlc', '127.0.0.1', 4061, 1, 17)
>>> Target.parse("serial:///dev/ttyUSB0?baud=9600&mode_e=1").device
'/dev/ttyUSB0'
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import parse_qsl, urlsplit

from dlmskit.errors import LocalProtocolError

__all__ = ["Target"]

WRAPPER_PORT: Final = 4059
_SCHEMES: Final = {
    "tcp": ("wrapper", "tcp"),
    "udp": ("wrapper", "udp"),
    "wrapper+tcp": ("wrapper", "tcp"),
    "wrapper+udp": ("wrapper", "udp"),
    "hdlc+tcp": ("hdlc", "tcp"),
    "hdlc+udp": ("hdlc", "udp"),
    "serial": ("hdlc", "serial"),
    "hdlc+serial": ("hdlc", "serial"),
}
_TRUE: Final = {"1", "true", "yes", "on", "e"}
_FALSE: Final = {"0", "false", "no", "off", ""}


class TargetError(LocalProtocolError):
    """A connection string or address option that cannot be used."""


@dataclass(frozen=True, slots=True)
class Target:
    """A parsed connection string with the addresses to use."""

    link: str  # "wrapper" or "hdlc"
    transport: str  # "tcp", "udp" or "serial"
    host: str = ""
    port: int = 0
    device: str = ""
    client_address: int = 16
    server_address: int = 1
    physical_address: int | None = None
    address_size: int | None = None
    baudrate: int = 9600
    mode_e: bool = False
    mode_e_address: str = ""

    def __post_init__(self) -> None:
        if self.link not in ("wrapper", "hdlc") or self.transport not in ("tcp", "udp", "serial"):
            raise TargetError(f"no link {self.link!r} over {self.transport!r}")
        if self.link == "wrapper":
            if not 0 <= self.client_address <= 0xFFFF or not 0 <= self.server_address <= 0xFFFF:
                raise TargetError("wrapper ports (client, server) are 0..65535")
        else:
            if not 0 <= self.client_address <= 0x7F:
                raise TargetError("an HDLC client address is 0..127")
            if self.address_size not in (None, 1, 2, 4):
                raise TargetError("an HDLC server address has 1, 2 or 4 bytes")
            small = self.address_size in (None, 1, 2)
            limit = 0x7F if (small and self.address_size is not None) else 0x3FFF
            if not 0 <= self.server_address <= limit:
                raise TargetError(f"the logical device address must be 0..{limit}")
            if self.physical_address is not None and not 0 <= self.physical_address <= limit:
                raise TargetError(f"the physical address must be 0..{limit}")
            if self.address_size == 1 and self.physical_address is not None:
                raise TargetError("a one-byte server address has no physical address")
        if self.mode_e and self.transport != "serial":
            raise TargetError("mode E is for serial ports")
        if self.transport == "serial" and not self.device:
            raise TargetError("a serial target needs a device, e.g. serial:///dev/ttyUSB0")
        if self.transport != "serial" and (not self.host or not 0 < self.port <= 0xFFFF):
            raise TargetError("a network target needs a host and a port 1..65535")

    @classmethod
    def parse(cls, url: str, **options: Any) -> Target:
        """Parse a connection string; ``options`` (``client_address``, ``server_address``,
        ``physical_address``, ``address_size``, ``baudrate``, ``mode_e``, ``mode_e_address``)
        fill what the string leaves out and must agree with what it says."""
        try:
            parts = urlsplit(url)
        except ValueError as exc:
            raise TargetError(f"not a connection string: {exc}") from None
        scheme = parts.scheme.lower()
        if scheme not in _SCHEMES:
            known = ", ".join(f"{s}://" for s in _SCHEMES)
            raise TargetError(f"unknown scheme {scheme or '(none)'}:// -- use one of {known}")
        link, transport = _SCHEMES[scheme]
        values: dict[str, Any] = {"link": link, "transport": transport}
        if transport == "serial":
            values["device"] = (parts.netloc + parts.path) or ""
        else:
            try:
                port = parts.port
            except ValueError:
                raise TargetError(f"bad port in {url!r}") from None
            values["host"] = parts.hostname or ""
            values["port"] = (
                port if port is not None else (WRAPPER_PORT if link == "wrapper" else 0)
            )
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        names = {
            "client": "client_address",
            "server": "server_address",
            "logical": "server_address",
            "physical": "physical_address",
            "address_size": "address_size",
            "baud": "baudrate",
            "baudrate": "baudrate",
            "mode_e": "mode_e",
            "device_address": "mode_e_address",
        }
        for key, text in query.items():
            name = names.get(key)
            if name is None:
                raise TargetError(f"unknown parameter {key!r} in the connection string")
            values[name] = _convert(name, text)
        for name, value in options.items():
            if value is None:
                continue
            if name not in {f.name for f in dataclasses.fields(cls)} or name in (
                "link",
                "transport",
                "host",
                "port",
                "device",
            ):
                raise TargetError(f"unknown option {name!r}")
            if name in values and values[name] != value:
                raise TargetError(
                    f"{name} is {values[name]!r} in the connection string and {value!r} as an "
                    "option"
                )
            values[name] = value
        return cls(**values)

    def describe(self) -> str:
        where = self.device if self.transport == "serial" else f"{self.host}:{self.port}"
        if self.link == "wrapper":
            return (
                f"wrapper over {self.transport.upper()} {where}, client wPort "
                f"{self.client_address}, server wPort {self.server_address}"
            )
        server = str(self.server_address)
        if self.physical_address is not None:
            server += f"/{self.physical_address}"
        extra = f" at {self.baudrate} baud" if self.transport == "serial" else ""
        if self.mode_e:
            extra += " after mode E"
        return (
            f"HDLC over {self.transport} {where}{extra}, client {self.client_address}, "
            f"server {server}"
        )


def _convert(name: str, text: str) -> Any:
    if name == "mode_e":
        lowered = text.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise TargetError(f"mode_e must be true or false, not {text!r}")
    if name == "mode_e_address":
        return text
    try:
        return int(text, 0)
    except ValueError:
        raise TargetError(f"{name} must be a number, not {text!r}") from None
