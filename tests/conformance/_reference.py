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

from dlmskit.apdu import ApplicationContextName
from dlmskit.conformance import AssociationSpec, Iut, SecurityMaterial, Timeouts
from dlmskit.conformance import reference_iut as packaged_reference_iut
from dlmskit.link.hdlc import StationSettings
from dlmskit.model.objects import SecurityServices, SecuritySetup
from dlmskit.security import Key, Mechanism, SecurityError, SecurityPolicy, SecuritySuite
from dlmskit.security.keywrap import unwrap_key
from dlmskit.server import Meter, MeterQuirks, MeterServer, SingleMeter
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


#: Associations of security suites 1 and 2 added to the model (HLS-GMAC, authenticated
#: encryption; suite 2 with AES-256 keys): (client, suite, unicast key, authentication key)
SUITE_ASSOCIATIONS = (
    (48, 1, "000102030405060708090A0B0C0D0E0F", "D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF"),
    (49, 2, "00112233445566778899AABBCCDDEEFF" * 2, "D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF" * 2),
)


def with_suites(data: dict[str, Any]) -> dict[str, Any]:
    """The model with an association of each of security suites 1 and 2."""
    device = data["logical_devices"][0]
    for client, suite, key, authentication in SUITE_ASSOCIATIONS:
        device["associations"].append(
            {
                "client": client,
                "object": f"0-0:40.0.{client}",
                "mechanism": "hls-gmac",
                "access": "default",
                "security": {
                    "policy": "authenticated-encrypted",
                    "suite": suite,
                    "setup": f"0-0:43.0.{client}",
                    "keys": {"unicast": key, "authentication": authentication, "master": key},
                },
            }
        )
    return data


def suites_iut() -> Iut:
    """The reference meter's description with the suite 1 and 2 associations."""
    iut = reference_iut()
    extra = tuple(
        AssociationSpec(
            f"suite-{suite}",
            client,
            context=ApplicationContextName.LOGICAL_NAME_WITH_CIPHERING,
            mechanism=Mechanism.HLS_GMAC,
            security=SecurityMaterial(
                suite=SecuritySuite(suite),
                policy=SecurityPolicy.from_v0(3),
                client_system_title=bytes.fromhex("4D4D4D0000000002"),
                encryption_key=Key(bytes.fromhex(key)),
                authentication_key=Key(bytes.fromhex(authentication)),
            ),
        )
        for client, suite, key, authentication in SUITE_ASSOCIATIONS
    )
    return dataclasses.replace(iut, associations=iut.associations + extra)


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


def with_key_transfer(meter: Meter, kek: bytes) -> None:
    """Give the management association's security setup (0-0:43.0.3) the key unwrapping the
    object model supports (the simulator's model does not wire it), and name it in the
    association's security_setup_reference."""
    objects = meter.logical_devices[1].objects
    setup = objects.find("0-0:43.0.3")
    association = objects.find("0-0:40.0.3")
    assert isinstance(setup, SecuritySetup) and association is not None

    def unwrap(key_id: int, wrapped: bytes) -> bytes | None:
        try:
            return unwrap_key(kek, wrapped).reveal()
        except SecurityError:
            return None

    setup.services = SecurityServices(unwrap_key=unwrap)
    association.store(9, bytes(setup.logical_name))


@contextlib.asynccontextmanager
async def reference_meter(
    quirks: Iterable[str] = (), *, small: bool = False, suites: bool = False, kek: bytes = b""
) -> AsyncIterator[dict[str, int]]:
    """The reference meter (with the named defects switched on) over the wrapper on TCP and
    HDLC over TCP; yields ``{"tcp": port, "hdlc+tcp": port}``."""
    data = reference_data(small=small)
    spec = dataclasses.replace(
        parse_model(with_suites(data) if suites else data), quirks=MeterQuirks.of(*quirks)
    )
    meter = build_meter(spec, 0, now=dt.datetime.now(dt.UTC))
    if kek:
        with_key_transfer(meter, kek)
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
