"""Head-end (client) conformance: what a head-end sent to the reference meter.

The traffic is captured first (:func:`dlmskit.conformance.headend.capture_head_end`); these
cases judge it afterwards, each over every association the head-end opened:

* T_HE_AARQ_P1 -- the AARQ is well-formed: a DLMS application context and mechanism, an
  InitiateRequest proposing DLMS version 6, a receive PDU size of at least 12, no reserved
  conformance bit, the calling-AP-title a ciphered context needs, the authentication value a
  mechanism needs;
* T_HE_PDU_P1 -- no request longer than the meter's negotiated max receive PDU size;
* T_HE_CONF_P1 -- no service outside the negotiated conformance block;
* T_HE_BLOCK_P1 -- long answers are followed block by block (GET-Request-Next with the block
  number just received, the same invoke-id, nothing else in between);
* T_HE_IC_P1 -- the head-end's invocation counters increase from one ciphered APDU to the next,
  across associations;
* T_HE_REL_P1 -- every association is released (RLRQ answered RLRE) before its connection
  ends; over HDLC the link is then closed with DISC.
"""

from __future__ import annotations

from dlmskit import apdu as a
from dlmskit.apdu import (
    AARQ,
    ActionRequestNormal,
    ActionRequestWithList,
    ApplicationContextName,
    Conformance,
    GeneralBlockTransfer,
    GetRequestNext,
    GetRequestNormal,
    GetRequestWithList,
    GetResponseWithDatablock,
    SetRequestNormal,
    SetRequestWithList,
)
from dlmskit.conformance.cases import Plan, Precondition, Verdict, case
from dlmskit.conformance.context import CaseContext
from dlmskit.conformance.headend import AssociationLog, Capture, Message
from dlmskit.conformance.iut import Iut, ProfileKind
from dlmskit.link.hdlc.frame import FrameType

__all__: list[str] = []

HE = Plan.HEAD_END
GB = "IEC 62056-5-3 (Green Book): the client's obligations"


def _captured(iut: Iut) -> str | None:
    return None  # the runner of the head-end plan always has a capture (maybe empty)


CAPTURED = Precondition("the head-end's traffic was captured", _captured)


def _capture(ctx: CaseContext) -> Capture:
    capture = ctx.shared.capture
    if capture is None:
        raise ctx.inapplicable("no head-end traffic was captured (run in head-end mode)")
    if not capture.associations:
        raise ctx.inapplicable("the head-end opened no association")
    return capture


def _subject(log: AssociationLog) -> str:
    who = "?" if log.client is None else str(log.client)
    return f"connection {log.channel}, client {who}"


@case(
    "T_HE_AARQ_P1",
    plan=HE,
    group="HE_ASSOCIATION",
    purpose="Each AARQ the head-end sent is well-formed: a DLMS application context and "
    "mechanism, an InitiateRequest proposing DLMS version 6 with a receive PDU size of at "
    "least 12 and no reserved conformance bit; a calling-AP-title of 8 octets in a ciphered "
    "context; an authentication value when a mechanism is named.",
    preconditions=[CAPTURED],
    references=[GB, "AARQ"],
)
async def t_he_aarq_p1(ctx: CaseContext) -> None:
    capture = _capture(ctx)
    for log in capture.associations:
        subject = _subject(log)
        aarq = log.aarq.apdu
        if not isinstance(aarq, AARQ):
            ctx.observe(Verdict.FAILED, "the AARQ decodes", log.aarq.error, subject)
            continue
        context = aarq.context
        ctx.observe(
            Verdict.PASSED if context is not None else Verdict.FAILED,
            "the application context is a DLMS one",
            str(aarq.application_context_name),
            subject,
        )
        if aarq.mechanism_name is not None:
            ok = aarq.mechanism is not None and aarq.calling_authentication_value is not None
            ok = ok and aarq.sender_acse_requirements is not None
            ctx.observe(
                Verdict.PASSED if ok else Verdict.FAILED,
                "a named mechanism comes with sender-acse-requirements and a value",
                subject=subject,
            )
        ciphered = context in (
            ApplicationContextName.LOGICAL_NAME_WITH_CIPHERING,
            ApplicationContextName.SHORT_NAME_WITH_CIPHERING,
        )
        if ciphered:
            title = aarq.calling_ap_title
            ctx.observe(
                Verdict.PASSED if title is not None and len(title) == 8 else Verdict.FAILED,
                "a ciphered context carries an 8-octet calling-AP-title",
                repr(title),
                subject,
            )
        initiate = log.initiate_request
        if initiate is None:
            verdict = Verdict.INCONCLUSIVE if ciphered else Verdict.FAILED
            ctx.observe(verdict, "the AARQ carries an InitiateRequest", log.aarq.error, subject)
            continue
        reserved = initiate.proposed_conformance & (
            Conformance.RESERVED_ZERO | Conformance.RESERVED_SEVEN
        )
        checks = [
            (initiate.proposed_dlms_version_number == 6, "it proposes DLMS version 6"),
            (initiate.client_max_receive_pdu_size >= 12, "its receive PDU size is at least 12"),
            (not reserved, "it sets no reserved conformance bit"),
            (
                initiate.dedicated_key is None or ciphered,
                "a dedicated key only in a ciphered context",
            ),
        ]
        for ok, text in checks:
            ctx.observe(Verdict.PASSED if ok else Verdict.FAILED, text, subject=subject)


