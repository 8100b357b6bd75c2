"""The client side of an application association, sans-IO: APDUs in, events out.

:class:`ClientAssociation` builds the AARQ (LN or SN referencing, ciphered context or not,
authentication mechanisms 0 to 7, dedicated key, proposed conformance and PDU size), reads
the AARE (accepted; rejected with its diagnostic or ConfirmedServiceError; HLS pass 3/4 as
an ACTION ``reply_to_HLS_authentication`` on the current association object), then sends one
request at a time and matches the answers by invoke-id. What a request needs beyond one
APDU happens inside: GET-next with datablocks, SET and ACTION with datablocks/pblocks,
general block transfer received (and sent, when negotiated), with-list requests split to fit
the negotiated PDU. Ciphering goes through the association's
:class:`~dlmskit.association.ciphering.Ciphering`. Pushes (data-notification,
event-notification, information report) may arrive at any moment and come out as
:class:`PushReceived` events. Finally RLRQ/RLRE.

Nothing here reads a socket or a clock: the caller sends what :meth:`data_to_send` returns
(complete APDUs; the link layer frames them) and gives every APDU received to
:meth:`receive_apdu`, which returns the events. Timers are the caller's: when an answer is
late, it calls :meth:`retry` (send again what makes progress) or :meth:`cancel`.

>>> from dlmskit.association.client import ClientSettings, ClientAssociation
>>> association = ClientAssociation(ClientSettings(max_pdu_size=1200))
>>> association.associate()
>>> association.data_to_send()[0].hex().upper()
'601DA109060760857405080101BE10040E01000000065F1F0400007E9F04B0'

The states and transitions are those of :mod:`dlmskit.association._client_state`.
Failures: a call not allowed now is an :class:`AssociationStateError`
(LocalProtocolError); an APDU that breaks the protocol, fails a security check or fits no
state raises a :class:`~dlmskit.errors.RemoteProtocolError` and leaves the association
``FAILED``; a meter's well-formed refusal is an event.
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from dlmskit import apdu as _apdu
from dlmskit.apdu import (
    AARE,
    AARQ,
    ABSENT,
    ACSE_AUTHENTICATION,
    RLRE,
    RLRQ,
    Absent,
    ActionRequestNextPblock,
    ActionRequestNormal,
    ActionRequestWithList,
    ActionResponseItem,
    ActionResponseNextPblock,
    ActionResponseNormal,
    ActionResponseWithList,
    ActionResponseWithPblock,
    ApplicationContextName,
    AssociationResult,
    AttributeWithSelection,
    AuthenticationValue,
    BlockNumberAccess,
    BlockReassembler,
    ConfirmedServiceError,
    Conformance,
    CosemAttributeDescriptor,
    CosemMethodDescriptor,
    DataAccessResult,
    DataBlockResult,
    DataNotification,
    EventNotificationRequest,
    ExceptionResponse,
    GbtReassembler,
    GeneralBlockTransfer,
    GetRequestNext,
    GetRequestNormal,
    GetRequestWithList,
    GetResponseNormal,
    GetResponseWithDatablock,
    GetResponseWithList,
    InformationReportRequest,
    InitiateRequest,
    InitiateResponse,
    InvokeIdAndPriority,
    ParameterizedAccess,
    Priority,
    ReadRequest,
    ReadResponse,
    SetRequestNormal,
    SetRequestWithList,
    SetResponseDatablock,
    SetResponseLastDatablock,
    SetResponseLastDatablockWithList,
    SetResponseNormal,
    SetResponseWithList,
    VariableAccessSpecification,
    WriteRequest,
    WriteResponse,
)
from dlmskit.apdu import blocks as _blocks
from dlmskit.apdu import gbt as _gbt
from dlmskit.apdu._codec import Reader
from dlmskit.apdu._ln import read_result
from dlmskit.apdu.acse import AcseServiceProvider, AcseServiceUser
from dlmskit.apdu.errors import ApduDecodeError, BlockTransferError
from dlmskit.association._client_state import TABLE, Input, State
from dlmskit.association.ciphering import Ciphering, SecurityContext
from dlmskit.association.quirks import ClientQuirks
from dlmskit.axdr import Data, decode, encode
from dlmskit.cosem import Obis
from dlmskit.errors import DlmsError, LocalProtocolError, RemoteProtocolError
from dlmskit.security import (
    GENERAL_DED_CIPHERING,
    GENERAL_GLO_CIPHERING,
    AuthenticationError,
    Credentials,
    DecipheringError,
    InsufficientProtectionError,
    InvocationCounter,
    Key,
    Mechanism,
    Protection,
    ReplayGuard,
    SecurityConfigError,
    is_ciphered_tag,
    new_challenge,
    respond,
    verify,
)

__all__ = [
    "LN_CONFORMANCE",
    "SN_CONFORMANCE",
    "ActionDone",
    "Associated",
    "AssociationRejected",
    "AssociationStateError",
    "ClientAssociation",
    "ClientQuirks",
    "ClientSettings",
    "DataBlock",
    "Event",
    "GetDone",
    "Negotiated",
    "Progress",
    "PushReceived",
    "ReadDone",
    "Released",
    "RequestRefused",
    "SetDone",
    "State",
    "UnexpectedApduError",
    "WriteDone",
]

_log = logging.getLogger("dlmskit.association")

#: The current association object (Association LN) and its HLS method.
CURRENT_ASSOCIATION: Final = Obis(0, 0, 40, 0, 0, 255)
ASSOCIATION_LN_CLASS: Final = 15
REPLY_TO_HLS_AUTHENTICATION: Final = 1
#: Association SN of the current association, and the short name of its method 8
#: (reply_to_HLS_authentication): base name + 0x20 + 8 * (8 - 1).
SN_CURRENT_ASSOCIATION: Final = 0xFA00
SN_REPLY_TO_HLS: Final = SN_CURRENT_ASSOCIATION + 0x20 + 8 * 7

#: What this client implements of the LN services, proposed by default.
LN_CONFORMANCE: Final = (
    Conformance.GET
    | Conformance.SET
    | Conformance.ACTION
    | Conformance.SELECTIVE_ACCESS
    | Conformance.BLOCK_TRANSFER_WITH_GET_OR_READ
    | Conformance.BLOCK_TRANSFER_WITH_SET_OR_WRITE
    | Conformance.BLOCK_TRANSFER_WITH_ACTION
    | Conformance.MULTIPLE_REFERENCES
    | Conformance.ATTRIBUTE0_SUPPORTED_WITH_GET
    | Conformance.PRIORITY_MGMT_SUPPORTED
    | Conformance.EVENT_NOTIFICATION
    | Conformance.DATA_NOTIFICATION
)
#: What this client implements of the SN services, proposed by default.
SN_CONFORMANCE: Final = (
    Conformance.READ
    | Conformance.WRITE
    | Conformance.BLOCK_TRANSFER_WITH_GET_OR_READ
    | Conformance.MULTIPLE_REFERENCES
    | Conformance.INFORMATION_REPORT
    | Conformance.PARAMETERIZED_ACCESS
)
#: Bits this client can use on top of the defaults when asked to.
_OPTIONAL: Final = Conformance.GENERAL_BLOCK_TRANSFER | Conformance.GENERAL_PROTECTION


class AssociationStateError(LocalProtocolError):
    """A call that the association's state does not allow (a request before the
    association is established, a second request while one is outstanding, ...)."""


class UnexpectedApduError(RemoteProtocolError):
    """The meter sent an APDU that fits neither the state nor the request outstanding."""


# -- settings ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ClientSettings:
    """What the client proposes and how it authenticates.

    * ``short_names``: SN referencing (Association SN, READ/WRITE) instead of LN;
    * ``mechanism`` and ``credentials``: the authentication mechanism 0-7 and what it needs
      (:class:`~dlmskit.security.Credentials`: the LLS password or HLS secret, ECDSA keys,
      the manufacturer mechanism; the GMAC keys default to ``security.keys``);
    * ``security``: the client's :class:`~dlmskit.association.ciphering.SecurityContext`
      (keys, system title, policy). With it the application context is the ciphered one
      unless ``ciphered`` is False (keys used for HLS-GMAC only);
    * ``system_title``: the client's system title when there is no security context (HLS
      SHA-256 and ECDSA need one);
    * ``server_system_title``: the meter's, when its AARE does not carry it;
    * ``dedicated_key``: True for a fresh random dedicated key, or the key itself;
    * ``conformance``: the proposed conformance block (default: what this client
      implements for the referencing, plus general block transfer when
      ``general_block_transfer`` and general protection with general ciphering);
    * ``max_pdu_size``: client-max-receive-pdu-size; ``dlms_version``: proposed version;
    * ``gbt_window``: the receive window advertised in general block transfer;
    * ``challenge_length``: octets of CtoS (default 16, 32 for ECDSA);
    * ``user_id``: calling-AE-invocation-id (client user identification);
    * ``calling_ae_qualifier``: e.g. the client's signing certificate for ECDSA;
    * ``high_priority``: the priority bit of invoke-id-and-priority;
    * ``quirks``: the meter's named deviations.
    """

    short_names: bool = False
    mechanism: Mechanism = Mechanism.NONE
    credentials: Credentials = field(default_factory=Credentials)
    security: SecurityContext | None = None
    ciphered: bool | None = None
    system_title: bytes | None = None
    server_system_title: bytes | None = None
    dedicated_key: bool | bytes | Key = False
    conformance: Conformance | None = None
    general_block_transfer: bool = False
    max_pdu_size: int = 0xFFFF
    dlms_version: int = 6
    gbt_window: int = 1
    challenge_length: int | None = None
    user_id: int | None = None
    calling_ae_qualifier: bytes | None = None
    high_priority: bool = True
    quirks: ClientQuirks = field(default_factory=ClientQuirks)

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "mechanism", Mechanism(self.mechanism))
        except ValueError:
            raise LocalProtocolError(f"no authentication mechanism {self.mechanism!r}") from None
        if not 12 <= self.max_pdu_size <= 0xFFFF:
            raise LocalProtocolError("max_pdu_size must be 12..65535")
        if not 1 <= self.gbt_window <= _gbt.MAX_WINDOW:
            raise LocalProtocolError(f"gbt_window must be 1..{_gbt.MAX_WINDOW}")
        if self.ciphered and self.security is None:
            raise LocalProtocolError("a ciphered context needs a security context (keys)")
        for name in ("system_title", "server_system_title"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, bytes) or len(value) != 8):
                raise LocalProtocolError(f"{name} must be 8 octets")
        if self.dedicated_key is not False and not self.ciphered_context:
            raise LocalProtocolError("a dedicated key needs a ciphered context")
        if self.mechanism is Mechanism.HLS_GMAC and self.security is None:
            raise LocalProtocolError("HLS-GMAC needs a security context (keys, system title)")

    @property
    def ciphered_context(self) -> bool:
        return self.security is not None and self.ciphered is not False

    @property
    def context_name(self) -> ApplicationContextName:
        if self.short_names:
            return (
                ApplicationContextName.SHORT_NAME_WITH_CIPHERING
                if self.ciphered_context
                else ApplicationContextName.SHORT_NAME
            )
        return (
            ApplicationContextName.LOGICAL_NAME_WITH_CIPHERING
            if self.ciphered_context
            else ApplicationContextName.LOGICAL_NAME
        )

    @property
    def own_system_title(self) -> bytes | None:
        return self.security.system_title if self.security is not None else self.system_title

    @property
    def proposed_conformance(self) -> Conformance:
        if self.conformance is not None:
            return Conformance(self.conformance)
        base = SN_CONFORMANCE if self.short_names else LN_CONFORMANCE
        if self.general_block_transfer:
            base |= Conformance.GENERAL_BLOCK_TRANSFER
        if self.security is not None and self.security.general_ciphering:
            base |= Conformance.GENERAL_PROTECTION
        return base


@dataclass(frozen=True, slots=True)
class Negotiated:
    """What the AARE established."""

    conformance: Conformance
    server_max_pdu_size: int
    dlms_version: int
    vaa_name: int
    mechanism: Mechanism
    ciphered: bool
    server_system_title: bytes | None
    dedicated_key: bool

    def allows(self, bits: Conformance) -> bool:
        return (self.conformance & bits) == bits


# -- events -----------------------------------------------------------------------------------


class Event:
    """Base class of what :meth:`ClientAssociation.receive_apdu` reports."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class Associated(Event):
    """The association is established (after the AARE, and after HLS pass 4)."""

    negotiated: Negotiated


