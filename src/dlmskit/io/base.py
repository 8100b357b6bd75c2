"""The transport interface shared by TCP, UDP and serial."""

from __future__ import annotations

import abc
import asyncio
import contextlib
from types import TracebackType

from dlmskit.link.errors import LinkLostError

__all__ = ["StreamTransport", "Transport"]

READ_CHUNK = 4096


class Transport(abc.ABC):
    """Bytes to and from a peer. ``receive`` returns the next chunk (a datagram on UDP) and
    raises :class:`~dlmskit.link.errors.LinkLostError` once the peer has closed."""

    @abc.abstractmethod
    async def send(self, data: bytes) -> None: ...

    @abc.abstractmethod
    async def receive(self) -> bytes: ...

    @abc.abstractmethod
    async def close(self) -> None: ...

    async def __aenter__(self) -> Transport:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()


class StreamTransport(Transport):
    """A transport over an asyncio stream pair (TCP, serial)."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    async def send(self, data: bytes) -> None:
        if self.writer.is_closing():
            raise LinkLostError("transport closed")
        self.writer.write(data)
        try:
            await self.writer.drain()
        except OSError as exc:
            raise LinkLostError(str(exc)) from exc

    async def receive(self) -> bytes:
        try:
            data = await self.reader.read(READ_CHUNK)
        except OSError as exc:  # ConnectionError, or EIO from a serial port that went away
            raise LinkLostError(str(exc)) from exc
        if not data:
            raise LinkLostError("peer closed the connection")
        return data

    async def close(self) -> None:
        if not self.writer.is_closing():
            self.writer.close()
        with contextlib.suppress(ConnectionError, OSError):
            await self.writer.wait_closed()
