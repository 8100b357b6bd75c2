"""Device model files: a meter described in YAML (or the same structure as Python data), and
the meters built from it.

A model is parsed once into immutable specs (:class:`ModelSpec`), shared by every meter of
a simulation; :func:`build_meter` makes the objects of one meter (its serial number, system
title and load scale come from its index) with the server behaviour of
:mod:`dlmskit.model.objects` -- the simulator *is* the server with a model loaded.

The format (see ``reference.yaml`` for a complete meter)::

    meter:
      name: reference                      # what the model is
      serial: "DLK{index:08d}"             # {index} is the meter's number
      system_title: "444C4B{index:010X}"   # 8 octets, hex
      physical_address: 17                 # HDLC lower address (optional)
      load_scale: [0.5, 2.0]               # each meter's load factor lies in this range
      quirks: []                           # names of MeterQuirks to switch on
    logical_devices:
      - sap: 1
        name: "DLK{serial}"               # logical device name (octet-string)
        referencing: ln                    # or sn
        objects:
          - {class: 3, ln: "1-0:1.8.0", values: {scaler_unit: [0, Wh]},
             generate: {value: {kind: energy, profile: residential, mean_w: 450}}}
          - {class: 7, ln: "1-0:99.1.0", values: {...}, history: {entries: 960}}
        associations:
          - {client: 16, object: "0-0:40.0.1", access: read-only}
          - {client: 32, object: "0-0:40.0.2", mechanism: lls, password: "12345678"}
          - client: 1
            object: "0-0:40.0.3"
            mechanism: hls-gmac
            security: {policy: authenticated-encrypted, setup: "0-0:43.0.3",
                       keys: {unicast: <hex>, authentication: <hex>, broadcast: <hex>}}

Attribute values are the project's typed JSON (``{double-long-unsigned: 1234}``); a
``scaler_unit`` may be written ``[scaler, unit symbol]`` and an octet-string holding text
``{ascii: text}``. Strings may use ``{index}``,
``{serial}`` and ``{title}`` (the system title in hex).
"""

from __future__ import annotations

import datetime as _dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from dlmskit.apdu import Conformance
from dlmskit.association.ciphering import SecurityContext
from dlmskit.association.quirks import MeterQuirks
from dlmskit.association.server import AssociationSettings
from dlmskit.axdr import DoubleLongUnsigned, Enum, Integer, from_json
from dlmskit.cosem import Obis, Unit
from dlmskit.errors import DlmsError, LocalProtocolError
from dlmskit.model.classdef import Access, get_class
from dlmskit.model.objects import (
    BEHAVIOURS,
    AssociationLN,
    AssociationSN,
    CosemObject,
    CosemObjects,
    GenericObject,
    GetResult,
    InvocationCounter,
    ObjectRights,
    ProfileGeneric,
    SecuritySetup,
)
from dlmskit.model.results import DataAccessResult
from dlmskit.security import (
    Key,
    Mechanism,
    SecurityPolicy,
    SecuritySuite,
    SymmetricKeys,
)
from dlmskit.server.device import LogicalDevice, Meter, StoreFactory
from dlmskit.simulator.generators import Generator, make_generator, seed_of

__all__ = [
    "REFERENCE_MODEL",
    "AssociationSpec",
    "LogicalDeviceSpec",
    "ModelError",
    "ModelSpec",
    "ObjectSpec",
    "build_meter",
    "load_model",
    "parse_model",
]

_log = logging.getLogger("dlmskit.simulator")


class ModelError(LocalProtocolError):
    """A device model that cannot be built: says where (``path``) and what."""

    def __init__(self, message: str, path: str = "") -> None:
        self.path = path
        super().__init__(f"{path}: {message}" if path else message)


_MECHANISMS: Final = {
    "none": Mechanism.NONE,
    "lls": Mechanism.LLS,
    "hls": Mechanism.HLS,
    "hls-md5": Mechanism.HLS_MD5,
    "hls-sha1": Mechanism.HLS_SHA1,
    "hls-gmac": Mechanism.HLS_GMAC,
    "hls-sha256": Mechanism.HLS_SHA256,
    "hls-ecdsa": Mechanism.HLS_ECDSA,
}
_POLICIES: Final = {
    "none": 0,
    "authenticated": 1,
    "encrypted": 2,
    "authenticated-encrypted": 3,
}


