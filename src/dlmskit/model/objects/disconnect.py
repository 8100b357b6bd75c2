"""Disconnect control (class_id 70): the output and control state machine.

The state diagram of the Blue Book, all of it in the two tables below. Three states:
``disconnected`` (0), ``connected`` (1), ``ready_for_reconnection`` (2), and eight
transitions, each named by its letter and caused by one trigger:

====  ======================  ===========================================
 a    remote_reconnect        disconnected -> ready_for_reconnection
 b    remote_disconnect       connected -> disconnected
 c    remote_disconnect       ready_for_reconnection -> disconnected
 d    remote_reconnect        disconnected -> connected
 e    manual_reconnect        ready_for_reconnection -> connected
 f    manual_disconnect       connected -> ready_for_reconnection
 g    local_disconnect        connected -> ready_for_reconnection
 h    local_reconnect         ready_for_reconnection -> connected
====  ======================  ===========================================

The control_mode says which transitions are possible (Blue Book, control_mode table):

====  =======================================  =================================
mode  disconnection                            reconnection
====  =======================================  =================================
 0    none: the object is always connected
 1    remote (b, c), manual (f), local (g)     remote (d), manual (e)
 2    remote (b, c), manual (f), local (g)     remote (a), manual (e)
 3    remote (b, c), local (g)                 remote (d), manual (e)
 4    remote (b, c), local (g)                 remote (a), manual (e)
 5    remote (b, c), manual (f), local (g)     remote (d), manual (e), local (h)
 6    remote (b, c), local (g)                 remote (d), manual (e), local (h)
====  =======================================  =================================

remote_disconnect and remote_reconnect are the object's methods; the manual triggers
(a push button) and the local ones (an internal function such as a limiter or a prepayment
account) are the device model's, as :meth:`DisconnectControl.trigger`. A trigger that the
mode does not allow in the current state is refused (other-reason) and changes nothing; one
that finds the object already where it would lead succeeds without a change. output_state
is true exactly when the control state is connected. Every change emits an
:class:`OutputChanged` event for the device model to switch the real disconnector.
"""

from __future__ import annotations

import datetime as _dt
import enum
from dataclasses import dataclass
from typing import Any, Final

from dlmskit.axdr import Enum
from dlmskit.model.enums import ControlMode, ControlState
from dlmskit.model.objects.base import CosemObject, ObjectEvent, Refused
from dlmskit.model.results import ActionResult, DataAccessResult

__all__ = ["MODE_TRANSITIONS", "TRANSITIONS", "DisconnectControl", "OutputChanged", "Trigger"]


class Trigger(enum.Enum):
    REMOTE_DISCONNECT = "remote_disconnect"
    REMOTE_RECONNECT = "remote_reconnect"
    MANUAL_DISCONNECT = "manual_disconnect"
    MANUAL_RECONNECT = "manual_reconnect"
    LOCAL_DISCONNECT = "local_disconnect"
    LOCAL_RECONNECT = "local_reconnect"


_D, _C, _R = ControlState.DISCONNECTED, ControlState.CONNECTED, ControlState.READY_FOR_RECONNECTION

#: letter -> (trigger, from state, to state)
TRANSITIONS: Final[dict[str, tuple[Trigger, ControlState, ControlState]]] = {
    "a": (Trigger.REMOTE_RECONNECT, _D, _R),
    "b": (Trigger.REMOTE_DISCONNECT, _C, _D),
    "c": (Trigger.REMOTE_DISCONNECT, _R, _D),
    "d": (Trigger.REMOTE_RECONNECT, _D, _C),
    "e": (Trigger.MANUAL_RECONNECT, _R, _C),
    "f": (Trigger.MANUAL_DISCONNECT, _C, _R),
    "g": (Trigger.LOCAL_DISCONNECT, _C, _R),
    "h": (Trigger.LOCAL_RECONNECT, _R, _C),
}

#: control_mode -> the transitions it allows
MODE_TRANSITIONS: Final[dict[ControlMode, frozenset[str]]] = {
    ControlMode.NONE: frozenset(),
    ControlMode.MODE_1: frozenset("bcfgde"),
    ControlMode.MODE_2: frozenset("bcfgae"),
    ControlMode.MODE_3: frozenset("bcgde"),
    ControlMode.MODE_4: frozenset("bcgae"),
    ControlMode.MODE_5: frozenset("bcfgdeh"),
    ControlMode.MODE_6: frozenset("bcgdeh"),
}

_TARGET: Final = {
    Trigger.REMOTE_DISCONNECT: (_D,),
    Trigger.REMOTE_RECONNECT: (_C, _R),
    Trigger.MANUAL_DISCONNECT: (_R, _D),
    Trigger.MANUAL_RECONNECT: (_C,),
    Trigger.LOCAL_DISCONNECT: (_R, _D),
    Trigger.LOCAL_RECONNECT: (_C,),
}


@dataclass(frozen=True, slots=True)
class OutputChanged(ObjectEvent):
    """The disconnect control changed state (and maybe its output)."""

    output_state: bool
    control_state: ControlState
    transition: str
    trigger: Trigger


class DisconnectControl(CosemObject):
    CLASS_ID = 70
    READ_ONLY = frozenset({2, 3})

    def _init_defaults(self) -> None:
        self._values[2] = True
        self._values[3] = Enum(ControlState.CONNECTED)

    @property
    def control_state(self) -> ControlState:
        return ControlState(int(self._values[3]))

    @property
    def control_mode(self) -> ControlMode:
        return ControlMode(int(self._values[4]))

    @property
    def output_state(self) -> bool:
        return bool(self._values[2])

    def transition_for(self, trigger: Trigger) -> str | None:
        """The letter of the transition ``trigger`` causes now, or None if none is allowed."""
        allowed = MODE_TRANSITIONS[self.control_mode]
        state = self.control_state
        for letter, (cause, source, _target) in TRANSITIONS.items():
            if cause is trigger and source is state and letter in allowed:
                return letter
        return None

    def trigger(self, trigger: Trigger, now: _dt.datetime) -> str | None:
        """Apply a trigger; return the transition letter, None when nothing changed
        because the object already is where the trigger leads. Refused when the mode does
        not allow it."""
        letter = self.transition_for(trigger)
        if letter is None:
            if self.control_state in _TARGET[trigger]:
                return None
            raise Refused(
                ActionResult.OTHER_REASON,
                f"{trigger.value} is not possible in {self.control_state.name.lower()}"
                f" under control mode {int(self.control_mode)}",
            )
        target = TRANSITIONS[letter][2]
        self._values[3] = Enum(target)
        self._values[2] = target is ControlState.CONNECTED
        self.emit(OutputChanged(self.logical_name, now, self.output_state, target, letter, trigger))
        return letter

    def _write_4(self, value: Any, now: _dt.datetime) -> None:
        if int(value) not in MODE_TRANSITIONS:
            raise Refused(DataAccessResult.OTHER_REASON, "control_mode is 0..6")
        self._values[4] = value
        if int(value) == ControlMode.NONE and self.control_state is not ControlState.CONNECTED:
            self._values[3] = Enum(ControlState.CONNECTED)
            self._values[2] = True

    def _method_1(self, parameter: Any, now: _dt.datetime) -> Any:
        self.trigger(Trigger.REMOTE_DISCONNECT, now)
        return None

    def _method_2(self, parameter: Any, now: _dt.datetime) -> Any:
        self.trigger(Trigger.REMOTE_RECONNECT, now)
        return None
