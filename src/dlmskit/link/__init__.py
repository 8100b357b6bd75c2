"""Communication profiles below the application layer (sans-IO).

* :mod:`dlmskit.link.hdlc` -- IEC 62056-46 HDLC: frames, a stream reader, primary (client) and
  secondary (meter) stations.
* :mod:`dlmskit.link.wrapper` -- IEC 62056-47 wrapper for TCP and UDP.
* :mod:`dlmskit.link.mode_e` -- IEC 62056-21 mode E opening sequence before HDLC.
* :mod:`dlmskit.link.mbus` -- DLMS over wired M-Bus (EN 13757-2) long frames.
* :mod:`dlmskit.link.llc` -- the LLC headers (IEC 62056-46 E6 E6 00 / E6 E7 00 and
  IEC 61334-4-32).

Nothing here opens a socket, sleeps or reads a clock: bytes go in and events come out, events
go in and bytes come out, and time is passed in as ``now`` (seconds, any monotonic origin).
"""

from dlmskit.link.errors import LinkError, LinkLostError, LinkTimeoutError

__all__ = ["LinkError", "LinkLostError", "LinkTimeoutError"]
