"""The ``dlms`` Typer application: global options, and the command modules registered on it."""

from __future__ import annotations

import importlib
from typing import Annotated, Final

import typer

from dlmskit import __version__
from dlmskit.cli.common import State

__all__ = ["COMMAND_MODULES", "app", "run"]

#: The modules that add commands to :data:`app`; each has ``register(app)``.
COMMAND_MODULES: Final = (
    "dlmskit.cli.decode",
    "dlmskit.cli.listen",
    "dlmskit.cli.meter",
    "dlmskit.cli.simulate",
    "dlmskit.cli.conform",
)

app = typer.Typer(
    name="dlms",
    help="DLMS/COSEM (IEC 62056) from the command line: read and write meters, read "
    "profiles, diagnose a connection, decode any capture, listen to pushes, simulate meters, "
    "test conformance.",
    no_args_is_help=True,
    add_completion=False,
    # tracebacks with local variables could show keys: expected errors print one line,
    # anything else is a bug and gets Python's plain traceback
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"dlms (dlmskit) {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    trace: Annotated[
        bool,
        typer.Option(
            "--trace",
            envvar="DLMS_TRACE",
            help="Print every frame sent and received (TX/RX) with a timestamp, its hex and "
            "its decoded view, on standard error.",
        ),
    ] = False,
    color: Annotated[
        bool, typer.Option("--color/--no-color", help="Colour the text output.")
    ] = True,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """DLMS/COSEM from the command line."""
    ctx.obj = State.make(trace=trace, color=color)


for _name in COMMAND_MODULES:
    importlib.import_module(_name).register(app)


def run(argv: list[str] | None = None) -> None:
    app(args=argv, prog_name="dlms")
