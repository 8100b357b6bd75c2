"""Errors of the link layers.

Bad bytes from a peer are :class:`dlmskit.errors.DecodeError` (a remote protocol error with the
offset where decoding failed); misuse of a station (an action not allowed in its state) is
:class:`LinkStateError`, a local protocol error. Timeouts and lost links have their own types,
raised by the asyncio layer when the sans-IO machine reports them.
"""

from __future__ import annotations

from dlmskit.errors import DecodeError, DlmsError, LocalProtocolError

__all__ = [
    "FrameError",
    "LinkError",
    "LinkLostError",
    "LinkStateError",
    "LinkTimeoutError",
]


class LinkError(DlmsError):
    """Base class of link failures that are neither local misuse nor bad bytes."""


class LinkTimeoutError(LinkError, TimeoutError):
    """The peer did not answer in time (after the configured retries)."""


class LinkLostError(LinkError, ConnectionError):
    """The link was closed or broken while it was needed."""


class LinkStateError(LocalProtocolError):
    """An action or event that the link's state machine does not allow in its current state."""


class FrameError(DecodeError):
    """Bytes that are not a valid frame of a link layer (``layer`` names which one)."""
