"""ECDSA, ECDH and the concatenation KDF: published vectors and cryptography's own
primitives as the second implementation."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.hazmat.primitives.kdf.concatkdf import ConcatKDFHash
from hypothesis import given, settings
from hypothesis import strategies as st

from _security_material import h
from dlmskit.security import (
    SecurityConfigError,
    SecurityDecodeError,
    SecuritySuite,
    SignatureError,
    ecc,
)

S1, S2 = SecuritySuite.SUITE_1, SecuritySuite.SUITE_2

# NIST CAVP, ECC CDH primitive test vectors (ecccdhtestvectors), COUNT = 0
CDH = {
    S1: (
        h("7d7dc5f71eb29ddaf80d6214632eeae03d9058af1fb6d22ed80badb62bc1a534"),
        h(
            "700c48f77f56584c5cc632ca65640db91b6bacce3a4df6b42ce7cc838833d287"
            "db71e509e3fd9b060ddb20ba5c51dcc5948d46fbf640dfe0441782cab85fa4ac"
        ),
        h(
            "ead218590119e8876b29146ff89ca61770c4edbbf97d38ce385ed281d8a6b230"
            "28af61281fd35e2fa7002523acc85a429cb06ee6648325389f59edfce1405141"
        ),
        h("46fc62106420ff012e54a434fbdd2d25ccc5852060561e68040dd7778997bd7b"),
    ),
    S2: (
        h(
            "3cc3122a68f0d95027ad38c067916ba0eb8c38894d22e1b15618b6818a661774"
            "ad463b205da88cf699ab4d43c9cf98a1"
        ),
        h(
            "a7c76b970c3b5fe8b05d2838ae04ab47697b9eaf52e764592efda27fe7513272"
            "734466b400091adbf2d68c58e0c50066ac68f19f2e1cb879aed43a9969b91a08"
            "39c4c38a49749b661efedf243451915ed0905a32b060992b468c64766fc8437a"
        ),
        h(
            "9803807f2f6d2fd966cdd0290bd410c0190352fbec7ff6247de1302df86f25d3"
            "4fe4a97bef60cff548355c015dbb3e5fba26ca69ec2f5b5d9dad20cc9da71138"
            "3a9dbe34ea3fa5a2af75b46502629ad54dd8b7d73a8abb06a3a3be47d650cc99"
        ),
        h(
            "5f9d29dc5e31a163060356213669c8ce132e22f57c9a04f40ba7fcead493b457"
            "e5621e766c40a2e3d4d6a04b25e533f1"
        ),
    ),
}


@pytest.mark.parametrize("suite", [S1, S2])
def test_nist_cavp_ecc_cdh(suite: SecuritySuite) -> None:
    d, peer, q, z = CDH[suite]
    key = ecc.private_key_from_bytes(d, suite)
    assert ecc.public_key_to_bytes(key) == q
    assert ecc.ecdh(key, ecc.public_key_from_bytes(peer, suite)).reveal() == z


def test_suite_b_p384_signature() -> None:
    """NSA "Suite B Implementer's Guide to FIPS 186-3 (ECDSA)", P-384 example."""
    public = ecc.public_key_from_bytes(
        h(
            "1fbac8eebd0cbf35640b39efe0808dd774debff20a2a329e91713baf7d7f3c3e"
            "81546d883730bee7e48678f857b02ca0eb213103bd68ce343365a8a4c3d4555f"
            "a385f5330203bdd76ffad1f3affb95751c132007e1b240353cb0a4cf1693bdf9"
        ),
        S2,
    )
    message = b"This is only a test message. It is 48 bytes long"
    signature = h(
        "a0c27ec893092dea1e1bd2ccfed3cf945c8134ed0c9f81311a0f4a05942db8db"
        "ed8dd59f267471d5462aa14fe72de85620ab3f45b74f10b6e11f96a2c8eb694d"
        "206b9dda86d3c7e331c26b22c987b7537726577667adadf168ebbe803794a402"
    )
    ecc.ecdsa_verify(public, message, signature, S2)
    with pytest.raises(SignatureError):
        ecc.ecdsa_verify(public, message, signature[:-1] + b"\x03", S2)


@pytest.mark.parametrize("suite", [S1, S2])
def test_sign_verify_against_cryptography(suite: SecuritySuite) -> None:
    key = ecc.generate_private_key(suite)
    data = b"general-signing content"
    sig = ecc.ecdsa_sign(key, data, suite)
    n = ecc.coordinate_length(suite)
    assert len(sig) == 2 * n == ecc.signature_length(suite)
    algorithm = hashes.SHA256() if suite is S1 else hashes.SHA384()
    # cryptography verifies our plain-format signature once re-encoded as DER ...
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    der = encode_dss_signature(int.from_bytes(sig[:n], "big"), int.from_bytes(sig[n:], "big"))
    key.public_key().verify(der, data, ec.ECDSA(algorithm))
    # ... and we verify cryptography's DER signature once made plain
    r, s = decode_dss_signature(key.sign(data, ec.ECDSA(algorithm)))
    ecc.ecdsa_verify(key.public_key(), data, r.to_bytes(n, "big") + s.to_bytes(n, "big"), suite)
    with pytest.raises(SignatureError):
        ecc.ecdsa_verify(key.public_key(), data + b"!", sig, suite)
    with pytest.raises(SignatureError):
        ecc.ecdsa_verify(key.public_key(), data, sig[:-1], suite)
    with pytest.raises(SignatureError):
        ecc.ecdsa_verify(key.public_key(), data, bytes(2 * n), suite)


def test_short_r_and_s_are_padded() -> None:
    # about one signature in 128 has an r or s with a leading zero octet: still 64 octets
    key = ecc.generate_private_key(S1)
    for i in range(300):
        sig = ecc.ecdsa_sign(key, i.to_bytes(2, "big"), S1)
        assert len(sig) == 64
        ecc.ecdsa_verify(key.public_key(), i.to_bytes(2, "big"), sig, S1)


def test_key_encodings() -> None:
    key = ecc.generate_private_key(S2)
    raw = ecc.public_key_to_bytes(key)
    assert len(raw) == 96
    assert ecc.public_key_from_bytes(raw, S2).public_numbers() == key.public_key().public_numbers()
    assert (
        ecc.public_key_from_bytes(b"\x04" + raw, S2).public_numbers()
        == key.public_key().public_numbers()
    )
    with pytest.raises(SecurityDecodeError):
        ecc.public_key_from_bytes(raw, S1)  # wrong length for P-256
    with pytest.raises(SecurityDecodeError):
        ecc.public_key_from_bytes(bytes(96), S2)  # not on the curve
    with pytest.raises(SecurityConfigError):
        ecc.ecdsa_sign(key, b"x", S1)  # P-384 key used for suite 1
    with pytest.raises(SecurityConfigError):
        ecc.generate_private_key(SecuritySuite.SUITE_0)
    with pytest.raises(SecurityConfigError):
        ecc.private_key_from_bytes(bytes(32), S1)  # d = 0
    assert "private_value" not in repr(key)


@settings(max_examples=100)
@given(
    st.sampled_from([S1, S2]),
    st.binary(min_size=1, max_size=64),
    st.binary(max_size=40),
    st.integers(1, 100),
)
def test_concat_kdf_equals_cryptography(
    suite: SecuritySuite, z: bytes, info: bytes, n: int
) -> None:
    algorithm = hashes.SHA256() if suite is S1 else hashes.SHA384()
    theirs = ConcatKDFHash(algorithm=algorithm, length=n, otherinfo=info).derive(z)
    assert ecc.concat_kdf(z, info, suite, n) == theirs


@pytest.mark.parametrize("suite", [S1, S2])
def test_kdf_key_length_and_other_info(suite: SecuritySuite) -> None:
    z = bytes(range(32))
    key = ecc.kdf_key(z, suite, party_u_info=b"U" * 8, party_v_info=b"V" * 8)
    assert len(key) == suite.key_length
    assert key.reveal() == ecc.concat_kdf(z, suite.gcm_algorithm_id + b"U" * 8 + b"V" * 8, suite)
