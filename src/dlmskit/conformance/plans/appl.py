"""COSEM application layer (IEC 62056-5-3): association establishment, data transfer, release.

After the CTT's APPL test cases as they are publicly known (``CONFORMANCE.md`` 1.4): the
idle state (T_APPL_IDLE_*), AARQ variants and their AARE (T_APPL_OPEN_*), malformed and
unsupported requests in an established association (T_APPL_DATA_LN_*) and release
(T_APPL_REL_*). The AARQs are those the IUT description calls for with one field changed --
for the lowest association they are byte for byte the CTT's stimuli where those are public
(the unit tests compare them with ``normative.json``); the malformed xDLMS requests are the
CTT's bytes.
"""

from __future__ import annotations

import dataclasses

from dlmskit import apdu as a
from dlmskit.apdu import (
    AARE,
    AcseServiceProvider,
    AcseServiceUser,
    AssociationResult,
    ConfirmedServiceError,
    Conformance,
    CosemAttributeDescriptor,
    DataAccessResult,
    ExceptionResponse,
    GetRequestNormal,
    GetRequestWithList,
    GetResponseNormal,
    GetResponseWithList,
    InvokeIdAndPriority,
)
from dlmskit.apdu.ber import BerBitString, Oid
from dlmskit.apdu.get import AttributeWithSelection
from dlmskit.apdu.xdlms import ErrorService, Initiate, ServiceErrorType
from dlmskit.axdr import Unsigned
from dlmskit.conformance.cases import Inconclusive, Plan, Precondition, case
from dlmskit.conformance.context import CaseContext
from dlmskit.conformance.iut import AssociationSpec, Iut, ProfileKind
from dlmskit.conformance.plans._common import served
from dlmskit.conformance.session import ASSOCIATION_LN, Session
from dlmskit.cosem import Obis
from dlmskit.errors import DlmsError
from dlmskit.security import Mechanism

__all__ = [
    "STIMULUS_GET_MISSING_ELEMENTS",
    "STIMULUS_GET_UNKNOWN_TYPE",
    "STIMULUS_SET_MISSING_DATA",
    "STIMULUS_SET_UNKNOWN_TYPE",
    "WRONG_CONTEXT",
]

AL = Plan.APPLICATION
GB = "IEC 62056-5-3 (Green Book) ACSE and xDLMS"

#: The application context name of the CTT's T_APPL_OPEN_5 stimulus (no DLMS context).
WRONG_CONTEXT = Oid((2, 15, 757, 4, 7, 2, 3))
#: T_APPL_DATA_LN_N1 / N3 stimuli of the CTT (CONFORMANCE.md 1.4, normative.json).
STIMULUS_GET_UNKNOWN_TYPE = bytes.fromhex("c004c1000f0000280000ff0100")
STIMULUS_GET_MISSING_ELEMENTS = bytes.fromhex("c001c1000028000100")
STIMULUS_SET_UNKNOWN_TYPE = bytes.fromhex("c106c1000f0000280000ff010009060000280000ff")
STIMULUS_SET_MISSING_DATA = bytes.fromhex("c101c1000f0000280000")
#: protocol-version as the CTT sends it in T_APPL_OPEN_4: version1 present (bit string 100001)
#: and absent (010001).
PROTOCOL_VERSION_1 = BerBitString(b"\x84", 2)
PROTOCOL_VERSION_OTHER = BerBitString(b"\x44", 2)

_LN_NAME = bytes(ASSOCIATION_LN)


def _usable(iut: Iut, association: AssociationSpec) -> str | None:
    """Why the suite cannot open this association from the description (None: it can)."""
    if association.pre_established:
        return "pre-established (no AARQ)"
    if not association.logical_names:
        return "short name referencing is not tested"
    if association.mechanism in (Mechanism.HLS, Mechanism.HLS_ECDSA):
        return f"mechanism {association.mechanism.name} is not tested"
    needs_secret = association.mechanism in (
        Mechanism.LLS,
        Mechanism.HLS_MD5,
        Mechanism.HLS_SHA1,
        Mechanism.HLS_SHA256,
    )
    if needs_secret and association.secret is None:
        return "the description gives no secret"
    needs_keys = association.ciphered or association.mechanism is Mechanism.HLS_GMAC
    if needs_keys and (association.security is None or association.security.encryption_key is None):
        return "the description gives no keys"
    return None


