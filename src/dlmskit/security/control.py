"""Wire codes of DLMS/COSEM security: the security control byte, security suites,
security policies (Security setup version 0 and 1) and key identifiers.

The security control byte (IEC 62056-5-3, the security header SH = SC || IC):

====  ==============================================================
bits  meaning
====  ==============================================================
0-3   security suite id (0, 1, 2; others reserved)
4     A: authentication applied
5     E: encryption applied
6     key set: 0 = unicast, 1 = broadcast (global ciphering only)
7     compression applied (ITU-T V.44)
====  ==============================================================
"""

from __future__ import annotations

import enum
from typing import Final

from dlmskit.security.errors import SecurityConfigError

__all__ = [
    "ALGORITHM_AES_GCM_128",
    "ALGORITHM_AES_GCM_256",
    "ALGORITHM_AES_WRAP_128",
    "ALGORITHM_AES_WRAP_256",
    "GlobalKeyId",
    "IdentifiedKeyId",
    "KekId",
    "KeyAgreementScheme",
    "Protection",
    "SecurityControl",
    "SecurityPolicy",
    "SecurityPolicyV0",
    "SecuritySuite",
]

# COSEM cryptographic algorithm ids {2 16 756 5 8 3 x}, BER-encoded as they enter the KDF's
# AlgorithmID. The octet 05 for the DLMS UA arc is confirmed by deciphering the Green Book's
# suite 1 general-ciphering examples (see tests/security/test_greenbook_suite1.py).
ALGORITHM_AES_GCM_128: Final = bytes.fromhex("60857405080300")
ALGORITHM_AES_GCM_256: Final = bytes.fromhex("60857405080301")
ALGORITHM_AES_WRAP_128: Final = bytes.fromhex("60857405080302")
ALGORITHM_AES_WRAP_256: Final = bytes.fromhex("60857405080303")


class SecuritySuite(enum.IntEnum):
    """The three security suites of IEC 62056-5-3."""

    #: AES-GCM-128, AES key wrap 128; no public key algorithms.
    SUITE_0 = 0
    #: ECDH-ECDSA on P-256, AES-GCM-128, AES key wrap 128, SHA-256.
    SUITE_1 = 1
    #: ECDH-ECDSA on P-384, AES-GCM-256, AES key wrap 256, SHA-384.
    SUITE_2 = 2

    @property
    def key_length(self) -> int:
        """Octets of the symmetric keys (block cipher, authentication, master)."""
        return 32 if self is SecuritySuite.SUITE_2 else 16

    @property
    def gcm_algorithm_id(self) -> bytes:
        return ALGORITHM_AES_GCM_256 if self is SecuritySuite.SUITE_2 else ALGORITHM_AES_GCM_128

    @property
    def wrap_algorithm_id(self) -> bytes:
        return ALGORITHM_AES_WRAP_256 if self is SecuritySuite.SUITE_2 else ALGORITHM_AES_WRAP_128

    @property
    def has_public_key(self) -> bool:
        return self is not SecuritySuite.SUITE_0


class Protection(enum.IntFlag):
    """The protection bits of the security control byte, used to state requirements."""

    NONE = 0
    AUTHENTICATED = 0x10
    ENCRYPTED = 0x20
    AUTHENTICATED_ENCRYPTED = 0x30


class SecurityControl(int):
    """The security control byte. An ``int`` (0..255) with named parts.

    >>> sc = SecurityControl.of(authenticated=True, encrypted=True)
    >>> hex(sc), sc.suite, sc.protection
    ('0x30', <SecuritySuite.SUITE_0: 0>, <Protection.AUTHENTICATED_ENCRYPTED: 48>)
    """

    __slots__ = ()

    AUTHENTICATION: Final = 0x10
    ENCRYPTION: Final = 0x20
    BROADCAST: Final = 0x40
    COMPRESSION: Final = 0x80

    def __new__(cls, value: int) -> SecurityControl:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 0xFF:
            raise SecurityConfigError(f"a security control byte is 0..255, not {value!r}")
        return super().__new__(cls, value)

    @classmethod
    def of(
        cls,
        *,
        suite: int = 0,
        authenticated: bool = False,
        encrypted: bool = False,
        broadcast: bool = False,
        compressed: bool = False,
    ) -> SecurityControl:
        if not 0 <= suite <= 0x0F:
            raise SecurityConfigError(f"a security suite id is 0..15, not {suite}")
        return cls(
            suite
            | (cls.AUTHENTICATION if authenticated else 0)
            | (cls.ENCRYPTION if encrypted else 0)
            | (cls.BROADCAST if broadcast else 0)
            | (cls.COMPRESSION if compressed else 0)
        )

    @property
    def suite_id(self) -> int:
        """The raw suite id nibble (0..15)."""
        return int(self) & 0x0F

    @property
    def suite(self) -> SecuritySuite:
        """The security suite; raises :class:`SecurityConfigError` for a reserved id (use
        :attr:`suite_id` to read it without checking)."""
        try:
            return SecuritySuite(int(self) & 0x0F)
        except ValueError:
            raise SecurityConfigError(f"security suite id {int(self) & 0x0F} is reserved") from None

    @property
    def authenticated(self) -> bool:
        return bool(int(self) & 0x10)

    @property
    def encrypted(self) -> bool:
        return bool(int(self) & 0x20)

    @property
    def broadcast(self) -> bool:
        return bool(int(self) & 0x40)

    @property
    def compressed(self) -> bool:
        return bool(int(self) & 0x80)

    @property
    def protection(self) -> Protection:
        return Protection(int(self) & 0x30)

    def satisfies(self, required: Protection) -> bool:
        """True if this byte applies at least the ``required`` protection."""
        return (int(self) & int(required)) == int(required)

    def __repr__(self) -> str:
        parts = [f"suite {int(self) & 0x0F}"]
        parts += [
            name
            for bit, name in (
                (0x10, "authenticated"),
                (0x20, "encrypted"),
                (0x40, "broadcast"),
                (0x80, "compressed"),
            )
            if int(self) & bit
        ]
        return f"SecurityControl(0x{int(self):02x}: {', '.join(parts)})"

    __str__ = __repr__


