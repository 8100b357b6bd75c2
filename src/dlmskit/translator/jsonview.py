"""The typed JSON form of translations and APDUs.

An APDU becomes ``{"apdu": "<name>", "tag": <int>, <field>: <value>, ...}``: the fields of
its dataclass under their Python names, with

* A-XDR ``Data`` in the project's typed JSON form (:func:`dlmskit.axdr.to_json`);
* enumerations as lower-case names (``"object-undefined"``), a value the standard does not
  name as its number; flags (the conformance block) as ``{"hex", "bits"}``;
* octets as lower-case hex, OBIS codes as ``"1-0:1.8.0*255"``, object identifiers as
  ``{"oid", "name"}``;
* passwords, challenges and dedicated keys as ``{"redacted": true, "length": n}`` unless
  ``show_secrets`` is asked for;
* an OPTIONAL component that is absent as ``null`` (null-data is ``{"null-data": null}``).
"""

from __future__ import annotations

import dataclasses
import enum
import re
from typing import Any, Final

from dlmskit import axdr
from dlmskit.apdu import (
    ABSENT,
    ApplicationContextName,
    AuthenticationValue,
    BerBitString,
    CipheredApdu,
    Conformance,
    DataNotification,
    EventNotificationRequest,
    InitiateRequest,
    MechanismName,
    Oid,
)
from dlmskit.cosem import DateTime, Obis
from dlmskit.errors import DlmsError
from dlmskit.translator.result import DecodedApdu, Message, Protection, Translation

__all__ = [
    "apdu_name",
    "apdu_to_json",
    "decoded_to_json",
    "enum_name",
    "masked_hex",
    "message_to_json",
    "secret_json",
    "secrets_of",
    "translation_to_json",
]

_DATA_ANNOTATION: Final = re.compile(r"\bData\b|\bAny\b")
_CAMEL: Final = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")

_NAMES: Final = {
    "AARQ": "aarq",
    "AARE": "aare",
    "RLRQ": "rlrq",
    "RLRE": "rlre",
    "GetResponseWithDatablock": "get-response-with-datablock",
    "GetRequestNext": "get-request-next",
    "InformationReportRequest": "information-report-request",
    "EventNotificationRequest": "event-notification-request",
}

#: fields that hold a secret however they are typed
_SECRET_FIELDS: Final = frozenset({"dedicated_key"})


def apdu_name(apdu: object) -> str:
    """The standard's name of an APDU, e.g. ``get-request-normal``, ``glo-get-request``."""
    if isinstance(apdu, CipheredApdu):
        return apdu.tag.name.lower().replace("_", "-")
    name = type(apdu).__name__
    return _NAMES.get(name) or _CAMEL.sub("-", name).lower()


def enum_name(value: enum.Enum) -> str | int:
    name = value.name
    if name is None or name.startswith("UNKNOWN_"):
        return int(value.value)
    return name.lower().replace("_", "-")


def secret_json(value: bytes, show: bool) -> dict[str, Any]:
    if not show:
        return {"redacted": True, "length": len(value)}
    out: dict[str, Any] = {"hex": value.hex()}
    if value and all(0x20 <= b < 0x7F for b in value):
        out["text"] = value.decode("ascii")
    return out


def _oid_json(oid: Oid, kind: str) -> dict[str, Any]:
    out: dict[str, Any] = {"oid": str(oid)}
    named: enum.Enum | None = None
    if kind == "context":
        named = ApplicationContextName.of(oid)
    elif kind == "mechanism" and len(oid) == 7 and tuple(oid[:6]) == (2, 16, 756, 5, 8, 2):
        try:
            named = MechanismName(oid[6])
        except ValueError:
            named = None
    if named is not None:
        out["name"] = enum_name(named)
    return out


def _conformance_json(value: Conformance) -> dict[str, Any]:
    return {
        "hex": value.octets().hex(),
        "bits": [
            {"bit": flag.bit_number, "name": enum_name(flag)}
            for flag in sorted(Conformance, key=lambda f: f.bit_number)
            if flag in value
        ],
    }