def _plain_public(iut: Iut) -> str | None:
    lowest = iut.lowest()
    if lowest is None:
        return "no association can be opened"
    return _usable(iut, lowest)


PUBLIC = Precondition("the lowest association can be opened from the description", _plain_public)


def _decode(raw: bytes | None) -> a.Apdu | None:
    if raw is None:
        return None
    try:
        return a.decode(raw)
    except DlmsError:
        return None


def _refused(answer: a.Apdu | None) -> bool:
    """A refusal of a request: exception-response, confirmed-service-error, or a GET/SET/
    ACTION answer whose result is an error."""
    if isinstance(answer, ExceptionResponse | ConfirmedServiceError):
        return True
    if isinstance(answer, GetResponseNormal):
        return isinstance(answer.result, DataAccessResult) and answer.result != 0
    if isinstance(answer, GetResponseWithList):
        return all(isinstance(r, DataAccessResult) and r != 0 for r in answer.results)
    result = getattr(answer, "result", None)
    return isinstance(result, int) and result != 0


def _describe(answer: a.Apdu | None, raw: bytes | None) -> str:
    if raw is None:
        return "no answer"
    if answer is None:
        return f"undecodable answer {raw.hex()}"
    from dlmskit.conformance.trace import describe_apdu

    return describe_apdu(raw)


async def _not_served(ctx: CaseContext, session: Session, when: str) -> None:
    """A plain GET of the association's logical name (outside any association) is not
    served."""
    raw = await session.channel.request(_get_ln(session), note=f"GET {when}")
    answer = _decode(raw)
    ctx.check(not served(answer), f"a GET {when} is not served", _describe(answer, raw))


def _get_ln(session: Session) -> bytes:
    iip = session.next_iip()
    return GetRequestNormal(iip, CosemAttributeDescriptor(15, ASSOCIATION_LN, 1)).encode()


def is_association_name(value: object) -> bool:
    """What the logical_name of the current association reads as: 0-0:40.0.0*255, or the
    instance it stands for (0-0:40.0.e*255)."""
    return (
        isinstance(value, bytes)
        and len(value) == 6
        and value[:4] == _LN_NAME[:4]
        and (value[5] == 0xFF)
    )


async def _still_usable(ctx: CaseContext, session: Session, after: str) -> None:
    value = await session.get(15, ASSOCIATION_LN, 1, note="GET the association's logical name")
    ctx.check(
        is_association_name(value),
        f"the association is still usable after {after}",
        f"GET logical_name gave {value!r}",
    )


def _check_rejected(
    ctx: CaseContext,
    aare: AARE,
    what: str,
    diagnostic: AcseServiceUser | AcseServiceProvider | None = None,
    initiate_error: Initiate | None = None,
) -> None:
    ctx.check(
        aare.result != AssociationResult.ACCEPTED,
        f"the AARQ with {what} is rejected",
        f"result {aare.result.name}",
    )
    if diagnostic is not None:
        ctx.check(
            aare.result == AssociationResult.REJECTED_PERMANENT
            and aare.result_source_diagnostic == diagnostic
            and type(aare.result_source_diagnostic) is type(diagnostic),
            f"the AARE says rejected-permanent, {type(diagnostic).__name__} {diagnostic.name}",
            f"{aare.result.name}, {type(aare.result_source_diagnostic).__name__} "
            f"{aare.result_source_diagnostic.name}",
        )
    if initiate_error is not None:
        info = aare.user_information
        ctx.check(
            isinstance(info, ConfirmedServiceError)
            and info.service == ErrorService.INITIATE_ERROR
            and info.error == ServiceErrorType.INITIATE
            and info.value == initiate_error,
            f"the AARE carries confirmedServiceError initiate / {initiate_error.name}",
            repr(info),
        )


