"""The links a client talks over: complete APDUs out, complete APDUs in.

:func:`open_link` turns a :class:`~dlmskit.client.target.Target` into a :class:`Link`: the
wrapper over TCP or UDP, or HDLC over TCP, UDP or a serial port (with the IEC 62056-21
mode E opening first for optical probes). The framing itself is the sans-IO machines' of
:mod:`dlmskit.link`, driven by :mod:`dlmskit.io.drivers`.
"""

from __future__ import annotations

import abc
import asyncio
import contextlib
import logging
from typing import Final

from dlmskit.client.target import Target
from dlmskit.io.base import Transport
from dlmskit.io.drivers import HdlcClient, WrapperClient, mode_e_client
from dlmskit.io.tcp import TcpTransport
from dlmskit.io.udp import UdpTransport
from dlmskit.link.errors import LinkError, LinkLostError, LinkTimeoutError
from dlmskit.link.hdlc.events import LinkParameters, StationSettings
from dlmskit.link.hdlc.frame import HdlcAddress
from dlmskit.link.hdlc.station import PrimaryStation
from dlmskit.link.mode_e import Identification, ModeEClient

__all__ = [
    "DEFAULT_HDLC",
    "HdlcLink",
    "Link",
    "WrapperLink",
    "connect_link",
    "open_link",
    "open_transport",
]

_log = logging.getLogger("dlmskit.client")


#: What the client proposes in SNRM unless told otherwise: the largest information field and
#: window IEC 62056-46 allows; the meter answers with what it takes (often 128 and 1).
DEFAULT_HDLC: Final = StationSettings(max_info_tx=2030, max_info_rx=2030, window_tx=7, window_rx=7)


class Link(abc.ABC):
    """A connection to one meter that carries complete APDUs."""

    description: str = ""

    @abc.abstractmethod
    async def send(self, apdu: bytes) -> None: ...

    @abc.abstractmethod
    async def receive(self, timeout: float) -> bytes:
        """The next APDU from the meter (answers and pushes); LinkTimeoutError after
        ``timeout`` seconds."""

    @abc.abstractmethod
    async def close(self) -> None:
        """Disconnect (HDLC DISC) and close the transport; never raises."""


class WrapperLink(Link):
    def __init__(self, client: WrapperClient, description: str) -> None:
        self.client = client
        self.description = description

    async def send(self, apdu: bytes) -> None:
        await self.client.send(apdu)

    async def receive(self, timeout: float) -> bytes:
        return await self.client.receive(timeout)

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self.client.aclose()


class HdlcLink(Link):
    """HDLC: SNRM/UA when opened, DISC when closed."""

    def __init__(self, client: HdlcClient, description: str) -> None:
        self.client = client
        self.description = description
        self.parameters: LinkParameters | None = None
        self.identification: Identification | None = None

    async def connect(self) -> LinkParameters:
        self.parameters = await self.client.connect()
        return self.parameters

    async def send(self, apdu: bytes) -> None:
        await self.client.send(apdu)

    async def receive(self, timeout: float) -> bytes:
        try:
            async with asyncio.timeout(timeout):
                return (await self.client.receive()).apdu
        except TimeoutError:
            raise LinkTimeoutError(f"no APDU from the meter in {timeout} s") from None

    async def close(self) -> None:
        try:
            async with asyncio.timeout(self.client.station.settings.response_timeout * 2 + 1):
                await self.client.disconnect()
        except (LinkError, TimeoutError, OSError) as exc:
            _log.debug("HDLC disconnect: %s", exc)
        except Exception as exc:  # a half-dead link must still be closed
            _log.debug("HDLC disconnect failed: %r", exc)
        with contextlib.suppress(Exception):
            await self.client.aclose()


def _server_address(target: Target) -> HdlcAddress:
    if target.address_size is None:
        return HdlcAddress.server(target.server_address, target.physical_address)
    lower = target.physical_address
    if target.address_size > 1 and lower is None:
        lower = 0
    return HdlcAddress(target.server_address, lower, target.address_size)


async def open_transport(target: Target, *, timeout: float = 10.0) -> Transport:
    """Open the target's TCP connection, UDP socket or serial port (LinkTimeoutError,
    LinkLostError when it cannot be had)."""
    try:
        async with asyncio.timeout(timeout):
            if target.transport == "tcp":
                return await TcpTransport.connect(target.host, target.port)
            if target.transport == "udp":
                return await UdpTransport.connect(target.host, target.port)
            from dlmskit.io.serial import SerialTransport

            return await SerialTransport.open(target.device, baudrate=target.baudrate)
    except TimeoutError:
        raise LinkTimeoutError(f"no connection to {target.describe()} in {timeout} s") from None
    except OSError as exc:
        raise LinkLostError(f"cannot open {target.describe()}: {exc}") from exc


async def connect_link(
    target: Target,
    transport: Transport,
    *,
    timeout: float = 10.0,
    hdlc: StationSettings | None = None,
) -> Link:
    """Make the target's link on an open transport: the wrapper at once; HDLC after the
    mode E opening (if asked) and SNRM/UA. The transport is closed on failure."""
    try:
        if target.link == "wrapper":
            wrapper = WrapperClient(
                transport,
                target.client_address,
                target.server_address,
                datagrams=target.transport == "udp",
                timeout=timeout,
            )
            return WrapperLink(wrapper, target.describe())
        identification = None
        if target.mode_e:
            from dlmskit.io.serial import SerialTransport

            assert isinstance(transport, SerialTransport)
            machine = ModeEClient(target.mode_e_address, max_baudrate=None)
            identification = await mode_e_client(transport, machine)
        station = PrimaryStation(
            target.client_address, _server_address(target), hdlc or DEFAULT_HDLC
        )
        link = HdlcLink(HdlcClient(transport, station), target.describe())
        link.identification = identification
        await link.connect()
        return link
    except BaseException:
        with contextlib.suppress(Exception):
            await transport.close()
        raise


async def open_link(
    target: Target,
    *,
    timeout: float = 10.0,
    hdlc: StationSettings | None = None,
) -> Link:
    """Open the transport and make the link (:func:`open_transport`, :func:`connect_link`)."""
    transport = await open_transport(target, timeout=timeout)
    return await connect_link(target, transport, timeout=timeout, hdlc=hdlc)