@dataclass(frozen=True, slots=True)
class AssociationRejected(Event):
    """The meter refused the association: in its AARE (``result`` and ``diagnostic``, and
    the ConfirmedServiceError of the xDLMS part when it sent one), with an exception
    response, or by refusing HLS pass 3 (``stage`` ``"HLS"``)."""

    stage: str  # "AARE" or "HLS"
    result: AssociationResult | None = None
    diagnostic: AcseServiceUser | AcseServiceProvider | None = None
    error: ConfirmedServiceError | ExceptionResponse | None = None
    action_result: Any = None

    @property
    def reason(self) -> str:
        parts = []
        if self.result is not None:
            parts.append(self.result.name.lower().replace("_", "-"))
        if self.diagnostic is not None:
            source = (
                "acse-service-user"
                if isinstance(self.diagnostic, AcseServiceUser)
                else ("acse-service-provider")
            )
            parts.append(f"{source}: {self.diagnostic.name.lower().replace('_', '-')}")
        if isinstance(self.error, ConfirmedServiceError):
            parts.append(
                f"confirmed-service-error {_name(self.error.service)}: "
                f"{_name(self.error.error)} {_name(self.error.value)}"
            )
        elif isinstance(self.error, ExceptionResponse):
            text = (
                f"exception-response {_name(self.error.state_error)}: "
                f"{_name(self.error.service_error)}"
            )
            if self.error.invocation_counter is not None:
                text += f" (the meter expects invocation counter {self.error.invocation_counter})"
            parts.append(text)
        if self.action_result is not None:
            parts.append(f"reply_to_HLS_authentication: {_name(self.action_result)}")
        return "; ".join(parts) or "refused"


def _name(value: Any) -> str:
    name = getattr(value, "name", None)
    return name.lower().replace("_", "-") if isinstance(name, str) else str(value)


@dataclass(frozen=True, slots=True)
class Progress(Event):
    """One more block of the answer to request ``handle`` arrived."""

    handle: int
    blocks: int
    octets: int


@dataclass(frozen=True, slots=True)
class DataBlock(Event):
    """Raw data of a long GET asked with ``stream=True``, in order: together the blocks of
    one request are the encoded value (see :class:`GetDone.streamed`)."""

    handle: int
    data: bytes = field(repr=False)
    last: bool = False


@dataclass(frozen=True, slots=True)
class GetDone(Event):
    """The results of a GET, one per attribute asked: the value (``Data``) or the meter's
    :class:`~dlmskit.apdu.DataAccessResult`. ``streamed``: the value came in
    :class:`DataBlock` events and ``results`` is empty."""

    handle: int
    results: tuple[Any, ...]
    streamed: bool = False


@dataclass(frozen=True, slots=True)
class SetDone(Event):
    handle: int
    results: tuple[DataAccessResult, ...]


@dataclass(frozen=True, slots=True)
class ActionDone(Event):
    handle: int
    results: tuple[ActionResponseItem, ...]


@dataclass(frozen=True, slots=True)
class ReadDone(Event):
    """SN ReadResponse results, one per variable: Data or a DataAccessResult."""

    handle: int
    results: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class WriteDone(Event):
    handle: int
    results: tuple[DataAccessResult, ...]


@dataclass(frozen=True, slots=True)
class RequestRefused(Event):
    """The meter answered the request with an exception-response or a
    confirmed-service-error (a well-formed refusal of the whole request)."""

    handle: int
    error: ExceptionResponse | ConfirmedServiceError


