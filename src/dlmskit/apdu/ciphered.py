"""Ciphered APDUs as typed containers (IEC 62056-5-3): encoding only, no cryptography.

Enciphering and deciphering belong to :mod:`dlmskit.security`; this module gives it stable
containers to fill and to read. Every container keeps the *security header* apart from the
ciphered content:

``security_control``
    The security control byte, a raw int (bits 0-3 security suite, bit 4 authentication,
    bit 5 encryption, bit 6 key set (0 unicast, 1 broadcast), bit 7 compression).
``invocation_counter``
    The 32-bit invocation counter that follows it (the last 4 octets of the GCM IV).
``ciphered_content``
    Everything after those 5 octets: ciphertext || authentication tag (or, with
    authentication only, the plaintext APDU || tag; with encryption only, the ciphertext).

:attr:`security_header` gives ``SC || IC`` (5 octets) as it is on the wire. The AES-GCM
additional authenticated data is built by the security layer (it starts with SC and holds the
authentication key, which never comes near this module).

The APDUs:

:class:`CipheredApdu`
    A service-specific ciphered APDU -- glo-get-request, ded-action-response,
    glo-initiateRequest, ... Its wire tag is a :class:`CipheredTag`, which names global or
    dedicated key and the service, and maps to and from the tag of the plain APDU::

        tag = CipheredTag.glo(GetRequestNormal.TAG)    # CipheredTag.GLO_GET_REQUEST (0xC8)
        apdu = CipheredApdu(tag, 0x30, 0x01234567, ciphertext_and_tag)
        apdu.encode()          # C8 1E 30 01234567 ...
        tag.plain_tag          # 0xC0: decode the deciphered bytes with dlmskit.apdu.decode

:class:`GeneralGloCiphering`, :class:`GeneralDedCiphering`
    general-glo-ciphering (219) and general-ded-ciphering (220): the sender's system title,
    then the security header and the ciphered content of any xDLMS APDU.
:class:`GeneralCiphering`
    general-ciphering (221): transaction id, originator and recipient system titles,
    date-time, other information, optional key info (:class:`IdentifiedKey`,
    :class:`WrappedKey`, :class:`AgreedKey`), then security header and ciphered content.
:class:`GeneralSigning`
    general-signing (223): the same addressing fields, the content (an xDLMS APDU, itself
    possibly ciphered) and its signature.

All of them decode through :func:`dlmskit.apdu.decode` and encode with ``encode()``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import ClassVar, Final

from dlmskit.apdu._codec import Apdu, Reader, check_bytes, check_uint, put_octet_string
from dlmskit.apdu.common import OpenIntEnum
from dlmskit.axdr import encode_length
from dlmskit.errors import EncodeError

__all__ = [
    "AgreedKey",
    "CipheredApdu",
    "CipheredTag",
    "GeneralCiphering",
    "GeneralDedCiphering",
    "GeneralGloCiphering",
    "GeneralSigning",
    "IdentifiedKey",
    "KekId",
    "KeyId",
    "KeyInfo",
    "WrappedKey",
]

#: the security control byte and the invocation counter
SECURITY_HEADER_SIZE: Final = 5


class CipheredTag(enum.IntEnum):
    """The tags of the service-specific ciphered APDUs (xDLMS-APDU CHOICE)."""

    GLO_INITIATE_REQUEST = 33
    GLO_READ_REQUEST = 37
    GLO_WRITE_REQUEST = 38
    GLO_INITIATE_RESPONSE = 40
    GLO_READ_RESPONSE = 44
    GLO_WRITE_RESPONSE = 45
    GLO_CONFIRMED_SERVICE_ERROR = 46
    GLO_UNCONFIRMED_WRITE_REQUEST = 54
    GLO_INFORMATION_REPORT_REQUEST = 56
    DED_INITIATE_REQUEST = 65
    DED_READ_REQUEST = 69
    DED_WRITE_REQUEST = 70
    DED_INITIATE_RESPONSE = 72
    DED_READ_RESPONSE = 76
    DED_WRITE_RESPONSE = 77
    DED_CONFIRMED_SERVICE_ERROR = 78
    DED_UNCONFIRMED_WRITE_REQUEST = 86
    DED_INFORMATION_REPORT_REQUEST = 88
    GLO_GET_REQUEST = 200
    GLO_SET_REQUEST = 201
    GLO_EVENT_NOTIFICATION_REQUEST = 202
    GLO_ACTION_REQUEST = 203
    GLO_GET_RESPONSE = 204
    GLO_SET_RESPONSE = 205
    GLO_ACTION_RESPONSE = 207
    DED_GET_REQUEST = 208
    DED_SET_REQUEST = 209
    DED_EVENT_NOTIFICATION_REQUEST = 210
    DED_ACTION_REQUEST = 211
    DED_GET_RESPONSE = 212
    DED_SET_RESPONSE = 213
    DED_ACTION_RESPONSE = 215

    @property
    def dedicated(self) -> bool:
        """True for ded- (dedicated key), False for glo- (global key)."""
        return self.name.startswith("DED_")

    @property
    def plain_tag(self) -> int:
        """The tag of the unciphered APDU this one carries (e.g. 0xC8 -> 0xC0)."""
        return _PLAIN[self]

    @property
    def service(self) -> str:
        """The service in the standard's spelling, e.g. ``"get-request"``."""
        return self.name[4:].lower().replace("_", "-")

    @classmethod
    def glo(cls, plain_tag: int) -> CipheredTag:
        """The glo- tag for a plain APDU tag; EncodeError if that APDU has none."""
        return cls._for(plain_tag, dedicated=False)

    @classmethod
    def ded(cls, plain_tag: int) -> CipheredTag:
        """The ded- tag for a plain APDU tag; EncodeError if that APDU has none."""
        return cls._for(plain_tag, dedicated=True)

    @classmethod
    def _for(cls, plain_tag: int, *, dedicated: bool) -> CipheredTag:
        try:
            return _CIPHERED[plain_tag, dedicated]
        except KeyError:
            kind = "ded" if dedicated else "glo"
            raise EncodeError(f"APDU tag {plain_tag} has no {kind}- ciphered form") from None


