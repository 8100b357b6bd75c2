"""Data link layer, HDLC (IEC 62056-46): the ATS_DL test cases.

Names and stimuli after the DLMS UA's CTT data link tests as they are publicly known (see
``CONFORMANCE.md`` 1.3): HDLC_1 incorrect frame field values (T_HDLC_FRAME_*,
T_HDLC_ADDRESS_*), HDLC_2 mode change to NRM (T_HDLC_NDM2NRM_*), information transfer
(T_HDLC_INFO_*) and operation in NDM (T_HDLC_NDMOP_*). Every case talks to the meter with
frames built by :mod:`dlmskit.link.hdlc.frame` -- or, where a frame must be wrong, with the
bytes of a frame broken in exactly one field. The expected behaviour is the one
IEC 62056-46 and ISO/IEC 13239 (normal response mode) give:

* a frame that fails a check (flags, length, HCS, FCS, address) is discarded silently;
* in NDM, SNRM is answered UA and every other command that polls is answered DM;
* in NRM, an undefined command, an information field where none is allowed, an information
  field longer than negotiated and an invalid N(R) are answered FRMR; an I frame whose N(S)
  is out of sequence is discarded and the poll answered RR with the expected N(R);
* the inactivity time-out returns the link to NDM.
"""

from __future__ import annotations

from dlmskit.conformance.cases import Plan, Precondition, case
from dlmskit.conformance.channels import HdlcProbe
from dlmskit.conformance.context import CaseContext
from dlmskit.conformance.iut import Iut, ProfileKind
from dlmskit.conformance.plans._common import is_aare, plain_aarq, unknown_logical_device
from dlmskit.link.hdlc.crc import crc16_x25
from dlmskit.link.hdlc.frame import (
    Frame,
    FrameType,
    HdlcAddress,
    HdlcFrameError,
    HdlcParameters,
    RejectReason,
    encode_parameters,
    parse_frmr_info,
)
from dlmskit.link.llc import LLC_COMMAND

__all__ = ["raw_frame"]


def _hdlc(iut: Iut) -> str | None:
    return None if iut.profile is ProfileKind.HDLC else "the IUT is not reached over HDLC"


HDLC = Precondition("the IUT is reached over HDLC", _hdlc)
DL = Plan.DATA_LINK
YB = "DLMS UA 1001-1 (Yellow Book) ATS_DL; IEC 62056-46"


def raw_frame(
    destination: bytes,
    source: bytes,
    control: int,
    info: bytes = b"",
    *,
    format_type: int = 0xA,
    length_delta: int = 0,
    bad_hcs: bool = False,
    bad_fcs: bool = False,
) -> bytes:
    """The bytes of a frame with every field given as it is to be sent: raw address bytes
    (any size), the format type, a length field off by ``length_delta``, a wrong HCS (the FCS
    then computed over the wrong HCS, so only the HCS is wrong) or a wrong FCS."""
    length = 2 + len(destination) + len(source) + 1 + 2 + (2 + len(info) if info else 0)
    fmt = (format_type << 12) | ((length + length_delta) & 0x7FF)
    out = bytearray((fmt >> 8, fmt & 0xFF))
    out += destination + source + bytes((control,))
    if info:
        hcs = crc16_x25(out)
        if bad_hcs:
            hcs ^= 0x5A5A
        out += bytes((hcs & 0xFF, hcs >> 8)) + info
    fcs = crc16_x25(out)
    if bad_fcs:
        fcs ^= 0xA5A5
    out += bytes((fcs & 0xFF, fcs >> 8))
    return b"\x7e" + bytes(out) + b"\x7e"


def _snrm_bytes(probe: HdlcProbe, **broken: object) -> bytes:
    info = encode_parameters(HdlcParameters())
    return raw_frame(
        probe.server.encode(),
        probe.client.encode(),
        0x93,
        info,
        **broken,  # type: ignore[arg-type]
    )


def _expect(
    ctx: CaseContext, answer: Frame | None, kind: FrameType, text: str, *, nr: int | None = None
) -> Frame:
    """Check that ``answer`` is a frame of ``kind`` (with N(R) ``nr`` when given)."""
    ctx.check(
        answer is not None and answer.type is kind and (nr is None or answer.nr == nr),
        text,
        "no answer" if answer is None else answer.describe(),
    )
    assert answer is not None
    return answer


