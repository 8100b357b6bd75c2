"""The result codes of GET/SET and ACTION, named as IEC 62056-5-3 (Green Book) names them.

A server answers every attribute access with a ``Data-Access-Result`` and every method
invocation with an ``Action-Result``. They are values, never exceptions: the object model
returns them and the application layer puts them on the wire.

The APDU codec may define the same enumerations; both follow the ASN.1 of IEC 62056-5-3
(``Data-Access-Result ::= ENUMERATED``, ``Action-Result ::= ENUMERATED``), so their values
agree.
"""

from __future__ import annotations

import enum

__all__ = ["ActionResult", "DataAccessResult"]


class DataAccessResult(enum.IntEnum):
    """``Data-Access-Result`` (IEC 62056-5-3, 8.2 / ASN.1 of the xDLMS APDUs)."""

    SUCCESS = 0
    HARDWARE_FAULT = 1
    TEMPORARY_FAILURE = 2
    READ_WRITE_DENIED = 3
    OBJECT_UNDEFINED = 4
    OBJECT_CLASS_INCONSISTENT = 9
    OBJECT_UNAVAILABLE = 11
    TYPE_UNMATCHED = 12
    SCOPE_OF_ACCESS_VIOLATED = 13
    DATA_BLOCK_UNAVAILABLE = 14
    LONG_GET_ABORTED = 15
    NO_LONG_GET_IN_PROGRESS = 16
    LONG_SET_ABORTED = 17
    NO_LONG_SET_IN_PROGRESS = 18
    DATA_BLOCK_NUMBER_INVALID = 19
    OTHER_REASON = 250

    @property
    def wire_name(self) -> str:
        """The ASN.1 name: ``"type-unmatched"``."""
        return self.name.lower().replace("_", "-")


class ActionResult(enum.IntEnum):
    """``Action-Result`` (IEC 62056-5-3, ASN.1 of the xDLMS APDUs)."""

    SUCCESS = 0
    HARDWARE_FAULT = 1
    TEMPORARY_FAILURE = 2
    READ_WRITE_DENIED = 3
    OBJECT_UNDEFINED = 4
    OBJECT_CLASS_INCONSISTENT = 9
    OBJECT_UNAVAILABLE = 11
    TYPE_UNMATCHED = 12
    SCOPE_OF_ACCESS_VIOLATED = 13
    DATA_BLOCK_UNAVAILABLE = 14
    LONG_ACTION_ABORTED = 15
    NO_LONG_ACTION_IN_PROGRESS = 16
    OTHER_REASON = 250

    @property
    def wire_name(self) -> str:
        return self.name.lower().replace("_", "-")

    @classmethod
    def from_access(cls, result: DataAccessResult) -> ActionResult:
        """The action result with the same meaning as a data-access result."""
        try:
            return cls[result.name]
        except KeyError:
            return cls.OTHER_REASON