def _accepted(capture: Capture) -> list[AssociationLog]:
    return [log for log in capture.associations if log.accepted]


@case(
    "T_HE_PDU_P1",
    plan=HE,
    group="HE_DATA",
    purpose="No request is longer than the max receive PDU size the meter's InitiateResponse "
    "announced.",
    preconditions=[CAPTURED],
    references=[GB, "server-max-receive-pdu-size"],
)
async def t_he_pdu_p1(ctx: CaseContext) -> None:
    capture = _capture(ctx)
    logs = [log for log in _accepted(capture) if log.initiate_response is not None]
    if not logs:
        raise ctx.inapplicable("no accepted association with a readable InitiateResponse")
    for log in logs:
        response = log.initiate_response
        assert response is not None
        limit = response.server_max_receive_pdu_size
        longest = max((len(m.raw) for m in log.requests), default=0)
        ctx.observe(
            Verdict.PASSED if longest <= limit else Verdict.FAILED,
            f"every request is at most {limit} bytes",
            f"longest {longest}",
            _subject(log),
        )


def _needs(apdu: a.Apdu) -> Conformance:
    """The conformance bits a request needs."""
    if isinstance(apdu, GetRequestNormal):
        need = Conformance.GET
        if apdu.access_selection is not None:
            need |= Conformance.SELECTIVE_ACCESS
        if apdu.attribute.attribute_id == 0:
            need |= Conformance.ATTRIBUTE0_SUPPORTED_WITH_GET
        return need
    if isinstance(apdu, GetRequestWithList):
        return Conformance.GET | Conformance.MULTIPLE_REFERENCES
    if isinstance(apdu, GetRequestNext):
        return Conformance.GET | Conformance.BLOCK_TRANSFER_WITH_GET_OR_READ
    if isinstance(apdu, SetRequestNormal):
        need = Conformance.SET
        if apdu.access_selection is not None:
            need |= Conformance.SELECTIVE_ACCESS
        return need
    if isinstance(apdu, SetRequestWithList):
        return Conformance.SET | Conformance.MULTIPLE_REFERENCES
    if isinstance(apdu, a.SetRequestWithFirstDatablock | a.SetRequestWithDatablock):
        return Conformance.SET | Conformance.BLOCK_TRANSFER_WITH_SET_OR_WRITE
    if isinstance(apdu, ActionRequestNormal):
        return Conformance.ACTION
    if isinstance(apdu, ActionRequestWithList):
        return Conformance.ACTION | Conformance.MULTIPLE_REFERENCES
    if isinstance(
        apdu,
        a.ActionRequestWithFirstPblock | a.ActionRequestWithPblock | a.ActionRequestNextPblock,
    ):
        return Conformance.ACTION | Conformance.BLOCK_TRANSFER_WITH_ACTION
    if isinstance(apdu, GeneralBlockTransfer):
        return Conformance.GENERAL_BLOCK_TRANSFER
    if isinstance(apdu, a.AccessRequest):
        return Conformance.ACCESS
    if isinstance(apdu, a.ReadRequest):
        return Conformance.READ
    if isinstance(apdu, a.WriteRequest):
        return Conformance.WRITE
    return Conformance(0)


def _is_hls_pass3(message: Message) -> bool:
    apdu = message.apdu
    return (
        isinstance(apdu, ActionRequestNormal)
        and apdu.method.class_id == 15
        and apdu.method.method_id == 1
    )


@case(
    "T_HE_CONF_P1",
    plan=HE,
    group="HE_DATA",
    purpose="Every request uses only services of the negotiated conformance block (HLS pass 3, "
    "the ACTION on the current association, is allowed in any case).",
    preconditions=[CAPTURED],
    references=[GB, "negotiated conformance"],
)
async def t_he_conf_p1(ctx: CaseContext) -> None:
    capture = _capture(ctx)
    judged = 0
    for log in _accepted(capture):
        negotiated = log.negotiated
        if negotiated is None:
            continue
        for message in log.requests:
            if message.apdu is None:
                if message.ciphered:
                    ctx.observe(
                        Verdict.INCONCLUSIVE,
                        "the request can be deciphered to see its service",
                        message.error,
                        _subject(log),
                    )
                continue
            if _is_hls_pass3(message):
                continue
            judged += 1
            missing = _needs(message.apdu) & ~negotiated
            ctx.observe(
                Verdict.PASSED if not missing else Verdict.FAILED,
                f"{type(message.apdu).__name__} is within the negotiated conformance",
                "" if not missing else f"not negotiated: {missing!r}",
                _subject(log),
            )
    if not judged:
        raise ctx.inapplicable("the head-end sent no data request")


