"""An application association as the suite opens it: every APDU built, sent and checked here.

A :class:`Session` runs over an :class:`~dlmskit.conformance.channels.ApduChannel` for one
:class:`~dlmskit.conformance.iut.AssociationSpec`. It builds the AARQ the description calls for
(:meth:`Session.aarq`, which tests then alter field by field), runs the authentication
(LLS in the AARQ, HLS pass 3 and 4 with :mod:`dlmskit.security.authentication`), protects and
unprotects the xDLMS APDUs of a ciphered context with
:class:`dlmskit.association.Ciphering`, reads long values block by block, and releases.

It is deliberately plain: one request at a time, each answer decoded with
:func:`dlmskit.apdu.decode` and checked for what the standard requires of it (the invoke id
echoed, blocks numbered from 1, the negotiated PDU size respected); a violation ends the test
case FAILED. Tests that need an APDU no well-behaved client would send use :meth:`raw`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from dlmskit import apdu as a
from dlmskit.apdu import (
    AARE,
    AARQ,
    ABSENT,
    ACSE_AUTHENTICATION,
    RLRE,
    RLRQ,
    ActionRequestNormal,
    ActionResponseNormal,
    ActionResult,
    AssociationResult,
    AuthenticationValue,
    CipheredApdu,
    ConfirmedServiceError,
    Conformance,
    CosemAttributeDescriptor,
    CosemMethodDescriptor,
    DataAccessResult,
    ExceptionResponse,
    GetRequestNext,
    GetRequestNormal,
    GetResponseNormal,
    GetResponseWithDatablock,
    InitiateRequest,
    InitiateResponse,
    InvokeIdAndPriority,
    SelectiveAccessDescriptor,
    SetRequestNormal,
    SetResponseNormal,
)
from dlmskit.apdu.blocks import BlockReassembler
from dlmskit.association import Ciphering, SecurityContext
from dlmskit.axdr import Data
from dlmskit.axdr import decode as decode_data
from dlmskit.conformance.cases import Failed, Inconclusive
from dlmskit.conformance.channels import ApduChannel
from dlmskit.conformance.iut import AssociationSpec
from dlmskit.cosem import Obis
from dlmskit.errors import DlmsError
from dlmskit.security import (
    Credentials,
    InvocationCounter,
    Mechanism,
    Protection,
    ReplayGuard,
    SecurityError,
    SymmetricKeys,
    is_ciphered_tag,
    new_challenge,
    respond,
    verify,
)

__all__ = ["ASSOCIATION_LN", "Answer", "Refused", "Session", "SessionState"]

#: The current association (Association LN, instance 0-0:40.0.0.255).
ASSOCIATION_LN = Obis(0, 0, 40, 0, 0, 255)
#: The LN application context's class id of Association LN.
ASSOCIATION_LN_CLASS = 15


@dataclass(slots=True)
class SessionState:
    """Counters shared by every session of a run: the client's invocation counter per key and
    the meter's last counter (a meter must never repeat one, whichever association)."""

    client_counters: dict[bytes, InvocationCounter] = field(default_factory=dict)
    server_replay: dict[bytes, ReplayGuard] = field(default_factory=dict)
    counter_factory: Callable[[], InvocationCounter] | None = None

    def counter(self, system_title: bytes, start: int = 0) -> InvocationCounter:
        """The client's invocation counter for a system title, from ``start`` (the first time
        it is asked for) -- a meter remembers the last counter it took from a client."""
        found = self.client_counters.get(system_title)
        if found is None:
            if self.counter_factory is None:
                from dlmskit.security import MemoryCounterStore

                found = InvocationCounter(MemoryCounterStore(), start=start)
            else:
                found = self.counter_factory()
                found.advance_to(start)
            self.client_counters[system_title] = found
        return found

    def replay(self, key: bytes) -> ReplayGuard:
        """The guard of the meter's invocation counters for one association's keys."""
        return self.server_replay.setdefault(key, ReplayGuard())


@dataclass(frozen=True, slots=True)
class Answer:
    """A decoded answer: the APDU (plain, deciphered if it came ciphered) and how it came."""

    apdu: a.Apdu | None
    raw: bytes | None
    ciphered: bool = False
    invocation_counter: int | None = None


