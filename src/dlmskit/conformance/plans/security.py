"""Security (IEC 62056-5-3 clause 5, security suites 0/1/2): authentication, ciphering,
replay protection, access separation between associations, key transfer.

Public CTT material names no security test cases; the ids follow the CTT's style, the
expected behaviour is the Green Book's:

* LLS: a wrong password is refused with authentication-failure;
* HLS: pass 3 and 4 complete with a fresh challenge each time, and a wrong f(StoC) is refused;
* ciphered contexts: requests and responses protected as the security policy says, with the
  declared suite; a replayed invocation counter, a wrong authentication tag, a key the meter
  does not hold, a plain request where protection is required: refused;
* a lower association does not reach what only a higher one may read;
* key transfer (Security setup ``key_transfer``) takes a key wrapped with the KEK and refuses
  one wrapped with another key.
"""

from __future__ import annotations

import dataclasses
import secrets

from dlmskit import apdu as a
from dlmskit.apdu import (
    AcseServiceUser,
    ActionResult,
    AssociationResult,
    CosemAttributeDescriptor,
    DataAccessResult,
    GetRequestNormal,
)
from dlmskit.association import Ciphering
from dlmskit.axdr import Enum
from dlmskit.conformance.cases import Inconclusive, Plan, Verdict, case
from dlmskit.conformance.context import CaseContext
from dlmskit.conformance.discovery import can_read
from dlmskit.conformance.iut import AssociationSpec, Iut
from dlmskit.conformance.plans._common import served
from dlmskit.conformance.plans.appl import _usable
from dlmskit.conformance.plans.objects import _authenticated, _seen
from dlmskit.conformance.session import ASSOCIATION_LN, Answer, Session
from dlmskit.cosem import Obis
from dlmskit.security import (
    InvocationCounter,
    Key,
    Mechanism,
    MemoryCounterStore,
    SymmetricKeys,
)
from dlmskit.security.keywrap import wrap_key

__all__: list[str] = []

SE = Plan.SECURITY
GB = "IEC 62056-5-3 (Green Book) 5: security"
LOGICAL_DEVICE_NAME = Obis(0, 0, 42, 0, 0, 255)


def _lls(iut: Iut, association: AssociationSpec) -> str | None:
    if association.mechanism is not Mechanism.LLS or association.pre_established:
        return "not an LLS association"
    return None


def _hls(iut: Iut, association: AssociationSpec) -> str | None:
    if not association.mechanism.is_hls:
        return "not an HLS association"
    return _usable(iut, association)


def _ciphered(iut: Iut, association: AssociationSpec) -> str | None:
    if not association.ciphered:
        return "not a ciphered context"
    return _usable(iut, association)


def _what(answer: Answer) -> str:
    if answer.raw is None:
        return "no answer"
    from dlmskit.conformance.trace import describe_apdu

    plain = answer.apdu.encode() if answer.apdu is not None else answer.raw
    return describe_apdu(plain)


def _get_ln(session: Session) -> bytes:
    return GetRequestNormal(
        session.next_iip(), CosemAttributeDescriptor(15, ASSOCIATION_LN, 1)
    ).encode()


@case(
    "T_SEC_LLS_N1",
    plan=SE,
    group="SEC_AUTHENTICATION",
    purpose="An LLS association's AARQ with a wrong password: rejected, acse-service-user "
    "authentication-failure.",
    per_association=True,
    association_filter=_lls,
    references=[GB, "LLS (mechanism 1)"],
)
async def t_sec_lls_n1(ctx: CaseContext) -> None:
    spec = ctx.spec()
    session = await ctx.session(establish=False)
    right = b"" if spec.secret is None else spec.secret.reveal()
    wrong = right + b"x" if right else b"wrong-password"
    aare = await session.open(session.aarq(secret=wrong), note="AARQ with a wrong password")
    ctx.check(
        aare.result != AssociationResult.ACCEPTED,
        "the AARQ with a wrong password is rejected",
        aare.result.name,
    )
    ctx.check(
        aare.result_source_diagnostic == AcseServiceUser.AUTHENTICATION_FAILURE
        and isinstance(aare.result_source_diagnostic, AcseServiceUser),
        "the diagnostic is acse-service-user authentication-failure",
        aare.result_source_diagnostic.name,
    )


