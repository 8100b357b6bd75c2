"""``dlms listen`` run as a subprocess, receiving real pushes: wrapper over TCP and UDP on
127.0.0.1, HDLC and wired M-Bus over a socat pseudo-terminal pair; plain and ciphered
(general-glo-ciphering with the vector's keys, and a glo- APDU built here), and a bad push
in between that is reported while listening goes on."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from _vectors import by_id
from dlmskit import apdu as ap
from dlmskit import axdr
from dlmskit.link.hdlc import Frame, FrameType, HdlcAddress
from dlmskit.link.mbus import segment_apdu
from dlmskit.link.wrapper import encode_wpdu
from dlmskit.security import SecurityControl, SymmetricKeys, encrypt

EK = bytes.fromhex("000102030405060708090a0b0c0d0e0f")
AK = bytes.fromhex("d0d1d2d3d4d5d6d7d8d9dadbdcdddedf")
TITLE = bytes.fromhex("4d4d4d0000bc614e")


def notification(value: int) -> bytes:
    body = (b"\x01\x00\x01\x08\x00\xff", axdr.DoubleLongUnsigned(value))
    return ap.DataNotification(ap.LongInvokeIdAndPriority(7), body).encode()


def glo_ciphered(value: int, counter: int = 5) -> bytes:
    """A general-glo-ciphering push of ``notification(value)`` under EK/AK/TITLE."""
    return encrypt(
        0xDB,
        notification(value),
        security=SecurityControl.of(authenticated=True, encrypted=True),
        system_title=TITLE,
        invocation_counter=counter,
        keys=SymmetricKeys(unicast=EK, authentication=AK),
    )


def listener(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("DLMS_")}
    full_env.update(env or {})
    return subprocess.Popen(
        [sys.executable, "-m", "dlmskit.cli", "listen", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=full_env,
    )


def wait_listening(proc: subprocess.Popen[str]) -> str:
    assert proc.stderr is not None
    line = proc.stderr.readline()
    assert line.startswith("listening on "), line + (proc.stderr.read() if proc.poll() else "")
    return line.strip()


def port_of(line: str) -> int:
    match = re.search(r":(\d+)$", line)
    assert match, line
    return int(match.group(1))


def finish(proc: subprocess.Popen[str]) -> tuple[int, list[dict[str, Any]], str]:
    out, err = proc.communicate(timeout=60)
    records = [json.loads(line) for line in out.splitlines() if line.strip()]
    return proc.returncode, records, err


def value_of(record: dict[str, Any]) -> int:
    apdu = record["apdu"]
    while "plain" in apdu:
        apdu = apdu["plain"]
    assert apdu["apdu"] == "data-notification"
    return int(apdu["body"]["structure"][1]["double-long-unsigned"])


KEY_ENV = {"DLMS_EK": EK.hex(), "DLMS_AK": AK.hex(), "DLMS_SYSTEM_TITLE": TITLE.hex()}


def test_tcp_plain_and_ciphered_with_out_file(tmp_path: Path) -> None:
    out_file = tmp_path / "pushes.jsonl"
    out_file.write_text('{"earlier": true}\n')  # appended to, not replaced
    vector = by_id("realworld", "dlmscosem-udp-ggc-datanotification")
    vkeys = vector["keys"]
    proc = listener(
        "tcp://127.0.0.1:0",
        "--json",
        "--count",
        "4",
        "--timeout",
        "30",
        "--out",
        str(out_file),
        env={"DLMS_EK": vkeys["ek"], "DLMS_AK": vkeys["ak"]},
    )
    try:
        port = port_of(wait_listening(proc))
        with socket.create_connection(("127.0.0.1", port)) as conn:
            conn.sendall(encode_wpdu(1, 1, notification(280)))
            # the vector's ciphered push (real keys of its source), cut in two TCP segments
            wpdu = bytes.fromhex(vector["hex"])
            conn.sendall(wpdu[:20])
            time.sleep(0.05)
            conn.sendall(wpdu[20:])
            conn.sendall(encode_wpdu(1, 1, b"\xc4\x01"))  # broken APDU: reported, not fatal
            conn.sendall(encode_wpdu(1, 1, notification(281)))
            conn.sendall(encode_wpdu(1, 1, notification(282)))
            time.sleep(0.2)
    finally:
        code, records, err = finish(proc)
    assert code == 0, err
    pushes = [r for r in records if "apdu" in r]
    errors = [r for r in records if "error" in r]
    assert [value_of(pushes[0]), value_of(pushes[2]), value_of(pushes[3])] == [280, 281, 282]
    ciphered = pushes[1]["apdu"]
    assert ciphered["apdu"] == "general-glo-ciphering"
    assert ciphered["security"]["deciphered"] is True
    assert ciphered["plain"]["hex"] == vector["expected"]["decrypted_apdu_hex"]
    assert len(errors) == 1 and "apdu" in errors[0]["error"].lower()
    assert "error:" in err and "Traceback" not in err
    lines = out_file.read_text().splitlines()
    assert json.loads(lines[0]) == {"earlier": True}
    assert [json.loads(line) for line in lines[1:]] == records
    assert all(r["peer"].startswith("127.0.0.1:") for r in records)
    assert vkeys["ek"] not in err + json.dumps(records)


def test_udp_ciphered_and_plain_text_output() -> None:
    proc = listener("udp://127.0.0.1:0", "--count", "2", "--timeout", "30", env=KEY_ENV)
    try:
        port = port_of(wait_listening(proc))
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.sendto(encode_wpdu(1, 16, glo_ciphered(1234)), ("127.0.0.1", port))
            sock.sendto(encode_wpdu(1, 16, notification(99)), ("127.0.0.1", port))
    finally:
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "general-glo-ciphering" in out and "deciphered" in out
    assert "double-long-unsigned 1234" in out and "double-long-unsigned 99" in out
    assert "= OBIS 1-0:1.8.0*255" in out


def test_timeout_before_count_is_an_error() -> None:
    proc = listener("udp://127.0.0.1:0", "--count", "1", "--timeout", "0.5", "--json")
    wait_listening(proc)
    code, records, err = finish(proc)
    assert code == 4 and "timed out" in err
    assert records[-1]["error"]["exit_code"] == 4


def test_timeout_without_count_ends_normally() -> None:
    proc = listener("udp://127.0.0.1:0", "--timeout", "0.3")
    wait_listening(proc)
    code, _, err = finish(proc)
    assert code == 0 and "stopped after" in err


def test_bad_endpoint_is_a_usage_error() -> None:
    proc = listener("ftp://x:1")
    code, _, err = finish(proc)
    assert code == 2 and "unknown scheme" in err
    proc = listener("tcp://127.0.0.1")
    code, _, err = finish(proc)
    assert code == 2 and "needs a host and a port" in err


def test_port_in_use_is_an_io_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = listener(f"tcp://127.0.0.1:{port}", "--timeout", "5")
        code, _, err = finish(proc)
    assert code == 3 and err.startswith("error:") and "Traceback" not in err


def test_trace_shows_rx_hex_and_decoded_view() -> None:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "dlmskit.cli",
            "--trace",
            "listen",
            "udp://127.0.0.1:0",
            "--count",
            "1",
            "--timeout",
            "30",
            "--json",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**{k: v for k, v in os.environ.items() if not k.startswith("DLMS_")}, **KEY_ENV},
    )
    try:
        port = port_of(wait_listening(proc))
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.sendto(encode_wpdu(1, 16, glo_ciphered(77)), ("127.0.0.1", port))
    finally:
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert re.search(r"\d\d:\d\d:\d\d\.\d{6} RX wrapper 127\.0\.0\.1:\d+ \d+ bytes", err)
    assert "00 01 00 01 00 10" in err  # the WPDU header in hex
    assert "deciphered: data-notification" in err
    assert value_of(json.loads(out.splitlines()[0])) == 77


# -- serial lines over a socat pseudo-terminal pair --------------------------------------------


@contextlib.contextmanager
def socat_pair() -> Iterator[tuple[str, str]]:
    if shutil.which("socat") is None:
        pytest.skip("socat is not installed (scripts/system-packages.txt lists it)")
    folder = Path(tempfile.mkdtemp(prefix="dlmskit-listen-"))
    a, b = folder / "listener", folder / "meter"
    proc = subprocess.Popen(
        ["socat", f"pty,raw,echo=0,link={a}", f"pty,raw,echo=0,link={b}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            if a.exists() and b.exists():
                break
            time.sleep(0.05)
        else:
            raise RuntimeError("socat did not create the pseudo-terminals")
        yield os.fspath(a), os.fspath(b)
    finally:
        proc.terminate()
        proc.wait(timeout=5)
        for path in (a, b):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        folder.rmdir()


def write_line(path: str, chunks: list[bytes]) -> None:
    fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
    try:
        for chunk in chunks:
            os.write(fd, chunk)
            time.sleep(0.02)
    finally:
        os.close(fd)


def ui_frames(apdu: bytes, size: int = 40) -> list[bytes]:
    """The APDU behind E6 E7 00 in UI frames of at most ``size`` information bytes."""
    info = b"\xe6\xe7\x00" + apdu
    pieces = [info[i : i + size] for i in range(0, len(info), size)]
    return [
        Frame.make(
            FrameType.UI,
            HdlcAddress.client(0x10),
            HdlcAddress.server(1, 17),
            info=piece,
            segmented=i < len(pieces) - 1,
        ).encode()
        for i, piece in enumerate(pieces)
    ]


def test_hdlc_over_serial_segmented_ciphered_and_plain() -> None:
    with socat_pair() as (ours, meter):
        proc = listener(
            f"serial://{ours}?baud=115200", "--json", "--count", "2", "--timeout", "30", env=KEY_ENV
        )
        try:
            wait_listening(proc)
            frames = ui_frames(glo_ciphered(4242), size=20)  # three segments
            assert len(frames) >= 3
            bad = bytearray(ui_frames(notification(1))[0])
            bad[-3] ^= 0xFF  # a wrong FCS: discarded and reported
            write_line(meter, [b"\x00\x7e", *frames, bytes(bad), *ui_frames(notification(5))])
        finally:
            code, records, err = finish(proc)
    assert code == 0, err
    pushes = [r for r in records if "apdu" in r]
    assert [value_of(r) for r in pushes] == [4242, 5]
    assert pushes[0]["apdu"]["security"]["deciphered"] is True
    assert pushes[0]["llc"] == "response"
    assert any("discarded" in r.get("error", "") for r in records)


def test_mbus_over_serial_two_frames_ciphered() -> None:
    with socat_pair() as (ours, meter):
        proc = listener(
            f"mbus+serial://{ours}?baud=2400",
            "--json",
            "--count",
            "2",
            "--timeout",
            "30",
            env=KEY_ENV,
        )
        try:
            wait_listening(proc)
            big = glo_ciphered(31337)
            frames = segment_apdu(big, 0x01, 0x67, max_length=40)
            assert len(frames) >= 2
            plain = segment_apdu(notification(8), 0x01, 0x67)
            write_line(meter, [*frames, b"\xe5", *plain])
        finally:
            code, records, err = finish(proc)
    assert code == 0, err
    assert [value_of(r) for r in records] == [31337, 8]
    assert records[0]["link"] == {"source_tsap": 1, "destination_tsap": 0x67}


def test_hdlc_over_tcp() -> None:
    proc = listener("hdlc+tcp://127.0.0.1:0", "--json", "--count", "1", "--timeout", "30")
    try:
        port = port_of(wait_listening(proc))
        with socket.create_connection(("127.0.0.1", port)) as conn:
            frames = ui_frames(notification(606), size=16)
            for frame in frames:
                conn.sendall(frame)
                time.sleep(0.01)
            time.sleep(0.2)
    finally:
        code, records, err = finish(proc)
    assert code == 0, err
    assert [value_of(r) for r in records] == [606]
