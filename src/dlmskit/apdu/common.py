"""Types shared by the xDLMS services (IEC 62056-5-3 "Useful types" and result enums).

* :class:`InvokeIdAndPriority` -- the one-octet invoke-id-and-priority of LN services:
  invoke id in bits 0-3, bits 4-5 reserved, service class in bit 6 (1 = confirmed), priority in
  bit 7 (1 = high); bit 7 is the most significant bit (``0xC1`` = high, confirmed, id 1).
* :class:`LongInvokeIdAndPriority` -- its 32-bit form (data-notification, access): invoke id in
  bits 0-23, bits 24-27 reserved, self-descriptive in bit 28, processing option in bit 29
  (1 = break on error), service class in bit 30, priority in bit 31.
* :class:`CosemAttributeDescriptor`, :class:`CosemMethodDescriptor`,
  :class:`SelectiveAccessDescriptor` with the typed access parameters of Profile generic
  (:class:`RangeDescriptor`, selector 1; :class:`EntryDescriptor`, selector 2).
* :class:`DataAccessResult` and :class:`ActionResult`. A value the standard does not name
  (a vendor's code) decodes to a pseudo-member such as ``DataAccessResult(7)`` named
  ``UNKNOWN_7`` -- the answer is kept, never turned into an exception.
* :data:`ABSENT` marks an OPTIONAL component holding ``Data`` that is not there, because
  ``None`` already means null-data.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Literal, cast

from dlmskit.apdu._codec import Reader, check_int, check_uint, make, put_data
from dlmskit.apdu.errors import AccessParameterError
from dlmskit.axdr import (
    DoubleLongUnsigned,
    Integer,
    LongUnsigned,
)
from dlmskit.cosem import Obis
from dlmskit.errors import EncodeError

if TYPE_CHECKING:
    from dlmskit.axdr import Data

__all__ = [
    "ABSENT",
    "Absent",
    "ActionResult",
    "CaptureObjectDefinition",
    "CosemAttributeDescriptor",
    "CosemMethodDescriptor",
    "DataAccessResult",
    "EntryDescriptor",
    "InvokeIdAndPriority",
    "LongInvokeIdAndPriority",
    "Priority",
    "RangeDescriptor",
    "SelectiveAccessDescriptor",
    "ServiceClass",
]


class Absent(enum.Enum):
    """The type of :data:`ABSENT`."""

    ABSENT = "absent"

    def __repr__(self) -> str:
        return "ABSENT"


#: An OPTIONAL Data component that is not present (``None`` is the null-data value).
ABSENT: Final = Absent.ABSENT
AbsentType = Literal[Absent.ABSENT]


class OpenIntEnum(enum.IntEnum):
    """An IntEnum that keeps values it does not name as ``UNKNOWN_<n>`` pseudo-members."""

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            member = int.__new__(cls, value)
            member._name_ = f"UNKNOWN_{value}"
            member._value_ = value
            return member
        return None


class ServiceClass(enum.IntEnum):
    """Bit 6 of invoke-id-and-priority (bit 30 of the long form)."""

    UNCONFIRMED = 0
    CONFIRMED = 1


class Priority(enum.IntEnum):
    """Bit 7 of invoke-id-and-priority (bit 31 of the long form)."""

    NORMAL = 0
    HIGH = 1


def _flag(cls: type[ServiceClass] | type[Priority], value: object) -> Any:
    if isinstance(value, cls):
        return value
    if value in (0, 1) and isinstance(value, int):
        return cls(value)
    raise EncodeError(f"{cls.__name__} must be 0 or 1, not {value!r}")


@dataclass(frozen=True, slots=True)
class InvokeIdAndPriority:
    """Invoke-Id-And-Priority: one octet."""

    invoke_id: int = 1
    service_class: ServiceClass = ServiceClass.CONFIRMED
    priority: Priority = Priority.HIGH
    #: bits 4-5, reserved (0); kept so that any octet encodes back unchanged
    reserved: int = 0

    def __post_init__(self) -> None:
        check_uint("invoke id", self.invoke_id, 4)
        check_uint("reserved bits of invoke-id-and-priority", self.reserved, 2)
        object.__setattr__(self, "service_class", _flag(ServiceClass, self.service_class))
        object.__setattr__(self, "priority", _flag(Priority, self.priority))

    @property
    def confirmed(self) -> bool:
        return self.service_class is ServiceClass.CONFIRMED

    @property
    def high_priority(self) -> bool:
        return self.priority is Priority.HIGH

    def to_byte(self) -> int:
        return self.invoke_id | self.reserved << 4 | self.service_class << 6 | self.priority << 7

    @classmethod
    def from_byte(cls, value: int) -> InvokeIdAndPriority:
        return _IIP_CACHE[value]


def _iip(value: int) -> InvokeIdAndPriority:
    return InvokeIdAndPriority(
        value & 0x0F,
        ServiceClass((value >> 6) & 1),
        Priority(value >> 7),
        (value >> 4) & 3,
    )


_IIP_CACHE: Final = tuple(_iip(v) for v in range(256))


@dataclass(frozen=True, slots=True)
class LongInvokeIdAndPriority:
    """Long-Invoke-Id-And-Priority: four octets."""

    invoke_id: int = 0
    service_class: ServiceClass = ServiceClass.UNCONFIRMED
    priority: Priority = Priority.NORMAL
    #: bit 28: the notification body is self-descriptive
    self_descriptive: bool = False
    #: bit 29 (processing option): 1 = break on error, 0 = continue on error
    break_on_error: bool = False
    #: bits 24-27, reserved (0); kept so that any value encodes back unchanged
    reserved: int = 0

    def __post_init__(self) -> None:
        check_uint("long invoke id", self.invoke_id, 24)
        check_uint("reserved bits of long-invoke-id-and-priority", self.reserved, 4)
        object.__setattr__(self, "service_class", _flag(ServiceClass, self.service_class))
        object.__setattr__(self, "priority", _flag(Priority, self.priority))

    @property
    def confirmed(self) -> bool:
        return self.service_class is ServiceClass.CONFIRMED

    def to_int(self) -> int:
        return (
            self.invoke_id
            | self.reserved << 24
            | int(bool(self.self_descriptive)) << 28
            | int(bool(self.break_on_error)) << 29
            | self.service_class << 30
            | self.priority << 31
        )

    @classmethod
    def from_int(cls, value: int) -> LongInvokeIdAndPriority:
        return cls(
            value & 0xFFFFFF,
            ServiceClass((value >> 30) & 1),
            Priority((value >> 31) & 1),
            bool(value >> 28 & 1),
            bool(value >> 29 & 1),
            (value >> 24) & 0x0F,
        )


class DataAccessResult(OpenIntEnum):
    """Data-Access-Result (IEC 62056-5-3). The one definition: the object model and the
    server answer with these members too."""

    SUCCESS = 0
    HARDWARE_FAULT = 1
    TEMPORARY_FAILURE = 2
    READ_WRITE_DENIED = 3
    OBJECT_UNDEFINED = 4
    OBJECT_CLASS_INCONSISTENT = 9
    OBJECT_UNAVAILABLE = 11
    TYPE_UNMATCHED = 12
    SCOPE_OF_ACCESS_VIOLATED = 13
    DATA_BLOCK_UNAVAILABLE = 14
    LONG_GET_ABORTED = 15
    NO_LONG_GET_IN_PROGRESS = 16
    LONG_SET_ABORTED = 17
    NO_LONG_SET_IN_PROGRESS = 18
    DATA_BLOCK_NUMBER_INVALID = 19
    OTHER_REASON = 250

    @property
    def wire_name(self) -> str:
        """The ASN.1 name: ``"type-unmatched"``."""
        return self.name.lower().replace("_", "-")


class ActionResult(OpenIntEnum):
    """Action-Result (IEC 62056-5-3)."""

    SUCCESS = 0
    HARDWARE_FAULT = 1
    TEMPORARY_FAILURE = 2
    READ_WRITE_DENIED = 3
    OBJECT_UNDEFINED = 4
    OBJECT_CLASS_INCONSISTENT = 9
    OBJECT_UNAVAILABLE = 11
    TYPE_UNMATCHED = 12
    SCOPE_OF_ACCESS_VIOLATED = 13
    DATA_BLOCK_UNAVAILABLE = 14
    LONG_ACTION_ABORTED = 15
    NO_LONG_ACTION_IN_PROGRESS = 16
    OTHER_REASON = 250

    @property
    def wire_name(self) -> str:
        return self.name.lower().replace("_", "-")

    @classmethod
    def from_access(cls, result: DataAccessResult) -> ActionResult:
        """The action result with the same meaning as a data-access result (same name),
        other-reason when the action results have none (the long-GET/SET codes)."""
        member = cls.__members__.get(result.name)
        return member if member is not None else cls.OTHER_REASON


def result_enum(cls: type[OpenIntEnum], name: str, value: object) -> Any:
    """Coerce ``value`` to ``cls`` for a constructor; refuse what does not fit one octet."""
    if isinstance(value, cls):
        return value
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 255:
        raise EncodeError(f"{name} must be a {cls.__name__} (one octet), not {value!r}")
    return cls(value)


# -- descriptors --------------------------------------------------------------------------------


_OBIS_CACHE: dict[bytes, Obis] = {}


def obis_of(octets: bytes) -> Obis:
    """The Obis of 6 octets, cached (the same few logical names recur in every exchange)."""
    found = _OBIS_CACHE.get(octets)
    if found is None:
        found = Obis(*octets)
        if len(_OBIS_CACHE) < 4096:
            _OBIS_CACHE[octets] = found
    return found


def _obis(name: str, value: object) -> Obis:
    if isinstance(value, Obis):
        return value
    try:
        return Obis.parse(value)  # type: ignore[arg-type]
    except ValueError as exc:
        raise EncodeError(f"{name}: {exc}") from None


@dataclass(frozen=True, slots=True)
class CosemAttributeDescriptor:
    """Cosem-Attribute-Descriptor: class id, logical name (OBIS), attribute id (Integer8)."""

    class_id: int
    instance_id: Obis
    attribute_id: int

    def __post_init__(self) -> None:
        check_uint("class id", self.class_id, 16)
        if self.instance_id.__class__ is not Obis:
            object.__setattr__(self, "instance_id", _obis("instance id", self.instance_id))
        check_int("attribute id", self.attribute_id, 8)

    def encode_into(self, out: bytearray) -> None:
        out += self.class_id.to_bytes(2, "big")
        out += bytes(self.instance_id)
        out.append(self.attribute_id & 0xFF)

    @classmethod
    def read(cls, r: Reader) -> CosemAttributeDescriptor:
        class_id = r.u16("class-id")
        instance = obis_of(r.take(6, "instance-id"))
        descriptor: CosemAttributeDescriptor = make(cls, class_id, instance, r.i8("attribute-id"))
        return descriptor


@dataclass(frozen=True, slots=True)
class CosemMethodDescriptor:
    """Cosem-Method-Descriptor: class id, logical name (OBIS), method id (Integer8)."""

    class_id: int
    instance_id: Obis
    method_id: int

    def __post_init__(self) -> None:
        check_uint("class id", self.class_id, 16)
        if self.instance_id.__class__ is not Obis:
            object.__setattr__(self, "instance_id", _obis("instance id", self.instance_id))
        check_int("method id", self.method_id, 8)

    def encode_into(self, out: bytearray) -> None:
        out += self.class_id.to_bytes(2, "big")
        out += bytes(self.instance_id)
        out.append(self.method_id & 0xFF)

    @classmethod
    def read(cls, r: Reader) -> CosemMethodDescriptor:
        class_id = r.u16("class-id")
        instance = obis_of(r.take(6, "instance-id"))
        descriptor: CosemMethodDescriptor = make(cls, class_id, instance, r.i8("method-id"))
        return descriptor


@dataclass(frozen=True, slots=True)
class SelectiveAccessDescriptor:
    """Selective-Access-Descriptor: the access selector and its parameters (any Data).

    For Profile generic buffers, :meth:`range` and :meth:`entry` give the typed parameters
    of selector 1 and 2; build them with :meth:`RangeDescriptor.to_access` and
    :meth:`EntryDescriptor.to_access`.
    """

    access_selector: int
    access_parameters: Data

    def __post_init__(self) -> None:
        check_uint("access selector", self.access_selector, 8)

    def encode_into(self, out: bytearray) -> None:
        out.append(self.access_selector)
        put_data(out, self.access_parameters, "access-parameters")

    @classmethod
    def read(cls, r: Reader) -> SelectiveAccessDescriptor:
        selector = r.u8("access-selector")
        return cls(selector, r.data("access-parameters"))

    def range(self) -> RangeDescriptor:
        """The parameters as a range_descriptor (selector 1), or AccessParameterError."""
        if self.access_selector != 1:
            raise AccessParameterError(
                f"access selector {self.access_selector} is no range_descriptor"
            )
        return RangeDescriptor.from_data(self.access_parameters)

    def entry(self) -> EntryDescriptor:
        """The parameters as an entry_descriptor (selector 2), or AccessParameterError."""
        if self.access_selector != 2:
            raise AccessParameterError(
                f"access selector {self.access_selector} is no entry_descriptor"
            )
        return EntryDescriptor.from_data(self.access_parameters)


@dataclass(frozen=True, slots=True)
class CaptureObjectDefinition:
    """One capture object of a Profile generic: class id, logical name, attribute, data index."""

    class_id: int
    logical_name: Obis
    attribute_index: int
    data_index: int = 0

    def __post_init__(self) -> None:
        check_uint("class id", self.class_id, 16)
        if self.logical_name.__class__ is not Obis:
            object.__setattr__(self, "logical_name", _obis("logical name", self.logical_name))
        check_int("attribute index", self.attribute_index, 8)
        check_uint("data index", self.data_index, 16)

    def to_data(self) -> Data:
        return (
            LongUnsigned(self.class_id),
            bytes(self.logical_name),
            Integer(self.attribute_index),
            LongUnsigned(self.data_index),
        )

    @classmethod
    def from_data(cls, value: Data) -> CaptureObjectDefinition:
        if isinstance(value, tuple) and len(value) == 4:
            class_id, name, attribute, index = value
            if (
                _is_int(class_id)
                and isinstance(name, bytes)
                and len(name) == 6
                and _is_int(attribute)
                and _is_int(index)
            ):
                numbers = [int(cast(int, v)) for v in (class_id, attribute, index)]
                try:
                    return cls(numbers[0], Obis(*name), numbers[1], numbers[2])
                except EncodeError as exc:
                    raise AccessParameterError(f"capture object definition: {exc}") from None
        raise AccessParameterError(
            "a capture object definition is structure{long-unsigned class-id, "
            "octet-string(6) logical-name, integer attribute-index, long-unsigned data-index}"
        )


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True, slots=True)
class RangeDescriptor:
    """range_descriptor (access selector 1 of Profile generic buffer).

    ``from_value`` and ``to_value`` are Data of the restricting object's type -- for a
    clock, an octet-string(12) date-time or a :class:`~dlmskit.cosem.DateTime`.
    ``selected_values`` empty means all columns.
    """

    restricting_object: CaptureObjectDefinition
    from_value: Data
    to_value: Data
    selected_values: tuple[CaptureObjectDefinition, ...] = ()

    def to_data(self) -> Data:
        return (
            self.restricting_object.to_data(),
            self.from_value,
            self.to_value,
            [c.to_data() for c in self.selected_values],
        )

    def to_access(self) -> SelectiveAccessDescriptor:
        return SelectiveAccessDescriptor(1, self.to_data())

    @classmethod
    def from_data(cls, value: Data) -> RangeDescriptor:
        if not (isinstance(value, tuple) and len(value) == 4 and isinstance(value[3], list)):
            raise AccessParameterError(
                "a range_descriptor is structure{restricting-object, from-value, to-value, "
                "array selected-values}"
            )
        restricting, start, stop, _ = value
        columns: list[Data] = value[3]
        return cls(
            CaptureObjectDefinition.from_data(restricting),
            start,
            stop,
            tuple(CaptureObjectDefinition.from_data(v) for v in columns),
        )


@dataclass(frozen=True, slots=True)
class EntryDescriptor:
    """entry_descriptor (access selector 2 of Profile generic buffer).

    Entries and columns count from 1; ``to_entry`` 0 means the last entry and
    ``to_selected_value`` 0 the last column.
    """

    from_entry: int = 1
    to_entry: int = 0
    from_selected_value: int = 1
    to_selected_value: int = 0

    def __post_init__(self) -> None:
        check_uint("from entry", self.from_entry, 32)
        check_uint("to entry", self.to_entry, 32)
        check_uint("from selected value", self.from_selected_value, 16)
        check_uint("to selected value", self.to_selected_value, 16)

    def to_data(self) -> Data:
        return (
            DoubleLongUnsigned(self.from_entry),
            DoubleLongUnsigned(self.to_entry),
            LongUnsigned(self.from_selected_value),
            LongUnsigned(self.to_selected_value),
        )

    def to_access(self) -> SelectiveAccessDescriptor:
        return SelectiveAccessDescriptor(2, self.to_data())

    @classmethod
    def from_data(cls, value: Data) -> EntryDescriptor:
        if isinstance(value, tuple) and len(value) == 4 and all(map(_is_int, value)):
            numbers = [int(cast(int, v)) for v in value]
            try:
                return cls(*numbers)
            except EncodeError as exc:
                raise AccessParameterError(f"entry_descriptor: {exc}") from None
        raise AccessParameterError(
            "an entry_descriptor is structure{double-long-unsigned from-entry, "
            "double-long-unsigned to-entry, long-unsigned from-selected-value, "
            "long-unsigned to-selected-value}"
        )
