"""Data link layer, wrapper (IEC 62056-47, TCP and UDP): the WPDU header checks.

No public CTT list names these cases; the ids follow the CTT's style. What the meter must do
(IEC 62056-47 / Green Book "TCP-UDP/IP based communication profiles"):

* answer a WPDU with the wPorts swapped (source: the logical device, destination: the client);
* discard a WPDU whose version is not 1, whose destination wPort is no logical device of it,
  or whose length does not match what follows (on TCP the stream cannot be resynchronised
  after a broken header: closing the connection is then the right thing, and a new connection
  must be served);
* treat each WPDU alone: an empty one changes nothing.
"""

from __future__ import annotations

from dlmskit.conformance.cases import Plan, Precondition, case
from dlmskit.conformance.channels import WrapperProbe
from dlmskit.conformance.context import CaseContext
from dlmskit.conformance.iut import Iut, ProfileKind
from dlmskit.conformance.plans._common import is_aare, plain_aarq, unknown_logical_device
from dlmskit.link.wrapper import encode_wpdu

__all__: list[str] = []


def _wrapper(iut: Iut) -> str | None:
    return None if iut.profile is ProfileKind.WRAPPER else "the IUT is not reached over the wrapper"


WRAPPER = Precondition("the IUT is reached over the wrapper (TCP or UDP)", _wrapper)
DL = Plan.DATA_LINK
REF = "IEC 62056-47; Green Book, wrapper sub-layer"


async def _still_served(ctx: CaseContext, probe: WrapperProbe, why: str) -> None:
    """The meter serves a correct AARQ afterwards: on the same connection if it kept it
    (always over UDP), else on a new one."""
    if probe.closed and not probe.datagrams:
        ctx.step("the meter closed the connection: a new one is opened")
        probe = await ctx.wrapper()
    answer = await probe.request(plain_aarq(ctx), note="a correct AARQ")
    ctx.check(is_aare(answer), f"a correct AARQ is answered with an AARE ({why})")


async def _expect_silence(ctx: CaseContext, probe: WrapperProbe, what: str) -> None:
    found = await probe.collect()
    ctx.check(
        not found,
        f"{what} is discarded without an answer",
        "; ".join(f"WPDU {w.source}->{w.destination} {w.apdu[:8].hex()}" for w in found),
    )


@case(
    "T_WRAPPER_PDU_P1",
    plan=DL,
    group="WRAPPER",
    purpose="An AARQ in a WPDU to the declared wPorts is answered with an AARE whose WPDU has "
    "the wPorts swapped and the length of its APDU.",
    preconditions=[WRAPPER],
    references=[REF],
    fatal=True,
)
async def t_wrapper_pdu_p1(ctx: CaseContext) -> None:
    probe = await ctx.wrapper()
    answer = await probe.request(plain_aarq(ctx), note="AARQ")
    ctx.check(answer is not None, "the AARQ is answered")
    ctx.check(is_aare(answer), "the answer is an AARE")


@case(
    "T_WRAPPER_PDU_N1",
    plan=DL,
    group="WRAPPER",
    purpose="A WPDU with version 2 (not 1) carrying an AARQ is discarded; the meter still "
    "serves a correct WPDU.",
    preconditions=[WRAPPER],
    references=[REF],
)
async def t_wrapper_pdu_n1(ctx: CaseContext) -> None:
    probe = await ctx.wrapper()
    aarq = plain_aarq(ctx)
    wpdu = bytearray(encode_wpdu(probe.client_wport, probe.server_wport, aarq))
    wpdu[1] = 2
    await probe.send_raw(bytes(wpdu), "WPDU version 2")
    await _expect_silence(ctx, probe, "the WPDU of version 2")
    await _still_served(ctx, probe, "after the bad version")


@case(
    "T_WRAPPER_PDU_N2",
    plan=DL,
    group="WRAPPER",
    purpose="An AARQ to a destination wPort that is no logical device of the meter is "
    "discarded; the meter still serves its own wPort.",
    preconditions=[WRAPPER],
    references=[REF],
)
async def t_wrapper_pdu_n2(ctx: CaseContext) -> None:
    probe = await ctx.wrapper()
    unknown = unknown_logical_device(ctx.iut)
    wpdu = encode_wpdu(probe.client_wport, unknown, plain_aarq(ctx))
    await probe.send_raw(wpdu, f"AARQ to wPort {unknown}")
    await _expect_silence(ctx, probe, f"the AARQ to the unknown wPort {unknown}")
    await _still_served(ctx, probe, "after the unknown wPort")


