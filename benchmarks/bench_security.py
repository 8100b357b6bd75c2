"""Security: reassemble and decipher a 10,000-row load profile sent as glo-ciphered
GET-with-datablock responses; dlmskit against gurux-dlms (and dlms-cosem) in the same run.

The frames are built here from the standard's layout, since the APDU codec is not part of
this benchmark: ``glo-get-response`` (0xCC, SC 0x30 = authenticated and encrypted, suite 0)
around ``get-response-with-datablock``::

    C4 02 invoke-id-and-priority  last-block(BOOLEAN)  block-number(Unsigned32)
          00 (result CHOICE raw-data)  A-XDR length  raw-data

Each block carries at most 990 octets of the A-XDR buffer (a server max PDU of 1024 with
the ciphering overhead). Every implementation gets the same frames, and the benchmark checks
that each rebuilt the same 10,000 rows before it reports any speed. dlmskit verifies the
tag of every frame, checks the counters against replay and the block numbers, then decodes
the reassembled buffer; gurux-dlms does the same through its client's ``getData`` (its AES
is pure Python).
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable
from typing import Any

from _harness import Result, measure, missing
from bench_axdr import ROWS, make_buffer
from dlmskit import axdr
from dlmskit.security import (
    Key,
    Protection,
    ReplayGuard,
    SecurityDecodeError,
    SymmetricKeys,
    decrypt,
    encrypt,
)

EK = bytes.fromhex("000102030405060708090a0b0c0d0e0f")
AK = bytes.fromhex("d0d1d2d3d4d5d6d7d8d9dadbdcdddedf")
CLIENT_TITLE = bytes.fromhex("4d4d4d0000bc614e")
SERVER_TITLE = bytes.fromhex("4d4d4d0000000001")
KEYS = SymmetricKeys(unicast=Key(EK), authentication=Key(AK))
BLOCK = 990
INVOKE_ID_AND_PRIORITY = 0xC1

Rows = list[tuple[bytes, int, int]]


def make_frames(data: bytes, block: int = BLOCK) -> list[bytes]:
    """The buffer as glo-get-response frames of get-response-with-datablock, IC 1, 2, ..."""
    chunks = [data[i : i + block] for i in range(0, len(data), block)]
    frames = []
    for number, chunk in enumerate(chunks, 1):
        last = number == len(chunks)
        plain = (
            bytes((0xC4, 0x02, INVOKE_ID_AND_PRIORITY, 1 if last else 0))
            + number.to_bytes(4, "big")
            + b"\x00"
            + axdr.encode_length(len(chunk))
            + chunk
        )
        frames.append(
            encrypt(
                0xCC,
                plain,
                security=0x30,
                system_title=SERVER_TITLE,
                invocation_counter=number,
                keys=KEYS,
            )
        )
    return frames


def dlmskit_read(frames: list[bytes]) -> Any:
    """Decipher (tag verified, replay checked, authenticated encryption required), check
    the block framing, reassemble and decode."""
    guard = ReplayGuard()
    buffer = bytearray()
    expected = 1
    for frame in frames:
        plain = decrypt(
            frame,
            keys=KEYS,
            system_title=SERVER_TITLE,
            replay=guard,
            require=Protection.AUTHENTICATED_ENCRYPTED,
        ).plaintext
        if len(plain) < 10 or plain[0] != 0xC4 or plain[1] != 0x02 or plain[8] != 0:
            raise SecurityDecodeError("get-response-with-datablock with raw-data", 0)
        if int.from_bytes(plain[4:8], "big") != expected:
            raise SecurityDecodeError(f"block number {expected}", 4)
        length, pos = axdr.decode_length(plain, 9)
        if pos + length != len(plain):
            raise SecurityDecodeError("raw-data filling the APDU", 9)
        buffer += memoryview(plain)[pos:]
        expected += 1
        if plain[3]:
            break
    return axdr.decode(bytes(buffer))


def _rows(value: Any) -> Rows:
    return [(bytes(r[0]), int(r[1]), int(r[2])) for r in value]


def _gurux() -> tuple[Callable[[list[bytes]], Any], Callable[[Any], Rows]]:
    from gurux_dlms.enums import InterfaceType, Security
    from gurux_dlms.GXByteBuffer import GXByteBuffer
    from gurux_dlms.GXReplyData import GXReplyData
    from gurux_dlms.secure.GXDLMSSecureClient import GXDLMSSecureClient

    def read(frames: list[bytes]) -> Any:
        client = GXDLMSSecureClient(True, 16, 1, interfaceType=InterfaceType.PDU)
        client.ciphering.security = Security.AUTHENTICATION_ENCRYPTION
        client.ciphering.systemTitle = CLIENT_TITLE
        client.ciphering.blockCipherKey = EK
        client.ciphering.authenticationKey = AK
        client.settings.sourceSystemTitle = SERVER_TITLE
        reply = GXReplyData()
        # gurux prints a line per deciphered frame; send it nowhere
        with contextlib.redirect_stdout(io.StringIO()):
            for frame in frames:
                client.getData(GXByteBuffer(frame), reply)
                client.settings.increaseBlockIndex()  # what receiverReady() would do
        return reply.value

    return read, _rows


def _dlms_cosem() -> tuple[Callable[[list[bytes]], Any], Callable[[Any], Rows]]:
    from dlms_cosem import security as dsec
    from dlms_cosem.dlms_data import DlmsDataParser
    from dlms_cosem.protocol.xdlms.get import GetResponseLastBlock, GetResponseWithBlock

    def read(frames: list[bytes]) -> Any:
        buffer = bytearray()
        for frame in frames:
            # dlms-cosem has no glo-get-response type: the envelope is split here
            _, pos = axdr.decode_length(frame, 1)
            sc = dsec.SecurityControlField.from_bytes(frame[pos : pos + 1])
            ic = int.from_bytes(frame[pos + 1 : pos + 5], "big")
            plain = dsec.decrypt(sc, SERVER_TITLE, ic, EK, frame[pos + 5 :], AK)
            cls = GetResponseLastBlock if plain[3] else GetResponseWithBlock
            buffer += cls.from_bytes(plain).data
        return DlmsDataParser().parse(bytes(buffer))[0]

    def rows(value: Any) -> Rows:
        return [
            (bytes(r.value[0].value), int(r.value[1].value), int(r.value[2].value))
            for r in value.value
        ]

    return read, rows


def run(quick: bool) -> list[Result]:
    data, expected = make_buffer(ROWS)
    frames = make_frames(data)
    size = sum(len(f) for f in frames)
    result = Result(
        "security-glo-datablock-10k",
        f"decipher and reassemble a {ROWS}-row load profile from {len(frames)} glo-ciphered "
        f"GET-with-datablock frames ({size:,} octets, SC 0x30)",
        target="dlmskit >= 20x gurux-dlms",
    )
    assert _rows(dlmskit_read(frames)) == expected, "dlmskit rebuilt other rows"
    result.add(measure("dlmskit", lambda: dlmskit_read(frames), ROWS, "rows/s", quick=quick))
    for name, factory in (("gurux-dlms", _gurux), ("dlms-cosem", _dlms_cosem)):
        try:
            read, rows = factory()
        except ImportError as exc:
            result.add(missing(name, f"not installed ({exc.name})", "rows/s"))
            continue
        try:
            same = rows(read(frames)) == expected
        except Exception as exc:  # a peer failing is reported, not hidden
            result.add(missing(name, f"failed: {type(exc).__name__}: {exc}", "rows/s"))
            continue
        if not same:
            result.add(missing(name, "rebuilt other rows than dlmskit", "rows/s"))
            continue
        note = "envelope split by the benchmark" if name == "dlms-cosem" else ""
        result.add(measure(name, lambda r=read: r(frames), ROWS, "rows/s", quick=quick, note=note))
    result.extra["frames"] = len(frames)
    result.extra["octets"] = size
    decipher = Result(
        "security-decipher-only-10k",
        "the same frames: verify and decipher only (dlmskit)",
    )
    decipher.add(
        measure(
            "dlmskit",
            lambda: [decrypt(f, keys=KEYS, system_title=SERVER_TITLE) for f in frames],
            size / 1e6,
            "MB/s",
            quick=quick,
        )
    )
    return [result, decipher]
