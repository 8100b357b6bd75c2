"""The client association machine: AARQ bytes against published encodings, every answer a
meter can give, blocks, GBT, ciphering, pushes, release -- against a scripted meter built
from the library's own codecs and security functions (tests/_scripted_meter.py)."""

from __future__ import annotations

import dataclasses

import pytest

from _scripted_meter import SERVER_TITLE, ScriptedMeter, converse
from _security_material import AK, EK, ST_BC614E
from _vectors import by_id
from dlmskit import apdu
from dlmskit.apdu import (
    ABSENT,
    AttributeWithSelection,
    Conformance,
    CosemAttributeDescriptor,
    CosemMethodDescriptor,
    DataAccessResult,
)
from dlmskit.association import client as machine
from dlmskit.association.ciphering import SecurityContext
from dlmskit.association.client import (
    ActionDone,
    Associated,
    AssociationRejected,
    AssociationStateError,
    ClientAssociation,
    ClientQuirks,
    ClientSettings,
    DataBlock,
    GetDone,
    Progress,
    PushReceived,
    ReadDone,
    Released,
    RequestRefused,
    SetDone,
    State,
    UnexpectedApduError,
    WriteDone,
)
from dlmskit.axdr import DoubleLongUnsigned, Enum, Integer, Unsigned, VisibleString
from dlmskit.cosem import Obis
from dlmskit.errors import LocalProtocolError, RemoteProtocolError
from dlmskit.security import (
    AuthenticationError,
    Credentials,
    InsufficientProtectionError,
    InvocationCounter,
    Key,
    Mechanism,
    Secret,
    SecurityPolicy,
    SymmetricKeys,
)

h = bytes.fromhex
ENERGY = Obis.parse("1-0:1.8.0")
CLOCK = Obis.parse("0-0:1.0.0")
PROFILE = Obis.parse("1-0:99.1.0")
GB_CONFORMANCE = Conformance(0x007E1F)
KEYS = SymmetricKeys(unicast=Key(EK), authentication=Key(AK))
CLIENT_TITLE = ST_BC614E


def attr(class_id: int, name: Obis, index: int = 2) -> CosemAttributeDescriptor:
    return CosemAttributeDescriptor(class_id, name, index)


def meter_values() -> dict:
    return {
        (3, ENERGY, 2): DoubleLongUnsigned(12345678),
        (3, ENERGY, 3): (Integer(0), Enum(30)),
        (8, CLOCK, 2): bytes(12),
        (1, Obis.parse("0-0:96.1.0"), 2): VisibleString("METER-1"),
    }


def associated(settings: ClientSettings, meter: ScriptedMeter, **kw) -> ClientAssociation:
    association = ClientAssociation(settings, **kw)
    association.associate()
    events = converse(association, meter)
    assert [type(e) for e in events] == [Associated], events
    return association


def security(policy: int = 3, **kw) -> SecurityContext:
    return SecurityContext(
        keys=KEYS, system_title=CLIENT_TITLE, policy=SecurityPolicy.from_v0(policy), **kw
    )


# -- AARQ encodings ------------------------------------------------------------------------


def test_aarq_without_security_is_the_published_encoding():
    vector = by_id("realworld", "dlmscosem-aarq-ln-nosec")
    association = ClientAssociation(ClientSettings(conformance=GB_CONFORMANCE, max_pdu_size=0x04B0))
    association.associate()
    assert association.data_to_send() == [h(vector["hex"])]
    assert association.state is State.AWAITING_AARE


def test_aarq_with_lls_is_the_published_encoding():
    vector = by_id("realworld", "dlmscosem-aarq-ln-lls")
    settings = ClientSettings(
        mechanism=Mechanism.LLS,
        credentials=Credentials(secret=b"12345678"),
        conformance=GB_CONFORMANCE,
        max_pdu_size=0x04B0,
    )
    association = ClientAssociation(settings)
    association.associate()
    assert association.data_to_send() == [h(vector["hex"])]


