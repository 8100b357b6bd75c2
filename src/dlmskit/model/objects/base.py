"""COSEM objects as a server sees them: attribute values, GET/SET/ACTION, time.

A :class:`CosemObject` is one instance of an interface class. It keeps its attribute values in
their raw A-XDR form (what GET returns), validates every write against the class table
(a wrong type is answered ``type-unmatched`` and nothing is stored) and runs its methods.
It does no IO and reads no clock: the server passes ``now`` (an aware :class:`datetime`)
into every call, and time-driven behaviour (captures, schedules, calendars) is driven through
:meth:`CosemObject.get_timer` / :meth:`CosemObject.handle_timer`, as aioquic does.

Objects reach the other objects of their logical device (a script that writes an attribute,
a profile that captures registers) through the :class:`~dlmskit.model.objects.CosemObjects`
registry they are added to.

Failures are values: GET gives a :class:`GetResult`, SET a
:class:`~dlmskit.model.DataAccessResult`, ACTION an :class:`ActionOutcome`. Inside the
behaviour code a refusal is raised as :class:`Refused` and turned into its result at the
boundary.
"""

from __future__ import annotations

import datetime as _dt
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from dlmskit.axdr import Data
from dlmskit.cosem import Obis, ScalerUnit
from dlmskit.errors import DlmsError, LocalProtocolError
from dlmskit.model.classdef import AttributeDef, ClassDef, UnknownClassError, get_class
from dlmskit.model.results import ActionResult, DataAccessResult
from dlmskit.model.schema import (
    SCALER_UNIT,
    Schema,
    SchemaError,
    TypeContext,
)

if TYPE_CHECKING:
    from dlmskit.model.objects.registry import CosemObjects

__all__ = [
    "ActionOutcome",
    "CosemObject",
    "GetResult",
    "MethodHandler",
    "ObjectEvent",
    "Refused",
]

log = logging.getLogger("dlmskit.model")


class Refused(DlmsError):
    """Raised inside behaviour code: the request is refused with ``result``.

    Never escapes :meth:`CosemObject.get` / :meth:`~CosemObject.set` /
    :meth:`~CosemObject.action`, which turn it into their result value.
    """

    def __init__(self, result: DataAccessResult | ActionResult, reason: str = "") -> None:
        self.result = result
        self.reason = reason
        super().__init__(f"{result.name.lower()}: {reason}" if reason else result.name.lower())

    def access_result(self) -> DataAccessResult:
        if isinstance(self.result, DataAccessResult):
            return self.result
        try:
            return DataAccessResult[self.result.name]
        except KeyError:
            return DataAccessResult.OTHER_REASON

    def action_result(self) -> ActionResult:
        if isinstance(self.result, ActionResult):
            return self.result
        return ActionResult.from_access(self.result)


@dataclass(frozen=True, slots=True)
class GetResult:
    """The answer to a GET: a value, or a data-access-result other than success."""

    result: DataAccessResult
    value: Data = None

    @property
    def ok(self) -> bool:
        return self.result is DataAccessResult.SUCCESS


@dataclass(frozen=True, slots=True)
class ActionOutcome:
    """The answer to an ACTION: the action-result and the return parameters, if any."""

    result: ActionResult
    data: Data = None
    has_data: bool = False

    @property
    def ok(self) -> bool:
        return self.result is ActionResult.SUCCESS


@dataclass(frozen=True, slots=True)
class ObjectEvent:
    """Something an object did that the server or the device model acts on (a push to
    send, a disconnector that switched, an image to activate). Subclasses say what."""

    logical_name: Obis
    time: _dt.datetime


#: A method handler for :class:`CosemObject`: ``(object, parameter, now) -> return data``.
MethodHandler = Callable[["CosemObject", Data, _dt.datetime], Data]

_SUCCESS = GetResult(DataAccessResult.SUCCESS)