async def _disc_first(ctx: CaseContext, probe: HdlcProbe) -> None:
    """DISC: the meter answers UA (it was in NRM) or DM (it was in NDM); either is right."""
    answer = await probe.disconnect()
    ctx.check(
        answer is not None and answer.type in (FrameType.UA, FrameType.DM),
        "DISC is answered with UA or DM",
        "no answer" if answer is None else answer.describe(),
    )


async def _expect_silence(ctx: CaseContext, probe: HdlcProbe, what: str) -> None:
    frames = await probe.collect()
    ctx.check(
        not frames,
        f"{what} is discarded without an answer",
        "; ".join(f.describe() for f in frames),
    )


async def _expect_ndm(ctx: CaseContext, probe: HdlcProbe, why: str) -> None:
    """The link is in NDM: a polling RR gets DM."""
    answer = await probe.command(probe.frame(FrameType.RR, nr=0), "RR: which mode?")
    _expect(ctx, answer, FrameType.DM, f"the meter is still in NDM ({why}): RR answered DM")


async def _expect_nrm(ctx: CaseContext, probe: HdlcProbe, why: str) -> None:
    """The link is in NRM with nothing exchanged: a polling RR gets RR with N(R) = V(S)."""
    answer = await probe.command(probe.frame(FrameType.RR), "RR: which mode?")
    _expect(
        ctx,
        answer,
        FrameType.RR,
        f"the meter is in NRM ({why}): RR answered RR N(R)={probe.vs}",
        nr=probe.vs,
    )


def _expect_frmr(ctx: CaseContext, answer: Frame | None, reason: RejectReason, what: str) -> None:
    _expect(ctx, answer, FrameType.FRMR, f"{what} is answered FRMR")
    assert answer is not None
    try:
        _, _, _, reasons = parse_frmr_info(answer.info)
    except HdlcFrameError:
        ctx.check(False, "the FRMR information field has 3 octets", answer.info.hex())
        return
    ctx.check(bool(reasons & reason), f"the FRMR reason has {reason.name} set", repr(reasons))


async def _connected(ctx: CaseContext, parameters: HdlcParameters | None = None) -> HdlcProbe:
    probe = await ctx.hdlc()
    await probe.disconnect()
    await probe.connect(parameters)
    return probe


# -- HDLC_1: frames ----------------------------------------------------------------------------


@case(
    "T_HDLC_FRAME_P1",
    plan=DL,
    group="HDLC_FRAME",
    purpose="DISC, SNRM, then RR: the meter enters NRM and answers a poll with RR (make sure "
    "there is a connected device).",
    preconditions=[HDLC],
    references=[YB, "HDLC_1 Subtest_0"],
    fatal=True,
)
async def t_hdlc_frame_p1(ctx: CaseContext) -> None:
    probe = await ctx.hdlc()
    await _disc_first(ctx, probe)
    answer = await probe.command(probe.snrm(HdlcParameters()), "SNRM")
    _expect(ctx, answer, FrameType.UA, "SNRM is answered UA")
    assert answer is not None
    ctx.check(answer.poll_final, "the UA has the final bit set")
    ctx.check(
        answer.source == probe.server and answer.destination == probe.client,
        "the UA comes from the addressed server to the client",
        answer.describe(),
    )
    probe.accept_ua(answer, HdlcParameters())
    await _expect_nrm(ctx, probe, "after UA")
    answer = await probe.disconnect()
    _expect(ctx, answer, FrameType.UA, "DISC in NRM is answered UA")


@case(
    "T_HDLC_FRAME_P2",
    plan=DL,
    group="HDLC_FRAME",
    purpose="SNRM, then an SNRM with one FCS byte missing: the broken frame is ignored and the "
    "meter is still in NRM.",
    preconditions=[HDLC],
    references=[YB],
)
async def t_hdlc_frame_p2(ctx: CaseContext) -> None:
    probe = await _connected(ctx)
    good = probe.snrm(HdlcParameters()).encode()
    await probe.send(good[:-2] + good[-1:], "SNRM with one FCS byte removed")
    await _expect_silence(ctx, probe, "the SNRM with a byte missing")
    await _expect_nrm(ctx, probe, "the truncated frame did not reset the link")


