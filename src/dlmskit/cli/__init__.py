"""The ``dlms`` command line (``pip install 'dlmskit[cli]'``): Typer + rich.

One Typer application (:mod:`dlmskit.cli.app`), one module per command group, each with a
``register(app)`` function; shared options (keys, ``--json``), error handling, output
helpers and the trace hook live in :mod:`~dlmskit.cli.common`, :mod:`~dlmskit.cli.options`,
:mod:`~dlmskit.cli.keys`, :mod:`~dlmskit.cli.render` and :mod:`~dlmskit.cli.trace`.

Adding a command group: write ``dlmskit/cli/<group>.py`` with ``register(app)`` and list it
in :data:`dlmskit.cli.app.COMMAND_MODULES`.

Exit codes: 0 success; 1 the input or the peer failed a protocol check (a bad frame, a tag
that does not verify, a refused association); 2 usage error (a bad option, bad hex, a
missing key); 3 I/O error (a port, a file, a connection); 4 time-out; 130 interrupted.
"""

from __future__ import annotations

import sys

__all__ = ["main"]

_MISSING = (
    "dlms: the command line needs the optional dependencies typer, rich and PyYAML "
    "({missing} is missing). Install them with:  pip install 'dlmskit[cli]'"
)


def main(argv: list[str] | None = None) -> None:
    """The ``dlms`` entry point."""
    try:
        import rich  # noqa: F401
        import typer  # noqa: F401
        import yaml  # noqa: F401
    except ImportError as exc:
        print(_MISSING.format(missing=exc.name or "a package"), file=sys.stderr)
        raise SystemExit(2) from None
    from dlmskit.cli.app import run

    run(argv)
