"""What every command shares: the global state, exit codes, error reporting, JSON output.

Expected failures (bad input, a protocol error from the peer, a port that cannot be opened,
a missing key) print one line -- ``error: ...`` -- on standard error and exit non-zero; with
``--json`` the same error also goes to standard output as ``{"error": {...}}``. No
traceback is shown for them. Keys never appear in these messages.
"""

from __future__ import annotations

import contextlib
import enum
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, NoReturn

import typer
from rich.console import Console

from dlmskit.errors import DlmsError, LocalProtocolError, RemoteProtocolError
from dlmskit.translator.errors import TranslationError

__all__ = [
    "CliError",
    "ExitCode",
    "State",
    "emit_json",
    "fail",
    "reporting_errors",
    "state_of",
]


class ExitCode(enum.IntEnum):
    OK = 0
    INVALID = 1  # the input or the peer failed a protocol check
    USAGE = 2  # bad options, bad hex, missing keys
    IO = 3  # a port, a file or a connection failed
    TIMEOUT = 4
    INTERRUPTED = 130


class CliError(Exception):
    """An expected failure with its exit code; the message is shown as it is."""

    def __init__(self, message: str, code: ExitCode = ExitCode.USAGE) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass
class State:
    """Global options (``dlms --trace --no-color ...``) and the consoles, in ``ctx.obj``."""

    trace: bool = False
    color: bool = True
    out: Console = field(default_factory=lambda: Console(highlight=False, soft_wrap=True))
    err: Console = field(
        default_factory=lambda: Console(stderr=True, highlight=False, soft_wrap=True)
    )
    json_errors: bool = False
    #: JSON lines (listen) rather than one indented document (decode)
    json_lines: bool = False

    @classmethod
    def make(cls, *, trace: bool = False, color: bool = True) -> State:
        no_color = not color
        # not a terminal (a pipe, a file): wide lines rather than cut ones
        out_width = None if sys.stdout.isatty() else 200
        err_width = None if sys.stderr.isatty() else 200
        return cls(
            trace=trace,
            color=color,
            out=Console(highlight=False, soft_wrap=True, no_color=no_color, width=out_width),
            err=Console(
                stderr=True, highlight=False, soft_wrap=True, no_color=no_color, width=err_width
            ),
        )


def state_of(ctx: typer.Context) -> State:
    root = ctx.find_root()
    if not isinstance(root.obj, State):
        root.obj = State.make()
    return root.obj


def emit_json(obj: Any, *, compact: bool = False) -> None:
    """Print JSON on standard output (UTF-8, one document, or one line with ``compact``)."""
    text = json.dumps(obj, ensure_ascii=False, indent=None if compact else 2)
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def fail(state: State, message: str, code: ExitCode, **details: Any) -> NoReturn:
    """Report an expected failure in one line and exit with ``code``."""
    if state.json_errors:
        emit_json(
            {"error": {"message": message, "exit_code": int(code), **details}},
            compact=state.json_lines,
        )
    state.err.print(f"[bold red]error:[/] {_escape(message)}")
    raise typer.Exit(int(code))


def _escape(text: str) -> str:
    return text.replace("[", "\\[")


def _classify(exc: BaseException) -> tuple[ExitCode, dict[str, Any]] | None:
    if isinstance(exc, CliError):
        return exc.code, {}
    if isinstance(exc, TranslationError):
        details: dict[str, Any] = {"layer": exc.layer} if exc.layer else {}
        if exc.offset is not None:
            details["offset"] = exc.offset
        return ExitCode.INVALID, details
    if isinstance(exc, LocalProtocolError):
        return ExitCode.USAGE, {}
    if isinstance(exc, TimeoutError):
        return ExitCode.TIMEOUT, {}
    if isinstance(exc, RemoteProtocolError | DlmsError):
        return ExitCode.INVALID, {}
    if isinstance(exc, OSError):
        return ExitCode.IO, {}
    return None


def _message(exc: BaseException) -> str:
    if isinstance(exc, CliError):
        return exc.message
    if isinstance(exc, OSError) and exc.strerror:
        where = f": {exc.filename}" if exc.filename else ""
        return f"{exc.strerror}{where}"
    text = str(exc)
    return text or type(exc).__name__


@contextlib.contextmanager
def reporting_errors(state: State) -> Iterator[None]:
    """Turn the expected exceptions of a command into one line and an exit code."""
    try:
        yield
    except KeyboardInterrupt:
        state.err.print("interrupted")
        raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
    except (typer.Exit, typer.Abort):
        raise
    except Exception as exc:
        found = _classify(exc)
        if found is None:
            raise
        code, details = found
        fail(state, _message(exc), code, **details)
