"""Register monitor, Limiter and Push setup."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dlmskit import axdr
from dlmskit.axdr import DoubleLongUnsigned, Enum, Integer, LongUnsigned, Unsigned
from dlmskit.cosem import DateTime, Obis, ScalerUnit, Unit
from dlmskit.model.enums import ControlState, ScriptServiceId
from dlmskit.model.objects import (
    Clock,
    CosemObjects,
    DataObject,
    DisconnectControl,
    Limiter,
    ProfileGeneric,
    PushEvent,
    PushSetup,
    Register,
    RegisterMonitor,
    ScriptTable,
)

UTC = dt.UTC
NOW = dt.datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
SCRIPTS = bytes([0, 0, 10, 0, 106, 255])
POWER = (LongUnsigned(3), bytes([1, 0, 1, 7, 0, 255]), Integer(2))


def flag_script(identifier: int, value: int) -> tuple[Any, ...]:
    write = (
        Enum(ScriptServiceId.WRITE_ATTRIBUTE),
        LongUnsigned(1),
        bytes([0, 0, 96, 50, 0, 255]),
        Integer(2),
        Unsigned(value),
    )
    return (LongUnsigned(identifier), [write])


def base(*extra: Any) -> tuple[CosemObjects, Register]:
    power = Register("1-0:1.7.0", value=axdr.DoubleLong(0), scaler_unit=ScalerUnit(0, Unit.WATT))
    flag = DataObject("0-0:96.50.0", value=Unsigned(0))
    scripts = ScriptTable("0-0:10.0.106", scripts=[flag_script(i, i) for i in range(1, 5)])
    return CosemObjects([Clock(), power, flag, scripts, *extra]), power


def flag(objects: CosemObjects) -> int:
    return int(objects["0-0:96.50.0"].value("value"))


def test_register_monitor_fires_on_crossings_only() -> None:
    monitor = RegisterMonitor(
        "0-0:16.1.0",
        thresholds=[axdr.DoubleLong(1000), axdr.DoubleLong(5000)],
        monitored_value=POWER,
        actions=[
            ((SCRIPTS, LongUnsigned(1)), (SCRIPTS, LongUnsigned(2))),
            ((SCRIPTS, LongUnsigned(3)), (SCRIPTS, LongUnsigned(4))),
        ],
    )
    objects, power = base(monitor)
    objects.poll(NOW)  # first look: no crossing yet
    assert flag(objects) == 0
    assert objects.set(3, "1-0:1.7.0", 2, axdr.DoubleLong(2000), now=NOW).name == "SUCCESS"
    assert flag(objects) == 1  # up through 1000
    power.store("value", axdr.DoubleLong(6000))
    objects.poll(NOW)
    assert flag(objects) == 3  # up through 5000
    power.store("value", axdr.DoubleLong(500))
    objects.poll(NOW)
    assert flag(objects) in (2, 4)  # down through both: both action_down scripts ran
    objects["0-0:96.50.0"].store("value", Unsigned(0))
    objects.poll(NOW)
    assert flag(objects) == 0  # no crossing, nothing runs


def test_limiter_with_durations_emergency_profile_and_disconnect() -> None:
    disconnect = DisconnectControl("0-0:96.3.10", control_mode=Enum(1))
    cut = (
        LongUnsigned(5),
        [(Enum(2), LongUnsigned(70), bytes([0, 0, 96, 3, 10, 255]), Integer(1), Integer(0))],
    )
    back = (
        LongUnsigned(6),
        [(Enum(2), LongUnsigned(70), bytes([0, 0, 96, 3, 10, 255]), Integer(2), Integer(0))],
    )
    limiter = Limiter(
        "0-0:17.0.0",
        monitored_value=POWER,
        threshold_normal=axdr.DoubleLong(3000),
        threshold_emergency=axdr.DoubleLong(1000),
        min_over_threshold_duration=DoubleLongUnsigned(60),
        min_under_threshold_duration=DoubleLongUnsigned(120),
        emergency_profile=(
            LongUnsigned(7),
            DateTime(2024, 6, 1, None, 14, 0, 0, 0, 0, None).to_bytes(),
            DoubleLongUnsigned(3600),
        ),
        emergency_profile_group_id_list=[LongUnsigned(7)],
        actions=((SCRIPTS, LongUnsigned(5)), (SCRIPTS, LongUnsigned(6))),
    )
    objects, power = base(limiter, disconnect)
    objects["0-0:10.0.106"].store("scripts", [cut, back])
    power.store("value", axdr.DoubleLong(3500))
    objects.poll(NOW)
    assert disconnect.output_state is True  # over, but not for 60 s yet
    assert objects.get_timer(NOW) == NOW + dt.timedelta(seconds=60)
    objects.handle_timer(NOW + dt.timedelta(seconds=60))
    assert disconnect.control_state is ControlState.DISCONNECTED
    assert limiter.over is True
    power.store("value", axdr.DoubleLong(2000))
    later = NOW + dt.timedelta(minutes=5)
    objects.poll(later)
    objects.handle_timer(later + dt.timedelta(seconds=119))
    assert disconnect.control_state is ControlState.DISCONNECTED
    objects.handle_timer(later + dt.timedelta(seconds=120))
    assert disconnect.control_state is ControlState.CONNECTED
    # 14:00 UTC: the emergency profile makes 1000 W the limit; 2000 W is now over it
    emergency = dt.datetime(2024, 6, 1, 14, 0, tzinfo=UTC)
    objects.handle_timer(emergency)
    assert limiter.value("emergency_profile_active") is True
    assert limiter.value("threshold_active") == axdr.DoubleLong(1000)
    objects.handle_timer(emergency + dt.timedelta(seconds=60))
    assert disconnect.control_state is ControlState.DISCONNECTED
    objects.handle_timer(emergency + dt.timedelta(hours=1))
    assert limiter.value("emergency_profile_active") is False
    assert limiter.value("threshold_active") == axdr.DoubleLong(3000)


def push_setup(version: int, objects_list: list[Any], **values: Any) -> PushSetup:
    return PushSetup(
        "0-0:25.9.0",
        version=version,
        push_object_list=objects_list,
        send_destination_and_method=(Enum(0), b"10.0.0.1:4059", Enum(0)),
        **values,
    )


def test_push_builds_the_notification_body_of_its_object_list() -> None:
    own_ln = (LongUnsigned(40), bytes([0, 0, 25, 9, 0, 255]), Integer(1), LongUnsigned(0))
    clock = (LongUnsigned(8), bytes([0, 0, 1, 0, 0, 255]), Integer(2), LongUnsigned(0))
    whole = (LongUnsigned(3), bytes([1, 0, 1, 7, 0, 255]), Integer(0), LongUnsigned(0))
    unit = (LongUnsigned(3), bytes([1, 0, 1, 7, 0, 255]), Integer(3), LongUnsigned(2))
    missing = (LongUnsigned(1), bytes([1, 2, 3, 4, 5, 6]), Integer(2), LongUnsigned(0))
    push = push_setup(0, [own_ln, clock, whole, unit, missing], number_of_retries=Unsigned(3))
    objects, power = base(push)
    power.store("value", axdr.DoubleLong(1234))
    assert objects.action(40, "0-0:25.9.0", 1, Integer(0), now=NOW).ok
    [event] = objects.drain_events()
    assert isinstance(event, PushEvent)
    body = event.body
    assert body[0] == bytes([0, 0, 25, 9, 0, 255])
    assert DateTime.from_bytes(body[1]).to_datetime() == NOW
    assert body[2] == (bytes([1, 0, 1, 7, 0, 255]), axdr.DoubleLong(1234), (Integer(0), Enum(27)))
    assert body[3] == Enum(27)
    assert body[4] is None
    assert axdr.decode(axdr.encode(body)) == body
    assert (event.destination, event.transport_service, event.number_of_retries) == (
        b"10.0.0.1:4059",
        0,
        3,
    )
    assert event.date_time.to_datetime() == NOW
    assert event.client_sap is None


def test_push_waits_for_its_communication_window() -> None:
    window = (
        DateTime(None, None, None, None, 2, 0, 0, 0, None, None).to_bytes(),
        DateTime(None, None, None, None, 3, 0, 0, 0, None, None).to_bytes(),
    )
    own_ln = (LongUnsigned(40), bytes([0, 0, 25, 9, 0, 255]), Integer(1), LongUnsigned(0))
    push = push_setup(0, [own_ln], communication_window=[window])
    objects, _power = base(push)
    assert push.push(NOW) is None  # 12:00 is outside 02:00-03:00
    assert objects.drain_events() == []
    opens = dt.datetime(2024, 6, 2, 2, 0, tzinfo=UTC)
    assert objects.get_timer(NOW) == opens
    objects.handle_timer(opens)
    assert [type(e) for e in objects.drain_events()] == [PushEvent]
    assert objects.get_timer(opens) is None
    assert push.push(opens + dt.timedelta(minutes=30)) is not None  # inside: pushed at once


def test_push_version_2_restricts_a_profile_by_entry_and_columns() -> None:
    clock_col = (LongUnsigned(8), bytes([0, 0, 1, 0, 0, 255]), Integer(2), LongUnsigned(0))
    power_col = (LongUnsigned(3), bytes([1, 0, 1, 7, 0, 255]), Integer(2), LongUnsigned(0))
    profile = ProfileGeneric("1-0:99.1.0", capture_objects=[clock_col, power_col])
    entry = (
        LongUnsigned(7),
        bytes([1, 0, 99, 1, 0, 255]),
        Integer(2),
        LongUnsigned(0),
        (Enum(2), (LongUnsigned(2), LongUnsigned(3))),
        [power_col],
    )
    push = push_setup(2, [entry], push_client_SAP=Integer(1))
    objects, power = base(profile, push)
    for value in (10, 20, 30, 40):
        power.store("value", axdr.DoubleLong(value))
        profile.capture(NOW)
    event = push.make_event(NOW)
    assert event.body == ([(axdr.DoubleLong(20),), (axdr.DoubleLong(30),)],)
    assert event.client_sap == 1 and event.port_reference == Obis(0, 0, 0, 0, 0, 0)
    assert objects.action(40, "0-0:25.9.0", 2, Integer(0), now=NOW).ok  # reset (v2)
    push.confirm(NOW)
    assert DateTime.from_bytes(push.value("last_confirmation_date_time")).to_datetime() == NOW
