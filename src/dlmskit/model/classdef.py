"""Interface classes as data: attributes, methods, their types and default access.

A :class:`ClassDef` is one version of one COSEM interface class (IEC 62056-6-2, Blue Book):
its attributes (:class:`AttributeDef`: index, name, schema, static or dynamic, default access)
and methods (:class:`MethodDef`: index, name, parameter and return schema). The registry
keeps every class definition by ``(class_id, version)``; :func:`get_class` finds one, the
latest version when no version is asked for.

The definitions themselves live in :mod:`dlmskit.model.classes`.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final, NamedTuple

from dlmskit.errors import DlmsError
from dlmskit.model.schema import LN, Schema

__all__ = [
    "REGISTRY",
    "Access",
    "AttributeDef",
    "ClassDef",
    "ClassRegistry",
    "ListingRow",
    "MethodDef",
    "UnknownClassError",
    "get_class",
]


class UnknownClassError(DlmsError, LookupError):
    """No definition for that class id / version, or no such attribute or method."""


class Access(enum.IntFlag):
    """Default access of an attribute or a method (before an association narrows it)."""

    NONE = 0
    READ = 1
    WRITE = 2
    READ_WRITE = 3
    #: for methods: may be invoked
    EXECUTE = 4


@dataclass(frozen=True, slots=True)
class AttributeDef:
    """One attribute: index (1 is always logical_name), name, schema, static or dynamic."""

    index: int
    name: str
    schema: Schema
    dynamic: bool = False
    access: Access = Access.READ_WRITE

    @property
    def static(self) -> bool:
        return not self.dynamic

    @property
    def short_name_offset(self) -> int:
        """Offset from the object's base_name under SN referencing: ``(index - 1) * 8``."""
        return (self.index - 1) * 8


@dataclass(frozen=True, slots=True)
class MethodDef:
    """One method: index, name, parameter schema and return schema (None: no data)."""

    index: int
    name: str
    parameter: Schema | None
    returns: Schema | None = None
    access: Access = Access.EXECUTE


@dataclass(frozen=True, slots=True)
class ListingRow:
    """One row of a class listing, for the CLI and the conformance suite."""

    kind: str  # "attribute" or "method"
    index: int
    name: str
    type: str
    static: bool | None
    access: str


def _access_text(access: Access) -> str:
    names = [name for flag, name in _ACCESS_NAMES if flag & access]
    return "+".join(names) or "none"


_ACCESS_NAMES: Final = (
    (Access.READ, "read"),
    (Access.WRITE, "write"),
    (Access.EXECUTE, "execute"),
)


@dataclass(frozen=True, slots=True)
class ClassDef:
    """One version of one interface class."""

    class_id: int
    version: int
    name: str
    attributes: tuple[AttributeDef, ...]
    methods: tuple[MethodDef, ...] = ()
    #: index of the scaler_unit attribute that scales the :class:`~dlmskit.model.schema.Scaled`
    #: attributes of this class (3 for Register), None when the class has none.
    scaler_attribute: int | None = None
    #: where the definition was taken from (clause of the Blue Book, ...)
    source: str = ""

    def __post_init__(self) -> None:
        for position, a in enumerate(self.attributes, 1):
            if a.index != position:
                raise ValueError(f"{self.name}: attribute {a.name} has index {a.index}")
        for position, m in enumerate(self.methods, 1):
            if m.index != position:
                raise ValueError(f"{self.name}: method {m.name} has index {m.index}")

    @property
    def key(self) -> tuple[int, int]:
        return (self.class_id, self.version)

    @property
    def attribute_count(self) -> int:
        return len(self.attributes)

    @property
    def method_count(self) -> int:
        return len(self.methods)

    def attribute(self, index: int) -> AttributeDef:
        if isinstance(index, int) and 1 <= index <= len(self.attributes):
            return self.attributes[index - 1]
        raise UnknownClassError(f"{self.name} v{self.version} has no attribute {index!r}")

    def method(self, index: int) -> MethodDef:
        if isinstance(index, int) and 1 <= index <= len(self.methods):
            return self.methods[index - 1]
        raise UnknownClassError(f"{self.name} v{self.version} has no method {index!r}")

    def attribute_named(self, name: str) -> AttributeDef:
        for a in self.attributes:
            if a.name == name:
                return a
        raise UnknownClassError(f"{self.name} v{self.version} has no attribute {name!r}")

    def method_named(self, name: str) -> MethodDef:
        for m in self.methods:
            if m.name == name:
                return m
        raise UnknownClassError(f"{self.name} v{self.version} has no method {name!r}")

    def listing(self) -> list[ListingRow]:
        """Every attribute and method with its type, for display."""
        rows = [
            ListingRow(
                "attribute", a.index, a.name, a.schema.describe(), a.static, _access_text(a.access)
            )
            for a in self.attributes
        ]
        rows += [
            ListingRow(
                "method",
                m.index,
                m.name,
                (m.parameter.describe() if m.parameter else "no data")
                + (f" -> {m.returns.describe()}" if m.returns else ""),
                None,
                _access_text(m.access),
            )
            for m in self.methods
        ]
        return rows

    def __str__(self) -> str:
        return f"{self.name} (class_id {self.class_id}, version {self.version})"


