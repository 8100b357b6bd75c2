"""Build one day of a 15-minute load profile, encode it as a meter would send it, decode it
back and print it as a table.

Run with ``make demo`` (or ``python examples/load_profile_demo.py`` in the project's venv).
"""

from __future__ import annotations

import datetime as dt
import json

from dlmskit import axdr
from dlmskit.cosem import DateTime, Obis, ScalerUnit, Unit

CAPTURE_OBJECTS = [
    ("0-0:1.0.0*255", "clock", None),
    ("1-0:1.8.0*255", "+A", ScalerUnit(0, Unit.WATT_HOUR)),
    ("1-0:2.8.0*255", "-A", ScalerUnit(0, Unit.WATT_HOUR)),
]


def build_buffer() -> bytes:
    """The buffer attribute of a Profile Generic: one row per quarter hour of 2024-03-31
    (the day Central Europe switches to summer time: deviation and DST flag change)."""
    tz_winter = dt.timezone(dt.timedelta(hours=1))
    start = dt.datetime(2024, 3, 31, 0, 0, tzinfo=tz_winter)
    rows = []
    imported, exported = 1_234_000, 56_000
    for i in range(92):  # 23 hours: the clock jumps from 02:00 to 03:00
        utc = start + dt.timedelta(minutes=15 * i)
        summer = utc >= dt.datetime(2024, 3, 31, 2, 0, tzinfo=tz_winter)
        local = utc.astimezone(dt.timezone(dt.timedelta(hours=2 if summer else 1)))
        status = 0x80 if summer else 0  # daylight_saving_active
        stamp = DateTime.from_datetime(local, clock_status=status)
        imported += 150 + (i % 8) * 40
        exported += 30 if 40 <= i < 64 else 0  # solar export around noon
        rows.append(
            (
                stamp.to_bytes(),
                axdr.DoubleLongUnsigned(imported),
                axdr.DoubleLongUnsigned(exported),
            )
        )
    return axdr.encode(rows)


def main() -> None:
    data = build_buffer()
    print(f"Profile Generic buffer: {len(data)} bytes of A-XDR, starting {data[:32].hex()}...")
    rows = axdr.decode(data, strict=True)
    assert isinstance(rows, list)
    assert axdr.encode(rows) == data, "round trip must be exact"
    print("decoded, and re-encoded to the same bytes.\n")
    first = axdr.to_json(rows[0])
    print("first row as typed JSON:")
    print("  " + json.dumps(first))
    print()

    headers = [
        f"{name} ({Obis.parse(obis).short})" + (f" [{su.symbol}]" if su else "")
        for obis, name, su in CAPTURE_OBJECTS
    ]
    widths = [46, 22, 22]
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for index, row in enumerate(rows):
        if 6 <= index < 86 and index % 12:
            continue  # keep the table short: every third hour, and the switch to summer time
        assert isinstance(row, tuple)
        stamp = DateTime.from_bytes(row[0])  # type: ignore[arg-type]
        cells = [str(stamp)]
        for (_, _, su), value in zip(CAPTURE_OBJECTS[1:], row[1:], strict=True):
            assert su is not None and isinstance(value, int)
            cells.append(str(su.apply(value)))
        print("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)))
    print(f"\n{len(rows)} rows; the OBIS codes say: ")
    for obis, _, _ in CAPTURE_OBJECTS:
        code = Obis.parse(obis)
        print(f"  {code}  {code.description or '(no description)'}")


if __name__ == "__main__":
    main()
