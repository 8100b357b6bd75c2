"""Association LN (class_id 15), Association SN (class_id 12) and SAP assignment (17).

An association object is the gatekeeper of one client: which objects it sees (object_list,
built from the registry and filtered for this association), which attributes and methods
it may use (access rights), who the partners are, the context, the authentication mechanism
and its secret, and the association status. A server asks it before serving a request
(:meth:`AssociationLN.check_get` and friends).

The HLS crypto is the security layer's: ``reply_to_hls`` is a callable the server injects
(``f(StoC) from the client -> f(CtoS) to return, or None when the client failed``). The
secret never appears in a repr, a log or a GET answer.
"""

from __future__ import annotations

import datetime as _dt
import hmac
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from dlmskit.axdr import Data, Enum, Integer, Long, LongUnsigned, Unsigned
from dlmskit.cosem import Obis
from dlmskit.errors import DlmsError, LocalProtocolError
from dlmskit.model.classdef import Access
from dlmskit.model.enums import AssociationStatus
from dlmskit.model.objects.base import CosemObject, Refused
from dlmskit.model.results import ActionResult, DataAccessResult

__all__ = ["AssociationLN", "AssociationSN", "ObjectRights", "SapAssignment"]

log = logging.getLogger("dlmskit.model")

#: attribute access_mode bits (v0-v2 enum values 1-3 are the same numbers)
_READ, _WRITE = 1, 2
#: authenticated access modes of versions 0-2
_AUTHENTICATED = {4: _READ, 5: _WRITE, 6: _READ | _WRITE}


@dataclass(frozen=True, slots=True)
class ObjectRights:
    """Access rights of one object in one association: access_mode per attribute and
    method (the Association LN access_mode numbers of its version)."""

    attributes: Mapping[int, int] = field(default_factory=dict)
    methods: Mapping[int, int] = field(default_factory=dict)


def default_rights(obj: CosemObject, version: int) -> ObjectRights:
    """Rights from the class table's default access; methods that do nothing get none."""
    attributes = {}
    for a in obj.definition.attributes:
        mode = (_READ if a.access & Access.READ else 0) | (_WRITE if a.access & Access.WRITE else 0)
        attributes[a.index] = mode
    methods = {
        m.index: (1 if obj.implements_method(m.index) and m.access & Access.EXECUTE else 0)
        for m in obj.definition.methods
    }
    return ObjectRights(attributes, methods)