class SecurityPolicyV0(enum.IntEnum):
    """``security_policy`` of "Security setup" version 0 (an enum)."""

    NOTHING = 0
    AUTHENTICATED = 1
    ENCRYPTED = 2
    AUTHENTICATED_ENCRYPTED = 3


class SecurityPolicy(enum.IntFlag):
    """``security_policy`` of "Security setup" version 1 (bit flags; bits 0 and 1 unused)."""

    NOTHING = 0
    AUTHENTICATED_REQUEST = 0x04
    ENCRYPTED_REQUEST = 0x08
    DIGITALLY_SIGNED_REQUEST = 0x10
    AUTHENTICATED_RESPONSE = 0x20
    ENCRYPTED_RESPONSE = 0x40
    DIGITALLY_SIGNED_RESPONSE = 0x80

    @classmethod
    def from_v0(cls, policy: SecurityPolicyV0 | int) -> SecurityPolicy:
        """The version 1 flags equal to a version 0 policy ("all messages ...")."""
        v0 = SecurityPolicyV0(policy)
        flags = cls.NOTHING
        if v0 in (SecurityPolicyV0.AUTHENTICATED, SecurityPolicyV0.AUTHENTICATED_ENCRYPTED):
            flags |= cls.AUTHENTICATED_REQUEST | cls.AUTHENTICATED_RESPONSE
        if v0 in (SecurityPolicyV0.ENCRYPTED, SecurityPolicyV0.AUTHENTICATED_ENCRYPTED):
            flags |= cls.ENCRYPTED_REQUEST | cls.ENCRYPTED_RESPONSE
        return flags

    @classmethod
    def decode(cls, value: int) -> SecurityPolicy:
        """From the attribute value; bits 0 and 1 must be 0."""
        if not 0 <= value <= 0xFF or value & 0x03:
            raise SecurityConfigError(f"0x{value:x} is not a security policy (version 1)")
        return cls(value)

    @property
    def request_protection(self) -> Protection:
        p = Protection.NONE
        if self & SecurityPolicy.AUTHENTICATED_REQUEST:
            p |= Protection.AUTHENTICATED
        if self & SecurityPolicy.ENCRYPTED_REQUEST:
            p |= Protection.ENCRYPTED
        return p

    @property
    def response_protection(self) -> Protection:
        p = Protection.NONE
        if self & SecurityPolicy.AUTHENTICATED_RESPONSE:
            p |= Protection.AUTHENTICATED
        if self & SecurityPolicy.ENCRYPTED_RESPONSE:
            p |= Protection.ENCRYPTED
        return p

    @property
    def requests_signed(self) -> bool:
        return bool(self & SecurityPolicy.DIGITALLY_SIGNED_REQUEST)

    @property
    def responses_signed(self) -> bool:
        return bool(self & SecurityPolicy.DIGITALLY_SIGNED_RESPONSE)


class GlobalKeyId(enum.IntEnum):
    """``key_id`` of the "Security setup" methods key_transfer / global_key_transfer and
    key_agreement."""

    UNICAST_ENCRYPTION = 0
    BROADCAST_ENCRYPTION = 1
    AUTHENTICATION = 2
    MASTER = 3  # the key encrypting key (KEK)


class IdentifiedKeyId(enum.IntEnum):
    """``key-id`` of an identified-key in the key-info of general-ciphering."""

    GLOBAL_UNICAST_ENCRYPTION = 0
    GLOBAL_BROADCAST_ENCRYPTION = 1


class KekId(enum.IntEnum):
    """``kek-id`` of a wrapped-key in the key-info of general-ciphering."""

    MASTER_KEY = 0


class KeyAgreementScheme(enum.IntEnum):
    """The three ECC CDH key agreement schemes of NIST SP 800-56A chosen by DLMS/COSEM.
    The values of one-pass and static unified are the ``key-parameters`` of an agreed-key."""

    #: C(2e, 0s): the key_agreement method of "Security setup" (client = U, server = V).
    EPHEMERAL_UNIFIED_MODEL = 0
    #: C(1e, 1s): general-ciphering agreed-key, key-parameters 0x01 (originator = U).
    ONE_PASS_DIFFIE_HELLMAN = 1
    #: C(0e, 2s): general-ciphering agreed-key, key-parameters 0x02; the transaction-id is
    #: the nonce.
    STATIC_UNIFIED_MODEL = 2
