"""xDLMS association APDUs and errors (IEC 62056-5-3): InitiateRequest, InitiateResponse,
the conformance block, ConfirmedServiceError and ExceptionResponse.

The conformance block is ``[APPLICATION 31] IMPLICIT BIT STRING (SIZE(24))``, BER-encoded
inside the A-XDR InitiateRequest/Response: ``5F 1F 04 00`` and three octets. Bit 0 is the
most significant bit of the first octet, so :class:`Conformance` values are the three octets
read as a big-endian number: ``Conformance.GET`` (bit 19) is ``0x000010``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, ClassVar, Final

from dlmskit.apdu._codec import (
    Apdu,
    Reader,
    check_bytes,
    check_int,
    check_uint,
    put_octet_string,
    trusted,
)
from dlmskit.apdu.common import OpenIntEnum
from dlmskit.errors import EncodeError

__all__ = [
    "Access",
    "ApplicationReference",
    "ConfirmedServiceError",
    "Conformance",
    "Definition",
    "ErrorService",
    "ExceptionResponse",
    "ExceptionServiceError",
    "HardwareResource",
    "Initiate",
    "InitiateRequest",
    "InitiateResponse",
    "LoadDataSet",
    "ServiceErrorCode",
    "ServiceErrorType",
    "StateError",
    "Task",
    "VdeStateError",
]

#: vaa-name of an association using logical name referencing (a dummy value)
VAA_NAME_LN: Final = 0x0007
#: vaa-name of an association using short name referencing (base name of Association SN)
VAA_NAME_SN: Final = 0xFA00


class Conformance(enum.IntFlag, boundary=enum.KEEP):
    """The 24 bits of the xDLMS conformance block; bit n has the value ``1 << (23 - n)``.

    Bit 6 was reserved before it became delta-value-encoding; bits 0 and 7 are still
    reserved but named so that every bit can be shown.
    """

    RESERVED_ZERO = 1 << 23  # bit 0
    GENERAL_PROTECTION = 1 << 22  # bit 1
    GENERAL_BLOCK_TRANSFER = 1 << 21  # bit 2
    READ = 1 << 20  # bit 3
    WRITE = 1 << 19  # bit 4
    UNCONFIRMED_WRITE = 1 << 18  # bit 5
    DELTA_VALUE_ENCODING = 1 << 17  # bit 6
    RESERVED_SEVEN = 1 << 16  # bit 7
    ATTRIBUTE0_SUPPORTED_WITH_SET = 1 << 15  # bit 8
    PRIORITY_MGMT_SUPPORTED = 1 << 14  # bit 9
    ATTRIBUTE0_SUPPORTED_WITH_GET = 1 << 13  # bit 10
    BLOCK_TRANSFER_WITH_GET_OR_READ = 1 << 12  # bit 11
    BLOCK_TRANSFER_WITH_SET_OR_WRITE = 1 << 11  # bit 12
    BLOCK_TRANSFER_WITH_ACTION = 1 << 10  # bit 13
    MULTIPLE_REFERENCES = 1 << 9  # bit 14
    INFORMATION_REPORT = 1 << 8  # bit 15
    DATA_NOTIFICATION = 1 << 7  # bit 16
    ACCESS = 1 << 6  # bit 17
    PARAMETERIZED_ACCESS = 1 << 5  # bit 18
    GET = 1 << 4  # bit 19
    SET = 1 << 3  # bit 20
    SELECTIVE_ACCESS = 1 << 2  # bit 21
    EVENT_NOTIFICATION = 1 << 1  # bit 22
    ACTION = 1 << 0  # bit 23

    @property
    def bit_number(self) -> int:
        """The bit number of a single flag in the standard's numbering (0..23)."""
        if self.value <= 0 or self.value & (self.value - 1):
            raise ValueError("bit_number is defined for a single flag")
        return 23 - self.value.bit_length() + 1

    @classmethod
    def from_bit_numbers(cls, *bits: int) -> Conformance:
        value = 0
        for bit in bits:
            if not 0 <= bit <= 23:
                raise EncodeError(f"conformance bits are numbered 0..23, not {bit}")
            value |= 1 << (23 - bit)
        return cls(value)

    def octets(self) -> bytes:
        """The three octets of the bit string."""
        return int(self).to_bytes(3, "big")

    @classmethod
    def from_octets(cls, octets: bytes) -> Conformance:
        if len(octets) != 3:
            raise EncodeError(f"a conformance block is 3 octets, not {len(octets)}")
        return cls(int.from_bytes(octets, "big"))


