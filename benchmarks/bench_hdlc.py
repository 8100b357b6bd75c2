"""HDLC: goodput of a 260 kB response over a simulated 9600-baud line, and framing speed.

1. Line efficiency. A client and a meter station (dlmskit's own) exchange one small request and
   a 260 kB answer over a simulated half-duplex line: 9600 baud, 10 bits per character (start,
   8 data, stop), and a turnaround delay each time the line changes direction. The clock is
   simulated (nothing sleeps). Reported: goodput (answer bytes per second of the whole exchange)
   as a fraction of the line rate (960 bytes/s), for window 1 with 128-byte information fields
   and window 7 with 2030-byte ones. Target: >= 90 % for window 7 / 2030 at 100 ms turnaround.
2. CPU cost. How fast dlmskit cuts 260 kB into 2030-byte I frames and reads them back, and how
   fast gurux-dlms frames the same bytes (``GXDLMS.getHdlcFrame``), results checked equal
   (gurux's frames decoded by dlmskit give back the same bytes) before timing.
"""

from __future__ import annotations

import random
from typing import Any

from _harness import Measurement, Result, measure, missing
from dlmskit.link.hdlc import (
    ApduReceived,
    Frame,
    FrameReader,
    FrameType,
    HdlcAddress,
    PrimaryStation,
    SecondaryStation,
    StationSettings,
    decode_frame,
)

BAUD = 9600
BITS_PER_CHAR = 10
LINE_RATE = BAUD / BITS_PER_CHAR  # bytes per second
ANSWER_SIZE = 260_000
SERVER = HdlcAddress.server(1, 17)
CLIENT = HdlcAddress.client(16)


def simulate(max_info: int, window: int, turnaround: float, size: int = ANSWER_SIZE) -> dict:
    """One request/answer exchange over the simulated line; returns timings and counts."""
    settings = StationSettings(
        max_info_tx=max_info,
        max_info_rx=max_info,
        window_tx=window,
        window_rx=window,
        response_timeout=3600.0,
    )
    client = PrimaryStation(CLIENT, SERVER, settings)
    meter = SecondaryStation((1,), 17, settings)
    answer = random.Random(1).randbytes(size)
    request = bytes.fromhex("c001c100070100630100ff0200")  # GET profile generic buffer
    now = 0.0
    line_free = 0.0
    stats = {"frames": 0, "line_bytes": 0}

    def transmit(data: bytes) -> float:
        """Send ``data`` after the turnaround; returns when its last byte arrives."""
        nonlocal line_free
        start = max(now, line_free) + turnaround
        end = start + len(data) / LINE_RATE
        line_free = end
        stats["line_bytes"] += len(data)
        stats["frames"] += data.count(b"\x7e") // 2  # approximate, for the report only
        return end

    client.connect(now)
    received: list[bytes] = []
    started = None
    while True:
        out = client.data_to_send()
        if out:
            now = transmit(out)
            for event in meter.receive_data(out, now):
                if isinstance(event, ApduReceived):
                    meter.send_apdu(answer, now, client=16, logical_device=1)
            continue
        out = meter.data_to_send()
        if out:
            now = transmit(out)
            for event in client.receive_data(out, now):
                if isinstance(event, ApduReceived):
                    received.append(event.apdu)
            continue
        if started is None:
            started = now  # connected: the measured exchange starts here
            client.send_apdu(request, now)
            continue
        break
    assert received == [answer], "answer corrupted"
    elapsed = now - started
    return {
        "elapsed_s": round(elapsed, 3),
        "goodput_bytes_per_s": round(size / elapsed, 1),
        "fraction_of_line_rate": round(size / elapsed / LINE_RATE, 4),
        "line_bytes": stats["line_bytes"],
    }


def _frames_ours(data: bytes) -> list[bytes]:
    chunks = [data[i : i + 2030] for i in range(0, len(data), 2030)]
    last = len(chunks) - 1
    return [
        Frame.make(
            FrameType.I,
            CLIENT,
            SERVER,
            ns=i % 8,
            nr=0,
            info=c,
            segmented=i != last,
            poll_final=i == last,
        ).encode()
        for i, c in enumerate(chunks)
    ]


def _read_ours(frames: list[bytes]) -> bytes:
    reader = FrameReader()
    return b"".join(f.info for f in reader.feed(b"".join(frames)))


def _gurux() -> Any:
    from gurux_dlms.enums import InterfaceType
    from gurux_dlms.GXByteBuffer import GXByteBuffer
    from gurux_dlms.GXDLMS import GXDLMS
    from gurux_dlms.GXDLMSSettings import GXDLMSSettings

    def frames(data: bytes) -> list[bytes]:
        settings = GXDLMSSettings(True, None)
        settings.interfaceType = InterfaceType.HDLC
        settings.hdlc.maxInfoTX = 2030
        settings.clientAddress = 16
        settings.serverAddress = (1 << 7) | 17
        buf = GXByteBuffer(data)
        out = []
        while buf.position < buf.size:
            out.append(bytes(GXDLMS.getHdlcFrame(settings, 0x10, buf)))
        return out

    return frames


def run(quick: bool) -> list[Result]:
    results = []
    line = Result(
        "hdlc-goodput-9600",
        f"{ANSWER_SIZE // 1000} kB answer over a simulated 9600-baud half-duplex line "
        "(10 bits/char), goodput as a fraction of the line rate",
        target=">= 0.90 of line rate for window 7 / 2030 bytes at 100 ms turnaround",
    )
    for window, info in ((1, 128), (7, 2030)):
        for turnaround in (0.1, 0.02) if not quick else (0.1,):
            figures = simulate(info, window, turnaround)
            key = f"window {window}, {info}-byte frames, {int(turnaround * 1000)} ms turnaround"
            line.extra[key] = figures
            line.add(
                Measurement(
                    f"dlmskit w{window}/{info}/{int(turnaround * 1000)}ms",
                    figures["elapsed_s"],
                    figures["goodput_bytes_per_s"],
                    "bytes/s (simulated)",
                    1,
                    note=f"{figures['fraction_of_line_rate']:.1%} of line rate",
                )
            )
    results.append(line)

    data = random.Random(2).randbytes(ANSWER_SIZE)
    cpu = Result(
        "hdlc-framing-260k",
        f"cut {ANSWER_SIZE // 1000} kB into 2030-byte I frames (and, for dlmskit, read them back)",
        target="report (no peer reads HDLC streams comparably)",
    )
    ours = _frames_ours(data)
    assert _read_ours(ours) == data
    cpu.add(
        measure("dlmskit (encode)", lambda: _frames_ours(data), ANSWER_SIZE, "bytes/s", quick=quick)
    )
    cpu.add(
        measure(
            "dlmskit (encode+read)",
            lambda: _read_ours(_frames_ours(data)),
            ANSWER_SIZE,
            "bytes/s",
            quick=quick,
        )
    )
    try:
        gurux_frames = _gurux()
        theirs = gurux_frames(data)
        assert b"".join(decode_frame(f).info for f in theirs) == data, "gurux frames differ"
        cpu.add(
            measure(
                "gurux-dlms (encode)",
                lambda: gurux_frames(data),
                ANSWER_SIZE,
                "bytes/s",
                quick=quick,
            )
        )
    except ImportError as exc:
        cpu.add(missing("gurux-dlms (encode)", str(exc), "bytes/s"))
    cpu.compute_ratios("dlmskit (encode)")
    cpu.ratios = {k: v for k, v in cpu.ratios.items() if "gurux" in k}
    results.append(cpu)
    return results
