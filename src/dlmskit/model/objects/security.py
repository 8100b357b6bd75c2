"""Security setup (class_id 64, versions 0 and 1): policy, suite, system titles, keys,
certificates.

This object keeps the *state* of security: the policy (which may only be strengthened),
the suite, the client and server system titles, the keys transferred or agreed and the
certificates. The cryptography itself -- unwrapping a key with the master key, ECDH key
agreement, generating key pairs, building a certificate request, parsing a certificate --
belongs to the security layer, which injects it as :class:`SecurityServices`. Keys are never
readable through attributes nor shown in a repr.
"""

from __future__ import annotations

import datetime as _dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dlmskit.axdr import Enum
from dlmskit.model.enums import CertificateEntity, CertificateType, KeyId
from dlmskit.model.objects.base import CosemObject, Refused
from dlmskit.model.results import ActionResult, DataAccessResult

__all__ = ["CertificateInfo", "SecurityServices", "SecuritySetup"]

log = logging.getLogger("dlmskit.model")


@dataclass(frozen=True, slots=True)
class CertificateInfo:
    """What the certificates attribute lists of one certificate."""

    entity: CertificateEntity | int
    type: CertificateType | int
    serial_number: bytes
    issuer: bytes
    subject: bytes
    subject_alt_name: bytes = b""


@dataclass(frozen=True, slots=True)
class SecurityServices:
    """The cryptography a Security setup object needs, injected by the security layer.

    Every member is optional; a method whose service is missing is refused.
    """

    #: ``(key_id, wrapped key) -> key`` (AES key unwrap with the master key), None: refused
    unwrap_key: Callable[[int, bytes], bytes | None] | None = None
    #: ``(key_id, key_ciphered_data from the client) -> (key, key_ciphered_data to return)``
    agree_key: Callable[[int, bytes], tuple[bytes, bytes] | None] | None = None
    #: ``(key_pair_type) -> success``
    generate_key_pair: Callable[[int], bool] | None = None
    #: ``(key_pair_type) -> PKCS #10 request (DER)``
    certificate_request: Callable[[int], bytes | None] | None = None
    #: ``(certificate DER) -> what to list of it`` (None: not acceptable)
    parse_certificate: Callable[[bytes], CertificateInfo | None] | None = None
    #: called with the keys whenever keys change (key_id -> key)
    keys_changed: Callable[[dict[int, bytes]], None] | None = None


