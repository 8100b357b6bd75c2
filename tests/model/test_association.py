"""Association LN / SN, SAP assignment, Security setup and the communication setups."""

from __future__ import annotations

import datetime as dt
import hmac
import logging
from typing import Any

import pytest

from dlmskit import axdr
from dlmskit.axdr import BitString, DoubleLongUnsigned, Enum, Integer, LongUnsigned, Unsigned
from dlmskit.cosem import Obis, ScalerUnit, Unit
from dlmskit.model import ActionResult, DataAccessResult
from dlmskit.model.enums import AssociationStatus, KeyId
from dlmskit.model.objects import (
    AssociationLN,
    AssociationSN,
    CertificateInfo,
    Clock,
    CosemObjects,
    DataObject,
    IecHdlcSetup,
    Ipv4Setup,
    ObjectRights,
    ProfileGeneric,
    Register,
    SapAssignment,
    SecurityServices,
    SecuritySetup,
    TcpUdpSetup,
)

NOW = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)
SECRET = b"hls-secret-12345"
ENERGY = "1-0:1.8.0"


def meter(**association: Any) -> tuple[CosemObjects, AssociationLN]:
    energy = Register(
        ENERGY, value=DoubleLongUnsigned(5), scaler_unit=ScalerUnit(0, Unit.WATT_HOUR)
    )
    serial = DataObject("0-0:96.1.0", value=axdr.VisibleString("1234"))
    profile = ProfileGeneric("1-0:99.1.0")
    current = AssociationLN(
        "0-0:40.0.0",
        associated_partners_id=(Integer(16), LongUnsigned(1)),
        secret=SECRET,
        **association,
    )
    return CosemObjects([Clock(), energy, serial, profile, current]), current


def test_object_list_shows_every_object_with_default_rights() -> None:
    objects, association = meter()
    object_list = objects.get(15, "0-0:40.0.0", 2, now=NOW).value
    names = [Obis.from_bytes(e[2]) for e in object_list]
    assert Obis.parse(ENERGY) in names and Obis.parse("0-0:40.0.0") in names
    energy = next(e for e in object_list if Obis.from_bytes(e[2]) == Obis.parse(ENERGY))
    class_id, version, _ln, (attributes, methods) = energy
    assert (class_id, version) == (3, 0)
    assert [(int(a[0]), int(a[1])) for a in attributes] == [(1, 1), (2, 3), (3, 3)]
    assert [(int(m[0]), int(m[1])) for m in methods] == [(1, 1)]  # reset is implemented
    profile = next(e for e in object_list if e[0] == 7)
    assert profile[3][0][1][2] == [Integer(1), Integer(2)]  # buffer: selective access 1, 2
    get_class_version = {int(e[0]) for e in object_list}
    assert get_class_version == {1, 3, 7, 8, 15}
    association.schema(2).validate(object_list)


def test_visibility_and_rights_are_per_association() -> None:
    rights = {ENERGY: ObjectRights({1: 1, 2: 1, 3: 1}, {1: 0})}
    objects, reader = meter(visible=[ENERGY, "0-0:40.0.0"], rights=rights)
    listed = [Obis.from_bytes(e[2]) for e in objects.get(15, "0-0:40.0.0", 2, now=NOW).value]
    assert listed == [Obis.parse(ENERGY), Obis.parse("0-0:40.0.0")]
    assert reader.check_get(3, ENERGY, 2) is None
    assert reader.check_set(3, ENERGY, 2) is DataAccessResult.READ_WRITE_DENIED
    assert reader.check_action(3, ENERGY, 1) is ActionResult.READ_WRITE_DENIED
    assert reader.check_get(1, "0-0:96.1.0", 2) is DataAccessResult.OBJECT_UNDEFINED
    assert reader.check_get(1, ENERGY, 2) is DataAccessResult.OBJECT_CLASS_INCONSISTENT
    # add_object makes another object visible with the rights it carries
    element = (
        LongUnsigned(1),
        Unsigned(0),
        bytes([0, 0, 96, 1, 0, 255]),
        ([(Integer(2), Enum(1), None)], []),
    )
    assert objects.action(15, "0-0:40.0.0", 3, element, now=NOW).ok
    assert reader.check_get(1, "0-0:96.1.0", 2) is None
    assert reader.check_get(1, "0-0:96.1.0", 1) is DataAccessResult.READ_WRITE_DENIED
    assert objects.action(15, "0-0:40.0.0", 4, element, now=NOW).ok
    assert reader.check_get(1, "0-0:96.1.0", 2) is DataAccessResult.OBJECT_UNDEFINED
    assert objects.action(15, "0-0:40.0.0", 4, element, now=NOW).result is ActionResult.OTHER_REASON
    ghost = (LongUnsigned(1), Unsigned(0), bytes([9, 9, 9, 9, 9, 9]), ([], []))
    assert objects.action(15, "0-0:40.0.0", 3, ghost, now=NOW).result is ActionResult.OTHER_REASON


