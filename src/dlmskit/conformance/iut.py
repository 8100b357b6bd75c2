"""The description of the implementation under test (the role of the DLMS UA's CTI file).

Written in YAML; every field but the associations has a default. Example::

    manufacturer: dlmskit
    flag_id: DKT                 # three letters; the management LD name starts with them
    model: reference meter
    serial: "00000001"
    profile:
      kind: hdlc                 # or: wrapper (taken from the connection when absent)
      hdlc:
        physical_address: 17     # lower HDLC address; absent: one-byte server address
        address_size: 2          # 1, 2 or 4 bytes on the wire (absent: the smallest)
        max_info_length: 128     # what the meter can send and receive (its HDLC setup)
        window_size: 1
        inactivity_timeout: 120  # seconds, 0: none
    logical_devices:
      - address: 1
        name: DKT0000000000001
    associations:
      - name: public
        client: 16
        logical_device: 1
        mechanism: none          # none, lls, hls, hls-md5, hls-sha1, hls-gmac, hls-sha256,
                                 # hls-ecdsa
        conformance: [get, selective-access, block-transfer-with-get-or-read]
        max_pdu_size: 1024       # what the meter's InitiateResponse must announce at most
      - name: management
        client: 1
        context: ln-ciphered     # ln, sn, ln-ciphered, sn-ciphered
        mechanism: hls-gmac
        secret: {hex: "000102..."}        # or a text, or {env: VARIABLE}
        security:
          suite: 0
          policy: authenticated-encrypted  # none, authenticated, encrypted,
                                           # authenticated-encrypted
          client_system_title: 4D4D4D0000000001
          encryption_key: {env: DLMS_GUEK}
          authentication_key: 000102030405060708090A0B0C0D0E0F
          kek: ...
          dedicated_key: false
          invocation_counter: 1000   # the client's first counter (above the meter's last)
        conformance: 0x007E1F
    timeouts:
      response: 3.0          # seconds to wait for an answer the IUT owes
      silence: 0.6           # seconds of silence that show a frame was ignored
      max_wait: 30.0         # longest single wait a test may do (inactivity time-out, ...)
    objects:
      write_back: true       # write writable attributes back with the value read
      invoke: ["7/1-0:99.1.0*255/2"]   # methods safe to invoke: class/obis/method
      skip: ["0-0:96.1.0*255"]         # objects not to test

Secrets (passwords, keys) are kept in :class:`~dlmskit.security.Secret` objects: they never
appear in a repr, a log or a report. :meth:`Iut.to_dict` writes them as ``<redacted>``.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final

from dlmskit.apdu import ApplicationContextName, Conformance
from dlmskit.cosem import Obis
from dlmskit.errors import DlmsError
from dlmskit.link.hdlc.frame import MAX_INFO_LENGTH, MAX_WINDOW, MIN_INFO_LENGTH, HdlcAddress
from dlmskit.security import Key, Mechanism, Secret, SecurityPolicy, SecuritySuite

__all__ = [
    "DEFAULT_CONFORMANCE",
    "AssociationSpec",
    "HdlcProfile",
    "Iut",
    "IutError",
    "LogicalDevice",
    "MethodRef",
    "ObjectOptions",
    "ProfileKind",
    "SecurityMaterial",
    "Timeouts",
    "load_iut",
    "parse_iut",
    "reference_iut",
]

REDACTED: Final = "<redacted>"

#: What a client proposes when the description says nothing: the LN services a meter has.
DEFAULT_CONFORMANCE: Final = (
    Conformance.GET
    | Conformance.SET
    | Conformance.ACTION
    | Conformance.SELECTIVE_ACCESS
    | Conformance.BLOCK_TRANSFER_WITH_GET_OR_READ
    | Conformance.BLOCK_TRANSFER_WITH_SET_OR_WRITE
    | Conformance.BLOCK_TRANSFER_WITH_ACTION
    | Conformance.MULTIPLE_REFERENCES
    | Conformance.ATTRIBUTE0_SUPPORTED_WITH_GET
    | Conformance.PRIORITY_MGMT_SUPPORTED
)


class IutError(DlmsError, ValueError):
    """An IUT description that cannot be used; ``path`` says where (``associations[1].client``)."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path


class ProfileKind(enum.Enum):
    HDLC = "hdlc"
    WRAPPER = "wrapper"


