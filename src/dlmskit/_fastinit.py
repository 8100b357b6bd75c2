"""Building frozen, slotted dataclass instances whose fields are known to be valid, without
running ``__init__`` and ``__post_init__`` -- for values that decoders make by the thousand
(a date-time per profile row, a scaled quantity per register value).

:func:`unchecked_constructor` returns a function ``make(*values)`` that builds the instance
as an instance of a plain twin class with the same slots (whose attribute stores CPython
runs at full speed, where a frozen class's ``__setattr__`` refuses them) and then gives it
its real class -- the assignment Python allows between classes of one layout. Where the
twin is refused (another interpreter, another layout) it sets each slot through its
descriptor instead. Only use it where the values cannot be wrong, e.g. fields read from
octets that fit them by construction; everywhere else, call the class.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

__all__ = ["unchecked_constructor"]

_T = TypeVar("_T")


def unchecked_constructor(cls: type[_T], fields: Sequence[str]) -> Callable[..., _T]:
    """``make(v0, v1, ...)`` -> an instance of ``cls`` with ``fields[i] = vi``, unchecked."""
    names = list(fields)
    for name in names:
        if not name.isidentifier() or not hasattr(getattr(cls, name, None), "__set__"):
            raise TypeError(f"{cls.__name__}.{name} is no slot")
    arguments = ", ".join(f"v{i}" for i in range(len(names)))
    make = _twin_constructor(cls, names, arguments) or _descriptor_constructor(
        cls, names, arguments
    )
    make.__qualname__ = f"unchecked {cls.__name__}"
    make.__doc__ = f"{cls.__name__}({', '.join(names)}) without checks."
    return make


def _twin_constructor(cls: type[_T], names: list[str], arguments: str) -> Callable[..., _T] | None:
    slots = cls.__dict__.get("__slots__")
    if not isinstance(slots, tuple) or cls.__bases__ != (object,):
        return None
    twin = type(f"_{cls.__name__}Twin", (), {"__slots__": slots, "__module__": cls.__module__})
    namespace: dict[str, Any] = {"_new": object.__new__, "_twin": twin, "_cls": cls}
    lines = [f"    obj.{name} = v{index}" for index, name in enumerate(names)]
    source = (
        f"def make({arguments}):\n    obj = _new(_twin)\n"
        + "\n".join(lines)
        + "\n    obj.__class__ = _cls\n    return obj\n"
    )
    exec(source, namespace)  # the source is built from checked identifiers only
    make: Callable[..., _T] = namespace["make"]
    try:  # the interpreter must accept the class assignment, and the result be complete
        probe = make(*range(len(names)))
    except TypeError:
        return None
    if probe.__class__ is not cls or [getattr(probe, n) for n in names] != list(range(len(names))):
        return None  # pragma: no cover - a layout CPython would have refused above
    return make


def _descriptor_constructor(cls: type[_T], names: list[str], arguments: str) -> Callable[..., _T]:
    namespace: dict[str, Any] = {"_new": object.__new__, "_cls": cls}
    lines = []
    for index, name in enumerate(names):
        namespace[f"_set{index}"] = getattr(cls, name).__set__
        lines.append(f"    _set{index}(obj, v{index})")
    source = (
        f"def make({arguments}):\n    obj = _new(_cls)\n" + "\n".join(lines) + "\n    return obj\n"
    )
    exec(source, namespace)  # the source is built from checked identifiers only
    make: Callable[..., _T] = namespace["make"]
    return make