@case(
    "T_HE_BLOCK_P1",
    plan=HE,
    group="HE_DATA",
    purpose="A long answer sent in datablocks is followed block by block: after each block "
    "that is not the last, the head-end asks for the next with GET-Request-Next carrying the "
    "number of the block received and the same invoke-id, and sends nothing else meanwhile.",
    preconditions=[CAPTURED],
    references=[GB, "block transfer with GET"],
)
async def t_he_block_p1(ctx: CaseContext) -> None:
    capture = _capture(ctx)
    seen = 0
    for log in _accepted(capture):
        messages = sorted(log.requests + log.responses, key=lambda m: m.time)
        for index, message in enumerate(messages):
            block = message.apdu
            if (
                message.from_head_end
                or not isinstance(block, GetResponseWithDatablock)
                or block.last_block
                or not isinstance(block.result, bytes)
            ):
                continue
            seen += 1
            following = next((m for m in messages[index + 1 :] if m.from_head_end), None)
            request = None if following is None else following.apdu
            ok = (
                isinstance(request, GetRequestNext)
                and request.block_number == block.block_number
                and request.invoke_id_and_priority.invoke_id
                == block.invoke_id_and_priority.invoke_id
            )
            ctx.observe(
                Verdict.PASSED if ok else Verdict.FAILED,
                f"block {block.block_number} is followed by GET-Request-Next for it",
                "nothing followed" if following is None else type(request).__name__,
                _subject(log),
            )
    if not seen:
        raise ctx.inapplicable("the head-end read nothing long enough to come in blocks")


@case(
    "T_HE_IC_P1",
    plan=HE,
    group="HE_SECURITY",
    purpose="The invocation counter of the head-end's ciphered APDUs increases from each one "
    "to the next (per system title and key), across associations and connections.",
    preconditions=[CAPTURED],
    references=[GB, "invocation counter"],
)
async def t_he_ic_p1(ctx: CaseContext) -> None:
    capture = _capture(ctx)
    last: dict[tuple[bytes | None, bool], int] = {}
    judged = 0
    for log in capture.associations:
        title = log.aarq.apdu.calling_ap_title if isinstance(log.aarq.apdu, AARQ) else None
        messages = [log.aarq, *log.requests, *([log.rlrq] if log.rlrq else [])]
        ciphered = [m for m in messages if m.invocation_counter is not None]
        if isinstance(log.aarq.apdu, AARQ):
            info = log.aarq.apdu.user_information
            counter = getattr(info, "invocation_counter", None)
            if counter is not None:
                ciphered.insert(0, _counter_only(log.aarq, counter))
        for message in ciphered:
            assert message.invocation_counter is not None
            key = (message.system_title or title, message.dedicated)
            previous = last.get(key)
            judged += 1
            if previous is not None:
                ok = message.invocation_counter > previous
                ctx.observe(
                    Verdict.PASSED if ok else Verdict.FAILED,
                    "the invocation counter increases",
                    f"{previous} then {message.invocation_counter}",
                    _subject(log),
                )
            last[key] = message.invocation_counter
    if not judged:
        raise ctx.inapplicable("the head-end sent no ciphered APDU")


def _counter_only(message: Message, counter: int) -> Message:
    return Message(
        message.channel,
        message.time,
        True,
        message.raw,
        invocation_counter=counter,
        system_title=None,
    )


@case(
    "T_HE_REL_P1",
    plan=HE,
    group="HE_ASSOCIATION",
    purpose="Every association the head-end opened is released with RLRQ (answered RLRE) "
    "before its connection ends; over HDLC the link is then closed with DISC.",
    preconditions=[CAPTURED],
    references=[GB, "A-RELEASE"],
)
async def t_he_rel_p1(ctx: CaseContext) -> None:
    capture = _capture(ctx)
    for log in capture.associations:
        if not log.accepted or (log.spec is not None and log.spec.pre_established):
            continue
        ctx.observe(
            Verdict.PASSED if log.rlrq is not None else Verdict.FAILED,
            "the association is released with RLRQ",
            subject=_subject(log),
        )
    if capture.profile is ProfileKind.HDLC:
        for channel, frames in capture.frames.items():
            discs = [f for head_end, f in frames if head_end and f.type is FrameType.DISC]
            ctx.observe(
                Verdict.PASSED if discs else Verdict.FAILED,
                "the HDLC link is closed with DISC",
                subject=f"connection {channel}",
            )
