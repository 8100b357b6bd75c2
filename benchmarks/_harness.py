"""Shared timing helpers for the benchmarks (never imported by the library or the tests).

Each ``bench_*.py`` module in this folder defines ``run(quick: bool) -> list[Result]``.
``python benchmarks/run.py`` runs them all (or those named) in one process, prints a table
and writes the results as JSON. Peers are measured in the same run on the same input; a
peer that is not installed is reported as missing, never silently skipped.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Measurement:
    """One implementation measured on one task."""

    implementation: str
    seconds: float  # best (lowest) time of one run of the task
    rate: float  # units per second at that time
    unit: str  # e.g. "rows/s"
    runs: int
    note: str = ""


@dataclass
class Result:
    """One task, measured for dlmskit and its peers; ratios are ours over theirs."""

    name: str
    description: str
    measurements: list[Measurement] = field(default_factory=list)
    ratios: dict[str, float] = field(default_factory=dict)
    target: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def add(self, measurement: Measurement) -> None:
        self.measurements.append(measurement)

    def compute_ratios(self, ours: str = "dlmskit") -> None:
        mine = next((m for m in self.measurements if m.implementation == ours), None)
        if mine is None:
            return
        for other in self.measurements:
            if other.implementation != ours and other.rate > 0:
                self.ratios[f"{ours}/{other.implementation}"] = round(mine.rate / other.rate, 2)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def best_time(
    func: Callable[[], object], *, min_runs: int = 3, min_seconds: float = 1.0
) -> tuple[float, int]:
    """Run ``func`` at least ``min_runs`` times and for at least ``min_seconds``; return the
    best time of one run and the number of runs. The garbage collector runs as it normally
    would (a user's program has it on), but a collection is forced before each run so one
    run does not pay for the garbage of the one before."""
    times: list[float] = []
    started = time.perf_counter()
    while len(times) < min_runs or time.perf_counter() - started < min_seconds:
        gc.collect()
        t0 = time.perf_counter()
        func()
        times.append(time.perf_counter() - t0)
        if len(times) >= 1000:
            break
    return min(times), len(times)


def measure(
    implementation: str,
    func: Callable[[], object],
    units: float,
    unit: str,
    *,
    quick: bool,
    note: str = "",
) -> Measurement:
    seconds, runs = best_time(func, min_runs=2 if quick else 5, min_seconds=0.2 if quick else 2.0)
    return Measurement(implementation, seconds, units / seconds, unit, runs, note)


def missing(implementation: str, why: str, unit: str) -> Measurement:
    """A peer that could not be measured (not installed, or failed): rate 0 with the reason."""
    return Measurement(implementation, float("nan"), 0.0, unit, 0, f"not measured: {why}")
