"""A client and a meter station over real transports: TCP and UDP sockets on 127.0.0.1 and a
pseudo-terminal pair made by socat (no mocks). Includes the segmented 10 kB transfer with
window 7."""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import shutil
import subprocess
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from dlmskit.io.base import Transport
from dlmskit.io.drivers import (
    HdlcClient,
    WrapperClient,
    serve_hdlc,
    serve_wrapper,
    serve_wrapper_udp,
)
from dlmskit.io.tcp import TcpTransport, serve_tcp
from dlmskit.io.udp import UdpEndpoint, UdpTransport
from dlmskit.link.errors import LinkLostError, LinkTimeoutError
from dlmskit.link.hdlc import (
    ApduReceived,
    HdlcAddress,
    LinkParameters,
    PrimaryStation,
    SecondaryStation,
    StationSettings,
)
from dlmskit.link.wrapper import Wpdu

pytestmark = [pytest.mark.asyncio, pytest.mark.timeout(60)]

BIG = StationSettings(
    max_info_tx=2030, max_info_rx=2030, window_tx=7, window_rx=7, response_timeout=2.0
)
SERVER = HdlcAddress.server(1, 17)
REQUEST_10K = random.Random(7).randbytes(10_000)


def echo_reversed(event: ApduReceived) -> bytes:
    return event.apdu[::-1]


async def _client_session(transport: Transport, settings: StationSettings = BIG) -> None:
    client = HdlcClient(transport, PrimaryStation(16, SERVER, settings))
    try:
        assert await client.connect() == LinkParameters(2030, 2030, 7, 7)
        assert await client.request(b"\xc0\x01\xc1") == b"\xc1\x01\xc0"
        assert await client.request(REQUEST_10K) == REQUEST_10K[::-1]
        await client.disconnect()
    finally:
        await client.aclose()


class _UdpAsTransport(Transport):
    """The meter's side of HDLC over UDP: one peer, datagrams both ways."""

    def __init__(self, endpoint: UdpEndpoint) -> None:
        self.endpoint = endpoint
        self.peer: tuple[str, int] | None = None

    async def send(self, data: bytes) -> None:
        assert self.peer is not None
        for i in range(0, len(data), 4096):  # frames are cut at most into 4 kB datagrams
            self.endpoint.send_to(data[i : i + 4096], self.peer)

    async def receive(self) -> bytes:
        data, self.peer = await self.endpoint.receive_from()
        return data

    async def close(self) -> None:
        self.endpoint.close()


async def test_hdlc_over_tcp() -> None:
    meter = SecondaryStation((1,), 17, BIG)
    server = await serve_tcp(lambda t: serve_hdlc(meter, t, echo_reversed), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        await _client_session(await TcpTransport.connect("127.0.0.1", port))


async def test_hdlc_over_udp() -> None:
    endpoint = await UdpEndpoint.bind("127.0.0.1", 0)
    meter = SecondaryStation((1,), 17, BIG)
    task = asyncio.ensure_future(serve_hdlc(meter, _UdpAsTransport(endpoint), echo_reversed))
    try:
        host, port = endpoint.address
        await _client_session(await UdpTransport.connect(host, port, local_host="127.0.0.1"))
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, LinkLostError):
            await task
        endpoint.close()