def _plain_of(tag: CipheredTag) -> int:
    if tag >= 200:
        return tag - (16 if tag >= 208 else 8)
    return tag - (64 if tag >= 65 else 32)


_PLAIN: Final = {tag: _plain_of(tag) for tag in CipheredTag}
_CIPHERED: Final = {(plain, tag.dedicated): tag for tag, plain in _PLAIN.items()}


def _ciphered_tag(value: object) -> CipheredTag:
    if isinstance(value, CipheredTag):
        return value
    if isinstance(value, int) and value in _PLAIN:
        return CipheredTag(value)
    raise EncodeError(f"{value!r} is no ciphered APDU tag")


def _check_header(security_control: int, invocation_counter: int, content: bytes) -> None:
    check_uint("security control", security_control, 8)
    check_uint("invocation counter", invocation_counter, 32)
    check_bytes("ciphered content", content)


def _put_protected(out: bytearray, sc: int, ic: int, content: bytes) -> None:
    out += encode_length(SECURITY_HEADER_SIZE + len(content))
    out.append(sc)
    out += ic.to_bytes(4, "big")
    out += content


def _read_protected(r: Reader) -> tuple[int, int, bytes]:
    content = r.octet_string("ciphered-content")
    if len(content) < SECURITY_HEADER_SIZE:
        r.fail(
            f"ciphered content of at least {SECURITY_HEADER_SIZE} octets (security control "
            f"and invocation counter), found {len(content)}",
            r.pos - len(content),
        )
    return content[0], int.from_bytes(content[1:5], "big"), content[5:]


class _Protected:
    """The security header accessors shared by the containers."""

    __slots__ = ()
    security_control: int
    invocation_counter: int

    @property
    def security_header(self) -> bytes:
        """``SC || IC`` as on the wire (5 octets)."""
        return bytes((self.security_control,)) + self.invocation_counter.to_bytes(4, "big")


