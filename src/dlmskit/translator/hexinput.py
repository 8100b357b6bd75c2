"""Reading hex text as people paste it.

Accepted: digits in any case, separated or not by spaces, tabs, newlines, colons, commas,
dashes or underscores, each group optionally prefixed ``0x``/``0X`` (``0x7E 0xA0``,
``7E:A0:07``, ``7ea0 07``). A group prefixed ``0x`` with an odd number of digits is refused
rather than guessed. ``#`` starts a comment that runs to the end of the line, so annotated
captures paste as they are.
"""

from __future__ import annotations

import re
from typing import Final

from dlmskit.translator.errors import HexInputError

__all__ = ["parse_hex"]

_SEPARATORS: Final = re.compile(r"[\s:,_\-]+")
_HEX_DIGITS: Final = frozenset("0123456789abcdefABCDEF")
#: Refuse absurd inputs before building them (64 MiB of bytes).
MAX_TEXT: Final = 128 * 1024 * 1024


def parse_hex(text: str) -> bytes:
    """The bytes a hex text stands for; :class:`HexInputError` says what is wrong and where."""
    if len(text) > MAX_TEXT:
        raise HexInputError(f"hex input of {len(text)} characters is too long")
    lines = [line.split("#", 1)[0] for line in text.splitlines()]
    groups = [g for line in lines for g in _SEPARATORS.split(line) if g]
    digits: list[str] = []
    position = 0
    for group in groups:
        body = group[2:] if group[:2] in ("0x", "0X") else group
        if not body:
            raise HexInputError(f"'{group}' has no hex digits after 0x")
        for i, char in enumerate(body):
            if char not in _HEX_DIGITS:
                shown = char if char.isprintable() else repr(char)
                raise HexInputError(
                    f"'{shown}' is not a hex digit (hex digit {position + i + 1} of the input)"
                )
        if body is not group and len(body) % 2:
            raise HexInputError(f"'{group}' has an odd number of hex digits")
        digits.append(body)
        position += len(body)
    joined = "".join(digits)
    if not joined:
        raise HexInputError("no hex digits in the input")
    if len(joined) % 2:
        raise HexInputError(f"an odd number of hex digits ({len(joined)}): a byte is incomplete")
    return bytes.fromhex(joined)
