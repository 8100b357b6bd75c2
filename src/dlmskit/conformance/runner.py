"""Run test plans against an IUT and collect the verdicts.

>>> import asyncio
>>> from dlmskit.conformance import run_suite, RunSettings
>>> # report = asyncio.run(run_suite("hdlc+tcp://127.0.0.1:4061", iut, RunSettings()))

Every test case gets a fresh context (its own connections, its own trace). A case that does
not end within its time budget is INCONCLUSIVE; an exception escaping a case is the suite's
own failure and is reported INCONCLUSIVE with the error (never as the IUT's FAILED). A
``fatal`` case that does not pass ends the run: the cases after it are INCONCLUSIVE.
"""

from __future__ import annotations

import asyncio
import datetime as _dt
import logging
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from dlmskit.conformance.cases import (
    CASES,
    CaseEnded,
    CaseRegistry,
    CaseResult,
    ConformanceCase,
    Plan,
    Verdict,
    worst,
)
from dlmskit.conformance.channels import Connection
from dlmskit.conformance.context import CaseContext, RunShared
from dlmskit.conformance.iut import AssociationSpec, Iut, IutError, ProfileKind
from dlmskit.errors import DlmsError, LocalProtocolError
from dlmskit.io.base import Transport

__all__ = ["RunReport", "RunSettings", "run_cases", "run_head_end", "run_suite"]

_log = logging.getLogger("dlmskit.conformance")

Progress = Callable[[CaseResult], None]


