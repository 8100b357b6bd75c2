"""Service-specific ciphered APDUs (glo-/ded-) and general-glo-/general-ded-ciphering.

Wire layouts (IEC 62056-5-3, A-XDR lengths):

* service-specific: ``tag  len  SC  IC  payload [T]``, e.g. the Green Book's ciphered GET
  ``C8 1E 30 01234567 411312FF935A47566827C467BC 7D825C3BE4A77C3FCC056B6B``;
* general-glo-ciphering (0xDB) and general-ded-ciphering (0xDC):
  ``tag  len  system-title  len  SC  IC  payload [T]``.

The key comes from the kind of APDU and from the received security control byte: a ded-
tag or general-ded-ciphering uses the dedicated key; a glo- tag or general-glo-ciphering
uses the global unicast key, or the global broadcast key when the key-set bit is 1. The
protection (authentication, encryption, both) is the one the received byte states -- never
inferred from which keys happen to be configured.
"""

from __future__ import annotations

import dataclasses
import enum
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from dlmskit.security import gcm
from dlmskit.security._wire import encode_length, read_length
from dlmskit.security.control import Protection, SecurityControl, SecuritySuite
from dlmskit.security.errors import (
    InsufficientProtectionError,
    SecurityConfigError,
    SecurityDecodeError,
    SystemTitleMismatchError,
    UnsupportedSecurityError,
    WrongKeyError,
)
from dlmskit.security.secret import Key

if TYPE_CHECKING:
    from dlmskit.security.counters import ReplayGuard

__all__ = [
    "DEDICATED_TAGS",
    "GENERAL_DED_CIPHERING",
    "GENERAL_GLO_CIPHERING",
    "GLOBAL_TAGS",
    "Deciphered",
    "KeySet",
    "SymmetricKeys",
    "decrypt",
    "ded_tag",
    "encrypt",
    "glo_tag",
    "is_ciphered_tag",
    "plain_tag",
]

_log = logging.getLogger("dlmskit.security")

GENERAL_GLO_CIPHERING: Final = 0xDB
GENERAL_DED_CIPHERING: Final = 0xDC

#: plain xDLMS APDU tag -> its global-ciphering counterpart
GLOBAL_TAGS: Final[dict[int, int]] = {
    0x01: 0x21,  # initiateRequest -> glo-initiateRequest
    0x05: 0x25,  # readRequest
    0x06: 0x26,  # writeRequest
    0x08: 0x28,  # initiateResponse
    0x0C: 0x2C,  # readResponse
    0x0D: 0x2D,  # writeResponse
    0x0E: 0x2E,  # confirmedServiceError
    0x16: 0x36,  # unconfirmedWriteRequest
    0x18: 0x38,  # informationReportRequest
    0xC0: 0xC8,  # get-request
    0xC1: 0xC9,  # set-request
    0xC2: 0xCA,  # event-notification-request
    0xC3: 0xCB,  # action-request
    0xC4: 0xCC,  # get-response
    0xC5: 0xCD,  # set-response
    0xC7: 0xCF,  # action-response
}
#: plain xDLMS APDU tag -> its dedicated-ciphering counterpart
DEDICATED_TAGS: Final[dict[int, int]] = {
    0x01: 0x41,
    0x05: 0x45,
    0x06: 0x46,
    0x08: 0x48,
    0x0C: 0x4C,
    0x0D: 0x4D,
    0x0E: 0x4E,
    0x16: 0x56,
    0x18: 0x58,
    0xC0: 0xD0,
    0xC1: 0xD1,
    0xC2: 0xD2,
    0xC3: 0xD3,
    0xC4: 0xD4,
    0xC5: 0xD5,
    0xC7: 0xD7,
}
_PLAIN_OF: Final[dict[int, int]] = {v: k for k, v in GLOBAL_TAGS.items()} | {
    v: k for k, v in DEDICATED_TAGS.items()
}
_DEDICATED: Final = frozenset(DEDICATED_TAGS.values()) | {GENERAL_DED_CIPHERING}
_SERVICE_SPECIFIC: Final = frozenset(_PLAIN_OF)


def glo_tag(plain: int) -> int:
    """The glo- tag for a plain APDU tag (0xC0 get-request -> 0xC8 glo-get-request)."""
    try:
        return GLOBAL_TAGS[plain]
    except KeyError:
        raise SecurityConfigError(f"APDU tag 0x{plain:02x} has no glo- ciphered form") from None


