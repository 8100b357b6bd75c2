"""The exceptions of dlmskit.

Three kinds of failure are kept apart (as h11 and httpx do):

* :class:`LocalProtocolError` -- *you* asked for something the protocol or the API does not
  allow (a value out of range for its type, an event not allowed in a state).
* :class:`RemoteProtocolError` -- the *peer* sent something that breaks the protocol; it says
  what was wrong and where (:class:`DecodeError` carries the byte offset).
* A well-formed refusal from a meter (a data-access-result, an exception-response) is *not* an
  exception: it is a value in the result.

Timeouts and lost links get their own errors in the layers that have them.
Every exception of the library derives from :class:`DlmsError`.
"""

from __future__ import annotations

__all__ = [
    "DecodeError",
    "DlmsError",
    "EncodeError",
    "LocalProtocolError",
    "RemoteProtocolError",
]


class DlmsError(Exception):
    """Base class of every exception raised by dlmskit."""


class LocalProtocolError(DlmsError, ValueError):
    """The caller asked for something the protocol or the API does not allow."""


class RemoteProtocolError(DlmsError):
    """The peer sent something that breaks the protocol."""


class EncodeError(LocalProtocolError):
    """A value cannot be encoded: wrong Python type, out of range, or inconsistent.

    ``path`` locates the offending value inside nested data, e.g. ``"[3][1]"``.
    """

    def __init__(self, message: str, *, path: str = "") -> None:
        self.path = path
        self.reason = message
        super().__init__(f"{message} at {path}" if path else message)


class DecodeError(RemoteProtocolError, ValueError):
    """Bytes that cannot be decoded.

    ``offset`` is the index in the input where decoding failed and ``expected`` says what
    the decoder expected there. The input itself is never modified or lost: the caller
    still holds it.
    """

    def __init__(self, expected: str, offset: int, *, layer: str = "") -> None:
        self.expected = expected
        self.offset = offset
        self.layer = layer
        where = f"{layer} " if layer else ""
        super().__init__(f"{where}decode error at offset {offset}: {expected}")