@case(
    "T_SEC_HLS_P1",
    plan=SE,
    group="SEC_AUTHENTICATION",
    purpose="Each HLS association: the AARE carries a server challenge of 8 to 64 octets (32 to "
    "64 for ECDSA), pass 3 is accepted and the meter's f(CtoS) in pass 4 verifies.",
    per_association=True,
    association_filter=_hls,
    references=[GB, "HLS pass 3 and 4"],
)
async def t_sec_hls_p1(ctx: CaseContext) -> None:
    spec = ctx.spec()
    session = await ctx.session(establish=False)
    aare = await session.open(hls=False)
    ctx.check(aare.result == AssociationResult.ACCEPTED, "the AARQ is accepted", aare.result.name)
    ctx.check(
        aare.result_source_diagnostic == AcseServiceUser.AUTHENTICATION_REQUIRED,
        "the AARE says authentication-required",
        aare.result_source_diagnostic.name,
    )
    stoc = session.server_challenge(aare)
    low, high = spec.mechanism.challenge_range
    ctx.check(low <= len(stoc) <= high, f"StoC has {low} to {high} octets", f"{len(stoc)}")
    await session._hls(aare)  # FAILED inside when pass 3 or 4 does not hold
    ctx.check(True, "pass 3 accepted and f(CtoS) verified")
    value = await session.get(15, ASSOCIATION_LN, 2, note="GET the object list")
    ctx.check(
        isinstance(value, list),
        "the authenticated association serves its object list",
        repr(value)[:120],
    )


@case(
    "T_SEC_HLS_P2",
    plan=SE,
    group="SEC_AUTHENTICATION",
    purpose="Each HLS association: two AARQs get two different server challenges (StoC is "
    "fresh each time).",
    per_association=True,
    association_filter=_hls,
    references=[GB, "HLS challenges are random"],
)
async def t_sec_hls_p2(ctx: CaseContext) -> None:
    challenges = []
    for attempt in (1, 2):
        session = await ctx.session(establish=False)
        aare = await session.open(hls=False, note=f"AARQ {attempt}")
        ctx.require(aare.result == AssociationResult.ACCEPTED, f"AARQ {attempt} accepted")
        challenges.append(session.server_challenge(aare))
        await session.channel.close()
    ctx.check(challenges[0] != challenges[1], "the two server challenges differ")


@case(
    "T_SEC_HLS_N1",
    plan=SE,
    group="SEC_AUTHENTICATION",
    purpose="Each HLS association: a wrong f(StoC) in pass 3 is refused, and the association "
    "then serves nothing but the association object.",
    per_association=True,
    association_filter=_hls,
    references=[GB, "HLS pass 3 failure"],
)
async def t_sec_hls_n1(ctx: CaseContext) -> None:
    session = await ctx.session(establish=False)
    aare = await session.open(hls=False)
    ctx.require(aare.result == AssociationResult.ACCEPTED, "the AARQ is accepted")
    right = session.f_stoc(aare)
    wrong = right[:-1] + bytes((right[-1] ^ 0x5A,))
    result, _ = await session.reply_to_hls(wrong, note="HLS pass 3 with a wrong f(StoC)")
    ctx.check(
        result != ActionResult.SUCCESS,
        "the wrong f(StoC) is refused",
        getattr(result, "name", repr(result)),
    )
    answer = await session.raw(
        session.protect(
            GetRequestNormal(
                session.next_iip(), CosemAttributeDescriptor(1, LOGICAL_DEVICE_NAME, 2)
            ).encode()
        ),
        note="GET after the failed authentication",
    )
    ctx.check(
        not served(answer.apdu), "the unauthenticated association serves no data", _what(answer)
    )


@case(
    "T_SEC_CIPH_P1",
    plan=SE,
    group="SEC_CIPHERING",
    purpose="Each ciphered association: requests protected as the policy says are served; the "
    "answers carry at least the protection the policy asks for, with the declared security "
    "suite and a meter invocation counter that increases.",
    per_association=True,
    association_filter=_ciphered,
    references=[GB, "security suites 0, 1, 2"],
)
async def t_sec_ciph_p1(ctx: CaseContext) -> None:
    spec = ctx.spec()
    assert spec.security is not None
    session = await ctx.session()
    counters = []
    for index in (1, 2):
        answer = await session.raw(session.protect(_get_ln(session)), note=f"ciphered GET {index}")
        ctx.check(answer.ciphered, f"answer {index} is ciphered", _what(answer))
        ctx.check(served(answer.apdu), f"the ciphered GET {index} is served", _what(answer))
        assert answer.raw is not None and answer.invocation_counter is not None
        counters.append(answer.invocation_counter)
        suite = _suite_of(answer.raw)
        ctx.check(
            suite == int(spec.security.suite),
            f"the answer names security suite {int(spec.security.suite)}",
            f"suite {suite}",
        )
    ctx.check(counters[1] > counters[0], "the meter's invocation counter increases", repr(counters))


