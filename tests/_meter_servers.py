"""Serve a scripted meter over real transports (TCP on 127.0.0.1, a socat pseudo-terminal
pair) with the library's own link machines, for the client tests."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from _scripted_meter import ScriptedMeter
from dlmskit.io.base import Transport
from dlmskit.io.drivers import serve_hdlc
from dlmskit.io.tcp import TcpTransport, serve_tcp
from dlmskit.link.errors import LinkLostError
from dlmskit.link.hdlc import ApduReceived, SecondaryStation, StationSettings
from dlmskit.link.wrapper import WrapperError, WrapperReader, encode_wpdu

SETTINGS = StationSettings(
    max_info_tx=512, max_info_rx=512, window_tx=3, window_rx=3, response_timeout=1.0
)


async def _wrapper_session(meter: ScriptedMeter, transport: Transport) -> None:
    reader = WrapperReader()
    while True:
        try:
            wpdus = reader.feed(await transport.receive())
        except (LinkLostError, WrapperError):
            return
        for wpdu in wpdus:
            for answer in meter.answer(wpdu.apdu):
                await transport.send(encode_wpdu(wpdu.destination, wpdu.source, answer))


def _hdlc_answer(meter: ScriptedMeter):  # type: ignore[no-untyped-def]
    def answer(event: ApduReceived) -> bytes | None:
        answers = meter.answer(event.apdu)
        assert len(answers) <= 1, "HDLC tests use one answer per request"
        return answers[0] if answers else None

    return answer


async def _hdlc_session(meter: ScriptedMeter, transport: Transport) -> None:
    station = SecondaryStation((1,), None, SETTINGS)
    await serve_hdlc(station, transport, _hdlc_answer(meter))


@contextlib.asynccontextmanager
async def serve(meter: ScriptedMeter, kind: str) -> AsyncIterator[str]:
    """A connection string to ``meter`` served as ``kind`` ("wrapper" or "hdlc") over TCP."""
    sessions: list[asyncio.Task[None]] = []

    async def handler(transport: TcpTransport) -> None:
        task = asyncio.current_task()
        assert task is not None
        sessions.append(task)
        if kind == "wrapper":
            await _wrapper_session(meter, transport)
        else:
            await _hdlc_session(meter, transport)

    server = await serve_tcp(handler, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        scheme = "tcp" if kind == "wrapper" else "hdlc+tcp"
        yield f"{scheme}://127.0.0.1:{port}"
    finally:
        server.close()
        # let the sessions see their clients go, then stop what is left
        _, pending = await asyncio.wait(sessions, timeout=2) if sessions else (set(), set())
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.wait(pending, timeout=2)
        await server.wait_closed()


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


@contextlib.asynccontextmanager
async def serve_serial(meter: ScriptedMeter, *, mode_e: bool = False) -> AsyncIterator[str]:
    """``meter`` on one end of a socat pty pair; the connection string of the other end.
    With ``mode_e`` the meter answers the IEC 62056-21 mode E opening first (an optical
    port), then HDLC at 9600 baud."""
    pytest.importorskip("serialx")
    from dlmskit.io.drivers import mode_e_server
    from dlmskit.io.serial import SerialTransport
    from dlmskit.link.mode_e import Identification, ModeEServer

    async def session(transport: SerialTransport) -> None:
        if mode_e:
            identification = Identification("DLK", "5", "DLK-3P", "2", False)
            await mode_e_server(transport, ModeEServer(identification))
        await _hdlc_session(meter, transport)

    async with socat_pair() as (client_port, meter_port):
        transport = await SerialTransport.open(meter_port, baudrate=9600)
        task = asyncio.ensure_future(session(transport))
        try:
            suffix = "&mode_e=1" if mode_e else ""
            yield f"serial://{client_port}?baud=9600{suffix}"
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
            await transport.close()