async def _open_with(ctx: CaseContext, what: str, **changes: object) -> tuple[Session, AARE]:
    session = await ctx.session(establish=False)
    initiate = changes.pop("initiate", None)
    aarq = session.aarq(initiate=initiate, **changes)  # type: ignore[arg-type]
    aare = await session.open(aarq, note=f"AARQ with {what}")
    return session, aare


# -- idle ---------------------------------------------------------------------------------


@case(
    "T_APPL_IDLE_N1",
    plan=AL,
    group="APPL_IDLE",
    purpose="A GET (the current association's logical name) sent before any association is "
    "established is not served; an AARQ after it is answered.",
    preconditions=[PUBLIC],
    references=[GB, "CONFORMANCE.md 1.4"],
)
async def t_appl_idle_n1(ctx: CaseContext) -> None:
    session = await ctx.session(establish=False)
    await _not_served(ctx, session, "without an association")
    aare = await session.open()
    ctx.check(
        aare.result == AssociationResult.ACCEPTED,
        "an AARQ afterwards is accepted",
        aare.result.name,
    )


# -- open ---------------------------------------------------------------------------------


@case(
    "T_APPL_OPEN_1",
    plan=AL,
    group="APPL_OPEN",
    purpose="Each declared association: the AARQ with the declared parameters is accepted "
    "with a well-formed AARE (context echoed, InitiateResponse within what was proposed), "
    "the association serves a GET, and RLRQ releases it.",
    per_association=True,
    association_filter=_usable,
    references=[GB, "T_APPL_OPEN_1 subtests 1-3"],
)
async def t_appl_open_1(ctx: CaseContext) -> None:
    spec = ctx.spec()
    session = await ctx.session(establish=False)
    aare = await session.open()
    ctx.check(
        aare.result == AssociationResult.ACCEPTED,
        "the AARQ is accepted",
        f"{aare.result.name}, {aare.result_source_diagnostic.name}",
    )
    expected_diagnostic = (
        AcseServiceUser.AUTHENTICATION_REQUIRED if spec.mechanism.is_hls else AcseServiceUser.NULL
    )
    ctx.check(
        aare.result_source_diagnostic == expected_diagnostic
        and isinstance(aare.result_source_diagnostic, AcseServiceUser),
        f"the diagnostic is acse-service-user {expected_diagnostic.name}",
        aare.result_source_diagnostic.name,
    )
    ctx.check(
        aare.context == spec.context,
        "the AARE echoes the application context",
        str(aare.application_context_name),
    )
    if spec.mechanism is not Mechanism.NONE:
        ctx.check(
            aare.mechanism is not None and int(aare.mechanism) == int(spec.mechanism),
            "the AARE names the authentication mechanism",
            repr(aare.mechanism),
        )
    if spec.ciphered:
        ctx.check(
            aare.responding_ap_title is not None and len(aare.responding_ap_title) == 8,
            "the AARE carries the meter's 8-octet system title",
        )
    initiate = session.initiate
    ctx.check(initiate is not None, "the AARE carries an InitiateResponse")
    assert initiate is not None
    extra = initiate.negotiated_conformance & ~spec.conformance
    ctx.check(
        not extra,
        "the negotiated conformance is within what was proposed",
        f"not proposed: {extra!r}",
    )
    ctx.check(
        initiate.negotiated_dlms_version_number == 6,
        "the negotiated DLMS version is 6",
        str(initiate.negotiated_dlms_version_number),
    )
    ctx.check(initiate.vaa_name == 0x0007, "vaa-name is 0x0007 (LN referencing)")
    ctx.check(
        initiate.server_max_receive_pdu_size >= 12,
        "the server max receive PDU size is at least 12",
        str(initiate.server_max_receive_pdu_size),
    )
    if spec.max_pdu_size is not None:
        ctx.check(
            initiate.server_max_receive_pdu_size == spec.max_pdu_size,
            f"the server max receive PDU size is the declared {spec.max_pdu_size}",
            str(initiate.server_max_receive_pdu_size),
        )
    await _still_usable(ctx, session, "the association was opened")
    rlre = await session.release()
    ctx.check(rlre is not None, "RLRQ is answered with an RLRE")
    await _not_served(ctx, session, "after the release")