@dataclass(frozen=True, slots=True)
class HdlcProfile:
    """The HDLC parameters of the meter (its IEC HDLC setup object)."""

    physical_address: int | None = None
    address_size: int | None = None
    max_info_length: int = 128
    window_size: int = 1
    inactivity_timeout: float | None = 120.0

    def server_address(self, logical_device: int) -> HdlcAddress:
        """The server address of a logical device in the declared size."""
        lower = self.physical_address
        size = self.address_size
        if size is None:
            return HdlcAddress.server(logical_device, lower)
        if size == 1:
            return HdlcAddress(logical_device, None, 1)
        return HdlcAddress(logical_device, lower if lower is not None else 0, size)


@dataclass(frozen=True, slots=True)
class LogicalDevice:
    address: int
    name: str | None = None


@dataclass(frozen=True, slots=True)
class SecurityMaterial:
    """The security suite, policy, system titles and keys of a ciphered association."""

    suite: SecuritySuite = SecuritySuite.SUITE_0
    policy: SecurityPolicy = SecurityPolicy.NOTHING
    client_system_title: bytes = b"DKT\x00\x00\x00\x00\x01"
    server_system_title: bytes | None = None
    encryption_key: Key | None = None
    authentication_key: Key | None = None
    kek: Key | None = None
    dedicated_key: bool = False
    #: the client's first invocation counter in this run (a meter refuses a counter at or
    #: below the last it took from this system title)
    invocation_counter: int = 0


@dataclass(frozen=True, slots=True)
class AssociationSpec:
    """One application association the meter offers, as a client must open it."""

    name: str
    client: int
    logical_device: int = 1
    context: ApplicationContextName = ApplicationContextName.LOGICAL_NAME
    mechanism: Mechanism = Mechanism.NONE
    secret: Secret | None = None
    security: SecurityMaterial | None = None
    conformance: Conformance = DEFAULT_CONFORMANCE
    max_pdu_size: int | None = None
    client_max_pdu_size: int = 0xFFFF
    #: pre-established (no AARQ; e.g. a broadcast association)
    pre_established: bool = False

    @property
    def ciphered(self) -> bool:
        return self.context in (
            ApplicationContextName.LOGICAL_NAME_WITH_CIPHERING,
            ApplicationContextName.SHORT_NAME_WITH_CIPHERING,
        )

    @property
    def logical_names(self) -> bool:
        return self.context in (
            ApplicationContextName.LOGICAL_NAME,
            ApplicationContextName.LOGICAL_NAME_WITH_CIPHERING,
        )

    @property
    def label(self) -> str:
        return f"{self.name} (client {self.client} -> LD {self.logical_device})"

    @property
    def level(self) -> int:
        """A rough rank of the association's security, to find a lower and a higher one."""
        rank = int(self.mechanism)
        if rank >= int(Mechanism.HLS):
            rank = 2
        if self.ciphered:
            rank += 3
        return rank


@dataclass(frozen=True, slots=True)
class Timeouts:
    response: float = 3.0
    silence: float = 0.6
    max_wait: float = 30.0


@dataclass(frozen=True, slots=True)
class MethodRef:
    class_id: int
    logical_name: Obis
    method: int

    def __str__(self) -> str:
        return f"{self.class_id}/{self.logical_name}/{self.method}"


@dataclass(frozen=True, slots=True)
class ObjectOptions:
    write_back: bool = True
    invoke: tuple[MethodRef, ...] = ()
    skip: tuple[Obis, ...] = ()


