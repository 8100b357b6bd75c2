"""The test case model: verdicts, test plans, test cases and their results.

The vocabulary is that of ISO/IEC 9646 as the DLMS UA Yellow Book uses it: an implementation
under test (IUT), test plans made of test groups made of test cases, each with a purpose and
preconditions, each ending with a verdict:

* ``PASSED`` -- every check of the test purpose held;
* ``FAILED`` -- the IUT did something the test purpose says it must not (the only verdict that
  makes a run fail);
* ``INCONCLUSIVE`` -- the test could not decide (the IUT gave no way to observe the behaviour,
  or a step before the one under test did not work);
* ``INAPPLICABLE`` -- the IUT description says the feature is not there (no HDLC profile, no
  LLS association, ...); the reason says which declaration made it so.

A test case is an ``async`` function taking a :class:`~dlmskit.conformance.context.CaseContext`;
it ends with a verdict by returning (PASSED, unless a check recorded worse) or by raising
:class:`Failed`, :class:`Inconclusive` or :class:`Inapplicable` with the reason.
"""

from __future__ import annotations

import enum
import fnmatch
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar, Final

from dlmskit.errors import LocalProtocolError

if TYPE_CHECKING:
    from dlmskit.conformance.context import CaseContext
    from dlmskit.conformance.iut import Iut
    from dlmskit.conformance.trace import Trace, TrafficRecord

__all__ = [
    "CASES",
    "CaseEnded",
    "CaseRegistry",
    "CaseResult",
    "Check",
    "ConformanceCase",
    "Failed",
    "Inapplicable",
    "Inconclusive",
    "Plan",
    "Precondition",
    "Verdict",
    "case",
    "worst",
]


class Verdict(enum.Enum):
    PASSED = "PASSED"
    FAILED = "FAILED"
    INCONCLUSIVE = "INCONCLUSIVE"
    INAPPLICABLE = "INAPPLICABLE"

    @property
    def severity(self) -> int:
        return _SEVERITY[self]


_SEVERITY: Final = {
    Verdict.INAPPLICABLE: 0,
    Verdict.PASSED: 1,
    Verdict.INCONCLUSIVE: 2,
    Verdict.FAILED: 3,
}


def worst(verdicts: Iterable[Verdict], default: Verdict = Verdict.PASSED) -> Verdict:
    """The most severe verdict (FAILED > INCONCLUSIVE > PASSED > INAPPLICABLE)."""
    found = list(verdicts)
    return max(found, key=lambda v: v.severity) if found else default


class Plan(enum.Enum):
    """The test plans, in the order of the DLMS UA's layers (physical layer: none)."""

    DATA_LINK = "Data link layer"
    APPLICATION = "COSEM application layer"
    OBJECTS = "COSEM interface objects"
    SECURITY = "Security"
    HEAD_END = "Head-end (client) conformance"


class CaseEnded(Exception):
    """Raised inside a test case to end it with a verdict and the reason."""

    verdict: ClassVar[Verdict]

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Failed(CaseEnded):
    verdict = Verdict.FAILED


class Inconclusive(CaseEnded):
    verdict = Verdict.INCONCLUSIVE


class Inapplicable(CaseEnded):
    verdict = Verdict.INAPPLICABLE


@dataclass(frozen=True, slots=True)
class Precondition:
    """A condition on the IUT description; ``check`` returns None when it holds, else the
    reason the test case is inapplicable."""

    text: str
    check: Callable[[Iut], str | None]


@dataclass(frozen=True, slots=True)
class Check:
    """One observation within a test case: what was checked, its verdict, the detail."""

    text: str
    verdict: Verdict
    detail: str = ""
    subject: str = ""  # what the check is about, e.g. an object "0-0:1.0.0*255"


