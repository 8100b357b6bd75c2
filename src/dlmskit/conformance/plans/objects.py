"""COSEM interface objects: every object of every association's object list.

As the CTT does it (``CONFORMANCE.md`` 1.5): read the object list of each association, then per
object check the logical name and the class against the object definitions (here the class
table of :mod:`dlmskit.model` and the OBIS names of :mod:`dlmskit.cosem`), read every
attribute the access rights let this association read and check its data type against the
class, check that what the rights forbid is refused, write writable attributes back with the
value read and read them again, read profile buffers with selective access, and invoke the
methods the IUT description names as safe.

Each case runs once per association and records one check per object (or attribute), with
the object as the check's subject; the case's verdict is the worst of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dlmskit.apdu import (
    ActionResult,
    Conformance,
    DataAccessResult,
    EntryDescriptor,
    RangeDescriptor,
    SelectiveAccessDescriptor,
)
from dlmskit.apdu.common import CaptureObjectDefinition
from dlmskit.axdr import Data
from dlmskit.client.objects import ObjectInfo, parse_object_list
from dlmskit.conformance.cases import Inconclusive, Plan, Verdict, case
from dlmskit.conformance.context import CaseContext
from dlmskit.conformance.discovery import (
    CURRENT_ASSOCIATION,
    can_invoke,
    can_read,
    can_write,
    check_object_list,
)
from dlmskit.conformance.iut import AssociationSpec, Iut
from dlmskit.conformance.plans.appl import _usable, is_association_name
from dlmskit.conformance.session import Refused, Session
from dlmskit.cosem import Obis
from dlmskit.errors import DlmsError
from dlmskit.model import ClassDef, SchemaError, TypeUnmatched, UnknownClassError, get_class
from dlmskit.security import Protection

__all__ = ["ObjectsSeen"]

OB = Plan.OBJECTS
BB = "DLMS UA 1000-1 (Blue Book) interface classes; CTT COSEM object tests"
#: classes whose attributes are not written back: the associations themselves and the
#: security setup (keys, policy) -- a write there changes who may talk to the meter
NO_WRITE_BACK = frozenset({12, 15, 64})
#: attributes never written, not even to see a write refused: a profile's capture_objects and
#: capture_period (a meter that wrongly took the write would clear its buffer, Blue Book)
NO_WRITE_BACK_ATTRIBUTES = frozenset({(7, 3), (7, 4)})
#: what a meter may answer for a readable attribute it cannot give now (not a failure)
TRANSIENT = frozenset(
    {
        DataAccessResult.TEMPORARY_FAILURE,
        DataAccessResult.OBJECT_UNAVAILABLE,
        DataAccessResult.HARDWARE_FAULT,
    }
)


@dataclass(slots=True)
class ObjectsSeen:
    """What one association showed, shared by the object cases of a run."""

    entries: list[ObjectInfo]
    values: dict[tuple[Obis, int], Data | DataAccessResult] = field(default_factory=dict)


def _object_list_usable(iut: Iut, association: AssociationSpec) -> str | None:
    return _usable(iut, association)


def _authenticated(spec: AssociationSpec) -> bool:
    """Whether this association's requests carry authentication (what "authenticated access"
    of Association LN v0-v2 asks)."""
    if not spec.ciphered or spec.security is None:
        return False
    return bool(spec.security.policy.request_protection & Protection.AUTHENTICATED)


def _label(entry: ObjectInfo, attribute: int | None = None, kind: str = "attribute") -> str:
    text = f"{entry.class_id}/{entry.logical_name}"
    return text if attribute is None else f"{text} {kind} {attribute}"


async def _seen(ctx: CaseContext, session: Session) -> ObjectsSeen:
    """The association's object list (read once per run and association)."""
    spec = session.spec
    found = ctx.shared.objects.get(spec.name)
    if found is not None:
        return found
    value = await session.get(15, CURRENT_ASSOCIATION, 2, note="GET object_list")
    if isinstance(value, DataAccessResult):
        raise Inconclusive(f"the object list cannot be read: {value.name}")
    entries = parse_object_list(value)  # ObjectListError: the list is malformed
    version = next(
        (e.version for e in entries if e.class_id == 15 and e.logical_name == CURRENT_ASSOCIATION),
        2,
    )
    check_object_list(value, version)
    seen = ObjectsSeen([e for e in entries if e.logical_name not in ctx.iut.objects.skip])
    ctx.shared.objects[spec.name] = seen
    return seen