@case(
    "T_APPL_OPEN_4",
    plan=AL,
    group="APPL_OPEN",
    purpose="protocol-version present: with version1 (bit string 100001) the AARQ is "
    "accepted; without version1 (010001) it is rejected, acse-service-provider "
    "no-common-acse-version.",
    preconditions=[PUBLIC],
    references=[GB, "gurux.fi forum: protocol version in conformance test (APPL_OPEN_4)"],
)
async def t_appl_open_4(ctx: CaseContext) -> None:
    _, aare = await _open_with(ctx, "protocol-version 100001", protocol_version=PROTOCOL_VERSION_1)
    ctx.check(
        aare.result == AssociationResult.ACCEPTED,
        "the AARQ with protocol-version version1 is accepted",
        f"{aare.result.name}, {aare.result_source_diagnostic.name}",
    )
    _, aare = await _open_with(
        ctx, "protocol-version 010001", protocol_version=PROTOCOL_VERSION_OTHER
    )
    _check_rejected(
        ctx, aare, "a protocol-version without version1", AcseServiceProvider.NO_COMMON_ACSE_VERSION
    )


@case(
    "T_APPL_OPEN_5",
    plan=AL,
    group="APPL_OPEN",
    purpose="An AARQ with an application-context-name the meter does not know: rejected-"
    "permanent, acse-service-user application-context-name-not-supported.",
    preconditions=[PUBLIC],
    references=[GB, "vector ctt-aarq-wrong-app-context"],
)
async def t_appl_open_5(ctx: CaseContext) -> None:
    _, aare = await _open_with(
        ctx, "an unknown application context", application_context_name=WRONG_CONTEXT
    )
    _check_rejected(
        ctx,
        aare,
        "an unknown application context",
        AcseServiceUser.APPLICATION_CONTEXT_NAME_NOT_SUPPORTED,
    )


@case(
    "T_APPL_OPEN_6",
    plan=AL,
    group="APPL_OPEN",
    purpose="An AARQ with the fields DLMS does not use present with dummy values "
    "(called-AP-title, called-AE-qualifier, called-AP/AE-invocation-id, "
    "calling-AP-invocation-id): they are ignored and the AARQ is accepted.",
    preconditions=[PUBLIC],
    references=[GB, "T_APPL_OPEN_5/6/7 unused fields"],
)
async def t_appl_open_6(ctx: CaseContext) -> None:
    session, aare = await _open_with(
        ctx,
        "unused fields",
        called_ap_title=b"\x44",
        called_ae_qualifier=b"\x44",
        called_ap_invocation_id=0,
        called_ae_invocation_id=0,
        calling_ap_invocation_id=0,
    )
    ctx.check(
        aare.result == AssociationResult.ACCEPTED,
        "the AARQ with unused fields is accepted",
        f"{aare.result.name}, {aare.result_source_diagnostic.name}",
    )
    await _still_usable(ctx, session, "the AARQ with unused fields")


def _ciphered_usable(iut: Iut, association: AssociationSpec) -> str | None:
    if not association.ciphered:
        return "not a ciphered context"
    return _usable(iut, association)


@case(
    "T_APPL_OPEN_7",
    plan=AL,
    group="APPL_OPEN",
    purpose="A ciphered association's AARQ whose calling-AP-title (the client system title) "
    "is 7 or 9 octets instead of 8: rejected.",
    per_association=True,
    association_filter=_ciphered_usable,
    references=[GB, "T_APPL_OPEN_6 calling-AP-title too short / too long"],
)
async def t_appl_open_7(ctx: CaseContext) -> None:
    spec = ctx.spec()
    assert spec.security is not None
    title = spec.security.client_system_title
    for wrong in (title[:7], title + b"\x00"):
        session = await ctx.session(establish=False)
        aare = await session.open(
            session.aarq(calling_ap_title=wrong), note=f"AARQ, calling-AP-title of {len(wrong)}"
        )
        _check_rejected(ctx, aare, f"a calling-AP-title of {len(wrong)} octets")


