"""Authentication mechanisms 0 to 7, both sides: the Green Book HLS-GMAC example, the
formulas of the hash mechanisms, ECDSA, a plugged-in mechanism 2, and refusals."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from _security_material import GB_KEYS, ST_000001, ST_BC614E, h
from dlmskit.security import (
    AuthenticationError,
    Credentials,
    InvocationCounter,
    Mechanism,
    ReplayError,
    ReplayGuard,
    Secret,
    SecurityConfigError,
    SecuritySuite,
    check_lls,
    ecc,
    new_challenge,
    respond,
    verify,
)

# Green Book HLS-GMAC example: client 4D4D4D0000000001 IC 1, server 4D4D4D0000BC614E IC 01234567
CTOS = h("4B35366956616759")  # "K56iVagY"
STOC = h("503677524A323146")  # "P6wRJ21F"
C_ST, S_ST = ST_000001, ST_BC614E
GB_F_STOC = h("10000000011A52FE7DD3E72748973C1E28")
GB_F_CTOS = h("1001234567FE1466AFB3DBCD4F9389E2B7")


def test_mechanism_names() -> None:
    assert Mechanism.HLS_GMAC.mechanism_name == h("60857405080205")
    assert Mechanism.from_mechanism_name(h("60857405080201")) is Mechanism.LLS
    for bad in (h("60857405080208"), h("608574050802"), h("60857405080105")):
        with pytest.raises(AuthenticationError):
            Mechanism.from_mechanism_name(bad)
    assert not Mechanism.LLS.is_hls and Mechanism.HLS.is_hls
    assert Mechanism.HLS_ECDSA.challenge_range == (32, 64)


def test_green_book_hls_gmac_pass_3_and_4() -> None:
    creds = Credentials(keys=GB_KEYS)
    f_stoc = respond(
        5,
        challenge=STOC,
        own_challenge=CTOS,
        credentials=creds,
        own_system_title=C_ST,
        invocation_counter=1,
    )
    assert f_stoc == GB_F_STOC
    assert f_stoc[-12:] == h("1A52FE7DD3E72748973C1E28")
    f_ctos = respond(
        5,
        challenge=CTOS,
        own_challenge=STOC,
        credentials=creds,
        own_system_title=S_ST,
        invocation_counter=0x01234567,
    )
    assert f_ctos == GB_F_CTOS
    # the meter checks f(StoC), the client checks f(CtoS)
    verify(
        5, GB_F_STOC, challenge=STOC, peer_challenge=CTOS, credentials=creds, peer_system_title=C_ST
    )
    verify(
        5, GB_F_CTOS, challenge=CTOS, peer_challenge=STOC, credentials=creds, peer_system_title=S_ST
    )
    for i in range(17):
        bad = bytearray(GB_F_STOC)
        bad[i] ^= 1
        with pytest.raises(AuthenticationError):
            verify(
                5,
                bytes(bad),
                challenge=STOC,
                peer_challenge=CTOS,
                credentials=creds,
                peer_system_title=C_ST,
            )
    with pytest.raises(AuthenticationError):  # the client's system title, not the meter's
        verify(
            5,
            GB_F_STOC,
            challenge=STOC,
            peer_challenge=CTOS,
            credentials=creds,
            peer_system_title=S_ST,
        )
    with pytest.raises(AuthenticationError):
        verify(
            5,
            GB_F_STOC[:-1],
            challenge=STOC,
            peer_challenge=CTOS,
            credentials=creds,
            peer_system_title=C_ST,
        )


def test_gmac_uses_and_records_counters() -> None:
    creds = Credentials(keys=GB_KEYS)
    counter = InvocationCounter(start=41)
    f = respond(
        5,
        challenge=STOC,
        own_challenge=CTOS,
        credentials=creds,
        own_system_title=C_ST,
        invocation_counter=counter,
    )
    assert f[1:5] == (41).to_bytes(4, "big") and counter.value == 42
    guard = ReplayGuard()
    verify(
        5,
        f,
        challenge=STOC,
        peer_challenge=CTOS,
        credentials=creds,
        peer_system_title=C_ST,
        replay=guard,
    )
    assert guard.lowest_acceptable == 42
    with pytest.raises(ReplayError):
        verify(
            5,
            f,
            challenge=STOC,
            peer_challenge=CTOS,
            credentials=creds,
            peer_system_title=C_ST,
            replay=guard,
        )


def test_gmac_suite_2() -> None:
    from _security_material import suite_keys

    creds = Credentials(keys=suite_keys(SecuritySuite.SUITE_2))
    f = respond(
        5,
        challenge=STOC,
        own_challenge=CTOS,
        credentials=creds,
        own_system_title=C_ST,
        invocation_counter=7,
    )
    assert f[0] == 0x12 and len(f) == 17
    verify(5, f, challenge=STOC, peer_challenge=CTOS, credentials=creds, peer_system_title=C_ST)
    with pytest.raises(AuthenticationError):  # a suite 0 SC for a suite 2 context
        verify(
            5,
            b"\x10" + f[1:],
            challenge=STOC,
            peer_challenge=CTOS,
            credentials=creds,
            peer_system_title=C_ST,
        )


SECRET = Secret(b"hls-secret-01")


@pytest.mark.parametrize(
    ("mechanism", "client_formula"),
    [
        (Mechanism.HLS_MD5, lambda: hashlib.md5(STOC + SECRET.reveal()).digest()),
        (Mechanism.HLS_SHA1, lambda: hashlib.sha1(STOC + SECRET.reveal()).digest()),
        (
            Mechanism.HLS_SHA256,
            lambda: hashlib.sha256(SECRET.reveal() + C_ST + S_ST + STOC + CTOS).digest(),
        ),
    ],
)
def test_hash_mechanisms_both_sides(mechanism: Mechanism, client_formula: object) -> None:
    creds = Credentials(secret=SECRET)
    f_stoc = respond(
        mechanism,
        challenge=STOC,
        own_challenge=CTOS,
        credentials=creds,
        own_system_title=C_ST,
        peer_system_title=S_ST,
    )
    assert f_stoc == client_formula()  # type: ignore[operator]
    verify(
        mechanism,
        f_stoc,
        challenge=STOC,
        peer_challenge=CTOS,
        credentials=creds,
        own_system_title=S_ST,
        peer_system_title=C_ST,
    )
    f_ctos = respond(
        mechanism,
        challenge=CTOS,
        own_challenge=STOC,
        credentials=creds,
        own_system_title=S_ST,
        peer_system_title=C_ST,
    )
    if mechanism is Mechanism.HLS_SHA256:
        assert f_ctos == hashlib.sha256(SECRET.reveal() + S_ST + C_ST + CTOS + STOC).digest()
    verify(
        mechanism,
        f_ctos,
        challenge=CTOS,
        peer_challenge=STOC,
        credentials=creds,
        own_system_title=C_ST,
        peer_system_title=S_ST,
    )
    assert f_ctos != f_stoc
    wrong = Credentials(secret=Secret(b"other"))
    with pytest.raises(AuthenticationError):
        verify(
            mechanism,
            f_stoc,
            challenge=STOC,
            peer_challenge=CTOS,
            credentials=wrong,
            own_system_title=S_ST,
            peer_system_title=C_ST,
        )
    # the client's own response cannot be replayed as the meter's
    with pytest.raises(AuthenticationError):
        verify(
            mechanism,
            f_stoc,
            challenge=CTOS,
            peer_challenge=STOC,
            credentials=creds,
            own_system_title=C_ST,
            peer_system_title=S_ST,
        )


@pytest.mark.parametrize("suite", [SecuritySuite.SUITE_1, SecuritySuite.SUITE_2])
def test_ecdsa_both_sides(suite: SecuritySuite) -> None:
    client_key, server_key = ecc.generate_private_key(suite), ecc.generate_private_key(suite)
    ctos, stoc = new_challenge(7), new_challenge(7)
    client = Credentials(signing_key=client_key, peer_signing_key=server_key.public_key())
    meter = Credentials(signing_key=server_key, peer_signing_key=client_key.public_key())
    f_stoc = respond(
        7,
        challenge=stoc,
        own_challenge=ctos,
        credentials=client,
        own_system_title=C_ST,
        peer_system_title=S_ST,
    )
    assert len(f_stoc) == ecc.signature_length(suite)
    # the client signed ST-C || ST-S || StoC || CtoS, as the Green Book says
    ecc.ecdsa_verify(client_key.public_key(), C_ST + S_ST + stoc + ctos, f_stoc, suite)
    verify(
        7,
        f_stoc,
        challenge=stoc,
        peer_challenge=ctos,
        credentials=meter,
        own_system_title=S_ST,
        peer_system_title=C_ST,
    )
    f_ctos = respond(
        7,
        challenge=ctos,
        own_challenge=stoc,
        credentials=meter,
        own_system_title=S_ST,
        peer_system_title=C_ST,
    )
    ecc.ecdsa_verify(server_key.public_key(), S_ST + C_ST + ctos + stoc, f_ctos, suite)
    verify(
        7,
        f_ctos,
        challenge=ctos,
        peer_challenge=stoc,
        credentials=client,
        own_system_title=C_ST,
        peer_system_title=S_ST,
    )
    with pytest.raises(AuthenticationError):
        verify(
            7,
            f_ctos,
            challenge=stoc,
            peer_challenge=ctos,
            credentials=meter,
            own_system_title=S_ST,
            peer_system_title=C_ST,
        )
    with pytest.raises(AuthenticationError):  # ECDSA challenges are 32 to 64 octets
        respond(
            7,
            challenge=STOC,
            own_challenge=ctos,
            credentials=client,
            own_system_title=C_ST,
            peer_system_title=S_ST,
        )


class XorMechanism:
    """A toy manufacturer mechanism 2 (it only has to be pluggable)."""

    def respond(
        self,
        challenge: bytes,
        *,
        own_challenge: bytes,
        own_system_title: bytes | None,
        peer_system_title: bytes | None,
        secret: Secret | None,
    ) -> bytes:
        assert secret is not None
        key = secret.reveal()
        return bytes(c ^ key[i % len(key)] for i, c in enumerate(challenge))

    def verify(
        self,
        response: bytes,
        *,
        challenge: bytes,
        peer_challenge: bytes,
        own_system_title: bytes | None,
        peer_system_title: bytes | None,
        secret: Secret | None,
    ) -> bool:
        expected = self.respond(
            challenge,
            own_challenge=peer_challenge,
            own_system_title=peer_system_title,
            peer_system_title=own_system_title,
            secret=secret,
        )
        return expected == response


def test_manufacturer_mechanism_is_pluggable() -> None:
    creds = Credentials(secret=b"k", manufacturer=XorMechanism())  # type: ignore[arg-type]
    assert isinstance(creds.secret, Secret)
    f = respond(2, challenge=STOC, own_challenge=CTOS, credentials=creds)
    verify(2, f, challenge=STOC, peer_challenge=CTOS, credentials=creds)
    with pytest.raises(AuthenticationError):
        verify(2, f[::-1], challenge=STOC, peer_challenge=CTOS, credentials=creds)
    with pytest.raises(SecurityConfigError):
        respond(2, challenge=STOC, own_challenge=CTOS, credentials=Credentials())


def test_lls() -> None:
    check_lls(b"12345678", Secret(b"12345678"))
    with pytest.raises(AuthenticationError) as info:
        check_lls(b"12345679", Secret(b"12345678"))
    assert "1234567" not in str(info.value)


def test_challenges() -> None:
    a, b = new_challenge(5), new_challenge(5)
    assert len(a) == 16 and a != b
    assert len(new_challenge(7)) == 32
    assert len(new_challenge(3, 64)) == 64 and len(new_challenge(3, 8)) == 8
    for m, n in ((3, 7), (3, 65), (7, 31)):
        with pytest.raises(SecurityConfigError):
            new_challenge(m, n)


def test_refusals() -> None:
    creds = Credentials(keys=GB_KEYS, secret=SECRET)
    with pytest.raises(AuthenticationError):  # the meter echoed our challenge
        respond(
            5,
            challenge=CTOS,
            own_challenge=CTOS,
            credentials=creds,
            own_system_title=C_ST,
            invocation_counter=1,
        )
    with pytest.raises(AuthenticationError):  # a challenge too short
        respond(3, challenge=STOC[:7], own_challenge=CTOS, credentials=creds)
    with pytest.raises(AuthenticationError):
        respond(3, challenge=STOC * 9, own_challenge=CTOS, credentials=creds)
    with pytest.raises(SecurityConfigError):
        respond(1, challenge=STOC, own_challenge=CTOS, credentials=creds)
    with pytest.raises(SecurityConfigError):
        respond(6, challenge=STOC, own_challenge=CTOS, credentials=creds, own_system_title=C_ST)
    with pytest.raises(SecurityConfigError):
        respond(5, challenge=STOC, own_challenge=CTOS, credentials=creds, own_system_title=C_ST)
    with pytest.raises(SecurityConfigError):
        respond(3, challenge=STOC, own_challenge=CTOS, credentials=Credentials())


def test_credentials_repr_hides_everything() -> None:
    creds = Credentials(secret=SECRET, keys=GB_KEYS, signing_key=ecc.generate_private_key(1))
    text = repr(creds)
    assert SECRET.reveal().decode() not in text
    assert GB_KEYS.unicast is not None and GB_KEYS.unicast.reveal().hex() not in text


_ECDSA_KEY = ecc.generate_private_key(SecuritySuite.SUITE_1)
_ANY = Credentials(
    secret=SECRET,
    keys=GB_KEYS,
    signing_key=_ECDSA_KEY,
    peer_signing_key=_ECDSA_KEY.public_key(),
    manufacturer=XorMechanism(),
)


@given(st.sampled_from([2, 3, 4, 5, 6, 7]), st.binary(max_size=120))
def test_any_response_is_accepted_or_refused_with_an_authentication_error(
    m: int, response: bytes
) -> None:
    challenge, peer = (STOC * 4, CTOS * 4)
    try:
        verify(
            m,
            response,
            challenge=challenge,
            peer_challenge=peer,
            credentials=_ANY,
            own_system_title=S_ST,
            peer_system_title=C_ST,
        )
    except AuthenticationError:
        return
    pytest.fail("a random response was accepted")