def test_aarq_with_hls_gmac_challenge_is_the_published_encoding(monkeypatch):
    vector = by_id("realworld", "dlmscosem-aarq-ln-hls-gmac")
    monkeypatch.setattr(machine, "new_challenge", lambda mechanism, length=None: b"K56iVagY")
    settings = ClientSettings(
        mechanism=Mechanism.HLS_GMAC,
        security=SecurityContext(keys=KEYS, system_title=CLIENT_TITLE),
        ciphered=False,
        conformance=GB_CONFORMANCE,
        max_pdu_size=0x04B0,
    )
    association = ClientAssociation(settings)
    association.associate()
    sent = apdu.decode(association.data_to_send()[0])
    published = apdu.decode(h(vector["hex"]))
    # the published AARQ has no calling-AP-title; HLS-GMAC needs ours, so we send it
    assert sent.calling_ap_title == CLIENT_TITLE
    assert dataclasses.replace(sent, calling_ap_title=None) == published


def test_ciphered_aarq_with_dedicated_key_is_the_published_encoding():
    vector = by_id("realworld", "dlmscosem-aarq-ciphered-lls")
    settings = ClientSettings(
        mechanism=Mechanism.LLS,
        credentials=Credentials(secret=b"12345678"),
        security=security(),
        dedicated_key=h("00112233445566778899aabbccddeeff"),
        conformance=GB_CONFORMANCE,
        max_pdu_size=0x04B0,
    )
    association = ClientAssociation(settings, counter=InvocationCounter(start=0x01234567))
    association.associate()
    assert association.data_to_send() == [h(vector["hex"])]


def test_dedicated_key_true_is_fresh_and_never_shown():
    settings = ClientSettings(security=security(), dedicated_key=True)
    a, b = ClientAssociation(settings), ClientAssociation(settings)
    a.associate()
    b.associate()
    assert a.ciphering.dedicated_key != b.ciphering.dedicated_key
    assert a.ciphering.dedicated_key.reveal().hex() not in repr(a.ciphering)


# -- AARE ----------------------------------------------------------------------------------


def test_published_aare_accepted_negotiates_the_common_conformance_and_pdu():
    association = ClientAssociation(ClientSettings(conformance=GB_CONFORMANCE))
    association.associate()
    association.data_to_send()
    events = association.receive_apdu(h(by_id("realworld", "dlmscosem-aare-accepted")["hex"]))
    assert isinstance(events[0], Associated)
    negotiated = events[0].negotiated
    assert negotiated.server_max_pdu_size == 500
    assert negotiated.conformance == Conformance(0x00501F) & GB_CONFORMANCE
    assert association.state is State.ASSOCIATED


@pytest.mark.parametrize(
    ("vector", "diagnostic", "error"),
    [
        (
            "dlmscosem-aare-rejected-app-context",
            apdu.AcseServiceUser.APPLICATION_CONTEXT_NAME_NOT_SUPPORTED,
            None,
        ),
        (
            "dlmscosem-aare-dlms-version-too-low",
            apdu.AcseServiceUser.NO_REASON_GIVEN,
            apdu.ConfirmedServiceError(1, 6, 1),
        ),
    ],
)
def test_published_rejections_are_events_with_diagnostic(vector, diagnostic, error):
    association = ClientAssociation()
    association.associate()
    events = association.receive_apdu(h(by_id("realworld", vector)["hex"]))
    assert len(events) == 1 and isinstance(events[0], AssociationRejected)
    rejected = events[0]
    assert rejected.result is apdu.AssociationResult.REJECTED_PERMANENT
    assert rejected.diagnostic == diagnostic
    assert rejected.error == error
    assert "rejected-permanent" in rejected.reason
    assert association.state is State.IDLE
    association.associate()  # may try again at once


def test_exception_response_to_the_aarq_is_a_rejection():
    association = ClientAssociation()
    association.associate()
    refusal = apdu.ExceptionResponse(1, 6, 41)  # invocation-counter-error, expects 41
    events = association.receive_apdu(refusal.encode())
    assert events == [AssociationRejected("AARE", error=refusal)]
    assert "invocation-counter-error" in events[0].reason


