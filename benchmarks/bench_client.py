"""Client end to end: read a 10,000-row load profile from the reference meter simulator --
connect, associate, read by date range, release -- over the wrapper (TCP) and HDLC over TCP,
plain (LLS) and ciphered (HLS-GMAC, authenticated encryption), dlmskit's Client against
gurux-dlms's GXDLMSClient in the same run.

The meter is the project's simulator (the reference model with its load profile extended to
10,000 entries), served by dlmskit.server in a child process; each implementation reads its
own instance of the same meter (so the two never share an invocation counter). The two
readings are compared (row count, first and last timestamps and energies) before timing.
dlmskit's rows come out typed (COSEM DateTimes, scaled Quantities); gurux's as it types them.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import io
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
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


#: The simulator child: the reference model with a 10,000-entry load profile, served on two
#: free ports of 127.0.0.1 (printed when ready). Its HDLC side takes the largest information
#: field and window IEC 62056-46 allows, as a modern meter does; each client gets what it
#: proposes (gurux-dlms proposes 128 octets and window 1, dlmskit 2030 and 7).
SERVE = """
import asyncio, datetime as dt, sys, yaml
from importlib import resources
from dlmskit.link.hdlc.events import StationSettings
from dlmskit.server.meter_server import MeterServer, SingleMeter
from dlmskit.simulator.model import build_meter, parse_model

rows, profile, now = int(sys.argv[1]), sys.argv[2], dt.datetime.fromisoformat(sys.argv[3])
text = resources.files("dlmskit.simulator").joinpath("reference.yaml").read_text("utf-8")
data = yaml.safe_load(text)
for obj in data["logical_devices"][0]["objects"]:
    if obj.get("ln") == profile:
        obj["values"]["profile_entries"] = {"double-long-unsigned": rows}
        obj["history"] = {"entries": rows}

async def main():
    meter = build_meter(parse_model(data), 0, now=now)
    hdlc = StationSettings(max_info_tx=2030, max_info_rx=2030, window_tx=7, window_rx=7)
    server = MeterServer(SingleMeter(meter), clock=lambda: now, hdlc=hdlc)
    wrapper = await server.serve_tcp("127.0.0.1", 0)
    hdlc_server = await server.serve_hdlc_tcp("127.0.0.1", 0)
    print(wrapper.sockets[0].getsockname()[1], hdlc_server.sockets[0].getsockname()[1],
          flush=True)
    await server.wait_closed()

asyncio.run(main())
"""


@contextlib.contextmanager
def simulator(rows: int = ROWS) -> Iterator[dict[str, int]]:
    """The meter simulator in a child process (its own interpreter, as a real meter is its
    own device: the client is not slowed by the meter sharing its GIL)."""
    child = subprocess.Popen(
        [sys.executable, "-c", SERVE, str(rows), PROFILE, NOW.isoformat()],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        if not line:
            raise RuntimeError("the simulator did not start")
        wrapper, hdlc = (int(p) for p in line.split())
        yield {"wrapper": wrapper, "hdlc": hdlc}
    finally:
        child.terminate()
        try:
            child.wait(10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


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

#: gurux-dlms's invocation counter for its meter, kept across its runs (as ours is durable)
_GURUX_COUNTER = [1]


def _gurux(link: str, port: int, ciphered: bool) -> Any:
    from gurux_dlms import GXByteBuffer, GXDateTime, GXDLMSClient, GXReplyData
    from gurux_dlms.enums import Authentication, InterfaceType, Security
    from gurux_dlms.objects import GXDLMSProfileGeneric
    from gurux_dlms.secure import GXDLMSSecureClient

    counter = _GURUX_COUNTER

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
        with contextlib.redirect_stdout(io.StringIO()):  # gurux-dlms prints as it goes
            return read()

    def read() -> list[Any]:
        interface = InterfaceType.WRAPPER if link == "wrapper" else InterfaceType.HDLC
        if ciphered:
            client = GXDLMSSecureClient(True, 1, 1, Authentication.HIGH_GMAC, None, interface)
            cipher = client.ciphering
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
                counter[0] = client.ciphering.invocationCounter + 1
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
                ours = _ours(link, ours_meter[link], ciphered, Path(state))
                check = _summary_ours(ours())
                result.add(measure("dlmskit", ours, rows, "rows/s", quick=quick))
                try:
                    theirs = _gurux(link, gurux_meter[link], ciphered)
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
