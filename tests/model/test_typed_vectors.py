"""Typed reading of real meter data: the push vectors and A-XDR data of realworld.json.

Sources: ../shared/vectors/realworld.json (toreamun/amshan and u9n/dlms-cosem test data:
Aidon, Kaifa and Kamstrup HAN-port pushes, a load profile buffer). The DataNotification body
is located here, after the LLC header (3), the APDU tag 0x0F (1), the long-invoke-id (4) and
the date-time field, whose encoding the vector names (absent ``00``, ``0C``+12, or Kaifa's
tagged ``09 0C``+12); the APDU codec itself is built elsewhere.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from _vectors import by_id, params
from dlmskit import axdr
from dlmskit.cosem import DateTime, Obis, ScalerUnit, Unit
from dlmskit.model.schema import Quantity
from dlmskit.model.typed import ScalerTable, typed_columns, typed_object, typed_rows

_DATETIME_FIELD = {"absent(00)": 1, "octet-string(0C+12)": 13, "tagged-data(09 0C+12)": 14}


def notification_body(entry: dict[str, Any]) -> Any:
    data = bytes.fromhex(entry["hex"])
    assert data[:4] == bytes.fromhex("e6e7000f"), "LLC header and data-notification tag"
    notification = entry["expected"].get("verified_decode", {}).get("data_notification", {})
    encoding = notification.get("datetime_field_encoding")
    if encoding is None:  # the Kaifa vectors without verified_decode name the field in notes
        encoding = "tagged-data(09 0C+12)" if data[8:10] == b"\x09\x0c" else "absent(00)"
    offset = 8 + _DATETIME_FIELD[encoding]
    body, end = axdr.decode_prefix(data, offset)
    assert end == len(data)
    return body


def q(value: str, unit: Unit) -> tuple[Decimal, Unit]:
    return Decimal(value), unit


def as_pair(item: Any) -> tuple[Decimal, Any]:
    assert isinstance(item, Quantity), item
    return item.value, item.unit


# -- Aidon: each element is a whole object (logical_name, value[, scaler_unit]) -------------

AIDON = [e for e in params("realworld", "llc+apdu") if e.values[0] is None or "aidon" in e.id]


@pytest.mark.parametrize("entry", AIDON)
def test_aidon_whole_registers_are_scaled_by_their_own_scaler_unit(entry: Any) -> None:
    body = notification_body(entry)
    expected = entry["expected"]["verified_decode"]["data_notification"]["obis_values"]
    assert isinstance(body, list)
    seen = 0
    for element in body:
        class_id = 3 if len(element) == 3 else 1
        typed = typed_object(class_id, element)
        ln = typed.logical_name
        assert isinstance(ln, Obis)
        want = expected[ln.dotted]
        if isinstance(want, dict):
            su = ScalerUnit(want["scaler"], want["unit"])
            assert typed["scaler_unit"] == su
            assert as_pair(typed["value"]) == (su.apply(want["raw"]), Unit(want["unit"]))
            seen += 1
        elif want.startswith("DT:"):
            # the clock is pushed as a whole Data object whose value is a date-time octet-string
            assert isinstance(typed["value"], bytes)
            assert DateTime.from_bytes(typed["value"]).to_datetime().isoformat()[:19] == want[3:22]
        else:
            assert typed["value"] == want
    assert seen >= 1


def test_aidon_list2_values_match_what_the_source_asserts() -> None:
    body = notification_body(by_id("realworld", "amshan-aidon-no-list2"))
    typed = {
        t.logical_name.dotted: t["value"]
        for t in (typed_object(3, e) if len(e) == 3 else typed_object(1, e) for e in body)
    }
    assert as_pair(typed["1.0.31.7.0.255"]) == q("1.3", Unit.AMPERE)
    assert as_pair(typed["1.0.71.7.0.255"]) == q("0.9", Unit.AMPERE)
    assert as_pair(typed["1.0.32.7.0.255"]) == q("227.4", Unit.VOLT)
    assert as_pair(typed["1.0.52.7.0.255"]) == q("230.1", Unit.VOLT)
    assert as_pair(typed["1.0.72.7.0.255"]) == q("230.8", Unit.VOLT)
    assert as_pair(typed["1.0.1.7.0.255"]) == q("280", Unit.WATT)
    assert str(typed["1.0.32.7.0.255"]) == "227.4 V"


def test_aidon_list3_energy_carries_scaler_plus_one() -> None:
    body = notification_body(by_id("realworld", "amshan-aidon-no-list3"))
    typed = {
        t.logical_name.dotted: t["value"]
        for t in (typed_object(3, e) if len(e) == 3 else typed_object(1, e) for e in body)
    }
    # amshan asserts 22721380 Wh = raw 2272138 x 10^1
    assert as_pair(typed["1.0.1.8.0.255"]) == (Decimal(22721380), Unit.WATT_HOUR)
    assert as_pair(typed["1.0.3.8.0.255"]) == (Decimal(582430), Unit.VAR_HOUR)
    assert as_pair(typed["1.0.4.8.0.255"]) == (Decimal(1708430), Unit.VAR_HOUR)


# -- Kamstrup and Kaifa: values by position; the list's objects and scalers are the vendor's --

KAMSTRUP_SCALERS = ScalerTable(
    {
        # power W, energy 10 Wh / 10 varh, current 0.01 A, voltage V (vector notes)
        **{f"1.1.{c}.7.0.255": ScalerUnit(0, Unit.WATT) for c in (1, 2)},
        **{f"1.1.{c}.7.0.255": ScalerUnit(0, Unit.VAR) for c in (3, 4)},
        **{f"1.1.{c}.7.0.255": ScalerUnit(-2, Unit.AMPERE) for c in (31, 51, 71)},
        **{f"1.1.{c}.7.0.255": ScalerUnit(0, Unit.VOLT) for c in (32, 52, 72)},
        **{f"1.1.{c}.8.0.255": ScalerUnit(1, Unit.WATT_HOUR) for c in (1, 2)},
        **{f"1.1.{c}.8.0.255": ScalerUnit(1, Unit.VAR_HOUR) for c in (3, 4)},
    }
)


def kamstrup_columns(body: tuple[Any, ...]) -> list[tuple[int, Any, int, int]]:
    """Kamstrup pushes (list version, then logical_name/value pairs): columns of Data and
    Register attributes 1 and 2; null-data placeholders keep the previous register's slot."""
    columns: list[tuple[int, Any, int, int]] = [(1, "0.0.96.1.255.255", 2, 0)]
    current = None
    for value in body[1:]:
        if isinstance(value, bytes) and len(value) == 6:
            current = Obis.from_bytes(value)
            columns.append((3, current, 1, 0))
        else:
            columns.append((3, current, 2, 0))
    return columns


