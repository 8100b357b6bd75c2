"""What a test case gets to work with: the IUT, connections to it, checks and steps."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dlmskit.conformance.cases import Check, Failed, Inapplicable, Inconclusive, Verdict
from dlmskit.conformance.channels import ApduChannel, Connection, HdlcProbe, WrapperProbe
from dlmskit.conformance.iut import AssociationSpec, Iut, ProfileKind
from dlmskit.conformance.session import Session, SessionState
from dlmskit.conformance.trace import RecordingTransport, Trace
from dlmskit.io.base import Transport
from dlmskit.link.errors import LinkError
from dlmskit.link.hdlc.frame import HdlcAddress

if TYPE_CHECKING:
    from dlmskit.conformance.headend import Capture
    from dlmskit.conformance.plans.objects import ObjectsSeen

__all__ = ["CaseContext", "RunShared"]

Opener = Callable[[], Awaitable[Transport]]


@dataclass(slots=True)
class RunShared:
    """What the test cases of one run share."""

    iut: Iut
    opener: Opener
    profile: ProfileKind
    datagrams: bool = False
    sessions: SessionState = field(default_factory=SessionState)
    #: per association name: its object list and the values read (the object plan's cache)
    objects: dict[str, ObjectsSeen] = field(default_factory=dict)
    #: head-end mode: what the head-end sent to the reference meter and got back
    capture: Capture | None = None
    clock: Callable[[], float] = field(default_factory=lambda: asyncio.get_running_loop().time)

    @classmethod
    def for_connection(cls, iut: Iut, connection: Connection) -> RunShared:
        return cls(iut, connection.open, connection.profile, connection.datagrams)


class CaseContext:
    """The test case's view of the run; one per test case (and association instance)."""

    def __init__(
        self,
        shared: RunShared,
        association: AssociationSpec | None = None,
    ) -> None:
        self.shared = shared
        self.iut = shared.iut
        self.association = association
        self.timeouts = shared.iut.timeouts
        self.clock = shared.clock
        # a head-end case judges the captured traffic: that is the traffic it shows
        self.trace = (
            shared.capture.trace
            if shared.capture is not None
            else Trace(self.clock, shared.profile.value)
        )
        self.checks: list[Check] = []
        self.steps: list[str] = []
        self._closers: list[Callable[[], Awaitable[None]]] = []

    # -- narrative and checks --------------------------------------------------------------
    @property
    def profile(self) -> ProfileKind:
        return self.shared.profile

    def step(self, text: str) -> None:
        self.steps.append(text)
        self.trace.note(text)

    def observe(self, verdict: Verdict, text: str, detail: str = "", subject: str = "") -> None:
        """Record a check with its verdict (and go on)."""
        self.checks.append(Check(text, verdict, detail, subject))

    def check(
        self, ok: bool, text: str, detail: str = "", *, subject: str = "", stop: bool = True
    ) -> bool:
        """Record a check; a failed one ends the test case FAILED unless ``stop`` is off."""
        self.observe(Verdict.PASSED if ok else Verdict.FAILED, text, detail, subject)
        if not ok and stop:
            raise Failed(f"{text}{': ' + detail if detail else ''}")
        return ok

    def require(self, ok: bool, text: str) -> None:
        """A step the test purpose builds on: when it does not hold, INCONCLUSIVE."""
        if not ok:
            raise Inconclusive(text)

    @staticmethod
    def inapplicable(reason: str) -> Inapplicable:
        return Inapplicable(reason)

    async def pause(self, seconds: float, why: str) -> None:
        if seconds > self.timeouts.max_wait:
            raise Inconclusive(
                f"{why} needs a wait of {seconds:g} s, more than the allowed "
                f"{self.timeouts.max_wait:g} s"
            )
        self.step(f"wait {seconds:g} s: {why}")
        await asyncio.sleep(seconds)

    # -- connections -----------------------------------------------------------------------
    async def transport(self, framing: str | None = None) -> RecordingTransport:
        """A new connection to the IUT, recorded into this test's trace."""
        try:
            inner = await self.shared.opener()
        except (OSError, LinkError) as exc:
            raise Inconclusive(f"cannot connect to the IUT: {exc}") from None
        recording = RecordingTransport(inner, self.trace, framing)
        self.trace.note("connection opened")

        async def close() -> None:
            with contextlib.suppress(Exception):
                await recording.close()

        self._closers.append(close)
        return recording

    def spec(self, association: AssociationSpec | None = None) -> AssociationSpec:
        found = association or self.association or self.iut.lowest()
        if found is None:
            raise Inapplicable("the IUT description declares no association to open")
        return found

    async def hdlc(
        self,
        association: AssociationSpec | None = None,
        *,
        client: HdlcAddress | None = None,
        server: HdlcAddress | None = None,
    ) -> HdlcProbe:
        if self.profile is not ProfileKind.HDLC:
            raise Inapplicable("the IUT is not reached over HDLC")
        spec = self.spec(association)
        probe = HdlcProbe(
            await self.transport("hdlc"),
            client or HdlcAddress.client(spec.client),
            server or self.iut.hdlc.server_address(spec.logical_device),
            self.timeouts,
            self.clock,
        )
        return probe

    async def wrapper(self, association: AssociationSpec | None = None) -> WrapperProbe:
        if self.profile is not ProfileKind.WRAPPER:
            raise Inapplicable("the IUT is not reached over the wrapper")
        spec = self.spec(association)
        return WrapperProbe(
            await self.transport("wrapper"),
            spec.client,
            spec.logical_device,
            self.timeouts,
            self.clock,
            datagrams=self.shared.datagrams,
        )

    async def channel(self, association: AssociationSpec | None = None) -> ApduChannel:
        """A link ready for APDUs: over HDLC the SNRM/UA is done (default parameters)."""
        if self.profile is ProfileKind.HDLC:
            probe = await self.hdlc(association)
            await probe.connect()

            async def disconnect() -> None:
                if not probe.closed:
                    with contextlib.suppress(Exception):
                        await probe.disconnect()

            self._closers.append(disconnect)
            return probe
        return await self.wrapper(association)

    async def session(
        self, association: AssociationSpec | None = None, *, establish: bool = True
    ) -> Session:
        """A session for an association, opened as declared unless ``establish`` is off."""
        spec = self.spec(association)
        session = Session(
            await self.channel(spec),
            spec,
            self.shared.sessions,
            self.trace.redact,
            self.trace.deciphered,
        )
        if establish:
            self.step(f"open association {spec.label}")
            await session.establish()
        return session

    async def close(self) -> None:
        """Close what the test opened (the last opened first)."""
        while self._closers:
            closer = self._closers.pop()
            with contextlib.suppress(Exception):
                async with asyncio.timeout(self.timeouts.response + 1.0):
                    await closer()

    def data(self) -> dict[str, Any]:
        return {"checks": len(self.checks), "steps": len(self.steps)}
