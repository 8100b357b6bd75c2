"""LLC headers in front of DLMS APDUs.

* IEC 62056-46 (HDLC profile): ``E6 E6 00`` in front of an APDU sent by the client (command),
  ``E6 E7 00`` in front of one sent by the server (response) -- destination LSAP 0xE6, source
  LSAP 0xE6 (command) or 0xE7 (response, the LSAP with its C/R bit set), LLC quality 0x00.
* IEC 61334-4-32 (S-FSK PLC and the PRIME 4-32 convergence layer): a 3-byte header
  ``90 DA SA`` -- 0x90 (the DL-Data service of IEC 61334-4-32), then the destination and source
  LSAPs (the server's and the client's SAP). The byte layout here is the one the Gurux stack
  writes and parses and the Wireshark DLMS dissector recognises (a frame starting with 0x90);
  the IEC 61334-4-32 text itself was not available to check it against.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from dlmskit.errors import LocalProtocolError
from dlmskit.link.errors import FrameError

__all__ = [
    "LLC_COMMAND",
    "LLC_RESPONSE",
    "Iec432Header",
    "LlcRole",
    "add_iec432_header",
    "parse_iec432_header",
    "split_llc",
]

LLC_COMMAND = b"\xe6\xe6\x00"
LLC_RESPONSE = b"\xe6\xe7\x00"
IEC432_DL_DATA = 0x90


class LlcRole(enum.Enum):
    COMMAND = "command"  # client to server, E6 E6 00
    RESPONSE = "response"  # server to client, E6 E7 00


def split_llc(data: bytes) -> tuple[LlcRole | None, bytes]:
    """``(role, apdu)``: the role of the IEC 62056-46 LLC header in front of ``data`` and the
    APDU behind it; ``(None, data)`` when there is no such header (nothing is lost)."""
    head = data[:3]
    if head == LLC_COMMAND:
        return LlcRole.COMMAND, data[3:]
    if head == LLC_RESPONSE:
        return LlcRole.RESPONSE, data[3:]
    return None, data


@dataclass(frozen=True, slots=True)
class Iec432Header:
    """The IEC 61334-4-32 LLC header: destination and source LSAP (0..255 each)."""

    destination_lsap: int
    source_lsap: int

    def __post_init__(self) -> None:
        if not (0 <= self.destination_lsap <= 0xFF and 0 <= self.source_lsap <= 0xFF):
            raise LocalProtocolError("LSAPs are one byte each")


def add_iec432_header(header: Iec432Header, apdu: bytes) -> bytes:
    return bytes((IEC432_DL_DATA, header.destination_lsap, header.source_lsap)) + apdu


def parse_iec432_header(data: bytes) -> tuple[Iec432Header, bytes]:
    """``(header, apdu)`` of an IEC 61334-4-32 LLC PDU; :class:`FrameError` if it is not one."""
    if len(data) < 3:
        raise FrameError("3-byte IEC 61334-4-32 LLC header", len(data), layer="iec432-llc")
    if data[0] != IEC432_DL_DATA:
        raise FrameError("0x90 (DL-Data) as the first LLC byte", 0, layer="iec432-llc")
    return Iec432Header(data[1], data[2]), bytes(data[3:])
