"""The reference meter simulator served on 127.0.0.1 for the conformance tests, whole or cut
down to the objects the fault-injection runs need, and its IUT description."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
from collections.abc import AsyncIterator, Iterable
from importlib import resources
from typing import Any

import yaml

from dlmskit.conformance import Iut, Timeouts
from dlmskit.conformance import reference_iut as packaged_reference_iut
from dlmskit.link.hdlc import StationSettings
from dlmskit.server import MeterQuirks, MeterServer, SingleMeter
from dlmskit.simulator.model import REFERENCE_MODEL, build_meter, parse_model

FAST = Timeouts(response=1.0, silence=0.2, max_wait=5.0)
INACTIVITY = 1.0

#: The objects the cut-down meter keeps (with those its associations name as visible):
#: identification, the clock, the SAP assignment, the energy registers and their load
#: profile (a short history), a schedule with writable attributes. Enough for every test case
#: to have something to check.
SMALL_OBJECTS = frozenset(
    {
        "0-0:42.0.0",
        "0-0:96.1.0",
        "1-0:0.2.0",
        "0-0:1.0.0",
        "0-0:43.1.1",
        "0-0:43.1.3",
        "0-0:41.0.0",
        "0-0:96.10.1",
        "1-0:1.8.0",
        "1-0:2.8.0",
        "1-0:3.8.0",
        "1-0:99.1.0",
        "0-0:15.0.0",
        "0-0:10.0.1",
    }
)


def reference_data(*, small: bool = False) -> dict[str, Any]:
    text = resources.files("dlmskit.simulator").joinpath(REFERENCE_MODEL).read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    if small:
        for device in data["logical_devices"]:
            visible = {ln for a in device["associations"] for ln in a.get("visible", ())}
            kept = [o for o in device["objects"] if o["ln"] in SMALL_OBJECTS | visible]
            for obj in kept:
                if "history" in obj:
                    obj["history"] = {"entries": 12}
            device["objects"] = kept
    return data


def reference_iut() -> Iut:
    iut = packaged_reference_iut()
    return dataclasses.replace(
        iut, timeouts=FAST, hdlc=dataclasses.replace(iut.hdlc, inactivity_timeout=INACTIVITY)
    )


@contextlib.asynccontextmanager
async def reference_meter(
    quirks: Iterable[str] = (), *, small: bool = False
) -> AsyncIterator[dict[str, int]]:
    """The reference meter (with the named defects switched on) over the wrapper on TCP and
    HDLC over TCP; yields ``{"tcp": port, "hdlc+tcp": port}``."""
    spec = dataclasses.replace(
        parse_model(reference_data(small=small)), quirks=MeterQuirks.of(*quirks)
    )
    meter = build_meter(spec, 0, now=dt.datetime.now(dt.UTC))
    server = MeterServer(
        SingleMeter(meter),
        hdlc=StationSettings(inactivity_timeout=INACTIVITY, response_hold=0.2),
        inactivity_timeout=30.0,
    )
    wrapper = await server.serve_tcp("127.0.0.1", 0)
    hdlc = await server.serve_hdlc_tcp("127.0.0.1", 0)
    try:
        yield {
            "tcp": wrapper.sockets[0].getsockname()[1],
            "hdlc+tcp": hdlc.sockets[0].getsockname()[1],
        }
    finally:
        await server.close()
