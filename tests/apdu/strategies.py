"""Hypothesis strategies: a value of every APDU type of :mod:`dlmskit.apdu`."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from axdr_strategies import data_values
from dlmskit.apdu import (
    AARE,
    AARQ,
    ABSENT,
    RLRE,
    RLRQ,
    AccessRequest,
    AccessRequestAction,
    AccessRequestGet,
    AccessRequestGetWithSelection,
    AccessRequestSet,
    AccessRequestSetWithSelection,
    AccessResponse,
    AccessResponseAction,
    AccessResponseGet,
    AccessResponseSet,
    AcseServiceProvider,
    AcseServiceUser,
    ActionRequestNextPblock,
    ActionRequestNormal,
    ActionRequestWithFirstPblock,
    ActionRequestWithList,
    ActionRequestWithListAndFirstPblock,
    ActionRequestWithPblock,
    ActionResponseItem,
    ActionResponseNextPblock,
    ActionResponseNormal,
    ActionResponseWithList,
    ActionResponseWithPblock,
    ActionResult,
    AgreedKey,
    AssociationResult,
    AttributeWithSelection,
    AuthenticationValue,
    BerBitString,
    BlockNumberAccess,
    BlockNumberResult,
    CipheredApdu,
    CipheredTag,
    ConfirmedServiceError,
    Conformance,
    CosemAttributeDescriptor,
    CosemMethodDescriptor,
    DataAccessResult,
    DataBlockResult,
    DataNotification,
    ErrorService,
    EventNotificationRequest,
    ExceptionResponse,
    ExceptionServiceError,
    GeneralBlockTransfer,
    GeneralCiphering,
    GeneralDedCiphering,
    GeneralGloCiphering,
    GeneralSigning,
    GetRequestNext,
    GetRequestNormal,
    GetRequestWithList,
    GetResponseNormal,
    GetResponseWithDatablock,
    GetResponseWithList,
    IdentifiedKey,
    InformationReportRequest,
    InitiateRequest,
    InitiateResponse,
    InvokeIdAndPriority,
    KekId,
    KeyId,
    LongInvokeIdAndPriority,
    Oid,
    ParameterizedAccess,
    ReadDataBlockAccess,
    ReadRequest,
    ReadResponse,
    SelectiveAccessDescriptor,
    ServiceErrorType,
    SetRequestNormal,
    SetRequestWithDatablock,
    SetRequestWithFirstDatablock,
    SetRequestWithList,
    SetRequestWithListAndFirstDatablock,
    SetResponseDatablock,
    SetResponseLastDatablock,
    SetResponseLastDatablockWithList,
    SetResponseNormal,
    SetResponseWithList,
    StateError,
    UnconfirmedWriteRequest,
    VariableName,
    WrappedKey,
    WriteDataBlockAccess,
    WriteRequest,
    WriteResponse,
)
from dlmskit.cosem import Obis

u8 = st.integers(0, 0xFF)
u16 = st.integers(0, 0xFFFF)
u32 = st.integers(0, 0xFFFFFFFF)
i8 = st.integers(-128, 127)
octets = st.binary(max_size=40)
long_octets = st.binary(max_size=300)
small_data: st.SearchStrategy[Any] = data_values
iips = u8.map(InvokeIdAndPriority.from_byte)
long_iips = u32.map(LongInvokeIdAndPriority.from_int)
obis = st.binary(min_size=6, max_size=6).map(lambda b: Obis(*b))
attributes = st.builds(CosemAttributeDescriptor, u16, obis, i8)
methods = st.builds(CosemMethodDescriptor, u16, obis, i8)
selections = st.builds(SelectiveAccessDescriptor, u8, small_data)
optional_selections = st.none() | selections
with_selection = st.builds(AttributeWithSelection, attributes, optional_selections)
access_results = u8.map(DataAccessResult)
action_results = u8.map(ActionResult)
get_data_results = small_data | access_results
tuples = st.lists  # alias for readability below


def tuple_of(strategy: st.SearchStrategy[Any], max_size: int = 4) -> st.SearchStrategy[Any]:
    return st.lists(strategy, max_size=max_size).map(tuple)


conformances = st.integers(0, (1 << 24) - 1).map(Conformance)

# -- xDLMS --------------------------------------------------------------------------------------

initiate_requests = st.builds(
    InitiateRequest,
    conformances,
    u16,
    u8,
    st.none() | octets,
    st.booleans(),
    st.none() | i8,
)
initiate_responses = st.builds(InitiateResponse, conformances, u16, u8, u16, st.none() | i8)
_SERVICE_ERROR_TYPES = list(ServiceErrorType)
confirmed_service_errors = st.builds(
    ConfirmedServiceError,
    st.sampled_from(list(ErrorService)),
    st.sampled_from(_SERVICE_ERROR_TYPES),
    u8,
)


@st.composite
def exception_responses(draw: st.DrawFn) -> ExceptionResponse:
    state = StateError(draw(u8))
    service = ExceptionServiceError(draw(u8))
    counter = None
    if service == ExceptionServiceError.INVOCATION_COUNTER_ERROR:
        counter = draw(st.none() | u32)
    return ExceptionResponse(state, service, counter)


# -- ciphered -----------------------------------------------------------------------------------

ciphered = st.builds(CipheredApdu, st.sampled_from(list(CipheredTag)), u8, u32, long_octets)
key_infos = st.none() | st.one_of(
    st.builds(IdentifiedKey, u8.map(KeyId)),
    st.builds(WrappedKey, u8.map(KekId), octets),
    st.builds(AgreedKey, octets, octets),
)
general_glo = st.builds(GeneralGloCiphering, octets, u8, u32, long_octets)
general_ded = st.builds(GeneralDedCiphering, octets, u8, u32, long_octets)
general_ciphering = st.builds(
    GeneralCiphering, octets, octets, octets, octets, octets, key_infos, u8, u32, long_octets
)
general_signing = st.builds(
    GeneralSigning, octets, octets, octets, octets, octets, long_octets, octets
)
_USER_INFO_TAGS = [
    CipheredTag.GLO_INITIATE_REQUEST,
    CipheredTag.GLO_INITIATE_RESPONSE,
    CipheredTag.GLO_CONFIRMED_SERVICE_ERROR,
    CipheredTag.DED_INITIATE_REQUEST,
    CipheredTag.DED_INITIATE_RESPONSE,
    CipheredTag.DED_CONFIRMED_SERVICE_ERROR,
]
user_information = st.none() | st.one_of(
    initiate_requests,
    initiate_responses,
    confirmed_service_errors,
    st.builds(CipheredApdu, st.sampled_from(_USER_INFO_TAGS), u8, u32, long_octets),
    general_glo,
    general_ded,
    general_ciphering,
)

# -- ACSE ---------------------------------------------------------------------------------------

oids = st.builds(
    lambda first, second, rest: Oid((first, second % 40 if first < 2 else second, *rest)),
    st.integers(0, 2),
    st.integers(0, 500),
    st.lists(st.integers(0, 2**40), max_size=8),
)
bit_strings = st.builds(
    lambda data, unused: BerBitString(data, unused if data else 0), octets, st.integers(0, 7)
)
auth_values = st.one_of(
    st.builds(AuthenticationValue, octets),
    st.builds(
        lambda data, unused: AuthenticationValue(
            data, bitstring=True, unused_bits=unused if data else 0
        ),
        octets,
        st.integers(0, 7),
    ),
)
integers = st.integers(-(2**70), 2**70)
opt_bytes = st.none() | octets
opt_int = st.none() | integers

aarqs = st.builds(
    AARQ,
    application_context_name=oids,
    user_information=user_information,
    calling_ap_title=opt_bytes,
    sender_acse_requirements=st.none() | bit_strings,
    mechanism_name=st.none() | oids,
    calling_authentication_value=st.none() | auth_values,
    calling_ae_qualifier=opt_bytes,
    calling_ap_invocation_id=opt_int,
    calling_ae_invocation_id=opt_int,
    called_ap_title=opt_bytes,
    called_ae_qualifier=opt_bytes,
    called_ap_invocation_id=opt_int,
    called_ae_invocation_id=opt_int,
    implementation_information=opt_bytes,
    protocol_version=st.none() | bit_strings,
)
aares = st.builds(
    AARE,
    result=st.integers(-(2**20), 2**20).map(AssociationResult),
    result_source_diagnostic=st.one_of(u8.map(AcseServiceUser), u8.map(AcseServiceProvider)),
    application_context_name=oids,
    user_information=user_information,
    responding_ap_title=opt_bytes,
    responder_acse_requirements=st.none() | bit_strings,
    mechanism_name=st.none() | oids,
    responding_authentication_value=st.none() | auth_values,
    responding_ae_qualifier=opt_bytes,
    responding_ap_invocation_id=opt_int,
    responding_ae_invocation_id=opt_int,
    implementation_information=opt_bytes,
    protocol_version=st.none() | bit_strings,
)
rlrqs = st.builds(RLRQ, st.none() | integers, user_information)
rlres = st.builds(RLRE, st.none() | integers, user_information)

# -- LN services --------------------------------------------------------------------------------

get_requests = st.one_of(
    st.builds(GetRequestNormal, iips, attributes, optional_selections),
    st.builds(GetRequestNext, iips, u32),
    st.builds(GetRequestWithList, iips, tuple_of(with_selection)),
)
get_responses = st.one_of(
    st.builds(GetResponseNormal, iips, get_data_results),
    st.builds(GetResponseWithDatablock, iips, st.booleans(), u32, long_octets | access_results),
    st.builds(GetResponseWithList, iips, tuple_of(get_data_results)),
)
set_requests = st.one_of(
    st.builds(SetRequestNormal, iips, attributes, small_data, optional_selections),
    st.builds(
        SetRequestWithFirstDatablock,
        iips,
        attributes,
        st.booleans(),
        u32,
        long_octets,
        optional_selections,
    ),
    st.builds(SetRequestWithDatablock, iips, st.booleans(), u32, long_octets),
    st.builds(SetRequestWithList, iips, tuple_of(with_selection), tuple_of(small_data)),
    st.builds(
        SetRequestWithListAndFirstDatablock,
        iips,
        tuple_of(with_selection),
        st.booleans(),
        u32,
        long_octets,
    ),
)
set_responses = st.one_of(
    st.builds(SetResponseNormal, iips, access_results),
    st.builds(SetResponseDatablock, iips, u32),
    st.builds(SetResponseLastDatablock, iips, access_results, u32),
    st.builds(SetResponseLastDatablockWithList, iips, tuple_of(access_results, 10), u32),
    st.builds(SetResponseWithList, iips, tuple_of(access_results, 10)),
)
optional_data = st.just(ABSENT) | small_data
action_items = st.builds(ActionResponseItem, action_results, st.just(ABSENT) | get_data_results)
action_requests = st.one_of(
    st.builds(ActionRequestNormal, iips, methods, optional_data),
    st.builds(ActionRequestNextPblock, iips, u32),
    st.builds(ActionRequestWithList, iips, tuple_of(methods), tuple_of(small_data)),
    st.builds(ActionRequestWithFirstPblock, iips, methods, st.booleans(), u32, long_octets),
    st.builds(
        ActionRequestWithListAndFirstPblock,
        iips,
        tuple_of(methods),
        st.booleans(),
        u32,
        long_octets,
    ),
    st.builds(ActionRequestWithPblock, iips, st.booleans(), u32, long_octets),
)
action_responses = st.one_of(
    st.builds(ActionResponseNormal, iips, action_results, st.just(ABSENT) | get_data_results),
    st.builds(ActionResponseWithPblock, iips, st.booleans(), u32, long_octets),
    st.builds(ActionResponseWithList, iips, tuple_of(action_items)),
    st.builds(ActionResponseNextPblock, iips, u32),
)
access_specifications = st.one_of(
    st.builds(AccessRequestGet, attributes),
    st.builds(AccessRequestSet, attributes),
    st.builds(AccessRequestAction, methods),
    st.builds(AccessRequestGetWithSelection, attributes, selections),
    st.builds(AccessRequestSetWithSelection, attributes, selections),
)
access_results_spec = st.one_of(
    st.builds(AccessResponseGet, access_results),
    st.builds(AccessResponseSet, access_results),
    st.builds(AccessResponseAction, action_results),
)
access_requests = st.builds(
    AccessRequest, long_iips, tuple_of(access_specifications), tuple_of(small_data), octets
)
access_responses = st.builds(
    AccessResponse,
    long_iips,
    tuple_of(small_data),
    tuple_of(access_results_spec),
    st.none() | tuple_of(access_specifications),
    octets,
)

# -- notifications ------------------------------------------------------------------------------

twelve = st.binary(min_size=12, max_size=12)
data_notifications = st.one_of(
    st.builds(
        DataNotification,
        long_iips,
        small_data,
        octets.filter(lambda b: not (len(b) == 9 and b[:1] == b"\x0c")),
        st.just(False),
    ),
    st.builds(DataNotification, long_iips, small_data, twelve, st.just(True)),
)
event_notifications = st.one_of(
    st.builds(EventNotificationRequest, attributes, small_data, st.none() | octets, st.just(False)),
    st.builds(EventNotificationRequest, attributes, small_data, twelve, st.just(True)),
)

# -- SN -------------------------------------------------------------------------------------------

variables = st.one_of(
    st.builds(VariableName, u16),
    st.builds(ParameterizedAccess, u16, u8, small_data),
    st.builds(BlockNumberAccess, u16),
    st.builds(ReadDataBlockAccess, st.booleans(), u16, octets),
    st.builds(WriteDataBlockAccess, st.booleans(), u16),
)
read_results = st.one_of(
    small_data,
    access_results,
    st.builds(DataBlockResult, st.booleans(), u16, octets),
    st.builds(BlockNumberResult, u16),
)
sn_apdus = st.one_of(
    st.builds(ReadRequest, tuple_of(variables)),
    st.builds(ReadResponse, tuple_of(read_results)),
    st.builds(WriteRequest, tuple_of(variables), tuple_of(small_data)),
    st.builds(UnconfirmedWriteRequest, tuple_of(variables), tuple_of(small_data)),
    st.builds(WriteResponse, tuple_of(access_results | st.builds(BlockNumberResult, u16))),
    st.builds(InformationReportRequest, tuple_of(variables), tuple_of(small_data), octets),
)

gbts = st.builds(
    GeneralBlockTransfer, u16, u16, long_octets, st.booleans(), st.booleans(), st.integers(0, 63)
)

#: every APDU type, by name (for per-type property tests)
ALL: dict[str, st.SearchStrategy[Any]] = {
    "initiate-request": initiate_requests,
    "initiate-response": initiate_responses,
    "confirmed-service-error": confirmed_service_errors,
    "exception-response": exception_responses(),
    "ciphered": ciphered,
    "general-glo-ciphering": general_glo,
    "general-ded-ciphering": general_ded,
    "general-ciphering": general_ciphering,
    "general-signing": general_signing,
    "aarq": aarqs,
    "aare": aares,
    "rlrq": rlrqs,
    "rlre": rlres,
    "get-request": get_requests,
    "get-response": get_responses,
    "set-request": set_requests,
    "set-response": set_responses,
    "action-request": action_requests,
    "action-response": action_responses,
    "access-request": access_requests,
    "access-response": access_responses,
    "data-notification": data_notifications,
    "event-notification": event_notifications,
    "sn": sn_apdus,
    "general-block-transfer": gbts,
}

any_apdu: st.SearchStrategy[Any] = st.one_of(*ALL.values())
