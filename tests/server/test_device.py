"""Logical devices, meters and the routing of one connection's APDUs (sans-IO)."""

from __future__ import annotations

import datetime as dt

import pytest

from dlmskit import apdu
from dlmskit.apdu import (
    AARE,
    AssociationResult,
    Conformance,
    CosemAttributeDescriptor,
    DataAccessResult,
    GetRequestNormal,
    InitiateRequest,
    InvokeIdAndPriority,
)
from dlmskit.association import SecurityContext
from dlmskit.axdr import VisibleString
from dlmskit.errors import LocalProtocolError
from dlmskit.model.objects import AssociationLN, CosemObjects, DataObject
from dlmskit.security import Key, SymmetricKeys
from dlmskit.server import AssociationSettings, LogicalDevice, Meter, MeterConnection

NOW = dt.datetime(2024, 5, 1, tzinfo=dt.UTC)
AARQ = apdu.AARQ(
    apdu.ApplicationContextName.LOGICAL_NAME, InitiateRequest(Conformance(0x1E1F), 1024)
).encode()


def get(ln: str) -> bytes:
    return GetRequestNormal(InvokeIdAndPriority(1), CosemAttributeDescriptor(1, ln, 2)).encode()


def two_devices() -> Meter:
    management = LogicalDevice(
        1,
        CosemObjects(
            [AssociationLN(), DataObject("0-0:42.0.0", value=VisibleString("management"))]
        ),
        [AssociationSettings(16)],
        name=b"DLKmanagement",
    )
    second = LogicalDevice(
        2,
        CosemObjects([AssociationLN(), DataObject("0-0:96.1.0", value=VisibleString("LD2"))]),
        [AssociationSettings(16), AssociationSettings(17)],
    )
    return Meter([management, second])


def test_each_logical_device_has_its_own_objects_and_associations() -> None:
    connection = MeterConnection(two_devices())
    for sap in (1, 2):
        answer = apdu.decode(connection.receive(16, sap, AARQ, NOW)[0])
        assert isinstance(answer, AARE) and answer.result is AssociationResult.ACCEPTED
    one = apdu.decode(connection.receive(16, 1, get("0-0:96.1.0"), NOW)[0])
    two = apdu.decode(connection.receive(16, 2, get("0-0:96.1.0"), NOW)[0])
    assert one.result is DataAccessResult.OBJECT_UNDEFINED  # type: ignore[union-attr]
    assert two.result == VisibleString("LD2")  # type: ignore[union-attr]
    assert connection.receive(16, 9, AARQ, NOW) == []  # no such logical device
    refused = apdu.decode(connection.receive(99, 1, AARQ, NOW)[0])  # unconfigured client
    assert isinstance(refused, AARE) and refused.result is AssociationResult.REJECTED_PERMANENT
    assert connection.receive(99, 1, get("0-0:42.0.0"), NOW) == []
    connection.close(16, 1)
    assert (16, 1) not in connection.associations and (16, 2) in connection.associations
    connection.close()
    assert not connection.associations


def test_associations_per_connection_are_bounded() -> None:
    meter = two_devices()
    connection = MeterConnection(meter, max_associations=2)
    assert connection.receive(16, 1, AARQ, NOW)
    assert connection.receive(16, 2, AARQ, NOW)
    refused = apdu.decode(connection.receive(17, 2, AARQ, NOW)[0])  # a third association
    assert isinstance(refused, AARE) and refused.result is AssociationResult.REJECTED_TRANSIENT
    assert MeterConnection(meter).receive(17, 2, AARQ, NOW)


def test_counters_are_shared_per_key_and_guards_per_client() -> None:
    keys = SymmetricKeys(unicast=Key(bytes(16)), authentication=Key(bytes(16)))
    other = SymmetricKeys(unicast=Key(bytes(range(16))), authentication=Key(bytes(16)))
    title = bytes(8)
    device = LogicalDevice(
        1,
        CosemObjects([AssociationLN()]),
        [
            AssociationSettings(1, security=SecurityContext(keys, title)),
            AssociationSettings(2, security=SecurityContext(keys, title)),
            AssociationSettings(3, security=SecurityContext(other, title)),
            AssociationSettings(16),
        ],
    )
    assert device.counter(1) is device.counter(2) is not None
    assert device.counter(3) is not device.counter(1)
    assert device.counter(16) is None
    assert device.counter(1).value == 1  # type: ignore[union-attr]
    assert device.replay_guard(1) is device.replay_guard(1) is not device.replay_guard(2)


def test_configuration_errors() -> None:
    objects = CosemObjects([AssociationLN()])
    with pytest.raises(LocalProtocolError, match="SAP"):
        LogicalDevice(0, objects, [AssociationSettings(16)])
    with pytest.raises(LocalProtocolError, match="twice"):
        LogicalDevice(1, objects, [AssociationSettings(16), AssociationSettings(16)])
    with pytest.raises(LocalProtocolError, match="no association object"):
        LogicalDevice(1, objects, [AssociationSettings(16, "0-0:40.0.9")])
    with pytest.raises(LocalProtocolError, match="at least one"):
        Meter([])
    device = LogicalDevice(1, objects, [AssociationSettings(16)])
    with pytest.raises(LocalProtocolError, match="used twice"):
        Meter([device, device])
    with pytest.raises(LocalProtocolError, match="client SAP"):
        AssociationSettings(200)