def ded_tag(plain: int) -> int:
    """The ded- tag for a plain APDU tag (0xC0 get-request -> 0xD0 ded-get-request)."""
    try:
        return DEDICATED_TAGS[plain]
    except KeyError:
        raise SecurityConfigError(f"APDU tag 0x{plain:02x} has no ded- ciphered form") from None


def plain_tag(ciphered: int) -> int | None:
    """The plain APDU tag a service-specific ciphered tag stands for, or None."""
    return _PLAIN_OF.get(ciphered)


def is_ciphered_tag(tag: int) -> bool:
    """True for the service-specific glo-/ded- tags and general-glo/ded-ciphering."""
    return tag in _SERVICE_SPECIFIC or tag in (GENERAL_GLO_CIPHERING, GENERAL_DED_CIPHERING)


class KeySet(enum.Enum):
    """Which block cipher key protected an APDU."""

    UNICAST = "global unicast encryption key"
    BROADCAST = "global broadcast encryption key"
    DEDICATED = "dedicated key"


@dataclass(frozen=True, slots=True)
class SymmetricKeys:
    """The symmetric key material of one security context.

    ``unicast`` (GUEK), ``broadcast`` (GBEK) and ``dedicated`` are block cipher keys,
    ``authentication`` (GAK) enters the AAD (None: not in use), ``master`` is the key
    encrypting key (KEK) for key wrap. Every key has the length of the suite. The ``repr``
    shows which keys are present, never their bytes.
    """

    suite: SecuritySuite = SecuritySuite.SUITE_0
    unicast: Key | None = None
    broadcast: Key | None = None
    authentication: Key | None = None
    dedicated: Key | None = None
    master: Key | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "suite", SecuritySuite(self.suite))
        for field in ("unicast", "broadcast", "authentication", "dedicated", "master"):
            key = getattr(self, field)
            if key is None:
                continue
            if not isinstance(key, Key):
                key = Key(key)
                object.__setattr__(self, field, key)
            if len(key) != self.suite.key_length:
                raise SecurityConfigError(
                    f"the {field} key has {len(key)} octets; security suite "
                    f"{int(self.suite)} needs {self.suite.key_length}"
                )

    def with_dedicated(self, key: Key | bytes | None) -> SymmetricKeys:
        """The same keys with another dedicated key (None: no dedicated key)."""
        return dataclasses.replace(self, dedicated=None if key is None else Key(key))

    def block_cipher_key(self, key_set: KeySet) -> Key:
        key = {
            KeySet.UNICAST: self.unicast,
            KeySet.BROADCAST: self.broadcast,
            KeySet.DEDICATED: self.dedicated,
        }[key_set]
        if key is None:
            raise WrongKeyError(f"no {key_set.value} is configured")
        return key

    @property
    def authentication_bytes(self) -> bytes:
        return b"" if self.authentication is None else self.authentication.reveal()


@dataclass(frozen=True, slots=True)
class Deciphered:
    """A verified and deciphered APDU: the plaintext APDU with the security applied to it."""

    tag: int  # the ciphered tag received
    security: SecurityControl
    invocation_counter: int
    system_title: bytes  # of the party that applied the protection
    key_set: KeySet
    plaintext: bytes = dataclasses.field(repr=False)

    @property
    def protection(self) -> Protection:
        return self.security.protection


def _key_set(tag: int, security: SecurityControl) -> KeySet:
    if tag in _DEDICATED:
        return KeySet.DEDICATED
    return KeySet.BROADCAST if security.broadcast else KeySet.UNICAST


def encrypt(
    tag: int,
    plaintext: bytes,
    *,
    security: SecurityControl | int,
    system_title: bytes,
    invocation_counter: int,
    keys: SymmetricKeys,
) -> bytes:
    """Protect a plain xDLMS APDU as a service-specific glo-/ded- APDU (``tag`` is the
    ciphered tag, see :func:`glo_tag` / :func:`ded_tag`) or as general-glo-/general-ded-
    ciphering (``tag`` 0xDB / 0xDC; the system title is then carried in the APDU).

    ``system_title`` and ``invocation_counter`` are the sender's own; take the counter from
    :meth:`dlmskit.security.counters.InvocationCounter.next` so it is never used twice.
    """
    sc = security if isinstance(security, SecurityControl) else SecurityControl(security)
    if not is_ciphered_tag(tag):
        raise SecurityConfigError(f"0x{tag:02x} is not a glo-/ded- or general-glo/ded tag")
    if sc.suite_id != int(keys.suite):
        raise SecurityConfigError(
            f"the security control byte names suite {sc.suite_id}, the keys are for suite "
            f"{int(keys.suite)}"
        )
    if tag in _DEDICATED and sc.broadcast:
        raise SecurityConfigError("the key-set bit must be 0 with dedicated ciphering")
    key = keys.block_cipher_key(_key_set(tag, sc))
    content = gcm.seal_content(
        sc,
        plaintext,
        key=key.reveal(),
        authentication_key=keys.authentication_bytes,
        system_title=system_title,
        invocation_counter=invocation_counter,
    )
    if tag in (GENERAL_GLO_CIPHERING, GENERAL_DED_CIPHERING):
        head = bytes((tag,)) + encode_length(len(system_title)) + system_title
    else:
        head = bytes((tag,))
    _log.debug(
        "protected APDU 0x%02x as 0x%02x, %r, invocation counter %d, %d octets",
        plaintext[0] if plaintext else -1,
        tag,
        sc,
        invocation_counter,
        len(content),
    )
    return head + encode_length(len(content)) + content


