"""The meter's association machine: establishing, authenticating and releasing associations.

The AARQ stimuli of the DLMS UA conformance tests come from ``normative.json`` (``ctt-*``),
the expected AAREs from the dlms-cosem vectors in ``realworld.json``; the rest is built with
the APDU codec.
"""

from __future__ import annotations

import pytest

from _meter import (
    CLIENT_TITLE,
    KEYS,
    METER_TITLE,
    NOW,
    PASSWORD,
    POLICY,
    SecureClient,
    aarq,
    ask,
    associate,
    iip,
    meter,
)
from _vectors import by_id
from dlmskit import apdu
from dlmskit.apdu import (
    AARE,
    RLRE,
    RLRQ,
    AcseServiceProvider,
    AcseServiceUser,
    ActionRequestNormal,
    ActionResponseNormal,
    ApplicationContextName,
    AssociationResult,
    BerBitString,
    ConfirmedServiceError,
    Conformance,
    CosemMethodDescriptor,
    ExceptionResponse,
    GetRequestNormal,
    GetResponseNormal,
    InitiateRequest,
    InitiateResponse,
    MechanismName,
)
from dlmskit.apdu.xdlms import ApplicationReference, Initiate
from dlmskit.association import Ciphering, SecurityContext
from dlmskit.association.server import (
    Associated,
    AssociationRefused,
    AuthenticationFailed,
    Released,
    ServerState,
)
from dlmskit.axdr import Long
from dlmskit.model.enums import AssociationStatus
from dlmskit.model.objects import AssociationLN
from dlmskit.security import InvocationCounter

CLOCK_TIME = GetRequestNormal(iip(), apdu.CosemAttributeDescriptor(8, "0-0:1.0.0", 2))


def _aare(data: bytes) -> AARE:
    decoded = apdu.decode(data)
    assert isinstance(decoded, AARE)
    return decoded


# -- the conformance test stimuli ------------------------------------------------------------------


def test_ctt_wrong_application_context() -> None:
    vector = by_id("normative", "ctt-aarq-wrong-app-context")
    machine = meter()
    answer = _aare(machine.receive(bytes.fromhex(vector["hex"]), NOW)[0])
    assert answer.result is AssociationResult.REJECTED_PERMANENT
    assert answer.result_source_diagnostic is AcseServiceUser.APPLICATION_CONTEXT_NAME_NOT_SUPPORTED
    assert answer.context is ApplicationContextName.LOGICAL_NAME
    assert machine.state is ServerState.IDLE
    assert isinstance(machine.next_event(), AssociationRefused)


def test_ctt_dlms_version_7_is_refused_as_the_real_meter_answers() -> None:
    stimulus = by_id("normative", "ctt-aarq-dlms-version-7")
    expected = by_id("realworld", "dlmscosem-aare-dlms-version-too-low")
    answer = meter().receive(bytes.fromhex(stimulus["hex"]), NOW)
    assert answer == [bytes.fromhex(expected["hex"])]


def test_ctt_pdu_size_too_short() -> None:
    vector = by_id("normative", "ctt-aarq-pdu-size-11")
    answer = _aare(meter().receive(bytes.fromhex(vector["hex"]), NOW)[0])
    assert answer.result is AssociationResult.REJECTED_PERMANENT
    assert answer.user_information == ConfirmedServiceError(
        apdu.ErrorService.INITIATE_ERROR,
        apdu.ServiceErrorType.INITIATE,
        Initiate.PDU_SIZE_TOO_SHORT,
    )


def test_ctt_unused_aarq_fields_with_dummy_values_are_ignored() -> None:
    # T_APPL_OPEN_5: called AP title / AE qualifier / invocation ids present with dummy values
    stimulus = bytes.fromhex(
        "6036A109060760857405080101A203040144A303040144A403020100A503020100A803020100"
        "BE10040E01000000065F1F040060FE9FFFFF"
    )
    machine = meter()
    answer = _aare(machine.receive(stimulus, NOW)[0])
    assert answer.result is AssociationResult.ACCEPTED
    assert machine.state is ServerState.ASSOCIATED


