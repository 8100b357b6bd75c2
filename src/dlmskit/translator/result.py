"""What the translator finds: typed, immutable results (no printing here).

A :class:`Translation` holds the link units found in the input (:class:`LinkUnit`), the
APDUs carried by them (:class:`Message`, each a :class:`DecodedApdu`), or -- for the value
layers (A-XDR data, date-time, OBIS, ...) -- the value. ``to_json()`` gives the typed JSON
form, :func:`dlmskit.translator.to_xml` the Gurux-style XML, :func:`dlmskit.translator.explain`
the byte-by-byte tree.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dlmskit.translator.links import LinkUnit

if TYPE_CHECKING:
    from dlmskit.apdu import Apdu
    from dlmskit.axdr import Data

__all__ = ["DecodedApdu", "Layer", "LinkUnit", "Message", "Protection", "Translation"]


class Layer(enum.Enum):
    """The layer an input is read as (``--layer``)."""

    AUTO = "auto"
    HDLC = "hdlc"
    WRAPPER = "wrapper"
    MBUS = "mbus"
    LLC = "llc"
    IEC432 = "iec432"
    APDU = "apdu"
    AXDR = "axdr"
    CIPHERTEXT = "ciphertext"
    DATE_TIME = "date-time"
    DATE = "date"
    TIME = "time"
    OBIS = "obis"
    CONFORMANCE = "conformance"
    HLS = "hls"
    CRC = "crc"

    @classmethod
    def parse(cls, text: str) -> Layer:
        """A layer by its name or a common alias (the shared vectors' layer names work)."""
        key = text.strip().lower().replace("_", "-")
        try:
            return cls(_ALIASES.get(key, key))
        except ValueError:
            names = ", ".join(layer.value for layer in cls)
            raise ValueError(f"unknown layer {text!r}; one of: {names}") from None

    @property
    def description(self) -> str:
        return _DESCRIPTIONS[self]


_ALIASES = {
    "hdlc-frame": "hdlc",
    "hdlc-frames": "hdlc",
    "hdlc-frame-without-flags": "hdlc",
    "wrapper+apdu": "wrapper",
    "tcp": "wrapper",
    "udp": "wrapper",
    "m-bus": "mbus",
    "llc+apdu": "llc",
    "61334-4-32": "iec432",
    "4-32": "iec432",
    "plc-llc": "iec432",
    "xdlms": "apdu",
    "axdr-data": "axdr",
    "data": "axdr",
    "a-xdr": "axdr",
    "gcm-ciphertext+tag": "ciphertext",
    "gcm": "ciphertext",
    "cosem-date-time": "date-time",
    "datetime": "date-time",
    "conformance-block": "conformance",
    "security": "hls",
    "hls-gmac": "hls",
}

_DESCRIPTIONS = {
    Layer.AUTO: "detect the layer from the bytes",
    Layer.HDLC: "HDLC frame(s), with or without flags (IEC 62056-46)",
    Layer.WRAPPER: "wrapper WPDU(s) of TCP/UDP (IEC 62056-47)",
    Layer.MBUS: "wired M-Bus frame(s) carrying DLMS (EN 13757-2)",
    Layer.LLC: "LLC header E6 E6 00 / E6 E7 00 and an APDU",
    Layer.IEC432: "IEC 61334-4-32 LLC header 90 DA SA and an APDU",
    Layer.APDU: "one xDLMS or ACSE APDU",
    Layer.AXDR: "one A-XDR Data value",
    Layer.CIPHERTEXT: "AES-GCM ciphertext and tag (needs --security-control, --invocation-counter)",
    Layer.DATE_TIME: "a COSEM date-time (12 bytes)",
    Layer.DATE: "a COSEM date (5 bytes)",
    Layer.TIME: "a COSEM time (4 bytes)",
    Layer.OBIS: "an OBIS code (6 bytes)",
    Layer.CONFORMANCE: "a conformance block (5F 1F 04 00 + 3 bytes, or the 3 bytes)",
    Layer.HLS: "an HLS-GMAC response SC || IC || tag (verified with --challenge)",
    Layer.CRC: "bytes whose CRC-16/X.25 (HDLC HCS/FCS) to compute",
}


@dataclass(frozen=True, slots=True)
class Protection:
    """The protection of a ciphered APDU and what became of it.

    ``kind``: ``glo``, ``ded``, ``general-glo``, ``general-ded``, ``general-ciphering``,
    ``general-signing`` or ``ciphertext``. ``deciphered`` is False with ``note`` saying why
    (no keys, unknown system title, ...)."""

    kind: str
    security_control: int | None
    invocation_counter: int | None
    system_title: bytes | None
    key_set: str | None
    deciphered: bool
    note: str | None = None


@dataclass(frozen=True, slots=True)
class DecodedApdu:
    """One APDU: its bytes, its typed value, and for a ciphered one the protection and the
    deciphered APDU (``inner``). ``nested`` holds deciphered APDUs found inside fields (the
    ciphered user-information of an AARQ, AARE, RLRQ or RLRE), ``data`` a value joined from
    datablocks."""

    raw: bytes = field(repr=False)
    apdu: Apdu
    protection: Protection | None = None
    inner: DecodedApdu | None = None
    nested: tuple[tuple[str, DecodedApdu], ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def plain(self) -> DecodedApdu:
        """The innermost deciphered APDU (this one when it is not ciphered)."""
        current = self
        while current.inner is not None:
            current = current.inner
        return current


@dataclass(frozen=True, slots=True)
class Message:
    """An APDU carried by link units: ``units`` are their indexes in
    :attr:`Translation.units` (several when segmented). ``llc`` is ``command``/``response``
    (IEC 62056-46 LLC) or a dict for the IEC 61334-4-32 header. ``reassembled`` marks an
    APDU joined from general-block-transfer blocks (the indexes of their messages),
    ``datablocks`` a value joined from GET/SET/ACTION datablocks."""

    index: int
    units: tuple[int, ...]
    apdu: DecodedApdu
    llc: Any = None
    offset: int | None = None
    link: dict[str, Any] | None = None
    reassembled: tuple[int, ...] = ()
    block: dict[str, Any] | None = None
    datablocks: Any = None


@dataclass(frozen=True, slots=True)
class Translation:
    """The result of :func:`dlmskit.translator.translate`."""

    layer: Layer
    data: bytes = field(repr=False)
    units: tuple[LinkUnit, ...] = ()
    messages: tuple[Message, ...] = ()
    value: dict[str, Any] | None = None
    data_value: Data | None = None
    has_data_value: bool = False
    notes: tuple[str, ...] = ()

    def to_json(self, *, show_secrets: bool = False) -> dict[str, Any]:
        """The typed JSON form (ready for :func:`json.dumps`)."""
        from dlmskit.translator.jsonview import translation_to_json

        return translation_to_json(self, show_secrets=show_secrets)