def _put_conformance(out: bytearray, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 1 << 24:
        raise EncodeError(f"a conformance block is 24 bits, not {value!r}")
    out += b"\x5f\x1f\x04\x00"
    out += int(value).to_bytes(3, "big")


def _read_conformance(r: Reader) -> Conformance:
    at = r.pos
    head = r.take(3, "the conformance block tag and length")
    if head != b"\x5f\x1f\x04":
        r.fail(f"the conformance block 5F 1F 04, found {head.hex(' ').upper()}", at)
    at = r.pos
    unused = r.u8("the unused-bits octet of the conformance block")
    if unused > 7:
        r.fail(f"a number of unused bits 0..7, found {unused}", at)
    return _conformance_of(int.from_bytes(r.take(3, "the conformance block"), "big"))


_CONFORMANCE_CACHE: dict[int, Conformance] = {}


def _conformance_of(value: int) -> Conformance:
    """Conformance(value), cached: building an IntFlag member is slow and the same few
    blocks recur."""
    found = _CONFORMANCE_CACHE.get(value)
    if found is None:
        found = Conformance(value)
        if len(_CONFORMANCE_CACHE) < 4096:
            _CONFORMANCE_CACHE[value] = found
    return found


def _conformance(value: object) -> Conformance:
    if isinstance(value, Conformance):
        return value
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 1 << 24:
        return Conformance(value)
    raise EncodeError(f"a conformance block is 24 bits, not {value!r}")


@dataclass(frozen=True, slots=True)
class InitiateRequest(Apdu):
    """xDLMS InitiateRequest, carried in the AARQ's user-information.

    ``dedicated_key`` is kept out of ``repr``. ``response_allowed`` is BOOLEAN DEFAULT TRUE:
    TRUE is encoded as "default" (``00``), FALSE as ``01 00``.
    """

    proposed_conformance: Conformance
    client_max_receive_pdu_size: int = 0xFFFF
    proposed_dlms_version_number: int = 6
    dedicated_key: bytes | None = field(default=None, repr=False)
    response_allowed: bool = True
    proposed_quality_of_service: int | None = None

    TAG: ClassVar[int] = 0x01

    def __post_init__(self) -> None:
        object.__setattr__(self, "proposed_conformance", _conformance(self.proposed_conformance))
        check_uint("client max receive PDU size", self.client_max_receive_pdu_size, 16)
        check_uint("proposed DLMS version number", self.proposed_dlms_version_number, 8)
        if self.dedicated_key is not None:
            check_bytes("dedicated key", self.dedicated_key)
        if not isinstance(self.response_allowed, bool):
            raise EncodeError(f"response allowed must be a bool, not {self.response_allowed!r}")
        if self.proposed_quality_of_service is not None:
            check_int("proposed quality of service", self.proposed_quality_of_service, 8)

    def encode(self) -> bytes:
        out = bytearray((self.TAG,))
        if self.dedicated_key is None:
            out.append(0)
        else:
            out.append(1)
            put_octet_string(out, self.dedicated_key)
        out += b"\x00" if self.response_allowed else b"\x01\x00"
        if self.proposed_quality_of_service is None:
            out.append(0)
        else:
            out += bytes((1, self.proposed_quality_of_service & 0xFF))
        out.append(self.proposed_dlms_version_number)
        _put_conformance(out, self.proposed_conformance)
        out += self.client_max_receive_pdu_size.to_bytes(2, "big")
        return bytes(out)

    @classmethod
    def read(cls, r: Reader) -> InitiateRequest:
        r.u8("tag")
        key = r.octet_string("dedicated-key") if r.optional("dedicated-key") else None
        allowed = r.boolean("response-allowed") if r.optional("response-allowed") else True
        qos = r.i8("proposed-quality-of-service") if r.optional("quality-of-service") else None
        version = r.u8("proposed-dlms-version-number")
        conformance = _read_conformance(r)
        size = r.u16("client-max-receive-pdu-size")
        request: InitiateRequest = trusted(
            cls,
            {
                "proposed_conformance": conformance,
                "client_max_receive_pdu_size": size,
                "proposed_dlms_version_number": version,
                "dedicated_key": key,
                "response_allowed": allowed,
                "proposed_quality_of_service": qos,
            },
        )
        return request


@dataclass(frozen=True, slots=True)
class InitiateResponse(Apdu):
    """xDLMS InitiateResponse, carried in the AARE's user-information.

    ``vaa_name`` is 0x0007 for LN referencing and the base name of the Association SN object
    (0xFA00) for SN referencing; it is kept as an unsigned 16-bit value.
    """

    negotiated_conformance: Conformance
    server_max_receive_pdu_size: int
    negotiated_dlms_version_number: int = 6
    vaa_name: int = VAA_NAME_LN
    negotiated_quality_of_service: int | None = None

    TAG: ClassVar[int] = 0x08

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "negotiated_conformance", _conformance(self.negotiated_conformance)
        )
        check_uint("server max receive PDU size", self.server_max_receive_pdu_size, 16)
        check_uint("negotiated DLMS version number", self.negotiated_dlms_version_number, 8)
        check_uint("vaa-name", self.vaa_name, 16)
        if self.negotiated_quality_of_service is not None:
            check_int("negotiated quality of service", self.negotiated_quality_of_service, 8)

    def encode(self) -> bytes:
        out = bytearray((self.TAG,))
        if self.negotiated_quality_of_service is None:
            out.append(0)
        else:
            out += bytes((1, self.negotiated_quality_of_service & 0xFF))
        out.append(self.negotiated_dlms_version_number)
        _put_conformance(out, self.negotiated_conformance)
        out += self.server_max_receive_pdu_size.to_bytes(2, "big")
        out += self.vaa_name.to_bytes(2, "big")
        return bytes(out)

    @classmethod
    def read(cls, r: Reader) -> InitiateResponse:
        r.u8("tag")
        qos = r.i8("negotiated-quality-of-service") if r.optional("quality-of-service") else None
        version = r.u8("negotiated-dlms-version-number")
        conformance = _read_conformance(r)
        size = r.u16("server-max-receive-pdu-size")
        vaa = r.u16("vaa-name")
        return cls(conformance, size, version, vaa, qos)


