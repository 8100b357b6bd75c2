"""Key material from options, environment variables or a file -- never echoed.

Precedence: an option, then its environment variable (Typer reads both), then ``--keys
FILE``. A file is YAML (or JSON, which YAML reads too) with any of these keys::

    ek: 000102030405060708090A0B0C0D0E0F      # also: guek, unicast, encryption_key
    ak: D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF      # also: gak, authentication, authentication_key
    bk: ...                                   # also: gbek, broadcast
    dk: ...                                   # also: dedicated
    kek: ...                                  # also: master, master_key
    system_title: 4D4D4D0000BC614E            # also: st, server_system_title

Hex may contain spaces or colons. Errors name the option or the file entry and how many
hex digits it had, never its value. A keys file that others can read draws a warning.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from dlmskit.cli.common import CliError, ExitCode
from dlmskit.security import Key
from dlmskit.translator import DecodeKeys

__all__ = ["KeyOptions", "load_keys"]

_FILE_NAMES: Final = {
    "ek": ("ek", "guek", "unicast", "encryption_key", "global_unicast_key"),
    "ak": ("ak", "gak", "authentication", "authentication_key"),
    "bk": ("bk", "gbek", "broadcast", "broadcast_key"),
    "dk": ("dk", "dedicated", "dedicated_key"),
    "kek": ("kek", "master", "master_key"),
    "system_title": ("system_title", "st", "server_system_title", "systemtitle"),
}
_HEX_IGNORED: Final = str.maketrans("", "", " :-_\t")


@dataclass(frozen=True)
class KeyOptions:
    """The raw key options of a command (strings, as typed or from the environment)."""

    ek: str | None = None
    ak: str | None = None
    bk: str | None = None
    dk: str | None = None
    kek: str | None = None
    system_title: str | None = None
    keys_file: Path | None = None


def _hex(text: str, what: str) -> bytes:
    cleaned = text.strip().translate(_HEX_IGNORED)
    if cleaned[:2] in ("0x", "0X"):
        cleaned = cleaned[2:]
    try:
        return bytes.fromhex(cleaned)
    except ValueError:
        raise CliError(
            f"{what} is not hex ({len(cleaned)} characters, not all of them hex digits)"
        ) from None


def _key(text: str | None, what: str) -> Key | None:
    if text is None or not text.strip():
        return None
    raw = _hex(text, what)
    if len(raw) not in (16, 32):
        raise CliError(f"{what} must be 16 or 32 bytes (32 or 64 hex digits), it has {len(raw)}")
    return Key(raw)


def _read_file(path: Path, warn: Any) -> dict[str, str]:
    try:
        text = path.read_text(encoding="utf-8")
        mode = path.stat().st_mode
    except OSError as exc:
        raise CliError(f"cannot read the keys file {path}: {exc.strerror}", ExitCode.IO) from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO) and warn is not None:
        warn(f"warning: the keys file {path} can be read by other users (chmod 600 {path})")
    data: Any
    try:
        import yaml

        data = yaml.safe_load(text)
    except Exception:
        try:
            data = json.loads(text)
        except ValueError:
            raise CliError(f"the keys file {path} is neither YAML nor JSON") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise CliError(f"the keys file {path} must hold a mapping of names to hex values")
    found: dict[str, str] = {}
    known = {alias: name for name, aliases in _FILE_NAMES.items() for alias in aliases}
    for raw_name, value in data.items():
        name = known.get(str(raw_name).strip().lower().replace("-", "_"))
        if name is None:
            raise CliError(
                f"the keys file {path} has an unknown entry {str(raw_name)!r} "
                f"(known: {', '.join(_FILE_NAMES)})"
            )
        if value is None:
            continue
        if isinstance(value, int):
            raise CliError(f"{path}: {raw_name} must be quoted hex text, not a number")
        found[name] = str(value)
    return found


def load_keys(options: KeyOptions, *, warn: Any = None) -> DecodeKeys:
    """The keys to decipher with; :class:`CliError` (exit 2) for a malformed one."""
    from_file: dict[str, str] = {}
    if options.keys_file is not None:
        from_file = _read_file(Path(os.path.expanduser(options.keys_file)), warn)

    def pick(name: str, option: str | None) -> tuple[str | None, str]:
        if option is not None and option.strip():
            return option, f"--{name.replace('_', '-')}"
        return from_file.get(name), f"{name} in {options.keys_file}"

    ek, ek_what = pick("ek", options.ek)
    ak, ak_what = pick("ak", options.ak)
    bk, bk_what = pick("bk", options.bk)
    dk, dk_what = pick("dk", options.dk)
    kek, kek_what = pick("kek", options.kek)
    title_text, title_what = pick("system_title", options.system_title)
    title = None
    if title_text is not None and title_text.strip():
        title = _hex(title_text, title_what)
        if len(title) != 8:
            raise CliError(f"{title_what} must be 8 bytes (16 hex digits), it has {len(title)}")
    return DecodeKeys(
        unicast=_key(ek, ek_what),
        authentication=_key(ak, ak_what),
        broadcast=_key(bk, bk_what),
        dedicated=_key(dk, dk_what),
        master=_key(kek, kek_what),
        system_title=title,
    )
