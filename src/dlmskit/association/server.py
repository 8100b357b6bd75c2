"""The meter's side of an application association, sans-IO (IEC 62056-5-3).

:class:`ServerAssociation` is what a meter runs for one client (one client SAP on one
logical device, over one connection): APDU bytes in, APDU bytes out, events beside them.
It does no IO and reads no clock -- ``now`` (an aware :class:`datetime.datetime`) comes in
with every APDU and goes to the object model.

>>> import datetime as dt
>>> from dlmskit.model.objects import AssociationLN, CosemObjects, Clock
>>> objects = CosemObjects([AssociationLN(), Clock()])
>>> meter = ServerAssociation(objects, AssociationSettings(client_sap=16))
>>> now = dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.UTC)
>>> aare = meter.receive(bytes.fromhex(
...     "601da109060760857405080101be10040e01000000065f1f0400007e1f04b0"), now)[0]
>>> aare.hex()
'6129a109060760857405080101a203020100a305a103020100be10040e0800065f1f0400001e1d04000007'
>>> meter.state
<ServerState.ASSOCIATED: 'associated'>
>>> meter.receive(bytes.fromhex("c001c100080000010000ff0300"), now)[0].hex()
'c401c100100000'

What it does, in the order a request meets it:

* **Establishment.** The AARQ is checked as IEC 62056-5-3 and the DLMS UA conformance tests
  expect (see ``CONFORMANCE.md``): protocol version, application context, calling AP title
  (a ciphered context needs the client's 8-octet system title), authentication mechanism
  and value (LLS password; HLS challenge), the xDLMS InitiateRequest (ciphered per policy,
  DLMS version 6, PDU size at least 12, no dedicated key without ciphering, conformance
  proposed AND supported not empty). A refusal is an AARE with the diagnostic that names
  the cause; HLS is accepted with authentication-required and StoC, then only
  reply_to_HLS_authentication on the current association is served until pass 3 verifies.
  Unused or dummy AARQ fields are ignored.
* **Protection.** Ciphered requests (glo-, ded-, general-glo/ded-ciphering) are opened by
  the association's :class:`~dlmskit.association.ciphering.Ciphering` (policy, replay,
  dedicated key, peer system title) and answered in the same form. Plain requests where the
  policy wants protected ones are refused.
* **Services.** GET/SET/ACTION in every variant (normal, with list, datablocks both ways),
  ACCESS, general block transfer, selective access, and -- when the association object is
  an Association SN -- Read, Write and UnconfirmedWrite by short name. Only the services of
  the negotiated conformance are served; a response longer than the client's maximum
  receive PDU size goes out in blocks -- GET datablocks are cut as they are asked for, the
  value encoded piece by piece, so the first block of a long profile leaves before its last
  row is encoded. ``0.0.40.0.0.255`` is the association in use.
* **Refusals are values.** A missing object, denied access, a wrong type, an unsupported
  service, an out-of-state or undecodable request: each gets its data-access-result,
  action-result, exception-response or confirmed-service-error. Nothing a client sends
  makes :meth:`ServerAssociation.receive` raise or end the association.

The refusals, where IEC 62056-5-3 leaves the choice to the meter or the public material
does not say (named here so that a test can hold the meter to them):

===============================================  ==============================================
situation                                        answer
===============================================  ==============================================
an xDLMS request without an association          exception-response service-not-allowed /
                                                 operation-not-possible (SN: confirmed-service-
                                                 error vde-state-error / no-dlms-context)
a request before HLS pass 3 has verified         the same
a plain request where the policy asks for        the same
protection (or one protected less)
a service outside the negotiated conformance     service-not-allowed / service-not-supported
an unknown service or request type               service-unknown / service-not-supported
a malformed request of a known service           service-unknown / other-reason (SN:
                                                 confirmed-service-error service / other)
a request longer than the server's max PDU       service-not-allowed / pdu-too-long
a ciphered request that does not verify          service-not-allowed / deciphering-error
a replayed invocation counter                    invocation-counter-error with the lowest
                                                 counter the meter accepts next
a failed HLS pass 3                              action-result other-reason; not associated
a dedicated key without ciphering, or of the     AARE rejected-permanent, confirmed-service-
wrong length                                     error initiate / other
a ciphered InitiateRequest that does not open    AARE rejected-permanent, confirmed-service-
(or a plain one where the policy asks            error application-reference /
protection)                                      deciphering-error
an AARQ to a pre-established association         AARE rejected-permanent, no-reason-given
an RLRQ to a pre-established association         RLRE not-finished (it stays)
a GET-next with the wrong block number           data-block-number-invalid (transfer dropped)
a long answer without block transfer             data-access-result other-reason
a long GET value that stops encoding part way    a last datablock with data-access-result
(a model defect)                                 other-reason (the blocks before were good)
===============================================  ==============================================

Logging (``dlmskit.association``, debug level) names every request, response and refusal by
service, class, logical name and index -- never values, passwords, challenges or keys.
"""

from __future__ import annotations

import datetime as _dt
import enum
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import chain
from typing import Any, Final

from dlmskit import apdu as _apdu
from dlmskit.apdu import (
    AARE,
    AARQ,
    ABSENT,
    ACSE_AUTHENTICATION,
    RLRE,
    RLRQ,
    AccessRequest,
    AccessRequestAction,
    AccessRequestGet,
    AccessRequestGetWithSelection,
    AccessRequestSet,
    AccessRequestSetWithSelection,
    AccessResponse,
    AccessResponseAction,
    AccessResponseGet,
    AccessResponseSet,
    AcseServiceProvider,
    AcseServiceUser,
    ActionRequestNextPblock,
    ActionRequestNormal,
    ActionRequestWithFirstPblock,
    ActionRequestWithList,
    ActionRequestWithListAndFirstPblock,
    ActionRequestWithPblock,
    ActionResponseItem,
    ActionResponseNextPblock,
    ActionResponseNormal,
    ActionResponseWithList,
    ActionResult,
    ApduDecodeError,
    ApplicationContextName,
    AssociationResult,
    AttributeWithSelection,
    AuthenticationValue,
    BlockNumberAccess,
    BlockReassembler,
    BlockTransferError,
    ConfirmedServiceError,
    Conformance,
    DataAccessResult,
    DataNotification,
    ErrorService,
    EventNotificationRequest,
    ExceptionResponse,
    ExceptionServiceError,
    GbtReassembler,
    GeneralBlockTransfer,
    GetRequestNext,
    GetRequestNormal,
    GetRequestWithList,
    GetResponseNormal,
    GetResponseWithDatablock,
    GetResponseWithList,
    InitiateRequest,
    InitiateResponse,
    InvokeIdAndPriority,
    LongInvokeIdAndPriority,
    MechanismName,
    ParameterizedAccess,
    ReadRequest,
    ReadResponse,
    ReleaseResponseReason,
    SelectiveAccessDescriptor,
    ServiceErrorType,
    SetRequestNormal,
    SetRequestWithDatablock,
    SetRequestWithFirstDatablock,
    SetRequestWithList,
    SetRequestWithListAndFirstDatablock,
    SetResponseDatablock,
    SetResponseLastDatablock,
    SetResponseLastDatablockWithList,
    SetResponseNormal,
    SetResponseWithList,
    StateError,
    UnconfirmedWriteRequest,
    UnknownChoiceError,
    VariableName,
    WriteRequest,
    WriteResponse,
)
from dlmskit.apdu.blocks import (
    CIPHERING_OVERHEAD,
    action_response_blocks,
    get_response_room,
    read_response_blocks,
)
from dlmskit.apdu.ciphered import CipheredApdu, GeneralDedCiphering, GeneralGloCiphering
from dlmskit.apdu.common import CosemAttributeDescriptor, CosemMethodDescriptor, obis_of
from dlmskit.apdu.xdlms import (
    VAA_NAME_LN,
    VAA_NAME_SN,
    ApplicationReference,
    Initiate,
    ServiceErrorCode,
    VdeStateError,
)
from dlmskit.association._state import ServerInput, ServerState, next_state
from dlmskit.association.ciphering import Ciphering, SecurityContext
from dlmskit.association.quirks import NO_QUIRKS, MeterQuirks
from dlmskit.axdr import (
    BitString,
    Data,
    DecodeError,
    DoubleLong,
    DoubleLongUnsigned,
    Enum,
    Integer,
    Long,
    Long64,
    Long64Unsigned,
    LongUnsigned,
    Unsigned,
    decode_prefix,
    encode_chunks,
    encode_length,
)
from dlmskit.cosem import DateTime, Obis
from dlmskit.errors import DlmsError, EncodeError, LocalProtocolError
from dlmskit.model.enums import AssociationStatus
from dlmskit.model.objects import AssociationLN, AssociationSN, CosemObject, CosemObjects
from dlmskit.security import (
    AuthenticationError,
    Credentials,
    InsufficientProtectionError,
    InvocationCounter,
    ManufacturerMechanism,
    Mechanism,
    Protection,
    ReplayError,
    ReplayGuard,
    Secret,
    SecurityError,
    is_ciphered_tag,
    new_challenge,
    respond,
    verify,
)
from dlmskit.security.ecc import PrivateKey, PublicKey
from dlmskit.security.envelope import GENERAL_DED_CIPHERING, GENERAL_GLO_CIPHERING, GLOBAL_TAGS

__all__ = [
    "CURRENT_ASSOCIATION",
    "LN_CONFORMANCE",
    "SN_CONFORMANCE",
    "Associated",
    "AssociationRefused",
    "AssociationSettings",
    "AuthenticationFailed",
    "Event",
    "InternalError",
    "Released",
    "ServerAssociation",
    "ServerState",
]

_log = logging.getLogger("dlmskit.association")

#: The logical name that always means "the association in use".
CURRENT_ASSOCIATION: Final = Obis(0, 0, 40, 0, 0, 255)
_CURRENT_OCTETS: Final = bytes(CURRENT_ASSOCIATION)
#: The base name that always means "the Association SN in use".
CURRENT_BASE_NAME: Final = 0xFA00

_C = Conformance
#: What this meter implements with logical name referencing (data-notification: the pushes of
#: Push setup objects; not event-notification nor information-report, which it never sends).
LN_CONFORMANCE: Final = (
    _C.GENERAL_PROTECTION
    | _C.GENERAL_BLOCK_TRANSFER
    | _C.BLOCK_TRANSFER_WITH_GET_OR_READ
    | _C.BLOCK_TRANSFER_WITH_SET_OR_WRITE
    | _C.BLOCK_TRANSFER_WITH_ACTION
    | _C.MULTIPLE_REFERENCES
    | _C.DATA_NOTIFICATION
    | _C.ACCESS
    | _C.GET
    | _C.SET
    | _C.SELECTIVE_ACCESS
    | _C.ACTION
)
#: What this meter implements with short name referencing.
SN_CONFORMANCE: Final = (
    _C.GENERAL_PROTECTION
    | _C.READ
    | _C.WRITE
    | _C.UNCONFIRMED_WRITE
    | _C.BLOCK_TRANSFER_WITH_GET_OR_READ
    | _C.MULTIPLE_REFERENCES
    | _C.DATA_NOTIFICATION
    | _C.PARAMETERIZED_ACCESS
)
_GET = int(_C.GET)
_SET = int(_C.SET)
_ACTION = int(_C.ACTION)
_ACCESS = int(_C.ACCESS)
_SELECTIVE = int(_C.SELECTIVE_ACCESS)
_MULTIPLE = int(_C.MULTIPLE_REFERENCES)
_BLOCK_GET = int(_C.BLOCK_TRANSFER_WITH_GET_OR_READ)
_BLOCK_SET = int(_C.BLOCK_TRANSFER_WITH_SET_OR_WRITE)
_BLOCK_ACTION = int(_C.BLOCK_TRANSFER_WITH_ACTION)
_GBT = int(_C.GENERAL_BLOCK_TRANSFER)
_READ = int(_C.READ)
_WRITE = int(_C.WRITE)
_UNCONFIRMED_WRITE = int(_C.UNCONFIRMED_WRITE)
_PARAMETERIZED = int(_C.PARAMETERIZED_ACCESS)

