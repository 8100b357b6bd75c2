"""``dlms decode``: every shared vector through the command line (in-process with Typer's
runner, the same code path as the script), and the script itself run as a subprocess for
each output format, the error cases, keys from the environment and from a file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from _translator_checks import INVALID, check_vector, options_for
from _vectors import by_id, params
from dlmskit.cli.app import app

ALL = params("normative") + params("realworld")
runner = CliRunner()


def cli_args(entry: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    """The command line and environment that decode a vector (keys through DLMS_* vars)."""
    args = ["decode", entry["hex"], "--layer", entry["layer"], "--json", "--show-secrets"]
    env: dict[str, str] = {}
    keys = entry.get("keys")
    if keys:
        env = {
            "DLMS_EK": keys["ek"],
            "DLMS_AK": keys["ak"],
            "DLMS_SYSTEM_TITLE": keys["system_title"],
        }
    for name, value in options_for(entry).items():
        if name == "challenge":
            args += ["--challenge", value.hex()]
        elif name == "lenient":
            args.append("--lenient")
        else:
            args += [f"--{name.replace('_', '-')}", f"{value:x}"]
    return args, env


@pytest.mark.parametrize("entry", ALL)
def test_decode_every_vector(entry: dict[str, Any]) -> None:
    args, env = cli_args(entry)
    result = runner.invoke(app, args, env=env)
    if entry["id"] in INVALID:
        assert result.exit_code == 1, result.output
        assert INVALID[entry["id"]] in result.stderr
        assert result.stderr.startswith("error: ")
        assert "Traceback" not in result.stderr
        error = json.loads(result.stdout)["error"]
        assert error["exit_code"] == 1 and INVALID[entry["id"]] in error["message"]
        return
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    check_vector(entry, doc, bytes.fromhex(entry["hex"]))


@pytest.mark.parametrize("entry", ALL)
def test_text_view_of_every_vector(entry: dict[str, Any]) -> None:
    args, env = cli_args(entry)
    args.remove("--json")
    result = runner.invoke(app, args, env=env)
    if entry["id"] in INVALID:
        assert result.exit_code == 1
        return
    assert result.exit_code == 0, result.output
    assert result.stdout.strip()


@pytest.mark.parametrize("entry", ALL)
def test_tree_and_xml_of_every_vector(entry: dict[str, Any]) -> None:
    args, env = cli_args(entry)
    args.remove("--json")
    for fmt in ("--tree", "--xml"):
        result = runner.invoke(app, [*args, fmt], env=env)
        if entry["id"] in INVALID:
            assert result.exit_code == 1
            continue
        assert result.exit_code == 0, result.output
        assert result.stdout.strip()
        # every byte itemised, except where the bytes contradict their own lengths (the
        # meter bug decoded with --lenient: its explanation says so)
        assert "not itemised" not in result.stdout or "--lenient" in args


# -- the script as a subprocess ---------------------------------------------------------------


def dlms(*args: str, env: dict[str, str] | None = None, stdin: str | None = None) -> Any:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("DLMS_")}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "dlmskit.cli", *args],
        capture_output=True,
        text=True,
        env=full_env,
        input=stdin,
        timeout=60,
    )


KAMSTRUP = "amshan-kamstrup-hdlc-full"


def test_subprocess_json_text_tree_xml() -> None:
    entry = by_id("realworld", KAMSTRUP)
    hexdata = entry["hex"]
    out = dlms("decode", hexdata, "--json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    check_vector(entry, doc, bytes.fromhex(hexdata))
    text = dlms("decode", hexdata)
    assert text.returncode == 0
    assert "data-notification" in text.stdout and "Kamstrup_V0001" in text.stdout
    assert "OBIS 1-1:32.7.0*255" in text.stdout  # a hint beside the octet-string
    tree = dlms("decode", hexdata, "--tree")
    assert tree.returncode == 0
    assert "HCS: header check sequence" in tree.stdout and "000000  7e" in tree.stdout
    xml = dlms("decode", hexdata, "--xml")
    assert xml.returncode == 0
    assert '<UInt32 Value="0000033A" />' in xml.stdout and "<DataNotification>" in xml.stdout


def test_subprocess_hex_forms_and_stdin() -> None:
    spaced = dlms("decode", "0x7E", "A0:07", "03-21", "53 03 C7 7e", "--json")
    assert spaced.returncode == 0, spaced.stderr
    assert json.loads(spaced.stdout)["units"][0]["frame"] == "DISC"
    piped = dlms("decode", "-", "--json", stdin="7E A0 07\n03 21 53   # DISC\n03 C7 7E\n")
    assert piped.returncode == 0, piped.stderr
    assert json.loads(piped.stdout)["units"][0]["frame"] == "DISC"


def test_subprocess_errors_are_one_line() -> None:
    bad_hcs = by_id("normative", "hdlc-snrm-bad-hcs-negative")["hex"]
    out = dlms("decode", bad_hcs)
    assert out.returncode == 1
    assert out.stderr.strip().count("\n") == 0
    assert "HCS" in out.stderr and "Traceback" not in out.stderr
    odd = dlms("decode", "7ea")
    assert odd.returncode == 2 and "odd number of hex digits" in odd.stderr
    bad_char = dlms("decode", "7e zz")
    assert bad_char.returncode == 2 and "not a hex digit" in bad_char.stderr
    both = dlms("decode", "00", "--json", "--xml")
    assert both.returncode == 2 and "choose one" in both.stderr
    layer = dlms("decode", "00", "--layer", "nonsense")
    assert layer.returncode == 2 and "unknown layer" in layer.stderr
    truncated = dlms("decode", "7ea01e032193cd3b8180120501800601")
    assert truncated.returncode == 1 and "truncated" in truncated.stderr


CIPHERED = "dlmscosem-udp-ggc-datanotification"


def test_subprocess_keys_from_env_and_file(tmp_path: Path) -> None:
    entry = by_id("realworld", CIPHERED)
    keys = entry["keys"]
    no_keys = dlms("decode", entry["hex"], "--json")
    assert no_keys.returncode == 0
    apdu = json.loads(no_keys.stdout)["messages"][0]["apdu"]
    assert apdu["security"]["deciphered"] is False and "no keys" in apdu["security"]["note"]

    env = {"DLMS_EK": keys["ek"], "DLMS_AK": keys["ak"]}
    out = dlms("decode", entry["hex"], "--json", env=env)
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    check_vector(entry, doc, bytes.fromhex(entry["hex"]))

    key_file = tmp_path / "keys.yaml"
    key_file.write_text(f"ek: {keys['ek']}\nak: '{keys['ak']}'\n")
    key_file.chmod(0o600)
    out = dlms("decode", entry["hex"], "--json", "--keys", str(key_file))
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["messages"][0]["apdu"]["plain"]["apdu"] == "data-notification"
    assert keys["ek"] not in out.stdout + out.stderr

    loose = tmp_path / "loose.json"
    loose.write_text(json.dumps({"ek": keys["ek"], "ak": keys["ak"]}))
    loose.chmod(0o644)
    out = dlms("decode", entry["hex"], "--json", "--keys", str(loose))
    assert out.returncode == 0 and "can be read by other users" in out.stderr

    wrong = dict(env, DLMS_EK="00" * 16)
    out = dlms("decode", entry["hex"], "--json", env=wrong)
    assert out.returncode == 1 and "authentication tag does not verify" in out.stderr

    short = dlms("decode", entry["hex"], "--ek", "0011")
    assert short.returncode == 2 and "--ek must be 16 or 32 bytes" in short.stderr
    assert "0011" not in short.stderr  # the value is never echoed


def test_subprocess_secrets_hidden_by_default() -> None:
    entry = by_id("realworld", "dlmscosem-aarq-ln-lls")
    out = dlms("decode", entry["hex"], "--json")
    doc = json.loads(out.stdout)
    assert doc["messages"][0]["apdu"]["calling_authentication_value"] == {
        "redacted": True,
        "length": 8,
    }
    tree = dlms("decode", entry["hex"], "--tree")
    assert "31 32 33 34" not in tree.stdout and "** ** **" in tree.stdout
    xml = dlms("decode", entry["hex"], "--xml")
    assert "3132333435363738" not in xml.stdout
    shown = dlms("decode", entry["hex"], "--json", "--show-secrets")
    value = json.loads(shown.stdout)["messages"][0]["apdu"]["calling_authentication_value"]
    assert value["text"] == "12345678"


def test_help_and_version() -> None:
    out = dlms("--help")
    assert out.returncode == 0 and "decode" in out.stdout and "listen" in out.stdout
    out = dlms("decode", "--help")
    assert out.returncode == 0 and "--layer" in out.stdout and "DLMS_EK" in out.stdout
    out = dlms("--version")
    assert out.returncode == 0 and "dlmskit" in out.stdout


def test_missing_cli_dependencies_named() -> None:
    code = "import sys; sys.modules['typer'] = None; from dlmskit.cli import main; main(['--help'])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 2
    assert "pip install 'dlmskit[cli]'" in out.stderr and "typer" in out.stderr


def test_dlms_script_installed() -> None:
    script = Path(sys.executable).with_name("dlms")
    if not script.exists():
        pytest.skip("the dlms script is not installed in this environment")
    out = subprocess.run(
        [str(script), "decode", "7ea00703215303c77e", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0 and json.loads(out.stdout)["units"][0]["frame"] == "DISC"