def _suite_of(raw: bytes) -> int:
    """The suite nibble of a ciphered APDU's security control byte."""
    decoded = a.decode(raw)
    control = getattr(decoded, "security_control", None)
    return -1 if control is None else int(control) & 0x0F


async def _tampered(ctx: CaseContext, what: str, change: str) -> None:
    session = await ctx.session()
    plain = _get_ln(session)
    if change == "replay":
        first = session.protect(plain)
        answer = await session.raw(first, note="ciphered GET")
        ctx.require(served(answer.apdu), "the ciphered GET is served")
        stimulus = first
    elif change == "tag":
        good = bytearray(session.protect(plain))
        good[-1] ^= 0x01
        stimulus = bytes(good)
    else:  # key
        assert session.ciphering is not None
        context = session.ciphering.context
        keys = context.keys
        length = keys.suite.key_length
        other = SymmetricKeys(
            unicast=Key(secrets.token_bytes(length)),
            authentication=keys.authentication,
            suite=keys.suite,
        )
        rogue = Ciphering(
            dataclasses.replace(context, keys=other),
            client=True,
            counter=InvocationCounter(MemoryCounterStore(session.ciphering.counter.value + 1)),
        )
        stimulus = rogue.protect(plain)
    raw = await session.channel.request(stimulus, note=what)
    answer = _plain_or_undecodable(session, raw)
    ctx.check(not served(answer.apdu), f"the request with {what} is not served", _what(answer))


def _plain_or_undecodable(session: Session, raw: bytes | None) -> Answer:
    """The meter's answer to a tampered request: a refusal may come plain or ciphered."""
    from dlmskit.conformance.cases import Failed

    try:
        return session.unprotect(raw)
    except Failed:
        return Answer(None, raw)


@case(
    "T_SEC_CIPH_N1",
    plan=SE,
    group="SEC_CIPHERING",
    purpose="Each ciphered association: a ciphered request sent again with the same "
    "invocation counter (a replay) is not served.",
    per_association=True,
    association_filter=_ciphered,
    references=[GB, "invocation counter, replay protection"],
)
async def t_sec_ciph_n1(ctx: CaseContext) -> None:
    await _tampered(ctx, "a replayed invocation counter", "replay")


@case(
    "T_SEC_CIPH_N2",
    plan=SE,
    group="SEC_CIPHERING",
    purpose="Each ciphered association: a ciphered request whose authentication tag is wrong "
    "is not served.",
    per_association=True,
    association_filter=_ciphered,
    references=[GB, "AES-GCM authentication tag"],
)
async def t_sec_ciph_n2(ctx: CaseContext) -> None:
    await _tampered(ctx, "a wrong authentication tag", "tag")


@case(
    "T_SEC_CIPH_N3",
    plan=SE,
    group="SEC_CIPHERING",
    purpose="Each ciphered association: a request ciphered with a key the meter does not hold "
    "is not served.",
    per_association=True,
    association_filter=_ciphered,
    references=[GB, "global unicast encryption key"],
)
async def t_sec_ciph_n3(ctx: CaseContext) -> None:
    await _tampered(ctx, "a wrong encryption key", "key")


def _policy_protects(iut: Iut, association: AssociationSpec) -> str | None:
    reason = _ciphered(iut, association)
    if reason is not None:
        return reason
    assert association.security is not None
    if not association.security.policy.request_protection:
        return "the security policy does not ask for protected requests"
    return None


@case(
    "T_SEC_POLICY_N1",
    plan=SE,
    group="SEC_CIPHERING",
    purpose="Each ciphered association whose policy asks for protected requests: a plain GET "
    "is not served.",
    per_association=True,
    association_filter=_policy_protects,
    references=[GB, "security policy"],
)
async def t_sec_policy_n1(ctx: CaseContext) -> None:
    session = await ctx.session()
    raw = await session.channel.request(_get_ln(session), note="plain GET")
    answer = _plain_or_undecodable(session, raw)
    ctx.check(not served(answer.apdu), "the plain GET is not served", _what(answer))


