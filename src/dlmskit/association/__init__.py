"""Application associations (IEC 62056-5-3 and 53): what a client and a meter do between the
APDU codec and the link -- establishing the association (AARQ/AARE, HLS), protecting APDUs,
block transfer, releasing it.

* :mod:`dlmskit.association.ciphering` -- the ciphering state of one association, shared
  by both sides.
* :mod:`dlmskit.association.server` -- the meter's side: :class:`ServerAssociation`.
* :mod:`dlmskit.association.quirks` -- named defects a meter can be given (fault injection).
"""

from dlmskit.association.ciphering import Ciphering, SecurityContext
from dlmskit.association.quirks import NO_QUIRKS, MeterQuirks
from dlmskit.association.server import AssociationSettings, ServerAssociation

__all__ = [
    "NO_QUIRKS",
    "AssociationSettings",
    "Ciphering",
    "MeterQuirks",
    "SecurityContext",
    "ServerAssociation",
]