def _definition(entry: ObjectInfo) -> ClassDef | None:
    try:
        return get_class(entry.class_id, entry.version)
    except UnknownClassError:
        return None


@case(
    "T_COSEM_OBJLIST_P1",
    plan=OB,
    group="COSEM_OBJECTS",
    purpose="The association's object list is an array of object_list_element as the "
    "Association LN class defines it, names each logical name once and holds the current "
    "association (0-0:40.0.0*255).",
    per_association=True,
    association_filter=_object_list_usable,
    references=[BB, "Association LN attribute 2"],
)
async def t_cosem_objlist_p1(ctx: CaseContext) -> None:
    session = await ctx.session()
    ctx.shared.objects.pop(session.spec.name, None)
    try:
        seen = await _seen(ctx, session)
    except DlmsError as exc:
        ctx.check(False, "the object list has the structure the class defines", str(exc))
        return
    ctx.check(True, f"the object list has {len(seen.entries)} well-formed entries")
    names = [e.logical_name for e in seen.entries]
    doubles = sorted({str(n) for n in names if names.count(n) > 1})
    ctx.check(not doubles, "each logical name appears once", ", ".join(doubles))
    current = [
        e for e in seen.entries if e.class_id == 15 and e.logical_name == CURRENT_ASSOCIATION
    ]
    ctx.check(bool(current), "the current association 0-0:40.0.0*255 is in the list")


@case(
    "T_COSEM_OBJ_P1",
    plan=OB,
    group="COSEM_OBJECTS",
    purpose="Every object: its class and version are defined (Blue Book), its logical name is "
    "a known OBIS code or in a manufacturer-specific range, and its logical_name attribute "
    "reads back as listed.",
    per_association=True,
    association_filter=_object_list_usable,
    references=[BB, "IEC 62056-6-1 OBIS"],
)
async def t_cosem_obj_p1(ctx: CaseContext) -> None:
    session = await ctx.session()
    seen = await _seen(ctx, session)
    authenticated = _authenticated(session.spec)
    for entry in seen.entries:
        subject = _label(entry)
        definition = _definition(entry)
        if definition is None:
            try:
                get_class(entry.class_id)
                ctx.observe(
                    Verdict.INCONCLUSIVE,
                    f"class {entry.class_id} version {entry.version} is not in the class table",
                    subject=subject,
                )
            except UnknownClassError:
                ctx.observe(
                    Verdict.FAILED, f"class {entry.class_id} is no interface class", subject=subject
                )
        else:
            ctx.observe(Verdict.PASSED, f"{definition} is defined", subject=subject)
        ln = entry.logical_name
        if ln.description is not None or _manufacturer_specific(ln):
            ctx.observe(Verdict.PASSED, "the logical name is a known OBIS code", subject=subject)
        else:
            ctx.observe(
                Verdict.INCONCLUSIVE,
                "the logical name is not in the OBIS table this suite knows",
                subject=subject,
            )
        access = entry.attributes.get(1)
        if access is None or not can_read(access, authenticated=authenticated):
            continue
        value = await _read(ctx, session, seen, entry, 1)
        same = value == bytes(ln) or (ln == CURRENT_ASSOCIATION and is_association_name(value))
        ctx.observe(
            Verdict.PASSED if same else Verdict.FAILED,
            "logical_name reads back as listed",
            "" if same else repr(value),
            subject,
        )


def _manufacturer_specific(ln: Obis) -> bool:
    """IEC 62056-6-1: value groups B, C, D, E in 128..254 (C also 240..254 is reserved) hold
    manufacturer-specific codes; so does group A = 0 with C = 96..99 E >= 128 ..."""
    return any(128 <= v <= 254 for v in (ln.b, ln.c, ln.d, ln.e))


async def _read(
    ctx: CaseContext, session: Session, seen: ObjectsSeen, entry: ObjectInfo, attribute: int
) -> Data | DataAccessResult:
    key = (entry.logical_name, attribute)
    if key in seen.values:
        return seen.values[key]
    try:
        value = await session.get(entry.class_id, entry.logical_name, attribute)
    except Refused as exc:
        raise Refused(f"{_label(entry, attribute)}: {exc.reason}", exc.apdu) from None
    seen.values[key] = value
    return value