@dataclass(frozen=True, slots=True)
class RunSettings:
    """Which test cases to run: ``include``/``exclude`` are shell patterns on test case ids
    and group names; ``plans`` None means every plan for a meter."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    plans: tuple[Plan, ...] | None = None
    stop_on_fatal: bool = True


@dataclass(slots=True)
class RunReport:
    """The results of a run, with what they were obtained against."""

    iut: Iut
    target: str
    started_at: _dt.datetime
    duration: float = 0.0
    results: list[CaseResult] = field(default_factory=list)

    def count(self, verdict: Verdict) -> int:
        return sum(1 for r in self.results if r.verdict is verdict)

    @property
    def summary(self) -> dict[str, int]:
        counts = {v.value: self.count(v) for v in Verdict}
        counts["total"] = len(self.results)
        return counts

    @property
    def verdict(self) -> Verdict:
        """FAILED when any test case failed, else PASSED (nothing ran: INCONCLUSIVE)."""
        if not self.results:
            return Verdict.INCONCLUSIVE
        return Verdict.FAILED if self.count(Verdict.FAILED) else Verdict.PASSED

    @property
    def exit_code(self) -> int:
        """0 only when no test case FAILED (for CI)."""
        return 1 if self.count(Verdict.FAILED) else 0

    def failed(self) -> list[CaseResult]:
        return [r for r in self.results if r.verdict is Verdict.FAILED]

    def by_id(self, case_id: str) -> list[CaseResult]:
        return [r for r in self.results if r.case_id == case_id]


def _instances(c: ConformanceCase, iut: Iut) -> list[AssociationSpec | None] | str:
    """The associations a case runs in (``[None]`` for a case that is not per association),
    or the reason it runs in none."""
    if not c.per_association:
        return [None]
    chosen: list[AssociationSpec | None] = []
    reasons = []
    for association in iut.associations:
        reason = None if c.association_filter is None else c.association_filter(iut, association)
        if reason is None:
            chosen.append(association)
        else:
            reasons.append(f"{association.name}: {reason}")
    if chosen:
        return chosen
    return "no association qualifies (" + "; ".join(reasons) + ")" if reasons else "no association"


async def _run_one(
    shared: RunShared, c: ConformanceCase, association: AssociationSpec | None, origin: float
) -> CaseResult:
    ctx = CaseContext(shared, association)
    started = shared.clock()
    verdict = Verdict.PASSED
    reason = ""
    try:
        async with asyncio.timeout(c.timeout):
            await c.run(ctx)
    except CaseEnded as end:
        verdict, reason = end.verdict, end.reason
    except TimeoutError:
        verdict = Verdict.INCONCLUSIVE
        reason = f"the test case did not end within {c.timeout:g} s"
    except DlmsError as exc:
        verdict = Verdict.INCONCLUSIVE
        reason = f"{type(exc).__name__}: {exc}"
        _log.info("test case %s ended by %r", c.id, exc)
    except Exception as exc:  # the suite's own defect: never blamed on the IUT
        verdict = Verdict.INCONCLUSIVE
        reason = f"error in the test suite: {type(exc).__name__}: {exc}"
        _log.error("test case %s: suite error\n%s", c.id, traceback.format_exc())
    finally:
        await ctx.close()
    checked = worst((ch.verdict for ch in ctx.checks), Verdict.PASSED)
    if verdict is Verdict.PASSED and checked is not Verdict.PASSED:
        verdict = checked
        first = next(ch for ch in ctx.checks if ch.verdict is checked)
        subject = f"{first.subject}: " if first.subject else ""
        reason = f"{subject}{first.text}{': ' + first.detail if first.detail else ''}"
    if verdict is Verdict.PASSED and not reason:
        count = len(ctx.checks)
        reason = f"{count} check{'' if count == 1 else 's'} held" if count else "as expected"
    return CaseResult(
        c.id,
        c.plan,
        c.group,
        c.purpose,
        verdict,
        reason,
        "" if association is None else association.name,
        ctx.checks,
        ctx.steps,
        ctx.trace,
        started - origin,
        shared.clock() - started,
    )


async def run_cases(
    shared: RunShared,
    cases: Sequence[ConformanceCase],
    *,
    target: str = "",
    settings: RunSettings | None = None,
    progress: Progress | None = None,
) -> RunReport:
    """Run ``cases`` in order against the IUT ``shared`` describes."""
    settings = settings or RunSettings()
    report = RunReport(shared.iut, target, _dt.datetime.now(_dt.UTC))
    origin = shared.clock()
    aborted: str | None = None
    for c in cases:
        instances = _instances(c, shared.iut)
        if isinstance(instances, str):
            results = [_fixed(c, Verdict.INAPPLICABLE, instances, "")]
        elif (reason := c.inapplicable_because(shared.iut)) is not None:
            results = [_fixed(c, Verdict.INAPPLICABLE, reason, "")]
        elif aborted is not None:
            results = [
                _fixed(c, Verdict.INCONCLUSIVE, aborted, "" if a is None else a.name)
                for a in instances
            ]
        else:
            results = []
            for association in instances:
                _log.info("running %s %s", c.id, "" if association is None else association.name)
                results.append(await _run_one(shared, c, association, origin))
        for result in results:
            report.results.append(result)
            if progress is not None:
                progress(result)
        if (
            c.fatal
            and aborted is None
            and settings.stop_on_fatal
            and any(r.verdict not in (Verdict.PASSED, Verdict.INAPPLICABLE) for r in results)
        ):
            aborted = f"not run: {c.id} did not pass ({results[0].reason})"
    report.duration = shared.clock() - origin
    return report


def _fixed(c: ConformanceCase, verdict: Verdict, reason: str, instance: str) -> CaseResult:
    return CaseResult(c.id, c.plan, c.group, c.purpose, verdict, reason, instance)


async def run_suite(
    connection: Connection | str,
    iut: Iut | None = None,
    settings: RunSettings | None = None,
    *,
    registry: CaseRegistry = CASES,
    progress: Progress | None = None,
    discovery: dict[str, object] | None = None,
) -> RunReport:
    """Run the selected test plans against the meter at ``connection``.

    Without ``iut`` the IUT is described from what the meter answers (the public
    association: client 16 to logical device 1, its object list); ``discovery`` passes
    options to :func:`~dlmskit.conformance.discovery.discover` (addresses, time-outs).
    """
    import dlmskit.conformance.plans  # noqa: F401  # fills CASES
    from dlmskit.conformance.discovery import discover

    conn = connection if isinstance(connection, Connection) else Connection.parse(connection)
    settings = settings or RunSettings()
    if iut is None:
        iut = await discover(conn, **(discovery or {}))  # type: ignore[arg-type]
    if iut.profile is not None and iut.profile is not conn.profile:
        raise IutError(
            "profile.kind",
            f"the IUT is described as {iut.profile.value}, the connection {conn} is "
            f"{conn.profile.value}",
        )
    shared = RunShared.for_connection(iut.with_profile(conn.profile), conn)
    cases = registry.select(settings.include, settings.exclude, settings.plans)
    return await run_cases(shared, cases, target=str(conn), settings=settings, progress=progress)


async def run_head_end(
    endpoint: str,
    iut: Iut | None = None,
    settings: RunSettings | None = None,
    *,
    meter: object | None = None,
    sessions: int = 1,
    timeout: float = 60.0,
    on_ready: Callable[[int], None] | None = None,
    registry: CaseRegistry = CASES,
    progress: Progress | None = None,
) -> RunReport:
    """Head-end conformance: serve the reference meter (or ``meter``) on ``endpoint``
    (``tcp://HOST:PORT`` or ``hdlc+tcp://HOST:PORT``, port 0: any free port) behind a
    recording relay, let a head-end work with it (``sessions`` connections, at most
    ``timeout`` seconds), then judge what it sent. ``iut`` describes the meter's associations
    (for their keys; default: the reference meter's description)."""
    import dlmskit.conformance.plans  # noqa: F401  # fills CASES
    from dlmskit.cli.endpoints import parse_endpoint
    from dlmskit.conformance.headend import analyse, capture_head_end
    from dlmskit.conformance.iut import reference_iut

    place = parse_endpoint(endpoint)
    profile = ProfileKind.HDLC if place.framing == "hdlc" else ProfileKind.WRAPPER
    description = iut if iut is not None else reference_iut()
    if meter is None:
        from dlmskit.simulator.model import build_meter, load_model

        meter = build_meter(load_model(), 0, now=_dt.datetime.now(_dt.UTC))
    trace = await capture_head_end(
        place, meter, sessions=sessions, timeout=timeout, on_ready=on_ready
    )
    capture = analyse(trace, profile, description)
    shared = RunShared(description.with_profile(profile), _no_meter, profile, capture=capture)
    chosen = (settings or RunSettings()).include
    cases = registry.select(chosen, (settings or RunSettings()).exclude, (Plan.HEAD_END,))
    return await run_cases(shared, cases, target=f"head-end on {place}", progress=progress)


async def _no_meter() -> Transport:
    raise LocalProtocolError("in head-end mode the test cases judge captured traffic only")