@dataclass(frozen=True, slots=True)
class PushReceived(Event):
    """An unsolicited APDU: data-notification, event-notification or information report.

    ``protection`` is what protected it (None: it came plain). A ciphered push this side
    cannot decipher is reported with ``apdu`` None and the ``error``.
    """

    apdu: DataNotification | EventNotificationRequest | InformationReportRequest | None
    raw: bytes = field(repr=False)
    protection: Protection | None = None
    error: DlmsError | None = None


@dataclass(frozen=True, slots=True)
class Released(Event):
    """The RLRE arrived (``response`` None when the release needed none)."""

    response: RLRE | None


# -- the exchange of one request APDU (and its blocks) ----------------------------------------


class _Kind:
    GET = "get"
    SET = "set"
    ACTION = "action"
    READ = "read"
    WRITE = "write"
    HLS = "hls"


@dataclass(slots=True)
class _Exchange:
    kind: str
    count: int  # results expected
    first: Any  # the first request APDU (without invoke id when LN: built at start)
    items: tuple[Any, ...] = ()
    blocks: list[Any] = field(default_factory=list)  # SET/ACTION request blocks not yet sent
    stream: bool = False
    invoke_id: int = 0
    sent_block: int = 0
    reassembler: BlockReassembler = field(default_factory=BlockReassembler)
    received_blocks: int = 0
    received_octets: int = 0


@dataclass(slots=True)
class _Operation:
    handle: int
    kind: str
    exchanges: list[_Exchange]
    results: list[Any] = field(default_factory=list)
    index: int = 0
    streamed: bool = False

    @property
    def current(self) -> _Exchange:
        return self.exchanges[self.index]


_PUSHES: Final = (DataNotification, EventNotificationRequest, InformationReportRequest)
#: ciphered tags that carry pushes (glo-/ded- information report and event notification)
_PUSH_TAGS: Final = frozenset({0x38, 0x58, 0xCA, 0xD2})
_GBT_TAG: Final = GeneralBlockTransfer.TAG


