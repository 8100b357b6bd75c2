"""Pushes to their destination, and the wrapper over UDP.

The management client (gurux-dlms, HLS-GMAC) points the reference meter's Push setup at a
listener and invokes push: the listener receives a data-notification over TCP in the
wrapper, ciphered as the push client's association (102) asks, whose body is the push object
list's values. A UDP client associates and reads."""

from __future__ import annotations

import datetime as dt
import socket
import threading
from typing import Any

import pytest

pytest.importorskip("gurux_dlms")

from gurux_dlms import GXDLMSClient, GXReplyData
from gurux_dlms.enums import Authentication, DataType, InterfaceType, Security
from gurux_dlms.objects import GXDLMSData, GXDLMSPushSetup
from gurux_dlms.secure import GXDLMSSecureClient

from _gurux import GuruxSession
from _running import serving
from dlmskit import apdu
from dlmskit.link.wrapper import WrapperReader, encode_wpdu
from dlmskit.security import Key, SymmetricKeys, decrypt
from dlmskit.simulator import MeterPool, load_model

NOW = dt.datetime(2024, 5, 1, 12, 7, 30, tzinfo=dt.UTC)
EK = "000102030405060708090A0B0C0D0E0F"
AK = "D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF"


def management(port: int) -> GXDLMSSecureClient:
    public = GXDLMSClient(True, 16, 1, Authentication.NONE, None, InterfaceType.WRAPPER)
    with GuruxSession(public, "127.0.0.1", port) as session:
        session.connect()
        counter, _ = session.read(GXDLMSData("0.0.43.1.3.255"), 2)
        session.release()
    client = GXDLMSSecureClient(True, 1, 1, Authentication.HIGH_GMAC, None, InterfaceType.WRAPPER)
    cipher: Any = client.settings.cipher
    cipher.security = Security.AUTHENTICATION_ENCRYPTION
    cipher.systemTitle = bytearray(b"DLMSKIT1")
    cipher.blockCipherKey = bytearray.fromhex(EK)
    cipher.authenticationKey = bytearray.fromhex(AK)
    cipher.invocationCounter = int(counter)
    return client


def test_push_reaches_its_destination() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(20)
    destination = f"127.0.0.1:{listener.getsockname()[1]}"
    received: list[bytes] = []

    def accept() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.settimeout(10)
            while chunk := connection.recv(4096):
                received.append(chunk)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    pool = MeterPool(load_model(), clock=lambda: NOW)
    with serving(pool.view(0), clock=lambda: NOW) as ports:
        meter = ports["background"].call(lambda: pool.meter(0))
        client = management(ports["tcp"])
        with GuruxSession(client, "127.0.0.1", ports["tcp"]) as session:
            session.connect()
            push = GXDLMSPushSetup("0.0.25.9.0.255")
            push.version = 0
            target = ports["background"].call(
                lambda: meter.logical_devices[1].objects["0-0:25.9.0"]
            )
            from dlmskit.axdr import Enum

            ports["background"].call(
                lambda: target.store(3, (Enum(0), destination.encode(), Enum(0)))
            )
            session.blocks(client.method(push, 1, 0, DataType.INT8), GXReplyData())
            session.release()
        thread.join(20)
    listener.close()
    frames = WrapperReader().feed(b"".join(received))
    assert len(frames) == 1
    wpdu = frames[0]
    assert (wpdu.source, wpdu.destination) == (1, 102)
    assert wpdu.apdu[0] == 0xDB  # general-glo-ciphering: data-notification has no glo- form
    keys = SymmetricKeys(unicast=Key(bytes.fromhex(EK)), authentication=Key(bytes.fromhex(AK)))
    opened = decrypt(wpdu.apdu, keys=keys)
    assert opened.system_title == bytes.fromhex("444C4B0000000000")
    notification = apdu.decode(opened.plaintext)
    assert isinstance(notification, apdu.DataNotification)
    body = notification.body
    assert isinstance(body, tuple) and len(body) == 4
    assert body[0] == bytes([0, 0, 25, 9, 0, 255])  # push setup logical name (attribute 1)
    assert str(body[1]) == "DLK00000000"


def test_wrapper_over_udp() -> None:
    pool = MeterPool(load_model(), clock=lambda: NOW)
    with serving(pool.view(0), clock=lambda: NOW, tcp=False, udp=True) as ports:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.settimeout(10)
        try:
            aarq = apdu.AARQ(
                apdu.ApplicationContextName.LOGICAL_NAME,
                apdu.InitiateRequest(apdu.Conformance(0x1E1F), 1024),
            )
            sock.sendto(encode_wpdu(16, 1, aarq.encode()), ("127.0.0.1", ports["udp"]))
            answer = WrapperReader().feed(sock.recv(2048))[0]
            aare = apdu.decode(answer.apdu)
            assert isinstance(aare, apdu.AARE) and aare.result is apdu.AssociationResult.ACCEPTED
            get = apdu.GetRequestNormal(
                apdu.InvokeIdAndPriority(1), apdu.CosemAttributeDescriptor(1, "0-0:96.1.0", 2)
            )
            sock.sendto(encode_wpdu(16, 1, get.encode()), ("127.0.0.1", ports["udp"]))
            response = apdu.decode(WrapperReader().feed(sock.recv(2048))[0].apdu)
            assert isinstance(response, apdu.GetResponseNormal)
            assert str(response.result) == "DLK00000000"
            sock.sendto(b"garbage", ("127.0.0.1", ports["udp"]))  # dropped
            sock.sendto(encode_wpdu(16, 1, get.encode()), ("127.0.0.1", ports["udp"]))
            again = apdu.decode(WrapperReader().feed(sock.recv(2048))[0].apdu)
            assert again == response
        finally:
            sock.close()