def _plain_usable(iut: Iut, association: AssociationSpec) -> str | None:
    if association.ciphered:
        return "a ciphered context"
    return _usable(iut, association)


@case(
    "T_APPL_OPEN_9",
    plan=AL,
    group="APPL_OPEN",
    purpose="An AARQ of a context without ciphering whose InitiateRequest carries a dedicated "
    "key: rejected (a dedicated key needs ciphering).",
    preconditions=[PUBLIC],
    references=[GB, "T_APPL_OPEN_9"],
)
async def t_appl_open_9(ctx: CaseContext) -> None:
    lowest = ctx.iut.lowest()
    assert lowest is not None
    if lowest.ciphered:
        raise ctx.inapplicable("the lowest association is ciphered")
    session = await ctx.session(establish=False)
    initiate = session.initiate_request(dedicated_key=bytes(range(16)))
    aare = await session.open(session.aarq(initiate=initiate), note="AARQ with a dedicated key")
    _check_rejected(ctx, aare, "a dedicated key in a context without ciphering")


@case(
    "T_APPL_OPEN_11",
    plan=AL,
    group="APPL_OPEN",
    purpose="An InitiateRequest with proposed-quality-of-service present (DLMS does not use "
    "it): the AARQ is accepted.",
    preconditions=[PUBLIC],
    references=[GB, "T_APPL_OPEN_11"],
)
async def t_appl_open_11(ctx: CaseContext) -> None:
    session = await ctx.session(establish=False)
    initiate = session.initiate_request(proposed_quality_of_service=1)
    aare = await session.open(session.aarq(initiate=initiate), note="AARQ with QoS")
    ctx.check(
        aare.result == AssociationResult.ACCEPTED,
        "the AARQ with a quality of service is accepted",
        f"{aare.result.name}, {aare.result_source_diagnostic.name}",
    )


@case(
    "T_APPL_OPEN_12",
    plan=AL,
    group="APPL_OPEN",
    purpose="InitiateRequests proposing DLMS version 5 and 7: rejected, confirmedServiceError "
    "initiate / dlms-version-too-low.",
    preconditions=[PUBLIC],
    references=[GB, "vector ctt-aarq-dlms-version-7", "vector dlmscosem-aare-dlms-version-too-low"],
)
async def t_appl_open_12(ctx: CaseContext) -> None:
    for version in (5, 7):
        session = await ctx.session(establish=False)
        initiate = session.initiate_request(proposed_dlms_version_number=version)
        aare = await session.open(
            session.aarq(initiate=initiate), note=f"AARQ proposing DLMS version {version}"
        )
        _check_rejected(
            ctx, aare, f"DLMS version {version}", initiate_error=Initiate.DLMS_VERSION_TOO_LOW
        )


@case(
    "T_APPL_OPEN_14",
    plan=AL,
    group="APPL_OPEN",
    purpose="An InitiateRequest with client-max-receive-pdu-size 11 (below the minimum 12): "
    "rejected, confirmedServiceError initiate / pdu-size-too-short.",
    preconditions=[PUBLIC],
    references=[GB, "vector ctt-aarq-pdu-size-11"],
)
async def t_appl_open_14(ctx: CaseContext) -> None:
    session = await ctx.session(establish=False)
    initiate = session.initiate_request(client_max_receive_pdu_size=11)
    aare = await session.open(session.aarq(initiate=initiate), note="AARQ with PDU size 11")
    _check_rejected(ctx, aare, "PDU size 11", initiate_error=Initiate.PDU_SIZE_TOO_SHORT)


# -- data transfer ------------------------------------------------------------------------


