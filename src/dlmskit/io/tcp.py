"""TCP client and server transports."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from dlmskit.io.base import StreamTransport

__all__ = ["TcpTransport", "serve_tcp"]


class TcpTransport(StreamTransport):
    @classmethod
    async def connect(cls, host: str, port: int) -> TcpTransport:
        reader, writer = await asyncio.open_connection(host, port)
        return cls(reader, writer)

    @property
    def peer(self) -> tuple[str, int]:
        host, port = self.writer.get_extra_info("peername")[:2]
        return str(host), int(port)


async def serve_tcp(
    handler: Callable[[TcpTransport], Awaitable[None]], host: str, port: int
) -> asyncio.Server:
    """Start a server calling ``handler`` with a transport per connection (closed after)."""

    async def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        transport = TcpTransport(reader, writer)
        try:
            await handler(transport)
        finally:
            await transport.close()

    return await asyncio.start_server(on_connect, host, port)
