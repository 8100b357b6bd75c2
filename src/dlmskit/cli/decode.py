"""``dlms decode``: the translator on the command line."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from dlmskit.cli.common import CliError, emit_json, reporting_errors, state_of
from dlmskit.cli.keys import KeyOptions, load_keys
from dlmskit.cli.options import (
    AkOpt,
    BkOpt,
    DkOpt,
    EkOpt,
    JsonOpt,
    KekOpt,
    KeysFileOpt,
    ShowSecretsOpt,
    SystemTitleOpt,
)
from dlmskit.translator import Layer, parse_hex, translate

__all__ = ["decode", "register"]

_LAYERS = ", ".join(layer.value for layer in Layer)


def _int(text: str | None, what: str, bits: int) -> int | None:
    if text is None:
        return None
    try:
        value = int(text, 0) if text.lower().startswith("0x") else int(text, 16)
    except ValueError:
        raise CliError(f"{what} takes a hex number (e.g. 30 or 0x30), not {text!r}") from None
    if not 0 <= value < 1 << bits:
        raise CliError(f"{what} is {bits} bits: 0..{(1 << bits) - 1:x} (hex)")
    return value


def decode(
    ctx: typer.Context,
    hex_text: Annotated[
        list[str],
        typer.Argument(
            metavar="HEX...",
            help="The bytes as hex (spaces, newlines, colons and 0x allowed), or - to read "
            "them from standard input.",
            show_default=False,
        ),
    ],
    layer: Annotated[
        str,
        typer.Option("--layer", "-l", help=f"What the bytes are: {_LAYERS}.", metavar="LAYER"),
    ] = "auto",
    json_out: JsonOpt = False,
    xml: Annotated[
        bool, typer.Option("--xml", help="Print XML in the element style of Gurux's translator.")
    ] = False,
    tree: Annotated[
        bool,
        typer.Option("--tree", help="Explain every byte: offset, bytes, meaning."),
    ] = False,
    ek: EkOpt = None,
    ak: AkOpt = None,
    bk: BkOpt = None,
    dk: DkOpt = None,
    kek: KekOpt = None,
    system_title: SystemTitleOpt = None,
    keys_file: KeysFileOpt = None,
    challenge: Annotated[
        str | None,
        typer.Option(
            "--challenge", metavar="HEX", help="StoC challenge to verify an HLS-GMAC response."
        ),
    ] = None,
    security_control: Annotated[
        str | None,
        typer.Option(
            "--security-control",
            metavar="HEX",
            help="Security control byte of a bare ciphertext (--layer ciphertext).",
        ),
    ] = None,
    invocation_counter: Annotated[
        str | None,
        typer.Option(
            "--invocation-counter",
            metavar="HEX",
            help="Invocation counter of a bare ciphertext (--layer ciphertext).",
        ),
    ] = None,
    lenient: Annotated[
        bool,
        typer.Option(
            "--lenient", help="Decode known meter bugs (named quirks) instead of refusing them."
        ),
    ] = False,
    show_secrets: ShowSecretsOpt = False,
) -> None:
    """Decode any DLMS bytes: HDLC frames, wrapper, M-Bus, LLC, APDUs, A-XDR data.

    The layer is detected unless --layer names it; ciphered APDUs are deciphered with the
    keys given; HDLC segments and general block transfer are joined. Input that fails a
    check (FCS, HCS, length, tag, authentication tag, an orphan block) is an error.
    """
    state = state_of(ctx)
    state.json_errors = json_out
    with reporting_errors(state):
        if sum((json_out, xml, tree)) > 1:
            raise CliError("choose one of --json, --xml and --tree")
        try:
            chosen = Layer.parse(layer)
        except ValueError as exc:
            raise CliError(str(exc)) from None
        text = " ".join(hex_text)
        if text.strip() == "-":
            text = sys.stdin.read()
        data = parse_hex(text)
        keys = load_keys(
            KeyOptions(ek, ak, bk, dk, kek, system_title, keys_file),
            warn=lambda line: state.err.print(line, style="yellow"),
        )
        result = translate(
            data,
            layer=chosen,
            keys=keys,
            challenge=parse_hex(challenge) if challenge else None,
            security_control=_int(security_control, "--security-control", 8),
            invocation_counter=_int(invocation_counter, "--invocation-counter", 32),
            lenient=lenient,
        )
        if json_out:
            emit_json(result.to_json(show_secrets=show_secrets))
        elif xml:
            from dlmskit.translator.xmlview import to_xml

            sys.stdout.write(to_xml(result, show_secrets=show_secrets))
        elif tree:
            from dlmskit.cli.render import render_spans
            from dlmskit.translator.explain import explain

            render_spans(state.out, explain(result, show_secrets=show_secrets))
        else:
            from dlmskit.cli.render import render_translation

            render_translation(state.out, result, show_secrets=show_secrets)


def register(app: typer.Typer) -> None:
    app.command("decode")(decode)