# -- ConfirmedServiceError ----------------------------------------------------------------------


class ErrorService(enum.IntEnum):
    """The CHOICE of ConfirmedServiceError: which service failed (only 1, 5, 6 occur in
    DLMS/COSEM; the others are inherited from DLMS and kept so any value decodes)."""

    INITIATE_ERROR = 1
    GET_STATUS = 2
    GET_NAME_LIST = 3
    GET_VARIABLE_ATTRIBUTE = 4
    READ = 5
    WRITE = 6
    GET_DATA_SET_ATTRIBUTE = 7
    GET_TI_ATTRIBUTE = 8
    CHANGE_SCOPE = 9
    START = 10
    STOP = 11
    RESUME = 12
    MAKE_USABLE = 13
    INITIATE_LOAD = 14
    LOAD_SEGMENT = 15
    TERMINATE_LOAD = 16
    INITIATE_UP_LOAD = 17
    UP_LOAD_SEGMENT = 18
    TERMINATE_UP_LOAD = 19


class ServiceErrorType(enum.IntEnum):
    """The CHOICE of ServiceError (8, change-scope, is reserved)."""

    APPLICATION_REFERENCE = 0
    HARDWARE_RESOURCE = 1
    VDE_STATE_ERROR = 2
    SERVICE = 3
    DEFINITION = 4
    ACCESS = 5
    INITIATE = 6
    LOAD_DATA_SET = 7
    TASK = 9
    OTHER = 10