def decrypt(
    apdu: bytes | bytearray | memoryview,
    *,
    keys: SymmetricKeys,
    system_title: bytes | None = None,
    replay: ReplayGuard | None = None,
    require: Protection = Protection.NONE,
) -> Deciphered:
    """Verify and decipher a service-specific glo-/ded- APDU or a general-glo-/general-ded-
    ciphering APDU (all of ``apdu``, nothing after it).

    ``system_title`` is the sender's: required for service-specific APDUs (they do not carry
    it); for general-glo/ded-ciphering, which carry it, a different one raises
    :class:`SystemTitleMismatchError`. ``replay`` checks the invocation counter before the
    cryptography and records it only once the APDU verified. ``require`` is the protection
    the policy demands: less raises :class:`InsufficientProtectionError`.
    """
    data = bytes(apdu)
    end = len(data)
    if end == 0:
        raise SecurityDecodeError("a ciphered APDU tag, found no data", 0)
    tag = data[0]
    pos = 1
    if tag in (GENERAL_GLO_CIPHERING, GENERAL_DED_CIPHERING):
        st_len, pos = read_length(data, pos, end)
        if st_len not in (0, gcm.SYSTEM_TITLE_LENGTH):
            raise SecurityDecodeError(f"an 8-octet system title, found {st_len} octets", 1)
        carried = data[pos : pos + st_len]
        pos += st_len
        if carried:
            if system_title is not None and carried != system_title:
                raise SystemTitleMismatchError(
                    f"the APDU carries system title {carried.hex()}, expected {system_title.hex()}"
                )
            sender = carried
        elif system_title is None:
            raise SecurityConfigError("the APDU carries no system title: pass the sender's")
        else:
            sender = system_title
    elif tag in _SERVICE_SPECIFIC:
        if system_title is None:
            raise SecurityConfigError(
                "service-specific ciphered APDUs do not carry the sender's system title: pass it"
            )
        sender = system_title
    else:
        raise SecurityDecodeError(
            f"a glo-/ded- or general-glo/ded-ciphering tag, found 0x{tag:02x}", 0
        )
    length_at = pos
    length, pos = read_length(data, pos, end)
    if pos + length != end:
        raise SecurityDecodeError(
            f"the APDU to end after {length} octets of ciphered content, "
            f"{end - pos - length} octets follow",
            length_at,
        )
    security, ic, _ = gcm.parse_header(data, pos, end)
    if security.compressed:
        raise UnsupportedSecurityError("compressed APDUs (ITU-T V.44) are not supported")
    if security.suite_id != int(keys.suite):
        raise WrongKeyError(
            f"the APDU is protected with security suite {security.suite_id}, the keys here "
            f"are for suite {int(keys.suite)}"
        )
    if tag in _DEDICATED and security.broadcast:
        raise SecurityDecodeError("the key-set bit 0 with dedicated ciphering", pos)
    if not security.satisfies(require):
        raise InsufficientProtectionError(
            f"the APDU is protected with {security!r}; {require!r} is required"
        )
    if replay is not None:
        replay.check(ic)
    key_set = _key_set(tag, security)
    key = keys.block_cipher_key(key_set)
    security, ic, plaintext = gcm.open_content(
        data,
        pos,
        end,
        key=key.reveal(),
        authentication_key=keys.authentication_bytes,
        system_title=sender,
    )
    if replay is not None:
        replay.accept(ic)
    _log.debug(
        "deciphered APDU 0x%02x, %r, invocation counter %d, %d octets",
        tag,
        security,
        ic,
        len(plaintext),
    )
    return Deciphered(tag, security, ic, sender, key_set, plaintext)
