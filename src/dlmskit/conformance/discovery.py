"""What the meter says about itself: object lists, access rights, and an IUT description.

:func:`parse_object_list` reads the ``object_list`` attribute of Association LN (versions 0 to
3) into :class:`ObjectEntry` items, checking each element's structure against the class table
(:mod:`dlmskit.model`). :func:`discover` describes an IUT from the public association when no
description is given: the association it opens (client 16 to the management logical device),
what its AARE negotiated, the other Association LN objects it lists (their partners and
mechanisms: secrets cannot be discovered, so tests that need them become inapplicable), the
logical device name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from dlmskit.apdu import ApplicationContextName, DataAccessResult
from dlmskit.axdr import Data
from dlmskit.conformance.cases import CaseEnded
from dlmskit.conformance.channels import Connection
from dlmskit.conformance.iut import (
    AssociationSpec,
    HdlcProfile,
    Iut,
    LogicalDevice,
    Timeouts,
)
from dlmskit.cosem import Obis
from dlmskit.errors import DlmsError
from dlmskit.model import SchemaError, get_class
from dlmskit.security import Mechanism

__all__ = [
    "AccessRights",
    "ObjectEntry",
    "ObjectListError",
    "attribute_readable",
    "attribute_writable",
    "discover",
    "method_allowed",
    "parse_object_list",
]

LOGICAL_DEVICE_NAME = Obis(0, 0, 42, 0, 0, 255)
CURRENT_ASSOCIATION = Obis(0, 0, 40, 0, 0, 255)


class ObjectListError(DlmsError, ValueError):
    """An object_list that does not have the structure the class table gives it."""


@dataclass(frozen=True, slots=True)
class AccessRights:
    """Access modes as the Association LN object states them (its version's numbering)."""

    attributes: Mapping[int, int] = field(default_factory=dict)
    selectors: Mapping[int, tuple[int, ...]] = field(default_factory=dict)
    methods: Mapping[int, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ObjectEntry:
    class_id: int
    version: int
    logical_name: Obis
    rights: AccessRights

    @property
    def label(self) -> str:
        return f"{self.class_id}/{self.logical_name}"


def _int(value: object, what: str, index: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ObjectListError(f"object_list[{index}]: {what} is not an integer")
    return int(value)


def parse_object_list(value: Data, association_version: int = 2) -> list[ObjectEntry]:
    """The entries of an Association LN ``object_list`` value (raw A-XDR ``Data``)."""
    definition = get_class(15, min(association_version, 3))
    schema = definition.attribute(2).schema
    try:
        schema.validate(value)
    except SchemaError as exc:
        raise ObjectListError(f"the object_list does not match {definition}: {exc}") from None
    rows: Any = value  # its structure was checked just above
    entries = []
    for index, element in enumerate(rows):
        class_id, version, name, (attribute_access, method_access) = element
        attributes: dict[int, int] = {}
        selectors: dict[int, tuple[int, ...]] = {}
        for item in attribute_access:
            attribute = _int(item[0], "attribute_id", index)
            attributes[attribute] = _int(item[1], "access_mode", index)
            if isinstance(item[2], list):
                selectors[attribute] = tuple(_int(s, "access_selector", index) for s in item[2])
        methods = {
            _int(item[0], "method_id", index): int(bool(item[1]))
            if isinstance(item[1], bool)
            else _int(item[1], "access_mode", index)
            for item in method_access
        }
        entries.append(
            ObjectEntry(
                _int(class_id, "class_id", index),
                _int(version, "version", index),
                Obis(*name),
                AccessRights(attributes, selectors, methods),
            )
        )
    return entries


# Access modes: Association LN v0-v2 attribute access_mode 0..6 (4-6: authenticated);
# v3 bit-mapped (bit 0 read, bit 1 write, bits 2.. the protection required).
_AUTH_ATTR = {4: 1, 5: 2, 6: 3}


def _attribute_bits(mode: int, version: int, authenticated: bool) -> int:
    if version >= 3:
        if mode & 0xFC and not authenticated:
            return 0  # the request must be protected: a plain request is refused
        return mode & 3
    if mode in _AUTH_ATTR:
        return _AUTH_ATTR[mode] if authenticated else 0
    return mode & 3 if mode <= 3 else 0


def attribute_readable(mode: int, version: int, *, authenticated: bool) -> bool:
    return bool(_attribute_bits(mode, version, authenticated) & 1)


def attribute_writable(mode: int, version: int, *, authenticated: bool) -> bool:
    return bool(_attribute_bits(mode, version, authenticated) & 2)


def method_allowed(mode: int, version: int, *, authenticated: bool) -> bool:
    if version >= 3:
        if mode & 0xFC and not authenticated:
            return False
        return bool(mode & 1)
    if mode == 2:  # authenticated_access
        return authenticated
    return mode == 1


_MECHANISMS = {int(m): m for m in Mechanism}


def _mechanism(value: Data | DataAccessResult) -> Mechanism | None:
    if isinstance(value, tuple) and len(value) == 7:
        last = value[6]
        if isinstance(last, int) and not isinstance(last, bool):
            return _MECHANISMS.get(int(last))
    if isinstance(value, bytes) and len(value) == 7:
        return _MECHANISMS.get(value[6])
    return None


def _context(value: Data | DataAccessResult) -> ApplicationContextName | None:
    last: object = None
    if (isinstance(value, tuple) and len(value) == 7) or (
        isinstance(value, bytes) and len(value) == 7
    ):
        last = value[6]
    if isinstance(last, int) and not isinstance(last, bool):
        try:
            return ApplicationContextName(int(last))
        except ValueError:
            return None
    return None


async def discover(
    connection: Connection,
    *,
    client: int = 16,
    logical_device: int = 1,
    physical_address: int | None = None,
    address_size: int | None = None,
    timeouts: Timeouts | None = None,
) -> Iut:
    """Describe the IUT from its public association (see the module docstring)."""
    from dlmskit.conformance.context import CaseContext, RunShared

    public = AssociationSpec("public", client, logical_device)
    base = Iut(
        associations=(public,),
        profile=connection.profile,
        hdlc=HdlcProfile(physical_address=physical_address, address_size=address_size),
        timeouts=timeouts or Timeouts(),
        source=f"discovered from the meter at {connection}",
    )
    shared = RunShared.for_connection(base, connection)
    ctx = CaseContext(shared)
    try:
        session = await ctx.session(public)
        negotiated = session.negotiated_conformance
        max_pdu = session.server_max_pdu
        objects = await session.get(15, CURRENT_ASSOCIATION, 2)
        name_value = await session.get(1, LOGICAL_DEVICE_NAME, 2)
        found: list[AssociationSpec] = [
            AssociationSpec(
                "public", client, logical_device, conformance=negotiated, max_pdu_size=max_pdu
            )
        ]
        if isinstance(objects, list):
            for entry in parse_object_list(objects):
                if entry.class_id != 15 or entry.logical_name == CURRENT_ASSOCIATION:
                    continue
                partners = await session.get(15, entry.logical_name, 3)
                if not (isinstance(partners, tuple) and len(partners) == 2):
                    continue
                sap = partners[0]
                if not isinstance(sap, int) or isinstance(sap, bool) or sap == client:
                    continue
                mechanism = _mechanism(await session.get(15, entry.logical_name, 6))
                context = _context(await session.get(15, entry.logical_name, 4))
                found.append(
                    AssociationSpec(
                        f"client-{int(sap)}",
                        int(sap),
                        logical_device,
                        context=context or ApplicationContextName.LOGICAL_NAME,
                        mechanism=mechanism or Mechanism.NONE,
                    )
                )
        await session.release()
    except (CaseEnded, DlmsError) as exc:
        raise DiscoveryError(f"cannot describe the meter at {connection}: {exc}") from None
    finally:
        await ctx.close()
    name = None
    if isinstance(name_value, bytes):
        name = name_value.decode("ascii", "replace")
    elif isinstance(name_value, str):
        name = str(name_value)
    return Iut(
        associations=tuple(found),
        flag_id=(name or "")[:3],
        profile=connection.profile,
        hdlc=base.hdlc,
        logical_devices=(LogicalDevice(logical_device, name),),
        timeouts=base.timeouts,
        source=base.source,
    )


class DiscoveryError(DlmsError, OSError):
    """The meter could not be described from its public association (unreachable, or it
    refused the public association)."""
