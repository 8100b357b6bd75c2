"""Authentication mechanisms of the association (IEC 62056-5-3), both sides.

``mechanism-name`` is ``{2 16 756 5 8 2 id}``:

== ================ ===========================================================================
id name             the response f(challenge) a party sends (the client's f(StoC) in pass 3,
                    the meter's f(CtoS) in pass 4)
== ================ ===========================================================================
0  none             --
1  LLS              the password itself, in the AARQ (no challenge)
2  HLS              manufacturer specific: a pluggable :class:`ManufacturerMechanism`
3  HLS MD5          MD5(challenge || HLS secret)
4  HLS SHA-1        SHA-1(challenge || HLS secret)
5  HLS GMAC         SC || IC || GMAC(SC || AK || challenge), IV = own system title || IC
6  HLS SHA-256      SHA-256(HLS secret || ST own || ST peer || challenge || own challenge)
7  HLS ECDSA        ECDSA(ST own || ST peer || challenge || own challenge), own signature key
== ================ ===========================================================================

"challenge" is the one received from the peer, "own challenge" the one this party sent;
"own"/"peer" are from the point of view of the party computing the response. So the client
computes ``SHA-256(secret || ST-C || ST-S || StoC || CtoS)`` and the meter
``SHA-256(secret || ST-S || ST-C || CtoS || StoC)``, exactly as the Green Book tables say.

Challenges are 8 to 64 octets (32 to 64 for ECDSA) from :mod:`secrets`. A party refuses a
challenge equal to its own. Every comparison is constant-time.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final, Protocol

from dlmskit.security import ecc, gcm
from dlmskit.security.control import SecurityControl, SecuritySuite
from dlmskit.security.errors import (
    AuthenticationError,
    DecipheringError,
    SecurityConfigError,
)
from dlmskit.security.secret import Secret

if TYPE_CHECKING:
    from dlmskit.security.counters import InvocationCounter, ReplayGuard
    from dlmskit.security.envelope import SymmetricKeys

__all__ = [
    "MECHANISM_NAME_PREFIX",
    "Credentials",
    "ManufacturerMechanism",
    "Mechanism",
    "check_lls",
    "new_challenge",
    "respond",
    "verify",
]

MECHANISM_NAME_PREFIX: Final = bytes.fromhex("608574050802")


class Mechanism(enum.IntEnum):
    """Authentication mechanism ids (the last arc of the mechanism-name OID)."""

    NONE = 0
    LLS = 1
    HLS = 2
    HLS_MD5 = 3
    HLS_SHA1 = 4
    HLS_GMAC = 5
    HLS_SHA256 = 6
    HLS_ECDSA = 7

    @property
    def mechanism_name(self) -> bytes:
        """The BER contents of the mechanism-name OBJECT IDENTIFIER."""
        return MECHANISM_NAME_PREFIX + bytes((int(self),))

    @classmethod
    def from_mechanism_name(cls, oid: bytes) -> Mechanism:
        if len(oid) != 7 or oid[:6] != MECHANISM_NAME_PREFIX:
            raise AuthenticationError("not a DLMS/COSEM authentication mechanism name")
        try:
            return cls(oid[6])
        except ValueError:
            raise AuthenticationError(f"authentication mechanism id {oid[6]} is unknown") from None

    @property
    def is_hls(self) -> bool:
        return self >= Mechanism.HLS

    @property
    def challenge_range(self) -> tuple[int, int]:
        """Allowed challenge lengths (CtoS and StoC) in octets."""
        return (32, 64) if self is Mechanism.HLS_ECDSA else (8, 64)


class ManufacturerMechanism(Protocol):
    """The processing of mechanism 2 (manufacturer specific HLS), plugged in by the user."""

    def respond(
        self,
        challenge: bytes,
        *,
        own_challenge: bytes,
        own_system_title: bytes | None,
        peer_system_title: bytes | None,
        secret: Secret | None,
    ) -> bytes: ...

    def verify(
        self,
        response: bytes,
        *,
        challenge: bytes,
        peer_challenge: bytes,
        own_system_title: bytes | None,
        peer_system_title: bytes | None,
        secret: Secret | None,
    ) -> bool: ...


@dataclass(frozen=True, slots=True)
class Credentials:
    """What a party needs for its mechanism. ``repr`` never shows a secret.

    * ``secret``: the LLS password (1) or the HLS secret (3, 4, 6, and 2 if it uses one);
    * ``keys``: the symmetric keys for GMAC (5): the global unicast key EK and the AK;
    * ``signing_key`` / ``peer_signing_key``: own private and the peer's public digital
      signature key for ECDSA (7);
    * ``manufacturer``: the processing of mechanism 2.
    """

    secret: Secret | None = None
    keys: SymmetricKeys | None = None
    signing_key: ecc.PrivateKey | None = field(default=None, repr=False)
    peer_signing_key: ecc.PublicKey | None = field(default=None, repr=False)
    manufacturer: ManufacturerMechanism | None = None

    def __post_init__(self) -> None:
        secret: object = self.secret
        if isinstance(secret, (bytes, bytearray, memoryview)):
            object.__setattr__(self, "secret", Secret(secret))


def new_challenge(mechanism: Mechanism | int, length: int | None = None) -> bytes:
    """A random challenge (CtoS or StoC) from :mod:`secrets`: 16 octets by default, 32 for
    ECDSA."""
    m = Mechanism(mechanism)
    low, high = m.challenge_range
    size = max(low, 16) if length is None else length
    if not low <= size <= high:
        raise SecurityConfigError(f"a challenge for {m.name} is {low} to {high} octets")
    return secrets.token_bytes(size)


def check_lls(received: bytes | Secret, password: Secret | bytes) -> None:
    """The meter side of LLS: the calling-authentication-value must equal the password."""
    got = received.reveal() if isinstance(received, Secret) else bytes(received)
    want = password.reveal() if isinstance(password, Secret) else bytes(password)
    if not hmac.compare_digest(got, want):
        raise AuthenticationError("the LLS password is wrong")


def _check_challenge(m: Mechanism, challenge: bytes, what: str) -> None:
    low, high = m.challenge_range
    if not low <= len(challenge) <= high:
        raise AuthenticationError(
            f"{what} challenge of {len(challenge)} octets: {m.name} needs {low} to {high}"
        )


def _need_secret(credentials: Credentials, m: Mechanism) -> bytes:
    if credentials.secret is None:
        raise SecurityConfigError(f"{m.name} needs the HLS secret")
    return credentials.secret.reveal()


def _need_titles(own: bytes | None, peer: bytes | None, m: Mechanism) -> tuple[bytes, bytes]:
    if own is None or peer is None:
        raise SecurityConfigError(f"{m.name} needs both system titles")
    if len(own) != 8 or len(peer) != 8:
        raise SecurityConfigError("a system title is 8 octets")
    return own, peer


def _gmac_keys(credentials: Credentials) -> tuple[bytes, bytes, SecuritySuite]:
    keys = credentials.keys
    if keys is None or keys.unicast is None:
        raise SecurityConfigError("HLS_GMAC needs the global unicast encryption key")
    return keys.unicast.reveal(), keys.authentication_bytes, keys.suite


def respond(
    mechanism: Mechanism | int,
    *,
    challenge: bytes,
    own_challenge: bytes,
    credentials: Credentials,
    own_system_title: bytes | None = None,
    peer_system_title: bytes | None = None,
    invocation_counter: InvocationCounter | int | None = None,
) -> bytes:
    """This party's f(challenge) for HLS pass 3 (client: challenge = StoC, own = CtoS) or
    pass 4 (meter: challenge = CtoS, own = StoC).

    GMAC uses ``invocation_counter`` (an :class:`InvocationCounter`, whose next value is
    used and recorded, or a plain int) and ``own_system_title``.
    """
    m = Mechanism(mechanism)
    if not m.is_hls:
        raise SecurityConfigError(f"{m.name} has no challenge processing")
    _check_challenge(m, challenge, "the peer's")
    _check_challenge(m, own_challenge, "our own")
    if hmac.compare_digest(challenge, own_challenge):
        raise AuthenticationError("the peer's challenge equals ours: refused")
    if m is Mechanism.HLS:
        if credentials.manufacturer is None:
            raise SecurityConfigError("mechanism 2 needs a ManufacturerMechanism")
        return credentials.manufacturer.respond(
            challenge,
            own_challenge=own_challenge,
            own_system_title=own_system_title,
            peer_system_title=peer_system_title,
            secret=credentials.secret,
        )
    if m is Mechanism.HLS_MD5:
        return hashlib.md5(challenge + _need_secret(credentials, m), usedforsecurity=True).digest()
    if m is Mechanism.HLS_SHA1:
        return hashlib.sha1(challenge + _need_secret(credentials, m), usedforsecurity=True).digest()
    if m is Mechanism.HLS_SHA256:
        own, peer = _need_titles(own_system_title, peer_system_title, m)
        secret = _need_secret(credentials, m)
        return hashlib.sha256(secret + own + peer + challenge + own_challenge).digest()
    if m is Mechanism.HLS_ECDSA:
        own, peer = _need_titles(own_system_title, peer_system_title, m)
        if credentials.signing_key is None:
            raise SecurityConfigError("HLS_ECDSA needs our private signature key")
        key = credentials.signing_key
        return ecc.ecdsa_sign(key, own + peer + challenge + own_challenge, ecc.suite_of_key(key))
    # HLS_GMAC
    if own_system_title is None or len(own_system_title) != 8:
        raise SecurityConfigError("HLS_GMAC needs our 8-octet system title")
    if invocation_counter is None:
        raise SecurityConfigError("HLS_GMAC needs our invocation counter")
    ic = invocation_counter if isinstance(invocation_counter, int) else invocation_counter.next()
    ek, ak, suite = _gmac_keys(credentials)
    sc = SecurityControl.of(suite=int(suite), authenticated=True)
    tag = gcm.gmac(
        key=ek,
        system_title=own_system_title,
        invocation_counter=ic,
        aad=bytes((sc,)) + ak + challenge,
    )
    return bytes((sc,)) + ic.to_bytes(4, "big") + tag


def verify(
    mechanism: Mechanism | int,
    response: bytes,
    *,
    challenge: bytes,
    peer_challenge: bytes,
    credentials: Credentials,
    own_system_title: bytes | None = None,
    peer_system_title: bytes | None = None,
    replay: ReplayGuard | None = None,
) -> None:
    """Check the peer's f(challenge): the meter checks the client's f(StoC) (challenge =
    StoC, peer_challenge = CtoS), the client checks the meter's f(CtoS) (challenge = CtoS,
    peer_challenge = StoC). Raises :class:`AuthenticationError` if it is wrong.

    For GMAC, ``replay`` checks and records the peer's invocation counter.
    """
    m = Mechanism(mechanism)
    if not m.is_hls:
        raise SecurityConfigError(f"{m.name} has no challenge processing")
    _check_challenge(m, challenge, "our own")
    _check_challenge(m, peer_challenge, "the peer's")
    if m is Mechanism.HLS:
        if credentials.manufacturer is None:
            raise SecurityConfigError("mechanism 2 needs a ManufacturerMechanism")
        ok = credentials.manufacturer.verify(
            response,
            challenge=challenge,
            peer_challenge=peer_challenge,
            own_system_title=own_system_title,
            peer_system_title=peer_system_title,
            secret=credentials.secret,
        )
        if not ok:
            raise AuthenticationError("the peer's HLS response (mechanism 2) is wrong")
        return
    if m is Mechanism.HLS_ECDSA:
        own, peer = _need_titles(own_system_title, peer_system_title, m)
        if credentials.peer_signing_key is None:
            raise SecurityConfigError("HLS_ECDSA needs the peer's public signature key")
        key = credentials.peer_signing_key
        try:
            ecc.ecdsa_verify(
                key, peer + own + challenge + peer_challenge, response, ecc.suite_of_key(key)
            )
        except DecipheringError:
            raise AuthenticationError("the peer's HLS response (ECDSA) does not verify") from None
        return
    if m is Mechanism.HLS_GMAC:
        _verify_gmac(response, challenge, credentials, peer_system_title, replay)
        return
    # the hash mechanisms: recompute the peer's response from its point of view
    expected = respond(
        m,
        challenge=challenge,
        own_challenge=peer_challenge,
        credentials=credentials,
        own_system_title=peer_system_title,
        peer_system_title=own_system_title,
    )
    if not hmac.compare_digest(expected, response):
        raise AuthenticationError(f"the peer's HLS response ({m.name}) is wrong")


def _verify_gmac(
    response: bytes,
    challenge: bytes,
    credentials: Credentials,
    peer_system_title: bytes | None,
    replay: ReplayGuard | None,
) -> None:
    if peer_system_title is None or len(peer_system_title) != 8:
        raise SecurityConfigError("HLS_GMAC needs the peer's 8-octet system title")
    ek, ak, suite = _gmac_keys(credentials)
    if len(response) != gcm.HEADER_LENGTH + gcm.TAG_LENGTH:
        raise AuthenticationError(
            f"an HLS GMAC response is SC || IC || 12-octet tag (17 octets), not {len(response)}"
        )
    sc = SecurityControl(response[0])
    if sc != SecurityControl.of(suite=int(suite), authenticated=True):
        raise AuthenticationError(
            f"an HLS GMAC response has SC 0x{0x10 | int(suite):02x}, not {sc!r}"
        )
    ic = int.from_bytes(response[1:5], "big")
    if replay is not None:
        replay.check(ic)
    expected = gcm.gmac(
        key=ek,
        system_title=peer_system_title,
        invocation_counter=ic,
        aad=response[:1] + ak + challenge,
    )
    if not hmac.compare_digest(expected, response[5:]):
        raise AuthenticationError("the peer's HLS response (GMAC) is wrong")
    if replay is not None:
        replay.accept(ic)