def _date_time_json(raw: bytes) -> dict[str, Any] | None:
    if len(raw) != 12:
        return None
    value = DateTime.from_bytes(raw)
    out: dict[str, Any] = dict(value.to_json())
    out["text"] = str(value)
    if value.is_fully_specified:
        out["iso"] = value.to_datetime().isoformat()
    return out


def _value(value: Any, data: bool, show: bool, depth: int) -> Any:
    if depth > 64:
        return repr(value)
    if value is ABSENT:
        return None
    if isinstance(value, AuthenticationValue):
        out = secret_json(value.value, show)
        if value.bitstring:
            out["bitstring"] = True
            out["unused_bits"] = value.unused_bits
        return out
    if isinstance(value, Conformance):
        return _conformance_json(value)
    if isinstance(value, enum.Enum):
        return enum_name(value)
    if isinstance(value, Obis):
        return str(value)
    if isinstance(value, BerBitString):
        return {"hex": value.octets.hex(), "unused_bits": value.unused_bits}
    if isinstance(value, Oid):
        return {"oid": str(value)}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        if hasattr(value, "TAG"):
            return apdu_to_json(value, show_secrets=show)
        return _fields(value, show, depth + 1)
    if data:
        if isinstance(value, tuple) and type(value) is tuple and _has_typed_items(value):
            return [_value(item, True, show, depth + 1) for item in value]
        try:
            return axdr.to_json(value)
        except DlmsError:
            pass
    if isinstance(value, bytes | bytearray):
        return bytes(value).hex()
    if isinstance(value, tuple | list):
        return [_value(item, data, show, depth + 1) for item in value]
    if isinstance(value, bool | int | str | float) or value is None:
        return value
    return repr(value)


def _has_typed_items(value: tuple[Any, ...]) -> bool:
    """A tuple of results (e.g. Data | DataAccessResult) rather than a structure value."""
    return any(isinstance(item, enum.Enum) or dataclasses.is_dataclass(item) for item in value)


