"""Durable invocation counters per meter, in a state folder.

A client that ciphers must never use an invocation counter twice with the same key, across
runs and crashes. :class:`CounterFiles` keeps, per key, the client's sending counter and the
lowest counter it accepts from the meter, as :class:`~dlmskit.security.FileCounterStore`
files in a folder (``$DLMSKIT_STATE_DIR``, else ``$XDG_STATE_HOME/dlmskit``, else
``~/.local/state/dlmskit``). A file is named after a one-way digest of the client system
title and the key -- never the key itself.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from dlmskit.security import FileCounterStore, InvocationCounter, Key, ReplayGuard

__all__ = ["CounterFiles", "default_state_dir"]


def default_state_dir() -> Path:
    explicit = os.environ.get("DLMSKIT_STATE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_STATE_HOME")
    root = Path(base) if base else Path.home() / ".local" / "state"
    return root / "dlmskit"


class CounterFiles:
    """The counter files of one state folder (created when first needed, mode 0700)."""

    def __init__(self, folder: str | os.PathLike[str] | None = None) -> None:
        self.folder = Path(folder) if folder is not None else default_state_dir()

    def _path(self, kind: str, system_title: bytes, key: Key) -> Path:
        digest = hashlib.sha256(
            b"dlmskit invocation counter\x00" + system_title + key.reveal()
        ).hexdigest()[:24]
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        return self.folder / f"{kind}-{digest}"

    def counter(self, system_title: bytes, key: Key) -> InvocationCounter:
        """The client's sending counter for ``key``."""
        return InvocationCounter(FileCounterStore(self._path("sent", system_title, key)))

    def replay_guard(self, system_title: bytes, key: Key) -> ReplayGuard:
        """The lowest counter accepted from the meter for ``key``."""
        return ReplayGuard(FileCounterStore(self._path("received", system_title, key)))
