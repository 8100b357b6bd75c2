"""AES-GCM as IEC 62056-5-3 applies it to a "ciphered content" SC || IC || payload.

* IV = system title (8 octets) || invocation counter (4 octets, big-endian) of the party that
  applied the protection;
* the block cipher key EK is the AES key; the authentication key AK is not a key of the
  cipher but part of the additional authenticated data;
* the authentication tag is the leading 12 octets of the GCM tag;
* what is encrypted and what is authenticated follows the security control byte received
  (Green Book table "Plaintext and additional authenticated data"):

  ====================  ====================  =========================================
  SC protection         payload on the wire   AAD
  ====================  ====================  =========================================
  authenticated only    I || T                SC || AK || extra || I
  encrypted only        C                     (none: CTR of GCM, no tag)
  authenticated and     C || T                SC || AK || extra
  encrypted
  ====================  ====================  =========================================

  where ``extra`` is empty except for general-ciphering, whose transaction-id,
  originator-system-title, recipient-system-title, date-time and other-information enter
  the AAD with their A-XDR lengths.

Nothing here chooses a key or a protection: callers pass them, decoders take the protection
from the received security control byte.
"""

from __future__ import annotations

from typing import Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from dlmskit.security.control import SecurityControl
from dlmskit.security.errors import (
    AuthenticationTagError,
    CounterExhaustedError,
    SecurityConfigError,
    SecurityDecodeError,
    UnsupportedSecurityError,
)

__all__ = [
    "HEADER_LENGTH",
    "MAX_INVOCATION_COUNTER",
    "SYSTEM_TITLE_LENGTH",
    "TAG_LENGTH",
    "gmac",
    "iv",
    "open_content",
    "parse_header",
    "seal_content",
]

TAG_LENGTH: Final = 12
HEADER_LENGTH: Final = 5  # SC || IC
SYSTEM_TITLE_LENGTH: Final = 8
#: The largest invocation counter a sender may use; a receiver never accepts 0xFFFFFFFF.
MAX_INVOCATION_COUNTER: Final = 0xFFFFFFFE
_CTR_START: Final = b"\x00\x00\x00\x02"  # inc32(J0) for a 96-bit IV: GCM's first counter block


def iv(system_title: bytes, invocation_counter: int) -> bytes:
    """The 12-octet GCM initialisation vector."""
    if len(system_title) != SYSTEM_TITLE_LENGTH:
        raise SecurityConfigError(
            f"a system title is {SYSTEM_TITLE_LENGTH} octets, this one has {len(system_title)}"
        )
    if not 0 <= invocation_counter <= 0xFFFFFFFF:
        raise SecurityConfigError(f"an invocation counter is 0..2^32-1, not {invocation_counter}")
    return system_title + invocation_counter.to_bytes(4, "big")


def _check_key(key: bytes, what: str = "block cipher key") -> None:
    if len(key) not in (16, 32):
        raise SecurityConfigError(f"the {what} must be 16 or 32 octets, not {len(key)}")


def seal_content(
    security: SecurityControl,
    plaintext: bytes,
    *,
    key: bytes,
    authentication_key: bytes,
    system_title: bytes,
    invocation_counter: int,
    extra_aad: bytes = b"",
) -> bytes:
    """Protect ``plaintext`` as ``security`` says and return SC || IC || payload [|| T]."""
    if security.compressed:
        raise SecurityConfigError("compression (ITU-T V.44) is not supported")
    if not security.authenticated and not security.encrypted:
        raise SecurityConfigError("the security control byte applies no protection")
    if invocation_counter > MAX_INVOCATION_COUNTER:
        raise CounterExhaustedError(
            f"invocation counter {invocation_counter} is past the last usable value"
        )
    _check_key(key)
    nonce = iv(system_title, invocation_counter)
    header = bytes((security,)) + invocation_counter.to_bytes(4, "big")
    if security.encrypted and not security.authenticated:
        ctr = Cipher(algorithms.AES(key), modes.CTR(nonce + _CTR_START)).encryptor()
        return header + ctr.update(plaintext) + ctr.finalize()
    enc = Cipher(algorithms.AES(key), modes.GCM(nonce)).encryptor()
    if security.encrypted:
        enc.authenticate_additional_data(header[:1] + authentication_key + extra_aad)
        body = enc.update(plaintext) + enc.finalize()
    else:
        enc.authenticate_additional_data(header[:1] + authentication_key + extra_aad + plaintext)
        enc.finalize()
        body = plaintext
    return header + body + enc.tag[:TAG_LENGTH]


def parse_header(data: bytes, pos: int, end: int) -> tuple[SecurityControl, int, int]:
    """Read SC || IC at ``pos``; return them and the offset after them."""
    if end - pos < HEADER_LENGTH:
        raise SecurityDecodeError("a security header (SC and a 4-octet invocation counter)", pos)
    return (
        SecurityControl(data[pos]),
        int.from_bytes(data[pos + 1 : pos + 5], "big"),
        pos + HEADER_LENGTH,
    )


def open_content(
    data: bytes,
    pos: int,
    end: int,
    *,
    key: bytes,
    authentication_key: bytes,
    system_title: bytes,
    extra_aad: bytes = b"",
) -> tuple[SecurityControl, int, bytes]:
    """Verify and decipher the ciphered content ``data[pos:end]`` (SC || IC || payload).

    Returns (security control, invocation counter, plaintext). The protection applied is the
    one the received security control byte states.
    """
    security, ic, body = parse_header(data, pos, end)
    if security.compressed:
        raise UnsupportedSecurityError("compressed APDUs (ITU-T V.44) are not supported")
    if not security.authenticated and not security.encrypted:
        raise SecurityDecodeError("a security control byte applying protection", pos)
    _check_key(key)
    nonce = iv(system_title, ic)
    if not security.authenticated:
        ctr = Cipher(algorithms.AES(key), modes.CTR(nonce + _CTR_START)).decryptor()
        return security, ic, ctr.update(data[body:end]) + ctr.finalize()
    if end - body < TAG_LENGTH:
        raise SecurityDecodeError("a 12-octet authentication tag", body)
    cut = end - TAG_LENGTH
    dec = Cipher(
        algorithms.AES(key), modes.GCM(nonce, data[cut:end], min_tag_length=TAG_LENGTH)
    ).decryptor()
    sc = data[pos : pos + 1]
    try:
        if security.encrypted:
            dec.authenticate_additional_data(sc + authentication_key + extra_aad)
            plaintext = dec.update(data[body:cut]) + dec.finalize()
        else:
            plaintext = data[body:cut]
            dec.authenticate_additional_data(sc + authentication_key + extra_aad + plaintext)
            dec.finalize()
    except InvalidTag:
        raise AuthenticationTagError(
            f"authentication tag of the APDU protected with {security!r}, invocation counter "
            f"{ic}, does not verify: the APDU was altered or the keys or the sender's system "
            "title differ from the ones it was protected with"
        ) from None
    return security, ic, plaintext


def gmac(
    *,
    key: bytes,
    system_title: bytes,
    invocation_counter: int,
    aad: bytes,
) -> bytes:
    """The 12-octet GMAC of ``aad`` (AES-GCM with an empty plaintext)."""
    _check_key(key)
    enc = Cipher(algorithms.AES(key), modes.GCM(iv(system_title, invocation_counter))).encryptor()
    enc.authenticate_additional_data(aad)
    enc.finalize()
    return enc.tag[:TAG_LENGTH]