#: Events kept until taken (older ones are dropped beyond this).
MAX_EVENTS: Final = 256
#: The smallest client-max-receive-pdu-size accepted (a smaller one is pdu-size-too-short).
MIN_PDU_SIZE: Final = 12
#: What general-glo/ded-ciphering adds beyond a service-specific ciphered APDU.
_GENERAL_OVERHEAD: Final = 1 + 1 + 8
#: Short-name offset of method 1, per class (Blue Book; classes not listed have no method
#: reachable by short name).
SN_METHOD_OFFSETS: Final[dict[int, int]] = {
    3: 0x28,
    4: 0x38,
    5: 0x48,
    6: 0x30,
    7: 0x58,
    8: 0x60,
    9: 0x20,
    11: 0x10,
    12: 0x20,
    15: 0x60,
    18: 0x40,
    20: 0x50,
    40: 0x38,
    42: 0x60,
    64: 0x30,
    70: 0x20,
}
_LN_REQUESTS: Final = frozenset({0xC0, 0xC1, 0xC3, 0xD9})
_SN_REQUESTS: Final = frozenset({0x05, 0x06, 0x16})


# -- configuration --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AssociationSettings:
    """How a meter answers one client SAP on one logical device.

    * ``association``: the logical name of the Association LN (or SN) object that holds this
      client's object list, access rights and secret (LLS password / HLS secret).
    * ``mechanism``: the authentication the client must use.
    * ``security``: the meter's security context (keys, own system title, policy); None: no
      ciphering. ``ciphered`` None: a ciphered application context exactly when there is a
      security context.
    * ``conformance``: the services offered (None: all that the referencing implements);
      the AARE offers the intersection with the client's proposal.
    * ``max_receive_pdu_size``: the server-max-receive-pdu-size of the AARE; longer requests
      are refused.
    * ``pre_established``: the association exists without AARQ and is never released (the
      client system title of a ciphered one is ``client_system_title``).
    * ``gbt_window``: the receive window advertised in general block transfer.
    """

    client_sap: int
    association: Obis = CURRENT_ASSOCIATION
    mechanism: Mechanism = Mechanism.NONE
    security: SecurityContext | None = None
    ciphered: bool | None = None
    conformance: Conformance | None = None
    max_receive_pdu_size: int = 1024
    pre_established: bool = False
    client_system_title: bytes | None = None
    gbt_window: int = 1
    challenge_length: int = 16
    signing_key: PrivateKey | None = field(default=None, repr=False)
    peer_signing_key: PublicKey | None = field(default=None, repr=False)
    manufacturer: ManufacturerMechanism | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if not 0 <= self.client_sap <= 0x7F:
            raise LocalProtocolError(f"a client SAP is 0..127, not {self.client_sap}")
        object.__setattr__(self, "association", Obis.parse(self.association))
        object.__setattr__(self, "mechanism", Mechanism(self.mechanism))
        if not MIN_PDU_SIZE <= self.max_receive_pdu_size <= 0xFFFF:
            raise LocalProtocolError("max_receive_pdu_size must be 12..65535")
        if not 1 <= self.gbt_window <= 63:
            raise LocalProtocolError("gbt_window must be 1..63")
        if self.mechanism in (Mechanism.HLS_GMAC, Mechanism.HLS_SHA256, Mechanism.HLS_ECDSA) and (
            self.security is None
        ):
            raise LocalProtocolError(f"{self.mechanism.name} needs a security context")
        if self.ciphered and self.security is None:
            raise LocalProtocolError("a ciphered context needs a security context")
        if self.client_system_title is not None and len(self.client_system_title) != 8:
            raise LocalProtocolError("a system title is 8 octets")

    @property
    def uses_ciphering(self) -> bool:
        return self.security is not None if self.ciphered is None else self.ciphered


# -- events ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Event:
    """Something that happened to the association (besides the APDUs to send)."""

    client_sap: int


@dataclass(frozen=True, slots=True)
class Associated(Event):
    """The association is established (for HLS: after pass 3 verified)."""

    mechanism: Mechanism
    conformance: Conformance
    client_max_receive_pdu_size: int


@dataclass(frozen=True, slots=True)
class AssociationRefused(Event):
    """An AARQ was refused with this diagnostic (or initiate error)."""

    diagnostic: str


@dataclass(frozen=True, slots=True)
class AuthenticationFailed(Event):
    """HLS pass 3 did not verify: the client is not associated."""


@dataclass(frozen=True, slots=True)
class Released(Event):
    """RLRQ answered, or the link went away: the association is over."""

    by_client: bool


@dataclass(frozen=True, slots=True)
class InternalError(Event):
    """A fault of this library met while serving a request (answered, logged): a bug."""

    detail: str


# -- how a request arrived ------------------------------------------------------------------


class _Kind(enum.IntEnum):
    PLAIN = 0
    GLO = 1
    DED = 2
    GENERAL_GLO = 3
    GENERAL_DED = 4


@dataclass(frozen=True, slots=True)
class _Channel:
    """How a request came: plain or ciphered (which form, what protection), inside GBT."""

    kind: _Kind = _Kind.PLAIN
    protection: Protection = Protection.NONE
    gbt: bool = False

    @property
    def authenticated(self) -> bool:
        return bool(self.protection & Protection.AUTHENTICATED)


_PLAIN: Final = _Channel()


class _Refusal(Exception):
    """Internal: the request is answered with ``apdu`` (already encoded, plain)."""

    def __init__(self, apdu: bytes, reason: str) -> None:
        super().__init__(reason)
        self.apdu = apdu
        self.reason = reason


def _exception(
    state: StateError, service: ExceptionServiceError, counter: int | None = None
) -> bytes:
    return ExceptionResponse(state, service, counter).encode()


_NOT_ALLOWED: Final = _exception(
    StateError.SERVICE_NOT_ALLOWED, ExceptionServiceError.OPERATION_NOT_POSSIBLE
)
_NOT_SUPPORTED: Final = _exception(
    StateError.SERVICE_NOT_ALLOWED, ExceptionServiceError.SERVICE_NOT_SUPPORTED
)
_UNKNOWN_SERVICE: Final = _exception(
    StateError.SERVICE_UNKNOWN, ExceptionServiceError.SERVICE_NOT_SUPPORTED
)
_MALFORMED: Final = _exception(StateError.SERVICE_UNKNOWN, ExceptionServiceError.OTHER_REASON)
_DECIPHERING: Final = _exception(
    StateError.SERVICE_NOT_ALLOWED, ExceptionServiceError.DECIPHERING_ERROR
)
_TOO_LONG: Final = _exception(StateError.SERVICE_NOT_ALLOWED, ExceptionServiceError.PDU_TOO_LONG)
_INTERNAL: Final = _exception(StateError.SERVICE_NOT_ALLOWED, ExceptionServiceError.OTHER_REASON)


# -- long transfers in progress ----------------------------------------------------------


@dataclass(slots=True)
class _Outgoing:
    """Blocks of a long response: sent up to ``sent`` (1-based numbers in the blocks)."""

    blocks: list[Any]
    channel: _Channel
    sent: int = 0


def _first_piece(value: Data, room: int) -> tuple[bytes, Iterator[bytes] | None]:
    """The encoding of ``value`` and None when it fits ``room`` octets; else its first piece
    and the pieces of all of it (that first one included), encoded as they are taken -- only
    the last piece of :func:`encode_chunks` is shorter than asked. An EncodeError of the
    first piece is raised here."""
    chunks = encode_chunks(value, max(room + 1, 1))
    first = next(chunks)
    return (first, None) if len(first) <= room else (first, chain((first,), chunks))


class _LongGet:
    """A long GET response going out in GET-Response-With-Datablock APDUs, its raw data
    encoded as the blocks are taken (the meter sends the first block of a long profile
    before it has encoded the last row)."""

    __slots__ = (
        "channel",
        "exhausted",
        "failed",
        "first_number",
        "iip",
        "pending",
        "room",
        "sent",
        "source",
    )

    def __init__(
        self,
        iip: InvokeIdAndPriority,
        source: Iterator[bytes],
        room: int,
        channel: _Channel,
        first_number: int,
    ) -> None:
        self.iip = iip
        self.source = source
        self.room = room
        self.channel = channel
        self.first_number = first_number
        self.pending = bytearray()
        self.exhausted = False
        self.failed: EncodeError | None = None
        self.sent = 0  # blocks sent

    @property
    def done(self) -> bool:
        """The last block was sent."""
        return self.failed is not None or (self.exhausted and not self.pending)

    @property
    def last_number(self) -> int:
        """The number of the block sent last."""
        return self.first_number + self.sent - 1

    def next_block(self) -> GetResponseWithDatablock:
        """The next block; one that says other-reason, and ends the transfer, when the rest
        of the data does not encode."""
        number = self.first_number + self.sent
        self.sent += 1
        room = self.room
        try:
            while len(self.pending) <= room and not self.exhausted:
                piece = next(self.source, None)
                if piece is None:
                    self.exhausted = True
                else:
                    self.pending += piece
        except EncodeError as exc:
            self.failed = exc
            self.pending.clear()
            return GetResponseWithDatablock(self.iip, True, number, DataAccessResult.OTHER_REASON)
        data = bytes(self.pending[:room])
        del self.pending[:room]
        return GetResponseWithDatablock(self.iip, self.done, number, data)


@dataclass(slots=True)
class _Incoming:
    """Blocks of a long SET or ACTION request being received."""

    iip: InvokeIdAndPriority
    targets: tuple[Any, ...]  # AttributeWithSelection or CosemMethodDescriptor
    listed: bool
    blocks: BlockReassembler


@dataclass(slots=True)
class _GbtSend:
    blocks: list[bytes]  # block-data of blocks 1..n
    window: int
    acked: int = 0
    sent: int = 0


class _AcceptAll(ReplayGuard):
    """Replay guard of the ``replayed_counter_accepted`` defect."""

    def check(self, invocation_counter: int) -> None:
        return

    def accept(self, invocation_counter: int) -> None:
        return


# -- the machine ---------------------------------------------------------------------------


