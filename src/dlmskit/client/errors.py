"""The errors of a client session (beyond the protocol errors of the layers below)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dlmskit.errors import DlmsError, LocalProtocolError

if TYPE_CHECKING:
    from dlmskit.association.client import AssociationRejected

__all__ = [
    "AssociationRefusedError",
    "ClientStateError",
    "RequestTimeoutError",
    "UnknownObjectError",
]


class AssociationRefusedError(DlmsError):
    """The meter refused the association (its AARE, an exception-response, or HLS pass 3).

    ``rejection`` is the :class:`~dlmskit.association.client.AssociationRejected` event with
    the meter's result, diagnostic and error; :attr:`reason` says it in words.
    """

    def __init__(self, rejection: AssociationRejected) -> None:
        self.rejection = rejection
        super().__init__(f"the meter refused the association: {rejection.reason}")

    @property
    def reason(self) -> str:
        return self.rejection.reason


class RequestTimeoutError(DlmsError, TimeoutError):
    """No answer from the meter in time (after the retries)."""


class ClientStateError(LocalProtocolError):
    """A call the client cannot serve now (not connected, closed)."""


class UnknownObjectError(LocalProtocolError, LookupError):
    """An object the meter's object list does not have (so its class is not known)."""