@case(
    "T_HDLC_FRAME_P3",
    plan=DL,
    group="HDLC_FRAME",
    purpose="SNRM, then silence longer than the declared inactivity time-out: the meter "
    "returns to NDM.",
    preconditions=[
        HDLC,
        Precondition(
            "an inactivity time-out is declared",
            lambda iut: (
                None if iut.hdlc.inactivity_timeout else "the IUT declares no inactivity time-out"
            ),
        ),
    ],
    references=[YB, "IEC 62056-46 inactivity time-out"],
    timeout=3600.0,
)
async def t_hdlc_frame_p3(ctx: CaseContext) -> None:
    timeout = ctx.iut.hdlc.inactivity_timeout
    assert timeout is not None
    probe = await _connected(ctx)
    await ctx.pause(timeout * 1.1 + 0.2, "the inactivity time-out to expire")
    await _expect_ndm(ctx, probe, "after the inactivity time-out")


def _invalid_frames(probe: HdlcProbe) -> list[tuple[str, bytes]]:
    dst, src = probe.server.encode(), probe.client.encode()
    snrm = probe.snrm(HdlcParameters()).encode()
    return [
        ("a frame too short", b"\x7e\xa0\x05" + dst + src + b"\x7e"),
        ("a frame of format type 8", raw_frame(dst, src, 0x93, format_type=0x8)),
        ("SNRM with a wrong length field", raw_frame(dst, src, 0x93, length_delta=-1)),
        ("SNRM with a wrong HCS", _snrm_bytes(probe, bad_hcs=True)),
        ("SNRM with a wrong FCS", raw_frame(dst, src, 0x93, bad_fcs=True)),
        ("SNRM without its closing flag", snrm[:-1] + b"\x00"),
    ]


@case(
    "T_HDLC_FRAME_N1",
    plan=DL,
    group="HDLC_FRAME",
    purpose="DISC, then invalid frames (too short, wrong format type, wrong length field, "
    "wrong HCS, wrong FCS, no closing flag): none is answered and the meter stays in NDM.",
    preconditions=[HDLC],
    references=[YB, "HDLC_1 Subtests 1, 2, 7, 8"],
)
async def t_hdlc_frame_n1(ctx: CaseContext) -> None:
    probe = await ctx.hdlc()
    await _disc_first(ctx, probe)
    for what, data in _invalid_frames(probe):
        await probe.send(data, what)
    await _expect_silence(ctx, probe, "each invalid frame")
    await probe.drain()
    await probe.send(b"\x7e", "a flag: the missing closing flag ends here")
    await _expect_ndm(ctx, probe, "no invalid frame set up the link")


@case(
    "T_HDLC_FRAME_N2",
    plan=DL,
    group="HDLC_FRAME",
    purpose="DISC, invalid frames, then a valid SNRM: the meter still answers UA.",
    preconditions=[HDLC],
    references=[YB],
)
async def t_hdlc_frame_n2(ctx: CaseContext) -> None:
    probe = await ctx.hdlc()
    await _disc_first(ctx, probe)
    for what, data in _invalid_frames(probe):
        await probe.send(data, what)
    await _expect_silence(ctx, probe, "each invalid frame")
    await probe.send(b"\x7e", "a flag")
    answer = await probe.command(probe.snrm(HdlcParameters()), "SNRM")
    _expect(ctx, answer, FrameType.UA, "SNRM after the invalid frames is answered UA")


@case(
    "T_HDLC_FRAME_N3",
    plan=DL,
    group="HDLC_FRAME",
    purpose="DISC, an SNRM whose parameter field is malformed, then DISC: the malformed SNRM "
    "does not set up the link (DISC is answered DM).",
    preconditions=[HDLC],
    references=[YB],
)
async def t_hdlc_frame_n3(ctx: CaseContext) -> None:
    probe = await ctx.hdlc()
    await _disc_first(ctx, probe)
    bad = probe.frame(FrameType.SNRM, info=bytes.fromhex("81800a0501800601"))
    answer = await probe.command(bad, "SNRM with a truncated parameter group")
    ctx.check(
        answer is None or answer.type is not FrameType.UA,
        "the malformed SNRM is not accepted with UA",
        "" if answer is None else answer.describe(),
    )
    answer = await probe.disconnect()
    _expect(ctx, answer, FrameType.DM, "DISC is answered DM: the meter is in NDM")


