"""IEC 62056-46 HDLC: frames, a stream reader and the primary/secondary stations (sans-IO)."""

from dlmskit.link.hdlc.crc import crc16_x25, fcs_bytes
from dlmskit.link.hdlc.events import (
    ApduReceived,
    Connected,
    Disconnected,
    DisconnectReason,
    Event,
    LinkParameters,
    StationSettings,
)
from dlmskit.link.hdlc.frame import (
    Frame,
    FrameDefect,
    FrameType,
    HdlcAddress,
    HdlcFrameError,
    HdlcParameters,
    ParameterProposal,
    RejectReason,
    decode_frame,
    decode_parameters,
    encode_parameters,
)
from dlmskit.link.hdlc.reader import FrameReader
from dlmskit.link.hdlc.station import PrimaryStation, SecondaryStation

__all__ = [
    "ApduReceived",
    "Connected",
    "DisconnectReason",
    "Disconnected",
    "Event",
    "Frame",
    "FrameDefect",
    "FrameReader",
    "FrameType",
    "HdlcAddress",
    "HdlcFrameError",
    "HdlcParameters",
    "LinkParameters",
    "ParameterProposal",
    "PrimaryStation",
    "RejectReason",
    "SecondaryStation",
    "StationSettings",
    "crc16_x25",
    "decode_frame",
    "decode_parameters",
    "encode_parameters",
    "fcs_bytes",
]
