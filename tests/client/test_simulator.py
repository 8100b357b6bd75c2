"""Our client reads the project's reference meter simulator (dlmskit.simulator on
dlmskit.server) over the wrapper, HDLC over TCP and HDLC over a socat pseudo-terminal pair,
with every association the model offers -- public (no security), LLS, HLS-GMAC with
authenticated encryption -- and security suites 0, 1 and 2."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import AsyncIterator
from decimal import Decimal
from importlib import resources
from typing import Any

import pytest
import yaml

from _meter_servers import socat_pair
from dlmskit import Client
from dlmskit.association.ciphering import SecurityContext
from dlmskit.cosem import DateTime, Obis
from dlmskit.model.schema import Quantity
from dlmskit.security import Key, Mechanism, SecurityPolicy, SecuritySuite, SymmetricKeys
from dlmskit.server.meter_server import MeterServer, SingleMeter
from dlmskit.simulator.model import build_meter, parse_model

pytestmark = [pytest.mark.asyncio, pytest.mark.timeout(120)]

NOW = dt.datetime(2026, 3, 2, 12, 7, tzinfo=dt.UTC)
CLIENT_TITLE = bytes.fromhex("4445565430303031")
KEYS_128 = ("000102030405060708090A0B0C0D0E0F", "D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF")
KEYS_256 = (KEYS_128[0] * 2, KEYS_128[1] * 2)


def _model(suite: int = 0) -> Any:
    text = resources.files("dlmskit.simulator").joinpath("reference.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    if suite:
        unicast, authentication = KEYS_256 if suite == 2 else KEYS_128
        for association in data["logical_devices"][0]["associations"]:
            security = association.get("security")
            if association["client"] == 1 and security is not None:
                security["suite"] = suite
                security["keys"] = {"unicast": unicast, "authentication": authentication}
    return parse_model(data)


def _context(suite: int = 0) -> SecurityContext:
    unicast, authentication = KEYS_256 if suite == 2 else KEYS_128
    keys = SymmetricKeys(
        suite=SecuritySuite(suite),
        unicast=Key(bytes.fromhex(unicast)),
        authentication=Key(bytes.fromhex(authentication)),
    )
    return SecurityContext(keys=keys, system_title=CLIENT_TITLE, policy=SecurityPolicy.from_v0(3))


@contextlib.asynccontextmanager
async def simulator(suite: int = 0, *, serial: bool = False) -> AsyncIterator[dict[str, str]]:
    spec = _model(suite)
    meter = build_meter(spec, 0, now=NOW)
    server = MeterServer(SingleMeter(meter), clock=lambda: NOW)
    try:
        urls = {}
        wrapper = await server.serve_tcp("127.0.0.1", 0)
        urls["wrapper"] = f"tcp://127.0.0.1:{wrapper.sockets[0].getsockname()[1]}"
        hdlc = await server.serve_hdlc_tcp("127.0.0.1", 0)
        urls["hdlc"] = f"hdlc+tcp://127.0.0.1:{hdlc.sockets[0].getsockname()[1]}"
        if serial:
            async with socat_pair() as (client_port, meter_port):
                await server.serve_hdlc_serial(meter_port, baudrate=19200)
                urls["serial"] = f"serial://{client_port}?baud=19200"
                yield urls
        else:
            yield urls
    finally:
        await server.close()


def _associations(suite: int) -> list[dict[str, Any]]:
    return [
        {"client_address": 16},
        {"client_address": 32, "mechanism": Mechanism.LLS, "password": "12345678"},
        {"client_address": 1, "mechanism": Mechanism.HLS_GMAC, "security": _context(suite)},
    ]


async def _read(client: Client, *, full: bool) -> None:
    objects = await client.objects()
    assert Obis.parse("0-0:1.0.0") in {o.logical_name for o in objects}
    clock = await client.get("0-0:1.0.0", 2)
    assert isinstance(clock, DateTime) and clock.to_datetime() == NOW
    serial = await client.get("0-0:96.1.0", 2)
    assert str(serial) == "DLK00000000"
    if not full:
        return
    energy, voltage = await client.get_many([("1-0:1.8.0", 2), ("1-0:32.7.0", 2)])
    assert isinstance(energy, Quantity) and energy.unit == 30 and energy.value > 0
    assert Decimal(220) < voltage.value < Decimal(240)
    day = [
        r
        async for r in client.profile(
            "1-0:99.1.0", start=NOW - dt.timedelta(days=1), end=NOW, columns=[1, 3]
        )
    ]
    assert len(day) == 96
    stamps = [r.timestamp.to_datetime() for r in day]
    assert stamps == sorted(stamps) and stamps[-1] <= NOW
    values = [r.values[1].value for r in day]
    assert values == sorted(values)  # a cumulative energy register only rises


@pytest.mark.parametrize("link", ["wrapper", "hdlc", "serial"])
async def test_every_association_of_the_reference_meter(link: str, tmp_path) -> None:
    if link == "serial":
        pytest.importorskip("serialx")
    async with simulator(serial=link == "serial") as urls:
        for options in _associations(0):
            async with Client(urls[link], state_dir=tmp_path, timeout=15, **options) as client:
                await _read(client, full=options["client_address"] != 16)


@pytest.mark.parametrize("suite", [0, 1, 2])
async def test_hls_gmac_with_every_security_suite(suite: int, tmp_path) -> None:
    async with simulator(suite) as urls:
        for link in ("wrapper", "hdlc"):
            async with Client(
                urls[link],
                client_address=1,
                mechanism=Mechanism.HLS_GMAC,
                security=_context(suite),
                state_dir=tmp_path,
            ) as client:
                assert client.negotiated.ciphered
                await _read(client, full=True)


async def test_counter_read_over_the_public_client_first(tmp_path) -> None:
    async with simulator() as urls:
        url = urls["wrapper"]
        options = {"client_address": 1, "mechanism": Mechanism.HLS_GMAC, "security": _context()}
        async with Client(url, state_dir=tmp_path / "a", **options) as client:
            await client.get("0-0:96.1.0", 2)
        # a second head-end with no memory of the counter learns it from the meter
        async with Client(
            url, state_dir=tmp_path / "b", read_invocation_counter="0-0:43.1.3", **options
        ) as client:
            assert str(await client.get("0-0:96.1.0", 2)) == "DLK00000000"


@pytest.mark.parametrize("link", ["wrapper", "hdlc"])
@pytest.mark.parametrize("window", [1, 4])
async def test_general_block_transfer_end_to_end(link: str, window: int, tmp_path) -> None:
    """Client and meter negotiate general block transfer (and not the service-specific block
    transfer of GET, which the meter prefers when both are there); a long read (the whole
    load profile, far beyond one PDU) comes in GBT blocks, windowed, with the same rows as
    the service-specific block transfer gives."""
    from dlmskit.apdu import Conformance
    from dlmskit.association.client import LN_CONFORMANCE, ClientSettings
    from dlmskit.security import Credentials, Secret

    start = NOW - dt.timedelta(days=30)

    received: list[bytes] = []

    def trace(direction: str, layer: str, data: bytes) -> None:
        if direction == "rx" and layer == "apdu":
            received.append(data)

    async def rows(settings: ClientSettings | None) -> tuple[list[Any], Any]:
        options: dict[str, Any] = {"client_address": 32, "state_dir": tmp_path, "timeout": 20}
        if settings is None:
            options.update(mechanism=Mechanism.LLS, password="12345678")
        else:
            options["settings"] = settings
            options["trace"] = trace
        async with Client(urls[link], **options) as client:
            negotiated = client.negotiated
            got = [r async for r in client.profile("1-0:99.1.0", start=start, end=NOW)]
        return got, negotiated

    gbt = ClientSettings(
        mechanism=Mechanism.LLS,
        credentials=Credentials(secret=Secret(b"12345678")),
        general_block_transfer=True,
        conformance=(LN_CONFORMANCE | Conformance.GENERAL_BLOCK_TRANSFER)
        & ~Conformance.BLOCK_TRANSFER_WITH_GET_OR_READ,
        gbt_window=window,
        max_pdu_size=512,
    )
    async with simulator() as urls:
        with_gbt, negotiated = await rows(gbt)
        plain, _ = await rows(None)
    assert negotiated.conformance & Conformance.GENERAL_BLOCK_TRANSFER
    blocks = [apdu for apdu in received if apdu[0] == 0xE0]  # general-block-transfer
    assert len(blocks) > 20  # the read really came in GBT blocks of a 512-octet PDU
    assert len(with_gbt) == len(plain) > 900
    assert [r.timestamp for r in with_gbt] == [r.timestamp for r in plain]
    assert [r.values for r in with_gbt] == [r.values for r in plain]