# -- specs ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ObjectSpec:
    class_id: int
    logical_name: Obis
    version: int | None = None
    values: tuple[tuple[str, Any], ...] = ()
    generate: tuple[tuple[str, Mapping[str, Any]], ...] = ()
    history: Mapping[str, Any] | None = None
    invocation_counter_of: int | None = None


@dataclass(frozen=True, slots=True)
class SecuritySpec:
    policy: SecurityPolicy
    suite: SecuritySuite
    keys: Mapping[str, str]
    setup: Obis | None = None
    general_ciphering: bool = False


@dataclass(frozen=True, slots=True)
class AssociationSpec:
    client_sap: int
    logical_name: Obis
    mechanism: Mechanism = Mechanism.NONE
    secret: str | None = None
    security: SecuritySpec | None = None
    visible: tuple[Obis, ...] | None = None
    access: str = "default"
    rights: tuple[tuple[Obis, Mapping[str, Any]], ...] = ()
    pre_established: bool = False
    client_system_title: str | None = None
    max_receive_pdu_size: int = 1024
    conformance: tuple[str, ...] | None = None
    version: int = 2
    gbt_window: int = 1


@dataclass(frozen=True, slots=True)
class LogicalDeviceSpec:
    sap: int
    name: str
    objects: tuple[ObjectSpec, ...]
    associations: tuple[AssociationSpec, ...]
    short_names: bool = False


@dataclass(frozen=True, slots=True)
class ModelSpec:
    name: str
    serial: str
    system_title: str
    logical_devices: tuple[LogicalDeviceSpec, ...]
    physical_address: int | None = None
    load_scale: tuple[float, float] = (1.0, 1.0)
    quirks: MeterQuirks = field(default_factory=MeterQuirks)

    def identity(self, index: int) -> tuple[str, bytes]:
        """The serial number and system title of meter ``index``."""
        serial = self.serial.format(index=index)
        try:
            title = bytes.fromhex(self.system_title.format(index=index, serial=serial))
        except (ValueError, KeyError, IndexError) as exc:
            raise ModelError(f"system title: {exc}", "meter.system_title") from None
        if len(title) != 8:
            raise ModelError("a system title is 8 octets", "meter.system_title")
        return serial, title


# -- parsing ----------------------------------------------------------------------------------

#: The built-in reference meter's model file (used when no file is given).
REFERENCE_MODEL: Final = "reference.yaml"


def load_model(path: str | None = None) -> ModelSpec:
    """Parse a YAML model file (None: the built-in reference meter)."""
    import yaml

    if path is None:
        from importlib import resources

        text = resources.files("dlmskit.simulator").joinpath(REFERENCE_MODEL).read_text("utf-8")
        where = "reference.yaml"
    else:
        try:
            with open(path, encoding="utf-8") as handle:
                text = handle.read()
        except OSError as exc:
            raise ModelError(f"cannot read the model file: {exc}") from None
        where = path
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ModelError(f"{where} is no YAML: {exc}") from None
    return parse_model(data)


def _need(value: object, kind: type | tuple[type, ...], path: str) -> Any:
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        name = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
        raise ModelError(f"expected {name}, found {type(value).__name__}", path)
    return value


def _obis(value: object, path: str) -> Obis:
    try:
        return Obis.parse(_need(value, str, path))
    except DlmsError as exc:
        raise ModelError(str(exc), path) from None


def _class_id(value: object, path: str) -> int:
    if isinstance(value, str):
        wanted = value.lower().replace("_", " ").replace("-", " ")
        from dlmskit.model import REGISTRY

        for definition in REGISTRY:
            if definition.name.lower().replace("-", " ") == wanted:
                return definition.class_id
        raise ModelError(f"no interface class named {value!r}", path)
    return int(_need(value, int, path))


