"""Object model: type a 10,000-row load profile (decode + clock column as date-times +
registers scaled by their scaler_unit), dlmskit against gurux-dlms; and capture 10,000 rows
in a simulated meter (dlmskit only: no peer has a sans-IO server model to compare).

dlmskit types the buffer with :func:`dlmskit.model.typed.typed_rows` (exact Decimals);
gurux-dlms with ``GXDLMSProfileGeneric`` given the same capture objects and scalers (floats).
Both results are compared row by row before anything is timed.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from _harness import Result, measure, missing
from bench_axdr import ROWS, make_buffer
from dlmskit import axdr
from dlmskit.cosem import ScalerUnit, Unit
from dlmskit.model.objects import Clock, CosemObjects, ProfileGeneric, Register
from dlmskit.model.typed import ScalerTable, typed_rows

CLOCK = (8, "0.0.1.0.0.255", 2, 0)
IMPORT = (3, "1.0.1.8.0.255", 2, 0)
EXPORT = (3, "1.0.2.8.0.255", 2, 0)
SCALERS = ScalerTable(
    {
        "1.0.1.8.0.255": ScalerUnit(-3, Unit.WATT_HOUR),
        "1.0.2.8.0.255": ScalerUnit(-3, Unit.WATT_HOUR),
    }
)

Row = tuple[dt.datetime, Decimal, Decimal]


def _type(data: bytes) -> list[tuple[Any, ...]]:
    return typed_rows(axdr.decode(data), [CLOCK, IMPORT, EXPORT], SCALERS)


def _ours(data: bytes) -> list[Row]:
    return [(r[0].to_datetime(), r[1].value, r[2].value) for r in _type(data)]


def _gurux() -> Any:
    from gurux_dlms.GXByteBuffer import GXByteBuffer
    from gurux_dlms.GXDLMSSettings import GXDLMSSettings
    from gurux_dlms.internal._GXCommon import _GXCommon
    from gurux_dlms.internal._GXDataInfo import _GXDataInfo
    from gurux_dlms.objects import (
        GXDLMSCaptureObject,
        GXDLMSClock,
        GXDLMSProfileGeneric,
        GXDLMSRegister,
    )
    from gurux_dlms.ValueEventArgs import ValueEventArgs

    settings = GXDLMSSettings(False, None)
    clock = GXDLMSClock("0.0.1.0.0.255")
    registers = []
    for ln in ("1.0.1.8.0.255", "1.0.2.8.0.255"):
        register = GXDLMSRegister(ln)
        register.scaler = 10**-3
        registers.append(register)

    def type_buffer(data: bytes) -> list[Any]:
        value = _GXCommon.getData(settings, GXByteBuffer(data), _GXDataInfo())
        profile = GXDLMSProfileGeneric("1.0.99.1.0.255")
        profile.captureObjects = [
            (clock, GXDLMSCaptureObject(2, 0)),
            (registers[0], GXDLMSCaptureObject(2, 0)),
            (registers[1], GXDLMSCaptureObject(2, 0)),
        ]
        event = ValueEventArgs(settings, profile, 2)
        event.value = value
        profile.setValue(settings, event)
        return profile.buffer

    return type_buffer


def _same(ours: list[Row], theirs: list[Any]) -> bool:
    if len(ours) != len(theirs):
        return False
    for (moment, imported, exported), row in zip(ours, theirs, strict=True):
        if row[0].value != moment:
            return False
        if abs(float(imported) - row[1]) > 1e-6 or abs(float(exported) - row[2]) > 1e-6:
            return False
    return True


def _capture(rows: int) -> int:
    energy = Register("1-0:1.8.0", value=axdr.DoubleLongUnsigned(0))
    profile = ProfileGeneric(
        "1-0:99.1.0",
        capture_objects=[
            (
                axdr.LongUnsigned(c[0]),
                bytes(int(x) for x in c[1].split(".")),
                axdr.Integer(c[2]),
                axdr.LongUnsigned(0),
            )
            for c in (CLOCK, IMPORT)
        ],
        capture_period=axdr.DoubleLongUnsigned(900),
        profile_entries=axdr.DoubleLongUnsigned(rows),
    )
    objects = CosemObjects([Clock(), energy, profile])
    now = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    objects.handle_timer(now)
    objects.get_timer(now)
    objects.handle_timer(now + dt.timedelta(minutes=15 * rows))
    return len(profile.rows)


def run(quick: bool) -> list[Result]:
    data, _expected = make_buffer()
    result = Result(
        "model-typed-profile-10k",
        f"decode and type a {ROWS}-row load profile: date-times and two scaled registers",
        target="dlmskit >= gurux-dlms, with exact (Decimal) scaling",
    )
    ours = _ours(data)
    result.add(measure("dlmskit", lambda: _type(data), ROWS, "rows/s", quick=quick))
    try:
        theirs = _gurux()
    except ImportError as exc:
        result.add(missing("gurux-dlms", f"not installed ({exc.name})", "rows/s"))
    else:
        if _same(ours, theirs(data)):
            result.add(
                measure(
                    "gurux-dlms",
                    lambda: theirs(data),
                    ROWS,
                    "rows/s",
                    quick=quick,
                    note="float scaling",
                )
            )
        else:
            result.add(missing("gurux-dlms", "typed other values than dlmskit", "rows/s"))
    rows = 2_000 if quick else ROWS
    capture = Result(
        "model-profile-capture",
        f"a simulated meter captures {rows} profile rows through its timers (dlmskit only)",
    )
    assert _capture(rows) == rows
    capture.add(measure("dlmskit", lambda: _capture(rows), rows, "rows/s", quick=quick))
    return [result, capture]