def test_lls_wrong_password_is_refused_by_the_meter():
    meter = ScriptedMeter(mechanism=Mechanism.LLS, secret=b"right")
    settings = ClientSettings(mechanism=Mechanism.LLS, credentials=Credentials(secret=b"x"))
    association = ClientAssociation(settings)
    association.associate()
    events = converse(association, meter)
    assert events[0].diagnostic is apdu.AcseServiceUser.AUTHENTICATION_FAILURE


@pytest.mark.parametrize(
    "mechanism",
    [Mechanism.HLS_MD5, Mechanism.HLS_SHA1, Mechanism.HLS_SHA256, Mechanism.HLS_GMAC],
)
@pytest.mark.parametrize("ciphered", [False, True])
def test_hls_pass_3_and_4(mechanism, ciphered):
    context = security() if (ciphered or mechanism is Mechanism.HLS_GMAC) else None
    meter = ScriptedMeter(
        values=meter_values(), mechanism=mechanism, secret=b"hls secret", security=context
    )
    settings = ClientSettings(
        mechanism=mechanism,
        credentials=Credentials(secret=b"hls secret"),
        security=context,
        ciphered=ciphered if context is not None else None,
        system_title=None if context is not None else CLIENT_TITLE,
    )
    association = associated(settings, meter)
    hls = [r for r in meter.requests if isinstance(r, apdu.ActionRequestNormal)]
    assert hls and hls[0].method.method_id == 1 and hls[0].method.class_id == 15
    association.get(attr(3, ENERGY))
    assert converse(association, meter) == [GetDone(1, (DoubleLongUnsigned(12345678),))]
    if ciphered:
        assert meter.ciphered_requests >= 2  # pass 3 and the GET went ciphered


def test_hls_refused_by_the_meter_is_a_rejection():
    meter = ScriptedMeter(mechanism=Mechanism.HLS_SHA1, secret=b"s", refuse_hls=True)
    settings = ClientSettings(mechanism=Mechanism.HLS_SHA1, credentials=Credentials(b"s"))
    association = ClientAssociation(settings)
    association.associate()
    events = converse(association, meter)
    assert isinstance(events[0], AssociationRejected) and events[0].stage == "HLS"
    assert "read-write-denied" in events[0].reason
    assert association.state is State.IDLE


def test_a_meter_that_fails_pass_4_is_an_authentication_error():
    meter = ScriptedMeter(mechanism=Mechanism.HLS_SHA1, secret=b"s", wrong_ctos=True)
    settings = ClientSettings(mechanism=Mechanism.HLS_SHA1, credentials=Credentials(b"s"))
    association = ClientAssociation(settings)
    association.associate()
    with pytest.raises(AuthenticationError):
        converse(association, meter)
    assert association.state is State.FAILED
    with pytest.raises(AssociationStateError):
        association.get(attr(3, ENERGY))
    association.abort()
    assert association.state is State.IDLE


def test_secrets_stay_out_of_reprs():
    settings = ClientSettings(
        mechanism=Mechanism.LLS, credentials=Credentials(secret=Secret(b"topsecret"))
    )
    association = ClientAssociation(settings)
    association.associate()
    assert "topsecret" not in repr(settings) and "topsecret" not in repr(association)


# -- requests ------------------------------------------------------------------------------


def test_request_before_association_is_a_state_error():
    association = ClientAssociation()
    with pytest.raises(AssociationStateError):
        association.get(attr(3, ENERGY))
    with pytest.raises(AssociationStateError):
        association.release()


def test_one_request_at_a_time():
    association = associated(ClientSettings(), ScriptedMeter(values=meter_values()))
    association.get(attr(3, ENERGY))
    with pytest.raises(AssociationStateError):
        association.get(attr(3, ENERGY))