def parse_model(data: Mapping[str, Any]) -> ModelSpec:
    """Check a model (as loaded from YAML) and make its specs; ModelError says what is wrong
    and where."""
    _need(data, Mapping, "")
    meter = _need(data.get("meter", {}), Mapping, "meter")
    quirk_names = _need(meter.get("quirks", []), list, "meter.quirks")
    try:
        quirks = MeterQuirks.of(*(_need(q, str, "meter.quirks") for q in quirk_names))
    except LocalProtocolError as exc:
        raise ModelError(str(exc), "meter.quirks") from None
    scale = meter.get("load_scale", [1.0, 1.0])
    if not (
        isinstance(scale, list)
        and len(scale) == 2
        and all(isinstance(v, int | float) and v > 0 for v in scale)
    ):
        raise ModelError("load_scale is [low, high], both positive", "meter.load_scale")
    physical = meter.get("physical_address")
    if physical is not None and not (isinstance(physical, int) and 0x10 <= physical <= 0x3FFD):
        raise ModelError("an HDLC physical address is 16..16381", "meter.physical_address")
    devices = _need(data.get("logical_devices"), list, "logical_devices")
    if not devices:
        raise ModelError("a meter has at least one logical device", "logical_devices")
    spec = ModelSpec(
        name=str(meter.get("name", "meter")),
        serial=str(meter.get("serial", "SIM{index:08d}")),
        system_title=str(meter.get("system_title", "53494D{index:010X}")),
        logical_devices=tuple(_device(d, f"logical_devices[{i}]") for i, d in enumerate(devices)),
        physical_address=physical,
        load_scale=(float(scale[0]), float(scale[1])),
        quirks=quirks,
    )
    spec.identity(0)
    saps = [d.sap for d in spec.logical_devices]
    if len(set(saps)) != len(saps):
        raise ModelError("logical device SAPs must differ", "logical_devices")
    return spec


def _device(data: object, path: str) -> LogicalDeviceSpec:
    _need(data, Mapping, path)
    assert isinstance(data, Mapping)
    sap = _need(data.get("sap"), int, f"{path}.sap")
    if not 1 <= sap <= 0x3FFF:
        raise ModelError("a logical device SAP is 1..16383", f"{path}.sap")
    referencing = data.get("referencing", "ln")
    if referencing not in ("ln", "sn"):
        raise ModelError("referencing is ln or sn", f"{path}.referencing")
    objects = tuple(
        _object(o, f"{path}.objects[{i}]")
        for i, o in enumerate(_need(data.get("objects", []), list, f"{path}.objects"))
    )
    associations = tuple(
        _association(a, f"{path}.associations[{i}]")
        for i, a in enumerate(_need(data.get("associations", []), list, f"{path}.associations"))
    )
    if not associations:
        raise ModelError("a logical device needs at least one association", f"{path}.associations")
    names = [o.logical_name for o in objects] + [a.logical_name for a in associations]
    if len(set(names)) != len(names):
        raise ModelError("logical names must differ within a logical device", path)
    return LogicalDeviceSpec(
        sap, str(data.get("name", "{serial}")), objects, associations, referencing == "sn"
    )


def _object(data: object, path: str) -> ObjectSpec:
    _need(data, Mapping, path)
    assert isinstance(data, Mapping)
    class_id = _class_id(data.get("class"), f"{path}.class")
    ln = _obis(data.get("ln"), f"{path}.ln")
    version = data.get("version")
    try:
        definition = get_class(class_id, version)
    except DlmsError as exc:
        raise ModelError(str(exc), path) from None
    values = _need(data.get("values", {}), Mapping, f"{path}.values")
    generate = _need(data.get("generate", {}), Mapping, f"{path}.generate")
    for name in (*values, *generate):
        try:
            definition.attribute_named(name)
        except DlmsError:
            raise ModelError(f"{definition.name} has no attribute {name!r}", path) from None
    for name, gen in generate.items():
        _need(gen, Mapping, f"{path}.generate.{name}")
        try:
            make_generator(dict(gen), seed=0, meter_scale=1.0)  # checked now, built per meter
        except LocalProtocolError as exc:
            raise ModelError(str(exc), f"{path}.generate.{name}") from None
    history = data.get("history")
    if history is not None:
        _need(history, Mapping, f"{path}.history")
        if class_id != 7:
            raise ModelError("only a Profile generic has a history", f"{path}.history")
    counter_of = data.get("invocation_counter_of")
    if counter_of is not None:
        _need(counter_of, int, f"{path}.invocation_counter_of")
    return ObjectSpec(
        class_id,
        ln,
        version,
        tuple(values.items()),
        tuple((k, dict(v)) for k, v in generate.items()),
        dict(history) if history is not None else None,
        counter_of,
    )


