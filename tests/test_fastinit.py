"""The unchecked constructors build the same values as the classes do."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from dlmskit._fastinit import unchecked_constructor


@dataclass(frozen=True, slots=True)
class _Point:
    x: int
    y: int

    def __post_init__(self) -> None:
        if self.x < 0:
            raise ValueError("x")


def test_same_value_as_the_class_and_checks_skipped() -> None:
    make = unchecked_constructor(_Point, ("x", "y"))
    assert make(1, 2) == _Point(1, 2)
    assert make(-1, 2).x == -1  # no __post_init__: only for values known to be valid
    with pytest.raises(AttributeError):
        make(1, 2).x = 3  # type: ignore[misc]  # still frozen


def test_only_slots_are_accepted() -> None:
    with pytest.raises(TypeError, match="no slot"):
        unchecked_constructor(_Point, ("x", "z"))
    with pytest.raises(TypeError, match="no slot"):
        unchecked_constructor(_Point, ("x); import os; (",))