def test_get_normal_and_refusal_as_value():
    meter = ScriptedMeter(values=meter_values())
    association = associated(ClientSettings(), meter)
    handle = association.get(attr(3, ENERGY))
    assert converse(association, meter) == [GetDone(handle, (DoubleLongUnsigned(12345678),))]
    handle = association.get(attr(3, Obis.parse("1-0:2.8.0")))
    assert converse(association, meter) == [GetDone(handle, (DataAccessResult.OBJECT_UNDEFINED,))]


def test_published_get_with_list_answer_is_matched_to_the_request():
    vector = h(by_id("realworld", "dlmscosem-get-response-with-list-compound")["hex"])
    response = apdu.decode(vector)
    association = associated(ClientSettings(), ScriptedMeter())
    count = len(response.results)
    items = [AttributeWithSelection(attr(3, Obis(1, 0, 1, 8, i, 255))) for i in range(count)]
    association.get_many(items)
    sent = apdu.decode(association.data_to_send()[0])
    assert isinstance(sent, apdu.GetRequestWithList)
    iip = sent.invoke_id_and_priority
    events = association.receive_apdu(
        dataclasses.replace(response, invoke_id_and_priority=iip).encode()
    )
    assert events == [GetDone(1, response.results)]


def test_long_get_in_datablocks_with_progress_and_stream():
    rows = [(bytes(12), DoubleLongUnsigned(i)) for i in range(300)]
    meter = ScriptedMeter(values={(7, PROFILE, 2): rows})
    association = associated(ClientSettings(max_pdu_size=256), meter)
    handle = association.get(attr(7, PROFILE))
    events = converse(association, meter)
    done = [e for e in events if isinstance(e, GetDone)]
    assert done == [GetDone(handle, (rows,))]
    progress = [e for e in events if isinstance(e, Progress)]
    assert len(progress) > 10 and progress[-1].octets > 300 * 19
    # streamed: the same data as DataBlock events, the result empty
    handle = association.get(attr(7, PROFILE), stream=True)
    events = converse(association, meter)
    data = b"".join(e.data for e in events if isinstance(e, DataBlock))
    from dlmskit.axdr import decode

    assert decode(data) == rows
    assert [e for e in events if isinstance(e, GetDone)] == [GetDone(handle, (), streamed=True)]


def test_long_get_with_list_in_datablocks():
    names = [Obis(1, 0, 1, 8, i, 255) for i in range(40)]
    values = {(1, n, 2): VisibleString("x" * 20) for n in names}
    values[(1, names[3], 2)] = DataAccessResult.READ_WRITE_DENIED  # a refusal inside the list
    meter = ScriptedMeter(
        values={k: v for k, v in values.items() if not isinstance(v, DataAccessResult)}
    )
    association = associated(ClientSettings(max_pdu_size=200), meter)
    association.get_many([AttributeWithSelection(attr(1, n)) for n in names])
    events = converse(association, meter)
    (done,) = [e for e in events if isinstance(e, GetDone)]
    assert done.results[3] is DataAccessResult.OBJECT_UNDEFINED
    assert done.results[0] == VisibleString("x" * 20) and len(done.results) == 40


def test_with_list_is_split_to_fit_the_meter_pdu_and_the_quirk():
    names = [Obis(1, 0, 1, 8, i, 255) for i in range(100)]
    meter = ScriptedMeter(values={(1, n, 2): Unsigned(i) for i, n in enumerate(names)}, max_pdu=200)
    association = associated(ClientSettings(), meter)
    association.get_many([AttributeWithSelection(attr(1, n)) for n in names])
    events = converse(association, meter)
    assert next(e for e in events if isinstance(e, GetDone)).results == tuple(
        Unsigned(i) for i in range(100)
    )
    lists = [r for r in meter.requests if isinstance(r, apdu.GetRequestWithList)]
    assert len(lists) > 1 and all(len(r.encode()) <= 200 for r in lists)
    # a meter that takes at most 10 per list
    meter.requests.clear()
    association.settings = dataclasses.replace(
        association.settings, quirks=ClientQuirks(max_list_items=10)
    )
    association.get_many([AttributeWithSelection(attr(1, n)) for n in names[:25]])
    converse(association, meter)
    sizes = [len(r.attributes) for r in meter.requests if isinstance(r, apdu.GetRequestWithList)]
    assert sizes == [10, 10, 5]