def _association(data: object, path: str) -> AssociationSpec:
    _need(data, Mapping, path)
    assert isinstance(data, Mapping)
    client = _need(data.get("client"), int, f"{path}.client")
    if not 1 <= client <= 0x7F:
        raise ModelError("a client SAP is 1..127", f"{path}.client")
    ln = _obis(data.get("object", "0-0:40.0.0"), f"{path}.object")
    mechanism_name = str(data.get("mechanism", "none")).lower()
    mechanism = _MECHANISMS.get(mechanism_name)
    if mechanism is None:
        raise ModelError(f"no mechanism {mechanism_name!r} ({', '.join(_MECHANISMS)})", path)
    secret = data.get("password", data.get("secret"))
    if mechanism is Mechanism.LLS and secret is None:
        raise ModelError("LLS needs a password", path)
    security = _security(data["security"], f"{path}.security") if "security" in data else None
    if mechanism in (Mechanism.HLS_GMAC, Mechanism.HLS_SHA256) and security is None:
        raise ModelError(f"{mechanism_name} needs a security section", path)
    visible_data = data.get("visible", "all")
    visible = (
        None
        if visible_data == "all"
        else tuple(
            _obis(v, f"{path}.visible") for v in _need(visible_data, list, f"{path}.visible")
        )
    )
    access = str(data.get("access", "default"))
    if access not in ("default", "read-only", "full"):
        raise ModelError("access is default, read-only or full", f"{path}.access")
    rights_data = _need(data.get("rights", {}), Mapping, f"{path}.rights")
    rights = tuple(
        (_obis(k, f"{path}.rights"), dict(_need(v, Mapping, f"{path}.rights.{k}")))
        for k, v in rights_data.items()
    )
    conformance = data.get("conformance")
    if conformance is not None:
        names = tuple(str(c).upper().replace("-", "_") for c in _need(conformance, list, path))
        for name in names:
            if name not in Conformance.__members__:
                raise ModelError(f"no conformance bit {name}", f"{path}.conformance")
        conformance = names
    return AssociationSpec(
        client,
        ln,
        mechanism,
        None if secret is None else str(secret),
        security,
        visible,
        access,
        rights,
        bool(data.get("pre_established", False)),
        data.get("client_system_title"),
        int(data.get("max_receive_pdu_size", 1024)),
        conformance,
        int(data.get("version", 2)),
        int(data.get("gbt_window", 1)),
    )


def _security(data: object, path: str) -> SecuritySpec:
    _need(data, Mapping, path)
    assert isinstance(data, Mapping)
    policy_data = data.get("policy", "authenticated-encrypted")
    if isinstance(policy_data, str):
        if policy_data not in _POLICIES:
            raise ModelError(f"policy is one of {', '.join(_POLICIES)}", f"{path}.policy")
        policy = SecurityPolicy.from_v0(_POLICIES[policy_data])
    else:
        policy = SecurityPolicy.decode(_need(policy_data, int, f"{path}.policy"))
    suite = SecuritySuite(int(data.get("suite", 0)))
    keys = _need(data.get("keys", {}), Mapping, f"{path}.keys")
    for name in keys:
        if name not in ("unicast", "broadcast", "authentication", "master"):
            raise ModelError(f"no key {name!r}", f"{path}.keys")
    if "unicast" not in keys:
        raise ModelError("the unicast key is needed", f"{path}.keys")
    setup = data.get("setup")
    return SecuritySpec(
        policy,
        suite,
        {k: str(v) for k, v in keys.items()},
        _obis(setup, f"{path}.setup") if setup is not None else None,
        bool(data.get("general_ciphering", False)),
    )


# -- building ---------------------------------------------------------------------------------


class Generated:
    """Mixed into an object class: some attributes are computed by generators.

    A generated attribute reads ``generator(now) + offset`` in the attribute's unit (scaled
    by the object's scaler_unit, in the stored value's A-XDR type). When a write or a method
    (a register reset) changes the stored value, the offset moves so that the reading
    continues from the new value.
    """

    _generators: dict[int, Generator]
    _offsets: dict[int, float]

    def _context(self) -> Any:
        """The object's type context, kept while its scaler_unit stays the same."""
        obj: Any = self
        index = obj.definition.scaler_attribute
        raw = obj._values.get(index) if index is not None else None
        cached = getattr(self, "_context_cache", None)
        if cached is None or cached[0] is not raw:
            cached = (raw, obj.type_context())
            obj._context_cache = cached
        return cached[1]

    def _generated_read(self, index: int, now: _dt.datetime) -> Any:
        obj: Any = self
        generator = self._generators[index]
        template = obj._values[index]
        physical = generator.value(now) + self._offsets.get(index, 0.0)
        return _to_raw(template, physical, self._context())

    def _rebase(self, index: int, now: _dt.datetime) -> None:
        obj: Any = self
        stored = obj._values[index]
        if isinstance(stored, bool) or not isinstance(stored, int | float):
            return
        physical = float(_physical(stored, self._context()))
        self._offsets[index] = physical - self._generators[index].value(now)

    def get(
        self, index: int, *, now: _dt.datetime, selector: int | None = None, parameters: Any = None
    ) -> GetResult:
        if selector is None and index in self._generators:
            return GetResult(DataAccessResult.SUCCESS, self._generated_read(index, now))
        result: GetResult = super().get(  # type: ignore[misc]
            index, now=now, selector=selector, parameters=parameters
        )
        return result

    def set(
        self,
        index: int,
        value: Any,
        *,
        now: _dt.datetime,
        selector: int | None = None,
        parameters: Any = None,
    ) -> DataAccessResult:
        result: DataAccessResult = super().set(  # type: ignore[misc]
            index, value, now=now, selector=selector, parameters=parameters
        )
        if result is DataAccessResult.SUCCESS and index in self._generators:
            self._rebase(index, now)
        return result

    def action(self, index: int, parameter: Any = None, *, now: _dt.datetime) -> Any:
        obj: Any = self
        before = {i: obj._values[i] for i in self._generators}
        outcome = super().action(index, parameter, now=now)  # type: ignore[misc]
        for i, old in before.items():
            if obj._values[i] is not old:
                self._rebase(i, now)
        return outcome


