"""The synchronous facade, and connection strings."""

from __future__ import annotations

import asyncio
import threading

import pytest

from _client_meter import ENERGY, PROFILE, SERIAL, make_meter
from _meter_servers import serve
from dlmskit import SyncClient
from dlmskit.axdr import VisibleString
from dlmskit.client import ClientStateError, Target
from dlmskit.client.target import TargetError

pytestmark = pytest.mark.timeout(60)


def test_sync_client() -> None:
    """The facade runs its own event loop; the meter runs in a thread with another."""
    meter = make_meter()
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    found: list[str] = []
    stop: list[asyncio.Event] = []

    async def serve_until_stopped() -> None:
        stop.append(asyncio.Event())
        async with serve(meter, "wrapper") as url:
            found.append(url)
            ready.set()
            await stop[0].wait()

    thread = threading.Thread(
        target=loop.run_until_complete, args=(serve_until_stopped(),), daemon=True
    )
    thread.start()
    assert ready.wait(10)
    try:
        with SyncClient(found[0], state_dir=False) as meter_client:
            assert meter_client.get(SERIAL, 2, class_id=1) == VisibleString("METER-0001")
            rows = list(meter_client.profile(PROFILE, from_entry=1, to_entry=3))
            assert len(rows) == 3
            assert meter_client.objects()[0].logical_name == ENERGY
        with pytest.raises(ClientStateError):
            meter_client.get(SERIAL, 2, class_id=1)
    finally:
        loop.call_soon_threadsafe(stop[0].set)
        thread.join(5)
        loop.close()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("tcp://meter:4059", ("wrapper", "tcp", "meter", 4059, "", 16, 1)),
        ("tcp://meter", ("wrapper", "tcp", "meter", 4059, "", 16, 1)),
        ("udp://10.0.0.1:4059?client=1&server=1", ("wrapper", "udp", "10.0.0.1", 4059, "", 1, 1)),
        ("hdlc+tcp://h:4000?server=1&physical=17", ("hdlc", "tcp", "h", 4000, "", 16, 1)),
        ("serial:///dev/ttyUSB0?baud=9600", ("hdlc", "serial", "", 0, "/dev/ttyUSB0", 16, 1)),
    ],
)
def test_connection_strings(url, expected):
    t = Target.parse(url)
    assert (
        t.link,
        t.transport,
        t.host,
        t.port,
        t.device,
        t.client_address,
        t.server_address,
    ) == expected


def test_connection_string_options_and_errors():
    t = Target.parse("serial:///dev/ttyUSB0?mode_e=1", client_address=1, address_size=4)
    assert t.mode_e and t.client_address == 1 and t.address_size == 4
    assert "mode E" in t.describe()
    for bad in (
        "ftp://x:1",
        "tcp://:4059",
        "hdlc+tcp://h:1?server=200&address_size=2",
        "tcp://h:1?mode_e=1",
        "tcp://h:1?nonsense=1",
        "hdlc+tcp://h:1?address_size=3",
        "serial://",
        "hdlc+tcp://h:1?client=300",
    ):
        with pytest.raises(TargetError):
            Target.parse(bad)
    with pytest.raises(TargetError):
        Target.parse("tcp://h:1?client=1", client_address=2)  # two different answers
