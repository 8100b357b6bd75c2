"""The Association LN's HLS seam with the real crypto of dlmskit.security (HLS SHA-256):
pass 3 and 4 through reply_to_HLS_authentication, as a meter would run them."""

from __future__ import annotations

import datetime as dt

import pytest

from dlmskit.model import ActionResult
from dlmskit.model.enums import AssociationStatus
from dlmskit.model.objects import AssociationLN, CosemObjects

security = pytest.importorskip("dlmskit.security")
from dlmskit.security import (  # noqa: E402
    AuthenticationError,
    Credentials,
    Mechanism,
    new_challenge,
    respond,
    verify,
)

NOW = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
METER_TITLE = bytes.fromhex("4d4d4d0000bc614e")
CLIENT_TITLE = bytes.fromhex("4142434445464748")
SECRET = b"0123456789abcdef"


def meter_side(ctos: bytes, stoc: bytes) -> AssociationLN:
    credentials = Credentials(secret=SECRET)

    def reply(f_stoc: bytes) -> bytes | None:
        try:
            verify(
                Mechanism.HLS_SHA256,
                f_stoc,
                challenge=stoc,
                peer_challenge=ctos,
                credentials=credentials,
                own_system_title=METER_TITLE,
                peer_system_title=CLIENT_TITLE,
            )
        except AuthenticationError:
            return None
        return respond(
            Mechanism.HLS_SHA256,
            challenge=ctos,
            own_challenge=stoc,
            credentials=credentials,
            own_system_title=METER_TITLE,
            peer_system_title=CLIENT_TITLE,
        )

    association = AssociationLN(reply_to_hls=reply, secret=SECRET)
    association.set_status(AssociationStatus.ASSOCIATION_PENDING)
    return association


@pytest.mark.parametrize("client_secret", [SECRET, b"wrong-secret-000"])
def test_hls_pass_3_and_4(client_secret: bytes) -> None:
    ctos = new_challenge(Mechanism.HLS_SHA256)  # client -> meter, in the AARQ
    stoc = new_challenge(Mechanism.HLS_SHA256)  # meter -> client, in the AARE
    association = meter_side(ctos, stoc)
    objects = CosemObjects([association])
    client = Credentials(secret=client_secret)
    f_stoc = respond(
        Mechanism.HLS_SHA256,
        challenge=stoc,
        own_challenge=ctos,
        credentials=client,
        own_system_title=CLIENT_TITLE,
        peer_system_title=METER_TITLE,
    )
    outcome = objects.action(15, "0-0:40.0.0", 1, f_stoc, now=NOW)
    if client_secret != SECRET:
        assert outcome.result is ActionResult.OTHER_REASON
        assert association.status is AssociationStatus.ASSOCIATION_PENDING
        return
    assert outcome.ok and association.status is AssociationStatus.ASSOCIATED
    verify(  # the client checks the meter's f(CtoS): raises if it is wrong
        Mechanism.HLS_SHA256,
        outcome.data,
        challenge=ctos,
        peer_challenge=stoc,
        credentials=client,
        own_system_title=CLIENT_TITLE,
        peer_system_title=METER_TITLE,
    )


def test_key_transfer_with_rfc_3394_key_wrap() -> None:
    from dlmskit.axdr import Enum
    from dlmskit.model.objects import SecurityServices, SecuritySetup
    from dlmskit.security import WrongKeyError
    from dlmskit.security.keywrap import unwrap_key, wrap_key
    from dlmskit.security.secret import reveal

    master = bytes(range(16))
    new_key = bytes.fromhex("000102030405060708090a0b0c0d0e0f")[::-1]

    def unwrap(key_id: int, wrapped: bytes) -> bytes | None:
        try:
            return reveal(unwrap_key(master, wrapped))
        except WrongKeyError:
            return None

    setup = SecuritySetup(version=1, services=SecurityServices(unwrap_key=unwrap))
    objects = CosemObjects([setup])
    good = [(Enum(0), wrap_key(master, new_key))]
    assert objects.action(64, "0-0:43.0.0", 2, good, now=NOW).ok
    assert setup.keys == {0: new_key}
    forged = [(Enum(2), wrap_key(bytes(16), new_key))]
    assert objects.action(64, "0-0:43.0.0", 2, forged, now=NOW).result is ActionResult.OTHER_REASON
    assert setup.keys == {0: new_key}