class HistoryProfile(ProfileGeneric):
    """A Profile generic that fills in the history it would have recorded before the meter
    was made, on first use (a read, a write, a method, its timer): meters that are never
    asked for their profile never spend the time or the memory."""

    def __init__(self, logical_name: Any, **values: Any) -> None:
        self.pending_history: tuple[Mapping[str, Any], int] | None = None
        super().__init__(logical_name, **values)

    def _fill(self, now: _dt.datetime) -> None:
        pending = self.pending_history
        if pending is not None:
            self.pending_history = None
            _fill_history(self, pending[0], pending[1], now)
            self._next_capture = None  # captures go on from the next period after now

    def get(
        self, index: int, *, now: _dt.datetime, selector: int | None = None, parameters: Any = None
    ) -> GetResult:
        self._fill(now)
        return super().get(index, now=now, selector=selector, parameters=parameters)

    def set(
        self,
        index: int,
        value: Any,
        *,
        now: _dt.datetime,
        selector: int | None = None,
        parameters: Any = None,
    ) -> DataAccessResult:
        self._fill(now)
        return super().set(index, value, now=now, selector=selector, parameters=parameters)

    def action(self, index: int, parameter: Any = None, *, now: _dt.datetime) -> Any:
        self._fill(now)
        return super().action(index, parameter, now=now)

    def handle_timer(self, now: _dt.datetime) -> None:
        if self.pending_history is not None:
            self._fill(now)
            return
        super().handle_timer(now)

    @property
    def rows(self) -> list[Any]:
        if self.pending_history is not None:
            raise LocalProtocolError("history not filled yet: read the buffer with a time first")
        return list(self._rows)


_GENERATED_CLASSES: dict[type, type] = {}


def _generated_class(base: type[CosemObject]) -> type[CosemObject]:
    cls = _GENERATED_CLASSES.get(base)
    if cls is None:
        cls = type(f"Generated{base.__name__}", (Generated, base), {})
        _GENERATED_CLASSES[base] = cls
    return cls


def _physical(raw: int | float, context: Any) -> float:
    scaler_unit = getattr(context, "scaler_unit", None)
    if scaler_unit is None:
        return float(raw)
    return float(raw) * 10.0 ** int(scaler_unit.scaler)


def _to_raw(template: Any, physical: float, context: Any) -> Any:
    scaler_unit = getattr(context, "scaler_unit", None)
    scaled = physical / 10.0 ** int(scaler_unit.scaler) if scaler_unit is not None else physical
    cls: Any = type(template)
    if isinstance(template, float):
        return cls(scaled)
    if isinstance(template, int) and not isinstance(template, bool) and hasattr(cls, "MIN"):
        return cls(max(cls.MIN, min(cls.MAX, round(scaled))))
    return template


def _format(value: Any, names: Mapping[str, Any]) -> Any:
    if isinstance(value, str) and "{" in value:
        try:
            return value.format(**names)
        except (KeyError, IndexError, ValueError):
            return value
    if isinstance(value, list):
        return [_format(v, names) for v in value]
    if isinstance(value, Mapping):
        return {k: _format(v, names) for k, v in value.items()}
    return value


