"""``dlms listen``: receive pushes (data-notification, event-notification, ...) and show them.

Listens on wrapper TCP or UDP, HDLC over TCP or a serial port, or wired M-Bus on a serial
port (:mod:`dlmskit.cli.endpoints`), with :mod:`dlmskit.io` transports and the
:mod:`dlmskit.link` readers. Every APDU received is deciphered with the keys given and
decoded by the translator's :class:`~dlmskit.translator.Decoder` (one per peer, so system
titles and block transfers are followed per connection). Each notification is printed (a
tree, or one JSON line with ``--json``) and appended as a JSON line to ``--out FILE``. A
push that fails a check is reported as one error line (and an ``{"error": ...}`` record)
and listening goes on. Runs until interrupted, or until ``--count`` notifications or
``--timeout`` seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Annotated, Any

import typer

from dlmskit.cli.common import (
    CliError,
    ExitCode,
    State,
    emit_json,
    reporting_errors,
    state_of,
)
from dlmskit.cli.endpoints import Endpoint, parse_endpoint
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
from dlmskit.cli.render import message_tree
from dlmskit.errors import DlmsError
from dlmskit.io.base import Transport
from dlmskit.link.errors import LinkLostError
from dlmskit.link.hdlc.reader import FrameReader
from dlmskit.link.mbus import MBusReader
from dlmskit.link.wrapper import WrapperError, WrapperReader, decode_datagram
from dlmskit.translator import DecodeKeys, Decoder, Message, TranslationError
from dlmskit.translator.jsonview import message_to_json
from dlmskit.translator.links import HdlcAssembler, MBusAssembler, split_llc

__all__ = ["listen", "register"]


class _Sink:
    """Where decoded pushes and errors go; counts them and says when to stop."""

    def __init__(
        self,
        state: State,
        *,
        json_out: bool,
        out_file: IO[str] | None,
        count: int | None,
        show_secrets: bool,
    ) -> None:
        self.state = state
        self.json_out = json_out
        self.out_file = out_file
        self.count = count
        self.show_secrets = show_secrets
        self.received = 0
        self.errors = 0
        self.done = asyncio.Event()

    def _write(self, record: dict[str, Any]) -> None:
        if self.json_out:
            emit_json(record, compact=True)
        if self.out_file is not None:
            import json

            self.out_file.write(json.dumps(record, ensure_ascii=False) + "\n")
            self.out_file.flush()

    def message(self, message: Message, peer: str) -> None:
        now = datetime.now(UTC)
        doc = message_to_json(message, show_secrets=self.show_secrets)
        record = {"time": now.isoformat(timespec="milliseconds"), "peer": peer, **doc}
        self._write(record)
        if not self.json_out:
            title = f"{now.strftime('%Y-%m-%d %H:%M:%S')} from {peer}"
            self.state.out.print(message_tree(doc, title=title))
        self.received += 1
        if self.count is not None and self.received >= self.count:
            self.done.set()

    def error(self, text: str, peer: str) -> None:
        now = datetime.now(UTC)
        self.errors += 1
        self._write({"time": now.isoformat(timespec="milliseconds"), "peer": peer, "error": text})
        escaped = text.replace("[", "\\[")
        self.state.err.print(f"[bold red]error:[/] from {peer}: {escaped}")


class _Session:
    """Decoding state of one peer (connection, datagram sender or serial line)."""

    def __init__(
        self, keys: DecodeKeys, lenient: bool, sink: _Sink, peer: str, tracer: Any
    ) -> None:
        self.keys = keys
        self.lenient = lenient
        self.sink = sink
        self.peer = peer
        self.tracer = tracer
        self.decoder = Decoder(keys, lenient=lenient)

    def apdu(self, raw: bytes, *, llc: Any = None, link: dict[str, Any] | None = None) -> None:
        try:
            messages = self.decoder.add_message(raw, llc=llc, link=link)
        except TranslationError as exc:
            self.sink.error(str(exc), self.peer)
            self.decoder = Decoder(self.keys, lenient=self.lenient)  # start clean
            return
        except DlmsError as exc:
            self.sink.error(str(exc), self.peer)
            return
        for message in messages:
            self.sink.message(message, self.peer)

    def trace(self, layer: str, data: bytes) -> None:
        if self.tracer is not None:
            self.tracer("rx", layer, data, self.peer)


# -- framings ---------------------------------------------------------------------------------


async def _wrapper_stream(transport: Transport, session: _Session) -> None:
    reader = WrapperReader()
    while True:
        try:
            data = await transport.receive()
        except LinkLostError:
            return
        try:
            wpdus = reader.feed(data)
        except (WrapperError, DlmsError) as exc:
            session.sink.error(f"wrapper stream broken: {exc}; connection closed", session.peer)
            return
        for wpdu in wpdus:
            session.trace("wrapper", wpdu.encode())
            link = {"source_wport": wpdu.source, "destination_wport": wpdu.destination}
            session.apdu(wpdu.apdu, link=link)


async def _hdlc_stream(transport: Transport, session: _Session) -> None:
    reader = FrameReader(inter_octet_timeout=1.0)
    assembler = HdlcAssembler()
    loop = asyncio.get_running_loop()
    discarded = 0
    while True:
        deadline = reader.get_timer()
        timeout = None if deadline is None else max(0.0, deadline - loop.time())
        try:
            data = await asyncio.wait_for(transport.receive(), timeout)
            frames = reader.feed(data, loop.time())
        except TimeoutError:
            frames = reader.handle_timer(loop.time())
        except LinkLostError:
            frames = reader.flush()
            _hdlc_frames(frames, assembler, session)
            return
        stats = reader.stats
        bad = stats.discarded_frames + stats.truncated_frames
        if bad > discarded:
            session.sink.error(
                f"{bad - discarded} HDLC frame(s) discarded (bad HCS/FCS or truncated)",
                session.peer,
            )
            discarded = bad
        _hdlc_frames(frames, assembler, session)


def _hdlc_frames(frames: list[Any], assembler: HdlcAssembler, session: _Session) -> None:
    for frame in frames:
        session.trace("hdlc", frame.encode())
        try:
            done = assembler.add(0, frame)
        except TranslationError as exc:
            session.sink.error(str(exc), session.peer)
            continue
        if done is None:
            continue
        _, info = done
        role, apdu = split_llc(info)
        link = {"frame": frame.describe()}
        session.apdu(apdu, llc=role, link=link)


async def _mbus_stream(transport: Transport, session: _Session) -> None:
    reader = MBusReader()
    assembler = MBusAssembler()
    discarded = 0
    while True:
        try:
            data = await transport.receive()
        except LinkLostError:
            return
        frames = reader.feed(data)
        if reader.discarded > discarded:
            session.sink.error(
                f"{reader.discarded - discarded} M-Bus frame(s) discarded (bad checksum)",
                session.peer,
            )
            discarded = reader.discarded
        for frame in frames:
            session.trace("mbus", frame.encode())
            try:
                done = assembler.add(0, frame)
            except TranslationError as exc:
                session.sink.error(str(exc), session.peer)
                continue
            if done is None:
                continue
            _, source, destination, apdu = done
            session.apdu(apdu, link={"source_tsap": source, "destination_tsap": destination})


# -- transports -------------------------------------------------------------------------------


async def _serve(
    endpoint: Endpoint, keys: DecodeKeys, lenient: bool, sink: _Sink, tracer: Any
) -> None:
    state = sink.state
    if endpoint.transport == "tcp":
        from dlmskit.io.tcp import TcpTransport, serve_tcp

        connections: set[TcpTransport] = set()

        async def on_connection(transport: TcpTransport) -> None:
            host, port = transport.peer
            peer = f"{host}:{port}"
            state.err.print(f"connection from {peer}", style="dim")
            session = _Session(keys, lenient, sink, peer, tracer)
            connections.add(transport)
            try:
                if endpoint.framing == "wrapper":
                    await _wrapper_stream(transport, session)
                else:
                    await _hdlc_stream(transport, session)
            except asyncio.CancelledError:
                return  # the listener stops: end this connection quietly
            finally:
                connections.discard(transport)
            state.err.print(f"{peer} closed the connection", style="dim")

        server = await serve_tcp(on_connection, endpoint.host, endpoint.port)
        port = server.sockets[0].getsockname()[1]
        shown = Endpoint(endpoint.transport, endpoint.framing, endpoint.host, port)
        state.err.print(f"listening on {shown}")
        try:
            await sink.done.wait()
        finally:
            server.close()
            for transport in list(connections):
                await transport.close()
            for _ in range(10):  # let the handlers see their closed transports and end
                if not connections:
                    break
                await asyncio.sleep(0.01)
            await server.wait_closed()
        return
    if endpoint.transport == "udp":
        from dlmskit.io.udp import UdpEndpoint

        udp = await UdpEndpoint.bind(endpoint.host, endpoint.port)
        port = udp.address[1]
        shown = Endpoint("udp", "wrapper", endpoint.host, port)
        state.err.print(f"listening on {shown}")
        sessions: dict[tuple[str, int], _Session] = {}

        async def receive_all() -> None:
            while True:
                datagram, sender = await udp.receive_from()
                peer = f"{sender[0]}:{sender[1]}"
                session = sessions.get(sender)
                if session is None:
                    session = sessions[sender] = _Session(keys, lenient, sink, peer, tracer)
                session.trace("wrapper", datagram)
                try:
                    wpdu = decode_datagram(datagram)
                except WrapperError as exc:
                    sink.error(f"datagram is no WPDU: {exc}", peer)
                    continue
                link = {"source_wport": wpdu.source, "destination_wport": wpdu.destination}
                session.apdu(wpdu.apdu, link=link)

        task = asyncio.ensure_future(receive_all())
        try:
            await _first(task, sink.done)
        finally:
            task.cancel()
            udp.close()
        return
    from dlmskit.io.serial import SerialTransport

    serial = await SerialTransport.open(
        endpoint.path,
        baudrate=endpoint.baudrate,
        parity=endpoint.parity,
        byte_size=endpoint.byte_size,
    )
    state.err.print(f"listening on {endpoint}")
    session = _Session(keys, lenient, sink, endpoint.path, tracer)
    stream = _mbus_stream if endpoint.framing == "mbus" else _hdlc_stream
    task = asyncio.ensure_future(stream(serial, session))
    try:
        await _first(task, sink.done)
    finally:
        task.cancel()
        await serial.close()


async def _first(task: asyncio.Future[None], done: asyncio.Event) -> None:
    waiter: asyncio.Future[Any] = asyncio.ensure_future(done.wait())
    pending: set[asyncio.Future[Any]] = {task, waiter}
    try:
        finished, _ = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
        if task in finished:
            task.result()  # a failure of the port surfaces here
    finally:
        waiter.cancel()


async def _run(
    endpoint: Endpoint,
    keys: DecodeKeys,
    lenient: bool,
    sink: _Sink,
    tracer: Any,
    timeout: float | None,
) -> bool:
    """Listen; True when stopped by --timeout (or a signal) before --count was reached."""
    loop = asyncio.get_running_loop()
    stopped = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stopped.set)
    serving = asyncio.ensure_future(_serve(endpoint, keys, lenient, sink, tracer))
    stopping = asyncio.ensure_future(stopped.wait())
    try:
        finished, _ = await asyncio.wait(
            {serving, stopping}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
        )
        if serving in finished:
            serving.result()
            return False
        return True
    finally:
        serving.cancel()
        stopping.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await serving


def listen(
    ctx: typer.Context,
    endpoint: Annotated[
        str,
        typer.Argument(
            metavar="ENDPOINT",
            help="Where to listen: tcp://HOST:PORT or udp://HOST:PORT (wrapper), "
            "hdlc+tcp://HOST:PORT, serial:///dev/ttyUSB0?baud=9600 (HDLC) or "
            "mbus+serial:///dev/ttyUSB0?baud=2400 (wired M-Bus). Port 0 picks a free port.",
            show_default=False,
        ),
    ],
    json_out: JsonOpt = False,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            metavar="FILE",
            help="Append every push as a JSON line to FILE.",
            dir_okay=False,
        ),
    ] = None,
    count: Annotated[
        int | None,
        typer.Option("--count", "-n", min=1, help="Stop after COUNT pushes.", show_default=False),
    ] = None,
    timeout: Annotated[
        float | None,
        typer.Option(
            "--timeout",
            min=0.0,
            help="Stop after SECONDS (an error if --count is not reached).",
            metavar="SECONDS",
            show_default=False,
        ),
    ] = None,
    ek: EkOpt = None,
    ak: AkOpt = None,
    bk: BkOpt = None,
    dk: DkOpt = None,
    kek: KekOpt = None,
    system_title: SystemTitleOpt = None,
    keys_file: KeysFileOpt = None,
    lenient: Annotated[
        bool, typer.Option("--lenient", help="Decode known meter bugs (named quirks).")
    ] = False,
    show_secrets: ShowSecretsOpt = False,
) -> None:
    """Listen for pushed notifications and print each one (deciphered with the keys given)."""
    state = state_of(ctx)
    state.json_errors = json_out
    state.json_lines = True
    with reporting_errors(state):
        place = parse_endpoint(endpoint)
        keys = load_keys(
            KeyOptions(ek, ak, bk, dk, kek, system_title, keys_file),
            warn=lambda line: state.err.print(line, style="yellow"),
        )
        tracer = None
        if state.trace:
            from dlmskit.cli.trace import Tracer

            tracer = Tracer(state.err, keys=keys, show_secrets=show_secrets)
        out_file = None
        if out is not None:
            try:
                out_file = out.open("a", encoding="utf-8")
            except OSError as exc:
                raise CliError(f"cannot open {out}: {exc.strerror}", ExitCode.IO) from None
        started = time.monotonic()
        try:
            sink = _Sink(
                state,
                json_out=json_out,
                out_file=out_file,
                count=count,
                show_secrets=show_secrets,
            )
            timed_out = asyncio.run(_run(place, keys, lenient, sink, tracer, timeout))
        finally:
            if out_file is not None:
                out_file.close()
        elapsed = time.monotonic() - started
        state.err.print(
            f"stopped after {elapsed:.1f} s: {sink.received} push(es), {sink.errors} error(s)",
            style="dim",
        )
        if timed_out and count is not None and sink.received < count:
            raise CliError(
                f"timed out after {timeout} s with {sink.received} of {count} pushes",
                ExitCode.TIMEOUT,
            )
    sys.stdout.flush()


def register(app: typer.Typer) -> None:
    app.command("listen")(listen)