def test_authenticated_access_modes_of_version_2() -> None:
    rights = {ENERGY: ObjectRights({2: 6}, {1: 2})}
    _objects, association = meter(rights=rights, version=2)
    assert (
        association.check_get(3, ENERGY, 2, authenticated=False)
        is DataAccessResult.READ_WRITE_DENIED
    )
    assert association.check_set(3, ENERGY, 2, authenticated=True) is None
    assert (
        association.check_action(3, ENERGY, 1, authenticated=False)
        is ActionResult.READ_WRITE_DENIED
    )
    assert association.check_action(3, ENERGY, 1) is None


def test_hls_reply_is_injected_and_changes_the_status(caplog: pytest.LogCaptureFixture) -> None:
    challenge = b"server-challenge"

    def reply(f_stoc: bytes) -> bytes | None:
        expected = hmac.new(SECRET, challenge, "sha256").digest()
        if not hmac.compare_digest(f_stoc, expected):
            return None
        return hmac.new(SECRET, b"client-challenge", "sha256").digest()

    objects, association = meter(reply_to_hls=reply)
    association.set_status(AssociationStatus.ASSOCIATION_PENDING)
    caplog.set_level(logging.DEBUG, logger="dlmskit")
    wrong = objects.action(15, "0-0:40.0.0", 1, b"\x00" * 32, now=NOW)
    assert wrong.result is ActionResult.OTHER_REASON
    assert association.status is AssociationStatus.ASSOCIATION_PENDING
    good = objects.action(
        15, "0-0:40.0.0", 1, hmac.new(SECRET, challenge, "sha256").digest(), now=NOW
    )
    assert good.ok and good.data == hmac.new(SECRET, b"client-challenge", "sha256").digest()
    assert association.status is AssociationStatus.ASSOCIATED
    # the secret is never readable nor shown
    assert objects.get(15, "0-0:40.0.0", 7, now=NOW).result is DataAccessResult.READ_WRITE_DENIED
    assert SECRET.decode() not in repr(association)
    assert SECRET.decode() not in caplog.text
    changed: list[bytes] = []
    association.on_secret_changed = changed.append
    assert objects.action(15, "0-0:40.0.0", 2, b"new-secret", now=NOW).ok
    assert changed == [b"new-secret"] and association.secret == b"new-secret"
    assert association.lls_matches(b"new-secret") and not association.lls_matches(b"new-secreT")
    assert objects.set(15, "0-0:40.0.0", 7, b"lls", now=NOW) is DataAccessResult.SUCCESS
    assert association.lls_matches(b"lls")


def test_users_of_version_2() -> None:
    objects, association = meter(version=2)
    user = (Unsigned(1), axdr.VisibleString("operator"))
    assert objects.action(15, "0-0:40.0.0", 5, user, now=NOW).ok
    assert association.value("user_list") == [user]
    assert objects.action(15, "0-0:40.0.0", 6, user, now=NOW).ok
    assert objects.action(15, "0-0:40.0.0", 6, user, now=NOW).result is ActionResult.OTHER_REASON


def test_version_0_method_rights_are_booleans() -> None:
    objects, association = meter(version=0)
    element = next(e for e in objects.get(15, "0-0:40.0.0", 2, now=NOW).value if e[0] == 3)
    assert element[3][1] == [(Integer(1), True)]
    association.schema(2).validate(objects.get(15, "0-0:40.0.0", 2, now=NOW).value)


