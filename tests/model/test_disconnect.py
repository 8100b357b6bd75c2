"""Disconnect control: every trigger from every state under every control mode.

The expectations are written here from the Blue Book's text (Disconnect control, state
diagram and control_mode table), independently of the implementation's tables.
"""

from __future__ import annotations

import datetime as dt

import pytest

from dlmskit.axdr import Enum, Integer
from dlmskit.model import ActionResult, DataAccessResult
from dlmskit.model.enums import ControlState
from dlmskit.model.objects import CosemObjects, DisconnectControl, OutputChanged, Trigger

NOW = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
LN = "0-0:96.3.10"
DISCONNECTED, CONNECTED, READY = 0, 1, 2

# Transition letters of the state diagram: (trigger, from, to).
DIAGRAM = {
    "a": ("remote_reconnect", DISCONNECTED, READY),
    "b": ("remote_disconnect", CONNECTED, DISCONNECTED),
    "c": ("remote_disconnect", READY, DISCONNECTED),
    "d": ("remote_reconnect", DISCONNECTED, CONNECTED),
    "e": ("manual_reconnect", READY, CONNECTED),
    "f": ("manual_disconnect", CONNECTED, READY),
    "g": ("local_disconnect", CONNECTED, READY),
    "h": ("local_reconnect", READY, CONNECTED),
}
# control_mode table: "Disconnection: ... Reconnection: ..."
MODES = {
    0: "",
    1: "bcfg" + "de",
    2: "bcfg" + "ae",
    3: "bcg" + "de",
    4: "bcg" + "ae",
    5: "bcfg" + "deh",
    6: "bcg" + "deh",
}
TRIGGERS = [
    "remote_disconnect",
    "remote_reconnect",
    "manual_disconnect",
    "manual_reconnect",
    "local_disconnect",
    "local_reconnect",
]
# Where a trigger aims: already being there is success without a change.
AIMS = {
    "remote_disconnect": {DISCONNECTED},
    "remote_reconnect": {CONNECTED, READY},
    "manual_disconnect": {READY, DISCONNECTED},
    "manual_reconnect": {CONNECTED},
    "local_disconnect": {READY, DISCONNECTED},
    "local_reconnect": {CONNECTED},
}

CASES = [
    pytest.param(mode, state, trigger, id=f"mode{mode}-state{state}-{trigger}")
    for mode in MODES
    for state in (DISCONNECTED, CONNECTED, READY)
    for trigger in TRIGGERS
]


def make(mode: int, state: int) -> tuple[CosemObjects, DisconnectControl]:
    control = DisconnectControl(LN, control_mode=Enum(mode))
    control.store("control_state", Enum(state))
    control.store("output_state", state == CONNECTED)
    return CosemObjects([control]), control


def fire(objects: CosemObjects, control: DisconnectControl, trigger: str) -> bool:
    """Apply the trigger as a server or the device would; True when it was accepted."""
    if trigger == "remote_disconnect":
        return objects.action(70, LN, 1, Integer(0), now=NOW).ok
    if trigger == "remote_reconnect":
        return objects.action(70, LN, 2, Integer(0), now=NOW).ok
    try:
        control.trigger(Trigger(trigger), NOW)
    except Exception as refused:
        assert getattr(refused, "result", None) is ActionResult.OTHER_REASON
        return False
    return True


@pytest.mark.parametrize(("mode", "state", "trigger"), CASES)
def test_every_transition_of_every_mode(mode: int, state: int, trigger: str) -> None:
    objects, control = make(mode, state)
    letters = [
        letter
        for letter, (cause, source, _) in DIAGRAM.items()
        if cause == trigger and source == state and letter in MODES[mode]
    ]
    assert len(letters) <= 1
    accepted = fire(objects, control, trigger)
    events = objects.drain_events()
    if letters:
        target = DIAGRAM[letters[0]][2]
        assert accepted
        assert int(control.value("control_state")) == target
        assert control.value("output_state") is (target == CONNECTED)
        assert len(events) == 1 and isinstance(events[0], OutputChanged)
        assert events[0].transition == letters[0]
        assert events[0].control_state == ControlState(target)
    else:
        assert accepted == (state in AIMS[trigger])
        assert int(control.value("control_state")) == state
        assert events == []


def test_remote_disconnect_then_reconnect_in_mode_2_needs_the_customer() -> None:
    objects, control = make(2, CONNECTED)
    assert objects.action(70, LN, 1, Integer(0), now=NOW).ok  # b
    assert control.output_state is False
    assert objects.action(70, LN, 2, Integer(0), now=NOW).ok  # a: ready, still off
    assert control.control_state is ControlState.READY_FOR_RECONNECTION
    assert control.output_state is False
    control.trigger(Trigger.MANUAL_RECONNECT, NOW)  # e: the customer presses the button
    assert control.output_state is True
    assert [e.transition for e in objects.drain_events()] == ["b", "a", "e"]


def test_control_mode_is_0_to_6_and_mode_0_means_connected() -> None:
    objects, control = make(1, DISCONNECTED)
    assert objects.set(70, LN, 4, Enum(7), now=NOW) is DataAccessResult.OTHER_REASON
    assert objects.set(70, LN, 4, Enum(0), now=NOW) is DataAccessResult.SUCCESS
    assert control.control_state is ControlState.CONNECTED and control.output_state is True
    assert objects.action(70, LN, 1, Integer(0), now=NOW).result is ActionResult.OTHER_REASON
    assert objects.action(70, LN, 1, Enum(0), now=NOW).result is ActionResult.TYPE_UNMATCHED