@case(
    "T_HDLC_FRAME_N4",
    plan=DL,
    group="HDLC_FRAME",
    purpose="DISC, an SNRM whose length field is too long, then DISC: the SNRM is not "
    "taken (DISC is answered DM).",
    preconditions=[HDLC],
    references=[YB],
)
async def t_hdlc_frame_n4(ctx: CaseContext) -> None:
    probe = await ctx.hdlc()
    await _disc_first(ctx, probe)
    data = _snrm_bytes(probe, length_delta=+4)
    await probe.send(data, "SNRM whose length field says 4 bytes more")
    await _expect_silence(ctx, probe, "the SNRM with a too long length field")
    await probe.drain()
    answer = await probe.disconnect()
    if answer is None:  # the meter may still be collecting the 4 bytes: flags end it
        await probe.send(b"\x7e\x7e\x7e\x7e\x7e", "flags")
        answer = await probe.disconnect()
    _expect(ctx, answer, FrameType.DM, "DISC is answered DM: the meter is in NDM")


@case(
    "T_HDLC_FRAME_N5",
    plan=DL,
    group="HDLC_FRAME",
    purpose="SNRM, then a frame with a command IEC 62056-46 does not define (SABM, control "
    "0x3F, valid FCS): the meter answers FRMR with reason W and stays in the frame-reject "
    "condition until DISC.",
    preconditions=[HDLC],
    references=[YB, "HDLC_1 Subtest 9", "ISO/IEC 13239 FRMR"],
)
async def t_hdlc_frame_n5(ctx: CaseContext) -> None:
    probe = await _connected(ctx)
    frame = Frame(probe.server, probe.client, 0x3F)
    answer = await probe.command(frame, "undefined command SABM (0x3F)")
    _expect_frmr(ctx, answer, RejectReason.W, "the undefined command")
    answer = await probe.disconnect()
    _expect(ctx, answer, FrameType.UA, "DISC ends the frame-reject condition with UA")


@case(
    "T_HDLC_FRAME_N7",
    plan=DL,
    group="HDLC_FRAME",
    purpose="DISC, then an SNRM with a wrong HCS (its FCS right): the frame is discarded "
    "silently and the meter stays in NDM.",
    preconditions=[HDLC],
    references=[YB, "ATS_DL_V5 Table 19: HCS field check", "vector hdlc-snrm-bad-hcs-negative"],
)
async def t_hdlc_frame_n7(ctx: CaseContext) -> None:
    probe = await ctx.hdlc()
    await _disc_first(ctx, probe)
    await probe.send(_snrm_bytes(probe, bad_hcs=True), "SNRM with a wrong HCS")
    await _expect_silence(ctx, probe, "the SNRM with a wrong HCS")
    await _expect_ndm(ctx, probe, "the SNRM was discarded")


@case(
    "T_HDLC_FRAME_N8",
    plan=DL,
    group="HDLC_FRAME",
    purpose="DISC, an SNRM with a wrong FCS, then DISC: the SNRM is discarded (DISC is "
    "answered DM).",
    preconditions=[HDLC],
    references=[YB],
)
async def t_hdlc_frame_n8(ctx: CaseContext) -> None:
    probe = await ctx.hdlc()
    await _disc_first(ctx, probe)
    await probe.send(_snrm_bytes(probe, bad_fcs=True), "SNRM with a wrong FCS")
    await _expect_silence(ctx, probe, "the SNRM with a wrong FCS")
    answer = await probe.disconnect()
    _expect(ctx, answer, FrameType.DM, "DISC is answered DM: the meter is in NDM")


# -- addresses ---------------------------------------------------------------------------------


@case(
    "T_HDLC_ADDRESS_N1",
    plan=DL,
    group="HDLC_ADDRESS",
    purpose="SNRM whose client (source) address is encoded on two bytes: the frame is "
    "discarded (client addresses are one byte); a correct SNRM is then answered UA.",
    preconditions=[HDLC],
    references=[YB, "IEC 62056-46 8.4.2.2"],
)
async def t_hdlc_address_n1(ctx: CaseContext) -> None:
    probe = await ctx.hdlc()
    await _disc_first(ctx, probe)
    two_byte_client = bytes((0x00, (probe.client.upper << 1) | 1))
    data = raw_frame(
        probe.server.encode(), two_byte_client, 0x93, encode_parameters(HdlcParameters())
    )
    await probe.send(data, "SNRM from a client address on two bytes")
    await _expect_silence(ctx, probe, "the SNRM with a two-byte client address")
    await _expect_ndm(ctx, probe, "the SNRM was discarded")


