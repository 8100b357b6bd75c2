"""The head-end side: an asyncio client for one meter, and a synchronous facade.

* :class:`Client` -- connect from one connection string, associate with any mechanism and
  security suite, read and write typed values, the object list, profiles row by row;
* :class:`SyncClient` -- the same for scripts, without ``await``;
* :class:`Target` -- connection strings; :class:`ClientQuirks` -- named meter deviations;
* :mod:`~dlmskit.client.state` -- durable invocation counters per meter.
"""

from dlmskit.association.quirks import ClientQuirks
from dlmskit.client.client import Client, ProfileRefusedError, Trace
from dlmskit.client.errors import (
    AssociationRefusedError,
    ClientStateError,
    RequestTimeoutError,
    UnknownObjectError,
)
from dlmskit.client.objects import AttributeAccess, MethodAccess, ObjectInfo
from dlmskit.client.profile import ProfileProgress, ProfileRow
from dlmskit.client.state import CounterFiles
from dlmskit.client.sync import SyncClient
from dlmskit.client.target import Target

__all__ = [
    "AssociationRefusedError",
    "AttributeAccess",
    "Client",
    "ClientQuirks",
    "ClientStateError",
    "CounterFiles",
    "MethodAccess",
    "ObjectInfo",
    "ProfileProgress",
    "ProfileRefusedError",
    "ProfileRow",
    "RequestTimeoutError",
    "SyncClient",
    "Target",
    "Trace",
    "UnknownObjectError",
]