class SecuritySetup(CosemObject):
    CLASS_ID = 64

    def __init__(
        self,
        logical_name: Any = "0-0:43.0.0*255",
        *,
        services: SecurityServices | None = None,
        **values: Any,
    ) -> None:
        self.services = services or SecurityServices()
        self._keys: dict[int, bytes] = {}
        self._certificates: list[tuple[CertificateInfo, bytes]] = []
        super().__init__(logical_name, **values)

    def __repr__(self) -> str:
        return f"<Security setup v{self.version} {self.logical_name} keys={sorted(self._keys)}>"

    @property
    def keys(self) -> dict[int, bytes]:
        """The keys by key_id (a copy), for the security layer."""
        return dict(self._keys)

    def install_keys(self, keys: dict[int, bytes]) -> None:
        """Put keys in (e.g. the ones a device model is made with)."""
        self._keys.update({int(k): bytes(v) for k, v in keys.items()})
        if self.services.keys_changed is not None:
            self.services.keys_changed(dict(self._keys))

    @property
    def policy(self) -> int:
        return int(self._values[2])

    def _strengthen(self, new: int) -> None:
        current = self.policy
        stronger = new >= current if self.version == 0 else (new & current) == current
        if not stronger:
            raise Refused(ActionResult.OTHER_REASON, "the security policy can only be strengthened")
        if self.version == 0 and new > 3:
            raise Refused(ActionResult.OTHER_REASON, "security_policy v0 is 0..3")
        self._values[2] = Enum(new)

    def _write_2(self, value: Any, now: _dt.datetime) -> None:
        try:
            self._strengthen(int(value))
        except Refused as refusal:
            raise Refused(DataAccessResult.OTHER_REASON, refusal.reason) from None

    # -- methods -----------------------------------------------------------------------------

    def _method_1(self, parameter: Any, now: _dt.datetime) -> Any:
        """security_activate(policy)."""
        self._strengthen(int(parameter))
        return None

    def _transfer(self, parameter: Any) -> None:
        unwrap = self.services.unwrap_key
        if unwrap is None:
            raise Refused(ActionResult.OTHER_REASON, "no key unwrapping available")
        new: dict[int, bytes] = {}
        for key_id, wrapped in parameter:
            key = unwrap(int(key_id), bytes(wrapped))
            if key is None:
                raise Refused(ActionResult.OTHER_REASON, f"key {int(key_id)} does not unwrap")
            new[int(key_id)] = key
        self.install_keys(new)  # all or nothing
        log.info(
            "%s: keys %s transferred",
            self.logical_name,
            sorted(KeyId(k).name for k in new if k in KeyId._value2member_map_),
        )

    def _method_2(self, parameter: Any, now: _dt.datetime) -> Any:
        """global_key_transfer (v0) / key_transfer (v1)."""
        self._transfer(parameter)
        return None

    def _method_3(self, parameter: Any, now: _dt.datetime) -> Any:
        """key_agreement (v1): returns the server's key_ciphered_data per key."""
        agree = self.services.agree_key
        if agree is None:
            raise Refused(ActionResult.OTHER_REASON, "no key agreement available")
        answers = []
        new: dict[int, bytes] = {}
        for key_id, data in parameter:
            outcome = agree(int(key_id), bytes(data))
            if outcome is None:
                raise Refused(
                    ActionResult.OTHER_REASON, f"key agreement for key {int(key_id)} failed"
                )
            new[int(key_id)], reply = outcome
            answers.append((Enum(int(key_id)), bytes(reply)))
        self.install_keys(new)
        return answers

    def _method_4(self, parameter: Any, now: _dt.datetime) -> Any:
        """generate_key_pair(type)."""
        generate = self.services.generate_key_pair
        if generate is None or not generate(int(parameter)):
            raise Refused(ActionResult.OTHER_REASON, "key pair not generated")
        return None

    def _method_5(self, parameter: Any, now: _dt.datetime) -> Any:
        """generate_certificate_request(type) -> CSR."""
        request = self.services.certificate_request
        csr = request(int(parameter)) if request is not None else None
        if csr is None:
            raise Refused(ActionResult.OTHER_REASON, "no certificate request")
        return bytes(csr)

    def _method_6(self, parameter: Any, now: _dt.datetime) -> Any:
        """import_certificate(DER)."""
        parse = self.services.parse_certificate
        info = parse(bytes(parameter)) if parse is not None else None
        if info is None:
            raise Refused(ActionResult.OTHER_REASON, "certificate not accepted")
        self._certificates = [
            c
            for c in self._certificates
            if (c[0].serial_number, c[0].issuer) != (info.serial_number, info.issuer)
        ]
        self._certificates.append((info, bytes(parameter)))
        self._refresh_certificates()
        return None

    def _find(self, identification: Any) -> int:
        kind, options = identification
        for i, (info, _der) in enumerate(self._certificates):
            if int(kind) == 0 and len(options) == 3:
                entity, cert_type, system_title = options
                if (
                    int(info.entity) == int(entity)
                    and int(info.type) == int(cert_type)
                    and (not system_title or bytes(system_title) in info.subject)
                ):
                    return i
            elif int(kind) == 1 and len(options) == 2:
                serial, issuer = options
                if (info.serial_number, info.issuer) == (bytes(serial), bytes(issuer)):
                    return i
        raise Refused(ActionResult.OTHER_REASON, "no such certificate")

    def _method_7(self, parameter: Any, now: _dt.datetime) -> Any:
        """export_certificate(identification) -> DER."""
        return self._certificates[self._find(parameter)][1]

    def _method_8(self, parameter: Any, now: _dt.datetime) -> Any:
        """remove_certificate(identification)."""
        del self._certificates[self._find(parameter)]
        self._refresh_certificates()
        return None

    def _refresh_certificates(self) -> None:
        self._values[6] = [
            (
                Enum(int(info.entity)),
                Enum(int(info.type)),
                info.serial_number,
                info.issuer,
                info.subject,
                info.subject_alt_name,
            )
            for info, _der in self._certificates
        ]