@dataclass(frozen=True, slots=True)
class Iut:
    """The implementation under test as the suite knows it."""

    associations: tuple[AssociationSpec, ...]
    manufacturer: str = ""
    flag_id: str = ""
    model: str = ""
    serial: str = ""
    profile: ProfileKind | None = None
    hdlc: HdlcProfile = field(default_factory=HdlcProfile)
    logical_devices: tuple[LogicalDevice, ...] = (LogicalDevice(1),)
    timeouts: Timeouts = field(default_factory=Timeouts)
    objects: ObjectOptions = field(default_factory=ObjectOptions)
    #: where the description came from ("file iut.yaml", "discovered from the meter")
    source: str = ""

    def with_profile(self, kind: ProfileKind) -> Iut:
        return replace(self, profile=kind)

    def association(self, name: str) -> AssociationSpec:
        for a in self.associations:
            if a.name == name:
                return a
        raise IutError("associations", f"no association named {name!r}")

    @property
    def openable(self) -> tuple[AssociationSpec, ...]:
        """The associations a client opens with an AARQ (not the pre-established ones)."""
        return tuple(a for a in self.associations if not a.pre_established)

    def lowest(self) -> AssociationSpec | None:
        """The openable association of the lowest security (public, usually)."""
        found = sorted(self.openable, key=lambda a: (a.level, a.client))
        return found[0] if found else None

    def to_dict(self) -> dict[str, Any]:
        """The description as plain data for a report; secrets are ``<redacted>``."""

        def key(value: Secret | None) -> str | None:
            return None if value is None else REDACTED

        associations = []
        for a in self.associations:
            entry: dict[str, Any] = {
                "name": a.name,
                "client": a.client,
                "logical_device": a.logical_device,
                "context": _CONTEXT_NAMES_BACK[a.context],
                "mechanism": _MECHANISM_NAMES_BACK[a.mechanism],
                "conformance": _conformance_names(a.conformance),
                "client_max_pdu_size": a.client_max_pdu_size,
            }
            if a.max_pdu_size is not None:
                entry["max_pdu_size"] = a.max_pdu_size
            if a.secret is not None:
                entry["secret"] = REDACTED
            if a.pre_established:
                entry["pre_established"] = True
            if a.security is not None:
                s = a.security
                entry["security"] = {
                    "suite": int(s.suite),
                    "policy": _policy_name(s.policy),
                    "client_system_title": s.client_system_title.hex().upper(),
                    "server_system_title": (
                        None if s.server_system_title is None else s.server_system_title.hex()
                    ),
                    "encryption_key": key(s.encryption_key),
                    "authentication_key": key(s.authentication_key),
                    "kek": key(s.kek),
                    "dedicated_key": s.dedicated_key,
                    "invocation_counter": s.invocation_counter,
                }
            associations.append(entry)
        return {
            "source": self.source,
            "manufacturer": self.manufacturer,
            "flag_id": self.flag_id,
            "model": self.model,
            "serial": self.serial,
            "profile": {
                "kind": None if self.profile is None else self.profile.value,
                "hdlc": {
                    "physical_address": self.hdlc.physical_address,
                    "address_size": self.hdlc.address_size,
                    "max_info_length": self.hdlc.max_info_length,
                    "window_size": self.hdlc.window_size,
                    "inactivity_timeout": self.hdlc.inactivity_timeout,
                },
            },
            "logical_devices": [
                {"address": d.address, "name": d.name} for d in self.logical_devices
            ],
            "associations": associations,
            "timeouts": {
                "response": self.timeouts.response,
                "silence": self.timeouts.silence,
                "max_wait": self.timeouts.max_wait,
            },
            "objects": {
                "write_back": self.objects.write_back,
                "invoke": [str(m) for m in self.objects.invoke],
                "skip": [str(o) for o in self.objects.skip],
            },
        }


# -- parsing ---------------------------------------------------------------------------------

_CONTEXT_NAMES: Final = {
    "ln": ApplicationContextName.LOGICAL_NAME,
    "sn": ApplicationContextName.SHORT_NAME,
    "ln-ciphered": ApplicationContextName.LOGICAL_NAME_WITH_CIPHERING,
    "sn-ciphered": ApplicationContextName.SHORT_NAME_WITH_CIPHERING,
}
_CONTEXT_NAMES_BACK: Final = {v: k for k, v in _CONTEXT_NAMES.items()}
_MECHANISM_NAMES: Final = {
    "none": Mechanism.NONE,
    "lls": Mechanism.LLS,
    "hls": Mechanism.HLS,
    "hls-md5": Mechanism.HLS_MD5,
    "hls-sha1": Mechanism.HLS_SHA1,
    "hls-gmac": Mechanism.HLS_GMAC,
    "hls-sha256": Mechanism.HLS_SHA256,
    "hls-ecdsa": Mechanism.HLS_ECDSA,
}
_MECHANISM_NAMES_BACK: Final = {v: k for k, v in _MECHANISM_NAMES.items()}
_POLICIES: Final = {
    "none": SecurityPolicy.NOTHING,
    "authenticated": SecurityPolicy.from_v0(1),
    "encrypted": SecurityPolicy.from_v0(2),
    "authenticated-encrypted": SecurityPolicy.from_v0(3),
}


def _policy_name(policy: SecurityPolicy) -> str:
    for name, value in _POLICIES.items():
        if value == policy:
            return name
    return f"0x{int(policy):02X}"


def _conformance_name(flag: Conformance) -> str:
    return (flag.name or "").lower().replace("_", "-")


