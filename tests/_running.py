"""A meter server running in a background thread (its own event loop), for tests that drive
synchronous peers (gurux-dlms, dlms-cosem) over real sockets."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import socket
import threading
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

from dlmskit.server import MeterServer


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Background:
    """Run coroutines on a loop in another thread."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coro: Awaitable[Any], timeout: float = 30.0) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)  # type: ignore[arg-type]

    def call(self, function: Callable[[], Any]) -> Any:
        async def wrapper() -> Any:
            return function()

        return self.run(wrapper())

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        self.loop.close()


@contextlib.contextmanager
def serving(
    directory: Any,
    *,
    clock: Callable[[], dt.datetime],
    tcp: bool = True,
    hdlc: bool = False,
    udp: bool = False,
    **kwargs: Any,
) -> Iterator[dict[str, Any]]:
    """Serve ``directory``; yields ``{"tcp": port, "hdlc": port, "udp": port, "server": ...,
    "background": ...}``."""
    background = Background()
    ports: dict[str, Any] = {}

    async def start() -> MeterServer:
        server = MeterServer(directory, clock=clock, **kwargs)
        if tcp:
            ports["tcp"] = (await server.serve_tcp("127.0.0.1", 0)).sockets[0].getsockname()[1]
        if hdlc:
            ports["hdlc"] = (
                (await server.serve_hdlc_tcp("127.0.0.1", 0)).sockets[0].getsockname()[1]
            )
        if udp:
            ports["udp"] = (await server.serve_udp("127.0.0.1", 0)).address[1]
        return server

    server = background.run(start())
    ports["server"] = server
    ports["background"] = background
    try:
        yield ports
    finally:
        background.run(server.close())
        background.stop()