@dataclass(frozen=True, slots=True)
class CipheredApdu(_Protected, Apdu):
    """A service-specific ciphered APDU (glo-xxx or ded-xxx)."""

    tag: CipheredTag
    security_control: int
    invocation_counter: int
    ciphered_content: bytes

    TAGS: ClassVar[frozenset[int]] = frozenset(CipheredTag)

    def __post_init__(self) -> None:
        object.__setattr__(self, "tag", _ciphered_tag(self.tag))
        _check_header(self.security_control, self.invocation_counter, self.ciphered_content)

    @property
    def plain_tag(self) -> int:
        return self.tag.plain_tag

    def encode(self) -> bytes:
        out = bytearray((self.tag,))
        _put_protected(out, self.security_control, self.invocation_counter, self.ciphered_content)
        return bytes(out)

    @classmethod
    def read(cls, r: Reader) -> CipheredApdu:
        tag = CipheredTag(r.u8("tag"))
        sc, ic, content = _read_protected(r)
        return cls(tag, sc, ic, content)


@dataclass(frozen=True, slots=True)
class _GeneralCipheringBase(_Protected, Apdu):
    system_title: bytes
    security_control: int
    invocation_counter: int
    ciphered_content: bytes

    def __post_init__(self) -> None:
        check_bytes("system title", self.system_title)
        _check_header(self.security_control, self.invocation_counter, self.ciphered_content)

    def encode(self) -> bytes:
        out = bytearray((self.TAG,))
        put_octet_string(out, self.system_title)
        _put_protected(out, self.security_control, self.invocation_counter, self.ciphered_content)
        return bytes(out)

    @classmethod
    def read(cls, r: Reader) -> _GeneralCipheringBase:
        r.u8("tag")
        title = r.octet_string("system-title")
        sc, ic, content = _read_protected(r)
        return cls(title, sc, ic, content)


@dataclass(frozen=True, slots=True)
class GeneralGloCiphering(_GeneralCipheringBase):
    """general-glo-ciphering: system title, security header, ciphered content (global key)."""

    TAG: ClassVar[int] = 219


@dataclass(frozen=True, slots=True)
class GeneralDedCiphering(_GeneralCipheringBase):
    """general-ded-ciphering: system title, security header, ciphered content (dedicated key)."""

    TAG: ClassVar[int] = 220


class KeyId(OpenIntEnum):
    """Key-Id of an identified key."""

    GLOBAL_UNICAST_ENCRYPTION_KEY = 0
    GLOBAL_BROADCAST_ENCRYPTION_KEY = 1


class KekId(OpenIntEnum):
    """Kek-Id of a wrapped key."""

    MASTER_KEY = 0


@dataclass(frozen=True, slots=True)
class IdentifiedKey:
    """identified-key [0]: the key is one the parties hold, named by its id."""

    key_id: KeyId = KeyId.GLOBAL_UNICAST_ENCRYPTION_KEY
    CHOICE: ClassVar[int] = 0

    def __post_init__(self) -> None:
        check_uint("key id", self.key_id, 8)
        object.__setattr__(self, "key_id", KeyId(self.key_id))


@dataclass(frozen=True, slots=True)
class WrappedKey:
    """wrapped-key [1]: the key, wrapped with the key encryption key ``kek_id``."""

    kek_id: KekId
    key_ciphered_data: bytes
    CHOICE: ClassVar[int] = 1

    def __post_init__(self) -> None:
        check_uint("kek id", self.kek_id, 8)
        object.__setattr__(self, "kek_id", KekId(self.kek_id))
        check_bytes("key ciphered data", self.key_ciphered_data)


@dataclass(frozen=True, slots=True)
class AgreedKey:
    """agreed-key [2]: key agreement parameters and the ciphered key data."""

    key_parameters: bytes
    key_ciphered_data: bytes
    CHOICE: ClassVar[int] = 2

    def __post_init__(self) -> None:
        check_bytes("key parameters", self.key_parameters)
        check_bytes("key ciphered data", self.key_ciphered_data)


KeyInfo = IdentifiedKey | WrappedKey | AgreedKey


def _put_key_info(out: bytearray, info: KeyInfo | None) -> None:
    if info is None:
        out.append(0)
        return
    out.append(1)
    out.append(info.CHOICE)
    if isinstance(info, IdentifiedKey):
        out.append(info.key_id)
    elif isinstance(info, WrappedKey):
        out.append(info.kek_id)
        put_octet_string(out, info.key_ciphered_data)
    else:
        put_octet_string(out, info.key_parameters)
        put_octet_string(out, info.key_ciphered_data)


