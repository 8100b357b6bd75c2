"""X.509 certificates: generated (self-signed and CA-signed), exported, imported, checked."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import given
from hypothesis import strategies as st

from _security_material import ST_000001, ST_BC614E
from dlmskit.security import CertificateError, SecurityConfigError, SecuritySuite, ecc
from dlmskit.security.certificates import (
    CertificateType,
    certificate_system_title,
    check_certificate,
    export_certificate,
    generate_certificate,
    import_certificate,
)

NOW = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
S1, S2 = SecuritySuite.SUITE_1, SecuritySuite.SUITE_2


@pytest.mark.parametrize("suite", [S1, S2])
@pytest.mark.parametrize(
    "kind", [CertificateType.DIGITAL_SIGNATURE, CertificateType.KEY_AGREEMENT, CertificateType.TLS]
)
def test_self_signed(suite: SecuritySuite, kind: CertificateType) -> None:
    key = ecc.generate_private_key(suite)
    cert = generate_certificate(key, system_title=ST_BC614E, certificate_type=kind, now=NOW)
    assert cert.version is x509.Version.v3
    assert cert.subject.rfc4514_string() == "CN=4D4D4D0000BC614E"
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical
    assert usage.value.digital_signature == (kind is not CertificateType.KEY_AGREEMENT)
    assert usage.value.key_agreement == (kind is not CertificateType.DIGITAL_SIGNATURE)
    expected_hash = "sha384" if suite is S2 else "sha256"
    assert (
        cert.signature_hash_algorithm is not None
        and cert.signature_hash_algorithm.name == expected_hash
    )
    public = check_certificate(
        cert, suite=suite, certificate_type=kind, system_title=ST_BC614E, now=NOW
    )
    assert ecc.public_key_to_bytes(public) == ecc.public_key_to_bytes(key)
    for pem in (False, True):
        data = export_certificate(cert, pem=pem)
        assert import_certificate(data) == cert
    assert certificate_system_title(cert) == ST_BC614E


def test_hardware_module_name_carries_the_system_title() -> None:
    key = ecc.generate_private_key(S1)
    cert = generate_certificate(
        key,
        system_title=ST_000001,
        certificate_type=CertificateType.DIGITAL_SIGNATURE,
        now=NOW,
        common_name="meter 1",
        hw_type="1.3.6.1.4.1.99999.1",
    )
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    (other,) = san.get_values_for_type(x509.OtherName)
    assert other.type_id.dotted_string == "1.3.6.1.5.5.7.8.4"
    # DER: SEQUENCE { OID 1.3.6.1.4.1.99999.1, OCTET STRING system title }
    assert other.value == bytes.fromhex("301506092b06010401868d1f01") + b"\x04\x08" + ST_000001
    assert certificate_system_title(cert) == ST_000001


def test_ca_signed_chain() -> None:
    ca_key = ecc.generate_private_key(S2)
    ca = generate_certificate(
        ca_key, system_title=b"CA000001", certificate_type=CertificateType.OTHER, now=NOW, ca=True
    )
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    device_key = ecc.generate_private_key(S1)  # P-256 end entity signed by a P-384 CA (suite 2)
    cert = generate_certificate(
        device_key,
        system_title=ST_000001,
        certificate_type=CertificateType.KEY_AGREEMENT,
        now=NOW,
        issuer_key=ca_key,
        issuer_certificate=ca,
    )
    check_certificate(cert, suite=S2, certificate_type=CertificateType.KEY_AGREEMENT, issuer=ca)
    check_certificate(
        cert, suite=S2, certificate_type=CertificateType.KEY_AGREEMENT, issuer=ca_key.public_key()
    )
    with pytest.raises(CertificateError):  # not self-signed
        check_certificate(cert, suite=S2, certificate_type=CertificateType.KEY_AGREEMENT)
    other_ca = generate_certificate(
        ecc.generate_private_key(S2),
        system_title=b"CA000001",
        certificate_type=CertificateType.OTHER,
        now=NOW,
        ca=True,
    )
    with pytest.raises(CertificateError):  # same name, other key
        check_certificate(
            cert, suite=S2, certificate_type=CertificateType.KEY_AGREEMENT, issuer=other_ca
        )
    with pytest.raises(SecurityConfigError):
        generate_certificate(
            device_key,
            system_title=ST_000001,
            certificate_type=CertificateType.TLS,
            now=NOW,
            issuer_key=ca_key,
        )


def test_checks_refuse_misuse() -> None:
    key = ecc.generate_private_key(S1)
    cert = generate_certificate(
        key, system_title=ST_BC614E, certificate_type=CertificateType.DIGITAL_SIGNATURE, now=NOW
    )
    with pytest.raises(CertificateError):
        check_certificate(cert, suite=S1, certificate_type=CertificateType.KEY_AGREEMENT)
    with pytest.raises(CertificateError):
        check_certificate(
            cert,
            suite=S1,
            certificate_type=CertificateType.DIGITAL_SIGNATURE,
            system_title=ST_000001,
        )
    with pytest.raises(CertificateError):
        check_certificate(
            cert,
            suite=S1,
            certificate_type=CertificateType.DIGITAL_SIGNATURE,
            now=NOW + dt.timedelta(days=4000),
        )
    with pytest.raises(CertificateError):
        check_certificate(
            cert, suite=SecuritySuite.SUITE_0, certificate_type=CertificateType.DIGITAL_SIGNATURE
        )
    p384 = generate_certificate(
        ecc.generate_private_key(S2),
        system_title=ST_BC614E,
        certificate_type=CertificateType.DIGITAL_SIGNATURE,
        now=NOW,
    )
    with pytest.raises(CertificateError):  # a P-384 key is not a suite 1 key
        check_certificate(p384, suite=S1, certificate_type=CertificateType.DIGITAL_SIGNATURE)
    with pytest.raises(SecurityConfigError):
        generate_certificate(
            key,
            system_title=ST_BC614E,
            certificate_type=CertificateType.TLS,
            now=dt.datetime(2025, 1, 1),
        )
    with pytest.raises(SecurityConfigError):
        generate_certificate(
            ec.generate_private_key(ec.SECP521R1()),
            system_title=ST_BC614E,
            certificate_type=CertificateType.TLS,
            now=NOW,
        )


@given(st.binary(max_size=300))
def test_import_garbage(data: bytes) -> None:
    with contextlib.suppress(CertificateError):
        import_certificate(data)


def test_import_truncated_real_certificate() -> None:
    der = export_certificate(
        generate_certificate(
            ecc.generate_private_key(S1),
            system_title=ST_BC614E,
            certificate_type=CertificateType.TLS,
            now=NOW,
        )
    )
    for n in range(0, len(der), 7):
        with pytest.raises(CertificateError):
            import_certificate(der[:n])