def test_accepted_aare_is_the_green_book_form() -> None:
    expected = by_id("realworld", "dlmscosem-aare-accepted")
    machine = meter()
    answer = _aare(machine.receive(aarq(conformance=0x00501F, max_pdu=500).encode(), NOW)[0])
    reference = _aare(bytes.fromhex(expected["hex"]))
    assert (answer.result, answer.result_source_diagnostic) == (
        reference.result,
        reference.result_source_diagnostic,
    )
    info = answer.user_information
    assert isinstance(info, InitiateResponse)
    assert info.negotiated_conformance == Conformance(0x00501F) & machine.supported
    assert info.vaa_name == 0x0007 and info.negotiated_dlms_version_number == 6
    event = machine.next_event()
    assert isinstance(event, Associated) and event.client_max_receive_pdu_size == 500


@pytest.mark.parametrize(
    ("octets", "unused", "accepted"),
    [(b"\x80", 7, True), (b"\x40", 6, False), (b"\xc0", 6, True)],
)
def test_protocol_version(octets: bytes, unused: int, accepted: bool) -> None:
    answer = associate(meter(), protocol_version=BerBitString(octets, unused))
    if accepted:
        assert answer.result is AssociationResult.ACCEPTED
    else:
        assert answer.result is AssociationResult.REJECTED_PERMANENT
        assert answer.result_source_diagnostic is AcseServiceProvider.NO_COMMON_ACSE_VERSION


def test_no_common_conformance() -> None:
    answer = associate(meter(), conformance=int(Conformance.READ))
    assert answer.user_information == ConfirmedServiceError(
        apdu.ErrorService.INITIATE_ERROR,
        apdu.ServiceErrorType.INITIATE,
        Initiate.INCOMPATIBLE_CONFORMANCE,
    )


def test_dedicated_key_without_ciphering_is_refused() -> None:
    initiate = InitiateRequest(Conformance(0x1E1F), 1024, dedicated_key=bytes(16))
    answer = associate(meter(), user_information=initiate)
    assert answer.result is AssociationResult.REJECTED_PERMANENT
    assert isinstance(answer.user_information, ConfirmedServiceError)


def test_conformance_is_proposed_and_supported_then_enforced() -> None:
    machine = meter()
    answer = associate(machine, conformance=int(Conformance.GET | Conformance.READ))
    assert isinstance(answer.user_information, InitiateResponse)
    assert answer.user_information.negotiated_conformance == Conformance.GET
    assert isinstance(ask(machine, CLOCK_TIME), GetResponseNormal)
    refused = ask(
        machine,
        apdu.SetRequestNormal(iip(), apdu.CosemAttributeDescriptor(8, "0-0:1.0.0", 3), Long(0)),
    )
    assert refused == ExceptionResponse(
        apdu.StateError.SERVICE_NOT_ALLOWED, apdu.ExceptionServiceError.SERVICE_NOT_SUPPORTED
    )


def test_request_before_association_is_not_served_and_the_state_stays() -> None:
    machine = meter()
    assert ask(machine, CLOCK_TIME) == ExceptionResponse(
        apdu.StateError.SERVICE_NOT_ALLOWED, apdu.ExceptionServiceError.OPERATION_NOT_POSSIBLE
    )
    assert machine.state is ServerState.IDLE
    associate(machine)
    assert isinstance(ask(machine, CLOCK_TIME), GetResponseNormal)


def test_release_and_reassociate() -> None:
    machine = meter()
    associate(machine)
    assert ask(machine, RLRQ()) == RLRE()
    assert machine.state is ServerState.IDLE
    assert isinstance(machine.events()[-1], Released)
    assert isinstance(ask(machine, CLOCK_TIME), ExceptionResponse)
    associate(machine)
    assert isinstance(ask(machine, CLOCK_TIME), GetResponseNormal)


def test_a_second_aarq_replaces_the_association() -> None:
    machine = meter()
    associate(machine, conformance=int(Conformance.GET))
    associate(machine)
    assert machine.negotiated_conformance & Conformance.SET


def test_link_lost_ends_the_association() -> None:
    machine = meter()
    associate(machine)
    machine.close()
    assert machine.state is ServerState.IDLE
    assert machine.association.status is AssociationStatus.NON_ASSOCIATED


def test_undecodable_aarq_is_refused() -> None:
    answer = _aare(meter().receive(bytes.fromhex("6005a1030601"), NOW)[0])
    assert answer.result is AssociationResult.REJECTED_PERMANENT


# -- low level security ------------------------------------------------------------------------


