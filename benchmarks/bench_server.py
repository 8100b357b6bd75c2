"""Meter server: GET requests per second over loopback TCP, beside a bare asyncio server
answering the same bytes; memory of 10,000 idle simulated meters.

1. Throughput. The reference meter is served by dlmskit's MeterServer (wrapper over TCP) in
   its own process; clients in this process keep 1, 10 and 100 associations (public client
   16) busy, each with one GET outstanding at a time (the serial number, 0-0:96.1.0
   attribute 2). In the same run, a bare asyncio server (also in its own process) answers the
   same requests with the same bytes -- the AARE and the GET-Response dlmskit sent, looked
   up by the request -- measured with the same clients: the practical ceiling of an asyncio
   server on this machine. Both answers are checked equal before timing. Target: dlmskit at
   least 40 % of the bare server's rate.
2. Memory. A fresh interpreter holds a pool of 10,000 simulated reference meters ready to
   serve (idle: not asked for yet); reported per meter, with the cost of a meter once a client
   has reached it (built: its objects made) from 200 built meters. Target: <= 100 kB per idle
   meter.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

from _harness import Measurement, Result

ROOT = Path(__file__).resolve().parent.parent
REQUEST_GET = bytes.fromhex("c001c100010000600100ff0200")  # serial number, attribute 2
AARQ = bytes.fromhex("601da109060760857405080101be10040e01000000065f1f0400001e1f0400")


def _wpdu(apdu: bytes, source: int = 16, destination: int = 1) -> bytes:
    return (
        b"\x00\x01"
        + source.to_bytes(2, "big")
        + destination.to_bytes(2, "big")
        + len(apdu).to_bytes(2, "big")
        + apdu
    )


_SERVER = textwrap.dedent(
    """
    import asyncio, datetime as dt, sys
    from dlmskit.server import MeterServer
    from dlmskit.simulator import MeterPool, load_model

    NOW = dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.UTC)

    async def main():
        pool = MeterPool(load_model(), clock=lambda: NOW)
        server = MeterServer(pool.view(0), clock=lambda: NOW, inactivity_timeout=None)
        listening = await server.serve_tcp("127.0.0.1", 0)
        print(listening.sockets[0].getsockname()[1], flush=True)
        await asyncio.Event().wait()

    asyncio.run(main())
    """
)

_ECHO = textwrap.dedent(
    """
    import asyncio, json, sys

    ANSWERS = {bytes.fromhex(k): bytes.fromhex(v) for k, v in json.loads(sys.argv[1]).items()}

    class Echo(asyncio.Protocol):
        def connection_made(self, transport):
            self.transport = transport
            self.buffer = bytearray()

        def data_received(self, data):
            buffer = self.buffer
            buffer += data
            while len(buffer) >= 8:
                length = (buffer[6] << 8) | buffer[7]
                if len(buffer) < 8 + length:
                    break
                frame = bytes(buffer[: 8 + length])
                del buffer[: 8 + length]
                self.transport.write(ANSWERS[frame])

    async def main():
        loop = asyncio.get_running_loop()
        server = await loop.create_server(Echo, "127.0.0.1", 0)
        print(server.sockets[0].getsockname()[1], flush=True)
        await asyncio.Event().wait()

    asyncio.run(main())
    """
)


def _spawn(code: str, *args: str) -> tuple[subprocess.Popen[str], int]:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    proc = subprocess.Popen(
        [sys.executable, "-c", code, *args], stdout=subprocess.PIPE, text=True, env=env
    )
    assert proc.stdout is not None
    port = int(proc.stdout.readline())
    return proc, port


class _Client(asyncio.Protocol):
    """One connection with one request outstanding at a time."""

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.waiter: asyncio.Future[bytes] | None = None
        self.transport: Any = None

    def connection_made(self, transport: Any) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if len(self.buffer) >= 8:
            length = (self.buffer[6] << 8) | self.buffer[7]
            if len(self.buffer) >= 8 + length and self.waiter is not None:
                frame = bytes(self.buffer[: 8 + length])
                del self.buffer[: 8 + length]
                self.waiter.set_result(frame)

    async def ask(self, frame: bytes) -> bytes:
        self.waiter = asyncio.get_running_loop().create_future()
        self.transport.write(frame)
        answer = await self.waiter
        self.waiter = None
        return answer


async def _connect(port: int) -> _Client:
    loop = asyncio.get_running_loop()
    _, client = await loop.create_connection(_Client, "127.0.0.1", port)
    return client


async def _learn(port: int) -> dict[str, str]:
    """The bytes dlmskit answers: what the bare server will send back."""
    client = await _connect(port)
    aare = await client.ask(_wpdu(AARQ))
    get = await client.ask(_wpdu(REQUEST_GET))
    client.transport.close()
    return {_wpdu(AARQ).hex(): aare.hex(), _wpdu(REQUEST_GET).hex(): get.hex()}


async def _rate(port: int, connections: int, seconds: float, expected: bytes) -> float:
    clients = [await _connect(port) for _ in range(connections)]
    for client in clients:
        await client.ask(_wpdu(AARQ))
    frame = _wpdu(REQUEST_GET)
    done = 0
    stop = time.perf_counter() + seconds
    measuring = False

    async def loop(client: _Client) -> None:
        nonlocal done
        while time.perf_counter() < stop:
            answer = await client.ask(frame)
            if answer != expected:
                raise AssertionError("the answer changed")
            if measuring:
                done += 1

    warmup = asyncio.gather(*(loop(c) for c in clients))
    await asyncio.sleep(min(0.3, seconds / 4))
    measuring = True
    started = time.perf_counter()
    await warmup
    elapsed = time.perf_counter() - started
    for client in clients:
        client.transport.close()
    return done / elapsed


def throughput(quick: bool) -> list[Result]:
    seconds = 1.0 if quick else 4.0
    ours, ours_port = _spawn(_SERVER)
    try:
        answers = asyncio.run(_learn(ours_port))
        bare, bare_port = _spawn(_ECHO, json.dumps(answers))
        try:
            expected = bytes.fromhex(answers[_wpdu(REQUEST_GET).hex()])
            check = asyncio.run(_learn(bare_port))
            assert check == answers, "the bare server must answer exactly what dlmskit does"
            results = []
            for connections in (1, 10, 100):
                result = Result(
                    f"server_get_{connections}",
                    f"GET requests/s over loopback TCP, {connections} concurrent association(s)",
                    target=">= 40 % of the bare asyncio server",
                )
                for name, port in (("dlmskit", ours_port), ("bare-asyncio", bare_port)):
                    rate = asyncio.run(_rate(port, connections, seconds, expected))
                    result.add(Measurement(name, 1 / rate, rate, "requests/s", 1))
                results.append(result)
            return results
        finally:
            bare.terminate()
            bare.wait()
    finally:
        ours.terminate()
        ours.wait()


_MEMORY = textwrap.dedent(
    """
    import datetime as dt, gc, json, resource, sys, tracemalloc
    NOW = dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.UTC)

    def rss():
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * resource.getpagesize()

    from dlmskit.server import MeterServer
    from dlmskit.simulator import MeterPool, load_model
    spec = load_model()
    gc.collect()
    before_rss = rss()
    tracemalloc.start()
    pool = MeterPool(spec, 10_000, clock=lambda: NOW, max_resident=10_000)
    server = MeterServer(pool, clock=lambda: NOW)  # ready to serve them all on one port
    gc.collect()
    idle_traced = tracemalloc.get_traced_memory()[0]
    idle_rss = rss() - before_rss
    for index in range(200):
        pool.meter(index)
    gc.collect()
    built_traced = tracemalloc.get_traced_memory()[0] - idle_traced
    print(json.dumps({
        "idle_traced_per_meter": idle_traced / 10_000,
        "idle_rss_per_meter": idle_rss / 10_000,
        "built_traced_per_meter": built_traced / 200,
    }))
    """
)


def memory(quick: bool) -> list[Result]:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    out = subprocess.run(
        [sys.executable, "-c", _MEMORY], capture_output=True, text=True, env=env, check=True
    ).stdout
    figures = json.loads(out)
    result = Result(
        "server_memory_idle_meters",
        "memory per simulated meter: 10,000 idle in one process; built once a client reaches it",
        target="<= 100 kB per idle meter",
        extra={k: round(v) for k, v in figures.items()},
    )
    result.add(
        Measurement(
            "dlmskit",
            float("nan"),
            figures["idle_traced_per_meter"],
            "bytes/idle meter",
            1,
            note=f"RSS growth {figures['idle_rss_per_meter']:.0f} B/meter; a built meter "
            f"{figures['built_traced_per_meter'] / 1000:.0f} kB",
        )
    )
    return [result]


def run(quick: bool) -> list[Result]:
    with socket.socket() as probe:  # loopback must work
        probe.bind(("127.0.0.1", 0))
    return [*throughput(quick), *memory(quick)]
