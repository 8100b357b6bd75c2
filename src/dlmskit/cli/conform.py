"""``dlms conform``: the conformance test suite against a meter, or a head-end.

``dlms conform CONNECTION [--iut FILE] --report DIR`` runs the test plans of
:mod:`dlmskit.conformance` against the meter at CONNECTION (``tcp://``, ``udp://``,
``hdlc+tcp://``, ``serial://``), prints a line per test case as it ends and a summary, and
writes ``report.json`` and ``report.html`` into DIR. Without ``--iut`` the meter is described
from what it answers to the public client. ``--head-end`` turns it round: the reference meter
is served on CONNECTION (``tcp://`` or ``hdlc+tcp://``) for a head-end to use, and what the
head-end sends is judged.

Exit code 0 only when no test case FAILED (1 when one did); 2 for bad options or a bad IUT
file, 3 when the IUT cannot be reached.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Annotated

import typer

from dlmskit.cli.common import CliError, ExitCode, State, emit_json, reporting_errors, state_of
from dlmskit.cli.options import JsonOpt

__all__ = ["conform", "register"]

_STYLE = {
    "PASSED": "green",
    "FAILED": "bold red",
    "INCONCLUSIVE": "yellow",
    "INAPPLICABLE": "dim",
}


def _escape(text: str) -> str:
    return text.replace("[", "\\[")


def conform(
    ctx: typer.Context,
    connection: Annotated[
        str,
        typer.Argument(
            metavar="CONNECTION",
            help="The meter: tcp://HOST:PORT or udp://HOST:PORT (wrapper), hdlc+tcp://HOST:PORT "
            "or serial:///dev/ttyUSB0?baud=9600 (HDLC). With --head-end: where the reference "
            "meter listens, tcp://HOST:PORT or hdlc+tcp://HOST:PORT (port 0: any free port).",
            show_default=False,
        ),
    ],
    report: Annotated[
        Path,
        typer.Option(
            "--report",
            metavar="DIR",
            help="Write report.json and report.html into DIR (made if missing).",
            file_okay=False,
        ),
    ],
    iut: Annotated[
        Path | None,
        typer.Option(
            "--iut",
            metavar="FILE",
            help="The implementation under test (YAML: addresses, profile, associations, "
            "secrets and keys); 'reference' for dlmskit's reference meter (dlms simulate). "
            "Without it the meter is described from its public association.",
            dir_okay=False,
            show_default=False,
        ),
    ] = None,
    include: Annotated[
        list[str] | None,
        typer.Option(
            "--case",
            "-c",
            metavar="PATTERN",
            help="Run only the test cases whose id or group matches (shell pattern, e.g. "
            "'T_HDLC_*'); repeatable.",
            show_default=False,
        ),
    ] = None,
    exclude: Annotated[
        list[str] | None,
        typer.Option(
            "--exclude",
            "-x",
            metavar="PATTERN",
            help="Leave out the test cases whose id or group matches; repeatable.",
            show_default=False,
        ),
    ] = None,
    client: Annotated[
        int | None,
        typer.Option(
            "--client",
            help="Without --iut: the public client's address (default 16).",
            show_default=False,
        ),
    ] = None,
    logical_device: Annotated[
        int | None,
        typer.Option(
            "--logical-device",
            help="Without --iut: the logical device (default 1).",
            show_default=False,
        ),
    ] = None,
    physical: Annotated[
        int | None,
        typer.Option(
            "--physical",
            help="Without --iut, over HDLC: the meter's physical (lower) address.",
            show_default=False,
        ),
    ] = None,
    response_timeout: Annotated[
        float | None,
        typer.Option(
            "--response-timeout",
            min=0.05,
            metavar="SECONDS",
            help="How long to wait for an answer the IUT owes (overrides the IUT file).",
            show_default=False,
        ),
    ] = None,
    silence: Annotated[
        float | None,
        typer.Option(
            "--silence",
            min=0.05,
            metavar="SECONDS",
            help="How long a silence shows a frame was ignored (overrides the IUT file).",
            show_default=False,
        ),
    ] = None,
    head_end: Annotated[
        bool,
        typer.Option(
            "--head-end",
            help="Test a head-end: serve the reference meter on CONNECTION and judge what the "
            "head-end sends (--iut then describes the meter's associations and keys).",
        ),
    ] = False,
    sessions: Annotated[
        int,
        typer.Option(
            "--sessions",
            min=1,
            help="With --head-end: judge after this many head-end connections have ended.",
        ),
    ] = 1,
    wait: Annotated[
        float,
        typer.Option(
            "--wait",
            min=1.0,
            metavar="SECONDS",
            help="With --head-end: the longest time to wait for the head-end.",
        ),
    ] = 300.0,
    json_out: JsonOpt = False,
) -> None:
    """Run the conformance test suite against a meter (or, with --head-end, a head-end)."""
    state = state_of(ctx)
    state.json_errors = json_out
    with reporting_errors(state):
        from dlmskit.conformance import (
            Connection,
            Iut,
            IutError,
            RunSettings,
            Timeouts,
            load_iut,
            reference_iut,
            run_head_end,
            run_suite,
        )
        from dlmskit.conformance.report import write_reports

        target = None
        if not head_end:
            try:
                target = Connection.parse(
                    connection,
                    client_address=client,
                    server_address=logical_device,
                    physical_address=physical,
                )
            except ValueError as exc:
                raise CliError(str(exc), ExitCode.USAGE) from None
        description: Iut | None = None
        try:
            if iut is not None and str(iut) == "reference" and not iut.exists():
                description = reference_iut()
            elif iut is not None:
                description = load_iut(iut)
        except IutError as exc:
            raise CliError(f"{iut}: {exc}", ExitCode.USAGE) from None
        if description is not None and (response_timeout or silence):
            import dataclasses

            t = description.timeouts
            description = dataclasses.replace(
                description,
                timeouts=Timeouts(response_timeout or t.response, silence or t.silence, t.max_wait),
            )
        settings = RunSettings(include=tuple(include or ()), exclude=tuple(exclude or ()))
        progress = _Progress(state, json_out=json_out)
        if head_end:
            from dlmskit.cli.endpoints import parse_endpoint

            place = parse_endpoint(connection)

            def ready(port: int) -> None:
                scheme = "hdlc+tcp" if place.framing == "hdlc" else "tcp"
                where = f"{scheme}://{place.host}:{port}"
                state.err.print(f"reference meter listening on {where}: connect the head-end")

            result = asyncio.run(
                run_head_end(
                    connection,
                    description,
                    settings,
                    sessions=sessions,
                    timeout=wait,
                    on_ready=ready,
                    progress=progress,
                )
            )
        else:
            assert target is not None
            discovery: dict[str, object] = {
                "timeouts": Timeouts(response_timeout or 3.0, silence or 0.6),
            }
            try:
                result = asyncio.run(
                    run_suite(
                        target,
                        description,
                        settings,
                        progress=progress,
                        discovery=discovery,
                    )
                )
            except OSError as exc:
                raise CliError(f"cannot reach {target}: {exc}", ExitCode.IO) from None
        json_path, html_path = write_reports(result, report)
        _summary(state, result, json_out=json_out, paths=(json_path, html_path))
    raise typer.Exit(result.exit_code)


class _Progress:
    """Prints a line per test case result as the run goes."""

    def __init__(self, state: State, *, json_out: bool) -> None:
        self.state = state
        self.json_out = json_out

    def __call__(self, result: object) -> None:
        from dlmskit.conformance import CaseResult

        assert isinstance(result, CaseResult)
        if self.json_out:
            return
        verdict = result.verdict.value
        style = _STYLE[verdict]
        self.state.out.print(
            f"[{style}]{verdict:<12}[/] {_escape(result.label)}  [dim]{_escape(result.reason)}[/]"
        )
        if self.state.trace:
            for record in result.traffic:
                if not record.data:
                    continue
                arrow = "TX" if record.direction.value == "out" else "RX"
                self.state.err.print(
                    f"{record.time:8.3f} {arrow} {record.data.hex(' ')}", highlight=False
                )
                for line in record.decoded:
                    self.state.err.print(f"             {_escape(line)}", highlight=False)


def _summary(state: State, result: object, *, json_out: bool, paths: tuple[Path, Path]) -> None:
    from dlmskit.conformance import RunReport

    assert isinstance(result, RunReport)
    if json_out:
        emit_json(
            {
                "target": result.target,
                "verdict": result.verdict.value,
                "summary": result.summary,
                "report": {"json": str(paths[0]), "html": str(paths[1])},
                "results": [
                    {
                        "id": r.case_id,
                        "instance": r.instance,
                        "verdict": r.verdict.value,
                        "reason": r.reason,
                    }
                    for r in result.results
                ],
            }
        )
        return
    from rich.table import Table

    table = Table(title=f"Conformance of {result.target}", title_justify="left")
    for name in ("PASSED", "FAILED", "INCONCLUSIVE", "INAPPLICABLE", "total"):
        table.add_column(name, justify="right")
    counts = result.summary
    table.add_row(
        *(
            f"[{_STYLE.get(k, 'bold')}]{counts[k]}[/]"
            for k in ("PASSED", "FAILED", "INCONCLUSIVE", "INAPPLICABLE", "total")
        )
    )
    state.out.print(table)
    verdict = result.verdict.value
    state.out.print(
        f"result: [{_STYLE.get(verdict, 'bold')}]{verdict}[/]  ({result.duration:.1f} s)"
    )
    state.out.print(f"report: {paths[1]}  {paths[0]}")
    sys.stdout.flush()


def register(app: typer.Typer) -> None:
    app.command("conform")(conform)
