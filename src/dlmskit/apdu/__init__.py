"""The APDUs of IEC 62056-5-3 (DLMS/COSEM application layer): typed, immutable, exact.

Every APDU is a frozen slotted dataclass with ``encode() -> bytes``; :func:`decode` reads one
APDU from bytes, dispatching on its tag. Wire codes are IntEnum/IntFlag types; a result code
the standard does not name decodes to an ``UNKNOWN_<n>`` pseudo-member instead of failing.

>>> from dlmskit import apdu
>>> request = apdu.decode(bytes.fromhex("c001c100080000010000ff0200"))
>>> request.attribute.instance_id, request.attribute.attribute_id
(Obis('0-0:1.0.0*255'), 2)
>>> request.encode().hex()
'c001c100080000010000ff0200'
>>> aarq = apdu.AARQ(
...     apdu.ApplicationContextName.LOGICAL_NAME,
...     apdu.InitiateRequest(apdu.Conformance(0x007E1F), client_max_receive_pdu_size=1200),
... )
>>> aarq.encode().hex().upper()
'601DA109060760857405080101BE10040E01000000065F1F0400007E1F04B0'

What is where:

=========================  ====================================================================
:mod:`~.acse`              AARQ, AARE, RLRQ, RLRE (BER); application contexts, mechanisms 0-7,
                           result and diagnostics; :class:`AuthenticationValue` (never in repr)
:mod:`~.ber`               BER tags, lengths (long form everywhere), :class:`Oid`, bit strings
:mod:`~.xdlms`             InitiateRequest/Response, :class:`Conformance` (24 bits),
                           ConfirmedServiceError (every choice), ExceptionResponse
:mod:`~.get`, :mod:`~.set`, :mod:`~.action`
                           every LN service variant, requests and responses
:mod:`~.access`            access-request / access-response
:mod:`~.notification`      data-notification (three date-time forms), event-notification
:mod:`~.sn`                ReadRequest/Response, WriteRequest/Response, UnconfirmedWrite,
                           InformationReport, with every Variable-Access-Specification
:mod:`~.gbt`               general-block-transfer, its splitter and :class:`GbtReassembler`
:mod:`~.blocks`            datablock splitting for a negotiated PDU size, and reassembly
:mod:`~.ciphered`          ciphered containers for :mod:`dlmskit.security` (see there)
:mod:`~.common`            invoke-id-and-priority (short and long), descriptors, selective
                           access (range/entry descriptors), Data-Access-Result, Action-Result
:mod:`~.errors`            :class:`ApduDecodeError` (offset and APDU tag),
                           :class:`UnknownApduError`, :class:`UnknownChoiceError`,
                           :class:`BlockTransferError`, :class:`AccessParameterError`
=========================  ====================================================================

Bad input gives an :class:`ApduDecodeError`, never another exception: a server still learns
which service a broken request was for (``apdu_tag``) and can answer it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from dlmskit.apdu._codec import Apdu, Reader
from dlmskit.apdu.access import (
    AccessRequest,
    AccessRequestAction,
    AccessRequestGet,
    AccessRequestGetWithSelection,
    AccessRequestSet,
    AccessRequestSetWithSelection,
    AccessRequestSpecification,
    AccessResponse,
    AccessResponseAction,
    AccessResponseGet,
    AccessResponseSet,
    AccessResponseSpecification,
)
from dlmskit.apdu.acse import (
    AARE,
    AARQ,
    ACSE_AUTHENTICATION,
    RLRE,
    RLRQ,
    AcseServiceProvider,
    AcseServiceUser,
    ApplicationContextName,
    AssociationResult,
    AuthenticationValue,
    MechanismName,
    ReleaseRequestReason,
    ReleaseResponseReason,
    UserInformation,
)
from dlmskit.apdu.action import (
    ActionRequest,
    ActionRequestNextPblock,
    ActionRequestNormal,
    ActionRequestWithFirstPblock,
    ActionRequestWithList,
    ActionRequestWithListAndFirstPblock,
    ActionRequestWithPblock,
    ActionResponse,
    ActionResponseItem,
    ActionResponseNextPblock,
    ActionResponseNormal,
    ActionResponseWithList,
    ActionResponseWithPblock,
    read_action_request,
    read_action_response,
)
from dlmskit.apdu.ber import BerBitString, Oid
from dlmskit.apdu.blocks import BlockReassembler
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
from dlmskit.apdu.gbt import GbtReassembler, GbtStatus, GeneralBlockTransfer
from dlmskit.apdu.get import (
    AttributeWithSelection,
    GetRequest,
    GetRequestNext,
    GetRequestNormal,
    GetRequestWithList,
    GetResponse,
    GetResponseNormal,
    GetResponseWithDatablock,
    GetResponseWithList,
    read_get_request,
    read_get_response,
)
from dlmskit.apdu.notification import DataNotification, EventNotificationRequest
from dlmskit.apdu.set import (
    SetRequest,
    SetRequestNormal,
    SetRequestWithDatablock,
    SetRequestWithFirstDatablock,
    SetRequestWithList,
    SetRequestWithListAndFirstDatablock,
    SetResponse,
    SetResponseDatablock,
    SetResponseLastDatablock,
    SetResponseLastDatablockWithList,
    SetResponseNormal,
    SetResponseWithList,
    read_set_request,
    read_set_response,
)
from dlmskit.apdu.sn import (
    BlockNumberAccess,
    BlockNumberResult,
    DataBlockResult,
    InformationReportRequest,
    ParameterizedAccess,
    ReadDataBlockAccess,
    ReadRequest,
    ReadResponse,
    UnconfirmedWriteRequest,
    VariableAccessSpecification,
    VariableName,
    WriteDataBlockAccess,
    WriteRequest,
    WriteResponse,
)
from dlmskit.apdu.xdlms import (
    ConfirmedServiceError,
    Conformance,
    ErrorService,
    ExceptionResponse,
    ExceptionServiceError,
    InitiateRequest,
    InitiateResponse,
    ServiceErrorType,
    StateError,
)

__all__ = [
    "AARE",
    "AARQ",
    "ABSENT",
    "ACSE_AUTHENTICATION",
    "RLRE",
    "RLRQ",
    "Absent",
    "AccessParameterError",
    "AccessRequest",
    "AccessRequestAction",
    "AccessRequestGet",
    "AccessRequestGetWithSelection",
    "AccessRequestSet",
    "AccessRequestSetWithSelection",
    "AccessRequestSpecification",
    "AccessResponse",
    "AccessResponseAction",
    "AccessResponseGet",
    "AccessResponseSet",
    "AccessResponseSpecification",
    "AcseServiceProvider",
    "AcseServiceUser",
    "ActionRequest",
    "ActionRequestNextPblock",
    "ActionRequestNormal",
    "ActionRequestWithFirstPblock",
    "ActionRequestWithList",
    "ActionRequestWithListAndFirstPblock",
    "ActionRequestWithPblock",
    "ActionResponse",
    "ActionResponseItem",
    "ActionResponseNextPblock",
    "ActionResponseNormal",
    "ActionResponseWithList",
    "ActionResponseWithPblock",
    "ActionResult",
    "AgreedKey",
    "Apdu",
    "ApduDecodeError",
    "ApplicationContextName",
    "AssociationResult",
    "AttributeWithSelection",
    "AuthenticationValue",
    "BerBitString",
    "BlockNumberAccess",
    "BlockNumberResult",
    "BlockReassembler",
    "BlockTransferError",
    "CaptureObjectDefinition",
    "CipheredApdu",
    "CipheredTag",
    "ConfirmedServiceError",
    "Conformance",
    "CosemAttributeDescriptor",
    "CosemMethodDescriptor",
    "DataAccessResult",
    "DataBlockResult",
    "DataNotification",
    "EntryDescriptor",
    "ErrorService",
    "EventNotificationRequest",
    "ExceptionResponse",
    "ExceptionServiceError",
    "GbtReassembler",
    "GbtStatus",
    "GeneralBlockTransfer",
    "GeneralCiphering",
    "GeneralDedCiphering",
    "GeneralGloCiphering",
    "GeneralSigning",
    "GetRequest",
    "GetRequestNext",
    "GetRequestNormal",
    "GetRequestWithList",
    "GetResponse",
    "GetResponseNormal",
    "GetResponseWithDatablock",
    "GetResponseWithList",
    "IdentifiedKey",
    "InformationReportRequest",
    "InitiateRequest",
    "InitiateResponse",
    "InvokeIdAndPriority",
    "KekId",
    "KeyId",
    "KeyInfo",
    "LongInvokeIdAndPriority",
    "MechanismName",
    "Oid",
    "ParameterizedAccess",
    "Priority",
    "RangeDescriptor",
    "ReadDataBlockAccess",
    "ReadRequest",
    "ReadResponse",
    "ReleaseRequestReason",
    "ReleaseResponseReason",
    "SelectiveAccessDescriptor",
    "ServiceClass",
    "ServiceErrorType",
    "SetRequest",
    "SetRequestNormal",
    "SetRequestWithDatablock",
    "SetRequestWithFirstDatablock",
    "SetRequestWithList",
    "SetRequestWithListAndFirstDatablock",
    "SetResponse",
    "SetResponseDatablock",
    "SetResponseLastDatablock",
    "SetResponseLastDatablockWithList",
    "SetResponseNormal",
    "SetResponseWithList",
    "StateError",
    "UnconfirmedWriteRequest",
    "UnknownApduError",
    "UnknownChoiceError",
    "UserInformation",
    "VariableAccessSpecification",
    "VariableName",
    "WrappedKey",
    "WriteDataBlockAccess",
    "WriteRequest",
    "WriteResponse",
    "decode",
]

_Read = Callable[[Reader], Apdu]

_READERS: Final[dict[int, _Read]] = {}
for _tag in CipheredTag:
    _READERS[_tag] = CipheredApdu.read
for _cls in (
    GeneralGloCiphering,
    GeneralDedCiphering,
    GeneralCiphering,
    GeneralSigning,
    InitiateRequest,
    InitiateResponse,
    ConfirmedServiceError,
    ExceptionResponse,
    AARQ,
    AARE,
    RLRQ,
    RLRE,
    AccessRequest,
    AccessResponse,
    DataNotification,
    EventNotificationRequest,
    GeneralBlockTransfer,
    ReadRequest,
    ReadResponse,
    WriteRequest,
    WriteResponse,
    UnconfirmedWriteRequest,
    InformationReportRequest,
):
    _READERS[_cls.TAG] = _cls.read
_READERS[0xC0] = read_get_request
_READERS[0xC4] = read_get_response
_READERS[0xC1] = read_set_request
_READERS[0xC5] = read_set_response
_READERS[0xC3] = read_action_request
_READERS[0xC7] = read_action_response


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
