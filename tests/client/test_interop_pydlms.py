"""Interoperability: our client reads an independent meter, the pydlms-client simulator
(GPL, a test-only dependency, run as a subprocess on 127.0.0.1), over the wrapper and HDLC
over TCP, with every authentication mechanism it offers, plain and ciphered: the object
list, the clock, a register, the load profile."""

from __future__ import annotations

import contextlib
import datetime as dt
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from decimal import Decimal

import pytest

from dlmskit import Client
from dlmskit.association.ciphering import SecurityContext
from dlmskit.client import AssociationRefusedError
from dlmskit.cosem import DateTime, Obis, Unit
from dlmskit.model.schema import Quantity
from dlmskit.security import Key, Mechanism, SecurityPolicy, SymmetricKeys

pytest.importorskip("pydlms.simulator", reason="pydlms-client (test dependency) is not installed")
pytestmark = [pytest.mark.asyncio, pytest.mark.timeout(90)]

EK = "000102030405060708090A0B0C0D0E0F"
AK = "D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF"
KEYS = SymmetricKeys(unicast=Key(bytes.fromhex(EK)), authentication=Key(bytes.fromhex(AK)))
CLIENT_TITLE = bytes.fromhex("444C4D0000000007")
#: the client SAPs the simulator is started with: SAP -> (mechanism, secret)
PROFILES = {
    1: (Mechanism.HLS_GMAC, None),
    2: (Mechanism.NONE, None),
    3: (Mechanism.HLS_MD5, "secret3"),
    4: (Mechanism.HLS_SHA1, "secret4"),
    6: (Mechanism.HLS_SHA256, "secret6"),
    32: (Mechanism.LLS, "12345678"),
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextlib.contextmanager
def simulator(*, hdlc: bool, ciphered: bool) -> Iterator[int]:
    port = _free_port()
    command = [sys.executable, "-m", "pydlms.simulator", "--host", "127.0.0.1", "--port", str(port)]
    if hdlc:
        command.append("--hdlc")
    if ciphered:
        command += ["--key", EK, "--auth-key", AK]
    for sap, (mechanism, secret) in PROFILES.items():
        command += ["--client", f"{sap}:{int(mechanism)}" + (f":{secret}" if secret else "")]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
                break
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the pydlms simulator did not start")
            time.sleep(0.05)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _url(port: int, hdlc: bool) -> str:
    return f"{'hdlc+tcp' if hdlc else 'tcp'}://127.0.0.1:{port}"


async def _read_everything(client: Client) -> None:
    objects = await client.objects()
    names = {o.logical_name for o in objects}
    assert Obis.parse("1-0:1.8.0") in names and Obis.parse("0-0:1.0.0") in names
    clock = await client.get("0-0:1.0.0", 2)
    assert isinstance(clock, DateTime)
    assert clock.to_datetime() == dt.datetime(
        2024, 5, 1, 12, tzinfo=dt.timezone(dt.timedelta(hours=2))
    )
    energy = await client.get("1-0:1.8.0", 2)
    assert energy == Quantity(Decimal(12345678), Unit.WATT_HOUR, 0, energy.raw)
    voltage, serial = await client.get_many([("1-0:32.7.0", 2), ("0-0:96.1.0", 2)])
    assert voltage.value == Decimal("230.1") and str(serial) == "PYD0000000001"
    rows = [r async for r in client.profile("1-0:99.1.0")]
    assert len(rows) == 96 and rows[0].values[1].value == Decimal(1000)
    start = dt.datetime(2024, 5, 1, 2, tzinfo=dt.UTC)
    end = start + dt.timedelta(hours=1)
    window = [r async for r in client.profile("1-0:99.1.0", start=start, end=end)]
    assert [r.timestamp.to_datetime() for r in window] == [
        start + dt.timedelta(minutes=15 * i) for i in range(5)
    ]


@pytest.mark.parametrize("hdlc", [False, True], ids=["wrapper", "hdlc"])
async def test_public_client_reads_object_list_clock_register_profile(hdlc: bool) -> None:
    with simulator(hdlc=hdlc, ciphered=False) as port:
        async with Client(_url(port, hdlc), state_dir=False) as client:
            await _read_everything(client)


@pytest.mark.parametrize("hdlc", [False, True], ids=["wrapper", "hdlc"])
async def test_every_mechanism_plain_and_ciphered(hdlc: bool, tmp_path) -> None:
    for ciphered in (False, True):
        with simulator(hdlc=hdlc, ciphered=ciphered) as port:
            for sap, (mechanism, secret) in PROFILES.items():
                if mechanism is Mechanism.HLS_GMAC and not ciphered:
                    continue  # the simulator has GMAC keys only when ciphering
                security = (
                    SecurityContext(
                        keys=KEYS, system_title=CLIENT_TITLE, policy=SecurityPolicy.from_v0(3)
                    )
                    if ciphered
                    else None
                )
                async with Client(
                    _url(port, hdlc),
                    client_address=sap,
                    mechanism=mechanism,
                    password=secret,
                    security=security,
                    system_title=None if ciphered else CLIENT_TITLE,
                    state_dir=tmp_path / f"{hdlc}-{ciphered}",
                ) as client:
                    energy = await client.get("1-0:1.8.0", 2, class_id=3)
                    assert energy.value == Decimal(12345678), (sap, mechanism)


async def test_ciphered_with_dedicated_key_and_counter_read_first(tmp_path) -> None:
    security = SecurityContext(
        keys=KEYS, system_title=CLIENT_TITLE, policy=SecurityPolicy.from_v0(3)
    )
    with simulator(hdlc=False, ciphered=True) as port:
        url = _url(port, False)
        for _ in range(2):
            async with Client(
                url,
                client_address=1,
                mechanism=Mechanism.HLS_GMAC,
                security=security,
                dedicated_key=True,
                state_dir=tmp_path / "one",
            ) as client:
                await _read_everything(client)
        # a second client with a fresh state folder learns the meter's counter first
        async with Client(
            url,
            client_address=2,
            security=security,
            state_dir=tmp_path / "two",
            read_invocation_counter=True,
        ) as client:
            assert (await client.get("0-0:96.1.0", 2, class_id=1)) is not None


async def test_wrong_password_is_refused_with_the_diagnostic() -> None:
    with simulator(hdlc=False, ciphered=False) as port:
        client = Client(
            _url(port, False), client_address=32, mechanism=1, password="wrong", state_dir=False
        )
        with pytest.raises(AssociationRefusedError) as caught:
            await client.connect()
        assert "authentication-failure" in caught.value.reason
        assert client.link is None


async def test_short_name_referencing() -> None:
    """SN: the object list with base names, reads by short name (the scaler read the same
    way)."""
    with simulator(hdlc=False, ciphered=False) as port:
        async with Client(_url(port, False), short_names=True, state_dir=False) as client:
            assert client.negotiated.vaa_name == 0xFA00  # SN: the Association SN base name
            objects = await client.objects()
            energy_info = next(o for o in objects if o.logical_name == Obis.parse("1-0:1.8.0"))
            assert energy_info.base_name is not None
            energy = await client.get("1-0:1.8.0", 2)
            assert energy == Quantity(Decimal(12345678), Unit.WATT_HOUR, 0, energy.raw)
            clock = await client.get("0-0:1.0.0", 2)
            assert isinstance(clock, DateTime)
            serial = await client.get("0-0:96.1.0", 2)
            assert str(serial) == "PYD0000000001"


async def test_short_name_profile() -> None:
    """The buffer read by short name over HDLC (the pydlms simulator answers SN reads of the
    buffer whole: it does not implement SN selective access, so no range is asked here)."""
    with simulator(hdlc=True, ciphered=False) as port:
        async with Client(_url(port, True), short_names=True, state_dir=False) as client:
            rows = [r async for r in client.profile("1-0:99.1.0")]
            assert len(rows) == 96
            assert [r.values[1].value for r in rows[:3]] == [Decimal(v) for v in (1000, 1007, 1014)]
            assert rows[1].timestamp.to_datetime() == dt.datetime(2024, 5, 1, 0, 15, tzinfo=dt.UTC)
