"""general-ciphering (0xDD) and general-signing (0xDF).

::

    General-Ciphering ::= SEQUENCE {           General-Signing ::= SEQUENCE {
      transaction-id           OCTET STRING,     transaction-id           OCTET STRING,
      originator-system-title  OCTET STRING,     originator-system-title  OCTET STRING,
      recipient-system-title   OCTET STRING,     recipient-system-title   OCTET STRING,
      date-time                OCTET STRING,     date-time                OCTET STRING,
      other-information        OCTET STRING,     other-information        OCTET STRING,
      key-info                 Key-Info OPTIONAL,  content                OCTET STRING,
      ciphered-content         OCTET STRING }      signature              OCTET STRING }

    Key-Info ::= CHOICE {
      identified-key [0] SEQUENCE { key-id ENUMERATED },
      wrapped-key    [1] SEQUENCE { kek-id ENUMERATED, key-ciphered-data OCTET STRING },
      agreed-key     [2] SEQUENCE { key-parameters OCTET STRING, key-ciphered-data OCTET STRING } }

The ciphered-content is SC || IC || payload [|| T]; its IV is originator-system-title || IC,
and the five header fields enter the AAD with their A-XDR lengths (Green Book: "the length
and the value of each field is included in the AAD"); key-info does not.

The signature of general-signing is ECDSA over the five header fields with their lengths
followed by the content *without* its length -- the composition Gurux implements
("content length is not added for the signed data"); the Green Book text available to us
does not settle whether the content's length is signed, see the module tests.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from dlmskit.security import ecc, gcm
from dlmskit.security._wire import octet_string, read_octet_string
from dlmskit.security.control import (
    IdentifiedKeyId,
    KekId,
    KeyAgreementScheme,
    Protection,
    SecurityControl,
)
from dlmskit.security.errors import (
    InsufficientProtectionError,
    SecurityConfigError,
    SecurityDecodeError,
    SystemTitleMismatchError,
    UnsupportedSecurityError,
)
from dlmskit.security.secret import Key, reveal

if TYPE_CHECKING:
    from dlmskit.security.counters import ReplayGuard

__all__ = [
    "GENERAL_CIPHERING",
    "GENERAL_SIGNING",
    "AgreedKey",
    "GeneralCiphering",
    "GeneralSigning",
    "IdentifiedKey",
    "KeyInfo",
    "OpenedGeneralCiphering",
    "WrappedKey",
    "open_general_ciphering",
    "seal_general_ciphering",
    "sign_general",
    "verify_general_signing",
]

_log = logging.getLogger("dlmskit.security")

GENERAL_CIPHERING: Final = 0xDD
GENERAL_SIGNING: Final = 0xDF


@dataclass(frozen=True, slots=True)
class IdentifiedKey:
    """key-info: the block cipher key is a global key named by ``key_id``."""

    key_id: IdentifiedKeyId

    def to_bytes(self) -> bytes:
        return bytes((0, int(self.key_id)))


@dataclass(frozen=True, slots=True)
class WrappedKey:
    """key-info: the block cipher key was generated for this message and is wrapped with the
    key encrypting key (master key)."""

    key_ciphered_data: bytes
    kek_id: KekId = KekId.MASTER_KEY

    def to_bytes(self) -> bytes:
        return bytes((1, int(self.kek_id))) + octet_string(self.key_ciphered_data)


@dataclass(frozen=True, slots=True)
class AgreedKey:
    """key-info: the block cipher key is agreed by C(1e, 1s) (``key_ciphered_data`` = the
    originator's ephemeral public key || its signature) or C(0e, 2s) (empty data)."""

    scheme: KeyAgreementScheme
    key_ciphered_data: bytes = b""

    def __post_init__(self) -> None:
        if self.scheme is KeyAgreementScheme.EPHEMERAL_UNIFIED_MODEL:
            raise SecurityConfigError("an agreed-key is one-pass or static unified model")

    def to_bytes(self) -> bytes:
        return bytes((2, 1, int(self.scheme))) + octet_string(self.key_ciphered_data)


KeyInfo = IdentifiedKey | WrappedKey | AgreedKey


def _decode_key_info(data: bytes, pos: int, end: int) -> tuple[KeyInfo | None, int]:
    if pos >= end:
        raise SecurityDecodeError("the key-info presence flag", pos)
    flag = data[pos]
    pos += 1
    if flag == 0:
        return None, pos
    if flag != 1:
        raise SecurityDecodeError(f"key-info presence 0 or 1, found 0x{flag:02x}", pos - 1)
    if end - pos < 2:
        raise SecurityDecodeError("a key-info choice and its first field", pos)
    choice = data[pos]
    if choice == 0:
        try:
            kid = IdentifiedKeyId(data[pos + 1])
        except ValueError:
            raise SecurityDecodeError(f"a key-id 0 or 1, found {data[pos + 1]}", pos + 1) from None
        return IdentifiedKey(kid), pos + 2
    if choice == 1:
        try:
            kek = KekId(data[pos + 1])
        except ValueError:
            raise SecurityDecodeError(
                f"a kek-id 0 (master key), found {data[pos + 1]}", pos + 1
            ) from None
        wrapped, pos = read_octet_string(data, pos + 2, end)
        return WrappedKey(wrapped, kek), pos
    if choice == 2:
        params_at = pos + 1
        params, pos = read_octet_string(data, pos + 1, end)
        if len(params) != 1:
            raise SecurityDecodeError("key-parameters of one octet", params_at)
        if params[0] not in (1, 2):
            raise UnsupportedSecurityError(
                f"key-parameters 0x{params[0]:02x} names a reserved key agreement scheme"
            )
        kcd, pos = read_octet_string(data, pos, end)
        return AgreedKey(KeyAgreementScheme(params[0]), kcd), pos
    raise SecurityDecodeError(f"a key-info choice 0..2, found {choice}", pos)


def _header_fields(
    transaction_id: bytes,
    originator_system_title: bytes,
    recipient_system_title: bytes,
    date_time: bytes,
    other_information: bytes,
) -> bytes:
    return (
        octet_string(transaction_id)
        + octet_string(originator_system_title)
        + octet_string(recipient_system_title)
        + octet_string(date_time)
        + octet_string(other_information)
    )


def _read_header(data: bytes, pos: int, end: int) -> tuple[list[bytes], int]:
    fields = []
    for _ in range(5):
        value, pos = read_octet_string(data, pos, end)
        fields.append(value)
    return fields, pos


@dataclass(frozen=True, slots=True)
class GeneralCiphering:
    """A general-ciphering APDU as carried on the wire (nothing verified yet)."""

    transaction_id: bytes
    originator_system_title: bytes
    recipient_system_title: bytes
    date_time: bytes
    other_information: bytes
    key_info: KeyInfo | None
    ciphered_content: bytes = dataclasses.field(repr=False)

    @property
    def header(self) -> bytes:
        """The five header fields with their lengths: the AAD's extra part."""
        return _header_fields(
            self.transaction_id,
            self.originator_system_title,
            self.recipient_system_title,
            self.date_time,
            self.other_information,
        )

    @property
    def security(self) -> SecurityControl:
        sc, _, _ = gcm.parse_header(self.ciphered_content, 0, len(self.ciphered_content))
        return sc

    @property
    def invocation_counter(self) -> int:
        _, ic, _ = gcm.parse_header(self.ciphered_content, 0, len(self.ciphered_content))
        return ic

    def to_bytes(self) -> bytes:
        info = b"\x00" if self.key_info is None else b"\x01" + self.key_info.to_bytes()
        return (
            bytes((GENERAL_CIPHERING,)) + self.header + info + octet_string(self.ciphered_content)
        )

    @classmethod
    def from_bytes(cls, apdu: bytes | bytearray | memoryview) -> GeneralCiphering:
        data = bytes(apdu)
        end = len(data)
        if not data or data[0] != GENERAL_CIPHERING:
            raise SecurityDecodeError("the general-ciphering tag 0xDD", 0)
        fields, pos = _read_header(data, 1, end)
        key_info, pos = _decode_key_info(data, pos, end)
        content_at = pos
        content, pos = read_octet_string(data, pos, end)
        if pos != end:
            raise SecurityDecodeError(f"the end of the APDU, {end - pos} octets follow", pos)
        if len(content) < gcm.HEADER_LENGTH:
            raise SecurityDecodeError("a ciphered-content with SC and IC", content_at)
        tid, orig, recip, when, other = fields
        return cls(tid, orig, recip, when, other, key_info, content)


@dataclass(frozen=True, slots=True)
class OpenedGeneralCiphering:
    """A verified and deciphered general-ciphering APDU."""

    apdu: GeneralCiphering
    security: SecurityControl
    invocation_counter: int
    plaintext: bytes = dataclasses.field(repr=False)


def seal_general_ciphering(
    plaintext: bytes,
    *,
    security: SecurityControl | int,
    key: Key | bytes,
    authentication_key: Key | bytes | None,
    invocation_counter: int,
    transaction_id: bytes,
    originator_system_title: bytes,
    recipient_system_title: bytes,
    date_time: bytes = b"",
    other_information: bytes = b"",
    key_info: KeyInfo | None = None,
) -> bytes:
    """Protect ``plaintext`` in a general-ciphering APDU with block cipher ``key``.

    ``key_info`` tells the recipient how to find the key (see
    :mod:`dlmskit.security.agreement` for the wrapped and agreed forms). The key-set bit
    must be 0 here (the key is named by key-info).
    """
    sc = security if isinstance(security, SecurityControl) else SecurityControl(security)
    if sc.broadcast:
        raise SecurityConfigError("the key-set bit must be 0 in general-ciphering")
    if len(originator_system_title) != gcm.SYSTEM_TITLE_LENGTH:
        raise SecurityConfigError("the originator system title must be 8 octets")
    k = reveal(key)
    if len(k) != sc.suite.key_length:
        raise SecurityConfigError(
            f"the block cipher key has {len(k)} octets; suite {sc.suite_id} needs "
            f"{sc.suite.key_length}"
        )
    header = _header_fields(
        transaction_id,
        originator_system_title,
        recipient_system_title,
        date_time,
        other_information,
    )
    content = gcm.seal_content(
        sc,
        plaintext,
        key=k,
        authentication_key=b"" if authentication_key is None else reveal(authentication_key),
        system_title=originator_system_title,
        invocation_counter=invocation_counter,
        extra_aad=header,
    )
    info = b"\x00" if key_info is None else b"\x01" + key_info.to_bytes()
    return bytes((GENERAL_CIPHERING,)) + header + info + octet_string(content)


def open_general_ciphering(
    apdu: GeneralCiphering | bytes | bytearray | memoryview,
    *,
    key: Key | bytes,
    authentication_key: Key | bytes | None,
    recipient_system_title: bytes | None = None,
    originator_system_title: bytes | None = None,
    replay: ReplayGuard | None = None,
    require: Protection = Protection.NONE,
) -> OpenedGeneralCiphering:
    """Verify and decipher a general-ciphering APDU with block cipher ``key`` (find it from
    the key-info with :func:`dlmskit.security.agreement.general_ciphering_key`).

    ``recipient_system_title`` is ours: a message for someone else raises
    :class:`SystemTitleMismatchError`, as does an originator other than the expected one.
    """
    gc = apdu if isinstance(apdu, GeneralCiphering) else GeneralCiphering.from_bytes(apdu)
    if recipient_system_title is not None and gc.recipient_system_title != recipient_system_title:
        raise SystemTitleMismatchError(
            f"the APDU is for system title {gc.recipient_system_title.hex()}, not for "
            f"{recipient_system_title.hex()}"
        )
    if (
        originator_system_title is not None
        and gc.originator_system_title != originator_system_title
    ):
        raise SystemTitleMismatchError(
            f"the APDU comes from system title {gc.originator_system_title.hex()}, expected "
            f"{originator_system_title.hex()}"
        )
    if len(gc.originator_system_title) != gcm.SYSTEM_TITLE_LENGTH:
        raise SecurityDecodeError("an 8-octet originator-system-title", 1)
    content = gc.ciphered_content
    sc, ic, _ = gcm.parse_header(content, 0, len(content))
    if sc.broadcast:
        raise SecurityDecodeError("the key-set bit 0 in general-ciphering", 0)
    if not sc.satisfies(require):
        raise InsufficientProtectionError(
            f"the APDU is protected with {sc!r}; {require!r} is required"
        )
    if replay is not None:
        replay.check(ic)
    sc, ic, plaintext = gcm.open_content(
        content,
        0,
        len(content),
        key=reveal(key),
        authentication_key=b"" if authentication_key is None else reveal(authentication_key),
        system_title=gc.originator_system_title,
        extra_aad=gc.header,
    )
    if replay is not None:
        replay.accept(ic)
    _log.debug("opened general-ciphering, %r, invocation counter %d", sc, ic)
    return OpenedGeneralCiphering(gc, sc, ic, plaintext)


@dataclass(frozen=True, slots=True)
class GeneralSigning:
    """A general-signing APDU."""

    transaction_id: bytes
    originator_system_title: bytes
    recipient_system_title: bytes
    date_time: bytes
    other_information: bytes
    content: bytes = dataclasses.field(repr=False)
    signature: bytes = dataclasses.field(repr=False)

    @property
    def signed_data(self) -> bytes:
        """What the signature covers: the five header fields with their lengths, then the
        content value (without its length)."""
        return (
            _header_fields(
                self.transaction_id,
                self.originator_system_title,
                self.recipient_system_title,
                self.date_time,
                self.other_information,
            )
            + self.content
        )

    def to_bytes(self) -> bytes:
        return (
            bytes((GENERAL_SIGNING,))
            + _header_fields(
                self.transaction_id,
                self.originator_system_title,
                self.recipient_system_title,
                self.date_time,
                self.other_information,
            )
            + octet_string(self.content)
            + octet_string(self.signature)
        )

    @classmethod
    def from_bytes(cls, apdu: bytes | bytearray | memoryview) -> GeneralSigning:
        data = bytes(apdu)
        end = len(data)
        if not data or data[0] != GENERAL_SIGNING:
            raise SecurityDecodeError("the general-signing tag 0xDF", 0)
        fields, pos = _read_header(data, 1, end)
        content, pos = read_octet_string(data, pos, end)
        signature, pos = read_octet_string(data, pos, end)
        if pos != end:
            raise SecurityDecodeError(f"the end of the APDU, {end - pos} octets follow", pos)
        tid, orig, recip, when, other = fields
        return cls(tid, orig, recip, when, other, content, signature)


def sign_general(
    content: bytes,
    *,
    private_key: ecc.PrivateKey,
    transaction_id: bytes,
    originator_system_title: bytes,
    recipient_system_title: bytes,
    date_time: bytes = b"",
    other_information: bytes = b"",
) -> bytes:
    """A general-signing APDU over ``content`` (an xDLMS APDU or COSEM data), signed with
    the originator's private digital signature key (the suite follows from its curve)."""
    suite = ecc.suite_of_key(private_key)
    unsigned = GeneralSigning(
        transaction_id,
        originator_system_title,
        recipient_system_title,
        date_time,
        other_information,
        content,
        b"",
    )
    signature = ecc.ecdsa_sign(private_key, unsigned.signed_data, suite)
    return dataclasses.replace(unsigned, signature=signature).to_bytes()


def verify_general_signing(
    apdu: GeneralSigning | bytes | bytearray | memoryview,
    *,
    public_key: ecc.PublicKey,
    recipient_system_title: bytes | None = None,
    originator_system_title: bytes | None = None,
) -> GeneralSigning:
    """Check a general-signing APDU with the originator's public signature key; return it.
    A bad signature raises :class:`SignatureError`."""
    gs = apdu if isinstance(apdu, GeneralSigning) else GeneralSigning.from_bytes(apdu)
    if recipient_system_title is not None and gs.recipient_system_title != recipient_system_title:
        raise SystemTitleMismatchError(
            f"the APDU is for system title {gs.recipient_system_title.hex()}, not for "
            f"{recipient_system_title.hex()}"
        )
    if (
        originator_system_title is not None
        and gs.originator_system_title != originator_system_title
    ):
        raise SystemTitleMismatchError(
            f"the APDU comes from system title {gs.originator_system_title.hex()}, expected "
            f"{originator_system_title.hex()}"
        )
    ecc.ecdsa_verify(public_key, gs.signed_data, gs.signature, ecc.suite_of_key(public_key))
    return gs
