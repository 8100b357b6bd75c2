"""The runner: verdicts from checks and endings, selection, per-association instances, fatal
cases, time budgets, the suite's own errors, exit codes; and the reports it feeds."""

from __future__ import annotations

import asyncio
import json

import pytest

from dlmskit.conformance import AssociationSpec, Iut, Plan, RunSettings, Verdict
from dlmskit.conformance.cases import (
    CaseRegistry,
    Failed,
    Inapplicable,
    Inconclusive,
    Precondition,
    case,
    worst,
)
from dlmskit.conformance.context import CaseContext, RunShared
from dlmskit.conformance.iut import ProfileKind
from dlmskit.conformance.report import report_to_dict, report_to_html
from dlmskit.conformance.runner import run_cases
from dlmskit.errors import LocalProtocolError, RemoteProtocolError

pytestmark = [pytest.mark.timeout(30)]

IUT = Iut(
    associations=(
        AssociationSpec("public", 16),
        AssociationSpec("reader", 32),
    ),
    profile=ProfileKind.WRAPPER,
)


async def _never() -> object:
    raise AssertionError("no connection expected")


def _shared() -> RunShared:
    return RunShared(IUT, _never, ProfileKind.WRAPPER)  # type: ignore[arg-type]


def _registry() -> CaseRegistry:
    registry = CaseRegistry()

    @case("T_A_P1", plan=Plan.DATA_LINK, group="A", purpose="passes", registry=registry)
    async def a_p1(ctx: CaseContext) -> None:
        ctx.check(True, "one check")

    @case("T_A_N1", plan=Plan.DATA_LINK, group="A", purpose="a check fails", registry=registry)
    async def a_n1(ctx: CaseContext) -> None:
        ctx.check(False, "the meter did it wrong", "detail", stop=False)
        ctx.step("went on")

    @case(
        "T_B_P1",
        plan=Plan.APPLICATION,
        group="B",
        purpose="per association",
        per_association=True,
        association_filter=lambda iut, a: None if a.client == 16 else "not public",
        registry=registry,
    )
    async def b_p1(ctx: CaseContext) -> None:
        assert ctx.association is not None
        ctx.observe(Verdict.INCONCLUSIVE, "cannot tell", subject=ctx.association.name)

    @case(
        "T_B_N1",
        plan=Plan.APPLICATION,
        group="B",
        purpose="inapplicable by precondition",
        preconditions=[Precondition("HDLC", lambda iut: "no HDLC")],
        registry=registry,
    )
    async def b_n1(ctx: CaseContext) -> None:
        raise AssertionError("must not run")

    @case("T_B_N2", plan=Plan.APPLICATION, group="B", purpose="raises", registry=registry)
    async def b_n2(ctx: CaseContext) -> None:
        raise KeyError("a bug of the suite")

    @case(
        "T_B_N3",
        plan=Plan.APPLICATION,
        group="B",
        purpose="too slow",
        timeout=0.05,
        registry=registry,
    )
    async def b_n3(ctx: CaseContext) -> None:
        await asyncio.sleep(5)

    @case("T_B_N4", plan=Plan.APPLICATION, group="B", purpose="ends itself", registry=registry)
    async def b_n4(ctx: CaseContext) -> None:
        raise Inapplicable("said so")

    @case("T_B_N5", plan=Plan.APPLICATION, group="B", purpose="peer broke", registry=registry)
    async def b_n5(ctx: CaseContext) -> None:
        raise RemoteProtocolError("garbled")

    @case("T_C_P1", plan=Plan.HEAD_END, group="C", purpose="head-end", registry=registry)
    async def c_p1(ctx: CaseContext) -> None:
        raise Failed("head-end case ran")

    return registry


