"""Drive gurux-dlms (a test-only peer; GPL, never imported by the library) as a client over a
real socket: its GXDLMSClient makes and parses the frames, this class moves the bytes."""

from __future__ import annotations

import socket
from typing import Any

from gurux_dlms import GXByteBuffer, GXDLMSClient, GXReplyData
from gurux_dlms.enums import Authentication, InterfaceType


class GuruxError(Exception):
    """The meter answered a refusal that gurux reports in ``reply.error`` without raising
    (a data-access-result or action-result code)."""

    def __init__(self, code: int) -> None:
        super().__init__(f"refused with code {code}")
        self.code = code


class _SerialLine:
    """A pyserial port with the socket methods the session uses."""

    def __init__(self, port: Any) -> None:
        self.port = port

    def sendall(self, data: bytes) -> None:
        self.port.write(data)
        self.port.flush()

    def recv(self, size: int) -> bytes:
        data: bytes = self.port.read(1)
        if not data:
            raise TimeoutError("no answer on the serial line")
        waiting = self.port.in_waiting
        return data + (self.port.read(min(size - 1, waiting)) if waiting else b"")

    def close(self) -> None:
        self.port.close()


class GuruxSession:
    def __init__(
        self, client: GXDLMSClient, host: str, port: int = 0, *, timeout: float = 10.0
    ) -> None:
        """``host``/``port``: TCP; ``host`` a device path with ``port`` 0: a serial line."""
        self.client = client
        if port:
            self.sock: Any = socket.create_connection((host, port), timeout=timeout)
        else:
            import serial

            self.sock = _SerialLine(serial.Serial(host, 9600, timeout=timeout))
        self.parse_failures: list[tuple[str, int, str]] = []

    def close(self) -> None:
        self.sock.close()

    def __enter__(self) -> GuruxSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def exchange(self, data: bytes | bytearray | None, reply: GXReplyData) -> None:
        if data:
            self.sock.sendall(bytes(data))
        buffer = GXByteBuffer()
        notify = GXReplyData()
        while True:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("the meter closed the connection")
            buffer.set(chunk)
            if self.client.getData(buffer, reply, notify):
                return

    def blocks(self, messages: Any, reply: GXReplyData) -> GXReplyData:
        """Send request frames and collect the whole answer (datablocks, GBT, HDLC RR)."""
        if isinstance(messages, (bytes, bytearray)):
            messages = [messages]
        for message in messages:
            reply.clear()
            self.exchange(message, reply)
            while reply.isMoreData():
                data = None if reply.isStreaming() else self.client.receiverReady(reply)
                self.exchange(data, reply)
            if reply.error:
                raise GuruxError(reply.error)
        return reply

    def connect(self) -> None:
        client = self.client
        if client.interfaceType == InterfaceType.HDLC:
            reply = GXReplyData()
            self.blocks(client.snrmRequest(), reply)
            client.parseUAResponse(reply.data)
        reply = GXReplyData()
        self.blocks(client.aarqRequest(), reply)
        client.parseAareResponse(reply.data)
        if client.authentication > Authentication.LOW:
            reply = GXReplyData()
            for message in client.getApplicationAssociationRequest():
                self.blocks(message, reply)
            client.parseApplicationAssociationResponse(reply.data)

    def raw(self, messages: Any) -> bytes:
        reply = self.blocks(messages, GXReplyData())
        return bytes(reply.data.array())

    def read(self, obj: Any, index: int) -> tuple[Any, bytes]:
        """Read one attribute: gurux's value and the raw A-XDR it got. Gurux's own parsing
        of the value into its object (updateValue) is tried; its failures are gurux's."""
        reply = self.blocks(self.client.read(obj, index), GXReplyData())
        raw = bytes(reply.data.array())
        value = reply.value
        try:
            self.client.updateValue(obj, index, value)
        except (IndexError, ValueError, TypeError, AttributeError) as exc:
            self.parse_failures.append(
                (str(obj.logicalName), index, f"{type(exc).__name__}: {exc}")
            )
        return value, raw

    def release(self) -> None:
        reply = GXReplyData()
        try:
            self.blocks(self.client.releaseRequest(), reply)
            if self.client.interfaceType == InterfaceType.HDLC:
                self.blocks(self.client.disconnectRequest(), GXReplyData())
        except (ConnectionError, OSError):
            pass
