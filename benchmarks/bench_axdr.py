"""A-XDR: decode a 10,000-row Profile Generic buffer, dlmskit against gurux-dlms and dlms-cosem.

The buffer is ``array`` of ``structure{octet-string(12) date-time, double-long-unsigned,
double-long-unsigned}``, made by dlmskit's encoder. All three decoders get the same bytes,
and the benchmark checks that they decoded the same values before it reports any speed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from _harness import Result, measure, missing
from dlmskit import axdr
from dlmskit.cosem import DateTime

ROWS = 10_000


def make_buffer(rows: int = ROWS) -> tuple[bytes, list[tuple[bytes, int, int]]]:
    """A 15-minute load profile: (date-time, +A register in Wh, -A register in Wh)."""
    start = dt.datetime(2024, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    expected = []
    values = []
    for i in range(rows):
        stamp = DateTime.from_datetime(start + dt.timedelta(minutes=15 * i)).to_bytes()
        imported, exported = 1_000_000 + 37 * i, 500_000 + (i * 11) % 7
        expected.append((stamp, imported, exported))
        values.append((stamp, axdr.DoubleLongUnsigned(imported), axdr.DoubleLongUnsigned(exported)))
    return axdr.encode(values), expected


def _ours(data: bytes) -> list[tuple[bytes, int, int]]:
    value = axdr.decode(data)
    assert isinstance(value, list)
    return [(bytes(r[0]), int(r[1]), int(r[2])) for r in value]  # type: ignore[index, call-overload]


def _gurux() -> tuple[Any, Any]:
    from gurux_dlms.GXByteBuffer import GXByteBuffer
    from gurux_dlms.GXDLMSSettings import GXDLMSSettings
    from gurux_dlms.internal._GXCommon import _GXCommon
    from gurux_dlms.internal._GXDataInfo import _GXDataInfo

    settings = GXDLMSSettings(False, None)

    def decode(data: bytes) -> Any:
        return _GXCommon.getData(settings, GXByteBuffer(data), _GXDataInfo())

    def rows(value: Any) -> list[tuple[bytes, int, int]]:
        return [(bytes(r[0]), int(r[1]), int(r[2])) for r in value]

    return decode, rows


def _dlms_cosem() -> tuple[Any, Any]:
    from dlms_cosem.dlms_data import DlmsDataParser

    def decode(data: bytes) -> Any:
        return DlmsDataParser().parse(data)[0]

    def rows(value: Any) -> list[tuple[bytes, int, int]]:
        return [
            (bytes(r.value[0].value), int(r.value[1].value), int(r.value[2].value))
            for r in value.value
        ]

    return decode, rows


def run(quick: bool) -> list[Result]:
    data, expected = make_buffer()
    result = Result(
        "axdr-decode-profile-10k",
        f"decode a {ROWS}-row load-profile buffer ({len(data):,} bytes) from bytes to values",
        target="dlmskit >= 5x gurux-dlms",
    )
    assert _ours(data) == expected, "dlmskit decoded other values"
    result.add(measure("dlmskit", lambda: axdr.decode(data), ROWS, "rows/s", quick=quick))
    for name, factory in (("gurux-dlms", _gurux), ("dlms-cosem", _dlms_cosem)):
        try:
            decode, rows = factory()
        except ImportError as exc:
            result.add(missing(name, f"not installed ({exc.name})", "rows/s"))
            continue
        if rows(decode(data)) != expected:
            result.add(missing(name, "decoded other values than dlmskit", "rows/s"))
            continue
        result.add(measure(name, lambda d=decode: d(data), ROWS, "rows/s", quick=quick))
    encode_result = Result(
        "axdr-encode-profile-10k", f"encode the same {ROWS} rows to bytes (dlmskit only)"
    )
    values = axdr.decode(data)
    encode_result.add(measure("dlmskit", lambda: axdr.encode(values), ROWS, "rows/s", quick=quick))
    return [result, encode_result]