async def _malformed(ctx: CaseContext, stimuli: list[tuple[str, bytes]]) -> None:
    session = await ctx.session()
    for what, stimulus in stimuli:
        answer = await session.raw(session.protect(stimulus), note=what)
        ctx.check(
            answer.apdu is not None,
            f"the {what} is answered",
            "no answer" if answer.raw is None else answer.raw.hex(),
        )
        ctx.check(
            _refused(answer.apdu),
            f"the {what} is answered with an exception-response or an error result",
            _describe(answer.apdu, answer.raw),
        )
        await _still_usable(ctx, session, f"the {what}")


@case(
    "T_APPL_DATA_LN_N1",
    plan=AL,
    group="APPL_DATA_LN",
    purpose="In an established association: a GET-Request of an unknown type, a GET-Request "
    "with missing elements, a GET of an object that does not exist: each gets an "
    "exception-response or an error result, and the association stays usable.",
    preconditions=[PUBLIC],
    references=[GB, "vectors ctt-get-unknown-request-type, ctt-get-missing-elements"],
)
async def t_appl_data_ln_n1(ctx: CaseContext) -> None:
    missing = GetRequestNormal(
        InvokeIdAndPriority(1), CosemAttributeDescriptor(1, Obis(0, 0, 0, 0, 0, 0), 2)
    ).encode()
    await _malformed(
        ctx,
        [
            ("GET-Request of unknown type 4", STIMULUS_GET_UNKNOWN_TYPE),
            ("GET-Request with missing elements", STIMULUS_GET_MISSING_ELEMENTS),
            ("GET of the undefined object 0-0:0.0.0*0", missing),
        ],
    )


@case(
    "T_APPL_DATA_LN_N2",
    plan=AL,
    group="APPL_DATA_LN",
    purpose="In an established association, a GET, a SET and an ACTION of an object that does "
    "not exist are answered with the result object-undefined (a well-formed refusal, not an "
    "exception-response).",
    preconditions=[PUBLIC],
    references=[GB, "Data-Access-Result object-undefined"],
)
async def t_appl_data_ln_n2(ctx: CaseContext) -> None:
    session = await ctx.session()
    missing = Obis(0, 0, 96, 99, 99, 255)
    value = await session.get(1, missing, 2, note="GET of the undefined object 0-0:96.99.99")
    ctx.check(
        value == DataAccessResult.OBJECT_UNDEFINED,
        "the GET of an undefined object gives object-undefined",
        repr(value),
    )
    if session.negotiated_conformance & Conformance.SET:
        result = await session.set(1, missing, 2, None, note="SET of the undefined object")
        ctx.check(
            result == DataAccessResult.OBJECT_UNDEFINED,
            "the SET of an undefined object gives object-undefined",
            result.name,
        )
    if session.negotiated_conformance & Conformance.ACTION:
        outcome, _ = await session.action(9, missing, 1, Unsigned(0), note="ACTION, undefined")
        ctx.check(
            outcome == a.ActionResult.OBJECT_UNDEFINED,
            "the ACTION of an undefined object gives object-undefined",
            outcome.name,
        )


@case(
    "T_APPL_DATA_LN_N3",
    plan=AL,
    group="APPL_DATA_LN",
    purpose="In an established association: a SET-Request of an unknown type and a "
    "SET-Request without its data: each gets an exception-response or an error result, and "
    "the association stays usable.",
    preconditions=[PUBLIC],
    references=[GB, "vectors ctt-set-unknown-type, ctt-set-missing-data"],
)
async def t_appl_data_ln_n3(ctx: CaseContext) -> None:
    await _malformed(
        ctx,
        [
            ("SET-Request of unknown type 6", STIMULUS_SET_UNKNOWN_TYPE),
            ("SET-Request without data", STIMULUS_SET_MISSING_DATA),
        ],
    )