@case(
    "T_HDLC_ADDRESS_N4",
    plan=DL,
    group="HDLC_ADDRESS",
    purpose="SNRM to a logical device address the meter does not have: no answer.",
    preconditions=[HDLC],
    references=[YB, "HDLC_1 Subtest 4"],
)
async def t_hdlc_address_n4(ctx: CaseContext) -> None:
    unknown = unknown_logical_device(ctx.iut)
    probe = await ctx.hdlc(server=ctx.iut.hdlc.server_address(unknown))
    await probe.disconnect()
    await probe.drain()
    answer = await probe.command(probe.snrm(HdlcParameters()), f"SNRM to logical device {unknown}")
    ctx.check(
        answer is None,
        f"SNRM to the unknown logical device {unknown} is not answered",
        "" if answer is None else answer.describe(),
    )


@case(
    "T_HDLC_ADDRESS_N5",
    plan=DL,
    group="HDLC_ADDRESS",
    purpose="SNRM to the all-station address and to the no-station address: neither is "
    "answered (a broadcast is never answered; no station has address 0).",
    preconditions=[HDLC],
    references=[YB, "HDLC_1 Subtest 5", "IEC 62056-46 8.4.2.3"],
)
async def t_hdlc_address_n5(ctx: CaseContext) -> None:
    declared = ctx.iut.hdlc.server_address(1)
    for upper, what in ((0x7F if declared.size < 4 else 0x3FFF, "all-station"), (0, "no-station")):
        server = (
            HdlcAddress(upper, None, 1)
            if declared.size == 1
            else HdlcAddress(upper, declared.lower, declared.size)
        )
        probe = await ctx.hdlc(server=server)
        answer = await probe.command(probe.snrm(HdlcParameters()), f"SNRM to the {what} address")
        ctx.check(
            answer is None,
            f"SNRM to the {what} address is not answered",
            "" if answer is None else answer.describe(),
        )


@case(
    "T_HDLC_ADDRESS_N7",
    plan=DL,
    group="HDLC_ADDRESS",
    purpose="SNRM whose server (destination) address is three bytes long: the frame is "
    "discarded (server addresses are 1, 2 or 4 bytes).",
    preconditions=[HDLC],
    references=[YB, "IEC 62056-46 8.4.2.2"],
)
async def t_hdlc_address_n7(ctx: CaseContext) -> None:
    probe = await ctx.hdlc()
    await _disc_first(ctx, probe)
    upper = probe.server.upper & 0x7F
    lower = probe.server.lower or 0
    three = bytes((upper << 1, (lower >> 7) << 1, ((lower & 0x7F) << 1) | 1))
    data = raw_frame(three, probe.client.encode(), 0x93, encode_parameters(HdlcParameters()))
    await probe.send(data, "SNRM to a three-byte server address")
    await _expect_silence(ctx, probe, "the SNRM with a three-byte server address")
    await _expect_ndm(ctx, probe, "the SNRM was discarded")


# -- HDLC_2: NDM to NRM ------------------------------------------------------------------------


async def _negotiate(ctx: CaseContext, proposal: HdlcParameters, what: str) -> HdlcProbe:
    probe = await ctx.hdlc()
    await _disc_first(ctx, probe)
    answer = await probe.command(probe.snrm(proposal), f"SNRM proposing {what}")
    _expect(ctx, answer, FrameType.UA, f"SNRM proposing {what} is answered UA")
    assert answer is not None
    probe.accept_ua(answer, proposal)  # FAILED if the UA states more than proposed
    return probe


@case(
    "T_HDLC_NDM2NRM_P1",
    plan=DL,
    group="HDLC_NDM2NRM",
    purpose="SNRM proposing information fields of 2030 bytes: UA states at most 2030 and at "
    "least the length the IUT declares.",
    preconditions=[HDLC],
    references=[YB, "HDLC_2 Subtest 3"],
)
async def t_hdlc_ndm2nrm_p1(ctx: CaseContext) -> None:
    proposal = HdlcParameters(max_info_tx=2030, max_info_rx=2030)
    probe = await _negotiate(ctx, proposal, "max information field 2030")
    declared = min(ctx.iut.hdlc.max_info_length, 2030)
    p = probe.parameters
    ctx.check(
        p.max_info_rx >= declared and p.max_info_tx >= declared,
        f"the meter takes information fields of the declared {declared} bytes",
        f"UA: transmit {p.max_info_rx}, receive {p.max_info_tx}",
    )
    await _expect_nrm(ctx, probe, "after the UA")


