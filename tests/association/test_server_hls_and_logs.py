"""HLS with the hash mechanisms (MD5, SHA-1, SHA-256) through the Association object, and
logging: every request and refusal is logged at debug level, never a password, a key or a
challenge."""

from __future__ import annotations

import logging

import pytest

from _meter import (
    CLIENT_TITLE,
    KEYS,
    METER_TITLE,
    PASSWORD,
    SecureClient,
    aarq,
    ask,
    associate,
    device,
    iip,
)
from dlmskit import apdu
from dlmskit.apdu import (
    AARE,
    AcseServiceUser,
    ActionRequestNormal,
    ActionResponseNormal,
    AssociationResult,
    CosemAttributeDescriptor,
    CosemMethodDescriptor,
    GetRequestNormal,
    MechanismName,
)
from dlmskit.association import SecurityContext
from dlmskit.association.server import AssociationSettings, ServerAssociation, ServerState
from dlmskit.security import (
    Credentials,
    Mechanism,
    SecurityPolicy,
    new_challenge,
    respond,
    verify,
)

HLS_SECRET = b"unused-hls-secret"  # the management association's secret in _meter.device()


@pytest.mark.parametrize("mechanism", [Mechanism.HLS_MD5, Mechanism.HLS_SHA1, Mechanism.HLS_SHA256])
@pytest.mark.parametrize("right", [True, False])
def test_hash_mechanisms(mechanism: Mechanism, right: bool) -> None:
    settings = AssociationSettings(
        1,
        "0-0:40.0.3",
        mechanism,
        SecurityContext(KEYS, METER_TITLE, SecurityPolicy.NOTHING),
        ciphered=False,
    )
    machine = ServerAssociation(device(), settings)
    ctos = new_challenge(mechanism)
    answer = ask(
        machine,
        aarq(mechanism=MechanismName(int(mechanism)), value=ctos, calling_ap_title=CLIENT_TITLE),
    )
    assert isinstance(answer, AARE)
    assert answer.result_source_diagnostic is AcseServiceUser.AUTHENTICATION_REQUIRED
    stoc = answer.responding_authentication_value.value  # type: ignore[union-attr]
    credentials = Credentials(secret=HLS_SECRET if right else b"another-secret!!")
    f_stoc = respond(
        mechanism,
        challenge=stoc,
        own_challenge=ctos,
        credentials=credentials,
        own_system_title=CLIENT_TITLE,
        peer_system_title=METER_TITLE,
    )
    method = CosemMethodDescriptor(15, "0-0:40.0.0", 1)
    reply = ask(machine, ActionRequestNormal(iip(), method, f_stoc))
    assert isinstance(reply, ActionResponseNormal)
    if not right:
        assert reply.result is not apdu.ActionResult.SUCCESS
        assert machine.state is ServerState.IDLE
        return
    assert machine.state is ServerState.ASSOCIATED
    verify(
        mechanism,
        reply.return_parameters,
        challenge=ctos,
        peer_challenge=stoc,
        credentials=credentials,
        own_system_title=CLIENT_TITLE,
        peer_system_title=METER_TITLE,
    )


def test_hls_challenge_out_of_range_is_an_authentication_failure() -> None:
    machine = ServerAssociation(
        device(),
        AssociationSettings(
            1, "0-0:40.0.3", Mechanism.HLS_MD5, SecurityContext(KEYS, METER_TITLE), ciphered=False
        ),
    )
    answer = associate(machine, mechanism=MechanismName.HIGH_MD5, value=b"short")
    assert answer.result is AssociationResult.REJECTED_PERMANENT
    assert answer.result_source_diagnostic is AcseServiceUser.AUTHENTICATION_FAILURE


def test_logs_name_requests_but_never_secrets(caplog: pytest.LogCaptureFixture) -> None:
    from _meter import meter

    caplog.set_level(logging.DEBUG, logger="dlmskit")
    reader = meter(32)
    associate(reader, mechanism=MechanismName.LOW, value=PASSWORD)
    associate(meter(32), mechanism=MechanismName.LOW, value=b"WRONGPASSWORD")
    ask(reader, GetRequestNormal(iip(), CosemAttributeDescriptor(3, "1-0:1.8.0", 2)))
    machine = meter(1)
    client = SecureClient(machine)
    client.associate()
    client.authenticate()
    client.request(GetRequestNormal(iip(), CosemAttributeDescriptor(15, "0-0:40.0.0", 7)))
    secret_change = ActionRequestNormal(
        iip(), CosemMethodDescriptor(15, "0-0:40.0.0", 2), b"TOPSECRETVALUE!!"
    )
    client.request(secret_change)
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "GET 3 1-0:1.8.0*255 2" in text
    assert "refused" in text and "wrong LLS password" in text
    for secret in (
        PASSWORD,
        b"WRONGPASSWORD",
        b"TOPSECRETVALUE!!",
        KEYS.unicast.reveal(),  # type: ignore[union-attr]
        KEYS.authentication_bytes,
        client.ctos,
        client.stoc,
    ):
        for form in (secret.hex(), secret.hex().upper(), repr(secret)[2:-1]):
            assert form not in text