def test_association_sn_base_names_and_resolution() -> None:
    energy = Register(ENERGY, value=DoubleLongUnsigned(5))
    sn = AssociationSN("0-0:40.0.0", version=2, base_names={ENERGY: 0x2000})
    objects = CosemObjects([energy, sn])
    object_list = objects.get(12, "0-0:40.0.0", 2, now=NOW).value
    assert (
        axdr.Long(0x2000),
        LongUnsigned(3),
        Unsigned(0),
        bytes([1, 0, 1, 8, 0, 255]),
    ) in object_list
    assert sn.resolve(0x2008) == (energy, 2)
    assert sn.resolve(0x2004) is None
    assert sn.resolve(0x2018) is None
    rights = objects.get(12, "0-0:40.0.0", 3, now=NOW).value
    sn.schema(3).validate(rights)
    assert objects.action(12, "0-0:40.0.0", 5, b"lls", now=NOW).ok and sn.lls_matches(b"lls")
    assert objects.action(12, "0-0:40.0.0", 3, [], now=NOW).result is ActionResult.OTHER_REASON


def test_sap_assignment_connects_and_disconnects_logical_devices() -> None:
    sap = SapAssignment(SAP_assignment_list=[(LongUnsigned(1), b"MAN1234567")])
    objects = CosemObjects([sap])
    assert objects.action(17, "0-0:41.0.0", 1, (LongUnsigned(17), b"MAN0000002"), now=NOW).ok
    assert sap.sap_of(b"MAN0000002") == 17
    assert (
        objects.action(17, "0-0:41.0.0", 1, (LongUnsigned(1), b"MAN0000003"), now=NOW).result
        is ActionResult.OTHER_REASON
    )
    assert objects.action(17, "0-0:41.0.0", 1, (LongUnsigned(0), b"MAN0000002"), now=NOW).ok
    assert sap.sap_of(b"MAN0000002") is None


def test_security_setup_policy_keys_and_certificates() -> None:
    installed: list[dict[int, bytes]] = []
    services = SecurityServices(
        unwrap_key=lambda key_id, wrapped: wrapped[::-1] if len(wrapped) == 24 else None,
        agree_key=lambda key_id, data: (b"K" * 16, b"server-" + data),
        generate_key_pair=lambda kind: kind in (0, 1),
        certificate_request=lambda kind: b"CSR-DER",
        parse_certificate=lambda der: (
            CertificateInfo(0, 1, b"\x01", b"CA", b"CN=MAN1234567", b"")
            if der.startswith(b"0")
            else None
        ),
        keys_changed=installed.append,
    )
    v1 = SecuritySetup(services=services, version=1, security_policy=Enum(0x04))
    objects = CosemObjects([v1])
    ln = "0-0:43.0.0"
    assert objects.action(64, ln, 1, Enum(0x0C), now=NOW).ok  # adds encryption: stronger
    assert objects.action(64, ln, 1, Enum(0x08), now=NOW).result is ActionResult.OTHER_REASON
    assert objects.set(64, ln, 2, Enum(0x04), now=NOW) is DataAccessResult.OTHER_REASON
    wrapped = [(Enum(KeyId.UNICAST_ENCRYPTION), bytes(range(24)))]
    assert objects.action(64, ln, 2, wrapped, now=NOW).ok
    assert v1.keys == {0: bytes(range(24))[::-1]} and installed[-1] == v1.keys
    assert (
        objects.action(64, ln, 2, [(Enum(2), b"short")], now=NOW).result
        is ActionResult.OTHER_REASON
    )
    assert bytes(range(24))[::-1].hex() not in repr(v1)
    agreed = objects.action(64, ln, 3, [(Enum(0), b"ephemeral")], now=NOW)
    assert agreed.ok and agreed.data == [(Enum(0), b"server-ephemeral")]
    assert objects.action(64, ln, 4, Enum(1), now=NOW).ok
    assert objects.action(64, ln, 4, Enum(2), now=NOW).result is ActionResult.OTHER_REASON
    assert objects.action(64, ln, 5, Enum(0), now=NOW).data == b"CSR-DER"
    assert objects.action(64, ln, 6, b"0\x82cert", now=NOW).ok
    assert objects.action(64, ln, 6, b"junk", now=NOW).result is ActionResult.OTHER_REASON
    certificates = objects.get(64, ln, 6, now=NOW).value
    assert certificates == [(Enum(0), Enum(1), b"\x01", b"CA", b"CN=MAN1234567", b"")]
    by_serial = (Enum(1), (b"\x01", b"CA"))
    assert objects.action(64, ln, 7, by_serial, now=NOW).data == b"0\x82cert"
    by_entity = (Enum(0), (Enum(0), Enum(1), b"MAN1234567"))
    assert objects.action(64, ln, 8, by_entity, now=NOW).ok
    assert objects.get(64, ln, 6, now=NOW).value == []
    assert objects.action(64, ln, 8, by_entity, now=NOW).result is ActionResult.OTHER_REASON
    v0 = SecuritySetup("0-0:43.0.1", version=0)
    objects.add(v0)
    assert objects.action(64, "0-0:43.0.1", 1, Enum(3), now=NOW).ok
    assert objects.action(64, "0-0:43.0.1", 1, Enum(1), now=NOW).result is ActionResult.OTHER_REASON
    assert objects.action(64, "0-0:43.0.1", 2, wrapped, now=NOW).result is ActionResult.OTHER_REASON


