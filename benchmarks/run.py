"""Run the benchmarks: ``python benchmarks/run.py [--quick] [--json PATH] [NAME ...]``.

Every ``bench_<name>.py`` here is one benchmark; NAME selects some (default: all). Results
print as a table and are written as JSON (default ``benchmarks/results.json``).
"""

from __future__ import annotations

import argparse
import importlib
import json
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _harness import Result  # noqa: E402


def discover() -> list[str]:
    return sorted(p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("names", nargs="*", help=f"benchmarks to run (of {', '.join(discover())})")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions, for a smoke run")
    parser.add_argument("--json", type=Path, default=HERE / "results.json", help="where to write")
    args = parser.parse_args(argv)
    names = args.names or discover()
    unknown = set(names) - set(discover())
    if unknown:
        parser.error(f"unknown benchmarks: {', '.join(sorted(unknown))}")

    results: list[Result] = []
    for name in names:
        module = importlib.import_module(f"bench_{name}")
        print(f"== {name}: {module.__doc__.strip().splitlines()[0] if module.__doc__ else ''}")
        for result in module.run(quick=args.quick):
            result.compute_ratios()
            results.append(result)
            print(f"  {result.name}: {result.description}")
            for m in result.measurements:
                rate = f"{m.rate:>14,.0f} {m.unit}" if m.rate else f"{'-':>14} {m.unit}"
                note = f"  ({m.note})" if m.note else ""
                print(f"    {m.implementation:<24}{rate}{note}")
            for key, ratio in result.ratios.items():
                print(f"    ratio {key}: {ratio}x")
            if result.target:
                print(f"    target: {result.target}")
            for key, value in result.extra.items():
                print(f"    {key}: {value}")
    report = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "processor": platform.processor(),
        "quick": args.quick,
        "results": [r.as_json() for r in results],
    }
    args.json.write_text(json.dumps(report, indent=2, default=str) + "\n")
    print(f"results written to {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
