"""The quick start's one command (examples/meter_demo.py, what `make demo` runs): it starts
the reference simulator, reads it with the dlms command line and stops it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.timeout(180)

DEMO = Path(__file__).resolve().parents[2] / "examples" / "meter_demo.py"


def test_the_demo_reads_the_simulator_and_stops_it():
    done = subprocess.run(
        [sys.executable, str(DEMO)], capture_output=True, text=True, timeout=170, check=False
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "$ dlms objects" in out and "Clock" in out  # the object list
    assert "1-0:1.8.0*255/2" in out and " Wh" in out and " V" in out  # energy registers
    assert "1-0:99.1.0*255: 97 rows" in out  # a day of the load profile, both ends included
    assert "the simulator is stopped" in out
