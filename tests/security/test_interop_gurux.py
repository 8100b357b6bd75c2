"""gurux-dlms as a second implementation (test-only, GPL, never imported by the library):
it deciphers what we protect and we decipher what it protects."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _security_material import AK, EK, GB_KEYS, ST_BC614E
from dlmskit.security import decrypt, encrypt

pytest.importorskip("gurux_dlms")
from gurux_dlms.AesGcmParameter import AesGcmParameter
from gurux_dlms.enums.Security import Security
from gurux_dlms.GXByteBuffer import GXByteBuffer
from gurux_dlms.GXDLMSChippering import GXDLMSChippering
from gurux_dlms.GXDLMSSettings import GXDLMSSettings

SECURITY = {
    0x10: Security.AUTHENTICATION,
    0x20: Security.ENCRYPTION,
    0x30: Security.AUTHENTICATION_ENCRYPTION,
}
TAGS = [0xC8, 0xC9, 0xCB, 0xCC, 0xCD, 0xCF, 0xDB]


def _gurux_encrypt(tag: int, sc: int, ic: int, plaintext: bytes) -> bytes:
    p = AesGcmParameter(tag, ST_BC614E, EK, AK)
    p.security = SECURITY[sc]
    p.invocationCounter = ic
    return bytes(GXDLMSChippering.encryptAesGcm(p, plaintext))


def _gurux_decrypt(apdu: bytes) -> bytes:
    settings_ = GXDLMSSettings(False, None)
    p = AesGcmParameter(0, ST_BC614E, EK, AK)
    p.settings = settings_
    return bytes(GXDLMSChippering.decryptAesGcm(settings_, p, GXByteBuffer(apdu)))


@settings(max_examples=60)
@given(
    st.sampled_from(TAGS),
    st.sampled_from([0x20, 0x30]),
    st.integers(0, 0xFFFFFFFE),
    st.binary(min_size=1, max_size=300),
)
def test_gurux_deciphers_ours(tag: int, sc: int, ic: int, plaintext: bytes) -> None:
    apdu = encrypt(
        tag, plaintext, security=sc, system_title=ST_BC614E, invocation_counter=ic, keys=GB_KEYS
    )
    assert _gurux_decrypt(apdu) == plaintext


@settings(max_examples=60)
@given(
    st.sampled_from(TAGS),
    st.sampled_from([0x10, 0x20, 0x30]),
    st.integers(0, 0xFFFFFFFE),
    st.binary(min_size=1, max_size=300),
)
def test_we_decipher_gurux(tag: int, sc: int, ic: int, plaintext: bytes) -> None:
    apdu = _gurux_encrypt(tag, sc, ic, plaintext)
    ours = encrypt(
        tag, plaintext, security=sc, system_title=ST_BC614E, invocation_counter=ic, keys=GB_KEYS
    )
    assert apdu == ours  # byte for byte the same APDU
    out = decrypt(apdu, keys=GB_KEYS, system_title=ST_BC614E)
    assert out.plaintext == plaintext and out.invocation_counter == ic