def test_lls_with_the_right_password() -> None:
    machine = meter(32)
    answer = associate(machine, mechanism=MechanismName.LOW, value=PASSWORD)
    assert answer.result is AssociationResult.ACCEPTED
    assert answer.mechanism is MechanismName.LOW
    assert machine.association.status is AssociationStatus.ASSOCIATED


@pytest.mark.parametrize(
    ("mechanism", "value", "diagnostic"),
    [
        (MechanismName.LOW, b"wrong", AcseServiceUser.AUTHENTICATION_FAILURE),
        (MechanismName.LOW, None, AcseServiceUser.AUTHENTICATION_FAILURE),
        (None, None, AcseServiceUser.AUTHENTICATION_MECHANISM_NAME_REQUIRED),
        (
            MechanismName.HIGH_GMAC,
            b"12345678",
            AcseServiceUser.AUTHENTICATION_MECHANISM_NAME_NOT_RECOGNISED,
        ),
    ],
)
def test_lls_refusals(
    mechanism: MechanismName | None, value: bytes | None, diagnostic: AcseServiceUser
) -> None:
    machine = meter(32)
    answer = associate(machine, mechanism=mechanism, value=value)
    assert answer.result is AssociationResult.REJECTED_PERMANENT
    assert answer.result_source_diagnostic is diagnostic
    assert machine.state is ServerState.IDLE


# -- high level security with ciphering --------------------------------------------------------


def test_hls_gmac_with_authenticated_encryption() -> None:
    machine = meter(1)
    client = SecureClient(machine)
    aare = client.associate()
    assert aare.result is AssociationResult.ACCEPTED
    assert aare.result_source_diagnostic is AcseServiceUser.AUTHENTICATION_REQUIRED
    assert aare.responding_ap_title == METER_TITLE
    assert aare.mechanism is MechanismName.HIGH_GMAC
    assert isinstance(aare.user_information, apdu.CipheredApdu)  # glo-initiateResponse
    info = apdu.decode(client.ciphering.unprotect(aare.user_information.encode()).plaintext)
    assert isinstance(info, InitiateResponse)
    assert machine.state is ServerState.AUTHENTICATING
    assert machine.association.status is AssociationStatus.ASSOCIATION_PENDING
    # only pass 3 is served now
    assert client.request(CLOCK_TIME) == ExceptionResponse(
        apdu.StateError.SERVICE_NOT_ALLOWED, apdu.ExceptionServiceError.OPERATION_NOT_POSSIBLE
    )
    reply = client.authenticate()
    assert isinstance(reply, ActionResponseNormal) and reply.result is apdu.ActionResult.SUCCESS
    client.check_f_ctos(reply.return_parameters)
    assert machine.state is ServerState.ASSOCIATED
    assert machine.association.status is AssociationStatus.ASSOCIATED
    assert isinstance(machine.events()[-1], Associated)
    answer = client.send(CLOCK_TIME)
    assert answer[0][0] == 0xCC  # glo-get-response
    assert isinstance(apdu.decode(client.open(answer[0])), GetResponseNormal)


def test_hls_gmac_wrong_f_stoc_fails_and_leaves_the_client_unassociated() -> None:
    machine = meter(1)
    client = SecureClient(machine)
    client.associate()
    method = CosemMethodDescriptor(15, "0-0:40.0.0", 1)
    forged = bytearray(client.f_stoc())
    forged[-1] ^= 1
    reply = client.request(ActionRequestNormal(iip(), method, bytes(forged)))
    assert isinstance(reply, ActionResponseNormal) and reply.result is not apdu.ActionResult.SUCCESS
    assert machine.state is ServerState.IDLE
    assert any(isinstance(e, AuthenticationFailed) for e in machine.events())
    assert machine.association.status is AssociationStatus.NON_ASSOCIATED


def test_ciphered_association_needs_the_client_system_title() -> None:
    machine = meter(1)
    client = SecureClient(machine)
    request = client.aarq(calling_ap_title=b"short")
    answer = _aare(machine.receive(request.encode(), NOW)[0])
    assert answer.result_source_diagnostic is AcseServiceUser.CALLING_AP_TITLE_NOT_RECOGNIZED