class _Gatekeeper(CosemObject):
    """What both association classes share: visibility, rights, secret, status."""

    def __init__(
        self,
        logical_name: Any,
        *,
        visible: Iterable[Obis | str] | None = None,
        rights: Mapping[Obis | str, ObjectRights] | None = None,
        secret: bytes = b"",
        reply_to_hls: Callable[[bytes], bytes | None] | None = None,
        on_secret_changed: Callable[[bytes], None] | None = None,
        **values: Any,
    ) -> None:
        self._visible: list[Obis] | None = (
            None if visible is None else [Obis.parse(v) for v in visible]
        )
        self._rights: dict[Obis, ObjectRights] = {
            Obis.parse(k): v for k, v in (rights or {}).items()
        }
        self._secret = bytes(secret)
        self.reply_to_hls = reply_to_hls
        self.on_secret_changed = on_secret_changed
        super().__init__(logical_name, **values)

    def __repr__(self) -> str:
        return f"<{self.definition.name} v{self.version} {self.logical_name} secret=***>"

    # -- visibility and rights -------------------------------------------------------------

    def visible_objects(self) -> list[CosemObject]:
        objects = self.objects
        if self._visible is None:
            return list(objects)
        return [o for ln in self._visible if (o := objects.find(ln)) is not None]

    def is_visible(self, logical_name: Obis | str | bytes) -> bool:
        try:
            ln = Obis.parse(logical_name)
        except DlmsError:
            return False
        if self._visible is None:
            return ln in self.objects
        return ln in self._visible and ln in self.objects

    def rights_of(self, obj: CosemObject) -> ObjectRights:
        return self._rights.get(obj.logical_name) or default_rights(obj, self.version)

    def _lookup(
        self, class_id: int, logical_name: Obis | str | bytes
    ) -> CosemObject | DataAccessResult:
        if not self.is_visible(logical_name):
            return DataAccessResult.OBJECT_UNDEFINED
        obj = self.objects.find(logical_name)
        if obj is None:
            return DataAccessResult.OBJECT_UNDEFINED
        if obj.class_id != class_id:
            return DataAccessResult.OBJECT_CLASS_INCONSISTENT
        return obj

    def _attribute_bits(self, obj: CosemObject, attribute: int, authenticated: bool) -> int:
        mode = self.rights_of(obj).attributes.get(attribute, 0)
        if self.version >= 3:
            return mode & (_READ | _WRITE)
        if mode in _AUTHENTICATED:
            return _AUTHENTICATED[mode] if authenticated else 0
        return mode & (_READ | _WRITE)

    def check_get(
        self,
        class_id: int,
        logical_name: Obis | str | bytes,
        attribute: int,
        *,
        authenticated: bool = True,
    ) -> DataAccessResult | None:
        """None when the GET may be served, else the data-access-result to answer."""
        obj = self._lookup(class_id, logical_name)
        if isinstance(obj, DataAccessResult):
            return obj
        if not self._attribute_bits(obj, attribute, authenticated) & _READ:
            return DataAccessResult.READ_WRITE_DENIED
        return None

    def check_set(
        self,
        class_id: int,
        logical_name: Obis | str | bytes,
        attribute: int,
        *,
        authenticated: bool = True,
    ) -> DataAccessResult | None:
        obj = self._lookup(class_id, logical_name)
        if isinstance(obj, DataAccessResult):
            return obj
        if not self._attribute_bits(obj, attribute, authenticated) & _WRITE:
            return DataAccessResult.READ_WRITE_DENIED
        return None

    def check_action(
        self,
        class_id: int,
        logical_name: Obis | str | bytes,
        method: int,
        *,
        authenticated: bool = True,
    ) -> ActionResult | None:
        obj = self._lookup(class_id, logical_name)
        if isinstance(obj, DataAccessResult):
            return ActionResult.from_access(obj)
        mode = int(self.rights_of(obj).methods.get(method, 0))
        if self.version == 0:
            allowed = bool(mode)
        elif self.version >= 3:
            allowed = bool(mode & 1)
        else:
            allowed = mode == 1 or (mode == 2 and authenticated)
        return None if allowed else ActionResult.READ_WRITE_DENIED

    # -- authentication ----------------------------------------------------------------------

    def lls_matches(self, password: bytes) -> bool:
        """Whether a low level security password is this association's secret."""
        return bool(self._secret) and hmac.compare_digest(self._secret, bytes(password))

    @property
    def secret(self) -> bytes:
        """The secret, for the security layer (never readable over the wire)."""
        return self._secret

    def _store_secret(self, secret: bytes) -> None:
        self._secret = bytes(secret)
        if self.on_secret_changed is not None:
            self.on_secret_changed(self._secret)

    def _hls_reply(self, parameter: Any, now: _dt.datetime) -> Any:
        if self.reply_to_hls is None:
            raise Refused(ActionResult.OTHER_REASON, "no HLS mechanism in this association")
        answer = self.reply_to_hls(bytes(parameter))
        if answer is None:
            log.info("%s: HLS authentication of the client failed", self.logical_name)
            raise Refused(ActionResult.OTHER_REASON, "HLS authentication failed")
        self.authenticated()
        return bytes(answer)

    def authenticated(self) -> None:
        """The association is established (after the AARE, or after HLS pass 4)."""

    def _add_user(self, parameter: Any, index: int) -> None:
        users = [u for u in self._values[index] if u[0] != parameter[0]]
        self._values[index] = [*users, parameter]

    def _remove_user(self, parameter: Any, index: int) -> None:
        users = list(self._values[index])
        if not any(u[0] == parameter[0] for u in users):
            raise Refused(ActionResult.OTHER_REASON, "no such user")
        self._values[index] = [u for u in users if u[0] != parameter[0]]