class ApplicationReference(OpenIntEnum):
    OTHER = 0
    TIME_ELAPSED = 1
    APPLICATION_UNREACHABLE = 2
    APPLICATION_REFERENCE_INVALID = 3
    APPLICATION_CONTEXT_UNSUPPORTED = 4
    PROVIDER_COMMUNICATION_ERROR = 5
    DECIPHERING_ERROR = 6


class HardwareResource(OpenIntEnum):
    OTHER = 0
    MEMORY_UNAVAILABLE = 1
    PROCESSOR_RESOURCE_UNAVAILABLE = 2
    MASS_STORAGE_UNAVAILABLE = 3
    OTHER_RESOURCE_UNAVAILABLE = 4


class VdeStateError(OpenIntEnum):
    OTHER = 0
    NO_DLMS_CONTEXT = 1
    LOADING_DATA_SET = 2
    STATUS_NOCHANGE = 3
    STATUS_INOPERABLE = 4


class ServiceErrorCode(OpenIntEnum):
    """The ``service`` alternative of ServiceError."""

    OTHER = 0
    PDU_SIZE = 1
    SERVICE_UNSUPPORTED = 2


class Definition(OpenIntEnum):
    OTHER = 0
    OBJECT_UNDEFINED = 1
    OBJECT_CLASS_INCONSISTENT = 2
    OBJECT_ATTRIBUTE_INCONSISTENT = 3


class Access(OpenIntEnum):
    OTHER = 0
    SCOPE_OF_ACCESS_VIOLATED = 1
    OBJECT_ACCESS_INVALID = 2
    HARDWARE_FAULT = 3
    OBJECT_UNAVAILABLE = 4


class Initiate(OpenIntEnum):
    OTHER = 0
    DLMS_VERSION_TOO_LOW = 1
    INCOMPATIBLE_CONFORMANCE = 2
    PDU_SIZE_TOO_SHORT = 3
    REFUSED_BY_THE_VDE_HANDLER = 4


class LoadDataSet(OpenIntEnum):
    OTHER = 0
    PRIMITIVE_OUT_OF_SEQUENCE = 1
    NOT_LOADABLE = 2
    DATASET_SIZE_TOO_LARGE = 3
    NOT_AWAITED_SEGMENT = 4
    INTERPRETATION_FAILURE = 5
    STORAGE_FAILURE = 6
    DATA_SET_NOT_READY = 7


class Task(OpenIntEnum):
    OTHER = 0
    NO_REMOTE_CONTROL = 1
    TI_STOPPED = 2
    TI_RUNNING = 3
    TI_UNUSABLE = 4


_VALUE_ENUMS: Final[dict[ServiceErrorType, type[OpenIntEnum]]] = {
    ServiceErrorType.APPLICATION_REFERENCE: ApplicationReference,
    ServiceErrorType.HARDWARE_RESOURCE: HardwareResource,
    ServiceErrorType.VDE_STATE_ERROR: VdeStateError,
    ServiceErrorType.SERVICE: ServiceErrorCode,
    ServiceErrorType.DEFINITION: Definition,
    ServiceErrorType.ACCESS: Access,
    ServiceErrorType.INITIATE: Initiate,
    ServiceErrorType.LOAD_DATA_SET: LoadDataSet,
    ServiceErrorType.TASK: Task,
}