@case(
    "T_HDLC_NDM2NRM_P2",
    plan=DL,
    group="HDLC_NDM2NRM",
    purpose="SNRM proposing window size 4: UA states at most 4 and at least the window the "
    "IUT declares.",
    preconditions=[HDLC],
    references=[YB, "HDLC_2 Subtest 4"],
)
async def t_hdlc_ndm2nrm_p2(ctx: CaseContext) -> None:
    proposal = HdlcParameters(window_tx=4, window_rx=4)
    probe = await _negotiate(ctx, proposal, "window size 4")
    declared = min(ctx.iut.hdlc.window_size, 4)
    p = probe.parameters
    ctx.check(
        p.window_rx >= declared and p.window_tx >= declared,
        f"the meter takes the declared window {declared}",
        f"UA: window transmit {p.window_rx}, receive {p.window_tx}",
    )


@case(
    "T_HDLC_NDM2NRM_P3",
    plan=DL,
    group="HDLC_NDM2NRM",
    purpose="SNRM with no information field (all defaults): UA, and the meter sends "
    "information fields of at most 128 bytes.",
    preconditions=[HDLC],
    references=[YB, "HDLC_2 Subtest 1", "IEC 62056-46 default parameters"],
)
async def t_hdlc_ndm2nrm_p3(ctx: CaseContext) -> None:
    probe = await ctx.hdlc()
    await _disc_first(ctx, probe)
    answer = await probe.command(probe.snrm(None), "SNRM without information field")
    _expect(ctx, answer, FrameType.UA, "a bare SNRM is answered UA")
    assert answer is not None
    p = probe.accept_ua(answer, None)
    ctx.check(p.max_info_rx <= 128, "the UA states at most the default 128 bytes", repr(p))


@case(
    "T_HDLC_NRM2NDM_P1",
    plan=DL,
    group="HDLC_NDM2NRM",
    purpose="SNRM, DISC: DISC is answered UA and the meter is back in NDM.",
    preconditions=[HDLC],
    references=[YB],
)
async def t_hdlc_nrm2ndm_p1(ctx: CaseContext) -> None:
    probe = await _connected(ctx)
    answer = await probe.disconnect()
    _expect(ctx, answer, FrameType.UA, "DISC in NRM is answered UA")
    await _expect_ndm(ctx, probe, "after DISC")


# -- information transfer ----------------------------------------------------------------------


@case(
    "T_HDLC_INFO_P1",
    plan=DL,
    group="HDLC_INFO",
    purpose="AARQ in one I frame, then (on a new link with 32-byte information fields) the "
    "same AARQ segmented over several I frames: both are answered with an AARE.",
    preconditions=[HDLC],
    references=[YB, "IEC 62056-46 segmentation"],
)
async def t_hdlc_info_p1(ctx: CaseContext) -> None:
    aarq = plain_aarq(ctx)
    probe = await _connected(ctx)
    answer = await probe.request(aarq, note="AARQ in one I frame")
    ctx.check(is_aare(answer), "the AARQ in one I frame is answered with an AARE")
    await probe.disconnect()
    small = HdlcParameters(max_info_tx=32, max_info_rx=128)
    probe = await _connected(ctx, small)
    ctx.require(
        probe.parameters.max_info_tx < len(aarq) + len(LLC_COMMAND),
        "the meter's receive length leaves the AARQ unsegmented",
    )
    answer = await probe.request(aarq, note="AARQ segmented")
    ctx.check(is_aare(answer), "the segmented AARQ is answered with an AARE")


