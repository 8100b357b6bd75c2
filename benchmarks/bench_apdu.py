"""APDUs: AARQ encode and decode, and the reassembly of a 10,000-row profile buffer read with
GET-Response-With-Datablock, dlmskit against gurux-dlms in the same run.

* AARQ encode: the association request for LN referencing, no security, Gurux's default
  proposed conformance and PDU size; Gurux builds it with ``GXDLMSClient.aarqRequest``. Both
  must produce the same bytes.
* AARQ decode: the Green Book AARQ read into its fields; Gurux reads it as its server does
  (``_GXAPDU.parsePDU``). Both must find the same PDU size and conformance.
* Long GET: the 10,000-row load profile of ``bench_axdr.make_buffer``, cut by dlmskit's block
  helper into GET-Response-With-Datablock APDUs for a 1024-octet PDU (the wire bytes are made
  once); each implementation takes the APDUs one by one as a client receives them, joins the
  blocks and decodes the rows. Gurux runs its client path (``GXDLMSClient.getData`` and
  ``receiverReady`` per block). Both must return the same rows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from _harness import Result, measure, missing
from bench_axdr import ROWS, make_buffer
from dlmskit import apdu, axdr
from dlmskit.apdu import (
    AARQ,
    ApplicationContextName,
    GetResponseWithDatablock,
    InitiateRequest,
    InvokeIdAndPriority,
)
from dlmskit.apdu.blocks import BlockReassembler, get_response_blocks
from dlmskit.apdu.xdlms import Conformance

PDU_SIZE = 1024
#: APDUs per timed run of the AARQ tasks (one APDU is too short to time on its own)
BATCH = 500
GREEN_BOOK_AARQ = bytes.fromhex("601da109060760857405080101be10040e01000000065f1f0400007e1f04b0")
#: gurux-dlms' default proposed conformance (its own bit order turned into the standard's)
GURUX_CONFORMANCE = Conformance(0x401E5D)


def _batch(func: Callable[[], object]) -> Callable[[], None]:
    def run() -> None:
        for _ in range(BATCH):
            func()

    return run


def _our_aarq() -> AARQ:
    return AARQ(
        ApplicationContextName.LOGICAL_NAME,
        InitiateRequest(GURUX_CONFORMANCE, client_max_receive_pdu_size=0xFFFF),
    )


def _gurux_client() -> Any:
    from gurux_dlms import GXDLMSClient
    from gurux_dlms.enums import Authentication, InterfaceType

    return GXDLMSClient(True, 16, 1, Authentication.NONE, None, InterfaceType.PDU)


def _bench_aarq_encode(quick: bool) -> Result:
    result = Result(
        "apdu-aarq-encode",
        "build and encode an AARQ (LN, no security, InitiateRequest)",
    )
    expected = _our_aarq().encode()
    # Built and encoded, as Gurux builds it from its settings each time.
    result.add(
        measure("dlmskit", _batch(lambda: _our_aarq().encode()), BATCH, "APDUs/s", quick=quick)
    )
    try:
        client = _gurux_client()
    except ImportError as exc:
        result.add(missing("gurux-dlms", f"not installed ({exc.name})", "APDUs/s"))
        return result
    (theirs,) = client.aarqRequest()
    if bytes(theirs) != expected:
        result.add(missing("gurux-dlms", "encoded other bytes than dlmskit", "APDUs/s"))
        return result
    result.add(measure("gurux-dlms", _batch(client.aarqRequest), BATCH, "APDUs/s", quick=quick))
    return result


def _bench_aarq_decode(quick: bool) -> Result:
    result = Result("apdu-aarq-decode", "decode the Green Book AARQ into its fields")
    ours = apdu.decode(GREEN_BOOK_AARQ)
    assert isinstance(ours, AARQ) and isinstance(ours.user_information, InitiateRequest)
    expected = (1200, ours.user_information.proposed_dlms_version_number)
    our_decode = _batch(lambda: apdu.decode(GREEN_BOOK_AARQ))
    result.add(measure("dlmskit", our_decode, BATCH, "APDUs/s", quick=quick))
    try:
        from gurux_dlms import GXByteBuffer
        from gurux_dlms._GXAPDU import _GXAPDU
        from gurux_dlms.enums import InterfaceType
        from gurux_dlms.GXDLMSSettings import GXDLMSSettings
    except ImportError as exc:
        result.add(missing("gurux-dlms", f"not installed ({exc.name})", "APDUs/s"))
        return result
    settings = GXDLMSSettings(True, None)
    settings.interfaceType = InterfaceType.PDU
    settings.setUseLogicalNameReferencing(True)

    def gurux_decode() -> Any:
        return _GXAPDU.parsePDU(settings, None, GXByteBuffer(GREEN_BOOK_AARQ), None)

    gurux_decode()
    # (Gurux keeps the proposed conformance only as its intersection with its own.)
    if (settings.maxPduSize, settings.dlmsVersion) != expected:
        result.add(missing("gurux-dlms", "decoded other values than dlmskit", "APDUs/s"))
        return result
    result.add(measure("gurux-dlms", _batch(gurux_decode), BATCH, "APDUs/s", quick=quick))
    return result


def _rows(value: Any) -> list[tuple[bytes, int, int]]:
    return [(bytes(r[0]), int(r[1]), int(r[2])) for r in value]


def _bench_long_get(quick: bool) -> Result:
    data, expected = make_buffer()
    blocks = get_response_blocks(InvokeIdAndPriority(1), data, PDU_SIZE)
    wire = [block.encode() for block in blocks]
    result = Result(
        "apdu-get-datablocks-10k",
        f"reassemble and decode a {ROWS}-row profile buffer from {len(wire)} "
        f"GET-Response-With-Datablock APDUs ({PDU_SIZE}-octet PDU, {len(data):,} octets)",
        target="dlmskit >= 5x gurux-dlms",
    )

    def ours() -> Any:
        joined = BlockReassembler()
        value: Any = None
        for raw in wire:
            response = apdu.decode(raw)
            assert isinstance(response, GetResponseWithDatablock)
            value = joined.add_get_response(response)
        assert isinstance(value, bytes)
        return axdr.decode(value)

    assert _rows(ours()) == expected, "dlmskit reassembled other rows"
    result.add(measure("dlmskit", ours, ROWS, "rows/s", quick=quick))
    try:
        from gurux_dlms import GXByteBuffer, GXReplyData
        from gurux_dlms.ConnectionState import ConnectionState
        from gurux_dlms.objects import GXDLMSProfileGeneric
    except ImportError as exc:
        result.add(missing("gurux-dlms", f"not installed ({exc.name})", "rows/s"))
        return result
    profile = GXDLMSProfileGeneric("1.0.99.1.0.255")

    def gurux() -> Any:
        client = _gurux_client()
        client.settings.connected = ConnectionState.DLMS
        client.read(profile, 2)  # sets up the client's block transfer state, as a read does
        reply = GXReplyData()
        for raw in wire:
            client.getData(GXByteBuffer(raw), reply)
            if reply.isMoreData():
                client.receiverReady(reply)
        return reply.value

    try:
        rows = _rows(gurux())
    except Exception as exc:  # a peer's failure is reported, not raised
        result.add(missing("gurux-dlms", f"failed: {exc!r}", "rows/s"))
        return result
    if rows != expected:
        result.add(missing("gurux-dlms", "reassembled other rows than dlmskit", "rows/s"))
        return result
    result.add(measure("gurux-dlms", gurux, ROWS, "rows/s", quick=quick))
    result.extra["apdus"] = len(wire)
    return result


def run(quick: bool) -> list[Result]:
    return [_bench_aarq_encode(quick), _bench_aarq_decode(quick), _bench_long_get(quick)]