def _pairs(iut: Iut) -> list[tuple[AssociationSpec, AssociationSpec]]:
    usable = [a for a in iut.associations if _usable(iut, a) is None]
    ordered = sorted(usable, key=lambda a: a.level)
    return [
        (low, high)
        for i, low in enumerate(ordered)
        for high in ordered[i + 1 :]
        if high.level > low.level and high.logical_device == low.logical_device
    ]


@case(
    "T_SEC_ACCESS_N1",
    plan=SE,
    group="SEC_ACCESS",
    purpose="A lower association does not reach what only a higher one may read: every "
    "attribute readable in the higher association's object list but not in the lower's is "
    "refused to the lower one.",
    preconditions=[],
    references=[GB, "access rights per association"],
    timeout=300.0,
)
async def t_sec_access_n1(ctx: CaseContext) -> None:
    pairs = _pairs(ctx.iut)
    if not pairs:
        raise ctx.inapplicable("fewer than two associations of different levels can be opened")
    tested = 0
    for low, high in pairs:
        high_session = await ctx.session(high)
        high_seen = await _seen(ctx, high_session)
        high_auth = _authenticated(high)
        low_session = await ctx.session(low)
        low_seen = await _seen(ctx, low_session)
        low_auth = _authenticated(low)
        low_rights = {e.logical_name: e.attributes for e in low_seen.entries}
        for entry in high_seen.entries:
            if entry.class_id in (12, 15):
                continue  # association objects: each association reaches its own by name
            for attribute, access in sorted(entry.attributes.items()):
                if not can_read(access, authenticated=high_auth):
                    continue
                low_access = low_rights.get(entry.logical_name, {}).get(attribute)
                if low_access is not None and can_read(low_access, authenticated=low_auth):
                    continue
                value = await low_session.get(entry.class_id, entry.logical_name, attribute)
                tested += 1
                ctx.observe(
                    Verdict.PASSED if isinstance(value, DataAccessResult) else Verdict.FAILED,
                    f"refused to {low.name}, readable only in {high.name}",
                    value.name if isinstance(value, DataAccessResult) else "served",
                    f"{entry.class_id}/{entry.logical_name} attribute {attribute}",
                )
    if not tested:
        raise ctx.inapplicable("the higher associations read nothing the lower ones cannot")


def _key_transfer(iut: Iut, association: AssociationSpec) -> str | None:
    reason = _ciphered(iut, association)
    if reason is not None:
        return reason
    assert association.security is not None
    if association.security.kek is None:
        return "the description gives no KEK"
    return None


@case(
    "T_SEC_KEY_P1",
    plan=SE,
    group="SEC_KEYS",
    purpose="Each ciphered association with a declared KEK: key_transfer of the global unicast "
    "key (the same key, wrapped with the KEK) succeeds and the key still works; the key "
    "wrapped with another KEK is refused.",
    per_association=True,
    association_filter=_key_transfer,
    references=[GB, "Security setup key_transfer; RFC 3394 key wrap"],
)
async def t_sec_key_p1(ctx: CaseContext) -> None:
    spec = ctx.spec()
    assert spec.security is not None and spec.security.kek is not None
    assert spec.security.encryption_key is not None
    session = await ctx.session()
    reference = await session.get(15, ASSOCIATION_LN, 9, note="GET security_setup_reference")
    if not isinstance(reference, bytes) or len(reference) != 6:
        raise Inconclusive(f"the association names no security setup object ({reference!r})")
    setup = Obis(*reference)
    name = await session.get(64, setup, 1, note="GET the security setup's logical name")
    ctx.check(
        name == reference,
        f"security_setup_reference names an existing security setup object ({setup})",
        repr(name),
    )
    key = spec.security.encryption_key
    good = [(Enum(0), wrap_key(spec.security.kek, key))]
    other_kek = Key(secrets.token_bytes(len(spec.security.kek)))
    bad = [(Enum(0), wrap_key(other_kek, key))]
    result, _ = await session.action(64, setup, 2, bad, note="key_transfer, wrong KEK")
    ctx.check(
        result != ActionResult.SUCCESS, "a key wrapped with another KEK is refused", result.name
    )
    result, _ = await session.action(64, setup, 2, good, note="key_transfer")
    ctx.check(result == ActionResult.SUCCESS, "the key wrapped with the KEK is taken", result.name)
    again = await ctx.session(spec)
    value = await again.get(15, ASSOCIATION_LN, 1, note="GET in a new association")
    ctx.check(
        value == bytes(ASSOCIATION_LN),
        "a new association with the (same) transferred key works",
        repr(value),
    )
