"""An independent meter through the whole suite: the pydlms-client simulator (GPL, a
test-only dependency) started as a subprocess on 127.0.0.1, over the wrapper and over HDLC,
described only from what it answers (no IUT file). The verdicts are the simulator's own
business; what is checked here is that the suite gives a readable report of them: every case
ends with a verdict and a reason, none through an error of the suite, and the reports are
written."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from dlmskit.conformance import RunSettings, Timeouts, Verdict, run_suite
from dlmskit.conformance.report import write_reports

pytest.importorskip("pydlms.simulator", reason="pydlms-client (test dependency) is not installed")

pytestmark = [pytest.mark.timeout(120)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def pydlms_meter(*options: str) -> Iterator[int]:
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pydlms.simulator",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            *options,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.1):
                break
            if process.poll() is not None:
                pytest.fail("the pydlms simulator did not start")
            import time

            time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.mark.parametrize(("scheme", "options"), [("tcp", ()), ("hdlc+tcp", ("--hdlc",))])
def test_pydlms_simulator_gets_a_readable_report(
    scheme: str, options: tuple[str, ...], tmp_path: Path
) -> None:
    with pydlms_meter(*options) as port:
        report = asyncio.run(
            run_suite(
                f"{scheme}://127.0.0.1:{port}",
                None,
                RunSettings(),
                discovery={"timeouts": Timeouts(response=1.0, silence=0.25, max_wait=5.0)},
            )
        )
    json_path, html_path = write_reports(report, tmp_path)
    data = json.loads(json_path.read_text())
    assert data["iut"]["source"].startswith("discovered from the meter")
    assert data["summary"]["total"] == len(report.results) > 40
    for result in report.results:
        assert result.reason, result.label
        assert "error in the test suite" not in result.reason, (result.label, result.reason)
    # the plan of the profile in use ran; the other profile's is inapplicable
    ran = "T_HDLC_FRAME_P1" if scheme == "hdlc+tcp" else "T_WRAPPER_PDU_P1"
    assert report.by_id(ran)[0].verdict is Verdict.PASSED
    assert report.count(Verdict.PASSED) > 10
    assert "Conformance report" in html_path.read_text()
    summary = ", ".join(f"{k} {v}" for k, v in report.summary.items())
    print(f"\npydlms simulator over {scheme}: {summary}")
    for result in report.results:
        if result.verdict is Verdict.FAILED:
            print(f"  FAILED {result.label}: {result.reason[:160]}")
