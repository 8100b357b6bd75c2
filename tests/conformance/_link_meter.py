"""A meter made of the project's own link layer (HDLC secondary station, wrapper server) with a
minimal application answering AARQ, RLRQ and a GET of the association's logical name: enough
to hold the data link plan against dlmskit.link before the full server exists, and to drive
the runner over real sockets. Not a meter simulator: the application part is a stub on
purpose, the link layer under it is the real one."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable

from dlmskit import apdu as a
from dlmskit.errors import DlmsError
from dlmskit.io.drivers import serve_hdlc, serve_wrapper
from dlmskit.io.tcp import TcpTransport, serve_tcp
from dlmskit.link.hdlc import ApduReceived, SecondaryStation, StationSettings
from dlmskit.link.wrapper import Wpdu

AARE_OK = a.AARE(
    user_information=a.InitiateResponse(a.Conformance(0x001E1D), 1024),
)
LN_OF_ASSOCIATION = bytes.fromhex("0000280000ff")


class StubApplication:
    """AARQ -> AARE accepted; RLRQ -> RLRE; GET 15/0.0.40.0.0.255/1 -> its logical name when
    associated; anything else -> exception-response."""

    def __init__(self) -> None:
        self.associated = False

    def answer(self, request: bytes) -> bytes | None:
        if not request:
            return None
        try:
            decoded = a.decode(request)
        except DlmsError:
            return a.ExceptionResponse(a.StateError.SERVICE_NOT_ALLOWED, 2).encode()
        if isinstance(decoded, a.AARQ):
            self.associated = True
            return AARE_OK.encode()
        if isinstance(decoded, a.RLRQ):
            self.associated = False
            return a.RLRE().encode()
        if (
            self.associated
            and isinstance(decoded, a.GetRequestNormal)
            and bytes(decoded.attribute.instance_id) == LN_OF_ASSOCIATION
        ):
            return a.GetResponseNormal(decoded.invoke_id_and_priority, LN_OF_ASSOCIATION).encode()
        return a.ExceptionResponse(a.StateError.SERVICE_NOT_ALLOWED, 2).encode()


HDLC_SETTINGS = StationSettings(
    max_info_tx=512,
    max_info_rx=512,
    window_tx=1,
    window_rx=1,
    inactivity_timeout=1.0,
    response_hold=0.2,
)


@contextlib.asynccontextmanager
async def hdlc_meter(settings: StationSettings = HDLC_SETTINGS) -> AsyncIterator[int]:
    """An HDLC-over-TCP meter on 127.0.0.1 (logical device 1, one-byte server address);
    yields its port."""

    async def handler(transport: TcpTransport) -> None:
        application = StubApplication()

        def answer(event: ApduReceived) -> bytes | None:
            return application.answer(event.apdu)

        await serve_hdlc(SecondaryStation((1,), None, settings), transport, answer)

    server = await serve_tcp(handler, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(server.wait_closed(), 2)


@contextlib.asynccontextmanager
async def wrapper_meter(
    logical_devices: frozenset[int] = frozenset({1}),
    clients: frozenset[int] = frozenset({16}),
    on_request: Callable[[Wpdu], None] | None = None,
) -> AsyncIterator[int]:
    """A wrapper-over-TCP meter on 127.0.0.1 serving the given logical devices to the given
    clients (WPDUs for others are dropped)."""

    async def handler(transport: TcpTransport) -> None:
        application = StubApplication()

        def answer(wpdu: Wpdu) -> bytes | None:
            if on_request is not None:
                on_request(wpdu)
            if wpdu.destination not in logical_devices or wpdu.source not in clients:
                return None
            return application.answer(wpdu.apdu)

        await serve_wrapper(transport, answer)

    server = await serve_tcp(handler, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(server.wait_closed(), 2)
