"""Run a simulation: a pool of meters behind the server's endpoints, until cancelled.

What ``python -m dlmskit.simulator`` and ``dlms simulate`` call.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as _dt
import logging
import signal
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from dlmskit.association.quirks import MeterQuirks
from dlmskit.errors import LocalProtocolError
from dlmskit.io.udp import UdpEndpoint
from dlmskit.server.meter_server import MeterServer
from dlmskit.simulator.model import ModelSpec, load_model
from dlmskit.simulator.pool import MeterPool, SimulatedClock

__all__ = ["Simulation", "SimulationOptions", "serve_until_stopped", "simulate", "start"]

_log = logging.getLogger("dlmskit.simulator")


@dataclass(frozen=True, slots=True)
class SimulationOptions:
    """What to simulate and where.

    ``count`` meters of ``model`` (None: the reference meter). Without ``one_port`` meter
    *i* is served on ``port + i`` (and ``hdlc_port + i``, ``udp_port + i`` when given), its
    logical devices at their SAPs; with ``one_port`` all meters share ``port`` (and the other
    ports), meter *i* at wPort ``first_wport + i`` and HDLC physical address
    ``first_physical + i``. ``serial`` serves meter 0 over HDLC on a serial port.
    """

    model: str | None = None
    count: int = 1
    host: str = "127.0.0.1"
    port: int | None = 4059
    hdlc_port: int | None = None
    udp_port: int | None = None
    serial: str | None = None
    baudrate: int = 9600
    one_port: bool = False
    first_wport: int = 1
    first_physical: int = 0x10
    state_dir: Path | None = None
    start: _dt.datetime | None = None
    speed: float = 1.0
    quirks: tuple[str, ...] = ()
    inactivity_timeout: float | None = 120.0
    max_resident: int = 1024


def _spec(options: SimulationOptions) -> ModelSpec:
    spec = load_model(options.model)
    if options.quirks:
        merged = set(spec.quirks.active()) | set(options.quirks)
        spec = dataclasses.replace(spec, quirks=MeterQuirks.of(*sorted(merged)))
    return spec


async def start(options: SimulationOptions) -> Simulation:
    """Start serving (close the result to stop)."""
    if options.count < 1:
        raise LocalProtocolError("simulate at least one meter")
    spec = _spec(options)
    clock = SimulatedClock(options.start, options.speed)
    pool = MeterPool(
        spec,
        options.count,
        clock=clock,
        state_dir=options.state_dir,
        first_wport=options.first_wport,
        first_physical=options.first_physical,
        max_resident=options.max_resident,
    )
    listening: list[str] = []
    servers: list[MeterServer] = []

    def server_for(directory: object) -> MeterServer:
        server = MeterServer(
            directory,  # type: ignore[arg-type]
            clock=clock,
            inactivity_timeout=options.inactivity_timeout,
        )
        servers.append(server)
        return server

    host = options.host
    if options.one_port:
        server = server_for(pool)
        if options.port is not None:
            port = _port(await server.serve_tcp(host, options.port))
            listening.append(
                f"wrapper/TCP {host}:{port}, meters at wPorts "
                f"{options.first_wport}..{options.first_wport + options.count - 1}"
            )
        if options.hdlc_port is not None:
            port = _port(await server.serve_hdlc_tcp(host, options.hdlc_port))
            listening.append(
                f"HDLC/TCP {host}:{port}, meters at physical addresses "
                f"{options.first_physical}..{options.first_physical + options.count - 1}"
            )
        if options.udp_port is not None:
            port = _port(await server.serve_udp(host, options.udp_port))
            listening.append(f"wrapper/UDP {host}:{port}")
    else:
        for index in range(options.count):
            server = server_for(pool.view(index))
            serial, _ = spec.identity(index)
            if options.port is not None:
                port = _port(await server.serve_tcp(host, _next(options.port, index)))
                listening.append(f"{serial}: wrapper/TCP {host}:{port}")
            if options.hdlc_port is not None:
                port = _port(await server.serve_hdlc_tcp(host, _next(options.hdlc_port, index)))
                listening.append(f"{serial}: HDLC/TCP {host}:{port}")
            if options.udp_port is not None:
                port = _port(await server.serve_udp(host, _next(options.udp_port, index)))
                listening.append(f"{serial}: wrapper/UDP {host}:{port}")
    if options.serial is not None:
        server = server_for(pool.view(0))
        await server.serve_hdlc_serial(options.serial, baudrate=options.baudrate)
        listening.append(f"{spec.identity(0)[0]}: HDLC on {options.serial}")
    if not listening:
        raise LocalProtocolError("nothing to serve: give a TCP, HDLC, UDP or serial port")
    return Simulation(servers, pool, listening)


def _next(port: int, index: int) -> int:
    """Consecutive ports from ``port``; port 0 lets the system choose each one."""
    return port + index if port else 0


def _port(listener: asyncio.Server | UdpEndpoint) -> int:
    """The port really bound (the one asked for, or the system's choice for port 0)."""
    if isinstance(listener, UdpEndpoint):
        return int(listener.address[1])
    return int(listener.sockets[0].getsockname()[1])


class Simulation:
    """A running simulation: its servers (one per port without ``one_port``), the pool and
    a description of what listens where."""

    def __init__(self, servers: list[MeterServer], pool: MeterPool, listening: list[str]) -> None:
        self.servers = servers
        self.pool = pool
        self.listening = listening

    async def close(self) -> None:
        """Stop serving and save the state of every meter in memory."""
        for server in self.servers:
            await server.close()
        self.pool.save_all()


async def serve_until_stopped(simulation: Simulation, timeout: float | None = None) -> None:
    """Wait until cancelled, SIGTERM or ``timeout`` seconds, then close the simulation (the
    state of every meter in memory is saved)."""
    loop = asyncio.get_running_loop()
    stopped = asyncio.Event()
    with contextlib.suppress(NotImplementedError, RuntimeError):  # not on every platform
        loop.add_signal_handler(signal.SIGTERM, stopped.set)
    try:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await stopped.wait()
    finally:
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.remove_signal_handler(signal.SIGTERM)
        await simulation.close()


async def simulate(
    options: SimulationOptions,
    *,
    ready: Callable[[list[str]], None] | None = None,
    timeout: float | None = None,
) -> None:
    """Serve until cancelled, SIGTERM or ``timeout``; the state of every meter in memory is
    saved at the end."""
    simulation = await start(options)
    for line in simulation.listening:
        _log.info("serving %s", line)
    if ready is not None:
        ready(simulation.listening)
    await serve_until_stopped(simulation, timeout)
