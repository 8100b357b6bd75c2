"""``dlms conform`` run as a subprocess: against an independent meter (the pydlms-client
simulator) described from what it answers, with a case selection, JSON output and exit codes;
a bad IUT file and an unreachable meter; and ``--head-end`` with pydlms-client's command line
as the head-end."""

from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = [pytest.mark.timeout(120)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def dlms(*args: str, timeout: float = 90) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dlmskit.cli", "--no-color", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@contextlib.contextmanager
def pydlms_meter() -> Iterator[int]:
    pytest.importorskip("pydlms.simulator", reason="pydlms-client (test dependency) is missing")
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "pydlms.simulator", "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.1):
                break
            time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        process.wait(5)


def test_conform_a_meter_without_iut(tmp_path: Path) -> None:
    with pydlms_meter() as port:
        target = f"tcp://127.0.0.1:{port}"
        passing = dlms(
            "conform",
            target,
            "--report",
            str(tmp_path / "ok"),
            "-c",
            "T_WRAPPER_PDU_P1",
            "--response-timeout",
            "1",
            "--silence",
            "0.2",
        )
        failing = dlms(
            "conform",
            target,
            "--report",
            str(tmp_path / "bad"),
            "-c",
            "T_APPL_OPEN_*",
            "--json",
            "--response-timeout",
            "1",
            "--silence",
            "0.2",
        )
    assert passing.returncode == 0, passing.stderr
    assert "PASSED" in passing.stdout and "T_WRAPPER_PDU_P1" in passing.stdout
    assert "result: PASSED" in passing.stdout
    assert (tmp_path / "ok" / "report.html").is_file()
    assert failing.returncode == 1, failing.stderr
    document = json.loads(failing.stdout)
    assert document["verdict"] == "FAILED" and document["summary"]["FAILED"] >= 1
    assert all(r["id"].startswith("T_APPL_OPEN_") for r in document["results"])
    report = json.loads((tmp_path / "bad" / "report.json").read_text())
    assert report["iut"]["source"].startswith("discovered from the meter")
    assert report["summary"] == document["summary"]


def test_conform_errors_are_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "iut.yaml"
    bad.write_text("associations: [{client: 300}]\n")
    out = dlms("conform", "tcp://127.0.0.1:1", "--iut", str(bad), "--report", str(tmp_path))
    assert out.returncode == 2
    assert "associations[0].client" in out.stderr and "Traceback" not in out.stderr
    port = _free_port()  # nothing listens there
    out = dlms("conform", f"tcp://127.0.0.1:{port}", "--report", str(tmp_path))
    assert out.returncode == 3, out.stderr
    assert "cannot" in out.stderr and "Traceback" not in out.stderr
    out = dlms("conform", "ftp://x", "--report", str(tmp_path))
    assert out.returncode == 2


def test_conform_a_head_end(tmp_path: Path) -> None:
    pytest.importorskip("pydlms.cli", reason="pydlms-client (test dependency) is missing")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "dlmskit.cli",
            "--no-color",
            "conform",
            "--head-end",
            "tcp://127.0.0.1:0",
            "--report",
            str(tmp_path),
            "--wait",
            "60",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        line = process.stderr.readline()
        assert "listening on tcp://127.0.0.1:" in line, line
        port = int(line.split("tcp://127.0.0.1:")[1].split(":")[0].split()[0])
        head_end = subprocess.run(
            [sys.executable, "-m", "pydlms.cli", "list", f"tcp://127.0.0.1:{port}"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert head_end.returncode == 0, head_end.stdout + head_end.stderr
        stdout, _ = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, stdout
    assert "T_HE_AARQ_P1" in stdout and "result: PASSED" in stdout
    report = json.loads((tmp_path / "report.json").read_text())
    assert {r["id"] for r in report["results"]} >= {"T_HE_AARQ_P1", "T_HE_REL_P1"}


def test_conform_the_simulator(tmp_path: Path) -> None:
    """``dlms simulate`` and ``dlms conform --iut reference``: the reference meter passes."""
    port = _free_port()
    simulator = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "dlmskit.cli",
            "simulate",
            "--port",
            str(port),
            "--host",
            "127.0.0.1",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(200):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.1):
                break
            time.sleep(0.05)
        out = dlms(
            "conform",
            f"tcp://127.0.0.1:{port}",
            "--iut",
            "reference",
            "--report",
            str(tmp_path),
            "--response-timeout",
            "1",
            "--silence",
            "0.2",
            "-x",
            "T_COSEM_*",
        )
    finally:
        simulator.terminate()
        simulator.wait(10)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr
    assert "result: PASSED" in out.stdout
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["summary"]["FAILED"] == 0 and report["summary"]["PASSED"] >= 20
    assert report["iut"]["source"] == "the reference meter simulator"
    assert "<redacted>" in json.dumps(report["iut"])
