"""``dlms simulate`` run as a subprocess: the reference meter on a port, read by gurux-dlms as
public client 16 over the TCP wrapper; a model file; a restarted meter that continues from its
state directory; usage errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("typer")
gurux = pytest.importorskip("gurux_dlms")

from gurux_dlms import GXDLMSClient, GXReplyData  # noqa: E402
from gurux_dlms.enums import Authentication, InterfaceType  # noqa: E402
from gurux_dlms.objects import GXDLMSData  # noqa: E402

from _gurux import GuruxSession  # noqa: E402
from _running import free_port  # noqa: E402


def simulator(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "dlmskit.cli", "simulate", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_serving(proc: subprocess.Popen[str]) -> str:
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line:
        _, err = proc.communicate(timeout=10)
        raise AssertionError(f"dlms simulate did not start: {err}")
    return line


def stop(proc: subprocess.Popen[str]) -> None:
    proc.terminate()
    proc.communicate(timeout=20)


def public_session(port: int) -> GuruxSession:
    client = GXDLMSClient(True, 16, 1, Authentication.NONE, None, InterfaceType.WRAPPER)
    return GuruxSession(client, "127.0.0.1", port)


def test_port_alone_serves_the_reference_meter_to_the_public_client() -> None:
    port = free_port()
    proc = simulator("--port", str(port))
    try:
        assert f"wrapper/TCP 127.0.0.1:{port}" in wait_serving(proc)
        with public_session(port) as session:
            session.connect()
            reply = session.blocks(session.client.getObjectsRequest(), GXReplyData())
            listed = {o.logicalName for o in session.client.parseObjects(reply.data, True)}
            assert "0.0.96.1.0.255" in listed and "0.0.40.0.0.255" in listed
            value, _ = session.read(GXDLMSData("0.0.96.1.0.255"), 2)
            assert value == "DLK00000000"
            session.release()
    finally:
        stop(proc)


def test_json_and_a_model_file_and_one_port_for_several_meters(tmp_path: Path) -> None:
    model = tmp_path / "tiny.yaml"
    model.write_text(
        """
meter: {name: tiny, serial: "T{index:04d}", system_title: "5449{index:012X}"}
logical_devices:
  - sap: 1
    associations: [{client: 16, object: "0-0:40.0.0", access: read-only}]
    objects:
      - {class: 1, ln: "0-0:96.1.0", values: {value: {visible-string: "{serial}"}}}
"""
    )
    port = free_port()
    proc = simulator(
        "--port", str(port), "--model", str(model), "--count", "3", "--one-port",
        "--first-wport", "100", "--json",
    )  # fmt: skip
    try:
        listening = json.loads(wait_serving(proc))["listening"]
        assert "wPorts 100..102" in listening[0]
        for index in range(3):
            client = GXDLMSClient(
                True, 16, 100 + index, Authentication.NONE, None, InterfaceType.WRAPPER
            )
            with GuruxSession(client, "127.0.0.1", port) as session:
                session.connect()
                value, _ = session.read(GXDLMSData("0.0.96.1.0.255"), 2)
                assert value == f"T{index:04d}"
                session.release()
    finally:
        stop(proc)


def _write_tariff_as_management(port: int, value: int) -> None:
    from gurux_dlms.enums import DataType, Security
    from gurux_dlms.secure import GXDLMSSecureClient

    with public_session(port) as session:
        session.connect()
        counter, _ = session.read(GXDLMSData("0.0.43.1.3.255"), 2)
        session.release()
    client = GXDLMSSecureClient(True, 1, 1, Authentication.HIGH_GMAC, None, InterfaceType.WRAPPER)
    cipher: Any = client.settings.cipher
    cipher.security = Security.AUTHENTICATION_ENCRYPTION
    cipher.systemTitle = bytearray(b"DLMSKIT1")
    cipher.blockCipherKey = bytearray.fromhex("000102030405060708090A0B0C0D0E0F")
    cipher.authenticationKey = bytearray.fromhex("D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF")
    cipher.invocationCounter = int(counter)
    with GuruxSession(client, "127.0.0.1", port) as session:
        session.connect()
        tariff = GXDLMSData("0.0.96.14.0.255")
        tariff.value = value
        tariff.setDataType(2, DataType.UINT8)
        session.blocks(client.write(tariff, 2), GXReplyData())
        session.release()


def test_a_restarted_meter_continues_from_its_state_directory(tmp_path: Path) -> None:
    state = tmp_path / "state"
    port = free_port()
    proc = simulator("--port", str(port), "--state-dir", str(state))
    try:
        wait_serving(proc)
        _write_tariff_as_management(port, 2)
        with public_session(port) as session:
            session.connect()
            before, _ = session.read(GXDLMSData("0.0.43.1.3.255"), 2)
            session.release()
    finally:
        stop(proc)
    assert (state / "DLK00000000" / "values.json").exists()
    proc = simulator("--port", str(port), "--state-dir", str(state))
    try:
        wait_serving(proc)
        with public_session(port) as session:
            session.connect()
            after, _ = session.read(GXDLMSData("0.0.43.1.3.255"), 2)
            session.release()
        assert after >= before > 1  # the management client's counter was kept
        _write_tariff_as_management(port, 3)  # its next counter is accepted, not a replay
    finally:
        stop(proc)
    saved = json.loads((state / "DLK00000000" / "values.json").read_text())
    tariff = saved["logical_devices"]["1"]["0-0:96.14.0*255"]["attributes"]["2"]
    assert tariff == {"unsigned": 3}  # saved when the simulator was stopped (SIGTERM)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--quirk", "no_such_defect"], "no such quirk"),
        (["--start", "yesterday"], "no ISO 8601"),
        (["--start", "2024-05-01T12:00:00"], "UTC offset"),
    ],
)
def test_usage_errors(args: list[str], message: str) -> None:
    proc = simulator(*args, "--port", str(free_port()))
    _, err = proc.communicate(timeout=20)
    assert proc.returncode == 2
    assert message in err


def test_list_quirks() -> None:
    proc = simulator("--list-quirks", "--json")
    out, _ = proc.communicate(timeout=20)
    names = json.loads(out)
    assert "access_rights_ignored" in names and len(names) >= 15


def test_port_zero_reports_the_port_the_system_chose() -> None:
    proc = simulator("--port", "0")
    try:
        line = wait_serving(proc)
        port = int(line.rsplit(":", 1)[1])
        assert port != 0
        with public_session(port) as session:
            session.connect()
    finally:
        stop(proc)
