"""Drive gurux-dlms (a test-only peer; GPL, never imported by the library) as a client over a
real socket: its GXDLMSClient makes and parses the frames, this class moves the bytes."""

from __future__ import annotations

import socket
from typing import Any

from gurux_dlms import GXByteBuffer, GXDLMSClient, GXReplyData
from gurux_dlms.enums import Authentication, InterfaceType


class GuruxSession:
    def __init__(
        self, client: GXDLMSClient, host: str, port: int, *, timeout: float = 10.0
    ) -> None:
        self.client = client
        self.sock = socket.create_connection((host, port), timeout=timeout)

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
        """Read one attribute: gurux's value and the raw A-XDR it got."""
        reply = self.blocks(self.client.read(obj, index), GXReplyData())
        raw = bytes(reply.data.array())
        value = reply.value
        self.client.updateValue(obj, index, value)
        return value, raw

    def release(self) -> None:
        reply = GXReplyData()
        try:
            self.blocks(self.client.releaseRequest(), reply)
            if self.client.interfaceType == InterfaceType.HDLC:
                self.blocks(self.client.disconnectRequest(), GXReplyData())
        except (ConnectionError, OSError):
            pass