def test_plain_initiate_request_in_a_ciphered_context_is_refused() -> None:
    machine = meter(1)
    request = aarq(
        context=ApplicationContextName.LOGICAL_NAME_WITH_CIPHERING,
        mechanism=MechanismName.HIGH_GMAC,
        value=b"0123456789abcdef",
        calling_ap_title=CLIENT_TITLE,
    )
    answer = _aare(machine.receive(request.encode(), NOW)[0])
    assert answer.result is AssociationResult.REJECTED_PERMANENT
    assert answer.user_information == ConfirmedServiceError(
        apdu.ErrorService.INITIATE_ERROR,
        apdu.ServiceErrorType.APPLICATION_REFERENCE,
        ApplicationReference.DECIPHERING_ERROR,
    )


def test_initiate_request_ciphered_with_the_wrong_key_is_refused() -> None:
    from dlmskit.security import Key, SymmetricKeys

    machine = meter(1)
    client = SecureClient(machine)
    client.ciphering = Ciphering(
        SecurityContext(
            SymmetricKeys(unicast=Key(bytes(16)), authentication=Key(bytes(16))),
            CLIENT_TITLE,
            POLICY,
        ),
        client=True,
    )
    answer = _aare(machine.receive(client.aarq().encode(), NOW)[0])
    assert answer.result is AssociationResult.REJECTED_PERMANENT
    assert isinstance(answer.user_information, ConfirmedServiceError)


def test_dedicated_key_is_used_for_the_responses() -> None:
    machine = meter(1)
    client = SecureClient(machine, dedicated_key=bytes(range(0x60, 0x70)))
    client.associate()
    client.authenticate()
    answer = client.send(CLOCK_TIME)
    assert answer[0][0] == 0xD4  # ded-get-response
    assert isinstance(apdu.decode(client.open(answer[0])), GetResponseNormal)


def test_replayed_and_plain_requests_are_refused() -> None:
    machine = meter(1)
    client = SecureClient(machine)
    client.associate()
    client.authenticate()
    sent = client.ciphering.protect(CLOCK_TIME.encode())
    assert len(machine.receive(sent, NOW)) == 1
    replay = apdu.decode(machine.receive(sent, NOW)[0])
    assert isinstance(replay, ExceptionResponse)
    assert replay.service_error is apdu.ExceptionServiceError.INVOCATION_COUNTER_ERROR
    assert replay.invocation_counter == client.ciphering.counter.value
    plain = apdu.decode(machine.receive(CLOCK_TIME.encode(), NOW)[0])
    assert plain == ExceptionResponse(
        apdu.StateError.SERVICE_NOT_ALLOWED, apdu.ExceptionServiceError.OPERATION_NOT_POSSIBLE
    )
    garbage = bytearray(client.ciphering.protect(CLOCK_TIME.encode()))
    garbage[-1] ^= 0xFF
    refused = apdu.decode(machine.receive(bytes(garbage), NOW)[0])
    assert refused == ExceptionResponse(
        apdu.StateError.SERVICE_NOT_ALLOWED, apdu.ExceptionServiceError.DECIPHERING_ERROR
    )
    assert machine.state is ServerState.ASSOCIATED


def test_general_glo_ciphering_is_answered_in_kind() -> None:
    machine = meter(1)
    client = SecureClient(machine)
    client.associate()
    client.authenticate()
    answer = client.send(CLOCK_TIME, general=True)
    assert answer[0][0] == 0xDB
    assert isinstance(apdu.decode(client.open(answer[0])), GetResponseNormal)


def test_ciphered_release_answers_the_initiate_response() -> None:
    machine = meter(1)
    client = SecureClient(machine)
    client.associate()
    client.authenticate()
    initiate = InitiateRequest(Conformance(0x1E1D), 1200)
    user = apdu.decode(client.ciphering.protect(initiate.encode()))
    answer = ask(machine, RLRQ(apdu.ReleaseRequestReason.NORMAL, user))
    assert isinstance(answer, RLRE) and answer.user_information is not None
    opened = client.ciphering.unprotect(answer.user_information.encode())
    assert isinstance(apdu.decode(opened.plaintext), InitiateResponse)
    assert machine.state is ServerState.IDLE


