"""``dlms simulate``: serve simulated meters (the built-in reference meter by default).

``dlms simulate --port 4059`` alone serves the reference meter on 127.0.0.1:4059 over the
TCP wrapper: public client 16 (no security) reaches management logical device 1, reader 32
with LLS, management client 1 with HLS-GMAC and authenticated encryption. A device model
file (``--model``, YAML) describes another meter; ``--count`` serves several, one port each
or all on one port (``--one-port``: meter *i* at wPort ``--first-wport`` + *i*). Runs until
interrupted (or ``--timeout``); with ``--state-dir`` a restarted meter continues where it
stopped (invocation counters, changed values).
"""

from __future__ import annotations

import asyncio
import datetime as _dt
from pathlib import Path
from typing import Annotated

import typer

from dlmskit.association.quirks import MeterQuirks
from dlmskit.cli.common import (
    CliError,
    ExitCode,
    State,
    emit_json,
    reporting_errors,
    state_of,
)
from dlmskit.cli.options import JsonOpt
from dlmskit.simulator.runner import SimulationOptions, serve_until_stopped, start

__all__ = ["register", "simulate"]


def _start_time(text: str | None) -> _dt.datetime | None:
    if text is None:
        return None
    try:
        moment = _dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise CliError(f"--start {text!r} is no ISO 8601 date-time") from None
    if moment.tzinfo is None:
        raise CliError("--start needs a UTC offset (2024-05-01T12:00:00Z)")
    return moment


def simulate(
    ctx: typer.Context,
    port: Annotated[
        int | None,
        typer.Option("--port", "-p", help="Wrapper/TCP port (the first one with --count)."),
    ] = 4059,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    model: Annotated[
        Path | None,
        typer.Option(
            "--model",
            "-m",
            metavar="FILE",
            help="Device model file (YAML); default: the built-in reference meter.",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
    count: Annotated[int, typer.Option("--count", "-n", min=1, help="Number of meters.")] = 1,
    one_port: Annotated[
        bool,
        typer.Option(
            "--one-port",
            help="All meters on one port: meter i at wPort FIRST_WPORT+i (wrapper) and at "
            "HDLC physical address FIRST_PHYSICAL+i.",
        ),
    ] = False,
    first_wport: Annotated[int, typer.Option("--first-wport", min=1, max=0xFFFF)] = 1,
    first_physical: Annotated[int, typer.Option("--first-physical", min=16, max=0x3FFD)] = 16,
    hdlc_port: Annotated[
        int | None, typer.Option("--hdlc-port", help="HDLC over TCP port.", show_default=False)
    ] = None,
    udp_port: Annotated[
        int | None, typer.Option("--udp-port", help="Wrapper/UDP port.", show_default=False)
    ] = None,
    serial: Annotated[
        str | None,
        typer.Option(
            "--serial", metavar="DEVICE", help="Serve meter 0 over HDLC on a serial port."
        ),
    ] = None,
    baud: Annotated[int, typer.Option("--baud", min=1)] = 9600,
    state_dir: Annotated[
        Path | None,
        typer.Option(
            "--state-dir",
            metavar="DIR",
            help="Keep invocation counters and changed values here across restarts.",
            file_okay=False,
        ),
    ] = None,
    start_time: Annotated[
        str | None,
        typer.Option(
            "--start",
            metavar="TIME",
            help="Simulated start time, ISO 8601 with offset (default: real time).",
            show_default=False,
        ),
    ] = None,
    speed: Annotated[
        float, typer.Option("--speed", min=0.001, help="Speed of simulated time.")
    ] = 1.0,
    quirks: Annotated[
        list[str] | None,
        typer.Option(
            "--quirk",
            metavar="NAME",
            help="Switch on a named defect (repeat); --list-quirks lists them.",
            show_default=False,
        ),
    ] = None,
    list_quirks: Annotated[
        bool, typer.Option("--list-quirks", help="List the named defects and exit.")
    ] = False,
    inactivity_timeout: Annotated[
        float,
        typer.Option(
            "--inactivity-timeout", min=0.0, metavar="SECONDS", help="Close silent connections."
        ),
    ] = 120.0,
    timeout: Annotated[
        float | None,
        typer.Option(
            "--timeout", min=0.0, metavar="SECONDS", help="Stop after SECONDS.", show_default=False
        ),
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Serve simulated meters (the built-in three-phase reference meter by default)."""
    state = state_of(ctx)
    state.json_errors = json_out
    if list_quirks:
        if json_out:
            emit_json(list(MeterQuirks.names()))
        else:
            for name in MeterQuirks.names():
                state.out.print(name)
        return
    with reporting_errors(state):
        unknown = [q for q in quirks or [] if q not in MeterQuirks.names()]
        if unknown:
            raise CliError(f"no such quirk: {', '.join(unknown)} (see --list-quirks)")
        options = SimulationOptions(
            model=None if model is None else str(model),
            count=count,
            host=host,
            port=port,
            hdlc_port=hdlc_port,
            udp_port=udp_port,
            serial=serial,
            baudrate=baud,
            one_port=one_port,
            first_wport=first_wport,
            first_physical=first_physical,
            state_dir=state_dir,
            start=_start_time(start_time),
            speed=speed,
            quirks=tuple(quirks or ()),
            inactivity_timeout=inactivity_timeout or None,
        )
        try:
            asyncio.run(_serve(options, json_out, timeout, state))
        except KeyboardInterrupt:
            state.err.print("stopped")
            raise typer.Exit(int(ExitCode.OK)) from None


async def _serve(
    options: SimulationOptions, json_out: bool, timeout: float | None, state: State
) -> None:
    simulation = await start(options)
    if json_out:
        emit_json({"listening": simulation.listening}, compact=True)
    else:
        for line in simulation.listening:
            state.out.print(f"serving {line}")
    await serve_until_stopped(simulation, timeout)


def register(app: typer.Typer) -> None:
    app.command("simulate")(simulate)
