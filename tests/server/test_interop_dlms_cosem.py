"""dlms-cosem's client against the simulated reference meter over TCP, for what it supports:
GET (normal, datablocks, range selective access), SET and ACTION, at no security, LLS and
HLS-GMAC with authenticated encryption. dlms-cosem is BSL-licensed: a test-only peer."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

pytest.importorskip("dlms_cosem")

from dlms_cosem import cosem, dlms_data, enumerations
from dlms_cosem.client import DlmsClient
from dlms_cosem.cosem.capture_object import CaptureObject
from dlms_cosem.cosem.selective_access import RangeDescriptor
from dlms_cosem.io import BlockingTcpIO, TcpTransport
from dlms_cosem.security import (
    HighLevelSecurityGmacAuthentication,
    LowLevelSecurityAuthentication,
    NoSecurityAuthentication,
)

from _running import serving
from dlmskit import axdr
from dlmskit.cosem import DateTime
from dlmskit.simulator import MeterPool, load_model

NOW = dt.datetime(2024, 5, 1, 12, 7, 30, tzinfo=dt.UTC)
CI = enumerations.CosemInterface


@pytest.fixture(scope="module")
def simulator() -> Any:
    pool = MeterPool(load_model(), clock=lambda: NOW)
    with serving(pool.view(0), clock=lambda: NOW) as ports:
        ports["meter"] = ports["background"].call(lambda: pool.meter(0))
        yield ports


def dlms_client(kind: str, port: int) -> DlmsClient:
    extra: dict[str, Any] = {}
    if kind == "public":
        auth: Any = NoSecurityAuthentication()
        client_sap = 16
    elif kind == "reader":
        auth = LowLevelSecurityAuthentication(secret=b"12345678")
        client_sap = 32
    else:
        auth = HighLevelSecurityGmacAuthentication(challenge_length=32)
        client_sap = 1
        with dlms_client("public", port).session() as public:  # what the meter expects next
            counter = axdr.decode(public.get(attribute(CI.DATA, (0, 0, 43, 1, 3), 2)))
        extra = {
            "client_initial_invocation_counter": int(counter),
            "encryption_key": bytes.fromhex("000102030405060708090A0B0C0D0E0F"),
            "authentication_key": bytes.fromhex("D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF"),
            "client_system_title": b"DLMSCOSM",
        }
    transport = TcpTransport(
        client_logical_address=client_sap,
        server_logical_address=1,
        io=BlockingTcpIO("127.0.0.1", port),
    )
    return DlmsClient(transport=transport, authentication=auth, **extra)


def model(simulator: dict[str, Any], class_id: int, ln: str, index: int, **kw: Any) -> Any:
    objects = simulator["meter"].logical_devices[1].objects
    return simulator["background"].call(lambda: objects.get(class_id, ln, index, now=NOW, **kw))


def attribute(interface: Any, obis: tuple[int, ...], index: int) -> Any:
    return cosem.CosemAttribute(interface, cosem.Obis(*obis), index)


@pytest.mark.parametrize("kind", ["public", "reader", "management"])
def test_reads_equal_the_model(simulator: dict[str, Any], kind: str) -> None:
    with dlms_client(kind, simulator["tcp"]).session() as client:
        raw = client.get(attribute(CI.CLOCK, (0, 0, 1, 0, 0), 2))
        assert raw == axdr.encode(model(simulator, 8, "0-0:1.0.0", 2).value)
        raw = client.get(attribute(CI.DATA, (0, 0, 96, 1, 0), 2))
        assert raw == axdr.encode(model(simulator, 1, "0-0:96.1.0", 2).value)
        if kind == "public":
            return
        raw = client.get(attribute(CI.REGISTER, (1, 0, 1, 8, 0), 2))
        assert raw == axdr.encode(model(simulator, 3, "1-0:1.8.0", 2).value)
        whole = client.get(attribute(CI.PROFILE_GENERIC, (1, 0, 99, 1, 0), 2))  # datablocks
        rows = model(simulator, 7, "1-0:99.1.0", 2).value
        assert axdr.decode(whole) == rows and len(rows) == 960
        clock = attribute(CI.CLOCK, (0, 0, 1, 0, 0), 2)
        start = dt.datetime(2024, 5, 1, 7, 0, tzinfo=dt.UTC)
        end = dt.datetime(2024, 5, 1, 9, 0, tzinfo=dt.UTC)
        descriptor = RangeDescriptor(
            restricting_object=CaptureObject(cosem_attribute=clock),
            from_value=start,
            to_value=end,
        )
        raw = client.get(attribute(CI.PROFILE_GENERIC, (1, 0, 99, 1, 0), 2), descriptor)
        selected = axdr.decode(raw)
        assert selected == [
            r for r in rows if start <= DateTime.from_bytes(r[0]).to_datetime() <= end
        ]
        assert len(selected) == 9


def test_set_and_action_with_hls_gmac(simulator: dict[str, Any]) -> None:
    objects = simulator["meter"].logical_devices[1].objects
    with dlms_client("management", simulator["tcp"]).session() as client:
        tariff = attribute(CI.DATA, (0, 0, 96, 14, 0), 2)
        client.set(tariff, dlms_data.UnsignedIntegerData(2).to_bytes())
        assert simulator["background"].call(lambda: int(objects["0-0:96.14.0"].value(2))) == 2
        reset = cosem.CosemMethod(CI.REGISTER, cosem.Obis(1, 0, 1, 8, 2), 1)
        client.action(reset, dlms_data.IntegerData(0).to_bytes())
        assert int(model(simulator, 3, "1-0:1.8.2", 2).value) == 0
        raw = client.get(attribute(CI.REGISTER, (1, 0, 1, 8, 2), 2))
        assert axdr.decode(raw) == model(simulator, 3, "1-0:1.8.2", 2).value
