"""The meter's object list, read from the current association, with access rights.

:func:`parse_object_list` reads Association LN attribute 2 (``object_list``, versions 0-3)
and :func:`parse_sn_object_list` Association SN attribute 2 into :class:`ObjectInfo`
records: class, version, logical name, and what this association may do with each
attribute and method. Anything malformed in a meter's list raises
:class:`~dlmskit.errors.RemoteProtocolError` naming the entry.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from dlmskit.cosem import Obis
from dlmskit.errors import RemoteProtocolError
from dlmskit.model import UnknownClassError, get_class

__all__ = ["AttributeAccess", "MethodAccess", "ObjectInfo", "parse_object_list"]


class ObjectListError(RemoteProtocolError):
    """An object list entry that is not the structure the Blue Book defines."""


@dataclass(frozen=True, slots=True)
class AttributeAccess:
    """One attribute's access_mode (the raw enum of the association's version) and the
    selective access selectors the meter offers (None: none)."""

    index: int
    mode: int
    selectors: tuple[int, ...] | None = None
    bitmapped: bool = False

    @property
    def readable(self) -> bool:
        if self.bitmapped:
            return bool(self.mode & 1)
        return self.mode in (1, 3, 4, 6)

    @property
    def writable(self) -> bool:
        if self.bitmapped:
            return bool(self.mode & 2)
        return self.mode in (2, 3, 5, 6)

    @property
    def authenticated(self) -> bool:
        if self.bitmapped:
            return bool(self.mode & 0x04)
        return self.mode in (4, 5, 6)

    @property
    def text(self) -> str:
        rw = ("r" if self.readable else "-") + ("w" if self.writable else "-")
        return rw + ("a" if self.authenticated else "")


@dataclass(frozen=True, slots=True)
class MethodAccess:
    index: int
    mode: int
    bitmapped: bool = False

    @property
    def allowed(self) -> bool:
        return bool(self.mode & 1) if self.bitmapped else self.mode in (1, 2)

    @property
    def authenticated(self) -> bool:
        return bool(self.mode & 0x04) if self.bitmapped else self.mode == 2


@dataclass(frozen=True, slots=True)
class ObjectInfo:
    """One object of the object list."""

    class_id: int
    version: int
    logical_name: Obis
    attributes: Mapping[int, AttributeAccess] = field(default_factory=dict)
    methods: Mapping[int, MethodAccess] = field(default_factory=dict)
    base_name: int | None = None  # SN referencing

    @property
    def class_name(self) -> str:
        try:
            return get_class(self.class_id, self.version).name
        except UnknownClassError:
            try:
                return get_class(self.class_id).name
            except UnknownClassError:
                return f"class {self.class_id}"

    @property
    def description(self) -> str:
        return self.logical_name.description or ""

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "class_id": self.class_id,
            "class": self.class_name,
            "version": self.version,
            "logical_name": str(self.logical_name),
            "description": self.description,
            "attributes": {
                str(a.index): {
                    "access": a.text,
                    "mode": a.mode,
                    **({"selectors": list(a.selectors)} if a.selectors else {}),
                }
                for a in self.attributes.values()
            },
            "methods": {
                str(m.index): {"allowed": m.allowed, "mode": m.mode} for m in self.methods.values()
            },
        }
        if self.base_name is not None:
            out["base_name"] = self.base_name
        return out


def _int(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ObjectListError(f"{what} is no integer: {value!r}")
    return int(value)


def parse_object_list(raw: Any, *, association_version: int | None = None) -> list[ObjectInfo]:
    """Association LN ``object_list`` (attribute 2) as :class:`ObjectInfo` records.

    Version 3 associations use bit-mapped access modes; pass ``association_version`` when
    known (it is read from the list itself when the current association is in it).
    """
    if not isinstance(raw, list):
        raise ObjectListError("the object list is no array")
    version = association_version
    if version is None:
        for entry in raw:
            if (
                isinstance(entry, tuple)
                and len(entry) == 4
                and entry[0] == 15
                and entry[2] == bytes((0, 0, 40, 0, 0, 255))
                and isinstance(entry[1], int)
            ):
                version = int(entry[1])
    bitmapped = (version or 0) >= 3
    out = []
    for index, entry in enumerate(raw):
        what = f"object list entry {index}"
        if not isinstance(entry, tuple) or len(entry) != 4:
            raise ObjectListError(f"{what} is no structure of 4")
        class_id = _int(entry[0], f"{what} class_id")
        obj_version = _int(entry[1], f"{what} version")
        name = entry[2]
        if not isinstance(name, bytes) or len(name) != 6:
            raise ObjectListError(f"{what} logical_name is no octet-string(6)")
        rights = entry[3]
        attributes: dict[int, AttributeAccess] = {}
        methods: dict[int, MethodAccess] = {}
        if rights is not None:
            if not isinstance(rights, tuple) or len(rights) != 2:
                raise ObjectListError(f"{what} access_rights is no structure of 2")
            attribute_items, method_items = rights
            for item in attribute_items if isinstance(attribute_items, list) else ():
                if not isinstance(item, tuple) or len(item) != 3:
                    raise ObjectListError(f"{what}: an attribute_access_item is malformed")
                selectors = item[2]
                chosen = (
                    tuple(_int(s, f"{what} selector") for s in selectors)
                    if isinstance(selectors, list)
                    else None
                )
                attr = _int(item[0], f"{what} attribute_id")
                attributes[attr] = AttributeAccess(
                    attr, _int(item[1], f"{what} access_mode"), chosen, bitmapped
                )
            for item in method_items if isinstance(method_items, list) else ():
                if not isinstance(item, tuple) or len(item) != 2:
                    raise ObjectListError(f"{what}: a method_access_item is malformed")
                mode = item[1]
                method = _int(item[0], f"{what} method_id")
                numeric = int(mode) if isinstance(mode, bool | int) else 0
                methods[method] = MethodAccess(method, numeric, bitmapped)
        out.append(ObjectInfo(class_id, obj_version, Obis(*name), attributes, methods))
    return out


def parse_sn_object_list(raw: Any) -> list[ObjectInfo]:
    """Association SN ``object_list``: base_name, class_id, version, logical_name."""
    if not isinstance(raw, list):
        raise ObjectListError("the object list is no array")
    out = []
    for index, entry in enumerate(raw):
        what = f"object list entry {index}"
        if not isinstance(entry, tuple) or len(entry) != 4:
            raise ObjectListError(f"{what} is no structure of 4")
        base = _int(entry[0], f"{what} base_name") & 0xFFFF
        class_id = _int(entry[1], f"{what} class_id")
        version = _int(entry[2], f"{what} version")
        name = entry[3]
        if not isinstance(name, bytes) or len(name) != 6:
            raise ObjectListError(f"{what} logical_name is no octet-string(6)")
        out.append(ObjectInfo(class_id, version, Obis(*name), base_name=base))
    return out
