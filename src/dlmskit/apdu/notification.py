"""Notification APDUs (IEC 62056-5-3): data-notification (0x0F) and
event-notification-request (0xC2).

The date-time of both is an OCTET STRING, normally the 12 octets of a COSEM date-time or
nothing. Real meters send it in three forms, and each decodes and encodes back unchanged:

* absent -- ``00`` (an empty octet-string; for event-notification the OPTIONAL flag ``00``);
* plain -- ``0C`` and 12 octets (event-notification: ``01 0C`` and 12 octets);
* tagged -- ``09 0C`` and 12 octets: the date-time written as a tagged ``Data``
  octet-string. Named quirk ``tagged_date_time``: Kaifa MA304 HAN pushes do this in
  data-notification; gurux-dlms writes event-notification time this way (``09`` where the
  OPTIONAL flag ``01`` belongs).

For data-notification the reading rule is: a first octet ``09`` followed by ``0C`` is the
tagged form; anything else is a plain octet-string. The one plain value this rule would
misread -- a 9-octet date-time starting with ``0C``, which is no COSEM date-time -- is
refused by the encoder, so whatever encodes also decodes back to itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Final

from dlmskit.apdu._codec import Apdu, Reader, check_bytes, put_data, put_octet_string
from dlmskit.apdu._ln import check_descriptor
from dlmskit.apdu.common import CosemAttributeDescriptor, LongInvokeIdAndPriority
from dlmskit.axdr import type_of
from dlmskit.cosem import DateTime
from dlmskit.errors import EncodeError

if TYPE_CHECKING:
    from dlmskit.axdr import Data

__all__ = ["DataNotification", "EventNotificationRequest"]

_DATE_TIME_SIZE: Final = 12
_OCTET_STRING_TAG: Final = 0x09


def _date_time_bytes(name: str, value: object) -> bytes:
    if isinstance(value, DateTime):
        return value.to_bytes()
    check_bytes(name, value)
    return value  # type: ignore[return-value]


def _timestamp(raw: bytes | None) -> DateTime | None:
    if raw is None or len(raw) != _DATE_TIME_SIZE:
        return None
    return DateTime.from_bytes(raw)


@dataclass(frozen=True, slots=True)
class DataNotification(Apdu):
    """data-notification: a push of any Data, with an optional date-time.

    ``date_time`` takes the raw octets or a :class:`~dlmskit.cosem.DateTime`; it is kept as
    octets (``b""`` when absent). :attr:`timestamp` reads them as a date-time.
    """

    long_invoke_id_and_priority: LongInvokeIdAndPriority
    body: Data
    date_time: bytes = b""
    tagged_date_time: bool = False

    TAG: ClassVar[int] = 0x0F

    def __post_init__(self) -> None:
        if not isinstance(self.long_invoke_id_and_priority, LongInvokeIdAndPriority):
            raise EncodeError("long-invoke-id-and-priority must be a LongInvokeIdAndPriority")
        object.__setattr__(self, "date_time", _date_time_bytes("date-time", self.date_time))
        if self.tagged_date_time and len(self.date_time) != _DATE_TIME_SIZE:
            raise EncodeError("a tagged date-time has 12 octets")
        if not self.tagged_date_time and self.date_time[:1] == b"\x0c" and len(self.date_time) == 9:
            raise EncodeError(
                "a plain 9-octet date-time starting with 0x0C would read back as the tagged form"
            )
        type_of(self.body)

    @property
    def timestamp(self) -> DateTime | None:
        """The date-time, or None when absent or not 12 octets."""
        return _timestamp(self.date_time)

    def encode(self) -> bytes:
        out = bytearray((self.TAG,))
        out += self.long_invoke_id_and_priority.to_int().to_bytes(4, "big")
        if self.tagged_date_time:
            out.append(_OCTET_STRING_TAG)
        put_octet_string(out, self.date_time)
        put_data(out, self.body, "notification body")
        return bytes(out)

    @classmethod
    def read(cls, r: Reader) -> DataNotification:
        r.u8("tag")
        iip = LongInvokeIdAndPriority.from_int(r.u32("long-invoke-id-and-priority"))
        pos = r.pos
        tagged = (
            r.end - pos >= 2
            and r.buf[pos] == _OCTET_STRING_TAG
            and r.buf[pos + 1] == _DATE_TIME_SIZE
        )
        if tagged:
            r.pos += 1
        date_time = r.octet_string("date-time")
        return cls(iip, r.data("notification-body"), date_time, tagged)


@dataclass(frozen=True, slots=True)
class EventNotificationRequest(Apdu):
    """event-notification-request: an attribute's value, with an optional time.

    ``time`` is None when absent, else raw octets (or a :class:`~dlmskit.cosem.DateTime`).
    """

    attribute: CosemAttributeDescriptor
    value: Data
    time: bytes | None = None
    tagged_date_time: bool = False

    TAG: ClassVar[int] = 0xC2

    def __post_init__(self) -> None:
        check_descriptor(self.attribute, CosemAttributeDescriptor)
        if self.time is not None:
            object.__setattr__(self, "time", _date_time_bytes("time", self.time))
        elif self.tagged_date_time:
            raise EncodeError("an absent time has no tagged form")
        type_of(self.value)

    @property
    def timestamp(self) -> DateTime | None:
        return _timestamp(self.time)

    def encode(self) -> bytes:
        out = bytearray((self.TAG,))
        if self.time is None:
            out.append(0)
        else:
            out.append(_OCTET_STRING_TAG if self.tagged_date_time else 1)
            put_octet_string(out, self.time)
        self.attribute.encode_into(out)
        put_data(out, self.value, "attribute value")
        return bytes(out)

    @classmethod
    def read(cls, r: Reader) -> EventNotificationRequest:
        r.u8("tag")
        at = r.pos
        flag = r.u8("the presence flag of time")
        time: bytes | None = None
        if flag in (1, _OCTET_STRING_TAG):
            time = r.octet_string("time")
        elif flag:
            r.fail(f"presence flag 0x00 or 0x01 of time, found 0x{flag:02x}", at)
        attribute = CosemAttributeDescriptor.read(r)
        return cls(attribute, r.data("attribute-value"), time, flag == _OCTET_STRING_TAG)
