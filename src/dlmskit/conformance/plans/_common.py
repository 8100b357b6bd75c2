"""Helpers the plans share."""

from __future__ import annotations

from dlmskit.apdu import DataAccessResult, GetResponseNormal
from dlmskit.conformance.cases import Inconclusive
from dlmskit.conformance.context import CaseContext
from dlmskit.conformance.iut import AssociationSpec, Iut
from dlmskit.conformance.session import Session

__all__ = ["NullChannel", "is_aare", "plain_aarq", "served", "unknown_logical_device"]


class NullChannel:
    """A channel that carries nothing: for building a session's APDUs without a link."""

    @property
    def closed(self) -> bool:
        return True

    async def send_apdu(self, apdu: bytes, *, note: str = "") -> None:
        raise Inconclusive("no link")

    async def receive_apdu(self, timeout: float | None = None) -> bytes | None:
        raise Inconclusive("no link")

    async def request(
        self, apdu: bytes, *, note: str = "", timeout: float | None = None
    ) -> bytes | None:
        raise Inconclusive("no link")

    async def close(self) -> None:
        return None


def plain_aarq(ctx: CaseContext, association: AssociationSpec | None = None) -> bytes:
    """The AARQ of an association (the test's, or the lowest), as the suite would send it."""
    spec = ctx.spec(association)
    return Session(NullChannel(), spec, ctx.shared.sessions, ctx.trace.redact).aarq().encode()


def served(apdu: object) -> bool:
    """A GET answered with data (not refused): what must not happen to a request that a
    meter has to refuse."""
    return isinstance(apdu, GetResponseNormal) and not isinstance(apdu.result, DataAccessResult)


def is_aare(apdu: bytes | None) -> bool:
    return apdu is not None and apdu[:1] == b"\x61"


def unknown_logical_device(iut: Iut) -> int:
    """A logical device address (upper HDLC address, wPort) the IUT does not declare."""
    used = {d.address for d in iut.logical_devices} | {a.logical_device for a in iut.associations}
    for candidate in range(0x7E, 1, -1):
        if candidate not in used:
            return candidate
    raise Inconclusive("no unused logical device address left to test with")
