"""Connection strings and key loading (pure functions of the command line)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dlmskit.cli.common import CliError
from dlmskit.cli.endpoints import EndpointError, parse_endpoint
from dlmskit.cli.keys import KeyOptions, load_keys


def test_endpoints() -> None:
    e = parse_endpoint("tcp://127.0.0.1:4059")
    assert (e.transport, e.framing, e.host, e.port) == ("tcp", "wrapper", "127.0.0.1", 4059)
    assert str(e) == "tcp://127.0.0.1:4059"
    assert parse_endpoint("udp://[::1]:4059").host == "::1"
    assert str(parse_endpoint("udp://[::1]:4059")) == "udp://[::1]:4059"
    h = parse_endpoint("hdlc+tcp://meter.local:10001")
    assert (h.transport, h.framing) == ("tcp", "hdlc")
    s = parse_endpoint("serial:///dev/ttyUSB0?baud=2400")
    assert (s.path, s.baudrate, s.parity, s.byte_size, s.framing) == (
        "/dev/ttyUSB0",
        2400,
        "N",
        8,
        "hdlc",
    )
    m = parse_endpoint("mbus+serial:///dev/ttyAMA0")
    assert (m.framing, m.baudrate, m.parity) == ("mbus", 2400, "E")
    assert "2400 baud 8E1" in str(m)
    for bad, why in (
        ("localhost:4059", "no connection string"),
        ("http://x:1", "unknown scheme"),
        ("tcp://x", "needs a host and a port"),
        ("tcp://x:99999", "no valid port"),
        ("serial://", "names no serial port"),
        ("serial:///dev/x?speed=9600", "unknown serial option"),
        ("serial:///dev/x?parity=Q", "parity"),
        ("serial:///dev/x?baud=fast", "numbers"),
    ):
        with pytest.raises(EndpointError, match=why):
            parse_endpoint(bad)


EK = "000102030405060708090a0b0c0d0e0f"


def test_keys_options_env_file_precedence(tmp_path: Path) -> None:
    path = tmp_path / "k.yaml"
    path.write_text(
        f"guek: '{EK}'\n"
        "AK: 'D0 D1 D2 D3 D4 D5 D6 D7 D8 D9 DA DB DC DD DE DF'\n"
        "st: 4d4d4d0000bc614e\n"
    )
    path.chmod(0o600)
    keys = load_keys(KeyOptions(keys_file=path))
    assert keys.unicast is not None and keys.unicast.reveal().hex() == EK
    assert keys.authentication is not None and keys.authentication.reveal()[0] == 0xD0
    assert keys.system_title == bytes.fromhex("4d4d4d0000bc614e")
    other = "ff" * 16
    # an option beats the file
    keys = load_keys(KeyOptions(ek=other, keys_file=path))
    assert keys.unicast is not None and keys.unicast.reveal() == bytes.fromhex(other)
    assert EK not in repr(keys) and other not in repr(keys)


def test_key_errors_never_show_the_value(tmp_path: Path) -> None:
    secret = "00112233445566778899aabbccddee"  # 15 bytes
    with pytest.raises(CliError) as caught:
        load_keys(KeyOptions(ek=secret))
    assert secret not in caught.value.message and "15" in caught.value.message
    with pytest.raises(CliError, match="not hex") as caught:
        load_keys(KeyOptions(ak="zz" + secret))
    assert secret not in caught.value.message
    with pytest.raises(CliError, match="8 bytes"):
        load_keys(KeyOptions(system_title="0102"))
    bad = tmp_path / "bad.yaml"
    bad.write_text("password: x\n")
    with pytest.raises(CliError, match="unknown entry"):
        load_keys(KeyOptions(keys_file=bad))
    number = tmp_path / "n.yaml"
    number.write_text("ek: 1234\n")
    with pytest.raises(CliError, match="quoted hex"):
        load_keys(KeyOptions(keys_file=number))
    with pytest.raises(CliError, match="cannot read"):
        load_keys(KeyOptions(keys_file=tmp_path / "missing.yaml"))
    listing = tmp_path / "list.yaml"
    listing.write_text("- a\n- b\n")
    with pytest.raises(CliError, match="mapping"):
        load_keys(KeyOptions(keys_file=listing))
