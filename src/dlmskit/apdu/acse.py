"""The ACSE APDUs of DLMS/COSEM (IEC 62056-5-3 / ISO/IEC 8650): AARQ, AARE, RLRQ, RLRE.

BER-encoded, with every field DLMS uses. Decoding accepts the fields in any order (each at
most once) and long-form lengths everywhere; encoding writes them in tag order with the
shortest lengths.

AARQ (``60``)::

    protocol-version             [0]  IMPLICIT BIT STRING        80
    application-context-name     [1]  OBJECT IDENTIFIER          A1 (06 ..)
    called-AP-title              [2]  OCTET STRING               A2 (04 ..)
    called-AE-qualifier          [3]  OCTET STRING               A3 (04 ..)
    called-AP-invocation-id      [4]  INTEGER                    A4 (02 ..)
    called-AE-invocation-id      [5]  INTEGER                    A5 (02 ..)
    calling-AP-title             [6]  OCTET STRING               A6 (04 ..)  client system title
    calling-AE-qualifier         [7]  OCTET STRING               A7 (04 ..)  e.g. a certificate
    calling-AP-invocation-id     [8]  INTEGER                    A8 (02 ..)
    calling-AE-invocation-id     [9]  INTEGER                    A9 (02 ..)  client user id
    sender-acse-requirements     [10] IMPLICIT BIT STRING        8A          authentication(0)
    mechanism-name               [11] IMPLICIT OBJECT IDENTIFIER 8B
    calling-authentication-value [12] Authentication-value       AC (80 .. | 81 ..)
    implementation-information   [29] IMPLICIT GraphicString     9D
    user-information             [30] OCTET STRING               BE (04 ..)  xDLMS APDU

AARE (``61``) has result [2], result-source-diagnostic [3], responding AP title, AE qualifier,
AP/AE invocation ids [4]-[7], responder-acse-requirements [8], mechanism-name [9],
responding-authentication-value [10], implementation-information, user-information.
RLRQ (``62``) and RLRE (``63``) have a reason [0] and user-information.

The application context and the mechanism are object identifiers under
``2.16.756.5.8`` (joint-iso-ccitt country(16) ch(756) identified-organization(5)
DLMS-UA(8)); :class:`ApplicationContextName` and :class:`MechanismName` name the ones DLMS
defines, and any other identifier is kept as an :class:`~dlmskit.apdu.ber.Oid` -- an AARQ with
an unknown context decodes, so a server can answer it with
``AssociationResult.REJECTED_PERMANENT`` and
``AcseServiceUser.APPLICATION_CONTEXT_NAME_NOT_SUPPORTED``.

Passwords and challenges (:class:`AuthenticationValue`) never appear in ``repr``.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Final, TypeAlias

from dlmskit.apdu._codec import Apdu, Reader, check_bytes, trusted
from dlmskit.apdu.ber import (
    BerBitString,
    Oid,
    TagClass,
    encode_integer,
    encode_tlv,
    read_identifier,
    read_integer,
    read_length,
    read_universal,
    remember_oid,
)
from dlmskit.apdu.ciphered import (
    CipheredApdu,
    CipheredTag,
    GeneralCiphering,
    GeneralDedCiphering,
    GeneralGloCiphering,
)
from dlmskit.apdu.common import OpenIntEnum
from dlmskit.apdu.xdlms import ConfirmedServiceError, InitiateRequest, InitiateResponse
from dlmskit.errors import EncodeError

__all__ = [
    "AARE",
    "AARQ",
    "RLRE",
    "RLRQ",
    "AcseServiceProvider",
    "AcseServiceUser",
    "ApplicationContextName",
    "AssociationResult",
    "AuthenticationValue",
    "MechanismName",
    "ReleaseRequestReason",
    "ReleaseResponseReason",
    "UserInformation",
]

_DLMS_UA: Final = (2, 16, 756, 5, 8)


class ApplicationContextName(enum.IntEnum):
    """The DLMS application contexts: ``2.16.756.5.8.1.<value>``."""

    LOGICAL_NAME = 1
    SHORT_NAME = 2
    LOGICAL_NAME_WITH_CIPHERING = 3
    SHORT_NAME_WITH_CIPHERING = 4

    @property
    def oid(self) -> Oid:
        return _CONTEXT_OIDS[self]

    @classmethod
    def of(cls, oid: Oid) -> ApplicationContextName | None:
        if len(oid) == 7 and oid[:6] == (*_DLMS_UA, 1) and oid[6] in _CONTEXTS:
            return cls(oid[6])
        return None


class MechanismName(enum.IntEnum):
    """The DLMS authentication mechanisms: ``2.16.756.5.8.2.<value>``."""

    NONE = 0  # lowest level security
    LOW = 1  # LLS, password
    HIGH = 2  # HLS, manufacturer specific
    HIGH_MD5 = 3
    HIGH_SHA1 = 4
    HIGH_GMAC = 5
    HIGH_SHA256 = 6
    HIGH_ECDSA = 7

    @property
    def oid(self) -> Oid:
        return _MECHANISM_OIDS[self]

    @classmethod
    def of(cls, oid: Oid) -> MechanismName | None:
        if len(oid) == 7 and oid[:6] == (*_DLMS_UA, 2) and oid[6] in _MECHANISMS:
            return cls(oid[6])
        return None


_CONTEXTS: Final = frozenset(ApplicationContextName)
_MECHANISMS: Final = frozenset(MechanismName)
_CONTEXT_OIDS: Final = {
    c: remember_oid(Oid((*_DLMS_UA, 1, c.value))) for c in ApplicationContextName
}
_MECHANISM_OIDS: Final = {m: remember_oid(Oid((*_DLMS_UA, 2, m.value))) for m in MechanismName}


class AssociationResult(OpenIntEnum):
    ACCEPTED = 0
    REJECTED_PERMANENT = 1
    REJECTED_TRANSIENT = 2


class AcseServiceUser(OpenIntEnum):
    """result-source-diagnostic, acse-service-user [1]."""

    NULL = 0
    NO_REASON_GIVEN = 1
    APPLICATION_CONTEXT_NAME_NOT_SUPPORTED = 2
    CALLING_AP_TITLE_NOT_RECOGNIZED = 3
    CALLING_AP_INVOCATION_IDENTIFIER_NOT_RECOGNIZED = 4
    CALLING_AE_QUALIFIER_NOT_RECOGNIZED = 5
    CALLING_AE_INVOCATION_IDENTIFIER_NOT_RECOGNIZED = 6
    CALLED_AP_TITLE_NOT_RECOGNIZED = 7
    CALLED_AP_INVOCATION_IDENTIFIER_NOT_RECOGNIZED = 8
    CALLED_AE_QUALIFIER_NOT_RECOGNIZED = 9
    CALLED_AE_INVOCATION_IDENTIFIER_NOT_RECOGNIZED = 10
    AUTHENTICATION_MECHANISM_NAME_NOT_RECOGNISED = 11
    AUTHENTICATION_MECHANISM_NAME_REQUIRED = 12
    AUTHENTICATION_FAILURE = 13
    AUTHENTICATION_REQUIRED = 14


class AcseServiceProvider(OpenIntEnum):
    """result-source-diagnostic, acse-service-provider [2]."""

    NULL = 0
    NO_REASON_GIVEN = 1
    NO_COMMON_ACSE_VERSION = 2


class ReleaseRequestReason(OpenIntEnum):
    NORMAL = 0
    URGENT = 1
    USER_DEFINED = 30


class ReleaseResponseReason(OpenIntEnum):
    NORMAL = 0
    NOT_FINISHED = 1
    USER_DEFINED = 30


class AuthenticationValue:
    """Authentication-value: a password (LLS) or challenge (HLS); never shown in ``repr``.

    ``charstring`` [0] GraphicString is what DLMS uses; ``bitstring`` [1] BIT STRING is
    kept for completeness (``unused_bits`` then applies).
    """

    __slots__ = ("_unused_bits", "_value", "bitstring")

    def __init__(self, value: bytes, *, bitstring: bool = False, unused_bits: int = 0) -> None:
        check_bytes("authentication value", value)
        if not bitstring and unused_bits:
            raise EncodeError("a charstring authentication value has no unused bits")
        if not 0 <= unused_bits <= 7 or (unused_bits and not value):
            raise EncodeError(f"unused bits must be 0..7 (0 when empty), not {unused_bits}")
        self._value = value
        self.bitstring = bitstring
        self._unused_bits = unused_bits

    @property
    def value(self) -> bytes:
        return self._value

    @property
    def unused_bits(self) -> int:
        return self._unused_bits

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, AuthenticationValue):
            return NotImplemented
        return (self._value, self.bitstring, self._unused_bits) == (
            other._value,
            other.bitstring,
            other._unused_bits,
        )

    def __hash__(self) -> int:
        return hash((self._value, self.bitstring, self._unused_bits))

    def __repr__(self) -> str:
        kind = "bitstring" if self.bitstring else "charstring"
        return f"AuthenticationValue(<{len(self._value)} octets, {kind}, hidden>)"

    def __setattr__(self, name: str, value: Any) -> None:
        if hasattr(self, "_unused_bits"):
            raise AttributeError("AuthenticationValue is immutable")
        object.__setattr__(self, name, value)

    def encode(self) -> bytes:
        if self.bitstring:
            return encode_tlv(0x81, bytes((self._unused_bits,)) + self._value)
        return encode_tlv(0x80, self._value)


#: What the user-information field of the ACSE APDUs carries: an xDLMS APDU.
UserInformation: TypeAlias = (
    InitiateRequest
    | InitiateResponse
    | ConfirmedServiceError
    | CipheredApdu
    | GeneralGloCiphering
    | GeneralDedCiphering
    | GeneralCiphering
)

_USER_INFORMATION_READERS: Final[dict[int, Callable[[Reader], Any]]] = {
    InitiateRequest.TAG: InitiateRequest.read,
    InitiateResponse.TAG: InitiateResponse.read,
    ConfirmedServiceError.TAG: ConfirmedServiceError.read,
    GeneralGloCiphering.TAG: GeneralGloCiphering.read,
    GeneralDedCiphering.TAG: GeneralDedCiphering.read,
    GeneralCiphering.TAG: GeneralCiphering.read,
}
for _tag in (
    CipheredTag.GLO_INITIATE_REQUEST,
    CipheredTag.GLO_INITIATE_RESPONSE,
    CipheredTag.GLO_CONFIRMED_SERVICE_ERROR,
    CipheredTag.DED_INITIATE_REQUEST,
    CipheredTag.DED_INITIATE_RESPONSE,
    CipheredTag.DED_CONFIRMED_SERVICE_ERROR,
):
    _USER_INFORMATION_READERS[_tag] = CipheredApdu.read
_USER_INFORMATION_TYPES: Final = (
    InitiateRequest,
    InitiateResponse,
    ConfirmedServiceError,
    CipheredApdu,
    GeneralGloCiphering,
    GeneralDedCiphering,
    GeneralCiphering,
)


# -- field codecs -------------------------------------------------------------------------------
#
# Each field kind has a writer (value -> element bytes, for a context tag number) and a reader
# (Reader positioned on the contents, contents end -> value).


def _w_octets_explicit(number: int, value: bytes) -> bytes:
    return encode_tlv(0xA0 | number, encode_tlv(0x04, value))


def _w_integer_explicit(number: int, value: int) -> bytes:
    return encode_tlv(0xA0 | number, encode_tlv(0x02, encode_integer(value)))


def _w_oid_explicit(number: int, value: Oid) -> bytes:
    return encode_tlv(0xA0 | number, encode_tlv(0x06, value.content()))


def _w_bits_implicit(number: int, value: BerBitString) -> bytes:
    return encode_tlv(0x80 | number, value.content())


def _w_oid_implicit(number: int, value: Oid) -> bytes:
    return encode_tlv(0x80 | number, value.content())


def _w_auth(number: int, value: AuthenticationValue) -> bytes:
    return encode_tlv(0xA0 | number, value.encode())


def _w_graphic(number: int, value: bytes) -> bytes:
    return encode_tlv(0x80 | number, value)


def _w_user_information(number: int, value: UserInformation) -> bytes:
    return encode_tlv(0xA0 | number, encode_tlv(0x04, value.encode()))


def _w_integer_implicit(number: int, value: int) -> bytes:
    return encode_tlv(0x80 | number, encode_integer(value))


def _w_diagnostic(number: int, value: AcseServiceUser | AcseServiceProvider) -> bytes:
    choice = 1 if isinstance(value, AcseServiceUser) else 2
    inner = encode_tlv(0xA0 | choice, encode_tlv(0x02, encode_integer(value)))
    return encode_tlv(0xA0 | number, inner)


def _r_octets_explicit(r: Reader, end: int, what: str) -> bytes:
    read_universal(r, end, 4, "OCTET STRING", what)
    return r.take(end - r.pos, what)


def _r_integer_explicit(r: Reader, end: int, what: str) -> int:
    read_universal(r, end, 2, "INTEGER", what)
    return read_integer(r, end, what)


def _r_oid_explicit(r: Reader, end: int, what: str) -> Oid:
    read_universal(r, end, 6, "OBJECT IDENTIFIER", what)
    return Oid.from_content(r, end)


def _r_bits_implicit(r: Reader, end: int, what: str) -> BerBitString:
    return BerBitString.from_content(r, end)


def _r_oid_implicit(r: Reader, end: int, what: str) -> Oid:
    return Oid.from_content(r, end)


def _r_graphic(r: Reader, end: int, what: str) -> bytes:
    return r.take(end - r.pos, what)


def _r_integer_implicit(r: Reader, end: int, what: str) -> int:
    return read_integer(r, end, what)


def _r_auth(r: Reader, end: int, what: str) -> AuthenticationValue:
    at = r.pos
    if at >= end:
        r.fail(f"the Authentication-value CHOICE of {what}, found an empty element")
    tag_class, constructed, number = read_identifier(r, what)
    length = read_length(r, what, end)
    if r.pos + length != end:
        r.fail(f"an Authentication-value filling {what} exactly", at)
    if tag_class is TagClass.CONTEXT and not constructed and number == 0:
        return AuthenticationValue(r.take(length, what))
    if tag_class is TagClass.CONTEXT and not constructed and number == 1:
        bits = BerBitString.from_content(r, end)
        return AuthenticationValue(bits.octets, bitstring=True, unused_bits=bits.unused_bits)
    r.fail(f"charstring [0] or bitstring [1] in {what}", at)


def _r_user_information(r: Reader, end: int, what: str) -> UserInformation:
    read_universal(r, end, 4, "OCTET STRING", what)
    at = r.pos
    if at >= end:
        r.fail("an xDLMS APDU in user-information, found none")
    tag = r.buf[at]
    read = _USER_INFORMATION_READERS.get(tag)
    if read is None:
        r.unknown_choice("user-information xDLMS APDU", tag, at)
    inner = Reader(r.buf, at, end, r.tag)
    value: UserInformation = read(inner)
    inner.done()
    r.pos = end
    return value


def _r_diagnostic(r: Reader, end: int, what: str) -> AcseServiceUser | AcseServiceProvider:
    at = r.pos
    if at >= end:
        r.fail(f"the Associate-source-diagnostic CHOICE of {what}, found an empty element")
    tag_class, constructed, number = read_identifier(r, what)
    length = read_length(r, what, end)
    if r.pos + length != end:
        r.fail(f"a diagnostic filling {what} exactly", at)
    if tag_class is not TagClass.CONTEXT or not constructed or number not in (1, 2):
        r.fail(f"acse-service-user [1] or acse-service-provider [2] in {what}", at)
    value = _r_integer_explicit(r, end, what)
    if not 0 <= value <= 255:
        r.fail(f"a diagnostic value 0..255 in {what}, found {value}", at)
    return AcseServiceUser(value) if number == 1 else AcseServiceProvider(value)


@dataclass(frozen=True)
class _Field:
    name: str
    number: int
    constructed: bool
    write: Callable[[int, Any], bytes]
    read: Callable[[Reader, int, str], Any]


def _fields(*fields: tuple[str, int, str]) -> dict[tuple[bool, int], _Field]:
    kinds: dict[str, tuple[bool, Callable[[int, Any], bytes], Callable[[Reader, int, str], Any]]]
    kinds = {
        "octets": (True, _w_octets_explicit, _r_octets_explicit),
        "integer": (True, _w_integer_explicit, _r_integer_explicit),
        "oid": (True, _w_oid_explicit, _r_oid_explicit),
        "bits": (False, _w_bits_implicit, _r_bits_implicit),
        "mechanism": (False, _w_oid_implicit, _r_oid_implicit),
        "auth": (True, _w_auth, _r_auth),
        "graphic": (False, _w_graphic, _r_graphic),
        "user": (True, _w_user_information, _r_user_information),
        "reason": (False, _w_integer_implicit, _r_integer_implicit),
        "result": (True, _w_integer_explicit, _r_integer_explicit),
        "diagnostic": (True, _w_diagnostic, _r_diagnostic),
    }
    table = {}
    for name, number, kind in fields:
        constructed, write, read = kinds[kind]
        table[constructed, number] = _Field(name, number, constructed, write, read)
    _ORDER[id(table)] = tuple(sorted(table.values(), key=lambda f: f.number))
    return table


def _read_acse(
    r: Reader, apdu_tag: int, table: dict[tuple[bool, int], _Field], name: str
) -> dict[str, Any]:
    """Read an ACSE APDU into ``{field name: value}``."""
    r.u8("tag")
    at = r.pos
    length = read_length(r, name)
    end = r.pos + length
    if end != r.end:
        r.fail(f"the {name} to end where its length says ({end}), found {r.end - end} more", at)
    values: dict[str, Any] = {}
    field_what = f"a field of the {name}"
    while r.pos < end:
        start = r.pos
        tag_class, constructed, number = read_identifier(r, field_what)
        field = table.get((constructed, number)) if tag_class is TagClass.CONTEXT else None
        if field is None:
            kind = "constructed" if constructed else "primitive"
            r.fail(
                f"a field of the {name}, found {tag_class.name.lower()} {kind} [{number}]", start
            )
        if field.name in values:
            r.fail(f"each {name} field once, found {field.name} again", start)
        size = read_length(r, field.name, end)
        stop = r.pos + size
        values[field.name] = field.read(r, stop, field.name)
        if r.pos != stop:
            r.fail(f"{field.name} to fill its element", start)
    return values


def _encode_acse(tag: int, table: dict[tuple[bool, int], _Field], apdu: Any) -> bytes:
    content = bytearray()
    for field in _ORDER[id(table)]:
        value = getattr(apdu, field.name)
        if value is not None:
            content += field.write(field.number, value)
    return encode_tlv(tag, bytes(content))


#: the fields of each table in tag order, for encoding
_ORDER: dict[int, tuple[_Field, ...]] = {}


# -- validation helpers ---------------------------------------------------------------------------


def _oid(name: str, value: object, names: type[enum.IntEnum]) -> Oid:
    if isinstance(value, Oid):
        return value
    if isinstance(value, names):
        return value.oid  # type: ignore[attr-defined,no-any-return]
    if isinstance(value, tuple | list):
        return Oid(tuple(value))
    if isinstance(value, str):
        return Oid.parse(value)
    raise EncodeError(f"{name} must be an Oid or a {names.__name__}, not {value!r}")


def _int_enum(cls: type[OpenIntEnum], name: str, value: object) -> Any:
    if isinstance(value, bool) or not isinstance(value, int):
        raise EncodeError(f"{name} must be a {cls.__name__}, not {value!r}")
    return cls(value)


def _check_optional(apdu: Any, checks: tuple[tuple[str, type], ...]) -> None:
    for name, kind in checks:
        value = getattr(apdu, name)
        if value is None or value.__class__ is kind:
            continue
        if not isinstance(value, kind) or value.__class__ is bool:
            raise EncodeError(f"{name.replace('_', ' ')} must be {kind.__name__}, not {value!r}")


def _check_user_information(value: object) -> None:
    if value is not None and not isinstance(value, _USER_INFORMATION_TYPES):
        raise EncodeError(f"user information must be an xDLMS APDU, not {value!r}")
    if isinstance(value, CipheredApdu) and value.tag not in _USER_INFORMATION_READERS:
        raise EncodeError(f"a {value.tag.name} APDU is no user-information")


# -- the APDUs ------------------------------------------------------------------------------------


class _ShortRepr:
    """``repr`` showing only the fields that are present (an AARQ has 15, mostly absent)."""

    __slots__ = ()

    def __repr__(self) -> str:
        shown = [
            f"{f.name}={getattr(self, f.name)!r}"
            for f in dataclasses.fields(self)  # type: ignore[arg-type]
            if getattr(self, f.name) is not None
        ]
        return f"{type(self).__name__}({', '.join(shown)})"


_AARQ_FIELDS: Final = _fields(
    ("protocol_version", 0, "bits"),
    ("application_context_name", 1, "oid"),
    ("called_ap_title", 2, "octets"),
    ("called_ae_qualifier", 3, "octets"),
    ("called_ap_invocation_id", 4, "integer"),
    ("called_ae_invocation_id", 5, "integer"),
    ("calling_ap_title", 6, "octets"),
    ("calling_ae_qualifier", 7, "octets"),
    ("calling_ap_invocation_id", 8, "integer"),
    ("calling_ae_invocation_id", 9, "integer"),
    ("sender_acse_requirements", 10, "bits"),
    ("mechanism_name", 11, "mechanism"),
    ("calling_authentication_value", 12, "auth"),
    ("implementation_information", 29, "graphic"),
    ("user_information", 30, "user"),
)


@dataclass(frozen=True, slots=True, repr=False)
class AARQ(_ShortRepr, Apdu):
    """A-ASSOCIATE request.

    ``application_context_name`` and ``mechanism_name`` take an
    :class:`ApplicationContextName` / :class:`MechanismName` or any :class:`Oid`; they are
    stored as :class:`Oid` (the names: :attr:`context`, :attr:`mechanism`).
    ``sender_acse_requirements`` is :data:`ACSE_AUTHENTICATION` when authentication is used.
    """

    application_context_name: Oid = ApplicationContextName.LOGICAL_NAME  # type: ignore[assignment]
    user_information: UserInformation | None = None
    calling_ap_title: bytes | None = None
    sender_acse_requirements: BerBitString | None = None
    mechanism_name: Oid | None = None
    calling_authentication_value: AuthenticationValue | None = None
    calling_ae_qualifier: bytes | None = None
    calling_ap_invocation_id: int | None = None
    calling_ae_invocation_id: int | None = None
    called_ap_title: bytes | None = None
    called_ae_qualifier: bytes | None = None
    called_ap_invocation_id: int | None = None
    called_ae_invocation_id: int | None = None
    implementation_information: bytes | None = None
    protocol_version: BerBitString | None = None

    TAG: ClassVar[int] = 0x60

    def __post_init__(self) -> None:
        object.__setattr__(
            self,
            "application_context_name",
            _oid("application context name", self.application_context_name, ApplicationContextName),
        )
        if self.mechanism_name is not None:
            object.__setattr__(
                self, "mechanism_name", _oid("mechanism name", self.mechanism_name, MechanismName)
            )
        _check_optional(
            self,
            (
                ("called_ap_title", bytes),
                ("called_ae_qualifier", bytes),
                ("calling_ap_title", bytes),
                ("calling_ae_qualifier", bytes),
                ("implementation_information", bytes),
                ("called_ap_invocation_id", int),
                ("called_ae_invocation_id", int),
                ("calling_ap_invocation_id", int),
                ("calling_ae_invocation_id", int),
                ("sender_acse_requirements", BerBitString),
                ("protocol_version", BerBitString),
                ("calling_authentication_value", AuthenticationValue),
            ),
        )
        _check_user_information(self.user_information)

    @property
    def context(self) -> ApplicationContextName | None:
        """The DLMS application context, or None for an identifier DLMS does not define."""
        return ApplicationContextName.of(self.application_context_name)

    @property
    def mechanism(self) -> MechanismName | None:
        return None if self.mechanism_name is None else MechanismName.of(self.mechanism_name)

    def encode(self) -> bytes:
        return _encode_acse(self.TAG, _AARQ_FIELDS, self)

    @classmethod
    def read(cls, r: Reader) -> AARQ:
        values = _read_acse(r, cls.TAG, _AARQ_FIELDS, "AARQ")
        if "application_context_name" not in values:
            r.fail("the application-context-name of the AARQ, which is mandatory", r.end)
        aarq: AARQ = trusted(cls, values)  # the field readers return checked values
        return aarq


#: sender/responder-acse-requirements with the authentication functional unit (``07 80``)
ACSE_AUTHENTICATION: Final = BerBitString(b"\x80", 7)

_AARE_FIELDS: Final = _fields(
    ("protocol_version", 0, "bits"),
    ("application_context_name", 1, "oid"),
    ("result", 2, "result"),
    ("result_source_diagnostic", 3, "diagnostic"),
    ("responding_ap_title", 4, "octets"),
    ("responding_ae_qualifier", 5, "octets"),
    ("responding_ap_invocation_id", 6, "integer"),
    ("responding_ae_invocation_id", 7, "integer"),
    ("responder_acse_requirements", 8, "bits"),
    ("mechanism_name", 9, "mechanism"),
    ("responding_authentication_value", 10, "auth"),
    ("implementation_information", 29, "graphic"),
    ("user_information", 30, "user"),
)


@dataclass(frozen=True, slots=True, repr=False)
class AARE(_ShortRepr, Apdu):
    """A-ASSOCIATE response.

    ``result_source_diagnostic`` is an :class:`AcseServiceUser` (the acse-service-user
    choice) or an :class:`AcseServiceProvider`.
    """

    result: AssociationResult = AssociationResult.ACCEPTED
    result_source_diagnostic: AcseServiceUser | AcseServiceProvider = AcseServiceUser.NULL
    application_context_name: Oid = ApplicationContextName.LOGICAL_NAME  # type: ignore[assignment]
    user_information: UserInformation | None = None
    responding_ap_title: bytes | None = None
    responder_acse_requirements: BerBitString | None = None
    mechanism_name: Oid | None = None
    responding_authentication_value: AuthenticationValue | None = None
    responding_ae_qualifier: bytes | None = None
    responding_ap_invocation_id: int | None = None
    responding_ae_invocation_id: int | None = None
    implementation_information: bytes | None = None
    protocol_version: BerBitString | None = None

    TAG: ClassVar[int] = 0x61

    def __post_init__(self) -> None:
        object.__setattr__(
            self,
            "application_context_name",
            _oid("application context name", self.application_context_name, ApplicationContextName),
        )
        if self.mechanism_name is not None:
            object.__setattr__(
                self, "mechanism_name", _oid("mechanism name", self.mechanism_name, MechanismName)
            )
        object.__setattr__(self, "result", _int_enum(AssociationResult, "result", self.result))
        if not isinstance(self.result_source_diagnostic, AcseServiceUser | AcseServiceProvider):
            raise EncodeError(
                "result source diagnostic must be an AcseServiceUser or AcseServiceProvider, "
                f"not {self.result_source_diagnostic!r}"
            )
        if not 0 <= self.result_source_diagnostic <= 255:
            raise EncodeError("a result source diagnostic is 0..255")
        _check_optional(
            self,
            (
                ("responding_ap_title", bytes),
                ("responding_ae_qualifier", bytes),
                ("implementation_information", bytes),
                ("responding_ap_invocation_id", int),
                ("responding_ae_invocation_id", int),
                ("responder_acse_requirements", BerBitString),
                ("protocol_version", BerBitString),
                ("responding_authentication_value", AuthenticationValue),
            ),
        )
        _check_user_information(self.user_information)

    @property
    def context(self) -> ApplicationContextName | None:
        return ApplicationContextName.of(self.application_context_name)

    @property
    def mechanism(self) -> MechanismName | None:
        return None if self.mechanism_name is None else MechanismName.of(self.mechanism_name)

    def encode(self) -> bytes:
        return _encode_acse(self.TAG, _AARE_FIELDS, self)

    @classmethod
    def read(cls, r: Reader) -> AARE:
        values = _read_acse(r, cls.TAG, _AARE_FIELDS, "AARE")
        for mandatory in ("application_context_name", "result", "result_source_diagnostic"):
            if mandatory not in values:
                r.fail(f"the {mandatory.replace('_', '-')} of the AARE, which is mandatory", r.end)
        values["result"] = AssociationResult(values["result"])
        aare: AARE = trusted(cls, values)  # the field readers return checked values
        return aare


_RELEASE_FIELDS: Final = _fields(("reason", 0, "reason"), ("user_information", 30, "user"))


@dataclass(frozen=True, slots=True)
class RLRQ(Apdu):
    """A-RELEASE request: an optional reason and optional (ciphered) user-information."""

    reason: ReleaseRequestReason | None = ReleaseRequestReason.NORMAL
    user_information: UserInformation | None = None

    TAG: ClassVar[int] = 0x62

    def __post_init__(self) -> None:
        if self.reason is not None:
            object.__setattr__(
                self, "reason", _int_enum(ReleaseRequestReason, "reason", self.reason)
            )
        _check_user_information(self.user_information)

    def encode(self) -> bytes:
        return _encode_acse(self.TAG, _RELEASE_FIELDS, self)

    @classmethod
    def read(cls, r: Reader) -> RLRQ:
        values = _read_acse(r, cls.TAG, _RELEASE_FIELDS, "RLRQ")
        if "reason" in values:
            values["reason"] = ReleaseRequestReason(values["reason"])
        values.setdefault("reason", None)
        rlrq: RLRQ = trusted(cls, values)
        return rlrq


@dataclass(frozen=True, slots=True)
class RLRE(Apdu):
    """A-RELEASE response: an optional reason and optional (ciphered) user-information."""

    reason: ReleaseResponseReason | None = ReleaseResponseReason.NORMAL
    user_information: UserInformation | None = None

    TAG: ClassVar[int] = 0x63

    def __post_init__(self) -> None:
        if self.reason is not None:
            object.__setattr__(
                self, "reason", _int_enum(ReleaseResponseReason, "reason", self.reason)
            )
        _check_user_information(self.user_information)

    def encode(self) -> bytes:
        return _encode_acse(self.TAG, _RELEASE_FIELDS, self)

    @classmethod
    def read(cls, r: Reader) -> RLRE:
        values = _read_acse(r, cls.TAG, _RELEASE_FIELDS, "RLRE")
        if "reason" in values:
            values["reason"] = ReleaseResponseReason(values["reason"])
        values.setdefault("reason", None)
        rlre: RLRE = trusted(cls, values)
        return rlre
