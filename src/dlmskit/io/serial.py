"""Serial ports (RS-232/RS-485, optical probes) through ``serialx``.

``serialx`` is an optional dependency: ``pip install dlmskit[serial]``. It is imported when a
port is opened, so the rest of dlmskit works without it.
"""

from __future__ import annotations

import asyncio
from typing import Any

from dlmskit.errors import LocalProtocolError
from dlmskit.io.base import StreamTransport

__all__ = ["SerialTransport"]

_PARITIES = {"N", "E", "O"}


def _serialx() -> Any:
    try:
        import serialx
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise LocalProtocolError(
            "serial ports need the optional dependency serialx: pip install 'dlmskit[serial]'"
        ) from exc
    return serialx


class SerialTransport(StreamTransport):
    """A serial port as a transport; :meth:`reconfigure` changes speed and character format
    (IEC 62056-21: 300 baud 7E1 for the opening sequence, then 8N1 at the agreed speed)."""

    @classmethod
    async def open(
        cls, url: str, *, baudrate: int = 9600, parity: str = "N", byte_size: int = 8
    ) -> SerialTransport:
        if parity not in _PARITIES or byte_size not in (7, 8):
            raise LocalProtocolError(f"unsupported character format {byte_size}{parity}1")
        serialx = _serialx()
        reader, writer = await serialx.open_serial_connection(
            url,
            baudrate=baudrate,
            parity=serialx.Parity(parity),
            byte_size=byte_size,
            exclusive=False,
        )
        return cls(reader, writer)

    async def drain_output(self) -> None:
        """Wait until every byte written has left the port (before a speed change)."""
        await self.writer.drain()
        await self.writer.transport.flush()  # type: ignore[attr-defined]

    async def reconfigure(self, *, baudrate: int, parity: str = "N", byte_size: int = 8) -> None:
        """Send what is queued, then switch speed and character format."""
        if parity not in _PARITIES or byte_size not in (7, 8):
            raise LocalProtocolError(f"unsupported character format {byte_size}{parity}1")
        await self.drain_output()
        await self.writer.transport.reconfigure_port(  # type: ignore[attr-defined]
            baudrate=baudrate, parity=parity, byte_size=byte_size
        )
        await asyncio.sleep(0)
