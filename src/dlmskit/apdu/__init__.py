"""The APDUs of IEC 62056-5-3 (DLMS/COSEM application layer): typed, immutable, exact.

Every APDU is a frozen slotted dataclass with ``encode() -> bytes``; :func:`decode` reads one
APDU from bytes, dispatching on its tag. Bad input gives an
:class:`~dlmskit.apdu.errors.ApduDecodeError` carrying the offset and the APDU tag (an
unknown first octet: :class:`~dlmskit.apdu.errors.UnknownApduError`), never another
exception.

>>> from dlmskit import apdu
>>> request = apdu.decode(bytes.fromhex("c001c100080000010000ff0200"))
>>> request.attribute.instance_id, request.attribute.attribute_id
(Obis('0-0:1.0.0*255'), 2)
>>> request.encode().hex()
'c001c100080000010000ff0200'
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from dlmskit.apdu._codec import Apdu, Reader
from dlmskit.apdu.ciphered import (
    AgreedKey,
    CipheredApdu,
    CipheredTag,
    GeneralCiphering,
    GeneralDedCiphering,
    GeneralGloCiphering,
    GeneralSigning,
    IdentifiedKey,
    KekId,
    KeyId,
    KeyInfo,
    WrappedKey,
)
from dlmskit.apdu.common import (
    ABSENT,
    Absent,
    ActionResult,
    CaptureObjectDefinition,
    CosemAttributeDescriptor,
    CosemMethodDescriptor,
    DataAccessResult,
    EntryDescriptor,
    InvokeIdAndPriority,
    LongInvokeIdAndPriority,
    Priority,
    RangeDescriptor,
    SelectiveAccessDescriptor,
    ServiceClass,
)
from dlmskit.apdu.errors import (
    AccessParameterError,
    ApduDecodeError,
    BlockTransferError,
    UnknownApduError,
    UnknownChoiceError,
)

__all__ = [
    "ABSENT",
    "Absent",
    "AccessParameterError",
    "ActionResult",
    "AgreedKey",
    "Apdu",
    "ApduDecodeError",
    "BlockTransferError",
    "CaptureObjectDefinition",
    "CipheredApdu",
    "CipheredTag",
    "CosemAttributeDescriptor",
    "CosemMethodDescriptor",
    "DataAccessResult",
    "EntryDescriptor",
    "GeneralCiphering",
    "GeneralDedCiphering",
    "GeneralGloCiphering",
    "GeneralSigning",
    "IdentifiedKey",
    "InvokeIdAndPriority",
    "KekId",
    "KeyId",
    "KeyInfo",
    "LongInvokeIdAndPriority",
    "Priority",
    "RangeDescriptor",
    "SelectiveAccessDescriptor",
    "ServiceClass",
    "UnknownApduError",
    "UnknownChoiceError",
    "WrappedKey",
    "decode",
]

_Read = Callable[[Reader], Apdu]

_READERS: Final[dict[int, _Read]] = {}
for _tag in CipheredTag:
    _READERS[_tag] = CipheredApdu.read
for _cls in (GeneralGloCiphering, GeneralDedCiphering, GeneralCiphering, GeneralSigning):
    _READERS[_cls.TAG] = _cls.read


def decode(data: bytes | bytearray | memoryview) -> Apdu:
    """Decode exactly one APDU; trailing octets are an error."""
    buf = data if isinstance(data, bytes) else bytes(data)
    if not buf:
        raise ApduDecodeError("an APDU tag, found end of input", 0)
    tag = buf[0]
    read = _READERS.get(tag)
    if read is None:
        raise UnknownApduError(tag)
    reader = Reader(buf, 0, len(buf), tag)
    apdu = read(reader)
    reader.done()
    return apdu
