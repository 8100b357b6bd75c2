"""COSEM objects with their server-side behaviour, and the registry that holds them.

>>> import datetime as dt
>>> from dlmskit.axdr import DoubleLongUnsigned
>>> from dlmskit.cosem import ScalerUnit, Unit
>>> from dlmskit.model.objects import CosemObjects, Register
>>> energy = Register(
...     "1-0:1.8.0", value=DoubleLongUnsigned(1234), scaler_unit=ScalerUnit(1, Unit.WATT_HOUR)
... )
>>> objects = CosemObjects([energy])
>>> now = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
>>> objects.get(3, "1-0:1.8.0", 2, now=now).value
DoubleLongUnsigned(1234)
>>> str(energy.typed("value"))
'1.234E+4 Wh'

Classes without behaviour of their own are :class:`GenericObject`: they hold and validate
their attributes; their methods are refused unless the device model gives handlers.
"""

from __future__ import annotations

from typing import Any, Final

from dlmskit.cosem import Obis
from dlmskit.model.objects.association import (
    AssociationLN,
    AssociationSN,
    ObjectRights,
    SapAssignment,
)
from dlmskit.model.objects.base import (
    ActionOutcome,
    CosemObject,
    GetResult,
    MethodHandler,
    ObjectEvent,
    Refused,
)
from dlmskit.model.objects.clock import Clock
from dlmskit.model.objects.disconnect import DisconnectControl, OutputChanged, Trigger
from dlmskit.model.objects.image import ImageActivated, ImageTransfer
from dlmskit.model.objects.monitors import Limiter, RegisterMonitor
from dlmskit.model.objects.profile import ProfileGeneric
from dlmskit.model.objects.push import PushEvent, PushSetup
from dlmskit.model.objects.registers import (
    DataObject,
    DemandRegister,
    ExtendedRegister,
    InvocationCounter,
    Register,
    RegisterActivation,
)
from dlmskit.model.objects.registry import CLOCK_LN, CosemObjects
from dlmskit.model.objects.scheduling import (
    ActivityCalendar,
    CalendarActivated,
    Schedule,
    ScriptTable,
    SingleActionSchedule,
    SpecialDaysTable,
)
from dlmskit.model.objects.security import CertificateInfo, SecurityServices, SecuritySetup
from dlmskit.model.objects.setup import HdlcParameters, IecHdlcSetup, Ipv4Setup, TcpUdpSetup

__all__ = [
    "BEHAVIOURS",
    "CLOCK_LN",
    "ActionOutcome",
    "ActivityCalendar",
    "AssociationLN",
    "AssociationSN",
    "CalendarActivated",
    "CertificateInfo",
    "Clock",
    "CosemObject",
    "CosemObjects",
    "DataObject",
    "DemandRegister",
    "DisconnectControl",
    "ExtendedRegister",
    "GenericObject",
    "GetResult",
    "HdlcParameters",
    "IecHdlcSetup",
    "ImageActivated",
    "ImageTransfer",
    "InvocationCounter",
    "Ipv4Setup",
    "Limiter",
    "MethodHandler",
    "ObjectEvent",
    "ObjectRights",
    "OutputChanged",
    "ProfileGeneric",
    "PushEvent",
    "PushSetup",
    "Refused",
    "Register",
    "RegisterActivation",
    "RegisterMonitor",
    "SapAssignment",
    "Schedule",
    "ScriptTable",
    "SecurityServices",
    "SecuritySetup",
    "SingleActionSchedule",
    "SpecialDaysTable",
    "TcpUdpSetup",
    "Trigger",
    "make_object",
]


class GenericObject(CosemObject):
    """An object of any class in the table: holds and validates its attributes."""

    def __init__(self, class_id: int, logical_name: Obis | str | bytes, **kwargs: Any) -> None:
        super().__init__(logical_name, class_id=class_id, **kwargs)


#: The behaviour class of each class id that has one.
BEHAVIOURS: Final[dict[int, type[CosemObject]]] = {
    cls.CLASS_ID: cls
    for cls in (
        DataObject,
        Register,
        ExtendedRegister,
        DemandRegister,
        RegisterActivation,
        ProfileGeneric,
        Clock,
        ScriptTable,
        Schedule,
        SpecialDaysTable,
        AssociationSN,
        AssociationLN,
        SapAssignment,
        ImageTransfer,
        ActivityCalendar,
        RegisterMonitor,
        SingleActionSchedule,
        IecHdlcSetup,
        PushSetup,
        TcpUdpSetup,
        Ipv4Setup,
        SecuritySetup,
        DisconnectControl,
        Limiter,
    )
}


def make_object(
    class_id: int, logical_name: Obis | str | bytes, *, version: int | None = None, **values: Any
) -> CosemObject:
    """An object of ``class_id`` with its behaviour (a GenericObject when it has none)."""
    behaviour = BEHAVIOURS.get(class_id)
    if behaviour is None:
        return GenericObject(class_id, logical_name, version=version, **values)
    return behaviour(logical_name, version=version, **values)
