"""Application associations (IEC 62056-5-3 and 53): what a client and a meter do between the
APDU codec and the link -- establishing the association (AARQ/AARE, HLS), protecting APDUs,
block transfer, releasing it.

* :mod:`dlmskit.association.ciphering` -- the ciphering state of one association, shared
  by both sides.
"""

from dlmskit.association.ciphering import Ciphering, SecurityContext

__all__ = ["Ciphering", "SecurityContext"]
