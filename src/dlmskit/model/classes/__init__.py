"""The class table: every interface class and version dlmskit knows, registered in
:data:`dlmskit.model.classdef.REGISTRY` on import."""

from dlmskit.model.classes import (  # noqa: F401  # importing registers the classes
    access,
    comms,
    measurement,
    payment,
    plc,
    time_events,
)
