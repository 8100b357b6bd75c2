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


def test_instances_are_of_the_class_itself() -> None:
    """Built as a twin of the same layout and given the real class: type, equality, hash,
    immutability, replace and pickling are the class's."""
    import copy
    import dataclasses
    import pickle

    make = unchecked_constructor(_Point, ("x", "y"))
    point = make(3, 4)
    assert type(point) is _Point
    assert hash(point) == hash(_Point(3, 4))
    assert dataclasses.replace(point, y=5) == _Point(3, 5)
    assert pickle.loads(pickle.dumps(point)) == point
    assert copy.copy(point) == point
    with pytest.raises(dataclasses.FrozenInstanceError):
        point.y = 1  # type: ignore[misc]


@dataclass(frozen=True, slots=True)
class _Point3(_Point):
    z: int = 0


def test_a_subclass_is_built_through_the_slot_descriptors() -> None:
    """A class with a base of its own has slots the twin cannot repeat: the constructor
    sets each slot through its descriptor, with the same result."""
    make = unchecked_constructor(_Point3, ("x", "y", "z"))
    assert "_twin" not in make.__globals__
    assert make(1, 2, 3) == _Point3(1, 2, 3)
    assert type(make(1, 2, 3)) is _Point3


def test_the_hot_value_classes_take_the_twin_path() -> None:
    from dlmskit.client import profile
    from dlmskit.cosem import dates

    for make in (dates._make_date_time, profile._make_quantity, profile.make_profile_row):
        assert "_twin" in make.__globals__, make.__qualname__