@case(
    "T_WRAPPER_PDU_N3",
    plan=DL,
    group="WRAPPER",
    purpose="An AARQ from a source wPort that is no client the meter knows is not accepted "
    "(discarded, or an AARE that is not accepted).",
    preconditions=[WRAPPER],
    references=[REF],
)
async def t_wrapper_pdu_n3(ctx: CaseContext) -> None:
    probe = await ctx.wrapper()
    known = {a.client for a in ctx.iut.associations}
    unknown = next(c for c in range(0x7E, 0, -1) if c not in known and c != 0x7F)
    await probe.send_raw(
        encode_wpdu(unknown, probe.server_wport, plain_aarq(ctx)), f"AARQ from {unknown}"
    )
    found = await probe.collect()
    accepted = [w for w in found if w.apdu[:1] == b"\x61" and _accepted(w.apdu)]
    ctx.check(not accepted, f"the AARQ from the unknown client wPort {unknown} is not accepted")


def _accepted(aare: bytes) -> bool:
    from dlmskit import apdu
    from dlmskit.errors import DlmsError

    try:
        decoded = apdu.decode(aare)
    except DlmsError:
        return False
    return isinstance(decoded, apdu.AARE) and decoded.result == apdu.AssociationResult.ACCEPTED


@case(
    "T_WRAPPER_LEN_N1",
    plan=DL,
    group="WRAPPER",
    purpose="A WPDU whose length field says 16 bytes more than follow is not answered (the "
    "meter waits for the rest, or discards it); the meter still serves a correct WPDU.",
    preconditions=[WRAPPER],
    references=[REF],
)
async def t_wrapper_len_n1(ctx: CaseContext) -> None:
    probe = await ctx.wrapper()
    aarq = plain_aarq(ctx)
    header = bytearray(encode_wpdu(probe.client_wport, probe.server_wport, aarq))
    length = len(aarq) + 16
    header[6:8] = length.to_bytes(2, "big")
    await probe.send_raw(bytes(header), f"WPDU with length {length} and {len(aarq)} bytes")
    await _expect_silence(ctx, probe, "the WPDU shorter than its length field")
    if not probe.datagrams:
        await probe.close()
        probe = await ctx.wrapper()
    await _still_served(ctx, probe, "after the short WPDU")


@case(
    "T_WRAPPER_LEN_N2",
    plan=DL,
    group="WRAPPER",
    purpose="A WPDU whose length field is 3 bytes short of its AARQ: the cut AARQ is not "
    "accepted, and the meter still serves a correct WPDU.",
    preconditions=[WRAPPER],
    references=[REF],
)
async def t_wrapper_len_n2(ctx: CaseContext) -> None:
    probe = await ctx.wrapper()
    aarq = plain_aarq(ctx)
    wpdu = bytearray(encode_wpdu(probe.client_wport, probe.server_wport, aarq))
    wpdu[6:8] = (len(aarq) - 3).to_bytes(2, "big")
    await probe.send_raw(bytes(wpdu), "WPDU with a length 3 bytes short")
    found = await probe.collect()
    accepted = [w for w in found if w.apdu[:1] == b"\x61" and _accepted(w.apdu)]
    ctx.check(not accepted, "the cut AARQ is not accepted")
    if not probe.datagrams:
        await probe.close()
        probe = await ctx.wrapper()
    await _still_served(ctx, probe, "after the long WPDU")


@case(
    "T_WRAPPER_LEN_N3",
    plan=DL,
    group="WRAPPER",
    purpose="An empty WPDU (length 0) is not served (no answer, or an exception-response) "
    "and changes nothing: an AARQ after it on the same connection is answered.",
    preconditions=[WRAPPER],
    references=[REF],
)
async def t_wrapper_len_n3(ctx: CaseContext) -> None:
    probe = await ctx.wrapper()
    await probe.send_raw(encode_wpdu(probe.client_wport, probe.server_wport, b""), "empty WPDU")
    found = await probe.collect()
    ctx.check(
        all(w.apdu[:1] == b"\xd8" for w in found),
        "the empty WPDU gets no answer but an exception-response",
        "; ".join(w.apdu.hex() for w in found),
    )
    ctx.check(not probe.closed, "the meter keeps the connection after an empty WPDU")
    answer = await probe.request(plain_aarq(ctx), note="AARQ")
    ctx.check(is_aare(answer), "the AARQ after the empty WPDU is answered with an AARE")
