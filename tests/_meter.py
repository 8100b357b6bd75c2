"""A small logical device for the tests of the meter's association machine, and a client that
speaks to it APDU by APDU (no transport): public client 16 (no security, read-only), reader
32 (LLS), management client 1 (HLS-GMAC, authenticated encryption), pre-established 102."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dlmskit import apdu
from dlmskit.apdu import (
    AARE,
    AARQ,
    ACSE_AUTHENTICATION,
    ApplicationContextName,
    AuthenticationValue,
    Conformance,
    InitiateRequest,
    InvokeIdAndPriority,
    MechanismName,
)
from dlmskit.association import Ciphering, SecurityContext
from dlmskit.association.server import LN_CONFORMANCE, AssociationSettings, ServerAssociation
from dlmskit.axdr import DoubleLong, DoubleLongUnsigned, Integer, LongUnsigned, VisibleString
from dlmskit.cosem import ScalerUnit, Unit
from dlmskit.model.objects import (
    AssociationLN,
    Clock,
    CosemObjects,
    DataObject,
    ObjectRights,
    ProfileGeneric,
    Register,
)
from dlmskit.security import (
    Credentials,
    InvocationCounter,
    Key,
    Mechanism,
    SecurityPolicy,
    SymmetricKeys,
    new_challenge,
    respond,
    verify,
)

NOW = dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.UTC)
EK = bytes.fromhex("000102030405060708090a0b0c0d0e0f")
AK = bytes.fromhex("d0d1d2d3d4d5d6d7d8d9dadbdcdddedf")
BK = bytes.fromhex("404142434445464748494a4b4c4d4e4f")
KEYS = SymmetricKeys(unicast=Key(EK), authentication=Key(AK), broadcast=Key(BK))
METER_TITLE = bytes.fromhex("4d4d4d0000bc614e")
CLIENT_TITLE = bytes.fromhex("4142434445464748")
PASSWORD = b"12345678"
ENERGY = "1-0:1.8.0"
POWER = "1-0:16.7.0"
SERIAL = "0-0:96.1.0"
PROFILE = "1-0:99.1.0"
CLOCK = "0-0:1.0.0"
PUBLIC_AA = "0-0:40.0.1"
READER_AA = "0-0:40.0.2"
MANAGEMENT_AA = "0-0:40.0.3"
BROADCAST_AA = "0-0:40.0.4"
POLICY = SecurityPolicy.from_v0(3)

CLOCK_COLUMN = (LongUnsigned(8), bytes([0, 0, 1, 0, 0, 255]), Integer(2), LongUnsigned(0))
ENERGY_COLUMN = (LongUnsigned(3), bytes([1, 0, 1, 8, 0, 255]), Integer(2), LongUnsigned(0))


def _read_only(obj: Any) -> ObjectRights:
    return ObjectRights({a.index: 1 for a in obj.definition.attributes}, {})


def device(*, history: int = 8) -> CosemObjects:
    """The objects of management logical device 1, with ``history`` profile rows."""
    clock = Clock(CLOCK)
    energy = Register(
        ENERGY, value=DoubleLongUnsigned(1234), scaler_unit=ScalerUnit(0, Unit.WATT_HOUR)
    )
    power = Register(POWER, value=DoubleLong(-5), scaler_unit=ScalerUnit(-1, Unit.WATT))
    serial = DataObject(SERIAL, value=VisibleString("DLK0001234"))
    profile = ProfileGeneric(
        PROFILE,
        capture_objects=[CLOCK_COLUMN, ENERGY_COLUMN],
        capture_period=DoubleLongUnsigned(0),
        profile_entries=DoubleLongUnsigned(1000),
    )
    data = [clock, energy, power, serial, profile]
    public = AssociationLN(
        PUBLIC_AA,
        visible=[CLOCK, ENERGY, SERIAL, PUBLIC_AA],
        rights={
            ln: _read_only(obj) for ln, obj in ((CLOCK, clock), (ENERGY, energy), (SERIAL, serial))
        }
        | {PUBLIC_AA: ObjectRights({i: 1 for i in range(1, 12) if i != 7}, {})},
    )
    reader = AssociationLN(
        READER_AA,
        secret=PASSWORD,
        visible=[CLOCK, ENERGY, POWER, SERIAL, PROFILE, READER_AA],
        rights={ENERGY: _read_only(energy), POWER: _read_only(power)},
    )
    management = AssociationLN(MANAGEMENT_AA, secret=b"unused-hls-secret")
    broadcast = AssociationLN(BROADCAST_AA, visible=[CLOCK, BROADCAST_AA])
    objects = CosemObjects([*data, public, reader, management, broadcast])
    for i in range(history):  # one row per quarter hour before NOW
        energy.store(2, DoubleLongUnsigned(1000 + 10 * i))
        profile.capture(NOW - dt.timedelta(minutes=15 * (history - i)))
    energy.store(2, DoubleLongUnsigned(1234))
    return objects


def settings(client: int) -> AssociationSettings:
    if client == 16:
        return AssociationSettings(16, PUBLIC_AA)
    if client == 32:
        return AssociationSettings(32, READER_AA, Mechanism.LLS)
    if client == 1:
        return AssociationSettings(
            1,
            MANAGEMENT_AA,
            Mechanism.HLS_GMAC,
            SecurityContext(KEYS, METER_TITLE, POLICY),
        )
    if client == 102:
        return AssociationSettings(
            102,
            BROADCAST_AA,
            security=SecurityContext(KEYS, METER_TITLE, SecurityPolicy.NOTHING),
            pre_established=True,
            client_system_title=CLIENT_TITLE,
        )
    raise ValueError(client)


def meter(
    client: int = 16, objects: CosemObjects | None = None, **kwargs: Any
) -> ServerAssociation:
    return ServerAssociation(
        objects if objects is not None else device(), settings(client), **kwargs
    )


def aarq(
    *,
    context: ApplicationContextName = ApplicationContextName.LOGICAL_NAME,
    conformance: int = int(LN_CONFORMANCE),
    max_pdu: int = 0xFFFF,
    mechanism: MechanismName | None = None,
    value: bytes | None = None,
    **fields: Any,
) -> AARQ:
    initiate = InitiateRequest(Conformance(conformance), max_pdu)
    return AARQ(
        context,
        fields.pop("user_information", initiate),
        sender_acse_requirements=ACSE_AUTHENTICATION if mechanism is not None else None,
        mechanism_name=mechanism.oid if mechanism is not None else None,
        calling_authentication_value=AuthenticationValue(value) if value is not None else None,
        **fields,
    )


def iip(n: int = 1) -> InvokeIdAndPriority:
    return InvokeIdAndPriority(n)


def ask(meter: ServerAssociation, request: Any, now: dt.datetime = NOW) -> Any:
    """Send a plain request (an APDU object or bytes); the one decoded answer."""
    data = request if isinstance(request, bytes) else request.encode()
    out = meter.receive(data, now)
    assert len(out) == 1, out
    return apdu.decode(out[0])


def associate(meter: ServerAssociation, **kwargs: Any) -> AARE:
    answer = ask(meter, aarq(**kwargs))
    assert isinstance(answer, AARE)
    return answer


class SecureClient:
    """The management client's side: HLS-GMAC with authenticated encryption."""

    def __init__(self, meter: ServerAssociation, *, dedicated_key: bytes | None = None) -> None:
        self.meter = meter
        self.ciphering = Ciphering(
            SecurityContext(KEYS, CLIENT_TITLE, POLICY),
            client=True,
            counter=InvocationCounter(),
        )
        self.dedicated_key = dedicated_key
        self.ctos = new_challenge(Mechanism.HLS_GMAC)

    def aarq(self, **kwargs: Any) -> AARQ:
        initiate = InitiateRequest(
            kwargs.pop("conformance", LN_CONFORMANCE), 1200, dedicated_key=self.dedicated_key
        )
        protected = apdu.decode(self.ciphering.protect(initiate.encode(), dedicated=False))
        fields: dict[str, Any] = {
            "context": ApplicationContextName.LOGICAL_NAME_WITH_CIPHERING,
            "mechanism": MechanismName.HIGH_GMAC,
            "value": self.ctos,
            "calling_ap_title": CLIENT_TITLE,
            "user_information": protected,
        }
        return aarq(**(fields | kwargs))

    def associate(self) -> AARE:
        aare = ask(self.meter, self.aarq())
        assert isinstance(aare, AARE)
        assert aare.responding_ap_title is not None
        self.ciphering.set_peer_system_title(aare.responding_ap_title)
        if self.dedicated_key is not None:
            self.ciphering.set_dedicated_key(self.dedicated_key)
        assert aare.responding_authentication_value is not None
        self.stoc = aare.responding_authentication_value.value
        return aare

    def f_stoc(self) -> bytes:
        return respond(
            Mechanism.HLS_GMAC,
            challenge=self.stoc,
            own_challenge=self.ctos,
            credentials=Credentials(keys=KEYS),
            own_system_title=CLIENT_TITLE,
            invocation_counter=self.ciphering.counter,
        )

    def check_f_ctos(self, f_ctos: bytes) -> None:
        verify(
            Mechanism.HLS_GMAC,
            f_ctos,
            challenge=self.ctos,
            peer_challenge=self.stoc,
            credentials=Credentials(keys=KEYS),
            own_system_title=CLIENT_TITLE,
            peer_system_title=METER_TITLE,
        )

    def send(self, request: Any, now: dt.datetime = NOW, **protect: Any) -> list[bytes]:
        data = request if isinstance(request, bytes) else request.encode()
        return self.meter.receive(self.ciphering.protect(data, **protect), now)

    def request(self, request: Any, now: dt.datetime = NOW, **protect: Any) -> Any:
        """Send protected, return the one answer deciphered and decoded."""
        out = self.send(request, now, **protect)
        assert len(out) == 1, out
        return apdu.decode(self.open(out[0]))

    def open(self, answer: bytes) -> bytes:
        from dlmskit.security import is_ciphered_tag

        if not is_ciphered_tag(answer[0]):
            return answer
        return self.ciphering.unprotect(answer).plaintext

    def authenticate(self) -> Any:
        from dlmskit.apdu import ActionRequestNormal, CosemMethodDescriptor

        method = CosemMethodDescriptor(15, "0-0:40.0.0", 1)
        return self.request(ActionRequestNormal(iip(2), method, self.f_stoc()))