def _conformance_names(value: Conformance) -> list[str]:
    return [_conformance_name(f) for f in Conformance if f & value]


_CONFORMANCE_BY_NAME: Final = {_conformance_name(f): f for f in Conformance}


class _Reader:
    """Typed access to one mapping of the YAML document, with the path for errors."""

    def __init__(self, data: object, path: str) -> None:
        if data is None:
            data = {}
        if not isinstance(data, Mapping):
            raise IutError(path, f"a mapping was expected, found {type(data).__name__}")
        self.data = data
        self.path = path
        self.used: set[str] = set()

    def at(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def get(self, key: str) -> Any:
        self.used.add(key)
        return self.data.get(key)

    def has(self, key: str) -> bool:
        return key in self.data

    def text(self, key: str, default: str = "") -> str:
        value = self.get(key)
        if value is None:
            return default
        if not isinstance(value, str | int):
            raise IutError(self.at(key), "a text was expected")
        return str(value)

    def integer(self, key: str, default: int | None, low: int, high: int) -> int | None:
        value = self.get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, str):
                try:
                    value = int(value, 0)
                except ValueError:
                    raise IutError(
                        self.at(key), f"an integer was expected, not {value!r}"
                    ) from None
            else:
                raise IutError(self.at(key), f"an integer was expected, not {value!r}")
        if not low <= value <= high:
            raise IutError(self.at(key), f"must be {low}..{high}, not {value}")
        return value

    def number(self, key: str, default: float | None, low: float, high: float) -> float | None:
        value = self.get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise IutError(self.at(key), f"a number was expected, not {value!r}")
        if not low <= value <= high:
            raise IutError(self.at(key), f"must be {low}..{high}, not {value}")
        return float(value)

    def flag(self, key: str, default: bool) -> bool:
        value = self.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise IutError(self.at(key), f"true or false was expected, not {value!r}")
        return value

    def choice(self, key: str, names: Mapping[str, Any], default: Any) -> Any:
        value = self.get(key)
        if value is None:
            return default
        found = names.get(str(value).lower().replace("_", "-"))
        if found is None:
            raise IutError(self.at(key), f"one of {', '.join(names)} was expected, not {value!r}")
        return found

    def items(self, key: str) -> list[Any]:
        value = self.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise IutError(self.at(key), "a list was expected")
        return value

    def finish(self) -> None:
        unknown = sorted(str(k) for k in self.data if k not in self.used)
        if unknown:
            raise IutError(self.path, f"unknown field(s): {', '.join(unknown)}")


def _octets(value: object, path: str, *, text_ok: bool) -> bytes:
    """A secret or an octet string: a hex string, ``{hex: ..}``, ``{text: ..}`` or
    ``{env: NAME}`` (the variable holds hex, or text when ``text_ok``)."""
    if isinstance(value, Mapping):
        if len(value) != 1:
            raise IutError(path, "one of hex, text or env was expected")
        ((kind, inner),) = value.items()
        if kind == "env":
            name = str(inner)
            found = os.environ.get(name)
            if found is None:
                raise IutError(path, f"the environment variable {name} is not set")
            try:
                return bytes.fromhex(found)
            except ValueError:
                if text_ok:
                    return found.encode()
                raise IutError(path, f"the environment variable {name} holds no hex") from None
        if kind == "hex":
            value = str(inner)
        elif kind == "text" and text_ok:
            return str(inner).encode()
        else:
            raise IutError(path, f"one of hex, text or env was expected, not {kind!r}")
    if isinstance(value, int) and not isinstance(value, bool) and text_ok:
        return str(value).encode()
    if not isinstance(value, str):
        raise IutError(path, "a hex string was expected")
    if text_ok:
        return value.encode()
    try:
        return bytes.fromhex(value.replace(" ", ""))
    except ValueError:
        raise IutError(path, "a hex string was expected") from None


def _key(reader: _Reader, name: str, length: int) -> Key | None:
    value = reader.get(name)
    if value is None:
        return None
    raw = _octets(value, reader.at(name), text_ok=False)
    if len(raw) != length:
        raise IutError(reader.at(name), f"a key of {length} octets was expected, not {len(raw)}")
    return Key(raw)


