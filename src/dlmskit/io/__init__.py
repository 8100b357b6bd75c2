"""asyncio transports and the drivers that run the sans-IO link machines over them.

The one place of dlmskit that touches sockets, serial ports and the clock. Every transport has
the same small interface (:class:`~dlmskit.io.base.Transport`: ``send``, ``receive``, ``close``);
the drivers in :mod:`dlmskit.io.drivers` feed received bytes and the loop's clock to a station
and write what it wants sent.

* :mod:`dlmskit.io.tcp` -- TCP client and server;
* :mod:`dlmskit.io.udp` -- UDP (connected transport, and a server endpoint);
* :mod:`dlmskit.io.serial` -- serial ports through ``serialx`` (the ``serial`` extra), with
  baud rate and parity changes for IEC 62056-21 mode E.
"""

from dlmskit.io.base import Transport

__all__ = ["Transport"]
