"""Machinery shared by the LN service APDUs (GET, SET, ACTION, ACCESS). Not public API,
except :class:`AttributeWithSelection`, which :mod:`dlmskit.apdu` exports."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dlmskit.apdu._codec import Apdu, Reader, check_bytes, check_uint, put_data, put_octet_string
from dlmskit.apdu.common import (
    CosemAttributeDescriptor,
    DataAccessResult,
    InvokeIdAndPriority,
    SelectiveAccessDescriptor,
)
from dlmskit.axdr import encode_length, type_of
from dlmskit.errors import EncodeError

__all__ = ["AttributeWithSelection"]


def check_iip(value: object) -> None:
    if not isinstance(value, InvokeIdAndPriority):
        raise EncodeError(f"invoke-id-and-priority must be an InvokeIdAndPriority, not {value!r}")


def check_descriptor(value: object, kind: type, name: str = "attribute") -> None:
    if not isinstance(value, kind):
        raise EncodeError(f"{name} must be a {kind.__name__}, not {value!r}")


def check_selection(value: object) -> None:
    if value is not None and not isinstance(value, SelectiveAccessDescriptor):
        raise EncodeError(f"access selection must be a SelectiveAccessDescriptor, not {value!r}")


def put_selection(out: bytearray, selection: SelectiveAccessDescriptor | None) -> None:
    if selection is None:
        out.append(0)
    else:
        out.append(1)
        selection.encode_into(out)


def read_selection(r: Reader) -> SelectiveAccessDescriptor | None:
    if r.optional("access-selection"):
        return SelectiveAccessDescriptor.read(r)
    return None


def put_result(out: bytearray, result: Any, what: str = "result") -> None:
    """Get-Data-Result: ``00`` + Data, or ``01`` + Data-Access-Result."""
    if isinstance(result, DataAccessResult):
        out.append(1)
        out.append(result)
    else:
        out.append(0)
        put_data(out, result, what)


def read_result(r: Reader, what: str = "Get-Data-Result") -> Any:
    at = r.pos
    choice = r.u8(f"the {what} choice")
    if choice == 0:
        return r.data(what)
    if choice == 1:
        return DataAccessResult(r.u8("data-access-result"))
    r.unknown_choice(what, choice, at)


def check_result(result: object, name: str = "result") -> None:
    """A Get-Data-Result must be a DataAccessResult or a value of an A-XDR type."""
    if not isinstance(result, DataAccessResult):
        try:
            type_of(result)
        except EncodeError as exc:
            raise EncodeError(f"{name}: {exc}") from None


@dataclass(frozen=True, slots=True)
class AttributeWithSelection:
    """Cosem-Attribute-Descriptor-With-Selection: an attribute and optional selective access."""

    attribute: CosemAttributeDescriptor
    access_selection: SelectiveAccessDescriptor | None = None

    def __post_init__(self) -> None:
        check_descriptor(self.attribute, CosemAttributeDescriptor)
        check_selection(self.access_selection)

    def encode_into(self, out: bytearray) -> None:
        self.attribute.encode_into(out)
        put_selection(out, self.access_selection)

    @classmethod
    def read(cls, r: Reader) -> AttributeWithSelection:
        attribute = CosemAttributeDescriptor.read(r)
        return cls(attribute, read_selection(r))


def put_attribute_list(out: bytearray, items: tuple[AttributeWithSelection, ...]) -> None:
    out += encode_length(len(items))
    for item in items:
        item.encode_into(out)


def read_attribute_list(r: Reader) -> tuple[AttributeWithSelection, ...]:
    count = r.count("attribute descriptors", 10)
    return tuple(AttributeWithSelection.read(r) for _ in range(count))


def check_attribute_list(items: object) -> None:
    if not isinstance(items, tuple) or not all(
        isinstance(i, AttributeWithSelection) for i in items
    ):
        raise EncodeError("attributes must be a tuple of AttributeWithSelection")


def choice_reader(what: str, choices: dict[int, Any]) -> Any:
    """A reader (``Callable[[Reader], Apdu]``) for an APDU whose second octet chooses the
    variant and whose third octet is the invoke-id-and-priority; each variant class has
    ``read_body(reader, invoke_id_and_priority)``."""

    def read(r: Reader) -> Apdu:
        r.u8("tag")
        at = r.pos
        choice = r.u8(f"the {what} choice")
        cls = choices.get(choice)
        if cls is None:
            r.unknown_choice(what, choice, at)
        iip = InvokeIdAndPriority.from_byte(r.u8("invoke-id-and-priority"))
        apdu: Apdu = cls.read_body(r, iip)
        return apdu

    return read


# -- DataBlock-SA (SET, ACTION): last-block, block-number, raw-data -----------------------------


def check_block(last_block: object, block_number: int, raw_data: object) -> None:
    if not isinstance(last_block, bool):
        raise EncodeError(f"last block must be a bool, not {last_block!r}")
    check_uint("block number", block_number, 32)
    check_bytes("raw data", raw_data)


def put_block(out: bytearray, last_block: bool, block_number: int, raw_data: bytes) -> None:
    out.append(1 if last_block else 0)
    out += block_number.to_bytes(4, "big")
    put_octet_string(out, raw_data)


def read_block(r: Reader) -> tuple[bool, int, bytes]:
    last = r.boolean("last-block")
    number = r.u32("block-number")
    return last, number, r.octet_string("raw-data")


def put_data_list(out: bytearray, values: tuple[Any, ...], what: str) -> None:
    out += encode_length(len(values))
    for index, value in enumerate(values):
        put_data(out, value, f"{what} [{index}]")


def read_data_list(r: Reader, what: str) -> tuple[Any, ...]:
    count = r.count(what, 1)
    return tuple(r.data(what) for _ in range(count))


def check_data_list(values: object, what: str) -> None:
    if not isinstance(values, tuple):
        raise EncodeError(f"{what} must be a tuple of Data")
    for index, value in enumerate(values):
        try:
            type_of(value)
        except EncodeError as exc:
            raise EncodeError(f"{what} [{index}]: {exc}") from None