@case(
    "T_COSEM_ATTR_READ_P1",
    plan=OB,
    group="COSEM_ATTRIBUTES",
    purpose="Every attribute this association may read is served, and its value has the data "
    "type its class defines for it.",
    per_association=True,
    association_filter=_object_list_usable,
    references=[BB, "attribute data types"],
    timeout=300.0,
)
async def t_cosem_attr_read_p1(ctx: CaseContext) -> None:
    session = await ctx.session()
    seen = await _seen(ctx, session)
    authenticated = _authenticated(session.spec)
    for entry in seen.entries:
        definition = _definition(entry)
        for attribute, access in sorted(entry.attributes.items()):
            if not can_read(access, authenticated=authenticated):
                continue
            subject = _label(entry, attribute)
            value = await _read(ctx, session, seen, entry, attribute)
            if isinstance(value, DataAccessResult):
                verdict = Verdict.INCONCLUSIVE if value in TRANSIENT else Verdict.FAILED
                ctx.observe(verdict, "a readable attribute is served", value.name, subject)
                continue
            if definition is None or attribute > definition.attribute_count:
                ctx.observe(
                    Verdict.INCONCLUSIVE,
                    "the class table does not define this attribute",
                    subject=subject,
                )
                continue
            schema = definition.attribute(attribute).schema
            try:
                schema.validate(value)
            except TypeUnmatched as exc:
                ctx.observe(
                    Verdict.FAILED, f"the value is of type {schema.describe()}", str(exc), subject
                )
                continue
            except SchemaError as exc:
                ctx.observe(Verdict.FAILED, "the value is one the class allows", str(exc), subject)
                continue
            ctx.observe(Verdict.PASSED, "served, of the type the class defines", subject=subject)


@case(
    "T_COSEM_ACCESS_N1",
    plan=OB,
    group="COSEM_ATTRIBUTES",
    purpose="What the access rights forbid is refused: a GET of an attribute without read "
    "access, a SET (with the value read) of a readable attribute without write access.",
    per_association=True,
    association_filter=_object_list_usable,
    references=[BB, "Association LN access_rights"],
    timeout=300.0,
)
async def t_cosem_access_n1(ctx: CaseContext) -> None:
    session = await ctx.session()
    seen = await _seen(ctx, session)
    authenticated = _authenticated(session.spec)
    has_set = bool(session.negotiated_conformance & Conformance.SET)
    for entry in seen.entries:
        for attribute, access in sorted(entry.attributes.items()):
            subject = _label(entry, attribute)
            readable = can_read(access, authenticated=authenticated)
            writable = can_write(access, authenticated=authenticated)
            if not readable:
                value = await session.get(entry.class_id, entry.logical_name, attribute)
                ctx.observe(
                    Verdict.PASSED if isinstance(value, DataAccessResult) else Verdict.FAILED,
                    "a GET without read access is refused",
                    value.name if isinstance(value, DataAccessResult) else "served",
                    subject,
                )
            elif (
                not writable
                and has_set
                and (entry.class_id, attribute) not in NO_WRITE_BACK_ATTRIBUTES
            ):
                value = await _read(ctx, session, seen, entry, attribute)
                if isinstance(value, DataAccessResult):
                    continue
                try:
                    result = await session.set(entry.class_id, entry.logical_name, attribute, value)
                except Inconclusive:
                    continue  # the value does not fit one SET
                ctx.observe(
                    Verdict.PASSED if result != DataAccessResult.SUCCESS else Verdict.FAILED,
                    "a SET without write access is refused",
                    result.name,
                    subject,
                )


async def _profile_rows(
    session: Session, entry: ObjectInfo, selection: SelectiveAccessDescriptor, what: str
) -> list[Data] | DataAccessResult:
    value = await session.get(7, entry.logical_name, 2, selection, note=f"GET buffer {what}")
    if isinstance(value, DataAccessResult):
        return value
    if not isinstance(value, list):
        raise Refused(f"the buffer read {what} is no array")
    return value