class ServerAssociation:
    """One client's association with one logical device, on the meter's side.

    ``objects`` is the logical device's object registry; ``settings`` say how this client
    is served. ``counter`` is the meter's sending invocation counter for the security
    context's keys (share one per key among the associations using it, give it a durable
    store); ``replay`` guards this client's counter (share it among this client's
    connections). ``server_sap`` is the logical device's address (associated_partners_id).
    """

    def __init__(
        self,
        objects: CosemObjects,
        settings: AssociationSettings,
        *,
        server_sap: int = 1,
        counter: InvocationCounter | None = None,
        replay: ReplayGuard | None = None,
        quirks: MeterQuirks = NO_QUIRKS,
    ) -> None:
        association = objects.find(settings.association)
        if not isinstance(association, AssociationLN | AssociationSN):
            raise LocalProtocolError(
                f"no Association LN/SN object {settings.association} in the logical device"
            )
        self.objects = objects
        self.settings = settings
        self.association: AssociationLN | AssociationSN = association
        self.short_names = isinstance(association, AssociationSN)
        self.server_sap = server_sap
        self.quirks = quirks
        self.ciphering: Ciphering | None = None
        if settings.security is not None:
            guard = _AcceptAll() if quirks.replayed_counter_accepted else replay
            self.ciphering = Ciphering(
                settings.security,
                client=False,
                counter=counter,
                replay=guard,
                peer_system_title=settings.client_system_title,
            )
        supported = settings.conformance
        if supported is None:
            supported = SN_CONFORMANCE if self.short_names else LN_CONFORMANCE
            if not settings.uses_ciphering:
                supported &= ~Conformance.GENERAL_PROTECTION
        self.supported = Conformance(supported)
        self._events: list[Event] = []
        #: successful SETs and ACTIONs so far: what may have changed timers or made events
        self.modifications = 0
        self._now = _dt.datetime(2000, 1, 1, tzinfo=_dt.UTC)
        self._ctos = b""
        self._stoc = b""
        self._client_title: bytes | None = settings.client_system_title
        self._rights_cache: dict[tuple[int, bytes, int], DataAccessResult | None] = {}
        self._long_get: _LongGet | None = None
        self._long_action: _Outgoing | None = None
        self._long_read: _Outgoing | None = None
        self._incoming: _Incoming | None = None
        self._gbt_in = GbtReassembler(
            window=settings.gbt_window, max_size=_max_reassembly(settings)
        )
        self._gbt_out: _GbtSend | None = None
        self._gbt_peer_window = 1
        self._gbt_last_received = 0
        self._gbt_started = 0
        self.state = ServerState.IDLE
        self.negotiated = 0
        self.client_max_pdu = settings.max_receive_pdu_size
        if settings.pre_established:
            self.state = ServerState.ASSOCIATED
            self.negotiated = int(self.supported)
        self._request_protection = Protection.NONE
        self._response_protection = Protection.NONE
        if settings.security is not None and settings.uses_ciphering:
            policy = settings.security.policy
            self._request_protection = policy.request_protection
            self._response_protection = policy.response_protection

    def __repr__(self) -> str:
        return (
            f"<ServerAssociation client {self.settings.client_sap} -> {self.server_sap} "
            f"{self.state.name} via {self.settings.association}>"
        )

    # -- public API -------------------------------------------------------------------------

    @property
    def negotiated_conformance(self) -> Conformance:
        return Conformance(self.negotiated)

    def _event(self, event: Event) -> None:
        events = self._events
        if len(events) >= MAX_EVENTS:  # nobody takes them: keep the newest (bounded memory)
            del events[: len(events) - MAX_EVENTS + 1]
        events.append(event)

    def next_event(self) -> Event | None:
        """The oldest event not taken yet, or None."""
        return self._events.pop(0) if self._events else None

    def events(self) -> list[Event]:
        """All events not taken yet, oldest first."""
        events, self._events = self._events, []
        return events

    def receive(self, data: bytes | bytearray | memoryview, now: _dt.datetime) -> list[bytes]:
        """Take one APDU from the client; return the APDUs to send back (usually one; none
        for an unconfirmed service; several for a window of general block transfer)."""
        self._now = now
        raw = bytes(data)
        try:
            return self._dispatch(raw, _PLAIN)
        except Exception as exc:  # the last guard: a bug here must not end the association
            _log.error(
                "client %d: internal error serving APDU 0x%02x (%d octets): %s: %s",
                self.settings.client_sap,
                raw[0] if raw else -1,
                len(raw),
                type(exc).__name__,
                exc,
            )
            self._event(InternalError(self.settings.client_sap, f"{type(exc).__name__}: {exc}"))
            self._drop_transfers()
            return [_INTERNAL]

    def close(self) -> None:
        """The link under the association is gone: it ends (a pre-established one stays)."""
        self._drop_transfers()
        if self.settings.pre_established or self.state is ServerState.IDLE:
            return
        self._transition(ServerInput.LINK_CLOSED)
        self._event(Released(self.settings.client_sap, by_client=False))

    def data_notification(
        self,
        body: Data,
        now: _dt.datetime,
        *,
        invoke_id: int = 0,
        date_time: DateTime | bytes | None = None,
    ) -> bytes:
        """A data-notification APDU carrying ``body`` (a push), protected as the policy asks of
        the meter's messages (general-glo-ciphering: it has no service-specific form)."""
        self._now = now
        stamp: bytes = (
            b""
            if date_time is None
            else date_time
            if isinstance(date_time, bytes)
            else date_time.to_bytes()
        )
        plain = DataNotification(
            LongInvokeIdAndPriority(invoke_id & 0xFFFFFF), body, stamp
        ).encode()
        return self._protect_unsolicited(plain, general=True)

    def event_notification(
        self,
        class_id: int,
        logical_name: Obis | str,
        attribute: int,
        value: Data,
        now: _dt.datetime,
        *,
        time: DateTime | bytes | None = None,
    ) -> bytes:
        """An event-notification-request APDU (glo-ciphered when the policy asks)."""
        self._now = now
        descriptor = CosemAttributeDescriptor(class_id, Obis.parse(logical_name), attribute)
        stamp = None if time is None else time if isinstance(time, bytes) else time.to_bytes()
        plain = EventNotificationRequest(descriptor, value, stamp).encode()
        return self._protect_unsolicited(plain, general=False)

    # -- dispatch ---------------------------------------------------------------------------

    def _dispatch(self, data: bytes, channel: _Channel) -> list[bytes]:
        if not data:
            _log.debug("client %d: empty APDU", self.settings.client_sap)
            return [_MALFORMED]
        tag = data[0]
        if tag in _LN_REQUESTS or tag in _SN_REQUESTS:
            return self._on_request(data, channel)
        if tag == AARQ.TAG:
            return self._on_aarq(data) if channel is _PLAIN else [_NOT_ALLOWED]
        if tag == RLRQ.TAG:
            return self._on_rlrq(data) if channel is _PLAIN else [_NOT_ALLOWED]
        if tag == GeneralBlockTransfer.TAG:
            return self._on_gbt(data, channel)
        if is_ciphered_tag(tag):
            if channel.kind is not _Kind.PLAIN:
                _log.debug(
                    "client %d: ciphered APDU inside a ciphered one", self.settings.client_sap
                )
                return [_MALFORMED]
            return self._on_ciphered(data, channel)
        _log.debug(
            "client %d: APDU 0x%02x is no request a meter serves", self.settings.client_sap, tag
        )
        return [_UNKNOWN_SERVICE]

    def _transition(self, what: ServerInput) -> bool:
        new = next_state(self.state, what)
        if new is None:
            return False
        if new is not self.state:
            _log.debug(
                "client %d: %s -> %s (%s)",
                self.settings.client_sap,
                self.state.name,
                new.name,
                what.value,
            )
            if new is ServerState.IDLE:
                self._set_status(AssociationStatus.NON_ASSOCIATED)
                if self.ciphering is not None:
                    self.ciphering.set_dedicated_key(None)
            self.state = new
        self._rights_cache.clear()
        return True

    def _set_status(self, status: AssociationStatus) -> None:
        if isinstance(self.association, AssociationLN):
            self.association.set_status(status)

    def _drop_transfers(self) -> None:
        self._long_get = self._long_action = self._long_read = None
        self._incoming = None
        self._gbt_in.reset()
        self._gbt_out = None

    # -- protection ---------------------------------------------------------------------------

    def _on_ciphered(self, data: bytes, channel: _Channel) -> list[bytes]:
        sap = self.settings.client_sap
        ciphering = self.ciphering
        if ciphering is None or not self.settings.uses_ciphering:
            _log.debug("client %d: ciphered APDU in an association without ciphering", sap)
            return [_DECIPHERING]
        if self.state is ServerState.IDLE:
            _log.debug("client %d: ciphered APDU 0x%02x without association", sap, data[0])
            return [_NOT_ALLOWED]
        tag = data[0]
        if tag == GENERAL_GLO_CIPHERING:
            kind = _Kind.GENERAL_GLO
        elif tag == GENERAL_DED_CIPHERING:
            kind = _Kind.GENERAL_DED
        else:
            kind = _Kind.DED if 0x41 <= tag <= 0x58 or 0xD0 <= tag <= 0xD7 else _Kind.GLO
        require = Protection.NONE if self.quirks.policy_not_enforced else self._request_protection
        try:
            opened = ciphering.unprotect(data, require=require)
        except ReplayError:
            guard = ciphering.replay if kind in (_Kind.GLO, _Kind.GENERAL_GLO) else None
            expected = guard.lowest_acceptable if guard is not None else None
            _log.debug("client %d: replayed invocation counter refused", sap)
            if expected is not None and expected > 0xFFFFFFFF:
                expected = None
            return [
                _exception(
                    StateError.SERVICE_NOT_ALLOWED,
                    ExceptionServiceError.INVOCATION_COUNTER_ERROR,
                    expected,
                )
            ]
        except InsufficientProtectionError:
            _log.debug("client %d: request protected less than the policy asks", sap)
            return [_NOT_ALLOWED]
        except (SecurityError, DlmsError, ValueError) as exc:
            _log.debug("client %d: ciphered APDU refused: %s", sap, type(exc).__name__)
            return [_DECIPHERING]
        inner = _Channel(kind, opened.protection, channel.gbt)
        plain = opened.plaintext
        _log.debug(
            "client %d: deciphered 0x%02x (%s, IC %d) -> 0x%02x, %d octets",
            sap,
            tag,
            opened.protection.name,
            opened.invocation_counter,
            plain[0] if plain else -1,
            len(plain),
        )
        return self._dispatch(plain, inner)

    def _protect(self, response: bytes, channel: _Channel) -> bytes:
        ciphering = self.ciphering
        if ciphering is None or self.quirks.unprotected_responses:
            return response
        kind = channel.kind
        protection = channel.protection | self._response_protection
        if kind is _Kind.PLAIN:
            if not self._response_protection:
                return response
            kind = _Kind.GLO
        if response[0] in (0xD8,) and kind in (_Kind.GLO, _Kind.DED):
            # an exception-response has no service-specific ciphered form
            kind = _Kind.GENERAL_GLO if kind is _Kind.GLO else _Kind.GENERAL_DED
        general = kind in (_Kind.GENERAL_GLO, _Kind.GENERAL_DED) or response[0] not in GLOBAL_TAGS
        dedicated = kind in (_Kind.DED, _Kind.GENERAL_DED) and ciphering.dedicated_key is not None
        return ciphering.protect(
            response, dedicated=dedicated, protection=protection, general=general
        )

    def _protect_unsolicited(self, plain: bytes, *, general: bool) -> bytes:
        ciphering = self.ciphering
        if ciphering is None or not self._response_protection or self.quirks.unprotected_responses:
            return plain
        return ciphering.protect(
            plain, dedicated=False, protection=self._response_protection, general=general
        )

    def _overhead(self, channel: _Channel) -> int:
        if self.ciphering is None or self.quirks.unprotected_responses:
            return 0
        if channel.kind is _Kind.PLAIN and not self._response_protection:
            return 0
        if channel.kind in (_Kind.GENERAL_GLO, _Kind.GENERAL_DED):
            return CIPHERING_OVERHEAD + _GENERAL_OVERHEAD
        return CIPHERING_OVERHEAD

    def _limit(self) -> int:
        if self.quirks.pdu_size_exceeded:
            return 0xFFFFFF
        return self.client_max_pdu

    # -- association establishment ------------------------------------------------------------

    def _on_aarq(self, data: bytes) -> list[bytes]:
        sap = self.settings.client_sap
        try:
            aarq = _apdu.decode(data)
        except ApduDecodeError as exc:
            _log.debug("client %d: undecodable AARQ: %s", sap, exc)
            aare = AARE(AssociationResult.REJECTED_PERMANENT, AcseServiceUser.NO_REASON_GIVEN)
            self._refused("undecodable AARQ")
            return [aare.encode()]
        assert isinstance(aarq, AARQ)
        if self.settings.pre_established:
            _log.debug("client %d: AARQ to a pre-established association refused", sap)
            return [
                AARE(
                    AssociationResult.REJECTED_PERMANENT,
                    AcseServiceUser.NO_REASON_GIVEN,
                    aarq.application_context_name,
                ).encode()
            ]
        self._drop_transfers()
        answer, what = self._establish(aarq)
        self._transition(what)
        return [answer]

    def _reject(
        self,
        aarq: AARQ,
        diagnostic: AcseServiceUser | AcseServiceProvider,
        reason: str,
        *,
        context: Any = None,
        initiate_error: ConfirmedServiceError | None = None,
    ) -> tuple[bytes, ServerInput]:
        if self.quirks.wrong_aare_diagnostic and isinstance(diagnostic, AcseServiceUser):
            diagnostic = AcseServiceUser.NO_REASON_GIVEN
        _log.debug(
            "client %d: AARQ refused (%s): %s", self.settings.client_sap, diagnostic.name, reason
        )
        self._refused(reason)
        aare = AARE(
            AssociationResult.REJECTED_PERMANENT,
            diagnostic,
            aarq.application_context_name if context is None else context,
            user_information=initiate_error,
        )
        return aare.encode(), ServerInput.AARQ_REJECTED

    def _refused(self, reason: str) -> None:
        self._event(AssociationRefused(self.settings.client_sap, reason))

    def _initiate_error(
        self, aarq: AARQ, code: Initiate | ApplicationReference, reason: str
    ) -> tuple[bytes, ServerInput]:
        kind = (
            ServiceErrorType.APPLICATION_REFERENCE
            if isinstance(code, ApplicationReference)
            else ServiceErrorType.INITIATE
        )
        error = ConfirmedServiceError(ErrorService.INITIATE_ERROR, kind, code)
        return self._reject(aarq, AcseServiceUser.NO_REASON_GIVEN, reason, initiate_error=error)

    def _expected_context(self) -> ApplicationContextName:
        if self.short_names:
            return (
                ApplicationContextName.SHORT_NAME_WITH_CIPHERING
                if self.settings.uses_ciphering
                else ApplicationContextName.SHORT_NAME
            )
        return (
            ApplicationContextName.LOGICAL_NAME_WITH_CIPHERING
            if self.settings.uses_ciphering
            else ApplicationContextName.LOGICAL_NAME
        )

    def _establish(self, aarq: AARQ) -> tuple[bytes, ServerInput]:
        settings = self.settings
        version = aarq.protocol_version
        if version is not None and not version.bit(0):
            return self._reject(
                aarq, AcseServiceProvider.NO_COMMON_ACSE_VERSION, "protocol version not version1"
            )
        expected = self._expected_context()
        if aarq.context is not expected:
            return self._reject(
                aarq,
                AcseServiceUser.APPLICATION_CONTEXT_NAME_NOT_SUPPORTED,
                f"application context {aarq.application_context_name} (expected {expected.name})",
                context=expected.oid,
            )
        mechanism = settings.mechanism
        needs_title = settings.uses_ciphering or mechanism in (
            Mechanism.HLS_GMAC,
            Mechanism.HLS_SHA256,
            Mechanism.HLS_ECDSA,
        )
        title = aarq.calling_ap_title
        if needs_title and (title is None or len(title) != 8):
            return self._reject(
                aarq,
                AcseServiceUser.CALLING_AP_TITLE_NOT_RECOGNIZED,
                "calling-AP-title is no 8-octet system title",
            )
        # authentication
        authenticating = (
            aarq.sender_acse_requirements is not None and aarq.sender_acse_requirements.bit(0)
        )
        proposed: MechanismName | None = aarq.mechanism if authenticating else None
        if authenticating and aarq.mechanism_name is not None and proposed is None:
            return self._reject(
                aarq,
                AcseServiceUser.AUTHENTICATION_MECHANISM_NAME_NOT_RECOGNISED,
                "unknown mechanism name",
            )
        proposed_id = Mechanism.NONE if proposed is None else Mechanism(int(proposed))
        if proposed_id is not mechanism:
            if mechanism is not Mechanism.NONE and proposed is None:
                return self._reject(
                    aarq,
                    AcseServiceUser.AUTHENTICATION_MECHANISM_NAME_REQUIRED,
                    f"{mechanism.name} required, none proposed",
                )
            return self._reject(
                aarq,
                AcseServiceUser.AUTHENTICATION_MECHANISM_NAME_NOT_RECOGNISED,
                f"mechanism {proposed_id.name} proposed, {mechanism.name} required",
            )
        value = aarq.calling_authentication_value
        if mechanism is Mechanism.LLS:
            password = b"" if value is None else value.value
            if not (self.quirks.lls_any_password or self.association.lls_matches(password)):
                return self._reject(
                    aarq, AcseServiceUser.AUTHENTICATION_FAILURE, "wrong LLS password"
                )
        elif mechanism.is_hls:
            low, high = mechanism.challenge_range
            ctos = b"" if value is None else value.value
            if not low <= len(ctos) <= high:
                return self._reject(
                    aarq,
                    AcseServiceUser.AUTHENTICATION_FAILURE,
                    f"CtoS of {len(ctos)} octets ({low}..{high} needed)",
                )
            self._ctos = ctos
        # the xDLMS context
        user = aarq.user_information
        if user is None:
            return self._reject(aarq, AcseServiceUser.NO_REASON_GIVEN, "no user-information")
        initiate: Any = user
        channel = _PLAIN
        if isinstance(user, CipheredApdu | GeneralGloCiphering | GeneralDedCiphering):
            ciphering = self.ciphering
            if ciphering is None or not settings.uses_ciphering:
                return self._initiate_error(
                    aarq,
                    ApplicationReference.DECIPHERING_ERROR,
                    "ciphered InitiateRequest without ciphering",
                )
            assert title is not None
            try:
                ciphering.set_peer_system_title(title)
                opened = ciphering.unprotect(
                    user.encode(),
                    require=Protection.NONE
                    if self.quirks.policy_not_enforced
                    else self._request_protection,
                )
                initiate = _apdu.decode(opened.plaintext)
            except (SecurityError, DlmsError, ValueError) as exc:
                return self._initiate_error(
                    aarq,
                    ApplicationReference.DECIPHERING_ERROR,
                    f"ciphered InitiateRequest refused ({type(exc).__name__})",
                )
            kind = (
                _Kind.GENERAL_GLO
                if isinstance(user, GeneralGloCiphering)
                else (_Kind.GENERAL_DED if isinstance(user, GeneralDedCiphering) else _Kind.GLO)
            )
            channel = _Channel(kind, opened.protection)
        elif (
            settings.uses_ciphering
            and self._request_protection
            and not self.quirks.policy_not_enforced
        ):
            return self._initiate_error(
                aarq,
                ApplicationReference.DECIPHERING_ERROR,
                "plain InitiateRequest, policy asks for protection",
            )
        if not isinstance(initiate, InitiateRequest):
            return self._reject(
                aarq, AcseServiceUser.NO_REASON_GIVEN, "user-information is no InitiateRequest"
            )
        if initiate.dedicated_key is not None:
            if not settings.uses_ciphering or self.ciphering is None:
                return self._initiate_error(aarq, Initiate.OTHER, "dedicated key without ciphering")
            if len(initiate.dedicated_key) != self.ciphering.context.keys.suite.key_length:
                return self._initiate_error(
                    aarq, Initiate.OTHER, "dedicated key of the wrong length"
                )
        if initiate.proposed_dlms_version_number != 6 and not self.quirks.dlms_version_not_checked:
            return self._initiate_error(
                aarq,
                Initiate.DLMS_VERSION_TOO_LOW,
                f"DLMS version {initiate.proposed_dlms_version_number}",
            )
        size = initiate.client_max_receive_pdu_size
        if 0 < size < MIN_PDU_SIZE and not self.quirks.pdu_size_not_checked:
            return self._initiate_error(
                aarq, Initiate.PDU_SIZE_TOO_SHORT, f"client max PDU size {size}"
            )
        supported = int(self.supported)
        negotiated = (
            supported
            if self.quirks.conformance_not_negotiated
            else int(initiate.proposed_conformance) & supported
        )
        if not negotiated:
            return self._initiate_error(
                aarq, Initiate.INCOMPATIBLE_CONFORMANCE, "no common conformance"
            )
        # accepted
        self.negotiated = negotiated
        self.client_max_pdu = size if size else 0xFFFF
        self._client_title = title
        if self.ciphering is not None and settings.uses_ciphering:
            assert title is not None
            self.ciphering.set_peer_system_title(title)
            self.ciphering.set_dedicated_key(initiate.dedicated_key)
        elif self.ciphering is not None and title is not None and len(title) == 8:
            self.ciphering.set_peer_system_title(title)
        response = InitiateResponse(
            Conformance(negotiated),
            settings.max_receive_pdu_size,
            6,
            VAA_NAME_SN if self.short_names else VAA_NAME_LN,
        ).encode()
        if channel is not _PLAIN and self.ciphering is not None:
            response_info: Any = _apdu.decode(
                self.ciphering.protect(
                    response,
                    dedicated=False,
                    protection=channel.protection | self._response_protection,
                    general=channel.kind is _Kind.GENERAL_GLO,
                )
            )
        else:
            response_info = _apdu.decode(response)
        hls = mechanism.is_hls
        if hls:
            self._stoc = (
                bytes(range(0x41, 0x41 + settings.challenge_length))
                if self.quirks.fixed_challenge
                else new_challenge(mechanism, settings.challenge_length)
            )
        own_title = settings.security.system_title if settings.security is not None else None
        aare = AARE(
            AssociationResult.ACCEPTED,
            AcseServiceUser.AUTHENTICATION_REQUIRED if hls else AcseServiceUser.NULL,
            aarq.application_context_name,
            user_information=response_info,
            responding_ap_title=own_title if (settings.uses_ciphering or hls) else None,
            responder_acse_requirements=ACSE_AUTHENTICATION if mechanism else None,
            mechanism_name=MechanismName(int(mechanism)).oid if mechanism else None,
            responding_authentication_value=AuthenticationValue(self._stoc) if hls else None,
        )
        self._fill_association_object(aarq, mechanism)
        if hls:
            self._set_status(AssociationStatus.ASSOCIATION_PENDING)
            _log.debug(
                "client %d: AARQ accepted, HLS %s pass 3 awaited",
                self.settings.client_sap,
                mechanism.name,
            )
            return aare.encode(), ServerInput.AARQ_CHALLENGED
        self._set_status(AssociationStatus.ASSOCIATED)
        self._associated()
        return aare.encode(), ServerInput.AARQ_ACCEPTED

    def _associated(self) -> None:
        _log.debug(
            "client %d: associated (%s), conformance %06x, client max PDU %d",
            self.settings.client_sap,
            self.settings.mechanism.name,
            self.negotiated,
            self.client_max_pdu,
        )
        self._event(
            Associated(
                self.settings.client_sap,
                self.settings.mechanism,
                Conformance(self.negotiated),
                self.client_max_pdu,
            )
        )

    def _fill_association_object(self, aarq: AARQ, mechanism: Mechanism) -> None:
        association = self.association
        if not isinstance(association, AssociationLN):
            return
        context = aarq.application_context_name
        try:
            association.store(3, (Integer(self.settings.client_sap), LongUnsigned(self.server_sap)))
            association.store(
                4,
                (
                    Unsigned(2),
                    Unsigned(16),
                    LongUnsigned(756),
                    Unsigned(5),
                    Unsigned(8),
                    Unsigned(1),
                    Unsigned(context[-1]),
                ),
            )
            association.store(
                5,
                (
                    BitString(format(self.negotiated, "024b")),
                    LongUnsigned(self.client_max_pdu),
                    LongUnsigned(self.settings.max_receive_pdu_size),
                    Unsigned(6),
                    Integer(0),
                    b"",
                ),
            )
            association.store(
                6,
                (
                    Unsigned(2),
                    Unsigned(16),
                    LongUnsigned(756),
                    Unsigned(5),
                    Unsigned(8),
                    Unsigned(2),
                    Unsigned(int(mechanism)),
                ),
            )
        except LocalProtocolError as exc:  # an instance schema narrower than the class's
            _log.debug("association object not updated: %s", exc)

    def _hls_reply(self, f_stoc: bytes) -> bytes | None:
        """HLS pass 3 (check the client's f(StoC)) and pass 4 (compute f(CtoS))."""
        settings = self.settings
        mechanism = settings.mechanism
        security = settings.security
        secret = self.association.secret
        credentials = Credentials(
            secret=Secret(secret) if secret else None,
            keys=security.keys if security is not None else None,
            signing_key=settings.signing_key,
            peer_signing_key=settings.peer_signing_key,
            manufacturer=settings.manufacturer,
        )
        own = security.system_title if security is not None else None
        try:
            if not self.quirks.hls_reply_not_verified:
                verify(
                    mechanism,
                    f_stoc,
                    challenge=self._stoc,
                    peer_challenge=self._ctos,
                    credentials=credentials,
                    own_system_title=own,
                    peer_system_title=self._client_title,
                )
            answer = respond(
                mechanism,
                challenge=self._ctos,
                own_challenge=self._stoc,
                credentials=credentials,
                own_system_title=own,
                peer_system_title=self._client_title,
                invocation_counter=self.ciphering.counter if self.ciphering is not None else None,
            )
        except (AuthenticationError, SecurityError, DlmsError, ValueError) as exc:
            _log.info(
                "client %d: HLS authentication failed (%s)", settings.client_sap, type(exc).__name__
            )
            return None
        if self.quirks.hls_wrong_response and answer:
            answer = answer[:-1] + bytes((answer[-1] ^ 0x01,))
        return answer

    # -- release ------------------------------------------------------------------------------

    def _on_rlrq(self, data: bytes) -> list[bytes]:
        sap = self.settings.client_sap
        try:
            rlrq = _apdu.decode(data)
        except ApduDecodeError as exc:
            _log.debug("client %d: undecodable RLRQ: %s", sap, exc)
            return [_MALFORMED]
        assert isinstance(rlrq, RLRQ)
        if self.quirks.release_ignored:
            return []
        if self.settings.pre_established:
            _log.debug("client %d: RLRQ on a pre-established association", sap)
            return [RLRE(ReleaseResponseReason.NOT_FINISHED).encode()]
        info: Any = None
        user = rlrq.user_information
        if user is not None and self.state is not ServerState.IDLE and self.ciphering is not None:
            # the client repeats its InitiateRequest: answer with the InitiateResponse
            try:
                opened = self.ciphering.unprotect(user.encode())
                if isinstance(_apdu.decode(opened.plaintext), InitiateRequest):
                    response = InitiateResponse(
                        Conformance(self.negotiated),
                        self.settings.max_receive_pdu_size,
                        6,
                        VAA_NAME_SN if self.short_names else VAA_NAME_LN,
                    ).encode()
                    general = isinstance(user, GeneralGloCiphering)
                    info = _apdu.decode(
                        self.ciphering.protect(
                            response,
                            dedicated=False,
                            protection=opened.protection | self._response_protection,
                            general=general,
                        )
                    )
            except (SecurityError, DlmsError, ValueError) as exc:
                _log.debug(
                    "client %d: RLRQ user-information not opened: %s", sap, type(exc).__name__
                )
        elif isinstance(user, InitiateRequest) and self.state is not ServerState.IDLE:
            info = InitiateResponse(
                Conformance(self.negotiated),
                self.settings.max_receive_pdu_size,
                6,
                VAA_NAME_SN if self.short_names else VAA_NAME_LN,
            )
        was = self.state
        self._drop_transfers()
        self._transition(ServerInput.RLRQ)
        if was is not ServerState.IDLE:
            self._event(Released(sap, by_client=True))
        _log.debug("client %d: released", sap)
        return [RLRE(ReleaseResponseReason.NORMAL, info).encode()]

    # -- requests -----------------------------------------------------------------------------

    def _on_request(self, data: bytes, channel: _Channel) -> list[bytes]:
        sap = self.settings.client_sap
        tag = data[0]
        sn = tag in _SN_REQUESTS
        if self.state is not ServerState.ASSOCIATED:
            if self.state is ServerState.AUTHENTICATING and tag == 0xC3:
                return self._authenticating_action(data, channel)
            _log.debug("client %d: request 0x%02x refused in state %s", sap, tag, self.state.name)
            if tag == 0x16:
                return []
            if sn:
                return [
                    self._sn_error(
                        tag, ServiceErrorType.VDE_STATE_ERROR, VdeStateError.NO_DLMS_CONTEXT
                    )
                ]
            return [_NOT_ALLOWED]
        if (
            channel.kind is _Kind.PLAIN
            and self._request_protection
            and not self.quirks.policy_not_enforced
        ):
            _log.debug("client %d: plain request 0x%02x where the policy asks protection", sap, tag)
            return [] if tag == 0x16 else [_NOT_ALLOWED]
        if len(data) > self.settings.max_receive_pdu_size and not channel.gbt:
            _log.debug("client %d: request of %d octets exceeds the max PDU size", sap, len(data))
            return [] if tag == 0x16 else [_TOO_LONG]
        if sn != self.short_names:
            _log.debug(
                "client %d: %s service in a %s association",
                sap,
                "SN" if sn else "LN",
                "SN" if self.short_names else "LN",
            )
            return [] if tag == 0x16 else [_UNKNOWN_SERVICE]
        if tag == 0xC0 and len(data) == 13 and data[1] == 1 and data[12] == 0:
            # get-request-normal without selective access: the common case, read directly
            return self._get_fast(data, channel)
        try:
            request = _apdu.decode(data)
        except UnknownChoiceError as exc:
            _log.debug("client %d: request 0x%02x of unknown type: %s", sap, tag, exc)
            return [] if tag == 0x16 else [self._undecodable(tag, unknown=True)]
        except ApduDecodeError as exc:
            _log.debug("client %d: undecodable request 0x%02x: %s", sap, tag, exc)
            return [] if tag == 0x16 else [self._undecodable(tag, unknown=False)]
        try:
            if sn:
                return self._serve_sn(request, channel)
            return self._serve_ln(request, channel)
        except _Refusal as refusal:
            _log.debug("client %d: request 0x%02x refused: %s", sap, tag, refusal.reason)
            return [refusal.apdu]

    def _undecodable(self, tag: int, *, unknown: bool) -> bytes:
        if tag in _SN_REQUESTS:
            return self._sn_error(tag, ServiceErrorType.SERVICE, ServiceErrorCode.OTHER)
        return _UNKNOWN_SERVICE if unknown else _MALFORMED

    def _sn_error(self, tag: int, kind: ServiceErrorType, code: int) -> bytes:
        service = ErrorService.READ if tag == 0x05 else ErrorService.WRITE
        return ConfirmedServiceError(service, kind, code).encode()

    def _allowed(self, bits: int, what: str) -> None:
        if self.negotiated & bits != bits and not self.quirks.conformance_not_enforced:
            raise _Refusal(_NOT_SUPPORTED, f"{what} is not in the negotiated conformance")

    def _response_iip(self, iip: InvokeIdAndPriority) -> InvokeIdAndPriority:
        if self.quirks.wrong_invoke_id:
            return InvokeIdAndPriority(
                (iip.invoke_id + 1) & 0x0F, iip.service_class, iip.priority, iip.reserved
            )
        return iip

    def _serve_ln(self, request: Any, channel: _Channel) -> list[bytes]:
        if not isinstance(request, GetRequestNext):
            self._long_get = None
        if not isinstance(request, ActionRequestNextPblock):
            self._long_action = None
        if not isinstance(request, SetRequestWithDatablock | ActionRequestWithPblock):
            self._incoming = None
        if isinstance(request, GetRequestNormal):
            return self._get_normal(
                request.invoke_id_and_priority, request.attribute, request.access_selection, channel
            )
        if isinstance(request, GetRequestNext):
            return self._get_next(request, channel)
        if isinstance(request, GetRequestWithList):
            return self._get_with_list(request, channel)
        if isinstance(request, SetRequestNormal):
            return self._set_normal(request, channel)
        if isinstance(request, SetRequestWithList):
            return self._set_with_list(request, channel)
        if isinstance(
            request,
            SetRequestWithFirstDatablock
            | SetRequestWithListAndFirstDatablock
            | SetRequestWithDatablock,
        ):
            return self._set_block(request, channel)
        if isinstance(request, ActionRequestNormal):
            return self._action_normal(request, channel)
        if isinstance(request, ActionRequestWithList):
            return self._action_with_list(request, channel)
        if isinstance(
            request,
            ActionRequestWithFirstPblock
            | ActionRequestWithListAndFirstPblock
            | ActionRequestWithPblock,
        ):
            return self._action_block(request, channel)
        if isinstance(request, ActionRequestNextPblock):
            return self._action_next(request, channel)
        if isinstance(request, AccessRequest):
            return self._access(request, channel)
        raise _Refusal(_UNKNOWN_SERVICE, f"{type(request).__name__} is not served")

    # -- object access (shared by every service) -----------------------------------------------

    def _target(self, class_id: int, ln: bytes) -> bytes:
        """The logical name to use: the current association resolves to this one's."""
        if ln == _CURRENT_OCTETS and class_id in (12, 15):
            return bytes(self.association.logical_name)
        return ln

    def _read(
        self,
        class_id: int,
        ln: bytes,
        attribute: int,
        selection: SelectiveAccessDescriptor | None,
        channel: _Channel,
    ) -> Data | DataAccessResult:
        alias = ln == _CURRENT_OCTETS
        ln = self._target(class_id, ln)
        if not self.quirks.access_rights_ignored:
            key = (class_id, ln, attribute)
            cache = self._rights_cache
            if key in cache:
                refusal = cache[key]
            else:
                refusal = self.association.check_get(
                    class_id, ln, attribute, authenticated=channel.authenticated
                )
                if len(cache) < 4096:
                    cache[key] = refusal
            if refusal is not None:
                if (
                    refusal is DataAccessResult.OBJECT_UNDEFINED
                    and self.quirks.exception_for_missing_object
                ):
                    raise _Refusal(_NOT_ALLOWED, "missing object (quirk)")
                return refusal
        elif self.objects.find(ln) is None and self.quirks.exception_for_missing_object:
            raise _Refusal(_NOT_ALLOWED, "missing object (quirk)")
        if selection is not None and not self.quirks.selective_access_ignored:
            result = self.objects.get(
                class_id,
                ln,
                attribute,
                now=self._now,
                selector=selection.access_selector,
                parameters=selection.access_parameters,
            )
        else:
            result = self.objects.get(class_id, ln, attribute, now=self._now)
        if not result.ok:
            return result.result
        value = result.value
        if class_id in (12, 15) and ln == bytes(self.association.logical_name):
            if attribute == 2:
                value = self._current_object_list(value)
            elif attribute == 3 and class_id == 12:
                value = self._current_rights_list(value)
            elif attribute == 1 and alias:
                value = _CURRENT_OCTETS  # named as it was asked for, as in the object list
        if self.quirks.wrong_attribute_type:
            value = _mistype(value)
        return value

    def _current_object_list(self, value: Data) -> Data:
        """The object list shows the association in use as 0.0.40.0.0.255 (and, with short
        names, at base name 0xFA00)."""
        own = bytes(self.association.logical_name)
        if not isinstance(value, list):
            return value
        index = 3 if self.short_names else 2
        out: list[Data] = []
        for element in value:
            if isinstance(element, tuple) and len(element) > index and element[index] == own:
                element = (*element[:index], _CURRENT_OCTETS, *element[index + 1 :])
                if self.short_names:
                    element = (Long(CURRENT_BASE_NAME - 0x10000), *element[1:])
            out.append(element)
        return out

    def _current_rights_list(self, value: Data) -> Data:
        """Association SN access_rights_list: the association in use at base name 0xFA00."""
        association = self.association
        if not isinstance(association, AssociationSN) or not isinstance(value, list):
            return value
        own = association.base_name(association)
        own_signed = own - 0x10000 if own > 0x7FFF else own
        current = Long(CURRENT_BASE_NAME - 0x10000)
        return [
            (current, *e[1:]) if isinstance(e, tuple) and e and e[0] == own_signed else e
            for e in value
        ]

    def _write(
        self,
        class_id: int,
        ln: bytes,
        attribute: int,
        value: Data,
        selection: SelectiveAccessDescriptor | None,
        channel: _Channel,
    ) -> DataAccessResult:
        ln = self._target(class_id, ln)
        if not self.quirks.access_rights_ignored:
            refusal = self.association.check_set(
                class_id, ln, attribute, authenticated=channel.authenticated
            )
            if refusal is not None:
                if (
                    refusal is DataAccessResult.OBJECT_UNDEFINED
                    and self.quirks.exception_for_missing_object
                ):
                    raise _Refusal(_NOT_ALLOWED, "missing object (quirk)")
                return refusal
        if selection is not None:
            result = self.objects.set(
                class_id,
                ln,
                attribute,
                value,
                now=self._now,
                selector=selection.access_selector,
                parameters=selection.access_parameters,
            )
        else:
            result = self.objects.set(class_id, ln, attribute, value, now=self._now)
        if result is DataAccessResult.SUCCESS:
            self._rights_cache.clear()
            self.modifications += 1
        return result

    def _invoke(
        self, method: CosemMethodDescriptor, parameter: Data, channel: _Channel
    ) -> ActionResponseItem:
        class_id = method.class_id
        ln = self._target(class_id, bytes(method.instance_id))
        index = method.method_id
        if not self.quirks.access_rights_ignored:
            refusal = self.association.check_action(
                class_id, ln, index, authenticated=channel.authenticated
            )
            if refusal is not None:
                if (
                    refusal is ActionResult.OBJECT_UNDEFINED
                    and self.quirks.exception_for_missing_object
                ):
                    raise _Refusal(_NOT_ALLOWED, "missing object (quirk)")
                return ActionResponseItem(refusal)
        hls = self._is_hls_reply(class_id, ln, index)
        if hls:
            self.association.reply_to_hls = self._hls_reply
        try:
            outcome = self.objects.action(class_id, ln, index, parameter, now=self._now)
        finally:
            if hls:
                self.association.reply_to_hls = None
        if outcome.ok:
            self._rights_cache.clear()
            self.modifications += 1
        if outcome.has_data:
            return ActionResponseItem(outcome.result, outcome.data)
        return ActionResponseItem(outcome.result)

    def _is_hls_reply(self, class_id: int, ln: bytes, index: int) -> bool:
        if ln != bytes(self.association.logical_name):
            return False
        if self.short_names:
            return class_id == 12 and index == 8
        return class_id == 15 and index == 1

    # -- HLS pass 3 while authenticating --------------------------------------------------------

    def _authenticating_action(self, data: bytes, channel: _Channel) -> list[bytes]:
        sap = self.settings.client_sap
        if (
            channel.kind is _Kind.PLAIN
            and self._request_protection
            and not self.quirks.policy_not_enforced
        ):
            _log.debug("client %d: plain HLS pass 3 where the policy asks protection", sap)
            return [_NOT_ALLOWED]
        try:
            request = _apdu.decode(data)
        except ApduDecodeError:
            return [_NOT_ALLOWED]
        if not isinstance(request, ActionRequestNormal):
            return [_NOT_ALLOWED]
        method = request.method
        ln = self._target(method.class_id, bytes(method.instance_id))
        if not self._is_hls_reply(method.class_id, ln, method.method_id):
            _log.debug(
                "client %d: only reply_to_HLS_authentication is served before HLS passes", sap
            )
            return [_NOT_ALLOWED]
        parameter = request.parameters
        self.association.reply_to_hls = self._hls_reply
        try:
            outcome = self.objects.action(
                method.class_id,
                ln,
                method.method_id,
                None if parameter is ABSENT else parameter,
                now=self._now,
            )
        finally:
            self.association.reply_to_hls = None
        iip = self._response_iip(request.invoke_id_and_priority)
        if outcome.ok:
            self.modifications += 1
            self._transition(ServerInput.HLS_PASSED)
            self._set_status(AssociationStatus.ASSOCIATED)
            self._associated()
            response = ActionResponseNormal(
                iip, outcome.result, outcome.data if outcome.has_data else ABSENT
            )
        else:
            self._transition(ServerInput.HLS_FAILED)
            self._event(AuthenticationFailed(sap))
            response = ActionResponseNormal(iip, outcome.result)
        return [self._protect(response.encode(), channel)]

    # -- GET ----------------------------------------------------------------------------------

    def _get_fast(self, data: bytes, channel: _Channel) -> list[bytes]:
        self._long_get = self._long_action = None
        self._incoming = None
        if self.negotiated & _GET == 0 and not self.quirks.conformance_not_enforced:
            return [_NOT_SUPPORTED]
        iip_byte = data[2]
        class_id = (data[3] << 8) | data[4]
        attribute = data[11]
        if attribute > 127:
            attribute -= 256
        try:
            result = self._read(
                class_id, data[5:11], attribute, None, _PLAIN if channel is _PLAIN else channel
            )
        except _Refusal as refusal:
            return [refusal.apdu]
        iip = InvokeIdAndPriority.from_byte(iip_byte)
        if not iip.confirmed:
            return []
        if self.quirks.wrong_invoke_id:
            iip = self._response_iip(iip)
        head = b"\xc4\x01" + bytes((iip.to_byte(),))
        if isinstance(result, DataAccessResult):
            response = head + bytes((1, result))
            _log.debug(
                "client %d: GET %d %s %d -> %s",
                self.settings.client_sap,
                class_id,
                _Ln(data[5:11]),
                attribute,
                result.name,
            )
        else:
            room = self._limit() - self._overhead(channel) - len(head) - 1
            try:
                raw, whole = _first_piece(result, room)
            except EncodeError as exc:
                _log.error(
                    "client %d: value of %s attribute %d does not encode: %s",
                    self.settings.client_sap,
                    _ln_text(data[5:11]),
                    attribute,
                    exc,
                )
                self._event(InternalError(self.settings.client_sap, str(exc)))
                return [self._protect(head + b"\x01\xfa", channel)]
            _log.debug(
                "client %d: GET %d %s %d -> %s%d octets",
                self.settings.client_sap,
                class_id,
                _Ln(data[5:11]),
                attribute,
                "" if whole is None else "more than ",
                len(raw),
            )
            if whole is not None:
                return self._long_get_start(iip, whole, channel)
            response = head + b"\x00" + raw
        return self._send(response, channel)

    def _send(self, response: bytes, channel: _Channel) -> list[bytes]:
        protected = self._protect(response, channel)
        if channel.gbt:
            return self._gbt_start(protected)
        return [protected]

    def _get_normal(
        self,
        iip: InvokeIdAndPriority,
        attribute: CosemAttributeDescriptor,
        selection: SelectiveAccessDescriptor | None,
        channel: _Channel,
    ) -> list[bytes]:
        self._allowed(_GET, "GET")
        if selection is not None:
            self._allowed(_SELECTIVE, "selective access")
        result = self._read(
            attribute.class_id,
            bytes(attribute.instance_id),
            attribute.attribute_id,
            selection,
            channel,
        )
        if not iip.confirmed:
            return []
        out_iip = self._response_iip(iip)
        if isinstance(result, DataAccessResult):
            _log.debug(
                "client %d: GET %s -> %s",
                self.settings.client_sap,
                _describe(attribute),
                result.name,
            )
            return self._send(GetResponseNormal(out_iip, result).encode(), channel)
        room = self._limit() - self._overhead(channel) - 4  # C4 01 iip 00
        try:
            raw, whole = _first_piece(result, room)
        except EncodeError as exc:
            _log.error(
                "client %d: value of %s does not encode: %s",
                self.settings.client_sap,
                _describe(attribute),
                exc,
            )
            self._event(InternalError(self.settings.client_sap, str(exc)))
            return self._send(
                GetResponseNormal(out_iip, DataAccessResult.OTHER_REASON).encode(), channel
            )
        _log.debug(
            "client %d: GET %s -> %s%d octets",
            self.settings.client_sap,
            _describe(attribute),
            "" if whole is None else "more than ",
            len(raw),
        )
        if whole is not None:
            return self._long_get_start(out_iip, whole, channel)
        response = b"\xc4\x01" + bytes((out_iip.to_byte(),)) + b"\x00" + raw
        return self._send(response, channel)

    def _long_get_start(
        self, iip: InvokeIdAndPriority, raw: Iterator[bytes], channel: _Channel
    ) -> list[bytes]:
        """Send a GET response too long for one APDU; ``raw`` gives its data (after the
        result choice) piece by piece, encoded as it is taken."""
        if channel.gbt or (self.negotiated & _GBT and not self.negotiated & _BLOCK_GET):
            # general block transfer ciphers and cuts the response as one APDU: all of it
            try:
                whole = b"".join(raw)
            except EncodeError as exc:
                _log.error("client %d: value does not encode: %s", self.settings.client_sap, exc)
                self._event(InternalError(self.settings.client_sap, str(exc)))
                response = GetResponseNormal(iip, DataAccessResult.OTHER_REASON).encode()
                return self._send(response, channel)
            response = b"\xc4\x01" + bytes((iip.to_byte(),)) + b"\x00" + whole
            return self._gbt_start(self._protect(response, channel))
        if not self.negotiated & _BLOCK_GET and not self.quirks.conformance_not_enforced:
            _log.debug(
                "client %d: response too long, no block transfer negotiated",
                self.settings.client_sap,
            )
            return [
                self._protect(
                    GetResponseNormal(iip, DataAccessResult.OTHER_REASON).encode(), channel
                )
            ]
        room = get_response_room(self._limit(), reserve=self._overhead(channel))
        first = 0 if self.quirks.block_numbers_from_zero else 1
        pending = _LongGet(iip, raw, room, channel, first)
        return [self._next_get_block(pending)]

    def _next_get_block(self, pending: _LongGet) -> bytes:
        block = pending.next_block()
        if pending.failed is not None:
            _log.error(
                "client %d: long GET: block %d does not encode: %s",
                self.settings.client_sap,
                block.block_number,
                pending.failed,
            )
            self._event(InternalError(self.settings.client_sap, str(pending.failed)))
        else:
            _log.debug(
                "client %d: long GET block %d of %d octets%s",
                self.settings.client_sap,
                block.block_number,
                len(block.result),  # type: ignore[arg-type]
                " (last)" if block.last_block else "",
            )
        self._long_get = None if pending.done else pending
        return self._protect(block.encode(), pending.channel)

    def _get_next(self, request: GetRequestNext, channel: _Channel) -> list[bytes]:
        self._allowed(_BLOCK_GET, "block transfer with GET")
        pending = self._long_get
        iip = self._response_iip(request.invoke_id_and_priority)
        if pending is None:
            response = GetResponseWithDatablock(
                iip, True, request.block_number, DataAccessResult.NO_LONG_GET_IN_PROGRESS
            )
            return [self._protect(response.encode(), channel)]
        if request.block_number != pending.last_number:
            self._long_get = None
            _log.debug(
                "client %d: GET next block %d, block %d was sent",
                self.settings.client_sap,
                request.block_number,
                pending.last_number,
            )
            response = GetResponseWithDatablock(
                iip, True, request.block_number + 1, DataAccessResult.DATA_BLOCK_NUMBER_INVALID
            )
            return [self._protect(response.encode(), channel)]
        return [self._next_get_block(pending)]

    def _get_with_list(self, request: GetRequestWithList, channel: _Channel) -> list[bytes]:
        self._allowed(_GET | _MULTIPLE, "GET with list")
        results: list[Data | DataAccessResult] = []
        for item in request.attributes:
            if item.access_selection is not None:
                self._allowed(_SELECTIVE, "selective access")
            results.append(
                self._read(
                    item.attribute.class_id,
                    bytes(item.attribute.instance_id),
                    item.attribute.attribute_id,
                    item.access_selection,
                    channel,
                )
            )
        if not request.invoke_id_and_priority.confirmed:
            return []
        iip = self._response_iip(request.invoke_id_and_priority)
        try:
            response = GetResponseWithList(iip, tuple(results)).encode()
        except EncodeError as exc:
            self._event(InternalError(self.settings.client_sap, str(exc)))
            response = GetResponseWithList(
                iip, tuple(DataAccessResult.OTHER_REASON for _ in results)
            ).encode()
        _log.debug(
            "client %d: GET with list of %d -> %d octets",
            self.settings.client_sap,
            len(results),
            len(response),
        )
        if len(response) + self._overhead(channel) > self._limit():
            if channel.gbt or (self.negotiated & _GBT and not self.negotiated & _BLOCK_GET):
                return self._gbt_start(self._protect(response, channel))
            return (
                self._long_get_start(iip, iter((response[3:],)), channel)
                if self.negotiated & _BLOCK_GET
                else [
                    self._protect(
                        GetResponseWithList(
                            iip, tuple(DataAccessResult.OTHER_REASON for _ in results)
                        ).encode(),
                        channel,
                    )
                ]
            )
        return self._send(response, channel)

    # -- SET ----------------------------------------------------------------------------------

    def _set_normal(self, request: SetRequestNormal, channel: _Channel) -> list[bytes]:
        self._allowed(_SET, "SET")
        if request.access_selection is not None:
            self._allowed(_SELECTIVE, "selective access")
        attribute = request.attribute
        result = self._write(
            attribute.class_id,
            bytes(attribute.instance_id),
            attribute.attribute_id,
            request.value,
            request.access_selection,
            channel,
        )
        _log.debug(
            "client %d: SET %s -> %s", self.settings.client_sap, _describe(attribute), result.name
        )
        if not request.invoke_id_and_priority.confirmed:
            return []
        return self._send(
            SetResponseNormal(self._response_iip(request.invoke_id_and_priority), result).encode(),
            channel,
        )

    def _set_with_list(self, request: SetRequestWithList, channel: _Channel) -> list[bytes]:
        self._allowed(_SET | _MULTIPLE, "SET with list")
        if len(request.values) != len(request.attributes):
            raise _Refusal(_MALFORMED, "SET with list: not one value per attribute")
        results = []
        for item, value in zip(request.attributes, request.values, strict=True):
            if item.access_selection is not None:
                self._allowed(_SELECTIVE, "selective access")
            attribute = item.attribute
            results.append(
                self._write(
                    attribute.class_id,
                    bytes(attribute.instance_id),
                    attribute.attribute_id,
                    value,
                    item.access_selection,
                    channel,
                )
            )
        _log.debug(
            "client %d: SET with list of %d -> %s",
            self.settings.client_sap,
            len(results),
            [r.name for r in results],
        )
        if not request.invoke_id_and_priority.confirmed:
            return []
        return self._send(
            SetResponseWithList(
                self._response_iip(request.invoke_id_and_priority), tuple(results)
            ).encode(),
            channel,
        )

    def _set_block(self, request: Any, channel: _Channel) -> list[bytes]:
        self._allowed(_SET | _BLOCK_SET, "SET with datablocks")
        iip = self._response_iip(request.invoke_id_and_priority)
        if isinstance(request, SetRequestWithFirstDatablock | SetRequestWithListAndFirstDatablock):
            if isinstance(request, SetRequestWithFirstDatablock):
                targets: tuple[Any, ...] = (
                    AttributeWithSelection(request.attribute, request.access_selection),
                )
                listed = False
            else:
                self._allowed(_MULTIPLE, "SET with list")
                targets = request.attributes
                listed = True
            for item in targets:
                if item.access_selection is not None:
                    self._allowed(_SELECTIVE, "selective access")
            self._incoming = _Incoming(
                request.invoke_id_and_priority,
                targets,
                listed,
                BlockReassembler(max_size=_max_reassembly(self.settings)),
            )
        incoming = self._incoming
        if incoming is None:
            response = SetResponseLastDatablock(
                iip, DataAccessResult.NO_LONG_SET_IN_PROGRESS, request.block_number
            )
            return self._send(response.encode(), channel)
        try:
            joined = incoming.blocks.add(request.block_number, request.last_block, request.raw_data)
        except BlockTransferError as exc:
            self._incoming = None
            _log.debug("client %d: SET block refused: %s", self.settings.client_sap, exc)
            result = DataAccessResult.DATA_BLOCK_NUMBER_INVALID
            if incoming.listed:
                refusal = SetResponseLastDatablockWithList(
                    iip, tuple(result for _ in incoming.targets), request.block_number
                ).encode()
            else:
                refusal = SetResponseLastDatablock(iip, result, request.block_number).encode()
            return self._send(refusal, channel)
        if joined is None:
            return self._send(SetResponseDatablock(iip, request.block_number).encode(), channel)
        self._incoming = None
        values = _decode_values(joined, len(incoming.targets) if incoming.listed else None)
        results: list[DataAccessResult] = []
        for index, item in enumerate(incoming.targets):
            if values is None:
                results.append(DataAccessResult.TYPE_UNMATCHED)
                continue
            attribute = item.attribute
            results.append(
                self._write(
                    attribute.class_id,
                    bytes(attribute.instance_id),
                    attribute.attribute_id,
                    values[index],
                    item.access_selection,
                    channel,
                )
            )
        _log.debug(
            "client %d: SET with datablocks (%d octets) -> %s",
            self.settings.client_sap,
            len(joined),
            [r.name for r in results],
        )
        if incoming.listed:
            return self._send(
                SetResponseLastDatablockWithList(
                    iip, tuple(results), request.block_number
                ).encode(),
                channel,
            )
        return self._send(
            SetResponseLastDatablock(iip, results[0], request.block_number).encode(), channel
        )

    # -- ACTION ---------------------------------------------------------------------------------

    def _action_normal(self, request: ActionRequestNormal, channel: _Channel) -> list[bytes]:
        self._allowed(_ACTION, "ACTION")
        parameter = None if request.parameters is ABSENT else request.parameters
        item = self._invoke(request.method, parameter, channel)
        _log.debug(
            "client %d: ACTION %s -> %s",
            self.settings.client_sap,
            _describe(request.method),
            item.result.name,
        )
        if not request.invoke_id_and_priority.confirmed:
            return []
        iip = self._response_iip(request.invoke_id_and_priority)
        return self._action_respond(iip, [item], listed=False, channel=channel)

    def _action_respond(
        self,
        iip: InvokeIdAndPriority,
        items: list[ActionResponseItem],
        *,
        listed: bool,
        channel: _Channel,
    ) -> list[bytes]:
        try:
            if listed:
                response = ActionResponseWithList(iip, tuple(items)).encode()
            else:
                response = ActionResponseNormal(
                    iip, items[0].result, items[0].return_parameters
                ).encode()
        except EncodeError as exc:
            self._event(InternalError(self.settings.client_sap, str(exc)))
            failed = [ActionResponseItem(ActionResult.OTHER_REASON) for _ in items]
            response = (
                ActionResponseWithList(iip, tuple(failed))
                if listed
                else ActionResponseNormal(iip, ActionResult.OTHER_REASON)
            ).encode()
        if len(response) + self._overhead(channel) > self._limit():
            if channel.gbt or (self.negotiated & _GBT and not self.negotiated & _BLOCK_ACTION):
                return self._gbt_start(self._protect(response, channel))
            if not self.negotiated & _BLOCK_ACTION and not self.quirks.conformance_not_enforced:
                failed = [ActionResponseItem(ActionResult.OTHER_REASON) for _ in items]
                response = (
                    ActionResponseWithList(iip, tuple(failed))
                    if listed
                    else ActionResponseNormal(iip, ActionResult.OTHER_REASON)
                ).encode()
                return [self._protect(response, channel)]
            blocks = action_response_blocks(
                iip, response[3:], self._limit(), reserve=self._overhead(channel)
            )
            if len(blocks) > 1:
                self._long_action = _Outgoing(list(blocks), channel, 1)
            return [self._protect(blocks[0].encode(), channel)]
        return self._send(response, channel)

    def _action_with_list(self, request: ActionRequestWithList, channel: _Channel) -> list[bytes]:
        self._allowed(_ACTION | _MULTIPLE, "ACTION with list")
        if len(request.methods) != len(request.parameters):
            raise _Refusal(_MALFORMED, "ACTION with list: not one parameter per method")
        items = [
            self._invoke(m, p, channel)
            for m, p in zip(request.methods, request.parameters, strict=True)
        ]
        _log.debug(
            "client %d: ACTION with list of %d -> %s",
            self.settings.client_sap,
            len(items),
            [i.result.name for i in items],
        )
        if not request.invoke_id_and_priority.confirmed:
            return []
        return self._action_respond(
            self._response_iip(request.invoke_id_and_priority), items, listed=True, channel=channel
        )

    def _action_block(self, request: Any, channel: _Channel) -> list[bytes]:
        self._allowed(_ACTION | _BLOCK_ACTION, "ACTION with pblocks")
        iip = self._response_iip(request.invoke_id_and_priority)
        if isinstance(request, ActionRequestWithFirstPblock | ActionRequestWithListAndFirstPblock):
            if isinstance(request, ActionRequestWithFirstPblock):
                targets: tuple[Any, ...] = (request.method,)
                listed = False
            else:
                self._allowed(_MULTIPLE, "ACTION with list")
                targets = request.methods
                listed = True
            self._incoming = _Incoming(
                request.invoke_id_and_priority,
                targets,
                listed,
                BlockReassembler(max_size=_max_reassembly(self.settings)),
            )
        incoming = self._incoming
        if incoming is None or not isinstance(incoming.targets[0], CosemMethodDescriptor):
            self._incoming = None
            return self._send(
                ActionResponseNormal(iip, ActionResult.NO_LONG_ACTION_IN_PROGRESS).encode(), channel
            )
        try:
            joined = incoming.blocks.add(request.block_number, request.last_block, request.raw_data)
        except BlockTransferError as exc:
            self._incoming = None
            _log.debug("client %d: ACTION block refused: %s", self.settings.client_sap, exc)
            return self._send(
                ActionResponseNormal(iip, ActionResult.LONG_ACTION_ABORTED).encode(), channel
            )
        if joined is None:
            return self._send(ActionResponseNextPblock(iip, request.block_number).encode(), channel)
        self._incoming = None
        values = _decode_values(joined, len(incoming.targets) if incoming.listed else None)
        if values is None:
            items = [ActionResponseItem(ActionResult.TYPE_UNMATCHED) for _ in incoming.targets]
        else:
            items = [self._invoke(m, values[i], channel) for i, m in enumerate(incoming.targets)]
        _log.debug(
            "client %d: ACTION with pblocks (%d octets) -> %s",
            self.settings.client_sap,
            len(joined),
            [i.result.name for i in items],
        )
        return self._action_respond(iip, items, listed=incoming.listed, channel=channel)

    def _action_next(self, request: ActionRequestNextPblock, channel: _Channel) -> list[bytes]:
        self._allowed(_BLOCK_ACTION, "block transfer with ACTION")
        pending = self._long_action
        iip = self._response_iip(request.invoke_id_and_priority)
        if pending is None:
            return self._send(
                ActionResponseNormal(iip, ActionResult.NO_LONG_ACTION_IN_PROGRESS).encode(), channel
            )
        last_sent = pending.blocks[pending.sent - 1].block_number
        if request.block_number != last_sent:
            self._long_action = None
            return self._send(
                ActionResponseNormal(iip, ActionResult.LONG_ACTION_ABORTED).encode(), channel
            )
        block = pending.blocks[pending.sent]
        pending.sent += 1
        if pending.sent >= len(pending.blocks):
            self._long_action = None
        return [self._protect(block.encode(), channel)]

    # -- ACCESS ---------------------------------------------------------------------------------

    def _access(self, request: AccessRequest, channel: _Channel) -> list[bytes]:
        self._allowed(_ACCESS, "ACCESS")
        specifications = request.specifications
        if len(request.data) != len(specifications):
            raise _Refusal(_MALFORMED, "ACCESS: not one data per specification")
        data: list[Data] = []
        results: list[Any] = []
        failed = False
        stop = request.long_invoke_id_and_priority.break_on_error
        for spec, value in zip(specifications, request.data, strict=True):
            if failed and stop:
                if isinstance(spec, AccessRequestAction):
                    results.append(AccessResponseAction(ActionResult.OTHER_REASON))
                elif isinstance(spec, AccessRequestGet | AccessRequestGetWithSelection):
                    results.append(AccessResponseGet(DataAccessResult.OTHER_REASON))
                else:
                    results.append(AccessResponseSet(DataAccessResult.OTHER_REASON))
                data.append(None)
                continue
            if isinstance(spec, AccessRequestGet | AccessRequestGetWithSelection):
                selection = (
                    spec.access_selection
                    if isinstance(spec, AccessRequestGetWithSelection)
                    else None
                )
                if selection is not None:
                    self._allowed(_SELECTIVE, "selective access")
                got = self._read(
                    spec.attribute.class_id,
                    bytes(spec.attribute.instance_id),
                    spec.attribute.attribute_id,
                    selection,
                    channel,
                )
                if isinstance(got, DataAccessResult):
                    results.append(AccessResponseGet(got))
                    data.append(None)
                    failed = True
                else:
                    results.append(AccessResponseGet(DataAccessResult.SUCCESS))
                    data.append(got)
            elif isinstance(spec, AccessRequestSet | AccessRequestSetWithSelection):
                selection = (
                    spec.access_selection
                    if isinstance(spec, AccessRequestSetWithSelection)
                    else None
                )
                if selection is not None:
                    self._allowed(_SELECTIVE, "selective access")
                written = self._write(
                    spec.attribute.class_id,
                    bytes(spec.attribute.instance_id),
                    spec.attribute.attribute_id,
                    value,
                    selection,
                    channel,
                )
                results.append(AccessResponseSet(written))
                data.append(None)
                failed = failed or written is not DataAccessResult.SUCCESS
            else:
                item = self._invoke(spec.method, value, channel)
                results.append(AccessResponseAction(item.result))
                returned = item.return_parameters
                data.append(
                    None
                    if returned is ABSENT or isinstance(returned, DataAccessResult)
                    else returned
                )
                failed = failed or item.result is not ActionResult.SUCCESS
        iip = request.long_invoke_id_and_priority
        _log.debug(
            "client %d: ACCESS of %d -> %s",
            self.settings.client_sap,
            len(results),
            [r.result.name for r in results],
        )
        if not iip.confirmed:
            return []
        response = AccessResponse(
            iip,
            tuple(data),
            tuple(results),
            request_specifications=specifications if iip.self_descriptive else None,
        ).encode()
        if len(response) + self._overhead(channel) > self._limit() and not channel.gbt:
            if self.negotiated & _GBT:
                return self._gbt_start(self._protect(response, channel))
            failures = tuple(
                AccessResponseAction(ActionResult.OTHER_REASON)
                if isinstance(r, AccessResponseAction)
                else type(r)(DataAccessResult.OTHER_REASON)
                for r in results
            )
            response = AccessResponse(iip, tuple(None for _ in results), failures).encode()
        return self._send(response, channel)

    # -- general block transfer ---------------------------------------------------------------

    def _on_gbt(self, data: bytes, channel: _Channel) -> list[bytes]:
        sap = self.settings.client_sap
        if self.state is not ServerState.ASSOCIATED:
            return [_NOT_ALLOWED]
        if not self.negotiated & _GBT and not self.quirks.conformance_not_enforced:
            return [_NOT_SUPPORTED]
        try:
            block = _apdu.decode(data)
        except ApduDecodeError as exc:
            _log.debug("client %d: undecodable GBT: %s", sap, exc)
            return [_MALFORMED]
        assert isinstance(block, GeneralBlockTransfer)
        self._gbt_peer_window = max(1, block.window)
        sending = self._gbt_out
        if sending is not None and not block.block_data and block.block_number_ack:
            # the client acknowledges blocks of our response and asks for the next window
            return self._gbt_continue(block.block_number_ack)
        self._gbt_out = None
        try:
            status = self._gbt_in.add(block)
        except BlockTransferError as exc:
            self._gbt_in.reset()
            _log.debug("client %d: GBT block refused: %s", sap, exc)
            return [_MALFORMED]
        self._gbt_last_received = max(self._gbt_last_received, block.block_number)
        if status.complete is None:
            if status.window_end:
                ack = GeneralBlockTransfer(
                    0, status.acknowledge, b"", False, False, self.settings.gbt_window
                )
                return [ack.encode()]
            return []
        inner = _Channel(channel.kind, channel.protection, True)
        _log.debug("client %d: GBT request of %d octets reassembled", sap, len(status.complete))
        started = self._gbt_started
        answers = self._dispatch(status.complete, inner)
        if self._gbt_started != started:
            return answers
        # an answer that did not go through _send (a refusal): carry it in GBT too
        out: list[bytes] = []
        for answer in answers:
            out += self._gbt_start(answer)
        return out

    def _gbt_start(self, apdu: bytes) -> list[bytes]:
        limit = min(self._limit(), 0xFFFF)
        room = max(1, limit - 6 - len(encode_length(limit)))
        pieces = [apdu[i : i + room] for i in range(0, len(apdu), room)] or [b""]
        if len(pieces) > 0xFFFF:
            return [_TOO_LONG]
        self._gbt_out = _GbtSend(pieces, self._gbt_peer_window)
        self._gbt_started += 1
        return self._gbt_continue(0)

    def _gbt_continue(self, acknowledged: int) -> list[bytes]:
        """The next window of the response being sent, after the client acknowledged
        ``acknowledged`` blocks (blocks it did not get are sent again)."""
        sending = self._gbt_out
        if sending is None:
            return []
        total = len(sending.blocks)
        first = min(acknowledged, total) + 1
        last = min(total, first - 1 + sending.window)
        out = [
            GeneralBlockTransfer(
                number,
                self._gbt_last_received,
                sending.blocks[number - 1],
                number == total,
                number != last,
                self.settings.gbt_window,
            ).encode()
            for number in range(first, last + 1)
        ]
        sending.sent = last
        if last == total:
            self._gbt_out = None
        return out

    # -- short name referencing -----------------------------------------------------------------

    def _resolve(self, name: int) -> tuple[CosemObject, int, bool] | None:
        """The object, index and kind (False: attribute, True: method) a short name names."""
        association = self.association
        assert isinstance(association, AssociationSN)
        candidates: list[tuple[CosemObject, int]] = []
        if CURRENT_BASE_NAME <= name < CURRENT_BASE_NAME + 0x100:
            candidates.append((association, CURRENT_BASE_NAME))
        found = association.resolve(name)
        if found is not None:
            obj, index = found
            return obj, index, False
        candidates.extend(
            (obj, association.base_name(obj)) for obj in association.visible_objects()
        )
        for obj, base in candidates:
            offset = name - base
            if offset < 0 or offset % 8:
                continue
            attributes = obj.definition.attribute_count
            if offset < 8 * attributes:
                return obj, offset // 8 + 1, False
            first = SN_METHOD_OFFSETS.get(obj.class_id)
            if (
                first is not None
                and offset >= first
                and (offset - first) // 8 < obj.definition.method_count
            ):
                return obj, (offset - first) // 8 + 1, True
        return None

    def _serve_sn(self, request: Any, channel: _Channel) -> list[bytes]:
        if isinstance(request, ReadRequest):
            return self._sn_read(request, channel)
        if isinstance(request, WriteRequest | UnconfirmedWriteRequest):
            confirmed = isinstance(request, WriteRequest)
            self._allowed(
                _WRITE if confirmed else _UNCONFIRMED_WRITE,
                "Write" if confirmed else "UnconfirmedWrite",
            )
            if len(request.values) != len(request.variables):
                if not confirmed:
                    return []
                raise _Refusal(
                    self._sn_error(0x06, ServiceErrorType.SERVICE, ServiceErrorCode.OTHER),
                    "not one value per variable",
                )
            results: list[Any] = []
            for variable, value in zip(request.variables, request.values, strict=True):
                results.append(self._sn_write(variable, value, channel))
            _log.debug(
                "client %d: Write of %d -> %s",
                self.settings.client_sap,
                len(results),
                [r.name for r in results],
            )
            if not confirmed:
                return []
            return self._send(WriteResponse(tuple(results)).encode(), channel)
        raise _Refusal(_UNKNOWN_SERVICE, f"{type(request).__name__} is not served")

    def _sn_read(self, request: ReadRequest, channel: _Channel) -> list[bytes]:
        self._allowed(_READ, "Read")
        variables = request.variables
        if len(variables) > 1:
            self._allowed(_MULTIPLE, "Read of several variables")
        if len(variables) == 1 and isinstance(variables[0], BlockNumberAccess):
            return self._sn_read_next(variables[0].block_number, channel)
        self._long_read = None
        results: list[Any] = [self._sn_read_one(variable, channel) for variable in variables]
        _log.debug("client %d: Read of %d", self.settings.client_sap, len(results))
        try:
            response = ReadResponse(tuple(results)).encode()
        except EncodeError as exc:
            self._event(InternalError(self.settings.client_sap, str(exc)))
            response = ReadResponse(tuple(DataAccessResult.OTHER_REASON for _ in results)).encode()
        if len(response) + self._overhead(channel) > self._limit():
            if not self.negotiated & _BLOCK_GET and not self.quirks.conformance_not_enforced:
                return self._send(
                    ReadResponse(tuple(DataAccessResult.OTHER_REASON for _ in results)).encode(),
                    channel,
                )
            try:
                blocks = read_response_blocks(
                    response[1:], self._limit(), reserve=self._overhead(channel)
                )
            except EncodeError:
                return self._send(
                    ReadResponse(tuple(DataAccessResult.OTHER_REASON for _ in results)).encode(),
                    channel,
                )
            if len(blocks) > 1:
                self._long_read = _Outgoing(list(blocks), channel, 1)
            return [self._protect(blocks[0].encode(), channel)]
        return self._send(response, channel)

    def _sn_read_next(self, number: int, channel: _Channel) -> list[bytes]:
        self._allowed(_BLOCK_GET, "block transfer with Read")
        pending = self._long_read
        if pending is None or number != pending.sent:
            self._long_read = None
            return self._send(
                ReadResponse((DataAccessResult.DATA_BLOCK_NUMBER_INVALID,)).encode(), channel
            )
        block = pending.blocks[pending.sent]
        pending.sent += 1
        if pending.sent >= len(pending.blocks):
            self._long_read = None
        return [self._protect(block.encode(), channel)]

    def _sn_read_one(self, variable: Any, channel: _Channel) -> Any:
        if isinstance(variable, VariableName):
            name, selector, parameter = variable.name, None, None
        elif isinstance(variable, ParameterizedAccess):
            self._allowed(_PARAMETERIZED, "parameterized access")
            name, selector, parameter = variable.name, variable.selector, variable.parameter
        else:
            return DataAccessResult.OTHER_REASON
        found = self._resolve(name)
        if found is None:
            return DataAccessResult.OBJECT_UNDEFINED
        obj, index, method = found
        alias = CURRENT_BASE_NAME <= name < CURRENT_BASE_NAME + 0x100
        ln = _CURRENT_OCTETS if alias else bytes(obj.logical_name)
        if method:
            descriptor = CosemMethodDescriptor(obj.class_id, obj.logical_name, index)
            item = self._invoke(descriptor, parameter, channel)
            if item.result is not ActionResult.SUCCESS:
                return _access_result_of(item.result)
            returned = item.return_parameters
            return (
                None if returned is ABSENT or isinstance(returned, DataAccessResult) else returned
            )
        selection = None if selector is None else SelectiveAccessDescriptor(selector, parameter)
        value = self._read(obj.class_id, ln, index, selection, channel)
        return value

    def _sn_write(self, variable: Any, value: Data, channel: _Channel) -> DataAccessResult:
        if not isinstance(variable, VariableName | ParameterizedAccess):
            return DataAccessResult.OTHER_REASON
        found = self._resolve(variable.name)
        if found is None:
            return DataAccessResult.OBJECT_UNDEFINED
        obj, index, method = found
        if method:
            descriptor = CosemMethodDescriptor(obj.class_id, obj.logical_name, index)
            item = self._invoke(descriptor, value, channel)
            return _access_result_of(item.result)
        selection = None
        if isinstance(variable, ParameterizedAccess):
            selection = SelectiveAccessDescriptor(variable.selector, variable.parameter)
        return self._write(obj.class_id, bytes(obj.logical_name), index, value, selection, channel)