def test_pre_established_association_serves_without_aarq() -> None:
    machine = meter(102)
    assert machine.state is ServerState.ASSOCIATED
    assert isinstance(ask(machine, CLOCK_TIME), GetResponseNormal)
    assert associate(machine).result is AssociationResult.REJECTED_PERMANENT
    assert ask(machine, RLRQ()).reason is apdu.ReleaseResponseReason.NOT_FINISHED
    machine.close()
    assert machine.state is ServerState.ASSOCIATED
    # broadcast: an unconfirmed ciphered SET with the broadcast key gets no answer
    from dlmskit.apdu import InvokeIdAndPriority, SetRequestNormal
    from dlmskit.security import SecurityControl, encrypt

    request = SetRequestNormal(
        InvokeIdAndPriority(3, apdu.ServiceClass.UNCONFIRMED),
        apdu.CosemAttributeDescriptor(8, "0-0:1.0.0", 3),
        Long(-60),
    ).encode()
    sent = encrypt(
        0xC9,
        request,
        security=SecurityControl.of(authenticated=True, encrypted=True, broadcast=True),
        system_title=CLIENT_TITLE,
        invocation_counter=1,
        keys=KEYS,
    )
    assert machine.receive(sent, NOW) == []
    assert int(machine.objects["0-0:1.0.0"].value("time_zone")) == -60


def test_shared_counter_survives_connections() -> None:
    counter = InvocationCounter()
    first = meter(1, counter=counter)
    client = SecureClient(first)
    client.associate()
    client.authenticate()
    used = counter.value
    assert used > 0
    second = meter(1, objects=first.objects, counter=counter)
    SecureClient(second).associate()
    assert counter.value > used


def test_association_object_shows_the_association() -> None:
    machine = meter()
    associate(machine)
    association = machine.association
    assert isinstance(association, AssociationLN)
    partners = association.value("associated_partners_id")
    assert (int(partners[0]), int(partners[1])) == (16, 1)
    assert int(association.value("application_context_name")[-1]) == 1
    context = association.value("xDLMS_context_info")
    assert int(context[1]) == 0xFFFF and int(context[2]) == 1024


def test_notifications_are_protected_as_the_policy_asks() -> None:
    from dlmskit.axdr import VisibleString
    from dlmskit.cosem import DateTime

    plain = meter(16)
    stamp = DateTime.from_datetime(NOW)
    data = plain.data_notification((VisibleString("x"),), NOW, invoke_id=7, date_time=stamp)
    notification = apdu.decode(data)
    assert isinstance(notification, apdu.DataNotification)
    assert notification.long_invoke_id_and_priority.invoke_id == 7
    assert notification.timestamp == stamp
    event = apdu.decode(plain.event_notification(8, "0-0:1.0.0", 2, stamp.to_bytes(), NOW))
    assert isinstance(event, apdu.EventNotificationRequest)
    secure = meter(1)
    client = SecureClient(secure)
    client.associate()
    protected = secure.data_notification((VisibleString("x"),), NOW)
    assert protected[0] == 0xDB  # general-glo-ciphering
    assert isinstance(apdu.decode(client.open(protected)), apdu.DataNotification)
    protected = secure.event_notification(8, "0-0:1.0.0", 2, stamp.to_bytes(), NOW)
    assert protected[0] == 0xCA  # glo-event-notification-request
    assert isinstance(apdu.decode(client.open(protected)), apdu.EventNotificationRequest)


def test_hls_pass_3_must_be_protected_as_the_policy_asks() -> None:
    machine = meter(1)
    client = SecureClient(machine)
    client.associate()
    method = CosemMethodDescriptor(15, "0-0:40.0.0", 1)
    plain = ActionRequestNormal(iip(), method, client.f_stoc())
    assert ask(machine, plain) == ExceptionResponse(
        apdu.StateError.SERVICE_NOT_ALLOWED, apdu.ExceptionServiceError.OPERATION_NOT_POSSIBLE
    )
    assert machine.state is ServerState.AUTHENTICATING
    reply = client.authenticate()  # the same, ciphered: served
    assert reply.result is apdu.ActionResult.SUCCESS


def test_events_nobody_takes_are_bounded() -> None:
    from dlmskit.association.server import MAX_EVENTS

    machine = meter(16)
    for _ in range(MAX_EVENTS + 50):
        associate(machine, context=apdu.ApplicationContextName.SHORT_NAME)  # refused
    events = machine.events()
    assert len(events) == MAX_EVENTS and all(isinstance(e, AssociationRefused) for e in events)
