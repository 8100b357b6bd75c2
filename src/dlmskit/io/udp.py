"""UDP transports: a connected one (client) and an endpoint serving many peers (server)."""

from __future__ import annotations

import asyncio

from dlmskit.io.base import Transport
from dlmskit.link.errors import LinkLostError

__all__ = ["UdpEndpoint", "UdpTransport"]

Address = tuple[str, int]


class _Protocol(asyncio.DatagramProtocol):
    def __init__(self) -> None:
        self.queue: asyncio.Queue[tuple[bytes, Address] | None] = asyncio.Queue()

    def datagram_received(self, data: bytes, addr: Address) -> None:
        self.queue.put_nowait((data, (str(addr[0]), int(addr[1]))))

    def error_received(self, exc: Exception) -> None:
        pass  # ICMP errors (port unreachable): the datagram is lost, time-outs handle it

    def connection_lost(self, exc: Exception | None) -> None:
        self.queue.put_nowait(None)


class UdpEndpoint:
    """A bound UDP socket: ``receive_from`` gives ``(datagram, sender)``, ``send_to`` answers."""

    def __init__(self, transport: asyncio.DatagramTransport, protocol: _Protocol) -> None:
        self._transport = transport
        self._protocol = protocol

    @classmethod
    async def bind(cls, host: str, port: int) -> UdpEndpoint:
        loop = asyncio.get_running_loop()
        transport, protocol = await loop.create_datagram_endpoint(
            _Protocol, local_addr=(host, port)
        )
        return cls(transport, protocol)

    @property
    def address(self) -> Address:
        host, port = self._transport.get_extra_info("sockname")[:2]
        return str(host), int(port)

    async def receive_from(self) -> tuple[bytes, Address]:
        item = await self._protocol.queue.get()
        if item is None:
            self._protocol.queue.put_nowait(None)
            raise LinkLostError("UDP endpoint closed")
        return item

    def send_to(self, data: bytes, addr: Address) -> None:
        if self._transport.is_closing():
            raise LinkLostError("UDP endpoint closed")
        self._transport.sendto(data, addr)

    def close(self) -> None:
        self._transport.close()


class UdpTransport(Transport):
    """UDP to one peer; ``receive`` returns one datagram."""

    def __init__(self, endpoint: UdpEndpoint, peer: Address) -> None:
        self.endpoint = endpoint
        self.peer = peer

    @classmethod
    async def connect(cls, host: str, port: int, *, local_host: str = "0.0.0.0") -> UdpTransport:
        return cls(await UdpEndpoint.bind(local_host, 0), (host, port))

    async def send(self, data: bytes) -> None:
        self.endpoint.send_to(data, self.peer)

    async def receive(self) -> bytes:
        while True:
            data, addr = await self.endpoint.receive_from()
            if addr == self.peer:
                return data  # datagrams from others are not ours

    async def close(self) -> None:
        self.endpoint.close()