class AssociationLN(_Gatekeeper):
    """Association LN (versions 0-3).

    ``visible`` lists the logical names this association shows (None: every object of the
    registry); ``rights`` overrides the default access rights per object.
    """

    CLASS_ID = 15
    READ_ONLY = frozenset({2})

    def __init__(self, logical_name: Any = "0-0:40.0.0*255", **kwargs: Any) -> None:
        super().__init__(logical_name, **kwargs)

    @property
    def status(self) -> AssociationStatus:
        return AssociationStatus(int(self._values[8]))

    def set_status(self, status: AssociationStatus) -> None:
        """The server reports the association's state (AARE sent, HLS done, released)."""
        self._values[8] = Enum(status)

    def authenticated(self) -> None:
        self.set_status(AssociationStatus.ASSOCIATED)

    def object_list_element(self, obj: CosemObject) -> Any:
        rights = self.rights_of(obj)
        version = self.version
        attributes = []
        for a in obj.definition.attributes:
            selectors: Data = (
                [Integer(1), Integer(2)] if (obj.class_id == 7 and a.index == 2) else None
            )
            attributes.append(
                (Integer(a.index), Enum(rights.attributes.get(a.index, 0)), selectors)
            )
        methods = []
        for m in obj.definition.methods:
            mode = rights.methods.get(m.index, 0)
            methods.append((Integer(m.index), bool(mode) if version == 0 else Enum(mode)))
        return (
            LongUnsigned(obj.class_id),
            Unsigned(obj.version),
            obj.logical_name.to_bytes(),
            (attributes, methods),
        )

    def _read_2(self, now: _dt.datetime) -> Data:
        return [self.object_list_element(o) for o in self.visible_objects()]

    def _read_7(self, now: _dt.datetime) -> Data:
        raise Refused(DataAccessResult.READ_WRITE_DENIED, "the secret is not readable")

    def _write_7(self, value: Any, now: _dt.datetime) -> None:
        self._store_secret(value)

    def _method_1(self, parameter: Any, now: _dt.datetime) -> Any:
        """reply_to_HLS_authentication(f(StoC)) -> f(CtoS)."""
        return self._hls_reply(parameter, now)

    def _method_2(self, parameter: Any, now: _dt.datetime) -> Any:
        """change_HLS_secret(new secret)."""
        self._store_secret(parameter)
        return None

    def _method_3(self, parameter: Any, now: _dt.datetime) -> Any:
        """add_object(object_list_element): make an existing object visible, with rights."""
        class_id, _version, ln, (attribute_access, method_access) = parameter
        obj = self.objects.find(ln, int(class_id))
        if obj is None:
            raise Refused(ActionResult.OTHER_REASON, "no such object in the logical device")
        if self._visible is None:
            self._visible = [o.logical_name for o in self.objects]
        if obj.logical_name not in self._visible:
            self._visible.append(obj.logical_name)
        self._rights[obj.logical_name] = ObjectRights(
            {int(a[0]): int(a[1]) for a in attribute_access},
            {int(m[0]): int(m[1]) for m in method_access},
        )
        return None

    def _method_4(self, parameter: Any, now: _dt.datetime) -> Any:
        """remove_object(object_list_element): the object is no longer visible here."""
        ln = Obis.from_bytes(parameter[2])
        if not self.is_visible(ln):
            raise Refused(ActionResult.OTHER_REASON, "the object is not in the object list")
        if self._visible is None:
            self._visible = [o.logical_name for o in self.objects]
        self._visible.remove(ln)
        self._rights.pop(ln, None)
        return None

    def _method_5(self, parameter: Any, now: _dt.datetime) -> Any:
        self._add_user(parameter, 10)
        return None

    def _method_6(self, parameter: Any, now: _dt.datetime) -> Any:
        self._remove_user(parameter, 10)
        return None