def _read_key_info(r: Reader) -> KeyInfo | None:
    if not r.optional("key-info"):
        return None
    at = r.pos
    choice = r.u8("the Key-Info choice")
    if choice == 0:
        return IdentifiedKey(KeyId(r.u8("key-id")))
    if choice == 1:
        kek = KekId(r.u8("kek-id"))
        return WrappedKey(kek, r.octet_string("key-ciphered-data"))
    if choice == 2:
        parameters = r.octet_string("key-parameters")
        return AgreedKey(parameters, r.octet_string("key-ciphered-data"))
    r.unknown_choice("Key-Info", choice, at)


@dataclass(frozen=True, slots=True)
class GeneralCiphering(_Protected, Apdu):
    """general-ciphering (221)."""

    transaction_id: bytes
    originator_system_title: bytes
    recipient_system_title: bytes
    date_time: bytes
    other_information: bytes
    key_info: KeyInfo | None
    security_control: int
    invocation_counter: int
    ciphered_content: bytes

    TAG: ClassVar[int] = 221

    def __post_init__(self) -> None:
        check_bytes("transaction id", self.transaction_id)
        check_bytes("originator system title", self.originator_system_title)
        check_bytes("recipient system title", self.recipient_system_title)
        check_bytes("date-time", self.date_time)
        check_bytes("other information", self.other_information)
        if self.key_info is not None and not isinstance(
            self.key_info, IdentifiedKey | WrappedKey | AgreedKey
        ):
            raise EncodeError(f"key info must be a KeyInfo or None, not {self.key_info!r}")
        _check_header(self.security_control, self.invocation_counter, self.ciphered_content)

    def encode(self) -> bytes:
        out = bytearray((self.TAG,))
        put_octet_string(out, self.transaction_id)
        put_octet_string(out, self.originator_system_title)
        put_octet_string(out, self.recipient_system_title)
        put_octet_string(out, self.date_time)
        put_octet_string(out, self.other_information)
        _put_key_info(out, self.key_info)
        _put_protected(out, self.security_control, self.invocation_counter, self.ciphered_content)
        return bytes(out)

    @classmethod
    def read(cls, r: Reader) -> GeneralCiphering:
        r.u8("tag")
        transaction = r.octet_string("transaction-id")
        originator = r.octet_string("originator-system-title")
        recipient = r.octet_string("recipient-system-title")
        date_time = r.octet_string("date-time")
        other = r.octet_string("other-information")
        key_info = _read_key_info(r)
        sc, ic, content = _read_protected(r)
        return cls(transaction, originator, recipient, date_time, other, key_info, sc, ic, content)


@dataclass(frozen=True, slots=True)
class GeneralSigning(Apdu):
    """general-signing (223): addressing fields, the signed content and its signature."""

    transaction_id: bytes
    originator_system_title: bytes
    recipient_system_title: bytes
    date_time: bytes
    other_information: bytes
    content: bytes
    signature: bytes

    TAG: ClassVar[int] = 223

    def __post_init__(self) -> None:
        for name in (
            "transaction_id",
            "originator_system_title",
            "recipient_system_title",
            "date_time",
            "other_information",
            "content",
            "signature",
        ):
            check_bytes(name.replace("_", " "), getattr(self, name))

    def encode(self) -> bytes:
        out = bytearray((self.TAG,))
        for value in (
            self.transaction_id,
            self.originator_system_title,
            self.recipient_system_title,
            self.date_time,
            self.other_information,
            self.content,
            self.signature,
        ):
            put_octet_string(out, value)
        return bytes(out)

    @classmethod
    def read(cls, r: Reader) -> GeneralSigning:
        r.u8("tag")
        return cls(
            r.octet_string("transaction-id"),
            r.octet_string("originator-system-title"),
            r.octet_string("recipient-system-title"),
            r.octet_string("date-time"),
            r.octet_string("other-information"),
            r.octet_string("content"),
            r.octet_string("signature"),
        )
