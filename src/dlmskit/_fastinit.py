"""Building frozen, slotted dataclass instances whose fields are known to be valid, without
running ``__init__`` and ``__post_init__`` -- for values that decoders make by the thousand
(a date-time per profile row, a scaled quantity per register value).

:func:`unchecked_constructor` returns a function ``make(*values)`` that sets each slot
through its descriptor, unrolled (the way :mod:`dataclasses` writes ``__init__``). Only use
it where the values cannot be wrong, e.g. fields read from octets that fit them by
construction; everywhere else, call the class.
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
    namespace: dict[str, Any] = {"_new": object.__new__, "_cls": cls}
    lines = []
    for index, name in enumerate(names):
        namespace[f"_set{index}"] = getattr(cls, name).__set__
        lines.append(f"    _set{index}(obj, v{index})")
    arguments = ", ".join(f"v{i}" for i in range(len(names)))
    source = (
        f"def make({arguments}):\n    obj = _new(_cls)\n" + "\n".join(lines) + "\n    return obj\n"
    )
    exec(source, namespace)  # the source is built from checked identifiers only
    make: Callable[..., _T] = namespace["make"]
    make.__qualname__ = f"unchecked {cls.__name__}"
    make.__doc__ = f"{cls.__name__}({', '.join(names)}) without checks."
    return make