def _conformance(value: object, path: str) -> Conformance:
    if isinstance(value, int) and not isinstance(value, bool):
        if not 0 <= value < 1 << 24:
            raise IutError(path, "a conformance block has 24 bits")
        return Conformance(value)
    if isinstance(value, str):
        try:
            number = int(value, 0)
        except ValueError:
            raise IutError(path, f"a list of service names or a number, not {value!r}") from None
        return _conformance(number, path)
    if isinstance(value, list):
        result = Conformance(0)
        for i, item in enumerate(value):
            flag = _CONFORMANCE_BY_NAME.get(str(item).lower().replace("_", "-"))
            if flag is None:
                raise IutError(f"{path}[{i}]", f"unknown conformance bit {item!r}")
            result |= flag
        return result
    raise IutError(path, "a list of service names or a number was expected")


def _security(data: object, path: str) -> SecurityMaterial:
    r = _Reader(data, path)
    suite = SecuritySuite(r.integer("suite", 0, 0, 2) or 0)
    length = suite.key_length
    policy_value = r.get("policy")
    if isinstance(policy_value, int) and not isinstance(policy_value, bool):
        try:
            policy = SecurityPolicy.decode(policy_value)
        except ValueError as exc:
            raise IutError(r.at("policy"), str(exc)) from None
    else:
        r.used.discard("policy")
        policy = r.choice("policy", _POLICIES, SecurityPolicy.NOTHING)
    client_title = r.get("client_system_title")
    server_title = r.get("server_system_title")
    material = SecurityMaterial(
        suite=suite,
        policy=policy,
        client_system_title=(
            b"DKT\x00\x00\x00\x00\x01"
            if client_title is None
            else _octets(client_title, r.at("client_system_title"), text_ok=False)
        ),
        server_system_title=(
            None
            if server_title is None
            else _octets(server_title, r.at("server_system_title"), text_ok=False)
        ),
        encryption_key=_key(r, "encryption_key", length),
        authentication_key=_key(r, "authentication_key", length),
        kek=_key(r, "kek", length),
        dedicated_key=r.flag("dedicated_key", False),
        invocation_counter=r.integer("invocation_counter", 0, 0, 0xFFFFFFFF) or 0,
    )
    for name in ("client_system_title", "server_system_title"):
        title = getattr(material, name)
        if title is not None and len(title) != 8:
            raise IutError(r.at(name), f"a system title is 8 octets, not {len(title)}")
    r.finish()
    return material


def _association(data: object, path: str, index: int) -> AssociationSpec:
    r = _Reader(data, path)
    client = r.integer("client", None, 0, 0x7F)
    if client is None:
        raise IutError(r.at("client"), "the client address (SAP) is required")
    context = r.choice("context", _CONTEXT_NAMES, ApplicationContextName.LOGICAL_NAME)
    mechanism = r.choice("mechanism", _MECHANISM_NAMES, Mechanism.NONE)
    secret_value = r.get("secret")
    secret = (
        None
        if secret_value is None
        else Secret(_octets(secret_value, r.at("secret"), text_ok=True))
    )
    security = None if r.get("security") is None else _security(r.get("security"), r.at("security"))
    conformance_value = r.get("conformance")
    conformance = (
        DEFAULT_CONFORMANCE
        if conformance_value is None
        else _conformance(conformance_value, r.at("conformance"))
    )
    spec = AssociationSpec(
        name=r.text("name", f"association-{index + 1}"),
        client=client,
        logical_device=r.integer("logical_device", 1, 0, 0x3FFF) or 0,
        context=context,
        mechanism=mechanism,
        secret=secret,
        security=security,
        conformance=conformance,
        max_pdu_size=r.integer("max_pdu_size", None, 12, 0xFFFF),
        client_max_pdu_size=r.integer("client_max_pdu_size", 0xFFFF, 12, 0xFFFF) or 0xFFFF,
        pre_established=r.flag("pre_established", False),
    )
    r.finish()
    if spec.ciphered and spec.security is None:
        raise IutError(path, "a ciphered context needs the security material (security:)")
    if spec.secret is None and spec.mechanism in (
        Mechanism.LLS,
        Mechanism.HLS_MD5,
        Mechanism.HLS_SHA1,
        Mechanism.HLS_SHA256,
    ):
        raise IutError(path, f"mechanism {_MECHANISM_NAMES_BACK[spec.mechanism]} needs a secret")
    if spec.mechanism is Mechanism.HLS_GMAC and (
        spec.security is None or spec.security.authentication_key is None
    ):
        raise IutError(path, "HLS-GMAC needs security.authentication_key (and the keys)")
    return spec


