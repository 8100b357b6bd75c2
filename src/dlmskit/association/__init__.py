"""Application associations (IEC 62056-5-3 and 53): what a client and a meter do between the
APDU codec and the link -- establishing the association (AARQ/AARE, HLS), protecting APDUs,
block transfer, releasing it.

* :mod:`dlmskit.association.ciphering` -- the ciphering state of one association, shared
  by both sides.
* :mod:`dlmskit.association.server` -- the meter's side: :class:`ServerAssociation`.
* :mod:`dlmskit.association.client` -- the client's side: :class:`ClientAssociation`.
* :mod:`dlmskit.association.quirks` -- named defects a meter can be given (fault injection)
  and the deviations of real meters the client lives with.
"""

from dlmskit.association.ciphering import Ciphering, SecurityContext
from dlmskit.association.client import ClientAssociation, ClientSettings
from dlmskit.association.quirks import NO_QUIRKS, ClientQuirks, MeterQuirks
from dlmskit.association.server import AssociationSettings, ServerAssociation

__all__ = [
    "NO_QUIRKS",
    "AssociationSettings",
    "Ciphering",
    "ClientAssociation",
    "ClientQuirks",
    "ClientSettings",
    "MeterQuirks",
    "SecurityContext",
    "ServerAssociation",
]