def _fields(obj: Any, show: bool, depth: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if f.name == "tag" and hasattr(obj, "TAGS"):
            continue  # a ciphered APDU's tag: already its name and number
        if f.name in _SECRET_FIELDS and isinstance(value, bytes):
            out[f.name] = secret_json(value, show)
            continue
        annotation = f.type if isinstance(f.type, str) else getattr(f.type, "__name__", "")
        is_data = bool(_DATA_ANNOTATION.search(annotation))
        if value is None and not is_data:
            continue  # an OPTIONAL component that is absent
        if f.name == "application_context_name" and isinstance(value, Oid):
            out[f.name] = _oid_json(value, "context")
        elif f.name == "mechanism_name" and isinstance(value, Oid):
            out[f.name] = _oid_json(value, "mechanism")
        elif is_data and isinstance(value, tuple) and annotation.startswith("tuple["):
            out[f.name] = [_value(item, True, show, depth + 1) for item in value]
        else:
            out[f.name] = _value(value, is_data, show, depth + 1)
    return out


def apdu_to_json(apdu: Any, *, show_secrets: bool = False) -> dict[str, Any]:
    """One APDU (or an APDU-like dataclass) as JSON."""
    out: dict[str, Any] = {"apdu": apdu_name(apdu)}
    tag = getattr(apdu, "TAG", None)
    if isinstance(apdu, CipheredApdu):
        tag = int(apdu.tag)
    if isinstance(tag, int):
        out["tag"] = tag
    out.update(_fields(apdu, show_secrets, 0))
    if isinstance(apdu, DataNotification | EventNotificationRequest):
        raw = apdu.date_time if isinstance(apdu, DataNotification) else apdu.time
        if raw:
            out["timestamp"] = _date_time_json(raw)
    if isinstance(apdu, InitiateRequest) and apdu.dedicated_key is not None and not show_secrets:
        out["dedicated_key"] = secret_json(apdu.dedicated_key, False)
    return out


def _protection_json(p: Protection) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": p.kind}
    if p.security_control is not None:
        sc = p.security_control
        out["security_control"] = f"{sc:02x}"
        out["suite"] = sc & 0x0F
        out["authenticated"] = bool(sc & 0x10)
        out["encrypted"] = bool(sc & 0x20)
        out["broadcast_key"] = bool(sc & 0x40)
        out["compressed"] = bool(sc & 0x80)
    if p.invocation_counter is not None:
        out["invocation_counter"] = p.invocation_counter
    if p.system_title is not None:
        out["system_title"] = p.system_title.hex()
    if p.key_set is not None:
        out["key"] = p.key_set
    out["deciphered"] = p.deciphered
    if p.note:
        out["note"] = p.note
    return out


def decoded_to_json(decoded: DecodedApdu, *, show_secrets: bool = False) -> dict[str, Any]:
    """A decoded APDU: its fields, and for a ciphered one ``security`` and ``plain`` (the
    deciphered APDU)."""
    out = apdu_to_json(decoded.apdu, show_secrets=show_secrets)
    for name, inner in decoded.nested:
        out[name] = decoded_to_json(inner, show_secrets=show_secrets)
    if decoded.protection is not None:
        out["security"] = _protection_json(decoded.protection)
    if decoded.inner is not None:
        plain = decoded_to_json(decoded.inner, show_secrets=show_secrets)
        hidden = [] if show_secrets else secrets_of(decoded.inner)
        plain["hex"] = masked_hex(decoded.inner.raw, hidden)
        out["plain"] = plain
    if decoded.notes:
        out["notes"] = list(decoded.notes)
    return out


def secrets_of(decoded: DecodedApdu) -> list[bytes]:
    """The passwords, challenges and dedicated keys in an APDU and the APDUs inside it."""
    found: list[bytes] = []
    stack = [decoded]
    while stack:
        current = stack.pop()
        apdu = current.apdu
        for name in ("calling_authentication_value", "responding_authentication_value"):
            value = getattr(apdu, name, None)
            if isinstance(value, AuthenticationValue) and value.value:
                found.append(value.value)
        found.extend(
            candidate.dedicated_key
            for candidate in (apdu, getattr(apdu, "user_information", None))
            if isinstance(candidate, InitiateRequest) and candidate.dedicated_key
        )
        stack.extend(inner for _, inner in current.nested)
        if current.inner is not None:
            stack.append(current.inner)
    return found


def masked_hex(data: bytes, secrets: list[bytes]) -> str:
    """``data`` as hex with every occurrence of a secret replaced by ``*`` digits."""
    text = list(data.hex())
    for secret in secrets:
        start = data.find(secret)
        while start >= 0:
            text[2 * start : 2 * (start + len(secret))] = "*" * (2 * len(secret))
            start = data.find(secret, start + 1)
    return "".join(text)


def message_to_json(message: Message, *, show_secrets: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {"index": message.index, "units": list(message.units)}
    if message.offset is not None:
        out["offset"] = message.offset
    out["length"] = len(message.apdu.raw)
    if message.link:
        out["link"] = message.link
    if message.llc is not None:
        out["llc"] = message.llc
    if message.reassembled:
        out["reassembled_from"] = list(message.reassembled)
    if message.block is not None:
        out["block"] = message.block
    out["apdu"] = decoded_to_json(message.apdu, show_secrets=show_secrets)
    if message.datablocks is not None:
        out["datablocks"] = message.datablocks
    return out


def translation_to_json(t: Translation, *, show_secrets: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {"layer": t.layer.value, "length": len(t.data)}
    if t.units:
        out["units"] = [
            {"kind": u.kind, "offset": u.offset, "length": u.length, **u.fields} for u in t.units
        ]
    if t.messages or t.units:
        out["messages"] = [message_to_json(m, show_secrets=show_secrets) for m in t.messages]
    if t.has_data_value:
        out["data"] = axdr.to_json(t.data_value)
    if t.value is not None:
        out.update(t.value)
    if t.notes:
        out["notes"] = list(t.notes)
    return out
