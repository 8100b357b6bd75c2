"""The errors of the security layer.

Every one derives from :class:`SecurityError` and from one of the foundation's kinds:

* the *peer* sent something that fails security processing -- :class:`DecipheringError`
  and its subclasses, :class:`AuthenticationError` and :class:`CertificateError` -- are
  :class:`~dlmskit.errors.RemoteProtocolError`;
* *you* asked for something the protocol or the configuration does not allow --
  :class:`SecurityConfigError` -- is a :class:`~dlmskit.errors.LocalProtocolError`.

Messages never contain keys, passwords, challenges, shared secrets or plaintext.
"""

from __future__ import annotations

from dlmskit.errors import DecodeError, DlmsError, LocalProtocolError, RemoteProtocolError

__all__ = [
    "AuthenticationError",
    "AuthenticationTagError",
    "CertificateError",
    "CounterExhaustedError",
    "CounterStoreError",
    "DecipheringError",
    "InsufficientProtectionError",
    "ReplayError",
    "SecurityConfigError",
    "SecurityDecodeError",
    "SecurityError",
    "SignatureError",
    "SystemTitleMismatchError",
    "UnsupportedSecurityError",
    "WrongKeyError",
]


class SecurityError(DlmsError):
    """Base class of every error of :mod:`dlmskit.security`."""


class SecurityConfigError(SecurityError, LocalProtocolError):
    """The caller asked for something the security layer cannot do: a key of the wrong
    length for the suite, a protection the APDU kind cannot carry, a challenge out of
    range, a missing key or credential for the operation asked."""


class CounterExhaustedError(SecurityConfigError):
    """The sender's invocation counter reached its maximum: the key must be renewed
    (IEC 62056-5-3: no further invocation of the authenticated encryption function)."""


class CounterStoreError(SecurityError):
    """The durable invocation counter cannot be read or written. The sender fails closed:
    it never invents a counter value."""


class DecipheringError(SecurityError, RemoteProtocolError):
    """A protected APDU from the peer could not be verified or deciphered.

    The subclasses say why, as far as the cryptography can tell.
    """


class SecurityDecodeError(DecipheringError, DecodeError):
    """A ciphered or signed APDU is malformed: a length runs past the data, a field is
    missing, a value is out of range. Carries the offset like every :class:`DecodeError`."""

    def __init__(self, expected: str, offset: int) -> None:
        DecodeError.__init__(self, expected, offset, layer="security")


class AuthenticationTagError(DecipheringError):
    """The 12-byte AES-GCM authentication tag does not verify.

    The APDU (or its authentication tag) was altered, or it was protected with another
    block cipher key, authentication key, system title or security control byte than the
    ones used to check it. AES-GCM cannot tell these causes apart.
    """


class WrongKeyError(DecipheringError):
    """The key the APDU calls for is not configured here or cannot be the right one: the
    security control byte names a key set (broadcast, dedicated) without a key, the key
    length does not fit the security suite, or a wrapped key fails the RFC 3394 integrity
    check (wrong key encryption key)."""


class SystemTitleMismatchError(DecipheringError):
    """The system title carried in the APDU is not the one expected for the peer (or the
    recipient system title is not ours)."""


class ReplayError(DecipheringError):
    """The invocation counter is not greater than the last one accepted from the peer (or
    it is the maximum value, which is never accepted): a replay or a stale message.
    ``invocation_counter`` is the received value, ``lowest_acceptable`` the first value
    that would have been accepted."""

    def __init__(self, invocation_counter: int, lowest_acceptable: int) -> None:
        self.invocation_counter = invocation_counter
        self.lowest_acceptable = lowest_acceptable
        if invocation_counter == 0xFFFFFFFF:
            why = "the maximum value 0xFFFFFFFF is never accepted"
        else:
            why = f"the lowest acceptable value is {lowest_acceptable}"
        super().__init__(f"invocation counter {invocation_counter} rejected: {why}")


class InsufficientProtectionError(DecipheringError):
    """The APDU carries less protection than the security policy or access rights require
    (for example authentication only where authenticated encryption is required)."""


class UnsupportedSecurityError(DecipheringError):
    """The APDU asks for a security feature this implementation does not provide (V.44
    compression, a reserved security suite, a reserved key agreement scheme)."""


class SignatureError(DecipheringError):
    """An ECDSA signature does not verify with the signer's public key."""


class AuthenticationError(SecurityError, RemoteProtocolError):
    """The peer failed authentication: a wrong LLS password, a wrong HLS response f(StoC)
    or f(CtoS), a challenge out of the mechanism's range or equal to our own."""


class CertificateError(SecurityError, RemoteProtocolError):
    """An X.509 certificate is malformed or does not fit its use: wrong curve for the suite,
    key usage not matching, another system title, expired, or a signature that does not
    verify with the issuer's key."""