@case(
    "T_COSEM_SELECTIVE_P1",
    plan=OB,
    group="COSEM_PROFILES",
    purpose="Each profile generic buffer the association may read with selective access: by "
    "entry (entries 1 to 2; entry 2, first column only) and, where the first capture object is "
    "the clock, by range (the times of entries 1 and 2) gives exactly the rows and columns "
    "asked for.",
    per_association=True,
    association_filter=_object_list_usable,
    references=[BB, "Profile generic selective access (selectors 1 and 2)"],
    timeout=300.0,
)
async def t_cosem_selective_p1(ctx: CaseContext) -> None:
    session = await ctx.session()
    if not session.negotiated_conformance & Conformance.SELECTIVE_ACCESS:
        raise ctx.inapplicable("the association does not negotiate selective access")
    seen = await _seen(ctx, session)
    authenticated = _authenticated(session.spec)
    profiles = [
        e
        for e in seen.entries
        if e.class_id == 7
        and 2 in e.attributes
        and can_read(e.attributes[2], authenticated=authenticated)
        and e.attributes[2].selectors
    ]
    if not profiles:
        raise ctx.inapplicable("no profile buffer offers selective access here")
    for entry in profiles:
        subject = _label(entry, 2)
        selectors = entry.attributes[2].selectors or ()
        in_use = await session.get(7, entry.logical_name, 7, note="GET entries_in_use")
        if not isinstance(in_use, int) or isinstance(in_use, bool) or in_use < 2:
            ctx.observe(
                Verdict.INCONCLUSIVE, "the buffer holds at least 2 entries", repr(in_use), subject
            )
            continue
        if 2 in selectors:
            rows = await _profile_rows(
                session, entry, EntryDescriptor(1, 2, 1, 0).to_access(), "entries 1-2"
            )
            ok = isinstance(rows, list) and len(rows) == 2
            ctx.observe(
                Verdict.PASSED if ok else Verdict.FAILED,
                "by entry 1 to 2: two rows",
                _shape(rows),
                subject,
            )
            one = await _profile_rows(
                session, entry, EntryDescriptor(2, 2, 1, 1).to_access(), "entry 2, column 1"
            )
            ok = (
                isinstance(one, list)
                and len(one) == 1
                and isinstance(one[0], tuple)
                and len(one[0]) == 1
                and isinstance(rows, list)
                and len(rows) == 2
                and isinstance(rows[1], tuple)
                and one[0][0] == rows[1][0]
            )
            ctx.observe(
                Verdict.PASSED if ok else Verdict.FAILED,
                "by entry 2, column 1: one row of one value, the one of entry 2",
                _shape(one),
                subject,
            )
        if 1 in selectors:
            await _by_range(ctx, session, entry, subject)


async def _by_range(ctx: CaseContext, session: Session, entry: ObjectInfo, subject: str) -> None:
    columns = await session.get(7, entry.logical_name, 3, note="GET capture_objects")
    if not isinstance(columns, list) or not columns:
        ctx.observe(Verdict.INCONCLUSIVE, "the capture objects can be read", repr(columns), subject)
        return
    try:
        first = CaptureObjectDefinition.from_data(columns[0])
    except DlmsError as exc:
        ctx.observe(
            Verdict.FAILED, "capture_objects are capture object definitions", str(exc), subject
        )
        return
    if first.class_id != 8 or first.attribute_index != 2:
        ctx.step(f"{subject}: the first column is no clock time; range access not tested")
        return
    rows = await _profile_rows(session, entry, EntryDescriptor(1, 2, 1, 1).to_access(), "times")
    if not (isinstance(rows, list) and len(rows) == 2 and all(isinstance(r, tuple) for r in rows)):
        ctx.observe(
            Verdict.INCONCLUSIVE, "the times of entries 1 and 2 can be read", _shape(rows), subject
        )
        return
    first_row, second_row = rows
    assert isinstance(first_row, tuple) and isinstance(second_row, tuple)
    start: Data = first_row[0]
    stop: Data = second_row[0]
    selection = RangeDescriptor(first, start, stop).to_access()
    found = await _profile_rows(session, entry, selection, "by range")
    ok = (
        isinstance(found, list)
        and 1 <= len(found) <= 2
        and all(isinstance(r, tuple) and r[0] in (start, stop) for r in found)
    )
    ctx.observe(
        Verdict.PASSED if ok else Verdict.FAILED,
        "by range from entry 1's time to entry 2's: the rows in that range only",
        _shape(found),
        subject,
    )


def _shape(rows: object) -> str:
    if isinstance(rows, DataAccessResult):
        return rows.name
    if isinstance(rows, list):
        widths = {len(r) if isinstance(r, tuple) else -1 for r in rows}
        return f"{len(rows)} rows of {sorted(widths)} values"
    return repr(rows)[:80]