def test_without_multiple_references_each_item_is_a_get_normal():
    names = [Obis(1, 0, 1, 8, i, 255) for i in range(3)]
    meter = ScriptedMeter(
        values={(1, n, 2): Unsigned(i) for i, n in enumerate(names)},
        conformance=Conformance.GET | Conformance.SET | Conformance.ACTION,
    )
    association = associated(ClientSettings(), meter)
    association.get_many([AttributeWithSelection(attr(1, n)) for n in names])
    events = converse(association, meter)
    assert events[-1].results == (Unsigned(0), Unsigned(1), Unsigned(2))
    assert all(isinstance(r, apdu.GetRequestNormal) for r in meter.requests[1:])


def test_gbt_received_in_windows_and_sent_when_negotiated():
    rows = [(bytes(12), DoubleLongUnsigned(i)) for i in range(200)]
    meter = ScriptedMeter(values={(7, PROFILE, 2): rows}, gbt_window=3)
    settings = ClientSettings(general_block_transfer=True, max_pdu_size=128, gbt_window=3)
    association = associated(settings, meter)
    handle = association.get(attr(7, PROFILE))
    events = converse(association, meter)
    assert [e for e in events if isinstance(e, GetDone)] == [GetDone(handle, (rows,))]
    assert sum(isinstance(e, Progress) for e in events) > 20
    # a long SET goes in GBT blocks when the meter's PDU is small
    meter.max_pdu = 64
    association2 = associated(settings, meter)
    association2.set(attr(1, Obis.parse("0-0:96.1.0")), VisibleString("y" * 200))
    events = converse(association2, meter)
    assert events == [SetDone(1, (DataAccessResult.SUCCESS,))]
    assert meter.values[(1, Obis.parse("0-0:96.1.0"), 2)] == VisibleString("y" * 200)


def test_set_normal_with_list_and_in_datablocks():
    meter = ScriptedMeter(max_pdu=64)
    association = associated(ClientSettings(), meter)
    target = attr(1, Obis.parse("0-0:96.1.0"))
    association.set(target, VisibleString("short"))
    assert converse(association, meter) == [SetDone(1, (DataAccessResult.SUCCESS,))]
    association.set(target, VisibleString("z" * 300))
    assert converse(association, meter) == [SetDone(2, (DataAccessResult.SUCCESS,))]
    assert meter.values[(1, target.instance_id, 2)] == VisibleString("z" * 300)
    assert any(isinstance(r, apdu.SetRequestWithDatablock) for r in meter.requests)
    items = [AttributeWithSelection(attr(1, Obis(0, 0, 96, 1, i, 255))) for i in range(3)]
    association.set_many(items, [Unsigned(i) for i in range(3)])
    assert converse(association, meter) == [SetDone(3, (DataAccessResult.SUCCESS,) * 3)]
    association.set_many(items, [VisibleString(str(i) * 40) for i in range(3)])
    assert converse(association, meter) == [SetDone(4, (DataAccessResult.SUCCESS,) * 3)]
    assert meter.values[(1, Obis(0, 0, 96, 1, 2, 255), 2)] == VisibleString("2" * 40)


def test_action_with_pblocks_both_ways():
    method = CosemMethodDescriptor(9, Obis.parse("0-0:10.0.0"), 1)
    meter = ScriptedMeter(max_pdu=64, methods={(9, method.instance_id, 1): lambda p: p})
    association = associated(ClientSettings(max_pdu_size=64), meter)
    association.action(method, VisibleString("p" * 150))
    events = converse(association, meter)
    echoed = apdu.ActionResponseItem(apdu.ActionResult.SUCCESS, VisibleString("p" * 150))
    assert [e for e in events if isinstance(e, ActionDone)] == [ActionDone(1, (echoed,))]
    assert any(isinstance(r, apdu.ActionRequestWithPblock) for r in meter.requests)
    assert any(isinstance(r, apdu.ActionRequestNextPblock) for r in meter.requests)
    association.action(method)
    events = converse(association, meter)
    assert events[-1].results[0].result is apdu.ActionResult.SUCCESS
    association.action_many([method, method], [Unsigned(1), ABSENT])
    events = converse(association, meter)
    assert [i.return_parameters for i in events[-1].results] == [Unsigned(1), None]