@dataclass(frozen=True, slots=True)
class ConfirmedServiceError(Apdu):
    """ConfirmedServiceError: which service failed, the kind of error and its code.

    ``value`` is an enum of the kind (:class:`Initiate` for ``ServiceErrorType.INITIATE``,
    ...; an int is converted), a plain int for ``ServiceErrorType.OTHER``. An AARE
    refusing the xDLMS context carries ``ConfirmedServiceError(ErrorService.INITIATE_ERROR,
    ServiceErrorType.INITIATE, Initiate.DLMS_VERSION_TOO_LOW)``.
    """

    service: ErrorService
    error: ServiceErrorType
    value: int

    TAG: ClassVar[int] = 0x0E

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "service", ErrorService(self.service))
            object.__setattr__(self, "error", ServiceErrorType(self.error))
        except ValueError as exc:
            raise EncodeError(str(exc)) from None
        check_uint("service error value", self.value, 8)
        names = _VALUE_ENUMS.get(self.error)  # the ``other`` alternative names no codes
        object.__setattr__(self, "value", int(self.value) if names is None else names(self.value))

    def encode(self) -> bytes:
        return bytes((self.TAG, self.service, self.error, self.value))

    @classmethod
    def read(cls, r: Reader) -> ConfirmedServiceError:
        r.u8("tag")
        at = r.pos
        service = r.u8("the ConfirmedServiceError choice")
        if service not in _ERROR_SERVICES:
            r.unknown_choice("ConfirmedServiceError", service, at)
        at = r.pos
        error = r.u8("the ServiceError choice")
        if error not in _ERROR_TYPES:
            r.unknown_choice("ServiceError", error, at)
        return cls(ErrorService(service), ServiceErrorType(error), r.u8("the service error"))


_ERROR_SERVICES: Final = frozenset(ErrorService)
_ERROR_TYPES: Final = frozenset(ServiceErrorType)


# -- ExceptionResponse --------------------------------------------------------------------------


class StateError(OpenIntEnum):
    SERVICE_NOT_ALLOWED = 1
    SERVICE_UNKNOWN = 2


class ExceptionServiceError(OpenIntEnum):
    OPERATION_NOT_POSSIBLE = 1
    SERVICE_NOT_SUPPORTED = 2
    OTHER_REASON = 3
    PDU_TOO_LONG = 4
    DECIPHERING_ERROR = 5
    INVOCATION_COUNTER_ERROR = 6


@dataclass(frozen=True, slots=True)
class ExceptionResponse(Apdu):
    """EXCEPTION-Response: state error and service error.

    With ``INVOCATION_COUNTER_ERROR`` the server adds the invocation counter it expects
    (Unsigned32). Older servers send that error without the value; such an APDU decodes
    with ``invocation_counter`` None and encodes back the same way.
    """

    state_error: StateError
    service_error: ExceptionServiceError
    invocation_counter: int | None = None

    TAG: ClassVar[int] = 0xD8

    def __post_init__(self) -> None:
        object.__setattr__(self, "state_error", _enum_octet(StateError, self.state_error))
        object.__setattr__(
            self, "service_error", _enum_octet(ExceptionServiceError, self.service_error)
        )
        if self.invocation_counter is not None:
            if self.service_error != ExceptionServiceError.INVOCATION_COUNTER_ERROR:
                raise EncodeError("only invocation-counter-error carries an invocation counter")
            check_uint("invocation counter", self.invocation_counter, 32)

    def encode(self) -> bytes:
        out = bytes((self.TAG, self.state_error, self.service_error))
        if self.invocation_counter is not None:
            out += self.invocation_counter.to_bytes(4, "big")
        return out

    @classmethod
    def read(cls, r: Reader) -> ExceptionResponse:
        r.u8("tag")
        state = r.u8("state-error")
        service = r.u8("service-error")
        counter = None
        if service == ExceptionServiceError.INVOCATION_COUNTER_ERROR and r.remaining:
            counter = r.u32("the invocation counter of invocation-counter-error")
        return cls(StateError(state), ExceptionServiceError(service), counter)


def _enum_octet(cls: type[OpenIntEnum], value: object) -> Any:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 255:
        raise EncodeError(f"a {cls.__name__} is one octet, not {value!r}")
    return cls(value)
