"""Events reported by the HDLC stations, and their settings."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from dlmskit.errors import LocalProtocolError
from dlmskit.link.hdlc.frame import (
    DEFAULT_MAX_INFO,
    DEFAULT_WINDOW,
    MAX_INFO_LENGTH,
    MAX_WINDOW,
    MIN_INFO_LENGTH,
    HdlcAddress,
    HdlcParameters,
)

__all__ = [
    "ApduReceived",
    "Connected",
    "DisconnectReason",
    "Disconnected",
    "Event",
    "LinkParameters",
    "StationSettings",
]


@dataclass(frozen=True, slots=True)
class LinkParameters:
    """The parameters in force on a link, from the point of view of the station holding them:
    the longest information field and the window it sends, and those it accepts."""

    max_info_tx: int = DEFAULT_MAX_INFO
    max_info_rx: int = DEFAULT_MAX_INFO
    window_tx: int = DEFAULT_WINDOW
    window_rx: int = DEFAULT_WINDOW


@dataclass(frozen=True, slots=True)
class StationSettings:
    """What a station offers and how patient it is.

    * ``max_info_tx/rx``, ``window_tx/rx``: the largest values this station proposes or accepts
      (IEC HDLC setup ranges: 32..2030 bytes, window 1..7); the link uses the smaller of both
      sides' values.
    * ``response_timeout``, ``max_retries`` (primary): how long to wait for a frame with the
      final bit, and how often to re-send or poll before giving up.
    * ``inactivity_timeout`` (secondary): seconds without a frame before NRM falls back to NDM
      (``None``: never; HDLC setup default 120 s).
    * ``inter_octet_timeout``: how long a partly received frame may wait for its next byte.
    * ``response_hold`` (secondary): how long the meter keeps the poll after delivering an APDU
      while its application prepares the answer; then it answers RR.
    * ``llc``: add and strip the IEC 62056-46 LLC header (E6 E6 00 / E6 E7 00).
    * ``send_parameters`` (primary): put the negotiation field in SNRM (otherwise a bare SNRM,
      meaning all defaults).
    * ``hcs_checked``, ``sequence_checked`` (secondary): True in every correct station. Off,
      they inject a defect for conformance testing: frames with a wrong header check sequence
      are taken (their FCS still checked); an I frame out of sequence is taken as the next.
    """

    max_info_tx: int = DEFAULT_MAX_INFO
    max_info_rx: int = DEFAULT_MAX_INFO
    window_tx: int = DEFAULT_WINDOW
    window_rx: int = DEFAULT_WINDOW
    response_timeout: float = 3.0
    max_retries: int = 3
    inactivity_timeout: float | None = 120.0
    inter_octet_timeout: float | None = 1.0
    response_hold: float = 1.0
    llc: bool = True
    send_parameters: bool = True
    hcs_checked: bool = True
    sequence_checked: bool = True

    def __post_init__(self) -> None:
        for name in ("max_info_tx", "max_info_rx"):
            value = getattr(self, name)
            if not MIN_INFO_LENGTH <= value <= MAX_INFO_LENGTH:
                raise LocalProtocolError(
                    f"{name} must be {MIN_INFO_LENGTH}..{MAX_INFO_LENGTH}, got {value}"
                )
        for name in ("window_tx", "window_rx"):
            value = getattr(self, name)
            if not 1 <= value <= MAX_WINDOW:
                raise LocalProtocolError(f"{name} must be 1..{MAX_WINDOW}, got {value}")
        if self.response_timeout <= 0 or self.max_retries < 0 or self.response_hold < 0:
            raise LocalProtocolError("time-outs must be positive and retries not negative")

    @property
    def proposal(self) -> HdlcParameters:
        return HdlcParameters(self.max_info_tx, self.max_info_rx, self.window_tx, self.window_rx)


class Event:
    """Base class of the events of the link layers."""

    __slots__ = ()


class DisconnectReason(enum.Enum):
    LOCAL = "closed by this station"
    REMOTE_DISC = "the client sent DISC"
    REMOTE_DM = "the meter answered DM (not connected)"
    REFUSED = "the meter refused SNRM"
    INACTIVITY = "inactivity time-out"
    NO_RESPONSE = "no response after the retries"
    FRAME_REJECT = "the meter rejected a frame (FRMR)"


@dataclass(frozen=True, slots=True)
class Connected(Event):
    """SNRM/UA done: the link is in normal response mode with these parameters (as seen by the
    station reporting the event)."""

    client: HdlcAddress
    server: HdlcAddress
    parameters: LinkParameters


@dataclass(frozen=True, slots=True)
class Disconnected(Event):
    client: HdlcAddress
    server: HdlcAddress
    reason: DisconnectReason
    detail: str = ""


@dataclass(frozen=True, slots=True)
class ApduReceived(Event):
    """A complete APDU (segments joined). ``llc_header`` is the LLC header that was stripped
    (empty if the data had none or the station does not use LLC); ``unnumbered`` is true for UI
    frames (pushes, broadcasts)."""

    client: HdlcAddress
    server: HdlcAddress
    apdu: bytes
    llc_header: bytes = b""
    unnumbered: bool = False
