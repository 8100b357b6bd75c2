"""The meter the client tests read: registers with scalers, a clock, a load profile, an
object list (a ScriptedMeter with these values)."""

from __future__ import annotations

import datetime as dt

from _scripted_meter import ScriptedMeter
from _security_material import AK, EK, ST_BC614E
from dlmskit import apdu
from dlmskit.association.ciphering import SecurityContext
from dlmskit.axdr import DoubleLongUnsigned, Enum, Integer, LongUnsigned, Unsigned, VisibleString
from dlmskit.cosem import DateTime, Obis
from dlmskit.security import Key, SecurityPolicy, SymmetricKeys

ENERGY = Obis.parse("1-0:1.8.0")
VOLTAGE = Obis.parse("1-0:32.7.0")
CLOCK = Obis.parse("0-0:1.0.0")
PROFILE = Obis.parse("1-0:99.1.0")
SERIAL = Obis.parse("0-0:96.1.0")
COUNTER = Obis.parse("0-0:43.1.0")
ASSOCIATION = Obis.parse("0-0:40.0.0")
START = dt.datetime(2024, 5, 1, tzinfo=dt.UTC)
KEYS = SymmetricKeys(unicast=Key(EK), authentication=Key(AK))
CONTEXT = SecurityContext(keys=KEYS, system_title=ST_BC614E, policy=SecurityPolicy.from_v0(3))


def _capture(class_id: int, name: Obis, attribute: int) -> tuple:
    return (LongUnsigned(class_id), bytes(name), Integer(attribute), LongUnsigned(0))


def _rows(count: int, *, gaps: bool = False) -> list[tuple]:
    rows = []
    for i in range(count):
        stamp = DateTime.from_datetime(START + dt.timedelta(minutes=15 * i))
        clock = None if (gaps and i % 4) else stamp
        rows.append((clock, DoubleLongUnsigned(1000 + i), LongUnsigned(2300 + i % 7)))
    return rows


def _object_list() -> list:
    def entry(class_id: int, name: Obis, attributes: int, methods: int) -> tuple:
        rights = (
            [(Integer(i), Enum(1 if i == 1 else 3), None) for i in range(1, attributes + 1)],
            [(Integer(i), Enum(1)) for i in range(1, methods + 1)],
        )
        return (LongUnsigned(class_id), Unsigned(0), bytes(name), rights)

    return [
        entry(3, ENERGY, 3, 1),
        entry(3, VOLTAGE, 3, 1),
        entry(8, CLOCK, 9, 6),
        entry(7, PROFILE, 8, 4),
        entry(1, SERIAL, 2, 0),
        entry(15, ASSOCIATION, 9, 4),
    ]


def make_meter(**kw: object) -> ScriptedMeter:
    values = {
        (3, ENERGY, 2): DoubleLongUnsigned(12345678),
        (3, ENERGY, 3): (Integer(-3), Enum(30)),  # Wh, scaler -3
        (3, VOLTAGE, 2): LongUnsigned(2301),
        (3, VOLTAGE, 3): (Integer(-1), Enum(35)),
        (8, CLOCK, 2): DateTime.from_datetime(START),
        (1, SERIAL, 2): VisibleString("METER-0001"),
        (1, COUNTER, 2): DoubleLongUnsigned(1000),
        (15, ASSOCIATION, 2): _object_list(),
        (7, PROFILE, 2): _rows(96),
        (7, PROFILE, 3): [
            _capture(8, CLOCK, 2),
            _capture(3, ENERGY, 2),
            _capture(3, VOLTAGE, 2),
        ],
        (7, PROFILE, 4): DoubleLongUnsigned(900),
    }
    return ScriptedMeter(values=values, **kw)  # type: ignore[arg-type]


def _gets(meter: ScriptedMeter) -> list[tuple[int, Obis, int]]:
    out = []
    for r in meter.requests:
        if isinstance(r, apdu.GetRequestNormal):
            out.append((r.attribute.class_id, r.attribute.instance_id, r.attribute.attribute_id))
        elif isinstance(r, apdu.GetRequestWithList):
            out += [
                (a.attribute.class_id, a.attribute.instance_id, a.attribute.attribute_id)
                for a in r.attributes
            ]
    return out
