"""Errors of the translator.

The translator reports input that fails a check as an error, never as a decoded value:

* :class:`HexInputError` -- the text given is no hex (a local error: fix the input);
* :class:`TranslationError` -- the bytes are not what the layer requires (bad FCS or HCS, a
  truncated frame, a wrong tag, an orphan GBT block, a ciphered APDU whose tag does not
  verify, ...). It is a :class:`~dlmskit.errors.RemoteProtocolError` -- the bytes came from a
  peer -- and says where: ``offset`` in the input (``None`` when the fault is in a sequence of
  frames rather than at one byte) and ``layer``. The original error is its ``__cause__``.
"""

from __future__ import annotations

from dlmskit.errors import LocalProtocolError, RemoteProtocolError

__all__ = ["HexInputError", "TranslationError"]


class HexInputError(LocalProtocolError):
    """Text that is not a hex string (odd number of digits, a character that is no digit)."""


class TranslationError(RemoteProtocolError):
    """Input that fails a check of its layer; ``offset`` and ``layer`` say where."""

    def __init__(self, message: str, *, offset: int | None = None, layer: str = "") -> None:
        self.message = message
        self.offset = offset
        self.layer = layer
        where = []
        if layer:
            where.append(layer)
        if offset is not None:
            where.append(f"offset {offset}")
        prefix = f"{', '.join(where)}: " if where else ""
        super().__init__(f"{prefix}{message}")