@pytest.mark.parametrize(
    ("index", "good", "bad"),
    [
        (3, Unsigned(7), Unsigned(8)),
        (5, LongUnsigned(2030), LongUnsigned(2031)),
        (6, LongUnsigned(32), LongUnsigned(31)),
        (7, LongUnsigned(20), LongUnsigned(19)),
        (9, LongUnsigned(0x3FFD), LongUnsigned(0x3FFE)),
        (2, Enum(9), Enum(10)),
    ],
)
def test_hdlc_setup_limits(index: int, good: Any, bad: Any) -> None:
    hdlc = IecHdlcSetup()
    objects = CosemObjects([hdlc])
    assert objects.set(23, "0-0:22.0.0", index, bad, now=NOW) is DataAccessResult.OTHER_REASON
    assert objects.set(23, "0-0:22.0.0", index, good, now=NOW) is DataAccessResult.SUCCESS
    assert hdlc.parameters().baud_rate in (9600, 115200)


def test_hdlc_setup_version_0_has_one_octet_lengths() -> None:
    hdlc = IecHdlcSetup(version=0)
    objects = CosemObjects([hdlc])
    assert (
        objects.set(23, "0-0:22.0.0", 5, LongUnsigned(128), now=NOW)
        is DataAccessResult.TYPE_UNMATCHED
    )
    assert objects.set(23, "0-0:22.0.0", 5, Unsigned(129), now=NOW) is DataAccessResult.OTHER_REASON
    assert hdlc.parameters().max_info_field_length_transmit == 128


def test_tcp_udp_and_ipv4_setup() -> None:
    tcp = TcpUdpSetup()
    ip = Ipv4Setup()
    objects = CosemObjects([tcp, ip])
    assert tcp.value("TCP-UDP_port") == 4059
    assert (
        objects.set(41, "0-0:25.0.0", 4, LongUnsigned(39), now=NOW) is DataAccessResult.OTHER_REASON
    )
    assert objects.set(41, "0-0:25.0.0", 5, Unsigned(0), now=NOW) is DataAccessResult.OTHER_REASON
    ip.set_address("IP_address", "192.168.1.20")
    assert objects.get(42, "0-0:25.1.0", 3, now=NOW).value == DoubleLongUnsigned(0xC0A80114)
    assert str(ip.address()) == "192.168.1.20"
    group = DoubleLongUnsigned(0xE0000001)
    assert objects.action(42, "0-0:25.1.0", 1, group, now=NOW).ok
    assert objects.action(42, "0-0:25.1.0", 1, group, now=NOW).ok
    assert objects.action(42, "0-0:25.1.0", 3, Integer(0), now=NOW).data == LongUnsigned(1)
    assert objects.action(42, "0-0:25.1.0", 2, group, now=NOW).ok
    assert objects.action(42, "0-0:25.1.0", 2, group, now=NOW).result is ActionResult.OTHER_REASON
    assert BitString("1").bit(0)