async def test_wrapper_over_tcp_and_udp() -> None:
    def answer(wpdu: Wpdu) -> bytes:
        assert (wpdu.source, wpdu.destination) == (16, 1)
        return wpdu.apdu[::-1]

    server = await serve_tcp(lambda t: serve_wrapper(t, answer), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        client = WrapperClient(await TcpTransport.connect("127.0.0.1", port), 16, 1)
        assert await client.request(REQUEST_10K) == REQUEST_10K[::-1]
        assert await client.request(b"\xc0\x01") == b"\x01\xc0"
        await client.aclose()
    endpoint = await UdpEndpoint.bind("127.0.0.1", 0)
    task = asyncio.ensure_future(serve_wrapper_udp(endpoint, answer))
    try:
        host, port = endpoint.address
        transport = await UdpTransport.connect(host, port, local_host="127.0.0.1")
        client = WrapperClient(transport, 16, 1, datagrams=True)
        assert await client.request(REQUEST_10K) == REQUEST_10K[::-1]
        await client.aclose()
    finally:
        endpoint.close()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def test_wrapper_timeout_and_hdlc_no_meter() -> None:
    endpoint = await UdpEndpoint.bind("127.0.0.1", 0)  # nobody answers
    host, port = endpoint.address
    client = WrapperClient(
        await UdpTransport.connect(host, port, local_host="127.0.0.1"),
        16,
        1,
        datagrams=True,
        timeout=0.2,
    )
    with pytest.raises(LinkTimeoutError):
        await client.request(b"\xc0")
    await client.aclose()
    settings = StationSettings(response_timeout=0.1, max_retries=2)
    hdlc = HdlcClient(
        await UdpTransport.connect(host, port, local_host="127.0.0.1"),
        PrimaryStation(16, SERVER, settings),
    )
    with pytest.raises(LinkTimeoutError):
        await hdlc.connect()
    await hdlc.aclose()
    endpoint.close()


async def test_tcp_peer_closing_is_a_lost_link() -> None:
    async def close_at_once(transport: TcpTransport) -> None:
        await transport.close()

    server = await serve_tcp(close_at_once, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        client = HdlcClient(
            await TcpTransport.connect("127.0.0.1", port), PrimaryStation(16, SERVER)
        )
        with pytest.raises(LinkLostError):
            await client.connect()
        await client.aclose()


# -- serial over a socat pseudo-terminal pair -------------------------------------------------


@contextlib.asynccontextmanager
async def socat_pair() -> AsyncIterator[tuple[str, str]]:
    if shutil.which("socat") is None:
        pytest.skip("socat is not installed (scripts/system-packages.txt lists it)")
    folder = Path(tempfile.mkdtemp(prefix="dlmskit-pty-"))
    a, b = folder / "client", folder / "meter"
    proc = subprocess.Popen(
        ["socat", f"pty,raw,echo=0,link={a}", f"pty,raw,echo=0,link={b}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            if a.exists() and b.exists():
                break
            await asyncio.sleep(0.05)
        else:
            raise RuntimeError("socat did not create the pseudo-terminals")
        yield os.fspath(a), os.fspath(b)
    finally:
        proc.terminate()
        proc.wait(timeout=5)
        for path in (a, b):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        folder.rmdir()


async def test_hdlc_over_serial_pty() -> None:
    pytest.importorskip("serialx")
    from dlmskit.io.serial import SerialTransport

    async with socat_pair() as (client_port, meter_port):
        meter_transport = await SerialTransport.open(meter_port, baudrate=9600)
        meter = SecondaryStation((1,), 17, BIG)
        task = asyncio.ensure_future(serve_hdlc(meter, meter_transport, echo_reversed))
        try:
            client_transport = await SerialTransport.open(client_port, baudrate=9600)
            await _client_session(client_transport)
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, LinkLostError):
                await task
            await meter_transport.close()


async def test_mode_e_then_hdlc_over_serial_pty() -> None:
    """IEC 62056-21 mode E on a pseudo-terminal: 300 baud 7E1 opening, switch to 9600 8N1, then
    HDLC; the port is really reconfigured on both sides (a pty carries the bytes regardless)."""
    pytest.importorskip("serialx")
    from dlmskit.io.drivers import mode_e_client, mode_e_server
    from dlmskit.io.serial import SerialTransport
    from dlmskit.link.mode_e import Identification, ModeEClient, ModeEServer

    async with socat_pair() as (client_port, meter_port):
        meter_transport = await SerialTransport.open(meter_port, baudrate=9600)
        client_transport = await SerialTransport.open(client_port, baudrate=9600)
        identification = Identification("KFM", "5", "MA309M", "2", False)

        async def meter_side() -> None:
            assert await mode_e_server(meter_transport, ModeEServer(identification)) == 9600
            await serve_hdlc(SecondaryStation((1,), 17, BIG), meter_transport, echo_reversed)

        task = asyncio.ensure_future(meter_side())
        try:
            got = await mode_e_client(client_transport, ModeEClient())
            assert got == identification
            assert client_transport.writer.transport.baudrate == 9600  # type: ignore[attr-defined]
            await _client_session(client_transport)
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, LinkLostError):
                await task
            await meter_transport.close()


async def test_wrapper_server_closes_a_broken_stream() -> None:
    server = await serve_tcp(
        lambda t: serve_wrapper(t, lambda w: w.apdu, max_length=100), "127.0.0.1", 0
    )
    port = server.sockets[0].getsockname()[1]
    async with server:
        transport = await TcpTransport.connect("127.0.0.1", port)
        client = WrapperClient(transport, 16, 1)
        assert await client.request(b"\x01\x02") == b"\x01\x02"
        with pytest.raises(LinkLostError):
            await client.request(bytes(101))  # above the server's max_length: it hangs up
        await client.aclose()
