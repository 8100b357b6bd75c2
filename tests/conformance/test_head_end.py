"""Head-end conformance: the reference meter behind the recording relay, judging what a
head-end sends. An independent head-end (the pydlms-client command line, a subprocess) passes
over the wrapper -- plain, and HLS-GMAC ciphered with a small PDU so that long answers come in
blocks -- and over HDLC; head-ends scripted to misbehave in one way each fail exactly the case
that watches for it."""

from __future__ import annotations

import asyncio
import dataclasses
import subprocess
import sys
from collections.abc import Awaitable, Callable

import pytest

from dlmskit.apdu import (
    AttributeWithSelection,
    Conformance,
    CosemAttributeDescriptor,
    GetRequestNormal,
    GetRequestWithList,
    GetResponseWithDatablock,
)
from dlmskit.conformance import Connection, RunReport, Verdict, reference_iut, run_head_end
from dlmskit.conformance.context import CaseContext, RunShared
from dlmskit.conformance.session import ASSOCIATION_LN, Session

pytestmark = [pytest.mark.asyncio, pytest.mark.timeout(120)]

EK = "000102030405060708090A0B0C0D0E0F"
AK = "D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF"
TITLE = "4D4D4D0000000001"
OBJECT_LIST = CosemAttributeDescriptor(15, ASSOCIATION_LN, 2)

HeadEnd = Callable[[str, int], Awaitable[None]]


async def _judged(scheme: str, head_end: HeadEnd) -> RunReport:
    loop = asyncio.get_running_loop()
    ready: asyncio.Future[int] = loop.create_future()

    async def drive() -> None:
        await head_end(scheme, await ready)

    task = asyncio.ensure_future(drive())
    report = await run_head_end(
        f"{scheme}://127.0.0.1:0", sessions=1, timeout=30, on_ready=ready.set_result
    )
    await task
    return report


def _pydlms(*options: str) -> HeadEnd:
    pytest.importorskip("pydlms.cli", reason="pydlms-client (test dependency) is not installed")

    async def run(scheme: str, port: int) -> None:
        endpoint = f"tcp://127.0.0.1:{port}" if scheme == "tcp" else f"tcp+hdlc://127.0.0.1:{port}"
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "pydlms.cli",
            "list",
            endpoint,
            *options,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        output, _ = await process.communicate()
        assert process.returncode == 0, output.decode(errors="replace")[-500:]

    return run


@pytest.mark.parametrize(
    ("scheme", "options", "applicable"),
    [
        ("tcp", (), {"T_HE_AARQ_P1", "T_HE_PDU_P1", "T_HE_CONF_P1", "T_HE_REL_P1"}),
        ("hdlc+tcp", (), {"T_HE_AARQ_P1", "T_HE_PDU_P1", "T_HE_CONF_P1", "T_HE_REL_P1"}),
        (
            "tcp",
            (
                "--client",
                "1",
                "--auth",
                "gmac",
                "--key",
                EK,
                "--auth-key",
                AK,
                "--system-title",
                TITLE,
                "--max-pdu",
                "256",
            ),
            {
                "T_HE_AARQ_P1",
                "T_HE_PDU_P1",
                "T_HE_CONF_P1",
                "T_HE_BLOCK_P1",
                "T_HE_IC_P1",
                "T_HE_REL_P1",
            },
        ),
    ],
    ids=["wrapper-public", "hdlc-public", "wrapper-hls-gmac-blocks"],
)
async def test_an_independent_head_end_passes(
    scheme: str, options: tuple[str, ...], applicable: set[str]
) -> None:
    report = await _judged(scheme, _pydlms(*options))
    verdicts = {r.case_id: r.verdict for r in report.results}
    assert {c for c, v in verdicts.items() if v is Verdict.PASSED} == applicable, [
        (r.case_id, r.verdict.value, r.reason) for r in report.results
    ]
    assert set(verdicts.values()) <= {Verdict.PASSED, Verdict.INAPPLICABLE}
    # the captured traffic is every case's traffic, decoded
    assert any("aarq {" in line for t in report.results[0].traffic for line in t.decoded)


# -- head-ends that misbehave, one way each ---------------------------------------------------


async def _session(port: int, name: str, **changes: object) -> tuple[CaseContext, Session]:
    iut = reference_iut()
    connection = Connection.parse(f"tcp://127.0.0.1:{port}")
    spec = dataclasses.replace(iut.association(name), **changes)  # type: ignore[arg-type]
    ctx = CaseContext(RunShared.for_connection(iut.with_profile(connection.profile), connection))
    return ctx, await ctx.session(spec)


async def no_release(scheme: str, port: int) -> None:
    ctx, session = await _session(port, "public")
    await session.get(1, OBJECT_LIST.instance_id, 1)
    await ctx.close()  # the connection ends without RLRQ


async def outside_conformance(scheme: str, port: int) -> None:
    ctx, session = await _session(port, "public", conformance=Conformance.GET)
    item = AttributeWithSelection(OBJECT_LIST)
    await session.raw(GetRequestWithList(session.next_iip(), (item, item)).encode())
    await session.release()
    await ctx.close()


async def replayed_counter(scheme: str, port: int) -> None:
    ctx, session = await _session(port, "management")
    ciphered = session.protect(GetRequestNormal(session.next_iip(), OBJECT_LIST).encode())
    await session.raw(ciphered)
    await session.raw(ciphered)  # the same invocation counter again
    await session.release()
    await ctx.close()


async def too_long(scheme: str, port: int) -> None:
    ctx, session = await _session(port, "management")  # the meter takes at most 1024 bytes
    padding = AttributeWithSelection(OBJECT_LIST)
    request = GetRequestWithList(session.next_iip(), (padding,) * 120)
    await session.raw(session.protect(request.encode()))
    await session.release()
    await ctx.close()


async def wrong_version(scheme: str, port: int) -> None:
    ctx, session = await _session(port, "public")
    await session.release()
    initiate = session.initiate_request(proposed_dlms_version_number=5)
    await session.open(session.aarq(initiate=initiate))
    await ctx.close()


async def blocks_abandoned(scheme: str, port: int) -> None:
    ctx, session = await _session(port, "management", client_max_pdu_size=256)
    answer = await session.raw(
        session.protect(GetRequestNormal(session.next_iip(), OBJECT_LIST).encode())
    )
    assert isinstance(answer.apdu, GetResponseWithDatablock) and not answer.apdu.last_block
    await session.get(1, OBJECT_LIST.instance_id, 1)  # another request instead of the next block
    await session.release()
    await ctx.close()


@pytest.mark.parametrize(
    ("head_end", "target"),
    [
        (no_release, "T_HE_REL_P1"),
        (outside_conformance, "T_HE_CONF_P1"),
        (replayed_counter, "T_HE_IC_P1"),
        (too_long, "T_HE_PDU_P1"),
        (wrong_version, "T_HE_AARQ_P1"),
        (blocks_abandoned, "T_HE_BLOCK_P1"),
    ],
    ids=lambda v: getattr(v, "__name__", v),
)
async def test_a_misbehaving_head_end_fails_its_case(head_end: HeadEnd, target: str) -> None:
    report = await _judged("tcp", head_end)
    failed = {r.case_id for r in report.results if r.verdict is Verdict.FAILED}
    assert failed == {target}, [(r.case_id, r.verdict.value, r.reason) for r in report.results]
    assert report.exit_code == 1