class AssociationSN(_Gatekeeper):
    """Association SN (versions 0-4): the object list with base names.

    ``base_names`` maps logical names to base names; objects without one get the next free
    multiple of 0x100 from 0x0100 upwards (0xFA00, the current association, is skipped).
    Attribute *i* of an object is at ``base_name + 8 * (i - 1)`` (:meth:`resolve`). Of the
    methods, change_LLS_secret, change_HLS_secret, reply_to_HLS_authentication and (v4)
    add_user / remove_user are implemented; the others are refused.
    """

    CLASS_ID = 12
    READ_ONLY = frozenset({2, 3})

    def __init__(
        self,
        logical_name: Any = "0-0:40.0.0*255",
        *,
        base_names: Mapping[Obis | str, int] | None = None,
        **kwargs: Any,
    ) -> None:
        self._base_names: dict[Obis, int] = {
            Obis.parse(k): int(v) for k, v in (base_names or {}).items()
        }
        super().__init__(logical_name, **kwargs)

    def base_name(self, obj: CosemObject) -> int:
        found = self._base_names.get(obj.logical_name)
        if found is None:
            used = set(self._base_names.values())
            found = 0x0100
            while found in used or found == 0xFA00:
                found += 0x100
            if found > 0xFF00:
                raise LocalProtocolError("no base name left")
            self._base_names[obj.logical_name] = found
        return found

    def resolve(self, short_name: int) -> tuple[CosemObject, int] | None:
        """The object and attribute index a short name addresses (None if none)."""
        for obj in self.visible_objects():
            base = self.base_name(obj)
            offset = short_name - base
            if 0 <= offset < 8 * obj.definition.attribute_count and offset % 8 == 0:
                return obj, offset // 8 + 1
        return None

    def _read_2(self, now: _dt.datetime) -> Data:
        return [
            (
                Long(
                    self.base_name(o) - 0x10000 if self.base_name(o) > 0x7FFF else self.base_name(o)
                ),
                LongUnsigned(o.class_id),
                Unsigned(o.version),
                o.logical_name.to_bytes(),
            )
            for o in self.visible_objects()
        ]

    def _read_3(self, now: _dt.datetime) -> Data:
        out: list[Data] = []
        for o in self.visible_objects():
            rights = self.rights_of(o)
            base = self.base_name(o)
            out.append(
                (
                    Long(base - 0x10000 if base > 0x7FFF else base),
                    [(Integer(i), Enum(m), None) for i, m in rights.attributes.items()],
                    [(Integer(i), Enum(m)) for i, m in rights.methods.items()],
                )
            )
        return out

    def _method_5(self, parameter: Any, now: _dt.datetime) -> Any:
        """change_LLS_secret."""
        self._store_secret(parameter)
        return None

    def _method_6(self, parameter: Any, now: _dt.datetime) -> Any:
        """change_HLS_secret."""
        self._store_secret(parameter)
        return None

    def _method_8(self, parameter: Any, now: _dt.datetime) -> Any:
        """reply_to_HLS_authentication."""
        return self._hls_reply(parameter, now)

    def _method_9(self, parameter: Any, now: _dt.datetime) -> Any:
        self._add_user(parameter, 5)
        return None

    def _method_10(self, parameter: Any, now: _dt.datetime) -> Any:
        self._remove_user(parameter, 5)
        return None


class SapAssignment(CosemObject):
    """SAP assignment (class_id 17): which logical device answers at which SAP.

    connect_logical_device(SAP, name) assigns the SAP to the named logical device (moving it
    if the device had another SAP); SAP 0 disconnects the device.
    """

    CLASS_ID = 17

    def __init__(self, logical_name: Any = "0-0:41.0.0*255", **values: Any) -> None:
        super().__init__(logical_name, **values)

    def sap_of(self, logical_device_name: bytes) -> int | None:
        for sap, name in self._values[2]:
            if name == logical_device_name:
                return int(sap)
        return None

    def _method_1(self, parameter: Any, now: _dt.datetime) -> Any:
        sap, name = parameter
        entries = [e for e in self._values[2] if e[1] != name]
        if int(sap) != 0:
            if any(int(e[0]) == int(sap) for e in entries):
                raise Refused(ActionResult.OTHER_REASON, f"SAP {int(sap)} is taken")
            entries.append((LongUnsigned(int(sap)), bytes(name)))
        self._values[2] = entries
        return None