def test_exception_response_refuses_the_request_and_the_association_goes_on():
    association = associated(ClientSettings(), ScriptedMeter(values=meter_values()))
    handle = association.get(attr(3, ENERGY))
    association.data_to_send()
    refusal = apdu.ExceptionResponse(1, 2)
    assert association.receive_apdu(refusal.encode()) == [RequestRefused(handle, refusal)]
    assert association.state is State.ASSOCIATED


def test_foreign_invoke_id_is_dropped_unless_the_quirk_says_so():
    association = associated(ClientSettings(), ScriptedMeter())
    association.get(attr(3, ENERGY))
    sent = apdu.decode(association.data_to_send()[0])
    own = sent.invoke_id_and_priority
    other = apdu.InvokeIdAndPriority((own.invoke_id + 5) % 16)
    late = apdu.GetResponseNormal(other, Unsigned(1)).encode()
    assert association.receive_apdu(late) == []
    assert association.state is State.AWAITING_RESPONSE
    right = apdu.GetResponseNormal(own, Unsigned(2)).encode()
    assert association.receive_apdu(right)[0].results == (Unsigned(2),)
    lenient = associated(
        ClientSettings(quirks=ClientQuirks(ignore_invoke_id=True)), ScriptedMeter()
    )
    lenient.get(attr(3, ENERGY))
    lenient.data_to_send()
    assert lenient.receive_apdu(late)[0].results == (Unsigned(1),)


def test_cancel_then_late_answer_is_dropped_and_retry_resends():
    association = associated(ClientSettings(), ScriptedMeter())
    association.get(attr(3, ENERGY))
    first = association.data_to_send()
    association.retry()
    assert association.data_to_send() == first
    iip = apdu.decode(first[0]).invoke_id_and_priority
    association.cancel()
    assert association.state is State.ASSOCIATED
    assert association.receive_apdu(apdu.GetResponseNormal(iip, Unsigned(1)).encode()) == []


def test_pushes_mid_request_are_events_and_the_request_completes():
    meter = ScriptedMeter(values=meter_values())
    association = associated(ClientSettings(), meter)
    handle = association.get(attr(3, ENERGY))
    (request,) = association.data_to_send()
    push = apdu.DataNotification(apdu.LongInvokeIdAndPriority(7), VisibleString("alarm"))
    event = apdu.EventNotificationRequest(attr(3, ENERGY), Unsigned(1))
    events = association.receive_apdu(push.encode()) + association.receive_apdu(event.encode())
    assert [type(e) for e in events] == [PushReceived, PushReceived]
    assert events[0].apdu == push and events[0].protection is None
    for answer in meter.answer(request):
        events = association.receive_apdu(answer)
    assert events == [GetDone(handle, (DoubleLongUnsigned(12345678),))]


def test_a_ciphered_push_without_keys_is_reported_not_fatal():
    association = associated(ClientSettings(), ScriptedMeter())
    ciphered_push = h("db08" + "4d4d4d0000000001" + "0830000000010102030405")
    (event,) = association.receive_apdu(ciphered_push)
    assert isinstance(event, PushReceived) and event.apdu is None and event.error is not None
    assert association.state is State.ASSOCIATED