class ClientAssociation:
    """The client side of one application association (see the module documentation).

    ``counter`` is the client's invocation counter for the global unicast key (give it a
    durable store); ``replay`` guards the meter's counter.
    """

    def __init__(
        self,
        settings: ClientSettings | None = None,
        *,
        counter: InvocationCounter | None = None,
        replay: ReplayGuard | None = None,
    ) -> None:
        self.settings = settings if settings is not None else ClientSettings()
        self.state = State.IDLE
        self.negotiated: Negotiated | None = None
        self.ciphering: Ciphering | None = None
        if self.settings.security is not None:
            self.ciphering = Ciphering(
                self.settings.security,
                client=True,
                counter=counter,
                replay=replay,
                peer_system_title=self.settings.server_system_title,
            )
        self._out: list[bytes] = []
        self._events: list[Event] = []
        self._invoke_ids = itertools.cycle((*range(1, 16), 0))
        self._handles = itertools.count(1)
        self._op: _Operation | None = None
        self._cancelled: set[int] = set()
        self._ctos = b""
        self._stoc = b""
        self._last_sent: Any = None  # what retry() sends again
        self._gbt_rx = GbtReassembler(window=self.settings.gbt_window)
        self._gbt_tx: list[GeneralBlockTransfer] = []
        self._gbt_number = 0  # our last GBT block number in this exchange
        self._peer_window = 1
        self._replay_floor: int | None = None

    def __repr__(self) -> str:
        return f"<ClientAssociation {self.state.name} {self.settings.context_name.name}>"

    # -- the state table ------------------------------------------------------------------------

    def _allowed(self, what: Input) -> bool:
        return what in TABLE[self.state]

    def _apply(self, what: Input) -> None:
        row = TABLE[self.state]
        if what not in row:
            if what in (Input.ASSOCIATE, Input.REQUEST, Input.CANCEL, Input.RELEASE, Input.ABORT):
                raise AssociationStateError(
                    f"cannot {what.value} while the association is {self.state.value}"
                )
            raise UnexpectedApduError(f"{what.value} while the association is {self.state.value}")
        _, new_state = row[what]
        _log.debug("association %s: %s -> %s", self.state.name, what.name, new_state.name)
        self.state = new_state

    # -- drivers --------------------------------------------------------------------------------

    def data_to_send(self) -> list[bytes]:
        """The APDUs to send now, in order (and forget)."""
        out, self._out = self._out, []
        return out

    def receive_apdu(self, data: bytes | bytearray | memoryview) -> list[Event]:
        """Take one complete APDU from the meter; returns the events it caused.

        Raises a :class:`~dlmskit.errors.RemoteProtocolError` (and the association is
        ``FAILED``) when the APDU breaks the protocol or fails a security check.
        """
        self._events = []
        try:
            self._receive(bytes(data))
        except RemoteProtocolError:
            self._fail()
            raise
        except DlmsError:
            self._fail()
            raise
        events, self._events = self._events, []
        return events

    def _fail(self) -> None:
        if self._allowed(Input.PROTOCOL_ERROR):
            self._apply(Input.PROTOCOL_ERROR)
            self._op = None

    # -- association ----------------------------------------------------------------------------

    def associate(self) -> None:
        """Queue the AARQ."""
        self._apply(Input.ASSOCIATE)
        self._reset_transfer()
        settings = self.settings
        if settings.mechanism.is_hls:
            self._ctos = new_challenge(settings.mechanism, settings.challenge_length)
        self._stoc = b""
        self.negotiated = None
        if self.ciphering is not None:
            if settings.quirks.meter_counter_restarts:
                self.ciphering.replay = ReplayGuard()
            key = settings.dedicated_key
            if key is True:
                key = Key.generate(self.ciphering.context.keys.suite.key_length)
            self.ciphering.set_dedicated_key(None if key is False else key)
        aarq = self._build_aarq()
        self._last_sent = aarq
        self._out.append(aarq)

    def _initiate_request(self) -> InitiateRequest:
        settings = self.settings
        dedicated = None
        if self.ciphering is not None and self.ciphering.dedicated_key is not None:
            dedicated = self.ciphering.dedicated_key.reveal()
        return InitiateRequest(
            settings.proposed_conformance,
            settings.max_pdu_size,
            settings.dlms_version,
            dedicated_key=dedicated,
        )

    def _protected_initiate(self) -> Any:
        """The InitiateRequest as user-information: ciphered in a ciphered context."""
        plain = self._initiate_request()
        if not self.settings.ciphered_context:
            return plain
        assert self.ciphering is not None
        protection = self.ciphering.context.sending_protection(client=True)
        if plain.dedicated_key is not None or protection is Protection.NONE:
            protection = Protection.AUTHENTICATED_ENCRYPTED  # a key never travels in clear
        ciphered = self.ciphering.protect(plain.encode(), dedicated=False, protection=protection)
        return _apdu.decode(ciphered)

    def _build_aarq(self) -> bytes:
        settings = self.settings
        mechanism = settings.mechanism
        own_title = settings.own_system_title
        needs_title = settings.ciphered_context or mechanism in (
            Mechanism.HLS_GMAC,
            Mechanism.HLS_SHA256,
            Mechanism.HLS_ECDSA,
        )
        if needs_title and own_title is None:
            raise LocalProtocolError(f"{mechanism.name} needs the client's system title")
        value: AuthenticationValue | None = None
        if mechanism is Mechanism.LLS:
            secret = settings.credentials.secret
            if secret is None:
                raise LocalProtocolError("LLS needs a password (credentials.secret)")
            value = AuthenticationValue(secret.reveal())
        elif mechanism.is_hls:
            value = AuthenticationValue(self._ctos)
        aarq = AARQ(
            settings.context_name,  # type: ignore[arg-type]
            self._protected_initiate(),
            calling_ap_title=own_title if needs_title else None,
            sender_acse_requirements=ACSE_AUTHENTICATION if mechanism else None,
            mechanism_name=_apdu.MechanismName(int(mechanism)) if mechanism else None,  # type: ignore[arg-type]
            calling_authentication_value=value,
            calling_ae_qualifier=settings.calling_ae_qualifier,
            calling_ae_invocation_id=settings.user_id,
        )
        return aarq.encode()

    def _on_aare(self, aare: AARE) -> None:
        settings = self.settings
        if aare.result is not AssociationResult.ACCEPTED:
            self._apply(Input.AARE_REJECTED)
            self._events.append(
                AssociationRejected(
                    "AARE",
                    aare.result,
                    aare.result_source_diagnostic,
                    self._aare_error(aare),
                )
            )
            return
        if aare.context is not settings.context_name:
            raise UnexpectedApduError(
                f"the AARE accepts application context {aare.application_context_name}, "
                f"not the proposed {settings.context_name.name}"
            )
        peer_title = aare.responding_ap_title or settings.server_system_title
        if peer_title is not None and self.ciphering is not None:
            try:
                self.ciphering.set_peer_system_title(peer_title)
            except SecurityConfigError as exc:
                raise UnexpectedApduError(str(exc)) from None
        response = self._aare_initiate_response(aare)
        proposed = settings.proposed_conformance
        conformance = Conformance(int(response.negotiated_conformance) & int(proposed))
        server_pdu = settings.quirks.server_max_pdu_size or response.server_max_receive_pdu_size
        if server_pdu == 0:
            server_pdu = 0xFFFF
        if server_pdu < 12:
            raise UnexpectedApduError(f"server-max-receive-pdu-size {server_pdu} is too small")
        self.negotiated = Negotiated(
            conformance,
            server_pdu,
            response.negotiated_dlms_version_number,
            response.vaa_name,
            settings.mechanism,
            settings.ciphered_context,
            peer_title,
            self.ciphering is not None and self.ciphering.dedicated_key is not None,
        )
        if not settings.mechanism.is_hls:
            self._apply(Input.AARE_ACCEPTED)
            self._events.append(Associated(self.negotiated))
            return
        stoc = aare.responding_authentication_value
        if stoc is None:
            raise AuthenticationError("the AARE accepts HLS but carries no challenge (StoC)")
        self._stoc = stoc.value
        self._apply(Input.AARE_ACCEPTED_HLS)
        self._send_hls_pass3()

    def _aare_error(self, aare: AARE) -> ConfirmedServiceError | None:
        info = aare.user_information
        if isinstance(info, ConfirmedServiceError):
            return info
        if info is not None and self.ciphering is not None and aare.responding_ap_title:
            try:
                self.ciphering.set_peer_system_title(aare.responding_ap_title)
                plain = _apdu.decode(self.ciphering.unprotect(info.encode()).plaintext)
            except DlmsError:
                return None
            return plain if isinstance(plain, ConfirmedServiceError) else None
        return None

    def _aare_initiate_response(self, aare: AARE) -> InitiateResponse:
        info = aare.user_information
        if info is None:
            raise UnexpectedApduError("the AARE accepts but carries no InitiateResponse")
        if isinstance(info, InitiateResponse):
            if self.settings.ciphered_context and not self.settings.quirks.plain_initiate_response:
                raise InsufficientProtectionError(
                    "the AARE of a ciphered association carries a plain InitiateResponse"
                )
            return info
        if isinstance(info, ConfirmedServiceError):
            raise UnexpectedApduError("the AARE accepts but carries a confirmed-service-error")
        if self.ciphering is None:
            raise UnexpectedApduError("the AARE carries a ciphered InitiateResponse; no keys here")
        if self.ciphering.peer_system_title is None and not isinstance(
            info, _apdu.GeneralGloCiphering | _apdu.GeneralDedCiphering
        ):
            raise UnexpectedApduError("a ciphered AARE without the meter's system title")
        deciphered = self.ciphering.unprotect(info.encode(), require=Protection.NONE)
        if self.ciphering.peer_system_title is None:
            self.ciphering.set_peer_system_title(deciphered.system_title)
        plain = _apdu.decode(deciphered.plaintext)
        if not isinstance(plain, InitiateResponse):
            raise UnexpectedApduError(
                f"the AARE's user-information holds a {type(plain).__name__}, not an "
                "InitiateResponse"
            )
        return plain

    # -- HLS ------------------------------------------------------------------------------------

    def _credentials(self) -> Credentials:
        credentials = self.settings.credentials
        if credentials.keys is None and self.settings.security is not None:
            credentials = dataclasses.replace(credentials, keys=self.settings.security.keys)
        return credentials

    def _peer_title(self) -> bytes | None:
        if self.negotiated is not None and self.negotiated.server_system_title is not None:
            return self.negotiated.server_system_title
        return self.settings.server_system_title

    def _hls_replay(self) -> ReplayGuard | None:
        """The guard of the meter's GMAC counter in pass 4 (see :meth:`_unprotect`)."""
        if self.ciphering is None:
            return None
        if self._replay_floor is None:
            return self.ciphering.replay
        guard = ReplayGuard(lowest=self._replay_floor)
        self._replay_floor = None
        return guard

    def _send_hls_pass3(self) -> None:
        mechanism = self.settings.mechanism
        answer = respond(
            mechanism,
            challenge=self._stoc,
            own_challenge=self._ctos,
            credentials=self._credentials(),
            own_system_title=self.settings.own_system_title,
            peer_system_title=self._peer_title(),
            invocation_counter=self.ciphering.counter if self.ciphering is not None else None,
        )
        if self.settings.short_names:
            exchange = _Exchange(
                _Kind.HLS,
                1,
                ReadRequest((ParameterizedAccess(SN_REPLY_TO_HLS, 0, answer),)),
            )
        else:
            method = CosemMethodDescriptor(
                ASSOCIATION_LN_CLASS, CURRENT_ASSOCIATION, REPLY_TO_HLS_AUTHENTICATION
            )
            exchange = _Exchange(_Kind.HLS, 1, ActionRequestNormal(self._iip(0), method, answer))
        self._op = _Operation(0, _Kind.HLS, [exchange])
        self._start_exchange(exchange)

    def _on_hls_answer(self, response: Any) -> None:
        returned: Any = None
        refusal: Any = None
        if isinstance(response, ActionResponseNormal):
            if response.result != _apdu.ActionResult.SUCCESS:
                refusal = response.result
            else:
                returned = response.return_parameters
        elif isinstance(response, ReadResponse) and len(response.results) == 1:
            returned = response.results[0]
        else:
            raise UnexpectedApduError(f"{type(response).__name__} answers HLS pass 3")
        if refusal is None and isinstance(returned, DataAccessResult):
            refusal = returned
        if refusal is not None:
            self._op = None
            self._apply(Input.HLS_REFUSED)
            self._events.append(AssociationRejected("HLS", action_result=refusal))
            return
        if not isinstance(returned, bytes):
            raise AuthenticationError("the meter's f(CtoS) is not an octet-string")
        verify(
            self.settings.mechanism,
            returned,
            challenge=self._ctos,
            peer_challenge=self._stoc,
            credentials=self._credentials(),
            own_system_title=self.settings.own_system_title,
            peer_system_title=self._peer_title(),
            replay=self._hls_replay(),
        )
        self._op = None
        self._apply(Input.HLS_ACCEPTED)
        assert self.negotiated is not None
        self._events.append(Associated(self.negotiated))

    # -- requests -------------------------------------------------------------------------------

    def _require_request(self) -> Negotiated:
        if not self._allowed(Input.REQUEST) or self.negotiated is None:
            raise AssociationStateError(
                f"cannot send a request while the association is {self.state.value}"
            )
        return self.negotiated

    def _require_ln(self, service: str) -> Negotiated:
        negotiated = self._require_request()
        if self.settings.short_names:
            raise LocalProtocolError(f"{service} needs LN referencing; use read/write with SN")
        return negotiated

    def _iip(self, invoke_id: int) -> InvokeIdAndPriority:
        priority = Priority.HIGH if self.settings.high_priority else Priority.NORMAL
        return InvokeIdAndPriority(invoke_id, priority=priority)

    @property
    def _reserve(self) -> int:
        if not self.settings.ciphered_context:
            return 0
        extra = 9 if self.settings.security and self.settings.security.general_ciphering else 0
        return _blocks.CIPHERING_OVERHEAD + extra

    @property
    def _limit(self) -> int:
        """The most octets a plain request may have to fit the meter's PDU once protected."""
        assert self.negotiated is not None
        return self.negotiated.server_max_pdu_size - self._reserve

    def _fits(self, plain: Any) -> bool:
        return len(plain.encode()) <= self._limit

    def _can_gbt(self) -> bool:
        return self.negotiated is not None and self.negotiated.allows(
            Conformance.GENERAL_BLOCK_TRANSFER
        )

    def _new_operation(self, kind: str, exchanges: list[_Exchange]) -> int:
        handle = next(self._handles)
        self._op = _Operation(handle, kind, exchanges)
        self._apply(Input.REQUEST)
        self._start_exchange(exchanges[0])
        return handle

    def _chunks(self, items: Sequence[Any], size_of: Any, overhead: int) -> list[list[int]]:
        """Indexes of ``items`` grouped so that each group's with-list request fits."""
        assert self.negotiated is not None
        multiple = self.negotiated.allows(Conformance.MULTIPLE_REFERENCES)
        most = self.settings.quirks.max_list_items or 0xFFFF
        groups: list[list[int]] = []
        current: list[int] = []
        size = overhead
        for index, item in enumerate(items):
            item_size = size_of(item)
            if current and (
                not multiple
                or len(current) >= most
                or size + item_size + 3 > self._limit  # 3: a longer count
            ):
                groups.append(current)
                current, size = [], overhead
            current.append(index)
            size += item_size
        if current:
            groups.append(current)
        return groups

    def get(
        self,
        attribute: CosemAttributeDescriptor,
        access_selection: _apdu.SelectiveAccessDescriptor | None = None,
        *,
        stream: bool = False,
    ) -> int:
        """Queue a GET of one attribute; returns the handle its events carry. With
        ``stream`` a long answer comes as :class:`DataBlock` events."""
        return self.get_many([AttributeWithSelection(attribute, access_selection)], stream=stream)

    def get_many(self, items: Sequence[AttributeWithSelection], *, stream: bool = False) -> int:
        """Queue a GET of several attributes: with-list requests that fit the negotiated
        PDU (one GET-normal each without multiple-references). :class:`GetDone` has one
        result per item, in order."""
        self._require_ln("GET")
        items = tuple(items)
        if not items:
            raise LocalProtocolError("nothing to get")

        def size_of(item: AttributeWithSelection) -> int:
            out = bytearray()
            item.encode_into(out)
            return len(out)

        exchanges = []
        for group in self._chunks(items, size_of, 4):
            chosen = tuple(items[i] for i in group)
            if len(chosen) == 1:
                first: Any = GetRequestNormal(
                    self._iip(0), chosen[0].attribute, chosen[0].access_selection
                )
            else:
                first = GetRequestWithList(self._iip(0), chosen)
            if not self._fits(first) and not self._can_gbt():
                raise LocalProtocolError(
                    f"a GET request of {len(first.encode())} octets does not fit the meter's "
                    f"PDU ({self._limit} octets) and general block transfer is not negotiated"
                )
            exchanges.append(_Exchange(_Kind.GET, len(chosen), first, chosen, stream=stream))
        return self._new_operation(_Kind.GET, exchanges)

    def set(
        self,
        attribute: CosemAttributeDescriptor,
        value: Data,
        access_selection: _apdu.SelectiveAccessDescriptor | None = None,
    ) -> int:
        """Queue a SET of one attribute (in datablocks when it does not fit the PDU)."""
        return self.set_many([AttributeWithSelection(attribute, access_selection)], [value])

    def set_many(self, items: Sequence[AttributeWithSelection], values: Sequence[Data]) -> int:
        """Queue a SET of several attributes; :class:`SetDone` has one result per item."""
        self._require_ln("SET")
        items, values = tuple(items), tuple(values)
        if not items or len(items) != len(values):
            raise LocalProtocolError("set_many needs one value per attribute")
        encoded = [encode(v) for v in values]

        def size_of(index_item: tuple[int, AttributeWithSelection]) -> int:
            index, item = index_item
            out = bytearray()
            item.encode_into(out)
            return len(out) + len(encoded[index])

        exchanges = []
        for group in self._chunks(list(enumerate(items)), size_of, 5):
            chosen = tuple(items[i] for i in group)
            if len(chosen) == 1:
                exchanges.append(self._set_one(chosen[0], values[group[0]], encoded[group[0]]))
                continue
            first = SetRequestWithList(self._iip(0), chosen, tuple(values[i] for i in group))
            if self._fits(first) or self._can_gbt():
                exchanges.append(_Exchange(_Kind.SET, len(chosen), first, chosen))
            else:
                raw = b"".join(encoded[i] for i in group)
                raw = _count(len(group)) + raw
                blocks = _blocks.set_request_with_list_blocks(
                    self._iip(0), chosen, raw, self._server_pdu, reserve=self._reserve
                )
                exchanges.append(self._block_exchange(_Kind.SET, len(chosen), blocks, chosen))
        return self._new_operation(_Kind.SET, exchanges)

    @property
    def _server_pdu(self) -> int:
        assert self.negotiated is not None
        return self.negotiated.server_max_pdu_size

    def _block_exchange(
        self, kind: str, count: int, blocks: list[Any], items: tuple[Any, ...]
    ) -> _Exchange:
        bit = (
            Conformance.BLOCK_TRANSFER_WITH_SET_OR_WRITE
            if kind == _Kind.SET
            else Conformance.BLOCK_TRANSFER_WITH_ACTION
        )
        assert self.negotiated is not None
        if not self.negotiated.allows(bit):
            raise LocalProtocolError(
                f"the {kind.upper()} request does not fit the meter's PDU "
                f"({self._server_pdu} octets) and block transfer with {kind.upper()} is not "
                "negotiated"
            )
        return _Exchange(kind, count, blocks[0], items, blocks=list(blocks[1:]))

    def _set_one(self, item: AttributeWithSelection, value: Data, raw: bytes) -> _Exchange:
        first = SetRequestNormal(self._iip(0), item.attribute, value, item.access_selection)
        if self._fits(first) or (self._can_gbt() and not self._block_bit(_Kind.SET)):
            return _Exchange(_Kind.SET, 1, first, (item,))
        blocks = _blocks.set_request_blocks(
            self._iip(0),
            item.attribute,
            raw,
            self._server_pdu,
            access_selection=item.access_selection,
            reserve=self._reserve,
        )
        return self._block_exchange(_Kind.SET, 1, blocks, (item,))

    def _block_bit(self, kind: str) -> bool:
        assert self.negotiated is not None
        bit = (
            Conformance.BLOCK_TRANSFER_WITH_SET_OR_WRITE
            if kind == _Kind.SET
            else Conformance.BLOCK_TRANSFER_WITH_ACTION
        )
        return self.negotiated.allows(bit)

    def action(self, method: CosemMethodDescriptor, parameters: Data | Absent = ABSENT) -> int:
        """Queue an ACTION (in pblocks when the parameters do not fit the PDU)."""
        return self.action_many([method], [parameters])

    def action_many(
        self, methods: Sequence[CosemMethodDescriptor], parameters: Sequence[Data | Absent]
    ) -> int:
        """Queue several ACTIONs; :class:`ActionDone` has one item per method. In a list a
        method without parameters is sent with null-data."""
        self._require_ln("ACTION")
        methods, params = tuple(methods), tuple(parameters)
        if not methods or len(methods) != len(params):
            raise LocalProtocolError("action_many needs one parameter (or ABSENT) per method")
        listed = tuple(None if p is ABSENT else p for p in params)
        encoded = [encode(p) for p in listed]

        def size_of(index: int) -> int:
            return 9 + len(encoded[index])

        exchanges = []
        for group in self._chunks(list(range(len(methods))), size_of, 5):
            chosen = tuple(methods[i] for i in group)
            if len(chosen) == 1:
                exchanges.append(self._action_one(chosen[0], params[group[0]], encoded[group[0]]))
                continue
            first = ActionRequestWithList(self._iip(0), chosen, tuple(listed[i] for i in group))
            if self._fits(first) or self._can_gbt():
                exchanges.append(_Exchange(_Kind.ACTION, len(chosen), first, chosen))
            else:
                raw = _count(len(group)) + b"".join(encoded[i] for i in group)
                blocks = _blocks.action_request_with_list_blocks(
                    self._iip(0), chosen, raw, self._server_pdu, reserve=self._reserve
                )
                exchanges.append(self._block_exchange(_Kind.ACTION, len(chosen), blocks, chosen))
        return self._new_operation(_Kind.ACTION, exchanges)

    def _action_one(
        self, method: CosemMethodDescriptor, parameters: Data | Absent, raw: bytes
    ) -> _Exchange:
        first = ActionRequestNormal(self._iip(0), method, parameters)
        if self._fits(first) or (self._can_gbt() and not self._block_bit(_Kind.ACTION)):
            return _Exchange(_Kind.ACTION, 1, first, (method,))
        blocks = _blocks.action_request_blocks(
            self._iip(0), method, raw, self._server_pdu, reserve=self._reserve
        )
        return self._block_exchange(_Kind.ACTION, 1, blocks, (method,))

    def read(self, variables: Sequence[VariableAccessSpecification]) -> int:
        """Queue an SN ReadRequest (variable names, or parameterized access for selective
        access and methods); :class:`ReadDone` has one result per variable."""
        self._require_request()
        if not self.settings.short_names:
            raise LocalProtocolError("READ needs SN referencing; use get with LN")
        variables = tuple(variables)
        if not variables:
            raise LocalProtocolError("nothing to read")
        first = ReadRequest(variables)
        if not self._fits(first) and not self._can_gbt():
            raise LocalProtocolError("the ReadRequest does not fit the meter's PDU")
        return self._new_operation(_Kind.READ, [_Exchange(_Kind.READ, len(variables), first)])

    def write(
        self, variables: Sequence[VariableAccessSpecification], values: Sequence[Data]
    ) -> int:
        """Queue an SN WriteRequest; :class:`WriteDone` has one result per variable."""
        self._require_request()
        if not self.settings.short_names:
            raise LocalProtocolError("WRITE needs SN referencing; use set with LN")
        variables, values = tuple(variables), tuple(values)
        if not variables or len(variables) != len(values):
            raise LocalProtocolError("write needs one value per variable")
        first = WriteRequest(variables, values)
        if not self._fits(first) and not self._can_gbt():
            raise LocalProtocolError("the WriteRequest does not fit the meter's PDU")
        return self._new_operation(_Kind.WRITE, [_Exchange(_Kind.WRITE, len(variables), first)])

    def cancel(self) -> None:
        """Give up the request outstanding: its late answers are dropped."""
        self._apply(Input.CANCEL)
        if self._op is not None:
            self._cancelled.add(self._op.current.invoke_id)
        self._op = None
        self._reset_transfer()

    def retry(self) -> None:
        """The answer is late: send again what makes progress (the last request APDU, freshly
        protected, or an acknowledgement of the general block transfer received so far)."""
        if self.state not in (
            State.AWAITING_AARE,
            State.AUTHENTICATING,
            State.AWAITING_RESPONSE,
            State.AWAITING_RLRE,
        ):
            raise AssociationStateError(f"nothing to retry while {self.state.value}")
        if self._gbt_rx.in_progress:
            self._send_gbt_ack(self._gbt_rx.acknowledge)
            return
        if self._gbt_tx:
            self._send_gbt_window(self._gbt_tx_acked)
            return
        if isinstance(self._last_sent, bytes):  # AARQ, RLRQ: sent as they are
            if self.state is State.AWAITING_AARE:
                self._out.append(self._build_aarq())
            else:
                self._out.append(self._last_sent)
        elif self._last_sent is not None:
            self._send(self._last_sent)

    # -- release --------------------------------------------------------------------------------

    def release(self) -> None:
        """Queue the RLRQ (or, for meters that do not take one, release at once: a
        :class:`Released` event is then ready in :meth:`take_events`)."""
        self._apply(Input.RELEASE)
        if not self.settings.quirks.release_with_rlrq:
            self._apply(Input.RLRE)
            self._released(None)
            self._events.append(Released(None))
            return
        info = None
        if (
            self.settings.ciphered_context
            and self.settings.quirks.rlrq_user_information
            and self.ciphering is not None
        ):
            info = self._protected_initiate()
        rlrq = RLRQ(_apdu.ReleaseRequestReason.NORMAL, info).encode()
        self._last_sent = rlrq
        self._out.append(rlrq)

    def take_events(self) -> list[Event]:
        """Events caused by a user call rather than a received APDU (a release without
        RLRQ)."""
        events, self._events = self._events, []
        return events

    def abort(self) -> None:
        """Forget the association in any state, sending nothing (the link is gone, or the
        caller gave up)."""
        self._apply(Input.ABORT)
        self._op = None
        self._out = []
        self._released(None)

    def _released(self, rlre: RLRE | None) -> None:
        self.negotiated = None
        self._op = None
        self._cancelled.clear()
        self._reset_transfer()
        if self.ciphering is not None:
            self.ciphering.set_dedicated_key(None)

    def _on_rlre(self, rlre: RLRE) -> None:
        if rlre.user_information is not None and self.ciphering is not None:
            info = rlre.user_information
            if not isinstance(info, InitiateResponse | ConfirmedServiceError):
                try:
                    self.ciphering.unprotect(info.encode(), require=Protection.NONE)
                except DlmsError as exc:
                    _log.warning("the RLRE's ciphered user-information does not verify: %s", exc)
        self._apply(Input.RLRE)
        self._released(rlre)
        self._events.append(Released(rlre))

    # -- sending --------------------------------------------------------------------------------

    def _reset_transfer(self) -> None:
        self._gbt_rx.reset()
        self._gbt_tx = []
        self._gbt_tx_acked = 0
        self._gbt_number = 0
        self._last_sent = None

    def _start_exchange(self, exchange: _Exchange) -> None:
        self._reset_transfer()
        first = exchange.first
        if hasattr(first, "invoke_id_and_priority"):
            exchange.invoke_id = next(self._invoke_ids)
            first = dataclasses.replace(first, invoke_id_and_priority=self._iip(exchange.invoke_id))
            exchange.first = first
            exchange.blocks = [
                dataclasses.replace(b, invoke_id_and_priority=self._iip(exchange.invoke_id))
                for b in exchange.blocks
            ]
        exchange.sent_block = getattr(first, "block_number", 0)
        self._send(first)

    def _send(self, plain: Any) -> None:
        """Protect (in a ciphered context) and queue a request APDU; in general block
        transfer when it is longer than the meter's PDU."""
        self._last_sent = plain
        data = plain.encode()
        if self.settings.ciphered_context and self.ciphering is not None:
            protection = self.ciphering.context.sending_protection(client=True)
            if protection is not Protection.NONE:
                data = self.ciphering.protect(data)
        if self.negotiated is not None and len(data) > self._server_pdu:
            if not self._can_gbt():
                raise LocalProtocolError(
                    f"a request of {len(data)} octets exceeds the meter's PDU "
                    f"({self._server_pdu} octets)"
                )
            self._gbt_tx = _gbt.split(data, self._server_pdu, window=self.settings.gbt_window)
            self._gbt_tx_acked = 0
            self._send_gbt_window(0)
            return
        self._gbt_number = 1  # a plain request counts as our block 1
        self._out.append(data)

    def _send_gbt_window(self, acked: int) -> None:
        blocks = self._gbt_tx[acked : acked + max(1, self._peer_window)]
        last = len(blocks) - 1
        for i, block in enumerate(blocks):
            streaming = i != last and not block.last_block
            self._out.append(
                dataclasses.replace(
                    block, streaming=streaming, block_number_ack=self._gbt_rx.acknowledge
                ).encode()
            )
            self._gbt_number = max(self._gbt_number, block.block_number)

    def _send_gbt_ack(self, acknowledge: int) -> None:
        self._gbt_number = min(self._gbt_number + 1, 0xFFFF)
        ack = GeneralBlockTransfer(
            self._gbt_number, acknowledge, b"", True, False, self.settings.gbt_window
        )
        self._out.append(ack.encode())

    # -- receiving ------------------------------------------------------------------------------

    def _receive(self, data: bytes) -> None:
        if not data:
            raise ApduDecodeError("an APDU, found no octets", 0)
        tag = data[0]
        if tag == _GBT_TAG:
            self._on_gbt(data)
            return
        protection: Protection | None = None
        if is_ciphered_tag(tag):
            deciphered = self._unprotect(data)
            if deciphered is None:
                return
            data, protection = deciphered
            if not data or data[0] == _GBT_TAG or is_ciphered_tag(data[0]):
                raise UnexpectedApduError("a ciphered APDU holding no plain xDLMS APDU")
        message = _apdu.decode(data)
        if isinstance(message, _PUSHES):
            self._events.append(PushReceived(message, data, protection))
            return
        if protection is None and not isinstance(message, AARE | RLRE | ExceptionResponse):
            self._check_plain_allowed(message)
        self._dispatch(message)

    def _check_plain_allowed(self, message: Any) -> None:
        if not self.settings.ciphered_context or self.ciphering is None:
            return
        if self.state not in (State.AUTHENTICATING, State.AWAITING_RESPONSE):
            return
        required = self.ciphering.context.required_protection(client=True)
        if required is not Protection.NONE:
            raise InsufficientProtectionError(
                f"a plain {type(message).__name__} where the security policy requires {required!r}"
            )

    def _unprotect(self, data: bytes) -> tuple[bytes, Protection] | None:
        tag = data[0]
        if self.ciphering is None:
            if tag in _PUSH_TAGS or tag in (GENERAL_GLO_CIPHERING, GENERAL_DED_CIPHERING):
                self._events.append(
                    PushReceived(None, data, None, SecurityConfigError("no keys to decipher"))
                )
                return None
            raise UnexpectedApduError(f"a ciphered APDU (tag 0x{tag:02X}) but no keys here")
        # HLS pass 4: the meter may compute its GMAC f(CtoS) (taking a counter value) before
        # it protects the ACTION response (taking the next one): the inner counter is checked
        # against what was acceptable before this APDU.
        self._replay_floor = self.ciphering.replay.lowest_acceptable
        try:
            deciphered = self.ciphering.unprotect(data)
        except (DecipheringError, SecurityConfigError) as exc:
            if tag in _PUSH_TAGS or self._foreign_general(data):
                self._events.append(PushReceived(None, data, None, exc))
                return None
            raise
        return deciphered.plaintext, deciphered.protection

    def _foreign_general(self, data: bytes) -> bool:
        """A general-glo/ded-ciphering APDU from another system title than the meter's
        (a push of another device): reported, not fatal."""
        if data[0] not in (GENERAL_GLO_CIPHERING, GENERAL_DED_CIPHERING) or len(data) < 10:
            return False
        peer = self.ciphering.peer_system_title if self.ciphering else None
        return data[1] == 8 and peer is not None and data[2:10] != peer

    def _on_gbt(self, data: bytes) -> None:
        if self.state not in (
            State.AWAITING_RESPONSE,
            State.AUTHENTICATING,
            State.AWAITING_AARE,
            State.AWAITING_RLRE,
        ):
            raise UnexpectedApduError(f"a general-block-transfer APDU while {self.state.value}")
        block = _apdu.decode(data)
        assert isinstance(block, GeneralBlockTransfer)
        if block.window:
            self._peer_window = block.window
        if not block.block_data and not self._gbt_rx.in_progress:
            if self._gbt_tx:  # an acknowledgement of our blocks
                acked = min(block.block_number_ack, len(self._gbt_tx))
                self._gbt_tx_acked = acked
                if acked < len(self._gbt_tx):
                    self._send_gbt_window(acked)
                return
            if block.block_number == 0 or not block.last_block:
                return  # an acknowledgement with nothing to acknowledge
        if self._gbt_tx:
            self._gbt_tx = []  # the answer implies the meter has our request
        status = self._gbt_rx.add(block)
        if self._op is not None and status.complete is None and not status.duplicate:
            exchange = self._op.current
            exchange.received_blocks += 1
            exchange.received_octets += len(block.block_data)
            self._events.append(
                Progress(self._op.handle, exchange.received_blocks, exchange.received_octets)
            )
        if status.complete is not None:
            self._receive(status.complete)
            return
        if status.window_end or status.missing:
            self._send_gbt_ack(status.acknowledge)

    def _dispatch(self, message: Any) -> None:
        state = self.state
        if isinstance(message, AARE):
            if state is not State.AWAITING_AARE:
                raise UnexpectedApduError(f"an AARE while {state.value}")
            self._on_aare(message)
            return
        if isinstance(message, RLRE):
            if state is not State.AWAITING_RLRE:
                raise UnexpectedApduError(f"an RLRE while {state.value}")
            self._on_rlre(message)
            return
        if isinstance(message, ExceptionResponse | ConfirmedServiceError):
            self._on_refusal(message)
            return
        iip = getattr(message, "invoke_id_and_priority", None)
        if iip is not None and self._stale(iip.invoke_id):
            return
        if state is State.AUTHENTICATING:
            self._on_hls_answer(message)
            return
        if state is not State.AWAITING_RESPONSE or self._op is None:
            if iip is not None and state in (State.ASSOCIATED, State.AWAITING_RLRE):
                _log.debug("dropped a late %s", type(message).__name__)
                return
            raise UnexpectedApduError(f"a {type(message).__name__} while {state.value}")
        exchange = self._op.current
        handler = _HANDLERS.get((exchange.kind, type(message)))
        if handler is None:
            raise UnexpectedApduError(
                f"a {type(message).__name__} answers a {exchange.kind.upper()} request"
            )
        handler(self, exchange, message)

    def _stale(self, invoke_id: int) -> bool:
        if self.settings.quirks.ignore_invoke_id:
            return False
        if self._op is not None and self.state in (State.AWAITING_RESPONSE, State.AUTHENTICATING):
            if invoke_id == self._op.current.invoke_id:
                return False
            _log.info(
                "dropped a response with invoke-id %d (waiting for %d)",
                invoke_id,
                self._op.current.invoke_id,
            )
            return True
        return invoke_id in self._cancelled or self.state is not State.AWAITING_RESPONSE

    def _on_refusal(self, error: ExceptionResponse | ConfirmedServiceError) -> None:
        state = self.state
        if state is State.AWAITING_AARE:
            self._apply(Input.AARE_REJECTED)
            self._events.append(AssociationRejected("AARE", error=error))
        elif state is State.AUTHENTICATING:
            self._op = None
            self._apply(Input.HLS_REFUSED)
            self._events.append(AssociationRejected("HLS", error=error))
        elif state is State.AWAITING_RESPONSE and self._op is not None:
            handle = self._op.handle
            self._op = None
            self._reset_transfer()
            self._apply(Input.RESPONSE)
            self._events.append(RequestRefused(handle, error))
        else:
            raise UnexpectedApduError(f"a {type(error).__name__} while {state.value}")

    # -- answers --------------------------------------------------------------------------------

    def _finish(self, exchange: _Exchange, results: Sequence[Any]) -> None:
        op = self._op
        assert op is not None
        if len(results) != exchange.count:
            raise UnexpectedApduError(
                f"{len(results)} results answer a request for {exchange.count}"
            )
        op.results.extend(results)
        op.index += 1
        if op.index < len(op.exchanges):
            self._apply(Input.PARTIAL_RESPONSE)
            self._start_exchange(op.current)
            return
        self._op = None
        self._reset_transfer()
        self._apply(Input.RESPONSE)
        results = tuple(op.results)
        if op.kind == _Kind.GET:
            self._events.append(GetDone(op.handle, () if op.streamed else results, op.streamed))
        elif op.kind == _Kind.SET:
            self._events.append(SetDone(op.handle, results))
        elif op.kind == _Kind.ACTION:
            self._events.append(ActionDone(op.handle, results))
        elif op.kind == _Kind.READ:
            self._events.append(ReadDone(op.handle, results))
        else:
            self._events.append(WriteDone(op.handle, results))

    def _next(self, request: Any) -> None:
        self._apply(Input.PARTIAL_RESPONSE)
        self._send(request)

    def _block(self, exchange: _Exchange, number: int, last: bool, raw: bytes) -> bytes | None:
        assert self._op is not None
        held = exchange.reassembler.last_block_number
        if number == held and held:
            raise BlockTransferError(f"block {number} received twice")
        joined = exchange.reassembler.add(number, last, raw)
        exchange.received_blocks += 1
        exchange.received_octets += len(raw)
        self._events.append(
            Progress(self._op.handle, exchange.received_blocks, exchange.received_octets)
        )
        return joined

    def _on_get_normal(self, exchange: _Exchange, message: GetResponseNormal) -> None:
        if exchange.count != 1:
            raise UnexpectedApduError("a get-response-normal answers a get-request-with-list")
        self._finish(exchange, (message.result,))

    def _on_get_list(self, exchange: _Exchange, message: GetResponseWithList) -> None:
        self._finish(exchange, message.results)

    def _on_get_block(self, exchange: _Exchange, message: GetResponseWithDatablock) -> None:
        assert self._op is not None
        if isinstance(message.result, DataAccessResult):
            if exchange.reassembler.last_block_number and exchange.stream:
                raise BlockTransferError(
                    f"the meter aborted a streamed GET: {message.result.name.lower()}"
                )
            exchange.reassembler.reset()
            self._finish(exchange, (message.result,) * exchange.count)
            return
        streaming = exchange.stream and exchange.count == 1
        if streaming:
            self._op.streamed = True
            self._events.append(
                DataBlock(self._op.handle, message.result, bool(message.last_block))
            )
        joined = self._block(exchange, message.block_number, message.last_block, message.result)
        if joined is None:
            self._next(GetRequestNext(self._iip(exchange.invoke_id), message.block_number))
            return
        if streaming:
            self._finish(exchange, (None,))
            return
        if exchange.count == 1:
            self._finish(exchange, (decode(joined),))
        else:
            self._finish(exchange, _read_results(joined, exchange.count))

    def _on_set_normal(self, exchange: _Exchange, message: SetResponseNormal) -> None:
        self._finish(exchange, (message.result,))

    def _on_set_list(self, exchange: _Exchange, message: SetResponseWithList) -> None:
        self._finish(exchange, message.results)

    def _on_set_ack(self, exchange: _Exchange, message: SetResponseDatablock) -> None:
        self._send_next_block(exchange, message.block_number)

    def _send_next_block(self, exchange: _Exchange, acknowledged: int) -> None:
        if acknowledged != exchange.sent_block or not exchange.blocks:
            raise BlockTransferError(
                f"the meter acknowledges block {acknowledged}; block {exchange.sent_block} "
                f"was sent, {len(exchange.blocks)} remain"
            )
        block = exchange.blocks.pop(0)
        exchange.sent_block = block.block_number
        self._next(block)

    def _on_set_last(self, exchange: _Exchange, message: SetResponseLastDatablock) -> None:
        self._check_last(exchange, message.block_number)
        self._finish(exchange, (message.result,))

    def _on_set_last_list(
        self, exchange: _Exchange, message: SetResponseLastDatablockWithList
    ) -> None:
        self._check_last(exchange, message.block_number)
        self._finish(exchange, message.results)

    def _check_last(self, exchange: _Exchange, number: int) -> None:
        if exchange.blocks or number != exchange.sent_block:
            raise BlockTransferError(
                f"the meter ends the transfer at block {number}; block {exchange.sent_block} "
                f"was sent and {len(exchange.blocks)} remain"
            )

    def _on_action_normal(self, exchange: _Exchange, message: ActionResponseNormal) -> None:
        if exchange.count != 1:
            raise UnexpectedApduError("an action-response-normal answers a with-list request")
        self._finish(exchange, (message.item,))

    def _on_action_list(self, exchange: _Exchange, message: ActionResponseWithList) -> None:
        self._finish(exchange, message.results)

    def _on_action_ack(self, exchange: _Exchange, message: ActionResponseNextPblock) -> None:
        self._send_next_block(exchange, message.block_number)

    def _on_action_block(self, exchange: _Exchange, message: ActionResponseWithPblock) -> None:
        if exchange.blocks:
            raise BlockTransferError("the meter answers before it has every block of the request")
        joined = self._block(exchange, message.block_number, message.last_block, message.raw_data)
        if joined is None:
            self._next(ActionRequestNextPblock(self._iip(exchange.invoke_id), message.block_number))
            return
        self._finish(exchange, _read_action_items(joined, exchange.count))

    def _on_read(self, exchange: _Exchange, message: ReadResponse) -> None:
        results = message.results
        blocks = [r for r in results if isinstance(r, DataBlockResult)]
        if not blocks:
            if any(isinstance(r, _apdu.BlockNumberResult) for r in results):
                raise UnexpectedApduError("a ReadResponse with a bare block number")
            self._finish(exchange, results)
            return
        if len(results) != 1:
            raise UnexpectedApduError(
                "a data-block-result among several ReadResponse results is not supported"
            )
        block = blocks[0]
        joined = self._block(exchange, block.block_number, block.last_block, block.raw_data)
        if joined is None:
            self._next(ReadRequest((BlockNumberAccess(block.block_number),)))
            return
        if exchange.count != 1:
            raise UnexpectedApduError("a block-transferred answer to a multi-variable read")
        self._finish(exchange, (decode(joined),))

    def _on_write(self, exchange: _Exchange, message: WriteResponse) -> None:
        if any(isinstance(r, _apdu.BlockNumberResult) for r in message.results):
            raise UnexpectedApduError("a WriteResponse with a block number to a plain write")
        self._finish(exchange, message.results)

    def _on_hls(self, exchange: _Exchange, message: Any) -> None:  # pragma: no cover
        raise AssertionError("HLS answers are handled in AUTHENTICATING")


