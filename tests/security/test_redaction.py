"""Keys, passwords, challenges and shared secrets never reach logs, exceptions or repr."""

from __future__ import annotations

import logging

import pytest

from _security_material import GET_CLOCK, ST_000001, ST_BC614E, suite_keys
from dlmskit.security import (
    Credentials,
    GlobalKeyId,
    IdentifiedKey,
    IdentifiedKeyId,
    InvocationCounter,
    Secret,
    SecurityError,
    SecuritySuite,
    SymmetricKeys,
    agreement,
    check_lls,
    decrypt,
    ecc,
    encrypt,
    open_general_ciphering,
    respond,
    seal_general_ciphering,
    verify,
)
from dlmskit.security.keywrap import key_transfer_request, receive_key_transfer


def _forms(secret: bytes) -> list[str]:
    return [secret.hex(), secret.hex().upper(), repr(secret), str(list(secret))]


def test_nothing_secret_is_logged_or_raised(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="dlmskit")
    keys = suite_keys(SecuritySuite.SUITE_1)
    password = Secret(b"pa55word-lls")
    hls_secret = Secret(b"hls-secret-xyz")
    ctos, stoc = b"C" * 16, b"S" * 16
    secrets = [
        k.reveal()
        for k in (keys.unicast, keys.broadcast, keys.authentication, keys.dedicated, keys.master)
        if k
    ]
    secrets += [password.reveal(), hls_secret.reveal(), ctos, stoc]
    texts: list[str] = [repr(keys), repr(Credentials(secret=hls_secret, keys=keys))]

    def attempt(fn: object) -> None:
        try:
            fn()  # type: ignore[operator]
        except SecurityError as exc:
            texts.append(str(exc))
            texts.append(repr(exc))

    counter = InvocationCounter()
    for tag in (0xC8, 0xD0, 0xDB):
        apdu = encrypt(
            tag,
            GET_CLOCK,
            security=0x31,
            system_title=ST_BC614E,
            invocation_counter=counter.next(),
            keys=keys,
        )
        decrypt(apdu, keys=keys, system_title=ST_BC614E)
        bad = bytearray(apdu)
        bad[-1] ^= 1
        attempt(lambda b=bytes(bad): decrypt(b, keys=keys, system_title=ST_BC614E))
        attempt(
            lambda a=apdu: decrypt(
                a, keys=SymmetricKeys(suite=SecuritySuite.SUITE_1), system_title=ST_BC614E
            )
        )
    attempt(lambda: check_lls(b"wrong", password))
    for m in (3, 4, 5, 6):
        creds = Credentials(secret=hls_secret, keys=keys)
        f = respond(
            m,
            challenge=stoc,
            own_challenge=ctos,
            credentials=creds,
            own_system_title=ST_BC614E,
            peer_system_title=ST_000001,
            invocation_counter=1,
        )
        attempt(
            lambda m=m, f=f, creds=creds: verify(
                m,
                f[::-1],
                challenge=stoc,
                peer_challenge=ctos,
                credentials=creds,
                own_system_title=ST_000001,
                peer_system_title=ST_BC614E,
            )
        )
    assert keys.master is not None
    request = key_transfer_request(keys.master, {GlobalKeyId.UNICAST_ENCRYPTION: keys.unicast})  # type: ignore[dict-item]
    attempt(lambda: receive_key_transfer(keys.unicast, request, SecuritySuite.SUITE_1))  # type: ignore[arg-type]
    z_key = ecc.generate_private_key(1)
    key, info = agreement.one_pass_originate(
        1,
        recipient_key=z_key.public_key(),
        signing_key=z_key,
        originator_system_title=ST_BC614E,
        recipient_system_title=ST_000001,
    )
    secrets.append(key.reveal())
    gc = seal_general_ciphering(
        GET_CLOCK,
        security=0x31,
        key=key,
        authentication_key=keys.authentication,
        invocation_counter=0,
        transaction_id=b"\x01",
        originator_system_title=ST_BC614E,
        recipient_system_title=ST_000001,
        key_info=info,
    )
    open_general_ciphering(gc, key=key, authentication_key=keys.authentication)
    attempt(
        lambda: open_general_ciphering(gc, key=keys.unicast, authentication_key=keys.authentication)
    )  # type: ignore[arg-type]
    attempt(
        lambda: agreement.general_ciphering_key(  # type: ignore[arg-type]
            __import__(
                "dlmskit.security", fromlist=["GeneralCiphering"]
            ).GeneralCiphering.from_bytes(gc),
            keys=SymmetricKeys(suite=SecuritySuite.SUITE_1),
        )
    )
    attempt(
        lambda: agreement.identified_key(
            SymmetricKeys(suite=SecuritySuite.SUITE_1),
            IdentifiedKey(IdentifiedKeyId.GLOBAL_BROADCAST_ENCRYPTION),
        )
    )

    texts += [r.getMessage() for r in caplog.records]
    assert len(texts) > 15
    assert any(
        "invocation counter" in r.getMessage() for r in caplog.records
    )  # logging does happen
    blob = "\n".join(texts)
    for secret in secrets:
        for form in _forms(secret):
            assert form not in blob, f"a secret leaked: {form[:8]}..."
