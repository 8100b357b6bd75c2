"""Invocation counters that never repeat an IV.

IEC 62056-5-3: for each block cipher key a sender keeps an invocation counter, uses it, then
adds one; a receiver keeps the lowest acceptable value, rejects anything below it (and the
maximum 0xFFFFFFFF), and after a successful verification sets it to the value received plus
one. When a key is (re-)established both counters restart at 0.

A sender's counter must survive crashes: :class:`InvocationCounter` writes a *ceiling* to a
:class:`CounterStore` -- atomically and with fsync -- before it hands out any value below
that ceiling, and starts from the stored ceiling after a restart. A value is therefore
durably recorded as used before the APDU that carries it can leave, and no value is ever
handed out twice, whatever moment the process dies at. With ``reserve=1`` (the default)
every value is written; a larger reserve writes once per ``reserve`` values and skips at
most ``reserve - 1`` values after a crash (gaps are allowed, reuse never).
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
import zlib
from pathlib import Path
from typing import Final, Protocol

from dlmskit.security.errors import (
    CounterExhaustedError,
    CounterStoreError,
    ReplayError,
    SecurityConfigError,
)
from dlmskit.security.gcm import MAX_INVOCATION_COUNTER

__all__ = [
    "CounterStore",
    "FileCounterStore",
    "InvocationCounter",
    "MemoryCounterStore",
    "ReplayGuard",
]

_log = logging.getLogger("dlmskit.security")
_MAGIC: Final = "dlmskit-invocation-counter 1"
_LIMIT: Final = 0x1_0000_0000  # one past the largest 32-bit value


class CounterStore(Protocol):
    """Durable storage of one counter value. ``load`` returns None when nothing was ever
    saved; ``save`` returns only once the value is durable."""

    def load(self) -> int | None: ...

    def save(self, value: int) -> None: ...


class MemoryCounterStore:
    """A store that lives as long as the process (tests, ephemeral keys)."""

    def __init__(self, value: int | None = None) -> None:
        self.value = value

    def load(self) -> int | None:
        return self.value

    def save(self, value: int) -> None:
        self.value = value


class FileCounterStore:
    """A counter in a small text file, replaced atomically.

    ``save`` writes a temporary file in the same folder, flushes and fsyncs it, renames it
    over the old one and fsyncs the folder, so after a crash the file holds either the old
    or the new value, never a torn one. The file carries a CRC-32; a damaged or unreadable
    file raises :class:`CounterStoreError` (fail closed: no value is invented).
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)

    def load(self) -> int | None:
        try:
            text = self.path.read_text(encoding="ascii")
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as exc:
            raise CounterStoreError(f"cannot read the counter file {self.path}: {exc}") from None
        lines = text.split("\n")
        if len(lines) < 3 or lines[0] != _MAGIC:
            raise CounterStoreError(f"the counter file {self.path} is not a counter file")
        try:
            value = int(lines[1], 10)
            crc = int(lines[2], 16)
        except ValueError:
            raise CounterStoreError(f"the counter file {self.path} is damaged") from None
        if crc != zlib.crc32(lines[1].encode("ascii")) or not 0 <= value <= _LIMIT:
            raise CounterStoreError(f"the counter file {self.path} is damaged")
        return value

    def save(self, value: int) -> None:
        if not 0 <= value <= _LIMIT:
            raise CounterStoreError(f"{value} is not a storable counter value")
        body = str(value)
        text = f"{_MAGIC}\n{body}\n{zlib.crc32(body.encode('ascii')):08x}\n"
        folder = self.path.parent
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=folder)
            try:
                with os.fdopen(fd, "w", encoding="ascii") as f:
                    f.write(text)
                    f.flush()
                    os.fsync(f.fileno())
                os.replace(tmp, self.path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
            _fsync_dir(folder)
        except OSError as exc:
            raise CounterStoreError(f"cannot write the counter file {self.path}: {exc}") from None


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory handles
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some file systems refuse fsync on folders
        pass
    finally:
        os.close(fd)


class InvocationCounter:
    """A sender's invocation counter for one block cipher key.

    :meth:`next` returns the value to put in the next protected APDU; that value is durably
    stored as used (the ceiling is saved first) before :meth:`next` returns.
    """

    def __init__(
        self, store: CounterStore | None = None, *, start: int = 0, reserve: int = 1
    ) -> None:
        if reserve < 1:
            raise SecurityConfigError("the counter reserve is at least 1")
        if not 0 <= start <= _LIMIT:
            raise SecurityConfigError(f"an invocation counter starts at 0..2^32-1, not {start}")
        self._store: CounterStore = store if store is not None else MemoryCounterStore()
        self._reserve = reserve
        stored = self._store.load()
        # Everything below the stored ceiling may have been used before a crash.
        self._next = max(start, stored if stored is not None else 0)
        self._ceiling = self._next

    @property
    def value(self) -> int:
        """The value :meth:`next` will return (not yet used)."""
        return self._next

    def next(self) -> int:
        """The invocation counter for the next protected APDU, recorded as used."""
        ic = self._next
        if ic > MAX_INVOCATION_COUNTER:
            raise CounterExhaustedError("the invocation counter is exhausted; establish a new key")
        if ic >= self._ceiling:
            ceiling = min(ic + self._reserve, _LIMIT)
            self._store.save(ceiling)
            self._ceiling = ceiling
        self._next = ic + 1
        return ic

    def advance_to(self, value: int) -> bool:
        """Never hand out less than ``value`` from now on (e.g. the counter a meter reports it
        expects); a value at or below the next one changes nothing. The new floor is stored
        before this returns. Returns whether the counter moved."""
        if not 0 <= value <= _LIMIT:
            raise SecurityConfigError(f"an invocation counter is 0..2^32, not {value}")
        if value <= self._next:
            return False
        self._store.save(value)
        self._next = self._ceiling = value
        _log.info("invocation counter advanced to %d", value)
        return True

    def reset_for_new_key(self, start: int = 0) -> None:
        """Restart the count for a newly established key (IEC 62056-5-3: the counters of a
        new key start at 0). Call only when the key really changed."""
        if not 0 <= start <= MAX_INVOCATION_COUNTER:
            raise SecurityConfigError(f"an invocation counter starts at 0..2^32-2, not {start}")
        self._store.save(start)
        self._next = self._ceiling = start
        _log.info("invocation counter restarted at %d for a new key", start)

    def __repr__(self) -> str:
        return f"InvocationCounter(next={self._next}, reserve={self._reserve})"


class ReplayGuard:
    """A receiver's check of the peer's invocation counter for one key.

    :meth:`check` before deciphering (cheap refusal of replays), :meth:`accept` only after
    the APDU verified. The first APDU may carry 0. With a store, the lowest acceptable value
    survives restarts.
    """

    def __init__(self, store: CounterStore | None = None, *, lowest: int = 0) -> None:
        if not 0 <= lowest <= _LIMIT:
            raise SecurityConfigError(f"the lowest acceptable counter is 0..2^32, not {lowest}")
        self._store = store
        stored = store.load() if store is not None else None
        self._lowest = max(lowest, stored if stored is not None else 0)

    @property
    def lowest_acceptable(self) -> int:
        return self._lowest

    def check(self, invocation_counter: int) -> None:
        """Raise :class:`ReplayError` unless ``invocation_counter`` may be accepted."""
        if invocation_counter < self._lowest or invocation_counter > MAX_INVOCATION_COUNTER:
            raise ReplayError(invocation_counter, self._lowest)

    def accept(self, invocation_counter: int) -> None:
        """Record a verified APDU's counter: from now on only greater values pass."""
        self.check(invocation_counter)
        self._lowest = invocation_counter + 1
        if self._store is not None:
            self._store.save(self._lowest)

    def reset_for_new_key(self) -> None:
        self._lowest = 0
        if self._store is not None:
            self._store.save(0)

    def __repr__(self) -> str:
        return f"ReplayGuard(lowest_acceptable={self._lowest})"