class CosemObject:
    """One COSEM object: class definition, logical name, attribute values and behaviour.

    Subclasses for classes with behaviour set ``CLASS_ID`` and implement ``_read_<n>``
    (a computed attribute), ``_write_<n>`` (checks and effects of a write, after the type
    check; store with :meth:`store`) and ``_method_<n>`` (a method; return its data or
    None). Attribute values can be given at construction by name, raw or typed::

        Register("1-0:1.8.0", value=DoubleLongUnsigned(0),
                 scaler_unit=ScalerUnit(0, Unit.WATT_HOUR))
    """

    CLASS_ID: ClassVar[int] = 0
    #: Default version when none is given (None: the latest in the class table).
    DEFAULT_VERSION: ClassVar[int | None] = None
    #: Attributes the behaviour computes or changes only itself: a SET is refused
    #: (read-write-denied) even where an association would allow it.
    READ_ONLY: ClassVar[frozenset[int]] = frozenset()

    __slots__ = ("_handlers", "_objects", "_schemas", "_values", "definition", "logical_name")

    def __init__(
        self,
        logical_name: Obis | str | bytes,
        *,
        version: int | None = None,
        class_id: int | None = None,
        schemas: Mapping[int | str, Schema] | None = None,
        methods: Mapping[int | str, MethodHandler] | None = None,
        **values: Any,
    ) -> None:
        cid = class_id if class_id is not None else self.CLASS_ID
        if self.CLASS_ID and class_id is not None and class_id != self.CLASS_ID:
            raise LocalProtocolError(
                f"{type(self).__name__} is class {self.CLASS_ID}, not {class_id}"
            )
        try:
            self.definition: ClassDef = get_class(
                cid, version if version is not None else self.DEFAULT_VERSION
            )
        except UnknownClassError as exc:
            raise LocalProtocolError(str(exc)) from None
        try:
            self.logical_name: Obis = Obis.parse(logical_name)
        except DlmsError as exc:
            raise LocalProtocolError(str(exc)) from None
        self._objects: CosemObjects | None = None
        self._schemas: dict[int, Schema] = {}
        for key, schema in (schemas or {}).items():
            self._schemas[self._attribute(key).index] = schema
        self._handlers: dict[int, MethodHandler] = {}
        for key, handler in (methods or {}).items():
            self._handlers[self._method_index(key)] = handler
        self._values: dict[int, Any] = {1: self.logical_name.to_bytes()}
        for attribute in self.definition.attributes[1:]:
            self._values[attribute.index] = self.schema(attribute.index).default()
        self._init_defaults()
        for name, value in values.items():
            self.set_typed(name, value)

    # -- definition helpers ----------------------------------------------------------------

    def _init_defaults(self) -> None:
        """Subclasses put class-specific initial values here (before the given ones)."""

    def _attribute(self, key: int | str) -> AttributeDef:
        try:
            if isinstance(key, str):
                return self.definition.attribute_named(key)
            return self.definition.attribute(key)
        except UnknownClassError as exc:
            raise LocalProtocolError(str(exc)) from None

    def _method_index(self, key: int | str) -> int:
        try:
            if isinstance(key, str):
                return self.definition.method_named(key).index
            return self.definition.method(key).index
        except UnknownClassError as exc:
            raise LocalProtocolError(str(exc)) from None

    @property
    def class_id(self) -> int:
        return self.definition.class_id

    @property
    def version(self) -> int:
        return self.definition.version

    def schema(self, index: int) -> Schema:
        """The schema of an attribute (the instance's narrower one when it has one)."""
        return self._schemas.get(index) or self.definition.attribute(index).schema

    @property
    def objects(self) -> CosemObjects:
        """The registry this object belongs to (a lone registry is made when it has none)."""
        if self._objects is None:
            from dlmskit.model.objects.registry import CosemObjects

            CosemObjects([self])
        assert self._objects is not None
        return self._objects

    def attach(self, objects: CosemObjects | None) -> None:
        """Called by the registry when the object is added to (or removed from) it."""
        self._objects = objects

    def implements_method(self, index: int) -> bool:
        """Whether invoking method ``index`` does something (for the association's rights)."""
        return index in self._handlers or hasattr(self, f"_method_{index}")

    # -- raw values (for the device model and the behaviour code) --------------------------

    def value(self, key: int | str) -> Any:
        """The stored raw value of an attribute (no computation, no access check)."""
        return self._values[self._attribute(key).index]

    def store(self, key: int | str, value: Any) -> None:
        """Store a raw value after checking its type (LocalProtocolError when it is wrong)."""
        index = self._attribute(key).index
        try:
            self.schema(index).validate(value)
        except SchemaError as exc:
            raise LocalProtocolError(f"{self.definition.name} attribute {index}: {exc}") from None
        self._values[index] = value

    def set_typed(self, key: int | str, value: Any) -> None:
        """Store a typed (or raw) value, converting it with the attribute's schema."""
        attribute = self._attribute(key)
        if attribute.index == 1:
            raise LocalProtocolError("logical_name is given at construction")
        try:
            raw = self.schema(attribute.index).from_typed(value)
        except SchemaError as exc:
            raise LocalProtocolError(f"{attribute.name}: {exc}") from None
        self.store(attribute.index, raw)

    def typed(self, key: int | str, *, now: _dt.datetime | None = None) -> Any:
        """An attribute as a typed Python value (scaled where the class has a scaler_unit).

        Computed attributes (a clock's time) need ``now``; stored ones do not.
        """
        attribute = self._attribute(key)
        if now is None:
            raw = self._values[attribute.index]
        else:
            result = self.get(attribute.index, now=now)
            if not result.ok:
                raise LocalProtocolError(f"{attribute.name}: {result.result.wire_name}")
            raw = result.value
        return self.schema(attribute.index).to_typed(raw, self.type_context())

    def type_context(self) -> TypeContext:
        """The context that types this object's attributes (its scaler_unit)."""
        index = self.definition.scaler_attribute
        if index is None:
            return TypeContext()
        try:
            scaler_unit = SCALER_UNIT.to_typed(self._values[index])
        except SchemaError:
            return TypeContext()
        assert isinstance(scaler_unit, ScalerUnit)
        return TypeContext(scaler_unit)

    # -- typed JSON (device models, traces) --------------------------------------------------

    def to_json(self, *, now: _dt.datetime) -> dict[str, Any]:
        """Every readable attribute by name, in the typed JSON form of :mod:`dlmskit.axdr`
        (an attribute that cannot be read, such as a secret, is left out)."""
        from dlmskit.axdr import to_json

        out: dict[str, Any] = {}
        for attribute in self.definition.attributes:
            result = self.get(attribute.index, now=now)
            if result.ok:
                out[attribute.name] = to_json(result.value)
        return out

    def load_json(self, values: Mapping[str, Any]) -> None:
        """Store attribute values given by name in the typed JSON form (logical_name, when
        present, must be this object's). A wrong name or type is a LocalProtocolError and
        nothing is stored."""
        from dlmskit.axdr import from_json

        staged: dict[int, Data] = {}
        for name, value in values.items():
            attribute = self._attribute(name)
            try:
                raw = from_json(value)
                self.schema(attribute.index).validate(raw)
            except (DlmsError, ValueError) as exc:
                raise LocalProtocolError(f"{self.definition.name} {name}: {exc}") from None
            if attribute.index == 1 and raw != self._values[1]:
                raise LocalProtocolError(f"logical_name {value!r} is not {self.logical_name}")
            staged[attribute.index] = raw
        self._values.update(staged)

    # -- the server's three services ---------------------------------------------------------

    def get(
        self,
        index: int,
        *,
        now: _dt.datetime,
        selector: int | None = None,
        parameters: Data = None,
    ) -> GetResult:
        """GET attribute ``index`` (with selective access when ``selector`` is given)."""
        if not isinstance(index, int) or not 1 <= index <= self.definition.attribute_count:
            return GetResult(DataAccessResult.OBJECT_UNDEFINED)
        try:
            if selector is not None:
                value = self._read_selective(index, selector, parameters, now)
            else:
                reader = getattr(self, f"_read_{index}", None)
                value = reader(now) if reader is not None else self._values[index]
        except Refused as refusal:
            log.debug(
                "%s %s get %d refused: %s", self.definition.name, self.logical_name, index, refusal
            )
            return GetResult(refusal.access_result())
        return GetResult(DataAccessResult.SUCCESS, value)

    def set(
        self,
        index: int,
        value: Any,
        *,
        now: _dt.datetime,
        selector: int | None = None,
        parameters: Data = None,
    ) -> DataAccessResult:
        """SET attribute ``index``. A value of the wrong type is refused as type-unmatched
        and nothing changes."""
        if not isinstance(index, int) or not 1 <= index <= self.definition.attribute_count:
            return DataAccessResult.OBJECT_UNDEFINED
        if selector is not None:
            return DataAccessResult.OTHER_REASON
        try:
            self.schema(index).validate(value)
        except SchemaError as exc:
            log.debug("%s %s set %d: %s", self.definition.name, self.logical_name, index, exc)
            return exc.result
        if index == 1:
            # A logical name is fixed: a different one is refused, the same one accepted.
            return (
                DataAccessResult.SUCCESS
                if value == self._values[1]
                else DataAccessResult.READ_WRITE_DENIED
            )
        if index in self.READ_ONLY:
            return DataAccessResult.READ_WRITE_DENIED
        try:
            writer = getattr(self, f"_write_{index}", None)
            if writer is not None:
                writer(value, now)
            else:
                self._values[index] = value
        except Refused as refusal:
            log.debug(
                "%s %s set %d refused: %s", self.definition.name, self.logical_name, index, refusal
            )
            return refusal.access_result()
        self._changed(index, now)
        return DataAccessResult.SUCCESS

    def action(self, index: int, parameter: Data = None, *, now: _dt.datetime) -> ActionOutcome:
        """ACTION: invoke method ``index`` with ``parameter``."""
        if not isinstance(index, int) or not 1 <= index <= self.definition.method_count:
            return ActionOutcome(ActionResult.OBJECT_UNDEFINED)
        method = self.definition.method(index)
        if method.parameter is not None:
            try:
                method.parameter.validate(parameter)
            except SchemaError as exc:
                log.debug(
                    "%s %s action %d: %s", self.definition.name, self.logical_name, index, exc
                )
                return ActionOutcome(ActionResult.from_access(exc.result))
        handler = self._handlers.get(index)
        try:
            if handler is not None:
                data = handler(self, parameter, now)
            else:
                runner = getattr(self, f"_method_{index}", None)
                if runner is None:
                    raise Refused(ActionResult.OTHER_REASON, f"{method.name} is not implemented")
                data = runner(parameter, now)
        except Refused as refusal:
            log.debug(
                "%s %s action %d refused: %s",
                self.definition.name,
                self.logical_name,
                index,
                refusal,
            )
            return ActionOutcome(refusal.action_result())
        if method.returns is None or data is None:
            return ActionOutcome(ActionResult.SUCCESS)
        return ActionOutcome(ActionResult.SUCCESS, data, True)

    def _read_selective(
        self, index: int, selector: int, parameters: Any, now: _dt.datetime
    ) -> Data:
        raise Refused(DataAccessResult.OTHER_REASON, f"attribute {index} has no selective access")

    def _changed(self, index: int, now: _dt.datetime) -> None:
        """Called after a successful SET (subclasses react to configuration changes)."""

    # -- time --------------------------------------------------------------------------------

    def get_timer(self, now: _dt.datetime) -> _dt.datetime | None:
        """When this object next wants :meth:`handle_timer` (None: never)."""
        return None

    def handle_timer(self, now: _dt.datetime) -> None:
        """Do what is due at ``now`` (captures, scheduled scripts, ...)."""

    def time_changed(self, now: _dt.datetime) -> None:
        """The meter's clock was set or shifted: recompute what depends on it."""

    def poll(self, now: _dt.datetime) -> None:
        """Re-evaluate conditions on other objects' values (monitors, limiters)."""

    # -- events ------------------------------------------------------------------------------

    def emit(self, event: ObjectEvent) -> None:
        if self._objects is not None:
            self._objects.events.append(event)

    def __repr__(self) -> str:
        return f"<{self.definition.name} v{self.version} {self.logical_name}>"


def raw_int(value: Any) -> int:
    """An A-XDR integer value as int (Refused when it is none)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value)
    raise Refused(DataAccessResult.TYPE_UNMATCHED, "an integer was expected")


def same_type(template: Any, number: int) -> Any:
    """``number`` in the A-XDR integer type of ``template`` (clamped to its range)."""
    cls: Any = type(template)
    if isinstance(template, int) and not isinstance(template, bool) and hasattr(cls, "MIN"):
        return cls(max(cls.MIN, min(cls.MAX, number)))
    from dlmskit.axdr import DoubleLong

    return DoubleLong(max(DoubleLong.MIN, min(DoubleLong.MAX, number)))