def _method_ref(value: object, path: str) -> MethodRef:
    parts = str(value).split("/")
    if len(parts) != 3:
        raise IutError(path, f"class/obis/method was expected, not {value!r}")
    try:
        return MethodRef(int(parts[0]), Obis.parse(parts[1]), int(parts[2]))
    except (ValueError, DlmsError) as exc:
        raise IutError(path, f"class/obis/method was expected ({exc})") from None


def parse_iut(data: object, *, source: str = "") -> Iut:
    """An :class:`Iut` from the parsed YAML document (a mapping)."""
    r = _Reader(data, "")
    profile_reader = _Reader(r.get("profile"), "profile")
    kind = profile_reader.choice("kind", {k.value: k for k in ProfileKind}, None)
    h = _Reader(profile_reader.get("hdlc"), "profile.hdlc")
    size = h.integer("address_size", None, 1, 4)
    if size == 3:
        raise IutError(h.at("address_size"), "an HDLC server address has 1, 2 or 4 bytes")
    inactivity = h.number("inactivity_timeout", 120.0, 0.0, 86400.0)
    hdlc = HdlcProfile(
        physical_address=h.integer("physical_address", None, 0, 0x3FFF),
        address_size=size,
        max_info_length=h.integer("max_info_length", 128, MIN_INFO_LENGTH, MAX_INFO_LENGTH) or 128,
        window_size=h.integer("window_size", 1, 1, MAX_WINDOW) or 1,
        inactivity_timeout=inactivity or None,
    )
    h.finish()
    profile_reader.get("wrapper")  # reserved: nothing to declare for the wrapper today
    profile_reader.finish()
    devices = []
    for i, item in enumerate(r.items("logical_devices")):
        d = _Reader(item, f"logical_devices[{i}]")
        address = d.integer("address", None, 0, 0x3FFF)
        if address is None:
            raise IutError(d.at("address"), "the logical device address is required")
        devices.append(LogicalDevice(address, d.text("name") or None))
        d.finish()
    associations = tuple(
        _association(item, f"associations[{i}]", i)
        for i, item in enumerate(r.items("associations"))
    )
    if not associations:
        raise IutError("associations", "at least one association must be declared")
    names = [a.name for a in associations]
    if len(set(names)) != len(names):
        raise IutError("associations", "association names must be unique")
    t = _Reader(r.get("timeouts"), "timeouts")
    timeouts = Timeouts(
        response=t.number("response", 3.0, 0.05, 120.0) or 3.0,
        silence=t.number("silence", 0.6, 0.05, 60.0) or 0.6,
        max_wait=t.number("max_wait", 30.0, 0.0, 3600.0) or 0.0,
    )
    t.finish()
    o = _Reader(r.get("objects"), "objects")
    options = ObjectOptions(
        write_back=o.flag("write_back", True),
        invoke=tuple(
            _method_ref(v, f"objects.invoke[{i}]") for i, v in enumerate(o.items("invoke"))
        ),
        skip=tuple(_obis(v, f"objects.skip[{i}]") for i, v in enumerate(o.items("skip"))),
    )
    o.finish()
    iut = Iut(
        associations=associations,
        manufacturer=r.text("manufacturer"),
        flag_id=r.text("flag_id"),
        model=r.text("model"),
        serial=r.text("serial"),
        profile=kind,
        hdlc=hdlc,
        logical_devices=tuple(devices) or (LogicalDevice(1),),
        timeouts=timeouts,
        objects=options,
        source=source,
    )
    r.finish()
    return iut


def _obis(value: object, path: str) -> Obis:
    try:
        return Obis.parse(str(value))
    except (ValueError, DlmsError) as exc:
        raise IutError(path, f"a logical name was expected ({exc})") from None


def load_iut(path: str | os.PathLike[str]) -> Iut:
    """Read an IUT description from a YAML file."""
    import yaml

    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise IutError("", f"cannot read {file}: {exc.strerror}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise IutError("", f"{file} is not valid YAML: {exc}") from None
    return parse_iut(data, source=f"file {file.name}")


def reference_iut() -> Iut:
    """The description of dlmskit's reference meter simulator (``reference-iut.yaml``)."""
    from importlib import resources

    import yaml

    text = resources.files("dlmskit.conformance").joinpath("reference-iut.yaml").read_text("utf-8")
    return parse_iut(yaml.safe_load(text), source="the reference meter simulator")


def describe_associations(associations: Sequence[AssociationSpec]) -> str:
    return ", ".join(a.label for a in associations)