# -- helpers ---------------------------------------------------------------------------------


def _ln_text(octets: bytes) -> str:
    return str(obis_of(octets)) if len(octets) == 6 else octets.hex()


class _Ln:
    """A logical name for a log message, made text only if the message is written."""

    __slots__ = ("octets",)

    def __init__(self, octets: bytes) -> None:
        self.octets = octets

    def __str__(self) -> str:
        return _ln_text(self.octets)


def _describe(descriptor: CosemAttributeDescriptor | CosemMethodDescriptor) -> str:
    index = (
        descriptor.attribute_id
        if isinstance(descriptor, CosemAttributeDescriptor)
        else descriptor.method_id
    )
    return f"{descriptor.class_id} {descriptor.instance_id} {index}"


def _access_result_of(result: ActionResult) -> DataAccessResult:
    member = DataAccessResult.__members__.get(result.name)
    return member if member is not None else DataAccessResult.OTHER_REASON


def _max_reassembly(settings: AssociationSettings) -> int:
    """The most octets a long SET or ACTION may join (bounded memory per connection)."""
    return 64 * settings.max_receive_pdu_size + 0xFFFF


def _decode_values(raw: bytes, count: int | None) -> list[Data] | None:
    """The Data of a joined long SET/ACTION (a SEQUENCE OF Data when ``count`` is given)."""
    try:
        if count is None:
            value, end = decode_prefix(raw, 0)
            return [value] if end == len(raw) else None
        n, pos = _read_count(raw)
        if n != count:
            return None
        values = []
        for _ in range(n):
            value, pos = decode_prefix(raw, pos)
            values.append(value)
        return values if pos == len(raw) else None
    except (DecodeError, ValueError):
        return None


def _read_count(raw: bytes) -> tuple[int, int]:
    from dlmskit.axdr import decode_length

    return decode_length(raw, 0)


_MISTYPED: Final[dict[type, type]] = {
    DoubleLongUnsigned: DoubleLong,
    DoubleLong: DoubleLongUnsigned,
    LongUnsigned: Long,
    Long: LongUnsigned,
    Unsigned: Integer,
    Integer: Unsigned,
    Long64Unsigned: Long64,
    Long64: Long64Unsigned,
    Enum: Unsigned,
}


def _mistype(value: Any) -> Any:
    """The ``wrong_attribute_type`` defect: an integer in a neighbouring A-XDR type."""
    cls = _MISTYPED.get(type(value))
    if cls is None:
        return value
    number = int(value)
    low, high = getattr(cls, "MIN", 0), getattr(cls, "MAX", 0)
    return cls(max(low, min(high, number)))
