"""Options shared by the commands, as ``Annotated`` types (Typer style).

Key options read their environment variable when not given (``DLMS_EK``, ``DLMS_AK``, ...);
``--keys FILE`` (``DLMS_KEYS``) names a YAML or JSON file of them. Prefer the environment or
a file to options: a command line is visible to other users of the machine (``ps``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

__all__ = [
    "AkOpt",
    "BkOpt",
    "DkOpt",
    "EkOpt",
    "JsonOpt",
    "KekOpt",
    "KeysFileOpt",
    "ShowSecretsOpt",
    "SystemTitleOpt",
]

_KEYS = "Keys (or env DLMS_*, or --keys FILE)"

JsonOpt = Annotated[
    bool, typer.Option("--json", help="Print typed JSON (machine-readable) instead of text.")
]
EkOpt = Annotated[
    str | None,
    typer.Option(
        "--ek",
        envvar="DLMS_EK",
        metavar="HEX",
        help="Global unicast encryption key (EK), 16 or 32 bytes of hex.",
        rich_help_panel=_KEYS,
        show_default=False,
    ),
]
AkOpt = Annotated[
    str | None,
    typer.Option(
        "--ak",
        envvar="DLMS_AK",
        metavar="HEX",
        help="Authentication key (AK).",
        rich_help_panel=_KEYS,
        show_default=False,
    ),
]
BkOpt = Annotated[
    str | None,
    typer.Option(
        "--bk",
        envvar="DLMS_BK",
        metavar="HEX",
        help="Global broadcast encryption key.",
        rich_help_panel=_KEYS,
        show_default=False,
    ),
]
DkOpt = Annotated[
    str | None,
    typer.Option(
        "--dk",
        envvar="DLMS_DK",
        metavar="HEX",
        help="Dedicated key (also learnt from a deciphered AARQ).",
        rich_help_panel=_KEYS,
        show_default=False,
    ),
]
KekOpt = Annotated[
    str | None,
    typer.Option(
        "--kek",
        envvar="DLMS_KEK",
        metavar="HEX",
        help="Master key (KEK) for wrapped keys of general-ciphering.",
        rich_help_panel=_KEYS,
        show_default=False,
    ),
]
SystemTitleOpt = Annotated[
    str | None,
    typer.Option(
        "--system-title",
        envvar="DLMS_SYSTEM_TITLE",
        metavar="HEX",
        help="Sender's system title (8 bytes of hex) for ciphered APDUs that do not carry it.",
        rich_help_panel=_KEYS,
        show_default=False,
    ),
]
KeysFileOpt = Annotated[
    Path | None,
    typer.Option(
        "--keys",
        envvar="DLMS_KEYS",
        metavar="FILE",
        help="YAML or JSON file with ek, ak, bk, dk, kek, system_title.",
        rich_help_panel=_KEYS,
        show_default=False,
        dir_okay=False,
    ),
]
ShowSecretsOpt = Annotated[
    bool,
    typer.Option(
        "--show-secrets",
        help="Show passwords, challenges and dedicated keys found in the data (hidden by "
        "default). Keys given to dlms are never shown.",
    ),
]
