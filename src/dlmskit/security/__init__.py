"""DLMS/COSEM security (IEC 62056-5-3): security suites 0, 1 and 2.

Pure functions over bytes and small frozen types, used by both the client and the meter:

* :mod:`~dlmskit.security.control` -- the security control byte, suites, policies, key ids;
* :mod:`~dlmskit.security.envelope` -- glo-/ded- APDUs and general-glo/ded-ciphering
  (:func:`encrypt`, :func:`decrypt`);
* :mod:`~dlmskit.security.general` -- general-ciphering and general-signing;
* :mod:`~dlmskit.security.agreement` -- ECDH key agreement (ephemeral unified model,
  one-pass Diffie-Hellman, static unified model) and key-info resolution;
* :mod:`~dlmskit.security.keywrap` -- AES key wrap and key transfer;
* :mod:`~dlmskit.security.ecc` -- ECDSA, ECDH and the concatenation KDF on P-256/P-384;
* :mod:`~dlmskit.security.certificates` -- X.509 certificates;
* :mod:`~dlmskit.security.authentication` -- the authentication mechanisms 0 to 7;
* :mod:`~dlmskit.security.counters` -- invocation counters that never repeat an IV.

Keys, passwords and challenges are wrapped in :class:`Secret`/:class:`Key` and never appear
in logs, exceptions or ``repr``.
"""

from dlmskit.security.authentication import (
    Credentials,
    ManufacturerMechanism,
    Mechanism,
    check_lls,
    new_challenge,
    respond,
    verify,
)
from dlmskit.security.control import (
    GlobalKeyId,
    IdentifiedKeyId,
    KekId,
    KeyAgreementScheme,
    Protection,
    SecurityControl,
    SecurityPolicy,
    SecurityPolicyV0,
    SecuritySuite,
)
from dlmskit.security.counters import (
    CounterStore,
    FileCounterStore,
    InvocationCounter,
    MemoryCounterStore,
    ReplayGuard,
)
from dlmskit.security.envelope import (
    GENERAL_DED_CIPHERING,
    GENERAL_GLO_CIPHERING,
    Deciphered,
    KeySet,
    SymmetricKeys,
    decrypt,
    ded_tag,
    encrypt,
    glo_tag,
    is_ciphered_tag,
    plain_tag,
)
from dlmskit.security.errors import (
    AuthenticationError,
    AuthenticationTagError,
    CertificateError,
    CounterExhaustedError,
    CounterStoreError,
    DecipheringError,
    InsufficientProtectionError,
    ReplayError,
    SecurityConfigError,
    SecurityDecodeError,
    SecurityError,
    SignatureError,
    SystemTitleMismatchError,
    UnsupportedSecurityError,
    WrongKeyError,
)
from dlmskit.security.general import (
    GENERAL_CIPHERING,
    GENERAL_SIGNING,
    AgreedKey,
    GeneralCiphering,
    GeneralSigning,
    IdentifiedKey,
    KeyInfo,
    OpenedGeneralCiphering,
    WrappedKey,
    open_general_ciphering,
    seal_general_ciphering,
    sign_general,
    verify_general_signing,
)
from dlmskit.security.secret import Key, Secret

__all__ = [
    "GENERAL_CIPHERING",
    "GENERAL_DED_CIPHERING",
    "GENERAL_GLO_CIPHERING",
    "GENERAL_SIGNING",
    "AgreedKey",
    "AuthenticationError",
    "AuthenticationTagError",
    "CertificateError",
    "CounterExhaustedError",
    "CounterStore",
    "CounterStoreError",
    "Credentials",
    "Deciphered",
    "DecipheringError",
    "FileCounterStore",
    "GeneralCiphering",
    "GeneralSigning",
    "GlobalKeyId",
    "IdentifiedKey",
    "IdentifiedKeyId",
    "InsufficientProtectionError",
    "InvocationCounter",
    "KekId",
    "Key",
    "KeyAgreementScheme",
    "KeyInfo",
    "KeySet",
    "ManufacturerMechanism",
    "Mechanism",
    "MemoryCounterStore",
    "OpenedGeneralCiphering",
    "Protection",
    "ReplayError",
    "ReplayGuard",
    "Secret",
    "SecurityConfigError",
    "SecurityControl",
    "SecurityDecodeError",
    "SecurityError",
    "SecurityPolicy",
    "SecurityPolicyV0",
    "SecuritySuite",
    "SignatureError",
    "SymmetricKeys",
    "SystemTitleMismatchError",
    "UnsupportedSecurityError",
    "WrappedKey",
    "WrongKeyError",
    "check_lls",
    "decrypt",
    "ded_tag",
    "encrypt",
    "glo_tag",
    "is_ciphered_tag",
    "new_challenge",
    "open_general_ciphering",
    "plain_tag",
    "respond",
    "seal_general_ciphering",
    "sign_general",
    "verify",
    "verify_general_signing",
]
