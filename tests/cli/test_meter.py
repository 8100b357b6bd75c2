"""``dlms objects/get/set/action/profile/doctor`` run as subprocesses against the reference
meter simulator (served on 127.0.0.1 from a thread of the test process): text and JSON
output, exit codes, keys and passwords never echoed."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from dlmskit.server.meter_server import MeterServer, SingleMeter
from dlmskit.simulator.model import build_meter, load_model

pytestmark = pytest.mark.timeout(120)

NOW = dt.datetime(2026, 3, 2, 12, 7, tzinfo=dt.UTC)
EK = "000102030405060708090A0B0C0D0E0F"
AK = "D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF"
TITLE = "4445565430303031"
READER = ["-c", "32", "-m", "lls"]
READER_ENV = {"DLMS_PASSWORD": "12345678"}


@pytest.fixture(scope="module")
def meter() -> Iterator[dict[str, Any]]:
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    info: dict[str, Any] = {}

    async def serve() -> None:
        server = MeterServer(SingleMeter(build_meter(load_model(), 0, now=NOW)), clock=lambda: NOW)
        wrapper = await server.serve_tcp("127.0.0.1", 0)
        hdlc = await server.serve_hdlc_tcp("127.0.0.1", 0)
        info["wrapper"] = f"tcp://127.0.0.1:{wrapper.sockets[0].getsockname()[1]}"
        info["hdlc"] = f"hdlc+tcp://127.0.0.1:{hdlc.sockets[0].getsockname()[1]}"
        info["stop"] = asyncio.Event()
        ready.set()
        await info["stop"].wait()
        await server.close()

    thread = threading.Thread(target=loop.run_until_complete, args=(serve(),), daemon=True)
    thread.start()
    assert ready.wait(30)
    yield info
    loop.call_soon_threadsafe(info["stop"].set)
    thread.join(10)
    loop.close()


def dlms(*args: str, env: dict[str, str] | None = None, state: Any = None) -> Any:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("DLMS")}
    full_env.update(env or {})
    if state is not None:
        full_env["DLMSKIT_STATE_DIR"] = str(state)
    return subprocess.run(
        [sys.executable, "-m", "dlmskit.cli", *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=90,
        check=False,
    )


def test_objects_text_and_json(meter, tmp_path):
    done = dlms("objects", meter["wrapper"], state=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Clock" in done.stdout and "0-0:96.1.0" in done.stdout
    done = dlms("objects", meter["hdlc"], *READER, "--json", env=READER_ENV, state=tmp_path)
    assert done.returncode == 0, done.stderr
    listed = json.loads(done.stdout)
    names = {o["logical_name"] for o in listed}
    assert "1-0:99.1.0*255" in names and "1-0:1.8.0*255" in names
    register = next(o for o in listed if o["logical_name"] == "1-0:1.8.0*255")
    assert register["class"] == "Register" and register["attributes"]["2"]["access"] == "r-"


@pytest.mark.parametrize("link", ["wrapper", "hdlc"])
def test_get_typed_values(meter, link, tmp_path):
    done = dlms(
        "get", meter[link], "0-0:1.0.0", "1-0:32.7.0", "3/1-0:1.8.0/3", *READER,
        env=READER_ENV, state=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("0-0:1.0.0*255/2") and "13:07:00" in lines[0]
    assert lines[1].endswith(" V") and "1-0:32.7.0" in lines[1]
    assert "Wh" in lines[2]
    done = dlms("get", meter[link], "1-0:1.8.0", *READER, "--json", env=READER_ENV, state=tmp_path)
    (reading,) = json.loads(done.stdout)
    assert reading["typed"]["unit"] == "Wh" and "double-long-unsigned" in reading["value"]


def test_get_refusal_is_shown_and_exits_non_zero(meter, tmp_path):
    done = dlms("get", meter["wrapper"], "1/0-0:96.1.0/9", "--json", state=tmp_path)
    assert done.returncode == 1
    (reading,) = json.loads(done.stdout)
    assert "refused" in reading["typed"]


def _management(*args: str) -> list[str]:
    return ["-c", "1", "-m", "gmac", "--client-title", TITLE, *args]


MANAGEMENT_ENV = {"DLMS_EK": EK, "DLMS_AK": AK}


def test_set_and_action_ciphered_keys_never_echoed(meter, tmp_path):
    value = json.dumps({"unsigned": 2})
    done = dlms(
        "--trace", "set", meter["wrapper"], "1/0-0:96.14.0/2", value, *_management(),
        env=MANAGEMENT_ENV, state=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "success" in done.stdout
    for secret in (EK, AK, EK.lower(), AK.lower()):
        assert secret not in done.stdout + done.stderr
    assert "TX apdu" in done.stderr and "RX apdu" in done.stderr  # the trace
    done = dlms(
        "get", meter["wrapper"], "1/0-0:96.14.0/2", *_management(), "--json",
        env=MANAGEMENT_ENV, state=tmp_path,
    )  # fmt: skip
    assert json.loads(done.stdout)[0]["value"] == {"unsigned": 2}
    done = dlms(
        "action", meter["wrapper"], "70/0-0:96.3.10/1", json.dumps({"integer": 0}),
        *_management(), "--json", env=MANAGEMENT_ENV, state=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["result"] == "success"


def test_set_with_a_bad_value_is_a_usage_error(meter, tmp_path):
    done = dlms("set", meter["wrapper"], "0-0:96.14.0", "17", state=tmp_path)
    assert done.returncode == 2 and "typed JSON" in done.stderr


def test_lls_password_is_masked_in_the_trace(meter, tmp_path):
    done = dlms("--trace", "get", meter["wrapper"], "0-0:1.0.0", *READER, env=READER_ENV,
                state=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "12345678" not in done.stderr and "31 32 33 34 35 36 37 38" not in done.stderr


@pytest.mark.parametrize("link", ["wrapper", "hdlc"])
def test_profile_table_csv_json(meter, link, tmp_path):
    start, end = "2026-03-01T00:00+00:00", "2026-03-02T00:00+00:00"
    base = ["profile", meter[link], "1-0:99.1.0", *READER, "--from", start, "--to", end]
    done = dlms(*base, env=READER_ENV, state=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "97 rows" in done.stdout and "Active energy import" in done.stdout
    done = dlms(*base, "-f", "csv", "--columns", "1,3", env=READER_ENV, state=tmp_path)
    rows = list(csv.reader(io.StringIO(done.stdout)))
    assert rows[0] == ["0-0:1.0.0*255/2", "1-0:1.8.0*255/2"] and len(rows) == 98
    assert rows[1][0] == "2026-03-01T01:00:00+01:00"
    energies = [int(r[1]) for r in rows[1:]]
    assert energies == sorted(energies)
    out = tmp_path / "day.json"
    done = dlms(*base, "--json", "--output", str(out), env=READER_ENV, state=tmp_path)
    assert done.returncode == 0, done.stderr
    doc = json.loads(out.read_text())
    assert len(doc["rows"]) == 97 and doc["columns"][0]["class_id"] == 8
    done = dlms("profile", meter[link], "1-0:99.1.0", *READER, "--entries", "1:3", "--json",
                env=READER_ENV, state=tmp_path)  # fmt: skip
    assert len(json.loads(done.stdout)["rows"]) == 3


def test_doctor_explains_the_usual_failures(meter, tmp_path):
    done = dlms("doctor", meter["wrapper"], state=tmp_path)
    assert done.returncode == 0 and "can be read" in done.stdout
    done = dlms("doctor", meter["wrapper"], "-c", "32", "-m", "lls", "--password", "wrong",
                state=tmp_path)  # fmt: skip
    assert done.returncode == 1
    assert "authentication-failure" in done.stdout and "password" in done.stdout
    assert "wrong" not in done.stdout.replace("is wrong", "").replace("are wrong", "")
    done = dlms("doctor", meter["hdlc"], "--server", "9", "--json", "--timeout", "2",
                state=tmp_path)  # fmt: skip
    assert done.returncode == 4
    report = json.loads(done.stdout)
    assert (
        report["steps"][-1]["step"] == "link"
        and "server address" in report["steps"][-1]["hints"][0]
    )
    done = dlms("doctor", meter["wrapper"], "-c", "1", "-m", "gmac", "--client-title", TITLE,
                env={"DLMS_EK": AK, "DLMS_AK": EK}, state=tmp_path)  # fmt: skip
    assert done.returncode == 1 and "keys" in done.stdout
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    done = dlms("doctor", f"tcp://127.0.0.1:{closed}", state=tmp_path)
    assert done.returncode == 3 and "nothing answers" in done.stdout
    done = dlms("doctor", "ftp://x", state=tmp_path)
    assert done.returncode == 2
