"""The data link plans against dlmskit's own link layer over real sockets: the HDLC secondary
station passes every ATS_DL case, the wrapper server every wrapper case."""

from __future__ import annotations

import pytest

from conformance._link_meter import hdlc_meter, wrapper_meter
from dlmskit.conformance import (
    CASES,
    AssociationSpec,
    Connection,
    HdlcProfile,
    Iut,
    Plan,
    RunSettings,
    Timeouts,
    Verdict,
)
from dlmskit.conformance.context import RunShared
from dlmskit.conformance.runner import run_cases

pytestmark = [pytest.mark.asyncio, pytest.mark.timeout(90)]

FAST = Timeouts(response=1.0, silence=0.2, max_wait=5.0)


def _iut(**changes: object) -> Iut:
    return Iut(
        associations=(AssociationSpec("public", 16, 1),),
        hdlc=HdlcProfile(max_info_length=512, window_size=1, inactivity_timeout=1.0),
        timeouts=FAST,
        **changes,  # type: ignore[arg-type]
    )


async def test_hdlc_station_passes_the_hdlc_plan() -> None:
    import dlmskit.conformance.plans  # noqa: F401

    cases = [c for c in CASES.select(plans=(Plan.DATA_LINK,)) if c.id.startswith("T_HDLC")]
    assert len(cases) >= 20
    async with hdlc_meter() as port:
        connection = Connection.parse(f"hdlc+tcp://127.0.0.1:{port}")
        shared = RunShared.for_connection(_iut().with_profile(connection.profile), connection)
        report = await run_cases(shared, cases, target=str(connection))
    problems = [
        (r.case_id, r.verdict.value, r.reason)
        for r in report.results
        if r.verdict is not Verdict.PASSED
    ]
    assert not problems
    assert report.exit_code == 0
    # every case left its traffic, decoded
    for result in report.results:
        assert any(t.data for t in result.traffic), result.case_id
        assert all(t.decoded for t in result.traffic if t.data), result.case_id


async def test_wrapper_server_passes_the_wrapper_plan() -> None:
    import dlmskit.conformance.plans  # noqa: F401

    cases = [c for c in CASES.select(plans=(Plan.DATA_LINK,)) if c.id.startswith("T_WRAPPER")]
    async with wrapper_meter() as port:
        connection = Connection.parse(f"tcp://127.0.0.1:{port}")
        shared = RunShared.for_connection(_iut().with_profile(connection.profile), connection)
        report = await run_cases(shared, cases, target=str(connection))
    problems = [
        (r.case_id, r.verdict.value, r.reason)
        for r in report.results
        if r.verdict is not Verdict.PASSED
    ]
    assert not problems


async def test_hdlc_cases_are_inapplicable_over_the_wrapper() -> None:
    import dlmskit.conformance.plans  # noqa: F401

    async with wrapper_meter() as port:
        connection = Connection.parse(f"tcp://127.0.0.1:{port}")
        shared = RunShared.for_connection(_iut().with_profile(connection.profile), connection)
        cases = CASES.select(include=("T_HDLC_*",))
        report = await run_cases(shared, cases, settings=RunSettings())
    assert {r.verdict for r in report.results} == {Verdict.INAPPLICABLE}
    assert all("not reached over HDLC" in r.reason for r in report.results)
