"""The trace hook: timestamped TX/RX hex and the decoded view (``dlms --trace``).

:class:`Tracer` is a callable ``tracer(direction, layer, data, peer=None)`` -- ``direction``
``"tx"`` or ``"rx"``, ``layer`` a :class:`~dlmskit.translator.Layer` name (``"hdlc"``,
``"wrapper"``, ``"mbus"``, ``"apdu"``), ``data`` one complete unit of that layer. Code below
the tools layer (the client, the listener) takes any callable of that shape, so it needs no
import of the command line. Each record prints on standard error: the time, the direction,
the hex (passwords and challenges masked), and the decoded view; a unit that does not
decode prints the reason instead -- tracing never stops the traffic.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

from rich.console import Console
from rich.text import Text

from dlmskit.cli.render import message_tree, summary_line
from dlmskit.errors import DlmsError
from dlmskit.translator import DecodeKeys, Layer, Translation, translate
from dlmskit.translator.jsonview import secrets_of

__all__ = ["TraceHook", "Tracer", "secrets_in"]

TraceHook = Callable[..., None]


def secrets_in(t: Translation) -> list[bytes]:
    """The secret byte strings a translation holds (passwords, challenges, dedicated keys)."""
    return [s for message in t.messages for s in secrets_of(message.apdu) if s]


def masked_hex(data: bytes, secrets: list[bytes]) -> str:
    """``data`` as spaced hex with every occurrence of a secret shown as ``**``."""
    hidden = [False] * len(data)
    for secret in secrets:
        start = data.find(secret)
        while start >= 0:
            for i in range(start, start + len(secret)):
                hidden[i] = True
            start = data.find(secret, start + 1)
    return " ".join("**" if hidden[i] else f"{b:02x}" for i, b in enumerate(data))


class Tracer:
    """Prints each unit sent or received; see the module text."""

    def __init__(
        self,
        console: Console,
        *,
        keys: DecodeKeys | None = None,
        clock: Callable[[], float] = time.time,
        show_secrets: bool = False,
        width: int = 32,
    ) -> None:
        self.console = console
        self.keys = keys
        self.clock = clock
        self.show_secrets = show_secrets
        self.width = width

    def __call__(self, direction: str, layer: str, data: bytes, peer: str | None = None) -> None:
        stamp = datetime.fromtimestamp(self.clock(), UTC).strftime("%H:%M:%S.%f")
        head = Text(f"{stamp} ", style="dim")
        head.append(direction.upper(), style="bold green" if direction == "rx" else "bold blue")
        head.append(f" {layer}")
        if peer:
            head.append(f" {peer}")
        head.append(f" {len(data)} bytes", style="dim")
        self.console.print(head)
        translation: Translation | None = None
        problem = ""
        try:
            translation = translate(data, layer=Layer.parse(layer), keys=self.keys)
        except (DlmsError, ValueError) as exc:
            problem = str(exc)
        secrets = [] if self.show_secrets or translation is None else secrets_in(translation)
        text = masked_hex(data, secrets)
        step = self.width * 3
        for i in range(0, len(text), step):
            self.console.print(Text("  " + text[i : i + step].rstrip(), style="cyan"))
        if translation is None:
            self.console.print(Text(f"  (not decoded: {problem})", style="yellow"))
            return
        doc = translation.to_json(show_secrets=self.show_secrets)
        self.console.print(Text("  " + summary_line(doc), style="dim"))
        for message in doc.get("messages", []):
            self.console.print(message_tree(message))
