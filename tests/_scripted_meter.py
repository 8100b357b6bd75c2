"""A scripted meter for the client tests: answers APDUs from a table of values.

Built only from the library's codecs and security functions (the APDU classes, block
splitters, GBT splitter, ``Ciphering`` on the meter side, ``respond``/``verify``), it plays
the meter's side of the exchanges the client machine must handle: AARQ/AARE with every
mechanism and ciphering, GET normal/with-list/datablocks, SET and ACTION with blocks, GBT,
RLRQ/RLRE. It is no simulator (that is the server's job): it knows only what a test puts
in it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Final

from dlmskit import apdu
from dlmskit.apdu import blocks, gbt
from dlmskit.association.ciphering import Ciphering, SecurityContext
from dlmskit.axdr import Data, decode, encode, encode_length
from dlmskit.cosem import Obis
from dlmskit.security import (
    Credentials,
    InvocationCounter,
    Mechanism,
    Protection,
    is_ciphered_tag,
    respond,
    verify,
)

SERVER_TITLE = bytes.fromhex("4d4d4d0000000001")
NOTHING: Final = apdu.Conformance(0)
FULL = (
    apdu.Conformance(0xFFFFFF) & ~apdu.Conformance.RESERVED_ZERO & ~apdu.Conformance.RESERVED_SEVEN
)


@dataclass
class ScriptedMeter:
    values: dict[tuple[int, Obis, int], Data] = field(default_factory=dict)
    methods: dict[tuple[int, Obis, int], Any] = field(default_factory=dict)
    sn_values: dict[int, Data] = field(default_factory=dict)
    max_pdu: int = 1024
    conformance: apdu.Conformance = FULL
    mechanism: Mechanism = Mechanism.NONE
    secret: bytes = b""
    security: SecurityContext | None = None
    stoc: bytes = b"P6wRJ21F" * 2
    refuse_hls: bool = False
    wrong_ctos: bool = False
    gbt_window: int = 1
    # state
    client_pdu: int = 0xFFFF
    negotiated: apdu.Conformance = NOTHING
    ctos: bytes = b""
    client_title: bytes | None = None
    ciphering: Ciphering | None = None
    long_get: list[apdu.GetResponseWithDatablock] = field(default_factory=list)
    set_parts: list[bytes] = field(default_factory=list)
    pending_set: Any = None
    action_parts: list[bytes] = field(default_factory=list)
    pending_action: Any = None
    long_action: list[apdu.ActionResponseWithPblock] = field(default_factory=list)
    gbt_out: list[apdu.GeneralBlockTransfer] = field(default_factory=list)
    gbt_in: list[bytes] = field(default_factory=list)
    requests: list[Any] = field(default_factory=list)
    ciphered_requests: int = 0
    #: the lowest invocation counter the meter takes in an AARQ (below: exception-response)
    ic_floor: int = 0
    #: invocation counters of the client's ciphered APDUs, in order
    client_ics: list[int] = field(default_factory=list)
    #: APDUs sent before the next answer (pushes)
    pushes: list[bytes] = field(default_factory=list)
    #: requests to leave unanswered (a lost answer)
    drop: int = 0
    #: HLS-ECDSA: the meter's signing key and the client's public key; mechanism 2's
    #: processing
    signing_key: Any = None
    peer_signing_key: Any = None
    manufacturer: Any = None
    #: the meter's own invocation counter (kept across associations, as it must be) ...
    counter: InvocationCounter = field(default_factory=InvocationCounter)
    #: ... unless it restarts it for every association (a quirk)
    restart_counter: bool = False

    # -- plumbing ------------------------------------------------------------------------------

    def answer(self, data: bytes) -> list[bytes]:
        if self.drop:
            self.drop -= 1
            return []
        pushes, self.pushes = self.pushes, []
        return pushes + self._answer(data)

    def _answer(self, data: bytes) -> list[bytes]:
        if data[0] == apdu.GeneralBlockTransfer.TAG:
            return self._gbt_request(data)
        protected = False
        if is_ciphered_tag(data[0]) and self.ciphering is not None:
            deciphered = self.ciphering.unprotect(data)
            self.client_ics.append(deciphered.invocation_counter)
            data = deciphered.plaintext
            protected = True
            self.ciphered_requests += 1
        request = apdu.decode(data)
        self.requests.append(request)
        if isinstance(request, apdu.AARQ):
            return [self._aarq(request)]
        if isinstance(request, apdu.RLRQ):
            return [apdu.RLRE().encode()]
        response = self._service(request)
        if response is None:
            return []
        out = response.encode()
        if protected and self.ciphering is not None:
            out = self.ciphering.protect(out)
        return self._maybe_gbt(out)

    def _maybe_gbt(self, out: bytes) -> list[bytes]:
        if self.negotiated & apdu.Conformance.GENERAL_BLOCK_TRANSFER and len(out) > self.client_pdu:
            self.gbt_out = gbt.split(out, self.client_pdu, window=self.gbt_window)
            return self._gbt_window(0)
        return [out]

    def _gbt_window(self, acked: int) -> list[bytes]:
        window = self.gbt_out[acked : acked + self.gbt_window]
        out = []
        for i, block in enumerate(window):
            streaming = i != len(window) - 1 and not block.last_block
            out.append(
                apdu.GeneralBlockTransfer(
                    block.block_number,
                    0,
                    block.block_data,
                    block.last_block,
                    streaming,
                    self.gbt_window,
                ).encode()
            )
        return out

    def _gbt_request(self, data: bytes) -> list[bytes]:
        block = apdu.decode(data)
        assert isinstance(block, apdu.GeneralBlockTransfer)
        if not block.block_data:  # the client's acknowledgement of our blocks
            return self._gbt_window(block.block_number_ack)
        self.gbt_in.append(block.block_data)
        if not block.last_block:
            ack = apdu.GeneralBlockTransfer(1, block.block_number, b"", False, False, 1)
            return [ack.encode()]
        whole = b"".join(self.gbt_in)
        self.gbt_in = []
        return self._answer(whole)

    # -- association ---------------------------------------------------------------------------

    def _aarq(self, aarq: apdu.AARQ) -> bytes:
        info = aarq.user_information
        self.client_title = aarq.calling_ap_title
        ciphered = aarq.context in (
            apdu.ApplicationContextName.LOGICAL_NAME_WITH_CIPHERING,
            apdu.ApplicationContextName.SHORT_NAME_WITH_CIPHERING,
        )
        if ciphered:
            assert self.security is not None
            own = dataclasses.replace(self.security, system_title=SERVER_TITLE)
            counter = None if self.restart_counter else self.counter
            self.ciphering = Ciphering(own, client=False, counter=counter)
            self.ciphering.set_peer_system_title(aarq.calling_ap_title or b"")
            deciphered = self.ciphering.unprotect(info.encode(), require=Protection.NONE)
            self.client_ics.append(deciphered.invocation_counter)
            if deciphered.invocation_counter < self.ic_floor:
                return apdu.ExceptionResponse(1, 6, self.ic_floor - 1).encode()
            info = apdu.decode(deciphered.plaintext)
        assert isinstance(info, apdu.InitiateRequest)
        if info.dedicated_key is not None and self.ciphering is not None:
            self.ciphering.set_dedicated_key(info.dedicated_key)
        if info.proposed_dlms_version_number < 6:
            return apdu.AARE(
                apdu.AssociationResult.REJECTED_PERMANENT,
                apdu.AcseServiceUser.NO_REASON_GIVEN,
                aarq.application_context_name,
                apdu.ConfirmedServiceError(1, 6, 1),
            ).encode()
        if aarq.mechanism is not None and int(aarq.mechanism) != int(self.mechanism):
            return apdu.AARE(
                apdu.AssociationResult.REJECTED_PERMANENT,
                apdu.AcseServiceUser.AUTHENTICATION_MECHANISM_NAME_NOT_RECOGNISED,
                aarq.application_context_name,
            ).encode()
        if self.mechanism is Mechanism.LLS:
            value = aarq.calling_authentication_value
            if value is None or value.value != self.secret:
                return apdu.AARE(
                    apdu.AssociationResult.REJECTED_PERMANENT,
                    apdu.AcseServiceUser.AUTHENTICATION_FAILURE,
                    aarq.application_context_name,
                ).encode()
        self.client_pdu = info.client_max_receive_pdu_size
        self.negotiated = info.proposed_conformance & self.conformance
        response: Any = apdu.InitiateResponse(self.negotiated, self.max_pdu)
        if ciphered and self.ciphering is not None:
            response = apdu.decode(self.ciphering.protect(response.encode(), dedicated=False))
        hls = self.mechanism.is_hls
        if hls:
            self.ctos = aarq.calling_authentication_value.value
        return apdu.AARE(
            apdu.AssociationResult.ACCEPTED,
            apdu.AcseServiceUser.AUTHENTICATION_REQUIRED if hls else apdu.AcseServiceUser.NULL,
            aarq.application_context_name,
            response,
            responding_ap_title=SERVER_TITLE
            if self.security is not None or self.mechanism >= Mechanism.HLS_GMAC
            else None,
            mechanism_name=aarq.mechanism_name,
            responding_authentication_value=apdu.AuthenticationValue(self.stoc) if hls else None,
        ).encode()

    def _credentials(self) -> Credentials:
        return Credentials(
            secret=self.secret or None,
            keys=self.security.keys if self.security is not None else None,
            signing_key=self.signing_key,
            peer_signing_key=self.peer_signing_key,
            manufacturer=self.manufacturer,
        )

    def _hls(self, request: apdu.ActionRequestNormal) -> apdu.ActionResponseNormal:
        iip = request.invoke_id_and_priority
        if self.refuse_hls:
            return apdu.ActionResponseNormal(iip, apdu.ActionResult.READ_WRITE_DENIED)
        verify(
            self.mechanism,
            request.parameters,
            challenge=self.stoc,
            peer_challenge=self.ctos,
            credentials=self._credentials(),
            own_system_title=SERVER_TITLE,
            peer_system_title=self.client_title,
        )
        counter = self.ciphering.counter if self.ciphering is not None else None
        if counter is None and self.mechanism is Mechanism.HLS_GMAC:
            counter = 1
        answer = respond(
            self.mechanism,
            challenge=self.ctos,
            own_challenge=self.stoc,
            credentials=self._credentials(),
            own_system_title=SERVER_TITLE,
            peer_system_title=self.client_title,
            invocation_counter=counter,
        )
        if self.wrong_ctos:
            answer = bytes([answer[0] ^ 1]) + answer[1:]
        return apdu.ActionResponseNormal(iip, apdu.ActionResult.SUCCESS, answer)

    # -- services ------------------------------------------------------------------------------

    def _value(self, attribute: apdu.CosemAttributeDescriptor) -> Data | apdu.DataAccessResult:
        key = (attribute.class_id, attribute.instance_id, attribute.attribute_id)
        return self.values.get(key, apdu.DataAccessResult.OBJECT_UNDEFINED)

    def _service(self, request: Any) -> Any:
        if isinstance(request, apdu.GetRequestNormal):
            result = self._value(request.attribute)
            if request.access_selection is not None and isinstance(result, list):
                result = self._select(request.attribute, result, request.access_selection)
            return self._get_answer(request.invoke_id_and_priority, result, single=True)
        if isinstance(request, apdu.GetRequestWithList):
            results = tuple(self._value(a.attribute) for a in request.attributes)
            return self._get_answer(request.invoke_id_and_priority, results, single=False)
        if isinstance(request, apdu.GetRequestNext):
            return self.long_get.pop(0)
        if isinstance(request, apdu.SetRequestNormal):
            a = request.attribute
            key = (a.class_id, a.instance_id, a.attribute_id)
            self.values[key] = request.value
            return apdu.SetResponseNormal(request.invoke_id_and_priority)
        if isinstance(request, apdu.SetRequestWithList):
            for item, value in zip(request.attributes, request.values, strict=True):
                a = item.attribute
                self.values[(a.class_id, a.instance_id, a.attribute_id)] = value
            return apdu.SetResponseWithList(
                request.invoke_id_and_priority,
                (apdu.DataAccessResult.SUCCESS,) * len(request.values),
            )
        if isinstance(
            request, apdu.SetRequestWithFirstDatablock | apdu.SetRequestWithListAndFirstDatablock
        ):
            self.pending_set = request
            self.set_parts = [request.raw_data]
            return self._set_block_ack(request)
        if isinstance(request, apdu.SetRequestWithDatablock):
            self.set_parts.append(request.raw_data)
            return self._set_block_ack(request)
        if isinstance(request, apdu.ActionRequestNormal):
            m = request.method
            if (m.class_id, m.instance_id, m.method_id) == (15, Obis(0, 0, 40, 0, 0, 255), 1):
                return self._hls(request)
            return self._action_answer(request.invoke_id_and_priority, m, request.parameters)
        if isinstance(request, apdu.ActionRequestWithList):
            items = tuple(
                apdu.ActionResponseItem(apdu.ActionResult.SUCCESS, p) for p in request.parameters
            )
            return apdu.ActionResponseWithList(request.invoke_id_and_priority, items)
        if isinstance(request, apdu.ActionRequestWithFirstPblock):
            self.pending_action = request
            self.action_parts = [request.raw_data]
            return self._action_block_ack(request)
        if isinstance(request, apdu.ActionRequestWithPblock):
            self.action_parts.append(request.raw_data)
            return self._action_block_ack(request)
        if isinstance(request, apdu.ActionRequestNextPblock):
            return self.long_action.pop(0)
        if isinstance(request, apdu.ReadRequest):
            undefined = apdu.DataAccessResult.OBJECT_UNDEFINED
            return apdu.ReadResponse(
                tuple(self.sn_values.get(v.name, undefined) for v in request.variables)
            )
        if isinstance(request, apdu.WriteRequest):
            for variable, value in zip(request.variables, request.values, strict=True):
                self.sn_values[variable.name] = value
            return apdu.WriteResponse((apdu.DataAccessResult.SUCCESS,) * len(request.values))
        raise AssertionError(f"the scripted meter has no answer to {request!r}")

    def _select(self, attribute: Any, rows: list, access: Any) -> list:
        """Profile generic selective access: by entry (2) or by range of the first column (1)."""
        if access.access_selector == 2:
            entry = access.entry()
            last = entry.to_entry or len(rows)
            high = entry.to_selected_value or None
            return [
                row[entry.from_selected_value - 1 : high]
                for row in rows[entry.from_entry - 1 : last]
            ]
        span = access.range()
        columns = self.values[(attribute.class_id, attribute.instance_id, 3)]
        low, high = span.from_value.to_datetime(), span.to_value.to_datetime()
        keep = [row for row in rows if row[0] is not None and low <= row[0].to_datetime() <= high]
        if not span.selected_values:
            return keep
        wanted = [
            i
            for i, c in enumerate(columns)
            if any(
                (s.class_id, bytes(s.logical_name), s.attribute_index) == (c[0], c[1], c[2])
                for s in span.selected_values
            )
        ]
        return [tuple(row[i] for i in wanted) for row in keep]

    def _get_answer(self, iip: Any, result: Any, *, single: bool) -> Any:
        response = (
            apdu.GetResponseNormal(iip, result) if single else apdu.GetResponseWithList(iip, result)
        )
        encoded = response.encode()
        if (
            len(encoded) <= self.client_pdu
            or self.negotiated & apdu.Conformance.GENERAL_BLOCK_TRANSFER
        ):
            return response
        if single:
            raw = encode(result)
        else:
            out = bytearray(encode_length(len(result)))
            for r in result:
                if isinstance(r, apdu.DataAccessResult):
                    out += bytes((1, r))
                else:
                    out += b"\x00" + encode(r)
            raw = bytes(out)
        self.long_get = list(blocks.get_response_blocks(iip, raw, self.client_pdu))
        return self.long_get.pop(0)

    def _set_block_ack(self, request: Any) -> Any:
        iip = request.invoke_id_and_priority
        if not request.last_block:
            return apdu.SetResponseDatablock(iip, request.block_number)
        raw = b"".join(self.set_parts)
        first = self.pending_set
        if isinstance(first, apdu.SetRequestWithFirstDatablock):
            a = first.attribute
            self.values[(a.class_id, a.instance_id, a.attribute_id)] = decode(raw)
            return apdu.SetResponseLastDatablock(
                iip, apdu.DataAccessResult.SUCCESS, request.block_number
            )
        values = decode(b"\x01" + raw)  # the SEQUENCE OF Data read as an array
        for item, value in zip(first.attributes, values, strict=True):
            a = item.attribute
            self.values[(a.class_id, a.instance_id, a.attribute_id)] = value
        return apdu.SetResponseLastDatablockWithList(
            iip, (apdu.DataAccessResult.SUCCESS,) * len(values), request.block_number
        )

    def _action_block_ack(self, request: Any) -> Any:
        iip = request.invoke_id_and_priority
        if not request.last_block:
            return apdu.ActionResponseNextPblock(iip, request.block_number)
        raw = b"".join(self.action_parts)
        method = self.pending_action.method
        return self._action_answer(iip, method, decode(raw))

    def _action_answer(self, iip: Any, method: Any, parameters: Any) -> Any:
        handler = self.methods.get((method.class_id, method.instance_id, method.method_id))
        if handler is None:
            return apdu.ActionResponseNormal(iip, apdu.ActionResult.OBJECT_UNDEFINED)
        returned = handler(parameters)
        response = apdu.ActionResponseNormal(iip, apdu.ActionResult.SUCCESS, returned)
        if len(response.encode()) <= self.client_pdu:
            return response
        item = bytearray()
        response.item.encode_into(item)
        self.long_action = list(blocks.action_response_blocks(iip, bytes(item), self.client_pdu))
        return self.long_action.pop(0)


def converse(association: Any, meter: ScriptedMeter, *, limit: int = 10_000) -> list[Any]:
    """Run the association's queued APDUs through the meter until nothing is left to send;
    returns every event."""
    events: list[Any] = []
    pending = list(association.data_to_send())
    rounds = 0
    while pending:
        rounds += 1
        assert rounds < limit, "no end to the conversation"
        answers: list[bytes] = []
        for request in pending:
            answers += meter.answer(request)
        pending = []
        for answer in answers:
            events += association.receive_apdu(answer)
            pending += association.data_to_send()
    return events
