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

from dlmskit.apdu import ApplicationContextName, DataAccessResult
from dlmskit.axdr import Data
from dlmskit.client.objects import AttributeAccess, MethodAccess, parse_object_list
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
    "ObjectListError",
    "can_invoke",
    "can_read",
    "can_write",
    "check_object_list",
    "discover",
]

LOGICAL_DEVICE_NAME = Obis(0, 0, 42, 0, 0, 255)
CURRENT_ASSOCIATION = Obis(0, 0, 40, 0, 0, 255)


class ObjectListError(DlmsError, ValueError):
    """An object_list that does not have the structure the class table gives it."""


def check_object_list(value: Data, association_version: int = 2) -> None:
    """Check an Association LN ``object_list`` value against the class table (the client's
    reader, :func:`dlmskit.client.objects.parse_object_list`, takes what it can use; the
    suite wants to know that the whole value is what the class defines)."""
    definition = get_class(15, min(max(association_version, 0), 3))
    try:
        definition.attribute(2).schema.validate(value)
    except SchemaError as exc:
        raise ObjectListError(f"the object_list does not match {definition}: {exc}") from None


# What an association may do, from the access_mode it states. Association LN v0-v2:
# attributes 4-6 and methods 2 need an authenticated request; v3 (bit-mapped): bits 2-7 ask
# for protected (authenticated, encrypted, signed) requests and responses. A request that
# does not carry the protection asked for must be refused; this suite protects requests of
# ciphered associations only, and never signs them.
_SIGNED = 0x10 | 0x80


def _protection_met(mode: int, bitmapped: bool, needs: bool, authenticated: bool) -> bool:
    if bitmapped:
        required = mode & 0xFC
        return not required or (authenticated and not required & _SIGNED)
    return not needs or authenticated


def can_read(access: AttributeAccess, *, authenticated: bool) -> bool:
    return access.readable and _protection_met(
        access.mode, access.bitmapped, access.authenticated, authenticated
    )


def can_write(access: AttributeAccess, *, authenticated: bool) -> bool:
    return access.writable and _protection_met(
        access.mode, access.bitmapped, access.authenticated, authenticated
    )


def can_invoke(access: MethodAccess, *, authenticated: bool) -> bool:
    return access.allowed and _protection_met(
        access.mode, access.bitmapped, access.authenticated, authenticated
    )


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
    timeouts: Timeouts | None = None,
) -> Iut:
    """Describe the IUT from its public association (see the module docstring): the client
    and server addresses are the connection string's (public client 16 to logical device 1
    when it names none)."""
    target = connection.target
    client, logical_device = target.client_address, target.server_address
    physical_address, address_size = target.physical_address, target.address_size
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