def kamstrup_values(body: tuple[Any, ...]) -> dict[str, Any]:
    typed = typed_columns(body, kamstrup_columns(body), KAMSTRUP_SCALERS)
    out: dict[str, Any] = {}
    current = None
    for value in typed[1:]:
        if isinstance(value, Obis):
            current = value.dotted
        elif current is not None and current not in out:
            out[current] = value
    return out


def test_kamstrup_three_phase_currents_and_voltages() -> None:
    values = kamstrup_values(notification_body(by_id("realworld", "amshan-kamstrup-se-list-real")))
    # decode_frame_content: current_l1 2.37, l2 0.89, l3 0.75; voltages 232, 233, 236
    assert as_pair(values["1.1.31.7.0.255"]) == q("2.37", Unit.AMPERE)
    assert as_pair(values["1.1.51.7.0.255"]) == q("0.89", Unit.AMPERE)
    assert as_pair(values["1.1.71.7.0.255"]) == q("0.75", Unit.AMPERE)
    assert as_pair(values["1.1.32.7.0.255"]) == (Decimal(232), Unit.VOLT)
    assert as_pair(values["1.1.72.7.0.255"]) == (Decimal(236), Unit.VOLT)
    assert as_pair(values["1.1.1.7.0.255"]) == (Decimal(826), Unit.WATT)


def test_kamstrup_hourly_list_energy_in_10_wh_and_null_placeholders() -> None:
    body = notification_body(by_id("realworld", "amshan-kamstrup-no-list2-1phase-real"))
    assert body.count(None) == 8
    values = kamstrup_values(body)
    # decode_frame_content: active import 77452500 Wh, reactive 137310 / 11415870 varh,
    # current_l1 45.12 A, voltage_l1 223 V
    assert as_pair(values["1.1.1.8.0.255"]) == (Decimal(77452500), Unit.WATT_HOUR)
    assert as_pair(values["1.1.3.8.0.255"]) == (Decimal(137310), Unit.VAR_HOUR)
    assert as_pair(values["1.1.4.8.0.255"]) == (Decimal(11415870), Unit.VAR_HOUR)
    assert as_pair(values["1.1.31.7.0.255"]) == q("45.12", Unit.AMPERE)
    assert as_pair(values["1.1.32.7.0.255"]) == (Decimal(223), Unit.VOLT)


def test_kamstrup_han_body_axdr_vector() -> None:
    entry = by_id("realworld", "dlmscosem-kamstrup-han-body")
    body = axdr.decode(bytes.fromhex(entry["hex"]))
    assert len(body) == entry["expected"]["source_asserts"]["parsed_len"]
    values = kamstrup_values(body)
    simplified = entry["expected"]["verified_decode"]["body_simplified"]
    raw_l1 = simplified[simplified.index("OBIS:1.1.31.7.0.255") + 1]
    assert as_pair(values["1.1.31.7.0.255"]) == (Decimal(raw_l1).scaleb(-2), Unit.AMPERE)
    assert as_pair(values["1.1.32.7.0.255"]) == (Decimal(230), Unit.VOLT)
    assert typed_columns(body[:1], [(1, "0.0.96.1.255.255", 2, 0)]) == ["Kamstrup_V0001"]