def _ascii(value: Any) -> Any:
    """``{ascii: text}`` is the octet-string of the text's ASCII octets (names, APNs)."""
    if isinstance(value, Mapping):
        if set(value) == {"ascii"} and isinstance(value["ascii"], str):
            return {"octet-string": value["ascii"].encode("ascii").hex()}
        return {k: _ascii(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_ascii(v) for v in value]
    return value


def _raw(obj: CosemObject, name: str, value: Any, path: str) -> Any:
    attribute = obj.definition.attribute_named(name)
    if name == "scaler_unit" and isinstance(value, list) and len(value) == 2:
        scaler, unit = value
        if isinstance(unit, str):
            found = next((u for u in Unit if u.symbol == unit), None)
            if found is None:
                raise ModelError(f"no unit {unit!r}", path)
            unit = int(found)
        return (Integer(int(scaler)), Enum(int(unit)))
    try:
        raw = from_json(_ascii(value))
    except (DlmsError, ValueError, TypeError) as exc:
        raise ModelError(f"{name}: not typed JSON ({exc})", path) from None
    try:
        obj.schema(attribute.index).validate(raw)
    except DlmsError as exc:
        raise ModelError(f"{name}: {exc}", path) from None
    return raw


def _make_object(
    spec: ObjectSpec, names: Mapping[str, Any], seed: int, scale: float, path: str
) -> CosemObject:
    behaviour = BEHAVIOURS.get(spec.class_id)
    base: type[CosemObject]
    if spec.invocation_counter_of is not None:
        base = InvocationCounter
    else:
        base = GenericObject if behaviour is None else behaviour
    if base is ProfileGeneric and spec.history is not None:
        base = HistoryProfile
    cls: Any = _generated_class(base) if spec.generate else base
    try:
        if base is GenericObject:
            obj: CosemObject = cls(spec.class_id, spec.logical_name, version=spec.version)
        elif spec.version is not None:
            obj = cls(spec.logical_name, version=spec.version)
        else:
            obj = cls(spec.logical_name)
    except DlmsError as exc:
        raise ModelError(str(exc), path) from None
    for name, value in spec.values:
        raw = _raw(obj, name, _format(value, names), f"{path}.values.{name}")
        obj.store(name, raw)
    if spec.generate:
        generated: Any = obj
        generated._generators = {}
        generated._offsets = {}
        for name, gen in spec.generate:
            index = obj.definition.attribute_named(name).index
            generated._generators[index] = make_generator(
                dict(gen), seed=seed_of(seed, str(spec.logical_name), index), meter_scale=scale
            )
    return obj


_RIGHTS: dict[tuple[Any, ...], ObjectRights] = {}


def _rights(obj: CosemObject, access: str) -> ObjectRights:
    """The access rights an ``access`` level gives to an object: one immutable value per
    class, version, level and implemented methods, shared by every meter."""
    implemented = tuple(obj.implements_method(m.index) for m in obj.definition.methods)
    key = (obj.class_id, obj.version, access, implemented)
    found = _RIGHTS.get(key)
    if found is None:
        found = _RIGHTS[key] = _make_rights(obj, access)
    return found


def _make_rights(obj: CosemObject, access: str) -> ObjectRights:
    attributes: dict[int, int] = {}
    for attribute in obj.definition.attributes:
        mode = (1 if attribute.access & Access.READ else 0) | (
            2 if attribute.access & Access.WRITE else 0
        )
        if access == "read-only":
            mode &= 1
        elif access == "full":
            mode = 3 if attribute.index != 1 else 1
        attributes[attribute.index] = mode
    methods = {
        m.index: (1 if access != "read-only" and obj.implements_method(m.index) else 0)
        for m in obj.definition.methods
    }
    return ObjectRights(attributes, methods)


def _keys(spec: SecuritySpec, names: Mapping[str, Any], path: str) -> SymmetricKeys:
    try:
        material = {k: Key(bytes.fromhex(_format(v, names))) for k, v in spec.keys.items()}
        return SymmetricKeys(suite=spec.suite, **material)
    except (ValueError, DlmsError) as exc:
        raise ModelError(f"keys: {exc}", path) from None


def build_meter(
    spec: ModelSpec,
    index: int = 0,
    *,
    now: _dt.datetime,
    stores: StoreFactory | None = None,
) -> Meter:
    """Meter ``index`` of the model, its profiles filled with the history up to ``now``."""
    serial, title = spec.identity(index)
    seed = seed_of(spec.name, serial)
    low, high = spec.load_scale
    scale = low + (high - low) * ((seed >> 11) % 10_000) / 9_999
    names = {"index": index, "serial": serial, "title": title.hex().upper()}
    devices = []
    for d, device_spec in enumerate(spec.logical_devices):
        path = f"logical_devices[{d}]"
        objects = CosemObjects()
        counters: list[tuple[InvocationCounter, int]] = []
        for i, object_spec in enumerate(device_spec.objects):
            obj = _make_object(object_spec, names, seed, scale, f"{path}.objects[{i}]")
            objects.add(obj)
            if object_spec.invocation_counter_of is not None and isinstance(obj, InvocationCounter):
                counters.append((obj, object_spec.invocation_counter_of))
        settings: list[AssociationSettings] = []
        for a, association in enumerate(device_spec.associations):
            settings.append(
                _make_association(
                    association, objects, device_spec, title, names, f"{path}.associations[{a}]"
                )
            )
        device = LogicalDevice(
            device_spec.sap,
            objects,
            settings,
            name=_format(device_spec.name, names).encode(),
            stores=stores,
        )
        for counter, client in counters:
            guard = device.replay_guard(client)
            counter.source = _lowest_of(guard)
        for obj in objects:
            _intern_values(obj)
        for object_spec in device_spec.objects:
            profile = objects.find(object_spec.logical_name)
            if isinstance(profile, HistoryProfile) and object_spec.history is not None:
                profile.pending_history = (object_spec.history, seed)
        devices.append(device)
    return Meter(devices, quirks=spec.quirks, name=serial)


#: Immutable attribute values shared by every meter (numbers, booleans, null-data and
#: structures of them): most attributes of most meters hold the same few.
_INTERNED: dict[tuple[type, Any], Any] = {}
_MAX_INTERNED: Final = 65_536


def _interned(value: Any) -> tuple[Any, bool]:
    """The shared instance of ``value`` and whether it is one (structures are shared only
    when everything in them is)."""
    if value is None or isinstance(value, bool):
        return value, True
    if isinstance(value, int | float) or (isinstance(value, bytes) and len(value) <= 16):
        key: tuple[Any, ...] = (type(value), value)
    elif isinstance(value, tuple) and len(value) <= 16:
        items = [_interned(v) for v in value]
        if not all(ok for _, ok in items):
            return value, False
        value = tuple(i for i, _ in items)
        key = (tuple, tuple(id(i) for i in value))
    else:
        return value, False
    found = _INTERNED.get(key)
    if found is None:
        if len(_INTERNED) >= _MAX_INTERNED:
            return value, False
        found = _INTERNED[key] = value
    return found, True


def _intern_values(obj: CosemObject) -> None:
    """Share the object's immutable values with the other meters' (the objects replace
    values, they never change one in place)."""
    values: Any = obj._values
    for index, value in values.items():
        values[index] = _interned(value)[0]


def _lowest_of(guard: Any) -> Any:
    return lambda: guard.lowest_acceptable


def _make_association(
    spec: AssociationSpec,
    objects: CosemObjects,
    device: LogicalDeviceSpec,
    title: bytes,
    names: Mapping[str, Any],
    path: str,
) -> AssociationSettings:
    others = [o for o in objects if not isinstance(o, AssociationLN | AssociationSN)]
    visible_names = [o.logical_name for o in others] if spec.visible is None else list(spec.visible)
    for ln in visible_names:
        if objects.find(ln) is None and ln != spec.logical_name:
            raise ModelError(f"visible object {ln} is not in the logical device", path)
    if spec.logical_name not in visible_names:
        visible_names.append(spec.logical_name)
    rights: dict[Obis, ObjectRights] = {}
    for ln in visible_names:
        obj = objects.find(ln)
        if obj is not None:
            rights[ln] = _rights(obj, spec.access)
    for ln, override in spec.rights:
        attributes = {int(k): int(v) for k, v in dict(override.get("attributes", {})).items()}
        methods = {int(k): int(v) for k, v in dict(override.get("methods", {})).items()}
        base = rights.get(ln, ObjectRights({}, {}))
        rights[ln] = ObjectRights({**base.attributes, **attributes}, {**base.methods, **methods})
    secret = (spec.secret or "").encode()
    class_id = 12 if device.short_names else 15
    version = min(spec.version, 4 if device.short_names else 3)
    definition = get_class(class_id, version)
    hls_reply = 8 if device.short_names else 1
    own_attributes = {a.index: 1 for a in definition.attributes}
    if not device.short_names:
        own_attributes[7] = 0 if spec.access == "read-only" else 2  # the secret: write only
    own_methods = {
        m.index: 1 if m.index == hls_reply or spec.access == "full" else 0
        for m in definition.methods
    }
    rights[spec.logical_name] = ObjectRights(own_attributes, own_methods)
    setup_name = None if spec.security is None else spec.security.setup
    if spec.security is not None and setup_name is not None:
        # the association's Security setup: made when the model has none, and always in the
        # association's view (its security_setup_reference names it)
        setup = objects.find(setup_name)
        if setup is None:
            setup = SecuritySetup(setup_name, version=1)
            setup.store(2, Enum(int(spec.security.policy)))
            setup.store(3, Enum(int(spec.security.suite)))
            setup.store(5, title)
            objects.add(setup)
        if setup.logical_name not in visible_names:
            visible_names.append(setup.logical_name)
            rights.setdefault(setup.logical_name, _rights(setup, spec.access))
    cls = AssociationSN if device.short_names else AssociationLN
    try:
        association = cls(
            spec.logical_name, version=version, visible=visible_names, rights=rights, secret=secret
        )
    except DlmsError as exc:
        raise ModelError(str(exc), path) from None
    if setup_name is not None and cls is AssociationLN and version >= 1:
        association.store(9, bytes(Obis.parse(setup_name)))
    objects.add(association)
    security = None
    if spec.security is not None:
        keys = _keys(spec.security, names, f"{path}.security")
        security = SecurityContext(
            keys, title, spec.security.policy, general_ciphering=spec.security.general_ciphering
        )
    client_title = None
    if spec.client_system_title is not None:
        try:
            client_title = bytes.fromhex(_format(spec.client_system_title, names))
        except ValueError:
            raise ModelError("client_system_title is hex", path) from None
    conformance = None
    if spec.conformance is not None:
        value = 0
        for name in spec.conformance:
            value |= int(Conformance[name])
        conformance = Conformance(value)
    try:
        return AssociationSettings(
            spec.client_sap,
            spec.logical_name,
            spec.mechanism,
            security,
            conformance=conformance,
            max_receive_pdu_size=spec.max_receive_pdu_size,
            pre_established=spec.pre_established,
            client_system_title=client_title,
            gbt_window=spec.gbt_window,
        )
    except DlmsError as exc:
        raise ModelError(str(exc), path) from None


def _fill_history(
    profile: ProfileGeneric, history: Mapping[str, Any], seed: int, now: _dt.datetime
) -> None:
    """Captures the profile would have made before ``now``: every capture period for
    ``entries`` periods, or (``events``) on pseudo-random event times over ``days``."""
    events = history.get("events")
    if isinstance(events, Mapping):
        _fill_events(profile, events, int(history.get("days", 30)), seed, now)
        return
    period = profile.capture_period
    entries = int(history.get("entries", profile.profile_entries))
    if period <= 0 or entries <= 0:
        return
    objects = profile.objects
    local = objects.meter_time(now)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    elapsed = (local - midnight).total_seconds()
    last = midnight + _dt.timedelta(seconds=(elapsed // period) * period)
    first = last - _dt.timedelta(seconds=period * (entries - 1))
    moment = objects.real_time(first)
    step = _dt.timedelta(seconds=period)
    end = objects.real_time(last)
    while moment <= end:
        profile.capture(moment)
        moment += step


def _fill_events(
    profile: ProfileGeneric, events: Mapping[str, Any], days: int, seed: int, now: _dt.datetime
) -> None:
    code_ln = events.get("object", "0-0:96.11.0")
    objects = profile.objects
    code_object = objects.find(str(code_ln))
    if code_object is None:
        raise ModelError(f"event code object {code_ln} is missing", "history.events.object")
    codes = [int(c) for c in events.get("codes", [1, 2])]
    per_day = float(events.get("per_day", 0.3))
    template = code_object.value(2)
    start = now - _dt.timedelta(days=days)
    moments = []
    for day in range(days):
        draws = seed_of(seed, "events", day) % 1000 / 1000
        count = int(per_day) + (1 if draws < per_day % 1 else 0)
        for k in range(count):
            offset = seed_of(seed, "event-time", day, k) % 86400
            moments.append(start + _dt.timedelta(days=day, seconds=offset))
    for n, moment in enumerate(sorted(moments)):
        code = codes[n % len(codes)]
        code_object.store(
            2, type(template)(code) if isinstance(template, int) else DoubleLongUnsigned(code)
        )
        profile.capture(moment)
