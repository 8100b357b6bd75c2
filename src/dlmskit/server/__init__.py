"""The meter server: COSEM logical devices served over the wrapper and HDLC (asyncio).

* :mod:`dlmskit.server.device` -- :class:`LogicalDevice`, :class:`Meter` and
  :class:`MeterConnection` (sans-IO: which association machine an APDU goes to);
* :mod:`dlmskit.server.meter_server` -- :class:`MeterServer`, the asyncio glue: wrapper over
  TCP and UDP, HDLC over TCP and serial, inactivity time-outs, timers and pushes.

The protocol itself -- establishing associations, ciphering, every service -- is the
sans-IO :class:`dlmskit.association.server.ServerAssociation`; the named defects a meter
can be given are :class:`dlmskit.association.quirks.MeterQuirks`.
"""

from dlmskit.association.quirks import NO_QUIRKS, MeterQuirks
from dlmskit.association.server import AssociationSettings
from dlmskit.server.device import LogicalDevice, Meter, MeterConnection
from dlmskit.server.meter_server import Directory, MeterServer, SingleMeter

__all__ = [
    "NO_QUIRKS",
    "AssociationSettings",
    "Directory",
    "LogicalDevice",
    "Meter",
    "MeterConnection",
    "MeterQuirks",
    "MeterServer",
    "SingleMeter",
]