@pytest.mark.asyncio
async def test_verdicts_of_every_ending() -> None:
    registry = _registry()
    report = await run_cases(_shared(), registry.select())
    verdicts = {r.label: (r.verdict, r.reason) for r in report.results}
    assert verdicts["T_A_P1"] == (Verdict.PASSED, "1 check held")
    assert verdicts["T_A_N1"] == (Verdict.FAILED, "the meter did it wrong: detail")
    assert verdicts["T_B_P1 [public]"] == (Verdict.INCONCLUSIVE, "public: cannot tell")
    assert verdicts["T_B_N1"] == (Verdict.INAPPLICABLE, "no HDLC")
    assert verdicts["T_B_N2"][0] is Verdict.INCONCLUSIVE
    assert "error in the test suite: KeyError" in verdicts["T_B_N2"][1]
    assert verdicts["T_B_N3"] == (Verdict.INCONCLUSIVE, "the test case did not end within 0.05 s")
    assert verdicts["T_B_N4"] == (Verdict.INAPPLICABLE, "said so")
    assert verdicts["T_B_N5"][0] is Verdict.INCONCLUSIVE and "garbled" in verdicts["T_B_N5"][1]
    assert "T_C_P1" not in verdicts  # the head-end plan is not run against a meter
    assert "T_B_P1 [reader]" not in verdicts
    failed = next(r for r in report.results if r.case_id == "T_A_N1")
    assert failed.steps == ["went on"]
    assert report.exit_code == 1 and report.verdict is Verdict.FAILED
    assert report.summary == {
        "PASSED": 1,
        "FAILED": 1,
        "INCONCLUSIVE": 4,
        "INAPPLICABLE": 2,
        "total": 8,
    }


@pytest.mark.asyncio
async def test_selection_by_id_and_group_patterns() -> None:
    registry = _registry()
    assert [c.id for c in registry.select(include=("t_a_*",))] == ["T_A_P1", "T_A_N1"]
    assert [c.id for c in registry.select(include=("B",), exclude=("*N[2-5]",))] == [
        "T_B_P1",
        "T_B_N1",
    ]
    assert [c.id for c in registry.select(plans=(Plan.HEAD_END,))] == ["T_C_P1"]
    report = await run_cases(_shared(), registry.select(include=("T_A_P1",)))
    assert report.exit_code == 0 and report.verdict is Verdict.PASSED


@pytest.mark.asyncio
async def test_a_fatal_case_that_fails_stops_the_rest() -> None:
    registry = CaseRegistry()

    @case("T_F_P1", plan=Plan.DATA_LINK, group="F", purpose="fatal", fatal=True, registry=registry)
    async def f_p1(ctx: CaseContext) -> None:
        raise Inconclusive("no device")

    @case("T_F_P2", plan=Plan.DATA_LINK, group="F", purpose="after", registry=registry)
    async def f_p2(ctx: CaseContext) -> None:
        raise AssertionError("must not run")

    report = await run_cases(_shared(), registry.select())
    assert [r.verdict for r in report.results] == [Verdict.INCONCLUSIVE, Verdict.INCONCLUSIVE]
    assert report.results[1].reason == "not run: T_F_P1 did not pass (no device)"
    report = await run_cases(
        _shared(), registry.select(include=("T_F_P1",)), settings=RunSettings(stop_on_fatal=False)
    )
    assert report.exit_code == 0  # INCONCLUSIVE is no failure


def test_a_case_id_is_defined_once() -> None:
    registry = _registry()
    with pytest.raises(LocalProtocolError):

        @case("T_A_P1", plan=Plan.DATA_LINK, group="A", purpose="again", registry=registry)
        async def again(ctx: CaseContext) -> None: ...


def test_worst_orders_verdicts() -> None:
    assert (
        worst([Verdict.PASSED, Verdict.INCONCLUSIVE, Verdict.INAPPLICABLE]) is Verdict.INCONCLUSIVE
    )
    assert worst([Verdict.PASSED, Verdict.FAILED]) is Verdict.FAILED
    assert worst([], Verdict.INAPPLICABLE) is Verdict.INAPPLICABLE


@pytest.mark.asyncio
async def test_reports_hold_every_result_and_escape_text() -> None:
    registry = CaseRegistry()

    @case("T_X_N1", plan=Plan.DATA_LINK, group="X", purpose="<b>bold</b> & more", registry=registry)
    async def x_n1(ctx: CaseContext) -> None:
        raise Failed('the meter said <script>alert("x")</script>')

    report = await run_cases(_shared(), registry.select(), target="tcp://127.0.0.1:1")
    data = report_to_dict(report)
    assert json.loads(json.dumps(data)) == data
    assert data["verdict"] == "FAILED" and data["summary"]["FAILED"] == 1
    assert data["results"][0]["reason"] == 'the meter said <script>alert("x")</script>'
    assert data["iut"]["associations"][0]["name"] == "public"
    page = report_to_html(report)
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; more" in page
    assert "http://" not in page and "https://" not in page  # self-contained
