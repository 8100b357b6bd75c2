"""Client end to end: read a 10,000-row load profile from the reference meter simulator --
connect, associate, read by date range, release -- over the wrapper (TCP) and HDLC over TCP,
plain (LLS) and ciphered (HLS-GMAC, authenticated encryption), dlmskit's Client against
gurux-dlms's GXDLMSClient in the same run.

The meter is the project's simulator (the reference model with its load profile extended to
10,000 entries), served by dlmskit.server in a thread of its own; each implementation reads
its own instance of the same meter (so the two never share an invocation counter). The two
readings are compared (row count, first and last timestamps and energies) before timing.
dlmskit's rows come out typed (COSEM DateTimes, scaled Quantities); gurux's as it types them.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import socket
import tempfile
import threading
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

from _harness import Result, measure, missing

ROWS = 10_000
NOW = dt.datetime(2026, 3, 2, 0, 0, tzinfo=dt.UTC)
START = NOW - dt.timedelta(minutes=15 * (ROWS - 1))
PROFILE = "1-0:99.1.0"
EK = "000102030405060708090A0B0C0D0E0F"
AK = "D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF"
CLIENT_TITLE = bytes.fromhex("4445565430303031")


def _model(rows: int) -> Any:
    import yaml

    from dlmskit.simulator.model import parse_model

    text = resources.files("dlmskit.simulator").joinpath("reference.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    for obj in data["logical_devices"][0]["objects"]:
        if obj.get("ln") == PROFILE:
            obj["values"]["profile_entries"] = {"double-long-unsigned": rows}
            obj["history"] = {"entries": rows}
    return parse_model(data)


class SimulatorThread:
    """A MeterServer with its own event loop in a thread: wrapper and HDLC over TCP."""

    def __init__(self, rows: int) -> None:
        self.rows = rows
        self.loop = asyncio.new_event_loop()
        self.ports: dict[str, int] = {}
        self._ready = threading.Event()
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._error: BaseException | None = None

    def _run(self) -> None:
        try:
            self.loop.run_until_complete(self._serve())
        except BaseException as exc:  # reported by start()
            self._error = exc
            self._ready.set()

    async def _serve(self) -> None:
        from dlmskit.server.meter_server import MeterServer, SingleMeter
        from dlmskit.simulator.model import build_meter

        meter = build_meter(_model(self.rows), 0, now=NOW)
        server = MeterServer(SingleMeter(meter), clock=lambda: NOW)
        wrapper = await server.serve_tcp("127.0.0.1", 0)
        hdlc = await server.serve_hdlc_tcp("127.0.0.1", 0)
        self.ports = {
            "wrapper": wrapper.sockets[0].getsockname()[1],
            "hdlc": hdlc.sockets[0].getsockname()[1],
        }
        self._stop = asyncio.Event()
        self._ready.set()
        await self._stop.wait()
        await server.close()

    def start(self) -> SimulatorThread:
        self._thread.start()
        self._ready.wait(60)
        if self._error is not None:
            raise self._error
        return self

    def stop(self) -> None:
        if self._stop is not None:
            self.loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)


@contextlib.contextmanager
def simulator(rows: int = ROWS) -> Iterator[SimulatorThread]:
    thread = SimulatorThread(rows).start()
    try:
        yield thread
    finally:
        thread.stop()


# -- dlmskit -----------------------------------------------------------------------------------


def _ours(link: str, port: int, ciphered: bool, state_dir: Path) -> Any:
    from dlmskit import Client
    from dlmskit.association.ciphering import SecurityContext
    from dlmskit.security import Key, Mechanism, SecurityPolicy, SymmetricKeys

    url = f"{'tcp' if link == 'wrapper' else 'hdlc+tcp'}://127.0.0.1:{port}"
    if ciphered:
        keys = SymmetricKeys(unicast=Key(bytes.fromhex(EK)), authentication=Key(bytes.fromhex(AK)))
        context = SecurityContext(
            keys=keys, system_title=CLIENT_TITLE, policy=SecurityPolicy.from_v0(3)
        )
        options: dict[str, Any] = {
            "client_address": 1,
            "mechanism": Mechanism.HLS_GMAC,
            "security": context,
        }
    else:
        options = {"client_address": 32, "mechanism": Mechanism.LLS, "password": "12345678"}

    async def read() -> list[Any]:
        async with Client(url, state_dir=state_dir, **options) as client:
            return [r async for r in client.profile(PROFILE, start=START, end=NOW)]

    def run() -> list[Any]:
        return asyncio.run(read())

    return run


def _summary_ours(rows: list[Any]) -> tuple[int, dt.datetime, dt.datetime, int, int]:
    return (
        len(rows),
        rows[0].timestamp.to_datetime(),
        rows[-1].timestamp.to_datetime(),
        int(rows[0].values[2].raw),
        int(rows[-1].values[2].raw),
    )


# -- gurux-dlms --------------------------------------------------------------------------------


def _gurux(link: str, port: int, ciphered: bool) -> Any:
    from gurux_dlms import GXByteBuffer, GXDateTime, GXDLMSClient, GXReplyData
    from gurux_dlms.enums import Authentication, InterfaceType, Security
    from gurux_dlms.objects import GXDLMSProfileGeneric

    counter = [1]

    def exchange(sock: socket.socket, client: Any, data: Any, reply: Any) -> None:
        if data:
            sock.sendall(bytes(data))
        buffer = GXByteBuffer()
        notify = GXReplyData()
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                raise ConnectionError("the meter closed the connection")
            buffer.set(chunk)
            if client.getData(buffer, reply, notify):
                return

    def blocks(sock: socket.socket, client: Any, messages: Any) -> Any:
        reply = GXReplyData()
        if isinstance(messages, bytes | bytearray):
            messages = [messages]
        for message in messages:
            reply.clear()
            exchange(sock, client, message, reply)
            while reply.isMoreData():
                data = None if reply.isStreaming() else client.receiverReady(reply)
                exchange(sock, client, data, reply)
        return reply

    def run() -> list[Any]:
        interface = InterfaceType.WRAPPER if link == "wrapper" else InterfaceType.HDLC
        if ciphered:
            client = GXDLMSClient(True, 1, 1, Authentication.HIGH_GMAC, None, interface)
            cipher = client.settings.cipher
            cipher.security = Security.AUTHENTICATION_ENCRYPTION
            cipher.systemTitle = bytearray(CLIENT_TITLE)
            cipher.blockCipherKey = bytearray(bytes.fromhex(EK))
            cipher.authenticationKey = bytearray(bytes.fromhex(AK))
            cipher.invocationCounter = counter[0]
        else:
            client = GXDLMSClient(True, 32, 1, Authentication.LOW, "12345678", interface)
        with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
            if interface == InterfaceType.HDLC:
                reply = blocks(sock, client, client.snrmRequest())
                client.parseUAResponse(reply.data)
            reply = blocks(sock, client, client.aarqRequest())
            client.parseAareResponse(reply.data)
            if ciphered:
                reply = blocks(sock, client, client.getApplicationAssociationRequest())
                client.parseApplicationAssociationResponse(reply.data)
            profile = GXDLMSProfileGeneric("1.0.99.1.0.255")
            reply = blocks(sock, client, client.read(profile, 3))
            client.updateValue(profile, 3, reply.value)
            reply = blocks(
                sock,
                client,
                client.readRowsByRange(profile, GXDateTime(START), GXDateTime(NOW)),
            )
            client.updateValue(profile, 2, reply.value)
            with contextlib.suppress(ConnectionError, OSError):
                blocks(sock, client, client.releaseRequest())
                if interface == InterfaceType.HDLC:
                    blocks(sock, client, client.disconnectRequest())
            if ciphered:
                counter[0] = client.settings.cipher.invocationCounter + 1
            return list(profile.buffer)

    return run


def _summary_gurux(rows: list[Any]) -> tuple[int, dt.datetime, dt.datetime, int, int]:
    def stamp(value: Any) -> dt.datetime:
        return value.value.astimezone(dt.UTC)

    return (
        len(rows),
        stamp(rows[0][0]),
        stamp(rows[-1][0]),
        int(rows[0][2]),
        int(rows[-1][2]),
    )


# -- the benchmark ------------------------------------------------------------------------------


def run(quick: bool) -> list[Result]:
    results = []
    rows = ROWS
    with (
        simulator(rows) as ours_meter,
        simulator(rows) as gurux_meter,
        tempfile.TemporaryDirectory() as state,
    ):
        for link in ("wrapper", "hdlc"):
            for ciphered in (False, True):
                kind = "HLS-GMAC, authenticated encryption" if ciphered else "LLS, plain"
                name = f"client_profile_{link}_{'ciphered' if ciphered else 'plain'}"
                result = Result(
                    name,
                    f"{rows} profile rows end to end over {link} ({kind}): associate, read by "
                    "date range, release",
                    target=">= 10x gurux-dlms rows/s",
                )
                ours = _ours(link, ours_meter.ports[link], ciphered, Path(state))
                check = _summary_ours(ours())
                result.add(measure("dlmskit", ours, rows, "rows/s", quick=quick))
                try:
                    theirs = _gurux(link, gurux_meter.ports[link], ciphered)
                    other = _summary_gurux(theirs())
                except ImportError as exc:
                    result.add(missing("gurux-dlms", str(exc), "rows/s"))
                except Exception as exc:  # a peer that fails is reported, not hidden
                    result.add(missing("gurux-dlms", f"{type(exc).__name__}: {exc}", "rows/s"))
                else:
                    if other != check:
                        raise AssertionError(f"gurux-dlms read {other}, dlmskit {check}")
                    result.add(measure("gurux-dlms", theirs, rows, "rows/s", quick=quick))
                result.extra["first and last row"] = f"{check[1]} .. {check[2]}"
                results.append(result)
    return results