@case(
    "T_COSEM_WRITE_P1",
    plan=OB,
    group="COSEM_ATTRIBUTES",
    purpose="Every static attribute this association may read and write, written back with "
    "the value read, is accepted and reads back the same.",
    per_association=True,
    association_filter=_object_list_usable,
    references=[BB, "CTT write-back"],
    timeout=300.0,
)
async def t_cosem_write_p1(ctx: CaseContext) -> None:
    if not ctx.iut.objects.write_back:
        raise ctx.inapplicable("the IUT description turns write-back off")
    session = await ctx.session()
    if not session.negotiated_conformance & Conformance.SET:
        raise ctx.inapplicable("the association does not negotiate SET")
    seen = await _seen(ctx, session)
    authenticated = _authenticated(session.spec)
    written = 0
    for entry in seen.entries:
        definition = _definition(entry)
        if definition is None or entry.class_id in NO_WRITE_BACK:
            continue
        for attribute, access in sorted(entry.attributes.items()):
            if attribute > definition.attribute_count or definition.attribute(attribute).dynamic:
                continue
            if (entry.class_id, attribute) in NO_WRITE_BACK_ATTRIBUTES:
                continue
            if not (
                can_read(access, authenticated=authenticated)
                and can_write(access, authenticated=authenticated)
            ):
                continue
            subject = _label(entry, attribute)
            value = await _read(ctx, session, seen, entry, attribute)
            if isinstance(value, DataAccessResult) or not definition.attribute(
                attribute
            ).schema.accepts(value):
                ctx.step(f"{subject}: not written back (the value read is not valid)")
                continue
            try:
                result = await session.set(entry.class_id, entry.logical_name, attribute, value)
            except Inconclusive as exc:
                ctx.step(f"{subject}: not written back ({exc.reason})")
                continue
            written += 1
            if result != DataAccessResult.SUCCESS:
                ctx.observe(
                    Verdict.FAILED, "writing the value read back is accepted", result.name, subject
                )
                continue
            again = await session.get(entry.class_id, entry.logical_name, attribute)
            ctx.observe(
                Verdict.PASSED if again == value else Verdict.FAILED,
                "written back and read again unchanged",
                "" if again == value else f"read {again!r}",
                subject,
            )
    if not written:
        raise ctx.inapplicable("no static attribute is readable and writable here")


@case(
    "T_COSEM_METHOD_P1",
    plan=OB,
    group="COSEM_METHODS",
    purpose="The methods the IUT description names as safe to invoke: allowed ones succeed "
    "with a parameter of the type the class defines, forbidden ones are refused.",
    per_association=True,
    association_filter=_object_list_usable,
    references=[BB, "methods where safe"],
)
async def t_cosem_method_p1(ctx: CaseContext) -> None:
    safe = ctx.iut.objects.invoke
    if not safe:
        raise ctx.inapplicable("the IUT description names no method as safe to invoke")
    session = await ctx.session()
    if not session.negotiated_conformance & Conformance.ACTION:
        raise ctx.inapplicable("the association does not negotiate ACTION")
    seen = await _seen(ctx, session)
    authenticated = _authenticated(session.spec)
    by_name = {(e.class_id, e.logical_name): e for e in seen.entries}
    invoked = 0
    for ref in safe:
        entry = by_name.get((ref.class_id, ref.logical_name))
        if entry is None or ref.method not in entry.methods:
            continue
        definition = _definition(entry)
        if definition is None or ref.method > definition.method_count:
            continue
        schema = definition.method(ref.method).parameter
        parameter = None if schema is None else schema.default()
        allowed = can_invoke(entry.methods[ref.method], authenticated=authenticated)
        result, _ = await session.action(ref.class_id, ref.logical_name, ref.method, parameter)
        invoked += 1
        subject = _label(entry, ref.method, "method")
        if allowed:
            ctx.observe(
                Verdict.PASSED if result == ActionResult.SUCCESS else Verdict.FAILED,
                "an allowed method succeeds",
                result.name,
                subject,
            )
        else:
            ctx.observe(
                Verdict.PASSED if result != ActionResult.SUCCESS else Verdict.FAILED,
                "a forbidden method is refused",
                result.name,
                subject,
            )
    if not invoked:
        raise ctx.inapplicable("none of the safe methods is in this association's object list")