_HANDLERS: Final[dict[tuple[str, type], Any]] = {
    (_Kind.GET, GetResponseNormal): ClientAssociation._on_get_normal,
    (_Kind.GET, GetResponseWithList): ClientAssociation._on_get_list,
    (_Kind.GET, GetResponseWithDatablock): ClientAssociation._on_get_block,
    (_Kind.SET, SetResponseNormal): ClientAssociation._on_set_normal,
    (_Kind.SET, SetResponseWithList): ClientAssociation._on_set_list,
    (_Kind.SET, SetResponseDatablock): ClientAssociation._on_set_ack,
    (_Kind.SET, SetResponseLastDatablock): ClientAssociation._on_set_last,
    (_Kind.SET, SetResponseLastDatablockWithList): ClientAssociation._on_set_last_list,
    (_Kind.ACTION, ActionResponseNormal): ClientAssociation._on_action_normal,
    (_Kind.ACTION, ActionResponseWithList): ClientAssociation._on_action_list,
    (_Kind.ACTION, ActionResponseNextPblock): ClientAssociation._on_action_ack,
    (_Kind.ACTION, ActionResponseWithPblock): ClientAssociation._on_action_block,
    (_Kind.READ, ReadResponse): ClientAssociation._on_read,
    (_Kind.WRITE, WriteResponse): ClientAssociation._on_write,
}


def _count(n: int) -> bytes:
    from dlmskit.axdr import encode_length

    return encode_length(n)


def _read_results(raw: bytes, count: int) -> tuple[Any, ...]:
    """SEQUENCE OF Get-Data-Result, the joined datablocks of a GET with list."""
    r = Reader(raw, 0, len(raw), 0xC4)
    n = r.count("Get-Data-Results", 2)
    if n != count:
        r.fail(f"{count} Get-Data-Results, found {n}", 0)
    results = tuple(read_result(r) for _ in range(n))
    r.done()
    return results


def _read_action_items(raw: bytes, count: int) -> tuple[ActionResponseItem, ...]:
    """The joined pblocks of an ACTION response: one Action-Response-With-Optional-Data,
    or (with list) a SEQUENCE OF them."""
    r = Reader(raw, 0, len(raw), 0xC7)
    if count == 1:
        items: tuple[ActionResponseItem, ...] = (ActionResponseItem.read(r),)
    else:
        n = r.count("action results", 2)
        if n != count:
            r.fail(f"{count} action results, found {n}", 0)
        items = tuple(ActionResponseItem.read(r) for _ in range(n))
    r.done()
    return items