def test_ciphered_association_with_dedicated_key_reads_and_releases():
    context = security()
    meter = ScriptedMeter(values=meter_values(), security=context)
    settings = ClientSettings(security=context, dedicated_key=True)
    association = associated(settings, meter)
    assert association.negotiated.ciphered and association.negotiated.dedicated_key
    assert association.negotiated.server_system_title == SERVER_TITLE
    association.get(attr(3, ENERGY))
    assert converse(association, meter)[-1].results == (DoubleLongUnsigned(12345678),)
    assert meter.ciphered_requests == 1
    association.release()
    assert converse(association, meter) == [Released(apdu.RLRE())]
    rlrq = meter.requests[-1]
    assert isinstance(rlrq, apdu.RLRQ) and rlrq.user_information is not None


def test_plain_answer_where_the_policy_asks_protection_is_refused():
    context = security()
    association = associated(ClientSettings(security=context), ScriptedMeter(security=context))
    association.get(attr(3, ENERGY))
    association.data_to_send()
    iip = apdu.InvokeIdAndPriority(1)
    with pytest.raises(InsufficientProtectionError):
        association.receive_apdu(apdu.GetResponseNormal(iip, Unsigned(1)).encode())
    assert association.state is State.FAILED


def test_published_ciphered_rlre_is_accepted():
    vector = by_id("realworld", "dlmscosem-rlre-ciphered")
    settings = ClientSettings(
        security=SecurityContext(keys=KEYS, system_title=h("4d4d4d0000000002")),
        server_system_title=ST_BC614E,
    )
    association = ClientAssociation(settings)
    association.state = State.AWAITING_RLRE  # after an RLRQ of an established association
    events = association.receive_apdu(h(vector["hex"]))
    assert isinstance(events[0], Released) and association.state is State.IDLE


def test_release_without_rlrq_quirk():
    association = associated(
        ClientSettings(quirks=ClientQuirks(release_with_rlrq=False)), ScriptedMeter()
    )
    association.release()
    assert association.data_to_send() == []
    assert association.take_events() == [Released(None)]
    assert association.state is State.IDLE


def test_sn_read_and_write():
    meter = ScriptedMeter(sn_values={0x1008: Unsigned(5)})
    association = associated(ClientSettings(short_names=True), meter)
    association.read([apdu.VariableName(0x1008), apdu.VariableName(0x2008)])
    assert converse(association, meter) == [
        ReadDone(1, (Unsigned(5), DataAccessResult.OBJECT_UNDEFINED))
    ]
    association.write([apdu.VariableName(0x1008)], [Unsigned(6)])
    assert converse(association, meter) == [WriteDone(2, (DataAccessResult.SUCCESS,))]
    with pytest.raises(LocalProtocolError):
        association.get(attr(3, ENERGY))


def test_unexpected_apdus_are_remote_errors():
    association = associated(ClientSettings(), ScriptedMeter())
    with pytest.raises(UnexpectedApduError):
        association.receive_apdu(apdu.AARE().encode())
    assert association.state is State.FAILED
    idle = ClientAssociation()
    with pytest.raises(RemoteProtocolError):
        idle.receive_apdu(apdu.RLRE().encode())


def test_settings_are_checked():
    with pytest.raises(LocalProtocolError):
        ClientSettings(ciphered=True)
    with pytest.raises(LocalProtocolError):
        ClientSettings(dedicated_key=True)
    with pytest.raises(LocalProtocolError):
        ClientSettings(mechanism=Mechanism.HLS_GMAC)
    with pytest.raises(LocalProtocolError):
        ClientSettings(max_pdu_size=5)
    with pytest.raises(LocalProtocolError):
        ClientQuirks(max_list_items=0)


def test_settings_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        ClientSettings().max_pdu_size = 1  # type: ignore[misc]


def test_quirk_server_max_pdu_size_overrides_the_meter():
    meter = ScriptedMeter(max_pdu=1024)
    settings = ClientSettings(quirks=ClientQuirks(server_max_pdu_size=64))
    association = associated(settings, meter)
    assert association.negotiated.server_max_pdu_size == 64
    association.set(attr(1, Obis.parse("0-0:96.1.0")), VisibleString("q" * 100))
    assert converse(association, meter) == [SetDone(1, (DataAccessResult.SUCCESS,))]
    assert any(isinstance(r, apdu.SetRequestWithDatablock) for r in meter.requests)