KAIFA_LIST = [
    (1, "1.1.0.2.129.255"),
    (1, "0.0.96.1.0.255"),
    (1, "0.0.96.1.7.255"),
    *((3, f"1.0.{c}.7.0.255") for c in (1, 2, 3, 4, 31, 51, 71, 32, 52, 72)),
    (8, "0.0.1.0.0.255"),
    *((3, f"1.0.{c}.8.0.255") for c in (1, 2, 3, 4)),
]
KAIFA_SCALERS = ScalerTable(
    {
        # Kaifa lists: power W, energy Wh, current mA, voltage 0.1 V (vector notes)
        **{f"1.0.{c}.7.0.255": ScalerUnit(0, Unit.WATT) for c in (1, 2)},
        **{f"1.0.{c}.7.0.255": ScalerUnit(0, Unit.VAR) for c in (3, 4)},
        **{f"1.0.{c}.7.0.255": ScalerUnit(-3, Unit.AMPERE) for c in (31, 51, 71)},
        **{f"1.0.{c}.7.0.255": ScalerUnit(-1, Unit.VOLT) for c in (32, 52, 72)},
        **{f"1.0.{c}.8.0.255": ScalerUnit(0, Unit.WATT_HOUR) for c in (1, 2)},
        **{f"1.0.{c}.8.0.255": ScalerUnit(0, Unit.VAR_HOUR) for c in (3, 4)},
    }
)


def kaifa_values(entry_id: str) -> dict[str, Any]:
    body = notification_body(by_id("realworld", entry_id))
    columns = [(cid, ln, 2, 0) for cid, ln in KAIFA_LIST[: len(body)]]
    typed = typed_columns(body, columns, KAIFA_SCALERS)
    return {
        Obis.parse(ln).dotted: value for (_, ln, _, _), value in zip(columns, typed, strict=True)
    }


def test_kaifa_list2_currents_in_milliampere_voltages_in_decivolt() -> None:
    values = kaifa_values("amshan-kaifa-no-list2")
    # decode_frame_content: current_l1 33.813, l2 28.103, l3 18.178; voltage_l1 216.8, l3 218.8
    assert as_pair(values["1.0.31.7.0.255"]) == q("33.813", Unit.AMPERE)
    assert as_pair(values["1.0.51.7.0.255"]) == q("28.103", Unit.AMPERE)
    assert as_pair(values["1.0.71.7.0.255"]) == q("18.178", Unit.AMPERE)
    assert as_pair(values["1.0.32.7.0.255"]) == q("216.8", Unit.VOLT)
    assert as_pair(values["1.0.72.7.0.255"]) == q("218.8", Unit.VOLT)
    assert as_pair(values["1.0.1.7.0.255"]) == (Decimal(9745), Unit.WATT)
    assert values["0.0.96.1.7.255"] == b"MA304H3E"  # Kaifa sends octet-strings here


def test_kaifa_list3_energy_and_embedded_clock() -> None:
    values = kaifa_values("amshan-kaifa-no-list3")
    assert as_pair(values["1.0.1.8.0.255"]) == (Decimal(79591144), Unit.WATT_HOUR)
    assert as_pair(values["1.0.3.8.0.255"]) == (Decimal(889389), Unit.VAR_HOUR)
    assert as_pair(values["1.0.32.7.0.255"]) == q("219.3", Unit.VOLT)
    clock = values["0.0.1.0.0.255"]
    assert isinstance(clock, DateTime)
    assert clock.to_datetime().isoformat() == "2020-01-25T14:00:10"


def test_kaifa_list1_single_value() -> None:
    body = notification_body(by_id("realworld", "amshan-kaifa-no-list1"))
    typed = typed_columns(body, [(3, "1.0.1.7.0.255", 2, 0)], KAIFA_SCALERS)
    assert as_pair(typed[0]) == (Decimal(5852), Unit.WATT)


def test_load_profile_buffer_typed_by_its_capture_objects() -> None:
    entry = by_id("realworld", "dlmscosem-load-profile-array")
    rows = axdr.decode(bytes.fromhex(entry["hex"]))
    columns = [(8, "0.0.1.0.0.255", 2, 0), (1, "0.0.96.10.1.255", 2, 0), (3, "1.0.1.8.0.255", 2, 0)]
    scalers = ScalerTable({"1.0.1.8.0.255": ScalerUnit(0, Unit.WATT_HOUR)})
    typed = typed_rows(rows, columns, scalers)
    assert len(typed) == entry["expected"]["source_asserts"]["array_len"]
    first, last = typed[0], typed[-1]
    # "2018-02-12T00:00:00 (deviation unspecified 0x8000), status 0, value 100000"
    assert first[0].to_datetime().isoformat() == "2018-02-12T00:00:00"
    assert first[0].deviation is None
    assert first[1] == 0
    assert as_pair(first[2]) == (Decimal(100000), Unit.WATT_HOUR)
    assert last[0].to_datetime().isoformat() == "2018-02-12T23:00:00"
    assert as_pair(last[2]) == (Decimal(109568), Unit.WATT_HOUR)
