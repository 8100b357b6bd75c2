"""Errors of the APDU layer.

Everything a decoder of this package raises on bad input is an :class:`ApduDecodeError`
(a :class:`~dlmskit.errors.DecodeError`, so a ``RemoteProtocolError`` and a ``ValueError``)
carrying the byte offset and, where known, the tag of the APDU being decoded -- a server can
answer a request it could not decode (with an exception-response or a confirmed-service-error)
because it still knows which service was asked for:

* :class:`UnknownApduError` -- the first octet is no APDU tag this package knows;
* :class:`UnknownChoiceError` -- the APDU is known but a CHOICE inside it (the request type of a
  GET, SET or ACTION, a result choice, ...) has a value the standard does not define.

A block transfer whose blocks do not fit together raises :class:`BlockTransferError`
(a :class:`~dlmskit.errors.RemoteProtocolError` without an offset: the fault is in the sequence
of APDUs, not in one of them).
"""

from __future__ import annotations

from dlmskit.errors import DecodeError, DlmsError, RemoteProtocolError

__all__ = [
    "AccessParameterError",
    "ApduDecodeError",
    "BlockTransferError",
    "UnknownApduError",
    "UnknownChoiceError",
]


class ApduDecodeError(DecodeError):
    """Bytes that are no valid APDU; ``offset`` says where, ``apdu_tag`` which APDU it was."""

    def __init__(
        self,
        expected: str,
        offset: int,
        *,
        layer: str = "APDU",
        apdu_tag: int | None = None,
    ) -> None:
        self.apdu_tag = apdu_tag
        super().__init__(expected, offset, layer=layer)


class UnknownApduError(ApduDecodeError):
    """The first octet is not the tag of an APDU that this package decodes."""

    def __init__(self, tag: int, offset: int = 0) -> None:
        self.tag = tag
        super().__init__(
            f"an APDU tag, found unknown tag 0x{tag:02X} ({tag})", offset, apdu_tag=tag
        )


class UnknownChoiceError(ApduDecodeError):
    """A CHOICE inside a known APDU has a value the standard does not define.

    ``what`` names the CHOICE (e.g. ``"GET-Request"``), ``choice`` is the value found.
    """

    def __init__(self, what: str, choice: int, offset: int, *, apdu_tag: int | None) -> None:
        self.what = what
        self.choice = choice
        super().__init__(
            f"a {what} choice, found unknown choice {choice}", offset, apdu_tag=apdu_tag
        )


class BlockTransferError(RemoteProtocolError):
    """Blocks of a block transfer that do not fit together (wrong number, repeated, orphan)."""


class AccessParameterError(DlmsError, ValueError):
    """Selective-access parameters that are not the structure their selector defines.

    Raised when typed parameters (a range_descriptor, an entry_descriptor) are asked of a
    Selective-Access-Descriptor whose Data does not have that shape. A server answers such a
    request with a data-access-result (``type-unmatched`` or ``other-reason``).
    """