def test_quirk_rlrq_without_user_information():
    context = security()
    meter = ScriptedMeter(security=context)
    quiet = ClientSettings(security=context, quirks=ClientQuirks(rlrq_user_information=False))
    association = associated(quiet, meter)
    association.release()
    assert converse(association, meter) == [Released(apdu.RLRE())]
    assert meter.requests[-1] == apdu.RLRQ()


def test_quirk_plain_initiate_response_in_a_ciphered_association():
    context = security()
    plain_aare = apdu.AARE(
        application_context_name=apdu.ApplicationContextName.LOGICAL_NAME_WITH_CIPHERING,
        user_information=apdu.InitiateResponse(Conformance.GET, 512),
        responding_ap_title=SERVER_TITLE,
    ).encode()
    strict = ClientAssociation(ClientSettings(security=context))
    strict.associate()
    with pytest.raises(InsufficientProtectionError):
        strict.receive_apdu(plain_aare)
    lenient = ClientAssociation(
        ClientSettings(security=context, quirks=ClientQuirks(plain_initiate_response=True))
    )
    lenient.associate()
    (event,) = lenient.receive_apdu(plain_aare)
    assert isinstance(event, Associated) and event.negotiated.server_max_pdu_size == 512


def test_hls_ecdsa_pass_3_and_4():
    from dlmskit.security import SecuritySuite, ecc

    client_key = ecc.generate_private_key(SecuritySuite.SUITE_1)
    meter_key = ecc.generate_private_key(SecuritySuite.SUITE_1)
    meter = ScriptedMeter(
        values=meter_values(),
        mechanism=Mechanism.HLS_ECDSA,
        stoc=bytes(range(32)),
        signing_key=meter_key,
        peer_signing_key=client_key.public_key(),
    )
    settings = ClientSettings(
        mechanism=Mechanism.HLS_ECDSA,
        credentials=Credentials(signing_key=client_key, peer_signing_key=meter_key.public_key()),
        system_title=CLIENT_TITLE,
    )
    association = associated(settings, meter)
    association.get(attr(3, ENERGY))
    assert converse(association, meter)[-1].results == (DoubleLongUnsigned(12345678),)
    # a meter signing with another key fails pass 4
    impostor = ScriptedMeter(
        mechanism=Mechanism.HLS_ECDSA,
        stoc=bytes(range(32)),
        signing_key=ecc.generate_private_key(SecuritySuite.SUITE_1),
        peer_signing_key=client_key.public_key(),
    )
    association = ClientAssociation(settings)
    association.associate()
    with pytest.raises(AuthenticationError):
        converse(association, impostor)


class _KeyedHash:
    """A manufacturer-specific mechanism 2 for the test: HMAC-SHA256(secret, challenge)."""

    def respond(self, challenge, *, own_challenge, own_system_title, peer_system_title, secret):
        import hashlib
        import hmac

        return hmac.new(secret.reveal(), challenge, hashlib.sha256).digest()

    def verify(self, response, *, challenge, peer_challenge, own_system_title,
               peer_system_title, secret):  # fmt: skip
        import hmac

        return hmac.compare_digest(
            response, self.respond(challenge, own_challenge=peer_challenge,
                                   own_system_title=None, peer_system_title=None, secret=secret)
        )  # fmt: skip


def test_hls_manufacturer_mechanism_2():
    meter = ScriptedMeter(
        values=meter_values(), mechanism=Mechanism.HLS, secret=b"m2", manufacturer=_KeyedHash()
    )
    settings = ClientSettings(
        mechanism=Mechanism.HLS,
        credentials=Credentials(secret=b"m2", manufacturer=_KeyedHash()),
    )
    association = associated(settings, meter)
    association.get(attr(3, ENERGY))
    assert converse(association, meter)[-1].results == (DoubleLongUnsigned(12345678),)
