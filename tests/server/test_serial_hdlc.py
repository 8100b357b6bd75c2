"""The simulator over HDLC on a serial line: a socat pseudo-terminal pair, gurux-dlms as the
client on one end (pyserial), the meter server on the other (serialx). No mocks."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("gurux_dlms")
pytest.importorskip("serialx")
pytest.importorskip("serial")

from gurux_dlms import GXDLMSClient, GXReplyData
from gurux_dlms.enums import Authentication, InterfaceType

from _gurux import GuruxSession
from _running import Background
from dlmskit import axdr
from dlmskit.server import MeterServer
from dlmskit.simulator import MeterPool, load_model

NOW = dt.datetime(2024, 5, 1, 12, 7, 30, tzinfo=dt.UTC)


@contextlib.contextmanager
def socat_pair() -> Iterator[tuple[str, str]]:
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
            time.sleep(0.05)
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


def test_reader_over_hdlc_on_a_serial_line() -> None:
    pool = MeterPool(load_model(), clock=lambda: NOW)
    with socat_pair() as (client_end, meter_end):
        background = Background()
        server = MeterServer(pool.view(0), clock=lambda: NOW, inactivity_timeout=0.5)
        try:
            background.run(server.serve_hdlc_serial(meter_end))
            gx = GXDLMSClient(True, 32, 1, Authentication.LOW, "12345678", InterfaceType.HDLC)
            with GuruxSession(gx, client_end) as session:
                session.connect()
                reply = session.blocks(gx.getObjectsRequest(), GXReplyData())
                listed = gx.parseObjects(reply.data, True)
                assert len(listed) == 55
                meter = background.call(lambda: pool.meter(0))
                objects = meter.logical_devices[1].objects
                for ln, class_id in (("1.0.1.8.0.255", 3), ("0.0.1.0.0.255", 8)):
                    obj = next(o for o in listed if o.logicalName == ln)
                    _, raw = session.read(obj, 2)
                    model = background.call(lambda c=class_id, n=ln: objects.get(c, n, 2, now=NOW))
                    assert raw == axdr.encode(model.value)
                profile = next(o for o in listed if o.logicalName == "0.0.98.1.0.255")
                session.read(profile, 3)
                _, raw = session.read(profile, 2)
                rows = background.call(lambda: objects.get(7, "0-0:98.1.0", 2, now=NOW).value)
                assert axdr.decode(raw) == rows and len(rows) == 31
                session.release()
            time.sleep(1.0)  # longer than the inactivity time-out: a serial line stays served
            public = GXDLMSClient(True, 16, 1, Authentication.NONE, None, InterfaceType.HDLC)
            with GuruxSession(public, client_end) as session:
                session.connect()
                from gurux_dlms.objects import GXDLMSData

                value, _ = session.read(GXDLMSData("0.0.96.1.0.255"), 2)
                assert value == "DLK00000000"
                session.release()
        finally:
            background.run(server.close())
            background.stop()