@case(
    "T_HDLC_INFO_P2",
    plan=DL,
    group="HDLC_INFO",
    purpose="An I frame sent again with the same N(S) and N(R), as after a lost answer: the "
    "meter sends its answer again (same N(S)) instead of serving the request twice, and the "
    "next I frame is served.",
    preconditions=[HDLC],
    references=[YB, "GXDLMSDirector HDLC test #101", "ISO/IEC 13239 checkpointing"],
)
async def t_hdlc_info_p2(ctx: CaseContext) -> None:
    aarq = plain_aarq(ctx)
    probe = await _connected(ctx)
    first = probe.frame(FrameType.I, info=LLC_COMMAND + aarq)
    await probe.send(first, "AARQ")
    probe.vs = 1
    answer = await probe.receive()
    ctx.require(
        answer is not None and answer.type is FrameType.I and not answer.segmented,
        "the AARQ is answered with one I frame",
    )
    assert answer is not None
    await probe.send(first, "the same AARQ I frame again (N(S)=0, N(R)=0: answer lost)")
    again = await probe.receive()
    ctx.check(
        again is not None
        and again.type is FrameType.I
        and again.ns == answer.ns
        and again.info == answer.info,
        f"the meter repeats its answer (I frame N(S)={answer.ns}), not served twice",
        "no answer" if again is None else again.describe(),
    )
    probe.vr = (answer.ns + 1) % 8
    release = bytes.fromhex("6203800100")
    reply = await probe.request(release, note="RLRQ with the next N(S)")
    ctx.check(
        reply is not None and reply[:1] == b"\x63",
        "the next I frame (RLRQ) is answered with an RLRE",
    )


@case(
    "T_HDLC_INFO_N1",
    plan=DL,
    group="HDLC_INFO",
    purpose="An I frame with an information field longer than negotiated: FRMR with reason "
    "Y, no answer to its content.",
    preconditions=[HDLC],
    references=[YB, "HDLC_1 Subtest 12", "ISO/IEC 13239 FRMR"],
)
async def t_hdlc_info_n1(ctx: CaseContext) -> None:
    probe = await _connected(ctx)
    limit = probe.parameters.max_info_tx
    aarq = plain_aarq(ctx)
    padding = bytes(max(0, limit + 1 - len(LLC_COMMAND) - len(aarq)))
    info = LLC_COMMAND + aarq + padding
    answer = await probe.command(
        probe.frame(FrameType.I, info=info), f"I frame of {len(info)} bytes (limit {limit})"
    )
    _expect_frmr(ctx, answer, RejectReason.Y, "the too long information field")


@case(
    "T_HDLC_INFO_N2",
    plan=DL,
    group="HDLC_INFO",
    purpose="After SNRM, RR with N(R)=3 (acknowledging frames never sent): FRMR with reason Z.",
    preconditions=[HDLC],
    references=[YB, "HDLC_1 Subtest 10"],
)
async def t_hdlc_info_n2(ctx: CaseContext) -> None:
    probe = await _connected(ctx)
    answer = await probe.command(probe.frame(FrameType.RR, nr=3), "RR N(R)=3")
    _expect_frmr(ctx, answer, RejectReason.Z, "the invalid N(R)")


@case(
    "T_HDLC_INFO_N3",
    plan=DL,
    group="HDLC_INFO",
    purpose="After SNRM, an AARQ I frame with N(S)=1 instead of 0: it is discarded (RR "
    "N(R)=0, no AARE); sent again with N(S)=0 it is answered.",
    preconditions=[HDLC],
    references=[YB, "HDLC_1 Subtest 11"],
)
async def t_hdlc_info_n3(ctx: CaseContext) -> None:
    aarq = plain_aarq(ctx)
    probe = await _connected(ctx)
    answer = await probe.command(
        probe.frame(FrameType.I, info=LLC_COMMAND + aarq, ns=1), "AARQ with N(S)=1"
    )
    _expect(
        ctx,
        answer,
        FrameType.RR,
        "the out-of-sequence I frame is answered RR N(R)=0 (not served)",
        nr=0,
    )
    answer_apdu = await probe.request(aarq, note="AARQ with N(S)=0")
    ctx.check(is_aare(answer_apdu), "the AARQ in sequence is answered with an AARE")


@case(
    "T_HDLC_NDMOP_N1",
    plan=DL,
    group="HDLC_NDMOP",
    purpose="DISC, then an AARQ in an I frame without SNRM: the meter answers DM, not an AARE.",
    preconditions=[HDLC],
    references=[YB, "ISO/IEC 13239 NDM"],
)
async def t_hdlc_ndmop_n1(ctx: CaseContext) -> None:
    probe = await ctx.hdlc()
    await _disc_first(ctx, probe)
    answer = await probe.command(
        probe.frame(FrameType.I, info=LLC_COMMAND + plain_aarq(ctx), ns=0, nr=0), "AARQ in NDM"
    )
    _expect(ctx, answer, FrameType.DM, "the I frame in NDM is answered DM")