class Session:
    """One association of one client over one channel (see the module docstring)."""

    def __init__(
        self,
        channel: ApduChannel,
        spec: AssociationSpec,
        state: SessionState | None = None,
        redact: Callable[[bytes], None] | None = None,
        deciphered: Callable[[bytes, bytes], None] | None = None,
    ) -> None:
        self.channel = channel
        self.spec = spec
        self.state = state if state is not None else SessionState()
        #: told every secret the session puts on the line or receives (passwords, challenges)
        self.redact: Callable[[bytes], None] = redact or (lambda secret: None)
        #: told every ciphered APDU with its plain form, for the trace
        self.deciphered: Callable[[bytes, bytes], None] = deciphered or (lambda c, p: None)
        if spec.secret is not None:
            self.redact(spec.secret.reveal())
        self.aare: AARE | None = None
        self.initiate: InitiateResponse | None = None
        self.ciphering: Ciphering | None = None
        self.invoke_id = 0
        self.ctos: bytes | None = None
        if spec.ciphered or spec.mechanism is Mechanism.HLS_GMAC:
            self.ciphering = self._make_ciphering()

    # -- set-up ----------------------------------------------------------------------------
    def _make_ciphering(self) -> Ciphering:
        material = self.spec.security
        if material is None or material.encryption_key is None:
            raise Inconclusive(
                f"association {self.spec.name}: the description gives no encryption key"
            )
        keys = SymmetricKeys(
            unicast=material.encryption_key,
            authentication=material.authentication_key,
            suite=material.suite,
        )
        context = SecurityContext(
            keys=keys, system_title=material.client_system_title, policy=material.policy
        )
        return Ciphering(
            context,
            client=True,
            counter=self.state.counter(material.client_system_title, material.invocation_counter),
            peer_system_title=material.server_system_title,
        )

    @property
    def negotiated_conformance(self) -> Conformance:
        return Conformance(0) if self.initiate is None else self.initiate.negotiated_conformance

    @property
    def server_max_pdu(self) -> int:
        return 0xFFFF if self.initiate is None else self.initiate.server_max_receive_pdu_size

    def initiate_request(self, **changes: Any) -> InitiateRequest:
        spec = self.spec
        dedicated = None
        if spec.security is not None and spec.security.dedicated_key and spec.ciphered:
            import secrets

            dedicated = secrets.token_bytes(spec.security.suite.key_length)
        request = InitiateRequest(
            spec.conformance,
            client_max_receive_pdu_size=spec.client_max_pdu_size,
            dedicated_key=dedicated,
        )
        return dataclasses.replace(request, **changes) if changes else request

    def aarq(
        self,
        *,
        initiate: InitiateRequest | None = None,
        secret: bytes | None = None,
        **changes: Any,
    ) -> AARQ:
        """The AARQ this association needs; ``changes`` replace AARQ fields, ``initiate``
        the InitiateRequest, ``secret`` the LLS password."""
        spec = self.spec
        request = self.initiate_request() if initiate is None else initiate
        fields: dict[str, Any] = {"application_context_name": spec.context}
        if spec.mechanism is not Mechanism.NONE:
            fields["sender_acse_requirements"] = ACSE_AUTHENTICATION
            fields["mechanism_name"] = a.MechanismName(int(spec.mechanism))
            if spec.mechanism is Mechanism.LLS:
                password = secret
                if password is None:
                    password = b"" if spec.secret is None else spec.secret.reveal()
                self.redact(password)
                fields["calling_authentication_value"] = AuthenticationValue(password)
            else:
                self.ctos = new_challenge(spec.mechanism)
                self.redact(self.ctos)
                fields["calling_authentication_value"] = AuthenticationValue(self.ctos)
        if spec.security is not None and (spec.ciphered or spec.mechanism.is_hls):
            fields["calling_ap_title"] = spec.security.client_system_title
        if spec.ciphered and self.ciphering is not None:
            if request.dedicated_key is not None:
                self.ciphering.set_dedicated_key(None)
            # the InitiateRequest of a ciphered context is always ciphered: with what the
            # policy asks of requests, and at least authenticated and encrypted
            policy = self.ciphering.context.policy.request_protection
            protection = policy or (Protection.AUTHENTICATED | Protection.ENCRYPTED)
            protected = self.ciphering.protect(
                request.encode(), dedicated=False, protection=protection
            )
            self.deciphered(protected, request.encode())
            info = a.decode(protected)
            assert isinstance(info, CipheredApdu)
            fields["user_information"] = info
        else:
            fields["user_information"] = request
        fields.update(changes)
        self._proposed_key = request.dedicated_key
        return AARQ(**fields)

    _proposed_key: bytes | None = None

    async def open(self, aarq: AARQ | None = None, *, note: str = "AARQ", hls: bool = True) -> AARE:
        """Send the AARQ, take the AARE; an accepted HLS association runs pass 3 and 4
        (unless ``hls`` is off: the test then does it). The AARE is returned whatever it says
        (accepted or not): the caller judges it."""
        request = self.aarq() if aarq is None else aarq
        raw = await self.channel.request(request.encode(), note=note)
        if raw is None:
            raise Failed("no AARE: the meter did not answer the AARQ")
        try:
            aare = a.decode(raw)
        except DlmsError as exc:
            raise Failed(f"the answer to the AARQ is no APDU: {exc}") from None
        if not isinstance(aare, AARE):
            raise Failed(f"the answer to the AARQ is {type(aare).__name__}, not an AARE")
        self.aare = aare
        self.initiate = self._initiate_of(aare)
        accepted = aare.result == AssociationResult.ACCEPTED
        if accepted and self.ciphering is not None and self._proposed_key is not None:
            self.ciphering.set_dedicated_key(self._proposed_key)
        if (
            hls
            and aare.result == AssociationResult.ACCEPTED
            and self.spec.mechanism.is_hls
            and aare.result_source_diagnostic == a.AcseServiceUser.AUTHENTICATION_REQUIRED
        ):
            await self._hls(aare)
        return aare

    def _initiate_of(self, aare: AARE) -> InitiateResponse | None:
        info = aare.user_information
        if aare.responding_ap_title is not None and self.ciphering is not None:
            try:
                self.ciphering.set_peer_system_title(aare.responding_ap_title)
            except SecurityError as exc:
                raise Failed(f"the AARE's responding-AP-title is unusable: {exc}") from None
        if isinstance(info, CipheredApdu):
            if self.ciphering is None:
                raise Failed("the AARE carries a ciphered InitiateResponse in a plain context")
            try:
                plain = self.ciphering.unprotect(info.encode()).plaintext
                self.deciphered(info.encode(), plain)
                info = a.decode(plain)  # type: ignore[assignment]
            except (DlmsError, SecurityError) as exc:
                raise Failed(
                    f"the AARE's ciphered user-information does not verify: {exc}"
                ) from None
        if isinstance(info, InitiateResponse):
            return info
        return None

    def _hls_parties(self, aare: AARE) -> tuple[Credentials, bytes | None, bytes | None]:
        material = self.spec.security
        credentials = Credentials(
            secret=self.spec.secret,
            keys=None if self.ciphering is None else self.ciphering.context.keys,
        )
        own_title = None if material is None else material.client_system_title
        peer_title = (
            aare.responding_ap_title
            if aare.responding_ap_title is not None
            else (None if material is None else material.server_system_title)
        )
        return credentials, own_title, peer_title

    def server_challenge(self, aare: AARE) -> bytes:
        stoc_value = aare.responding_authentication_value
        if stoc_value is None or self.ctos is None:
            raise Failed("the AARE asks for HLS but carries no server challenge (StoC)")
        self.redact(stoc_value.value)
        return stoc_value.value

    def f_stoc(self, aare: AARE) -> bytes:
        """The client's answer to the meter's challenge (HLS pass 3)."""
        stoc = self.server_challenge(aare)
        credentials, own_title, peer_title = self._hls_parties(aare)
        assert self.ctos is not None
        try:
            f_stoc = respond(
                self.spec.mechanism,
                challenge=stoc,
                own_challenge=self.ctos,
                credentials=credentials,
                own_system_title=own_title,
                peer_system_title=peer_title,
                invocation_counter=None if self.ciphering is None else self.ciphering.counter,
            )
        except SecurityError as exc:
            raise Failed(f"cannot answer the meter's challenge: {exc}") from None
        self.redact(f_stoc)
        return f_stoc

    async def reply_to_hls(
        self, f_stoc: bytes, *, note: str = "HLS pass 3: f(StoC)"
    ) -> tuple[ActionResult, Data | DataAccessResult | None]:
        """Pass 3: reply_to_HLS_authentication with ``f_stoc``; the meter's answer as is."""
        self.redact(f_stoc)
        return await self.action(ASSOCIATION_LN_CLASS, ASSOCIATION_LN, 1, f_stoc, note=note)

    async def _hls(self, aare: AARE) -> None:
        f_stoc = self.f_stoc(aare)
        result, value = await self.reply_to_hls(f_stoc)
        if result != ActionResult.SUCCESS:
            raise Failed(f"HLS pass 3 refused: reply_to_HLS_authentication gave {result.name}")
        if not isinstance(value, bytes):
            raise Failed("HLS pass 4: the meter returned no f(CtoS) octet string")
        self.redact(value)
        credentials, own_title, peer_title = self._hls_parties(aare)
        assert self.ctos is not None
        try:
            verify(
                self.spec.mechanism,
                value,
                challenge=self.ctos,
                peer_challenge=self.server_challenge(aare),
                credentials=credentials,
                own_system_title=own_title,
                peer_system_title=peer_title,
                replay=None,
            )
        except SecurityError as exc:
            raise Failed(f"HLS pass 4: the meter's f(CtoS) does not verify: {exc}") from None

    @property
    def accepted(self) -> bool:
        return self.aare is not None and self.aare.result == AssociationResult.ACCEPTED

    async def establish(self) -> None:
        """Open the association as declared; a refusal ends the test INCONCLUSIVE (the step
        under test comes after)."""
        aare = await self.open()
        if aare.result != AssociationResult.ACCEPTED:
            raise Inconclusive(
                f"association {self.spec.label} refused: {aare.result.name}, "
                f"{aare.result_source_diagnostic.name}"
            )
        if self.initiate is None:
            raise Failed("the accepted AARE carries no InitiateResponse")

    # -- data transfer ---------------------------------------------------------------------
    def next_iip(self) -> InvokeIdAndPriority:
        self.invoke_id = (self.invoke_id + 1) % 16
        return InvokeIdAndPriority(self.invoke_id)

    def protect(self, plain: bytes) -> bytes:
        if self.spec.ciphered and self.ciphering is not None:
            protected = self.ciphering.protect(plain)
            self.deciphered(protected, plain)
            return protected
        return plain

    async def raw(self, data: bytes, *, note: str = "", timeout: float | None = None) -> Answer:
        """Send APDU bytes as they are; the answer decoded (deciphered when ciphered)."""
        reply = await self.channel.request(data, note=note, timeout=timeout)
        return self.unprotect(reply)

    def unprotect(self, reply: bytes | None) -> Answer:
        if reply is None:
            return Answer(None, None)
        if reply and is_ciphered_tag(reply[0]):
            if self.ciphering is None:
                raise Failed(f"a ciphered answer (tag 0x{reply[0]:02X}) in a plain association")
            # the meter's counter never repeats for the keys of this association
            peer = self.ciphering.peer_system_title or b""
            guard_key = peer + self.spec.name.encode()
            try:
                self.ciphering.replay = self.state.replay(guard_key)
                deciphered = self.ciphering.unprotect(reply)
                self.deciphered(reply, deciphered.plaintext)
            except (DlmsError, SecurityError) as exc:
                raise Failed(f"the meter's ciphered answer does not verify: {exc}") from None
            try:
                return Answer(
                    a.decode(deciphered.plaintext), reply, True, deciphered.invocation_counter
                )
            except DlmsError as exc:
                raise Failed(f"the deciphered answer is no APDU: {exc}") from None
        try:
            return Answer(a.decode(reply), reply)
        except DlmsError as exc:
            raise Failed(f"the answer is no APDU: {exc}") from None

    async def exchange(self, request: a.Apdu, *, note: str = "") -> a.Apdu:
        """Send a request (protected as the context asks), return the decoded answer."""
        plain = request.encode()
        if len(plain) > self.server_max_pdu:
            raise Inconclusive(
                f"the request of {len(plain)} bytes exceeds the meter's PDU size "
                f"{self.server_max_pdu}"
            )
        answer = await self.raw(self.protect(plain), note=note or type(request).__name__)
        if answer.apdu is None:
            raise Failed(f"no answer to {type(request).__name__}")
        if (
            self.spec.ciphered
            and not answer.ciphered
            and not isinstance(answer.apdu, ExceptionResponse | ConfirmedServiceError)
        ):
            raise Failed("a plain answer in a ciphered association")
        limit = self.spec.client_max_pdu_size
        if answer.raw is not None and len(answer.raw) > limit:
            raise Failed(
                f"the answer of {len(answer.raw)} bytes exceeds the client's max receive PDU "
                f"size {limit}"
            )
        return answer.apdu

    def _check_iid(self, response: Any, iip: InvokeIdAndPriority) -> None:
        got = getattr(response, "invoke_id_and_priority", None)
        if got is not None and got.invoke_id != iip.invoke_id:
            raise Failed(f"the answer carries invoke id {got.invoke_id}, sent {iip.invoke_id}")

    async def get(
        self,
        class_id: int,
        logical_name: Obis,
        attribute: int,
        selection: SelectiveAccessDescriptor | None = None,
        *,
        note: str = "",
    ) -> Data | DataAccessResult:
        """GET one attribute; long values are collected block by block."""
        iip = self.next_iip()
        request = GetRequestNormal(
            iip, CosemAttributeDescriptor(class_id, logical_name, attribute), selection
        )
        response = await self.exchange(
            request, note=note or f"GET {class_id}/{logical_name}/{attribute}"
        )
        self._refusal(response)
        self._check_iid(response, iip)
        if isinstance(response, GetResponseNormal):
            return response.result
        if not isinstance(response, GetResponseWithDatablock):
            raise Failed(f"GET answered with {type(response).__name__}")
        blocks = BlockReassembler()
        while True:
            try:
                joined = blocks.add_get_response(response)
            except DlmsError as exc:
                raise Failed(f"block transfer: {exc}") from None
            if isinstance(joined, DataAccessResult):
                return joined
            if joined is not None:
                try:
                    return decode_data(joined)
                except DlmsError as exc:
                    raise Failed(f"the joined blocks are no A-XDR value: {exc}") from None
            following = await self.exchange(
                GetRequestNext(iip, blocks.last_block_number),
                note=f"GET next block {blocks.last_block_number + 1}",
            )
            self._refusal(following)
            self._check_iid(following, iip)
            if not isinstance(following, GetResponseWithDatablock):
                raise Failed(f"GET-Request-Next answered with {type(following).__name__}")
            response = following

    async def set(
        self,
        class_id: int,
        logical_name: Obis,
        attribute: int,
        value: Data,
        *,
        note: str = "",
    ) -> DataAccessResult:
        iip = self.next_iip()
        request = SetRequestNormal(
            iip, CosemAttributeDescriptor(class_id, logical_name, attribute), value
        )
        if len(request.encode()) > self.server_max_pdu:
            raise Inconclusive("the value is too long to write in one SET (block SET not used)")
        response = await self.exchange(
            request, note=note or f"SET {class_id}/{logical_name}/{attribute}"
        )
        self._refusal(response)
        self._check_iid(response, iip)
        if not isinstance(response, SetResponseNormal):
            raise Failed(f"SET answered with {type(response).__name__}")
        return response.result

    async def action(
        self,
        class_id: int,
        logical_name: Obis,
        method: int,
        parameters: Data | Any = ABSENT,
        *,
        note: str = "",
    ) -> tuple[ActionResult, Data | DataAccessResult | None]:
        iip = self.next_iip()
        request = ActionRequestNormal(
            iip, CosemMethodDescriptor(class_id, logical_name, method), parameters
        )
        response = await self.exchange(
            request, note=note or f"ACTION {class_id}/{logical_name}/{method}"
        )
        self._refusal(response)
        self._check_iid(response, iip)
        if not isinstance(response, ActionResponseNormal):
            raise Failed(f"ACTION answered with {type(response).__name__}")
        value = response.return_parameters
        return response.result, (None if value is ABSENT else value)

    @staticmethod
    def _refusal(response: a.Apdu) -> None:
        if isinstance(response, ExceptionResponse):
            raise Refused(
                f"exception-response {response.state_error.name}/{response.service_error.name}",
                response,
            )
        if isinstance(response, ConfirmedServiceError):
            raise Refused(
                f"confirmed-service-error {response.service.name}/{response.error.name}/"
                f"{response.value!r}",
                response,
            )

    async def release(self, *, note: str = "RLRQ") -> RLRE | None:
        """RLRQ, RLRE. Returns the RLRE (None if the meter did not answer one)."""
        raw = await self.channel.request(RLRQ().encode(), note=note)
        if raw is None:
            return None
        try:
            answer = a.decode(raw)
        except DlmsError as exc:
            raise Failed(f"the answer to RLRQ is no APDU: {exc}") from None
        if not isinstance(answer, RLRE):
            raise Failed(f"RLRQ answered with {type(answer).__name__}, not RLRE")
        return answer


class Refused(Failed):
    """The meter answered a data request with an exception-response or a confirmed service
    error (a refusal of the whole request, where a result was expected)."""

    def __init__(self, reason: str, apdu: a.Apdu | None = None) -> None:
        super().__init__(reason)
        self.apdu = apdu