Run = Callable[["CaseContext"], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class ConformanceCase:
    """One test case: CTT-style id, plan and group, purpose, preconditions, the test itself.

    ``per_association``: the case runs once for every association of the IUT that meets
    the preconditions (its results are told apart by ``instance``). ``fatal``: when it does
    not pass, the cases after it cannot give a meaningful verdict (T_HDLC_FRAME_P1, "make sure
    we have a connected device"); the runner then ends them INCONCLUSIVE.
    """

    id: str
    plan: Plan
    group: str
    purpose: str
    run: Run = field(repr=False)
    preconditions: tuple[Precondition, ...] = ()
    references: tuple[str, ...] = ()
    per_association: bool = False
    association_filter: Callable[..., str | None] | None = field(default=None, repr=False)
    fatal: bool = False
    timeout: float = 60.0

    def inapplicable_because(self, iut: Iut) -> str | None:
        for pre in self.preconditions:
            reason = pre.check(iut)
            if reason is not None:
                return reason
        return None


@dataclass(slots=True)
class CaseResult:
    """What one run of a test case gave."""

    case_id: str
    plan: Plan
    group: str
    purpose: str
    verdict: Verdict
    reason: str
    instance: str = ""  # e.g. the association the case ran in
    checks: list[Check] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)
    trace: Trace | None = field(default=None, repr=False)
    started: float = 0.0  # seconds since the run started
    duration: float = 0.0

    @property
    def traffic(self) -> list[TrafficRecord]:
        """The line traffic, decoded (on first use)."""
        return [] if self.trace is None else self.trace.records

    @property
    def label(self) -> str:
        return f"{self.case_id} [{self.instance}]" if self.instance else self.case_id


class CaseRegistry:
    """The test cases by id, in the order they were defined (the order they run in)."""

    def __init__(self) -> None:
        self._cases: dict[str, ConformanceCase] = {}

    def add(self, definition: ConformanceCase) -> ConformanceCase:
        if definition.id in self._cases:
            raise LocalProtocolError(f"test case {definition.id} is defined twice")
        self._cases[definition.id] = definition
        return definition

    def __iter__(self) -> Iterator[ConformanceCase]:
        return iter(list(self._cases.values()))

    def __len__(self) -> int:
        return len(self._cases)

    def __getitem__(self, case_id: str) -> ConformanceCase:
        return self._cases[case_id]

    def __contains__(self, case_id: object) -> bool:
        return case_id in self._cases

    def all(self) -> list[ConformanceCase]:
        return list(self._cases.values())

    def select(
        self,
        include: Sequence[str] = (),
        exclude: Sequence[str] = (),
        plans: Sequence[Plan] | None = None,
    ) -> list[ConformanceCase]:
        """Cases whose id or group matches one of ``include`` (shell patterns, case-blind;
        empty: all) and none of ``exclude``, from ``plans`` (None: every plan but the
        head-end one, which needs a head-end to connect instead of a meter)."""
        chosen = []
        for c in self._cases.values():
            if plans is None:
                if c.plan is Plan.HEAD_END:
                    continue
            elif c.plan not in plans:
                continue
            if include and not _matches(c, include):
                continue
            if exclude and _matches(c, exclude):
                continue
            chosen.append(c)
        order = list(Plan)
        return sorted(chosen, key=lambda c: order.index(c.plan))  # stable within a plan


def _matches(c: ConformanceCase, patterns: Sequence[str]) -> bool:
    for pattern in patterns:
        p = pattern.upper()
        if fnmatch.fnmatchcase(c.id.upper(), p) or fnmatch.fnmatchcase(c.group.upper(), p):
            return True
    return False


#: Every test case of the suite (the plans fill it when imported).
CASES: Final = CaseRegistry()


def case(
    case_id: str,
    *,
    plan: Plan,
    group: str,
    purpose: str,
    preconditions: Sequence[Precondition] = (),
    references: Sequence[str] = (),
    per_association: bool = False,
    association_filter: Callable[..., str | None] | None = None,
    fatal: bool = False,
    timeout: float = 60.0,
    registry: CaseRegistry = CASES,
) -> Callable[[Run], Run]:
    """Define a test case from an ``async def test(ctx)`` function."""

    def register(run: Run) -> Run:
        registry.add(
            ConformanceCase(
                case_id,
                plan,
                group,
                " ".join(purpose.split()),
                run,
                tuple(preconditions),
                tuple(references),
                per_association,
                association_filter,
                fatal,
                timeout,
            )
        )
        return run

    return register
