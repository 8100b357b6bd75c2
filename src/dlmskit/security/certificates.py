"""X.509 v3 certificates of security suites 1 and 2 (generated, imported, exported, checked).

Profile (Green Book, "Public key certificates"): ECDSA keys on P-256 or P-384, signed with
ecdsa-with-SHA256 (P-256 issuer) or ecdsa-with-SHA384 (P-384 issuer); KeyUsage is critical
and says digitalSignature (signature certificates), keyAgreement (key agreement
certificates), both (TLS) or keyCertSign + cRLSign (CA certificates, with BasicConstraints).
The system title identifies the entity: in the subject common name (16 hex digits) and,
when a hardware type OID is given, in a subjectAltName otherName HardwareModuleName
(RFC 4108) whose hwSerialNum is the system title.

Generation is for the simulator and tests (self-signed or signed by a given CA key). Time
is passed in (``now``): nothing here reads the clock.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Final

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

from dlmskit.security import ecc
from dlmskit.security.control import SecuritySuite
from dlmskit.security.errors import CertificateError, SecurityConfigError

__all__ = [
    "HARDWARE_MODULE_NAME",
    "CertificateEntity",
    "CertificateType",
    "certificate_system_title",
    "check_certificate",
    "export_certificate",
    "generate_certificate",
    "import_certificate",
]

#: id-on-hardwareModuleName (RFC 4108)
HARDWARE_MODULE_NAME: Final = ObjectIdentifier("1.3.6.1.5.5.7.8.4")


class CertificateType(enum.IntEnum):
    """``certificate_type`` of "Security setup" version 1."""

    DIGITAL_SIGNATURE = 0
    KEY_AGREEMENT = 1
    TLS = 2
    OTHER = 3


class CertificateEntity(enum.IntEnum):
    """``certificate_entity`` of "Security setup" version 1."""

    SERVER = 0
    CLIENT = 1
    CERTIFICATION_AUTHORITY = 2
    OTHER = 3


def _der_length(n: int) -> bytes:
    if n < 0x80:
        return bytes((n,))
    size = (n.bit_length() + 7) // 8
    return bytes((0x80 | size,)) + n.to_bytes(size, "big")


def _der_oid(dotted: str) -> bytes:
    arcs = [int(a) for a in dotted.split(".")]
    if len(arcs) < 2 or arcs[0] > 2:
        raise SecurityConfigError(f"{dotted!r} is not an object identifier")
    body = bytearray()
    for arc in [40 * arcs[0] + arcs[1], *arcs[2:]]:
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        body += bytes(reversed(chunk))
    return b"\x06" + _der_length(len(body)) + bytes(body)


def _hardware_module_name(hw_type: str, serial: bytes) -> bytes:
    inner = _der_oid(hw_type) + b"\x04" + _der_length(len(serial)) + serial
    return b"\x30" + _der_length(len(inner)) + inner


def _parse_hw_serial(value: bytes) -> bytes | None:
    """hwSerialNum from the DER of HardwareModuleName (None if it does not parse)."""

    def tlv(pos: int) -> tuple[int, int, int] | None:
        if pos + 2 > len(value):
            return None
        tag, first = value[pos], value[pos + 1]
        pos += 2
        if first & 0x80:
            size = first & 0x7F
            if size == 0 or size > 4 or pos + size > len(value):
                return None
            length = int.from_bytes(value[pos : pos + size], "big")
            pos += size
        else:
            length = first
        if pos + length > len(value):
            return None
        return tag, pos, length

    seq = tlv(0)
    if seq is None or seq[0] != 0x30:
        return None
    oid = tlv(seq[1])
    if oid is None or oid[0] != 0x06:
        return None
    serial = tlv(oid[1] + oid[2])
    if serial is None or serial[0] != 0x04:
        return None
    return value[serial[1] : serial[1] + serial[2]]


def _hash_for(
    key: ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey,
) -> hashes.SHA256 | hashes.SHA384:
    return hashes.SHA384() if ecc.suite_of_key(key) is SecuritySuite.SUITE_2 else hashes.SHA256()


def _key_usage(kind: CertificateType, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not ca
        and kind in (CertificateType.DIGITAL_SIGNATURE, CertificateType.TLS),
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=not ca and kind in (CertificateType.KEY_AGREEMENT, CertificateType.TLS),
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def generate_certificate(
    private_key: ecc.PrivateKey,
    *,
    system_title: bytes,
    certificate_type: CertificateType,
    now: dt.datetime,
    valid_for: dt.timedelta = dt.timedelta(days=3650),
    issuer_key: ecc.PrivateKey | None = None,
    issuer_certificate: x509.Certificate | None = None,
    ca: bool = False,
    common_name: str | None = None,
    hw_type: str | None = None,
    serial_number: int | None = None,
) -> x509.Certificate:
    """An X.509 v3 certificate for ``private_key``'s public key.

    Self-signed unless ``issuer_key`` (and ``issuer_certificate`` for the issuer name) is
    given. ``now`` is the start of validity (timezone-aware). ``hw_type`` (a dotted OID
    naming the hardware type) adds the subjectAltName HardwareModuleName carrying the
    system title.
    """
    if len(system_title) != 8:
        raise SecurityConfigError("a system title is 8 octets")
    if now.tzinfo is None:
        raise SecurityConfigError("pass a timezone-aware 'now'")
    signer = private_key if issuer_key is None else issuer_key
    ecc.suite_of_key(private_key)
    subject = x509.Name(
        [x509.NameAttribute(NameOID.COMMON_NAME, common_name or system_title.hex().upper())]
    )
    if issuer_key is None:
        issuer = subject
    elif issuer_certificate is not None:
        issuer = issuer_certificate.subject
    else:
        raise SecurityConfigError(
            "a certificate signed by another key needs the issuer's certificate"
        )
    public = private_key.public_key()
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public)
        .serial_number(serial_number if serial_number is not None else x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + valid_for)
        .add_extension(_key_usage(certificate_type, ca), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(signer.public_key()),
            critical=False,
        )
    )
    if ca:
        builder = builder.add_extension(
            x509.BasicConstraints(ca=True, path_length=None), critical=True
        )
    if certificate_type is CertificateType.TLS and not ca:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
            ),
            critical=False,
        )
    if hw_type is not None:
        builder = builder.add_extension(
            x509.SubjectAlternativeName(
                [x509.OtherName(HARDWARE_MODULE_NAME, _hardware_module_name(hw_type, system_title))]
            ),
            critical=False,
        )
    return builder.sign(signer, _hash_for(signer))


def export_certificate(certificate: x509.Certificate, *, pem: bool = False) -> bytes:
    """DER (as the export_certificate method carries it) or PEM."""
    return certificate.public_bytes(
        serialization.Encoding.PEM if pem else serialization.Encoding.DER
    )


def import_certificate(data: bytes) -> x509.Certificate:
    """A certificate from DER or PEM; anything else raises :class:`CertificateError`."""
    raw = bytes(data)
    try:
        if raw.lstrip().startswith(b"-----BEGIN"):
            return x509.load_pem_x509_certificate(raw)
        return x509.load_der_x509_certificate(raw)
    except ValueError:
        raise CertificateError("the data is not an X.509 certificate") from None


def certificate_system_title(certificate: x509.Certificate) -> bytes | None:
    """The system title of a certificate: the HardwareModuleName hwSerialNum of the
    subjectAltName, else the subject common name read as 16 hex digits; None if neither."""
    try:
        san = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        san = None
    if san is not None:
        for name in san.get_values_for_type(x509.OtherName):
            if name.type_id == HARDWARE_MODULE_NAME:
                serial = _parse_hw_serial(name.value)
                if serial is not None and len(serial) == 8:
                    return serial
    for attribute in certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME):
        value = attribute.value
        text = value if isinstance(value, str) else value.decode("latin-1")
        if len(text) == 16:
            try:
                return bytes.fromhex(text)
            except ValueError:
                return None
    return None


def check_certificate(
    certificate: x509.Certificate,
    *,
    suite: SecuritySuite | int,
    certificate_type: CertificateType,
    system_title: bytes | None = None,
    issuer: x509.Certificate | ecc.PublicKey | None = None,
    now: dt.datetime | None = None,
) -> ecc.PublicKey:
    """Check a certificate for its use and return its public key.

    Checks: the key is on a curve of the suite (P-256 for suite 1; P-384 or P-256 for suite
    2), KeyUsage (critical) allows ``certificate_type``, the system title (if given), the
    validity period (if ``now`` is given) and the signature with ``issuer`` (a certificate
    or public key; None: the certificate must be self-signed).
    """
    s = SecuritySuite(suite)
    public = certificate.public_key()
    if not isinstance(public, ec.EllipticCurvePublicKey):
        raise CertificateError("the certificate does not carry an elliptic curve key")
    curve = public.curve.name
    allowed = {"secp256r1"} if s is SecuritySuite.SUITE_1 else {"secp256r1", "secp384r1"}
    if s is SecuritySuite.SUITE_0 or curve not in allowed:
        raise CertificateError(f"a key on {curve} is not for security suite {int(s)}")
    try:
        usage_ext = certificate.extensions.get_extension_for_class(x509.KeyUsage)
    except x509.ExtensionNotFound:
        raise CertificateError("the certificate has no KeyUsage extension") from None
    usage = usage_ext.value
    if not usage_ext.critical:
        raise CertificateError("KeyUsage must be critical")
    needs_sign = certificate_type in (CertificateType.DIGITAL_SIGNATURE, CertificateType.TLS)
    needs_agree = certificate_type in (CertificateType.KEY_AGREEMENT, CertificateType.TLS)
    if (needs_sign and not usage.digital_signature) or (needs_agree and not usage.key_agreement):
        raise CertificateError(f"KeyUsage does not allow {certificate_type.name.lower()}")
    if system_title is not None and certificate_system_title(certificate) != system_title:
        raise CertificateError(f"the certificate is not for system title {system_title.hex()}")
    if now is not None and not (
        certificate.not_valid_before_utc <= now <= certificate.not_valid_after_utc
    ):
        raise CertificateError("the certificate is not valid at the given time")
    if isinstance(issuer, x509.Certificate):
        if certificate.issuer != issuer.subject:
            raise CertificateError("the certificate was not issued by the given issuer")
        issuer_key = issuer.public_key()
    elif issuer is None:
        if certificate.issuer != certificate.subject:
            raise CertificateError("the certificate is not self-signed; pass its issuer")
        issuer_key = public
    else:
        issuer_key = issuer
    if not isinstance(issuer_key, ec.EllipticCurvePublicKey):
        raise CertificateError("the issuer's key is not an elliptic curve key")
    algorithm = certificate.signature_hash_algorithm
    if algorithm is None:
        raise CertificateError("the certificate's signature algorithm has no hash")
    try:
        issuer_key.verify(
            certificate.signature, certificate.tbs_certificate_bytes, ec.ECDSA(algorithm)
        )
    except InvalidSignature:
        raise CertificateError("the certificate's signature does not verify") from None
    return public
