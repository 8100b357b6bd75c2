"""Keeping the cycle collector out of the building of a block of profile rows.

Typing one block of a load profile makes tens of thousands of small objects (date-times,
quantities, rows) that hold no reference cycles and that the caller keeps. With the
collector on, every 700 of them start a collection, and as they survive, the collector
re-examines the whole heap every few thousand rows: a fifth of the time of a profile read
went there. :func:`paused` switches the collector off for one synchronous, cycle-free
step and back on after it (only if it was on): nothing it could free is lost, the next
collection simply comes after the step. It never spans a ``yield`` to a caller.

The collector's switch is process-wide: another thread that turns the collector off while
a step runs finds it on again when the step ends (a step lasts milliseconds).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["paused"]


@contextmanager
def paused() -> Iterator[None]:
    """The cycle collector off for the ``with`` block (steps that make no cycles)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