@case(
    "T_APPL_DATA_LN_N4",
    plan=AL,
    group="APPL_DATA_LN",
    purpose="In an association that negotiated GET only, a GET-Request-With-List (needs "
    "multiple-references) is not served.",
    preconditions=[PUBLIC],
    references=[GB, "T_APPL_DATA_LN_N4"],
)
async def t_appl_data_ln_n4(ctx: CaseContext) -> None:
    lowest = ctx.iut.lowest()
    assert lowest is not None
    spec = dataclasses.replace(lowest, conformance=Conformance.GET)
    session = await ctx.session(spec)
    ctx.check(
        not session.negotiated_conformance & Conformance.MULTIPLE_REFERENCES,
        "the meter does not negotiate multiple-references when it is not proposed",
        repr(session.negotiated_conformance),
    )
    attribute = AttributeWithSelection(CosemAttributeDescriptor(15, ASSOCIATION_LN, 1))
    request = GetRequestWithList(session.next_iip(), (attribute, attribute))
    answer = await session.raw(session.protect(request.encode()), note="GET-Request-With-List")
    with_list = isinstance(answer.apdu, GetResponseWithList) and not _refused(answer.apdu)
    ctx.check(
        not with_list,
        "the GET-Request-With-List outside the negotiated conformance is not served",
        _describe(answer.apdu, answer.raw),
    )
    await _still_usable(ctx, session, "the refused service")


@case(
    "T_APPL_DATA_LN_P1",
    plan=AL,
    group="APPL_DATA_LN",
    purpose="In an association whose client-max-receive-pdu-size is 128, the object list "
    "(longer than 128 bytes) comes in APDUs of at most 128 bytes (block transfer).",
    preconditions=[PUBLIC],
    references=[GB, "negotiated PDU size respected"],
)
async def t_appl_data_ln_p1(ctx: CaseContext) -> None:
    lowest = ctx.iut.lowest()
    assert lowest is not None
    spec = dataclasses.replace(lowest, client_max_pdu_size=128)
    session = await ctx.session(spec)
    if not session.negotiated_conformance & Conformance.BLOCK_TRANSFER_WITH_GET_OR_READ:
        raise ctx.inapplicable("the association does not negotiate block transfer with GET")
    value = await session.get(15, ASSOCIATION_LN, 2, note="GET object_list")
    ctx.check(
        isinstance(value, list),
        "the object list is read in APDUs of at most 128 bytes",
        repr(value)[:200],
    )


# -- release ------------------------------------------------------------------------------


@case(
    "T_APPL_REL_P1",
    plan=AL,
    group="APPL_REL",
    purpose="RLRQ releases the association (RLRE); afterwards requests are not served and "
    "a new AARQ on the same link is accepted.",
    preconditions=[PUBLIC],
    references=[GB, "APPL_REL_P1"],
)
async def t_appl_rel_p1(ctx: CaseContext) -> None:
    session = await ctx.session()
    rlre = await session.release()
    ctx.check(rlre is not None, "RLRQ is answered with an RLRE")
    await _not_served(ctx, session, "after the release")
    aare = await session.open(note="AARQ after the release")
    ctx.check(aare.result == AssociationResult.ACCEPTED, "a new AARQ is accepted", aare.result.name)


def _hdlc(iut: Iut) -> str | None:
    return None if iut.profile is ProfileKind.HDLC else "the IUT is not reached over HDLC"


@case(
    "T_APPL_REL_P2",
    plan=AL,
    group="APPL_REL",
    purpose="Over HDLC, DISC releases the association: after DISC and a new SNRM, a GET "
    "without AARQ is not served.",
    preconditions=[PUBLIC, Precondition("the IUT is reached over HDLC", _hdlc)],
    references=[GB, "IEC 62056-46: the AA ends with the data link"],
)
async def t_appl_rel_p2(ctx: CaseContext) -> None:
    session = await ctx.session()
    probe = session.channel
    from dlmskit.conformance.channels import HdlcProbe

    if not isinstance(probe, HdlcProbe):
        raise Inconclusive("no HDLC link")
    await probe.disconnect()
    await probe.connect()
    await _not_served(ctx, session, "after DISC and SNRM")
