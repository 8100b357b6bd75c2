"""Hostile clients against the meter server over real sockets: random bytes, truncated frames,
oversized lengths, a client that connects and never speaks, 500 connections at once. After
each, a well-behaved client is answered correctly, and memory stays bounded."""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import os
import random
import tracemalloc
from typing import Any

import pytest

from dlmskit import apdu
from dlmskit.apdu import (
    AARE,
    AssociationResult,
    Conformance,
    CosemAttributeDescriptor,
    GetRequestNormal,
    GetResponseNormal,
    InitiateRequest,
    InvokeIdAndPriority,
)
from dlmskit.link.hdlc import StationSettings
from dlmskit.link.wrapper import WrapperReader, encode_wpdu
from dlmskit.server import MeterServer
from dlmskit.simulator import MeterPool, load_model

NOW = dt.datetime(2024, 5, 1, 12, 7, 30, tzinfo=dt.UTC)
AARQ = apdu.AARQ(
    apdu.ApplicationContextName.LOGICAL_NAME, InitiateRequest(Conformance(0x1E1F), 1024)
).encode()
GET_SERIAL = GetRequestNormal(
    InvokeIdAndPriority(1), CosemAttributeDescriptor(1, "0-0:96.1.0", 2)
).encode()

pytestmark = pytest.mark.asyncio


async def start(**kwargs: Any) -> tuple[MeterServer, int, int]:
    pool = MeterPool(load_model(), clock=lambda: NOW)
    server = MeterServer(pool.view(0), clock=lambda: NOW, **kwargs)
    tcp = (await server.serve_tcp("127.0.0.1", 0)).sockets[0].getsockname()[1]
    hdlc = (await server.serve_hdlc_tcp("127.0.0.1", 0)).sockets[0].getsockname()[1]
    return server, tcp, hdlc


async def exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> bytes:
    writer.write(encode_wpdu(16, 1, request))
    await writer.drain()
    frames = WrapperReader()
    while True:
        data = await asyncio.wait_for(reader.read(4096), 10)
        if not data:
            raise ConnectionError("closed")
        got = frames.feed(data)
        if got:
            return got[0].apdu


async def well_behaved(port: int) -> None:
    """Associate as the public client and read the serial number."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        aare = apdu.decode(await exchange(reader, writer, AARQ))
        assert isinstance(aare, AARE) and aare.result is AssociationResult.ACCEPTED
        answer = apdu.decode(await exchange(reader, writer, GET_SERIAL))
        assert isinstance(answer, GetResponseNormal)
        assert str(answer.result) == "DLK00000000"
    finally:
        writer.close()
        await writer.wait_closed()


async def closed_by_server(reader: asyncio.StreamReader, timeout: float = 5.0) -> bool:
    try:
        while True:
            data = await asyncio.wait_for(reader.read(65536), timeout)
            if not data:
                return True
    except (TimeoutError, ConnectionError):
        return False


async def test_random_bytes_then_a_good_client() -> None:
    server, tcp, hdlc = await start()
    try:
        rng = random.Random(7)
        for port in (tcp, hdlc):
            for _ in range(20):
                _reader, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.write(bytes(rng.randrange(256) for _ in range(rng.randint(1, 3000))))
                await writer.drain()
                writer.close()
                await writer.wait_closed()
        await well_behaved(tcp)
    finally:
        await server.close()


async def test_broken_wrapper_header_closes_only_that_connection() -> None:
    server, tcp, _ = await start()
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", tcp)
        writer.write(b"\x00\x07" + os.urandom(20))  # wrapper version 7: no resynchronising
        await writer.drain()
        assert await closed_by_server(reader)
        writer.close()
        await well_behaved(tcp)
    finally:
        await server.close()


async def test_truncated_and_oversized_frames_and_a_silent_client_are_timed_out() -> None:
    server, tcp, hdlc = await start(inactivity_timeout=0.5)
    try:
        silent = await asyncio.open_connection("127.0.0.1", tcp)
        truncated = await asyncio.open_connection("127.0.0.1", tcp)
        truncated[1].write(encode_wpdu(16, 1, AARQ)[:15])
        oversized = await asyncio.open_connection("127.0.0.1", tcp)
        oversized[1].write(b"\x00\x01\x00\x10\x00\x01\xff\xff" + b"\x60" * 100)
        hdlc_half = await asyncio.open_connection("127.0.0.1", hdlc)
        hdlc_half[1].write(b"\x7e\xa0\x7f\x03\x21\x93")  # an SNRM that never ends
        for _, writer in (truncated, oversized, hdlc_half):
            await writer.drain()
        await well_behaved(tcp)  # served meanwhile
        for reader, writer in (silent, truncated, oversized, hdlc_half):
            assert await closed_by_server(reader, timeout=5.0)
            writer.close()
        await well_behaved(tcp)
    finally:
        await server.close()


async def test_five_hundred_connections_at_once() -> None:
    server, tcp, _ = await start(max_connections=1000)
    try:

        async def one(i: int) -> None:
            reader, writer = await asyncio.open_connection("127.0.0.1", tcp)
            try:
                await exchange(reader, writer, AARQ)
                answer = apdu.decode(await exchange(reader, writer, GET_SERIAL))
                assert isinstance(answer, GetResponseNormal)
            finally:
                writer.close()

        await asyncio.gather(*(one(i) for i in range(500)))
        await well_behaved(tcp)
    finally:
        await server.close()


async def test_memory_per_connection_is_bounded() -> None:
    """500 clients each leave an unfinished 65 535-octet WPDU (the largest the wrapper can
    announce) and a started long SET: the server holds at most what they announced, and
    gives it back when they go."""
    server, tcp, _ = await start()
    try:
        await well_behaved(tcp)
        gc.collect()
        tracemalloc.start()
        base, _ = tracemalloc.get_traced_memory()
        connections = []
        for _ in range(500):
            reader, writer = await asyncio.open_connection("127.0.0.1", tcp)
            writer.write(b"\x00\x01\x00\x10\x00\x01\xff\xff" + b"\x00" * 60_000)
            connections.append((reader, writer))
        for _, writer in connections:
            await writer.drain()
        await asyncio.sleep(0.5)
        held, _ = tracemalloc.get_traced_memory()
        per_connection = (held - base) / 500
        print(f"held per connection: {per_connection:.0f} octets")
        assert per_connection < 200_000, per_connection  # the 64 kB frame, and little else
        for _, writer in connections:
            writer.close()
        await asyncio.sleep(0.5)
        gc.collect()
        after, _ = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert after - base < 5_000_000, after - base
        await well_behaved(tcp)
    finally:
        await server.close()


async def test_hdlc_garbage_is_ignored_and_a_good_hdlc_client_is_served() -> None:
    from dlmskit.link.hdlc import HdlcAddress, PrimaryStation

    server, _, hdlc = await start(hdlc=StationSettings(inactivity_timeout=5))
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", hdlc)
        writer.write(os.urandom(500) + b"\x7e\x7e\x7e" + os.urandom(100))
        await writer.drain()
        from dlmskit.io.drivers import HdlcClient
        from dlmskit.io.tcp import TcpTransport

        transport = TcpTransport(reader, writer)
        client = HdlcClient(transport, PrimaryStation(16, HdlcAddress(1)))
        await client.connect()
        aare = apdu.decode(await client.request(AARQ))
        assert isinstance(aare, AARE) and aare.result is AssociationResult.ACCEPTED
        answer = apdu.decode(await client.request(GET_SERIAL))
        assert isinstance(answer, GetResponseNormal)
        await client.disconnect()
        await client.aclose()
    finally:
        await server.close()
