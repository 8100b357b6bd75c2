"""The result codes of GET/SET and ACTION, named as IEC 62056-5-3 (Green Book) names them.

A server answers every attribute access with a ``Data-Access-Result`` and every method
invocation with an ``Action-Result``. They are values, never exceptions: the object model
returns them and the application layer puts them on the wire.

There is one definition of each, in the APDU codec (:mod:`dlmskit.apdu.common`); the model
uses the same members, so a result goes from an object onto the wire unchanged.
``DataAccessResult.wire_name`` gives the ASN.1 name (``"type-unmatched"``) and
``ActionResult.from_access`` the action result with the meaning of a data-access result.
"""

from __future__ import annotations

from dlmskit.apdu.common import ActionResult, DataAccessResult

__all__ = ["ActionResult", "DataAccessResult"]