class ClassRegistry:
    """Class definitions by ``(class_id, version)``."""

    def __init__(self) -> None:
        self._by_key: dict[tuple[int, int], ClassDef] = {}
        self._latest: dict[int, ClassDef] = {}

    def register(self, definition: ClassDef) -> ClassDef:
        if definition.key in self._by_key:
            raise ValueError(f"{definition} is defined twice")
        self._by_key[definition.key] = definition
        latest = self._latest.get(definition.class_id)
        if latest is None or latest.version < definition.version:
            self._latest[definition.class_id] = definition
        return definition

    def get(self, class_id: int, version: int | None = None) -> ClassDef:
        """The definition of ``class_id`` in ``version`` (the latest one when None)."""
        found = (
            self._latest.get(class_id) if version is None else self._by_key.get((class_id, version))
        )
        if found is None:
            what = f"class_id {class_id!r}" + ("" if version is None else f" version {version!r}")
            raise UnknownClassError(f"no interface class definition for {what}")
        return found

    def versions(self, class_id: int) -> list[int]:
        return sorted(v for c, v in self._by_key if c == class_id)

    def class_ids(self) -> list[int]:
        return sorted(self._latest)

    def __contains__(self, key: object) -> bool:
        return key in self._by_key

    def __iter__(self) -> Iterator[ClassDef]:
        return iter(sorted(self._by_key.values(), key=lambda d: d.key))

    def __len__(self) -> int:
        return len(self._by_key)


#: The registry the class table fills (see :mod:`dlmskit.model.classes`).
REGISTRY: Final = ClassRegistry()


def get_class(class_id: int, version: int | None = None) -> ClassDef:
    """The definition of an interface class (the latest version when ``version`` is None)."""
    import dlmskit.model.classes  # noqa: F401  # fills REGISTRY on first use

    return REGISTRY.get(class_id, version)


# -- builders used by the class table -----------------------------------------------------


class A(NamedTuple):
    """An attribute in the class table; its index is its position (logical_name is 1)."""

    name: str
    schema: Schema
    dynamic: bool = False
    access: Access = Access.READ_WRITE


class M(NamedTuple):
    """A method in the class table; its index is its position."""

    name: str
    parameter: Schema | None
    returns: Schema | None = None
    access: Access = Access.EXECUTE


#: The logical_name attribute every class starts with.
LOGICAL_NAME: Final = AttributeDef(1, "logical_name", LN, False, Access.READ)


def define(
    class_id: int,
    version: int,
    name: str,
    attributes: list[A] | tuple[A, ...],
    methods: list[M] | tuple[M, ...] = (),
    *,
    scaler_attribute: int | None = None,
    source: str = "",
    registry: ClassRegistry = REGISTRY,
) -> ClassDef:
    """Define and register a class: ``attributes`` are those after logical_name."""
    attrs = (
        LOGICAL_NAME,
        *tuple(
            AttributeDef(i, a.name, a.schema, a.dynamic, a.access)
            for i, a in enumerate(attributes, 2)
        ),
    )
    meths = tuple(
        MethodDef(i, m.name, m.parameter, m.returns, m.access) for i, m in enumerate(methods, 1)
    )
    return registry.register(
        ClassDef(class_id, version, name, attrs, meths, scaler_attribute, source)
    )


def st(name: str, schema: Schema, access: Access = Access.READ_WRITE) -> A:
    """A static attribute (configuration), read-write by default."""
    return A(name, schema, False, access)


def dyn(name: str, schema: Schema, access: Access = Access.READ) -> A:
    """A dynamic attribute (a measured or internal value), read-only by default."""
    return A(name, schema, True, access)


def bb(title: str) -> str:
    """The source note of a class taken from the Blue Book (DLMS UA 1000-1)."""
    return f"DLMS UA 1000-1 (Blue Book): {title}"
